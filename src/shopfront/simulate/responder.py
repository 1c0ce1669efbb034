"""Simulated shoppers reacting to the homepages they are shown (the closed loop).

A homepage is a list of rows, each a list of item ids in display order. The
shopper examines the item at row ``r``, column ``c`` (both 0-based) with
probability ``bias(r) × bias(c)``, where ``bias(k) = 1 / log2(k + 2)`` — the
discount of DCG, so the first slot is always examined and the tenth one about
0.29 of the time. An examined item is clicked with probability
``0.6 × affinity²`` (:mod:`~shopfront.simulate.affinity`): a good match is
clicked often, a poor one almost never. A click leads to the cart with
probability ``0.2 × (0.5 + price match)`` when the item is in stock, and a cart
to a purchase half of the time. A durable the shopper already bought is ten
times less attractive; bots never react.

Reactions are random but deterministic: each visit of a user draws from a
stream seeded by (seed, user id, number of that user's visit), so the reactions
of one user never depend on the order in which other users are served.
"""

from __future__ import annotations

import logging
import zlib
from collections import Counter
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from shopfront.errors import UnknownItemError, UnknownUserError
from shopfront.simulate.affinity import AffinityModel
from shopfront.simulate.catalog import CatalogTable
from shopfront.simulate.shop import SimulatedShop
from shopfront.simulate.tastes import TasteTable
from shopfront.store.records import InteractionType

logger = logging.getLogger(__name__)

CLICK_SCALE = 0.6
CART_SCALE = 0.2
PURCHASE_PROBABILITY = 0.5
BOUGHT_DURABLE_DISCOUNT = 0.1


class Reaction(NamedTuple):
    """One thing a shopper did with an item of the page.

    Attributes:
        item_id: The item.
        type: Interaction label: ``"click"``, ``"add_to_cart"`` or ``"purchase"``.
        position: ``(row, column)`` of the item on the page, both 0-based.
    """

    item_id: str
    type: str
    position: tuple[int, int]


def position_bias(index: np.ndarray) -> np.ndarray:
    """float64 chance of examining the 0-based row or column ``index``: 1 / log2(index + 2)."""
    return 1.0 / np.log2(np.asarray(index, dtype=np.float64) + 2.0)


