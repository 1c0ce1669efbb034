"""What section builders read: per-bundle resources and the per-request shopper context.

:class:`PageResources` is built once when a bundle goes live: catalog
statistics, repurchase intervals, co-purchases, item embeddings, the score rows
of the user-independent models, the new arrivals, and a cache of "similar
items" rows. :class:`ShopperContext` is built once per request: the shopper's
history, profile and summary, the compiled rules, and :class:`RequestScores`,
which calls each generator at most once per request and shares the row among
all sections.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.catalog import DAY, CatalogStats
from shopfront.homepage.copurchase import CoPurchases
from shopfront.homepage.diversity import item_embeddings
from shopfront.homepage.repurchase import RepurchaseIntervals
from shopfront.homepage.rules import CompiledRules
from shopfront.homepage.shopper import ShopperSummary
from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import History
from shopfront.store.records import InteractionType

if TYPE_CHECKING:
    from shopfront.homepage.ranking.ranker import CandidateRanker
    from shopfront.profiles.profile import Profile

logger = logging.getLogger(__name__)

USER_INDEPENDENT_MODELS: tuple[str, ...] = ("popularity", "trending")
PERSONAL_MODELS: tuple[str, ...] = ("sequential", "als", "bpr", "cooccurrence", "content")
SIMILAR_MODELS: tuple[str, ...] = ("cooccurrence", "content", "als", "bpr")


@dataclass(frozen=True, slots=True)
class SimilarItems:
    """Items like one anchor item, best first.

    Attributes:
        item_indices: int64 (n,) items (never the anchor).
        scores: float32 (n,) similarities.
        source: Name of the model that found them (decides the reason's wording).
    """

    item_indices: np.ndarray
    scores: np.ndarray
    source: str


class PageResources:
    """The parts of a page that depend only on the bundle.

    Args:
        bundle: The live bundle.
        new_arrival_days: Items created within this many days of the snapshot's
            time are new arrivals.
        similar_cache_size: Anchor items whose similar-items rows are kept.
    """

    def __init__(
        self, bundle: ModelBundle, *, new_arrival_days: float = 30.0, similar_cache_size: int = 4096
    ) -> None:
        snapshot = bundle.snapshot
        self.bundle = bundle
        self.models: Mapping[str, CandidateGenerator] = bundle.models
        self.stats = CatalogStats.from_snapshot(snapshot)
        self.repurchase = RepurchaseIntervals.from_snapshot(snapshot, self.stats)
        self.copurchases = CoPurchases.from_snapshot(snapshot)
        self.embeddings = item_embeddings(bundle.models, snapshot.n_items)
        self.ranker: CandidateRanker | None = _usable_ranker(bundle)
        self.static_rows = {
            name: _frozen(model.score([History.empty()])[0])
            for name, model in bundle.models.items()
            if name in USER_INDEPENDENT_MODELS
        }
        age = self.stats.age_days
        fresh = np.flatnonzero(np.isfinite(age) & (age <= new_arrival_days) & (age >= 0))
        self.new_arrivals = fresh[np.argsort(age[fresh], kind="stable")]
        self.similar: Callable[[int], SimilarItems] = functools.lru_cache(similar_cache_size)(
            self._similar
        )

    @property
    def n_items(self) -> int:
        return self.stats.n_items

    def _similar(self, item_index: int, n: int = 60) -> SimilarItems:
        """Items like one item, from the first model that knows any."""
        for name in SIMILAR_MODELS:
            model = self.models.get(name)
            if model is None:
                continue
            found = model.similar_items(item_index, n)
            if len(found):
                return SimilarItems(_frozen(found.item_indices), _frozen(found.scores), name)
        return SimilarItems(np.zeros(0, np.int64), np.zeros(0, np.float32), "")


class RequestScores:
    """Each generator's score row for one request, computed at most once.

    Args:
        models: The bundle's generators.
        history: The shopper's history.
        static_rows: Precomputed rows of user-independent models.
    """

    def __init__(
        self,
        models: Mapping[str, CandidateGenerator],
        history: History,
        static_rows: Mapping[str, np.ndarray],
    ) -> None:
        self._models = models
        self._history = history
        self._rows: dict[str, np.ndarray] = dict(static_rows)

    def row(self, name: str) -> np.ndarray | None:
        """float32 (n_items,) read-only scores of one generator, ``None`` if absent."""
        if name not in self._rows:
            model = self._models.get(name)
            if model is None:
                return None
            self._rows[name] = _frozen(model.score([self._history])[0])
        return self._rows[name]

    def personal(self) -> tuple[str, np.ndarray] | None:
        """The first personal model's name and row, ``None`` without one."""
        for name in PERSONAL_MODELS:
            row = self.row(name)
            if row is not None:
                return name, row
        return None


@dataclass
class ShopperContext:
    """One shopper at one request, as the section builders see them.

    Attributes:
        user_id: The shopper.
        history: Their events, oldest first.
        now: Time of the request (Unix seconds).
        profile: Their profile, when the bundle builds profiles.
        shopper: Their summary over catalog codes.
        resources: The bundle's resources.
        rules: The compiled page rules.
        scores: Generator rows of this request.
        bought: int64 items the shopper purchased.
        carted: int64 items carted and not bought since, latest first.
        usable: bool (n_items,) items discovery rows may show: allowed by the
            rules and not in the shopper's history (bought, carted or seen).
    """

    user_id: str
    history: History
    now: float
    profile: Profile | None
    shopper: ShopperSummary
    resources: PageResources
    rules: CompiledRules
    scores: RequestScores
    bought: np.ndarray
    carted: np.ndarray
    usable: np.ndarray

    @classmethod
    def build(
        cls,
        user_id: str,
        history: History,
        resources: PageResources,
        rules: CompiledRules,
        *,
        now: float | None = None,
    ) -> ShopperContext:
        """Summarise the shopper and prepare the shared score rows."""
        latest = float(history.timestamps[-1]) if len(history) else -np.inf
        at = now if now is not None else max(resources.stats.reference_time, latest)
        profile = _profile(resources.bundle.profiles, history, at, user_id)
        bought, carted = _purchases_and_cart(history)
        usable = rules.allowed.copy()
        usable[history.item_indices] = False
        return cls(
            user_id=user_id,
            history=history,
            now=at,
            profile=profile,
            shopper=ShopperSummary.build(history, resources.stats, profile=profile),
            resources=resources,
            rules=rules,
            scores=RequestScores(resources.models, history, resources.static_rows),
            bought=bought,
            carted=carted,
            usable=usable,
        )

    @property
    def stats(self) -> CatalogStats:
        return self.resources.stats

    def days_ago(self, timestamp: float) -> float:
        """Days between ``timestamp`` and the request."""
        return max(self.now - timestamp, 0.0) / DAY


def _frozen(array: np.ndarray) -> np.ndarray:
    """A read-only view, so that a shared row cannot be changed by one section."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


def _usable_ranker(bundle: ModelBundle) -> CandidateRanker | None:
    """The bundle's ranker when every generator it reads is in the bundle."""
    ranker: Any = bundle.ranker
    if ranker is None:
        return None
    missing = [g for g in getattr(ranker, "generators", ()) if g not in bundle.models]
    if missing or not getattr(ranker, "is_fitted", False):
        logger.warning("ranker unusable, bundle lacks generators=%s", ",".join(missing))
        return None
    return ranker  # type: ignore[no-any-return]


def _profile(builder: Any, history: History, now: float, user_id: str) -> Profile | None:
    """The shopper's profile, or ``None`` when the bundle has no profile builder."""
    if builder is None or len(history) == 0:
        return None
    profile: Profile = builder.build(history, now=now, user_id=user_id)
    return profile


def _purchases_and_cart(history: History) -> tuple[np.ndarray, np.ndarray]:
    """Items bought, and items carted but not bought after the cart event (latest first)."""
    items = np.asarray(history.item_indices, dtype=np.int64)
    types = np.asarray(history.types)
    bought = np.unique(items[types == int(InteractionType.PURCHASE)])
    carts = np.flatnonzero(types == int(InteractionType.ADD_TO_CART))[::-1]
    carted: list[int] = []
    for position in carts.tolist():
        item = int(items[position])
        later = items[position + 1 :][types[position + 1 :] == int(InteractionType.PURCHASE)]
        if item not in carted and item not in later:
            carted.append(item)
    return bought, np.asarray(carted, dtype=np.int64)