class ShopperResponder:
    """The simulated shoppers of a shop, answering homepages with clicks, carts and purchases.

    Args:
        shop: The simulated shop whose hidden tastes drive the reactions.
        seed: Seed of the reactions.

    Example:
        >>> from shopfront.simulate import SimulationConfig, simulate_shop
        >>> shop = simulate_shop(SimulationConfig(n_users=20, n_items=200, days=7, seed=1))
        >>> responder = ShopperResponder(shop, seed=0)
        >>> page = [[item.item_id for item in shop.catalog[:10]]]
        >>> reactions = responder.respond("u000001", page)
        >>> all(r.type in {"click", "add_to_cart", "purchase"} for r in reactions)
        True
    """

    def __init__(self, shop: SimulatedShop, *, seed: int = 0) -> None:
        self._catalog = CatalogTable.from_items(shop.catalog)
        self._tastes = TasteTable.from_tastes(shop.tastes, self._catalog)
        self._model = AffinityModel.build(self._catalog, self._tastes)
        self._item_index = {str(item_id): i for i, item_id in enumerate(self._catalog.item_ids)}
        self._user_index = {str(user_id): u for u, user_id in enumerate(self._tastes.user_ids)}
        self._bought = self._durables_bought(shop)
        self._visits: Counter[str] = Counter()
        self._seed = seed

    def affinity(self, user_id: str, item_id: str) -> float:
        """The hidden relevance in [0, 1] of an item to a shopper.

        Raises:
            UnknownUserError: ``user_id`` is not a shopper of the shop.
            UnknownItemError: ``item_id`` is not in the catalog.
        """
        return float(self.affinities(user_id, [item_id])[0])

    def affinities(self, user_id: str, item_ids: Sequence[str]) -> np.ndarray:
        """float32 hidden relevance of each item to the shopper (see :meth:`affinity`)."""
        items = self._items(item_ids)
        user = np.full(len(items), self._user(user_id))
        return self._model.score(user, items)

    def click_probabilities(self, user_id: str, rows: Sequence[Sequence[str]]) -> list[np.ndarray]:
        """Per row, float64 chance that the shopper clicks each item of the page.

        Their sum over the page is the expected number of clicks, a noise-free way
        to compare two pages.
        """
        user = self._user(user_id)
        if self._tastes.is_bot[user]:
            return [np.zeros(len(row)) for row in rows]
        return [self._click_chance(user, self._items(row), r) for r, row in enumerate(rows)]

    def respond(self, user_id: str, rows: Sequence[Sequence[str]]) -> list[Reaction]:
        """The shopper's reactions to one homepage, in page order (funnel order per item).

        Args:
            user_id: A shopper of the shop.
            rows: The page: rows of item ids, each row in display order.

        Raises:
            UnknownUserError: ``user_id`` is not a shopper of the shop.
            UnknownItemError: An item of the page is not in the catalog.
        """
        chances = self.click_probabilities(user_id, rows)
        user = self._user(user_id)
        self._visits[user_id] += 1
        rng = np.random.default_rng(
            [self._seed, zlib.crc32(user_id.encode()), self._visits[user_id]]
        )

        reactions: list[Reaction] = []
        for r, (row, chance) in enumerate(zip(rows, chances, strict=True)):
            for c in np.flatnonzero(rng.random(len(row)) < chance).tolist():
                reactions += self._after_click(user, row[c], (r, c), rng)
        logger.debug("responded user=%s reactions=%d", user_id, len(reactions))
        return reactions

    def _click_chance(self, user: int, items: np.ndarray, row: int) -> np.ndarray:
        """float64 click chance of each item of one row: examination × attraction."""
        # TODO(#6): no impression fatigue yet: an item shown on every visit keeps its appeal;
        # add a decay per unclicked impression if the closed loop over-rewards repetition.
        users = np.full(len(items), user)
        attraction = CLICK_SCALE * self._model.score(users, items).astype(np.float64) ** 2
        bought = self._bought.get(user, set())
        attraction *= [BOUGHT_DURABLE_DISCOUNT if i in bought else 1.0 for i in items.tolist()]
        examination = position_bias(np.array(row)) * position_bias(np.arange(len(items)))
        return np.asarray(examination * attraction)

    def _after_click(
        self, user: int, item_id: str, position: tuple[int, int], rng: np.random.Generator
    ) -> list[Reaction]:
        """A click and, perhaps, the cart and purchase that follow it."""
        reactions = [Reaction(item_id, InteractionType.CLICK.label, position)]
        item = self._item_index[item_id]
        price = float(self._model.price_match(np.array([user]), np.array([item]))[0])
        carted = self._catalog.in_stock[item] and rng.random() < CART_SCALE * (0.5 + price)
        if not carted:
            return reactions
        reactions.append(Reaction(item_id, InteractionType.ADD_TO_CART.label, position))
        if rng.random() < PURCHASE_PROBABILITY:
            reactions.append(Reaction(item_id, InteractionType.PURCHASE.label, position))
            if not self._catalog.is_consumable[item]:
                self._bought.setdefault(user, set()).add(item)
        return reactions

    def _user(self, user_id: str) -> int:
        """The user index of a shopper."""
        if user_id not in self._user_index:
            raise UnknownUserError(f"user_id {user_id!r} is not a shopper of the simulated shop")
        return self._user_index[user_id]

    def _items(self, item_ids: Sequence[str]) -> np.ndarray:
        """int64 item indices of catalog items."""
        unknown = [i for i in item_ids if i not in self._item_index]
        if unknown:
            raise UnknownItemError(f"item_id {unknown[0]!r} is not in the simulated catalog")
        return np.array([self._item_index[i] for i in item_ids], dtype=np.int64)

    def _durables_bought(self, shop: SimulatedShop) -> dict[int, set[int]]:
        """Per user index, the durable items they bought during the simulated period."""
        events = shop.events
        bought = np.asarray(events.types) == int(InteractionType.PURCHASE)
        bought_durables: dict[int, set[int]] = {}
        for user_id, item_id in zip(events.user_ids[bought], events.item_ids[bought], strict=True):
            item = self._item_index.get(str(item_id))
            user = self._user_index.get(str(user_id))
            if item is not None and user is not None and not self._catalog.is_consumable[item]:
                bought_durables.setdefault(user, set()).add(item)
        return bought_durables
