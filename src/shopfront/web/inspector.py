"""The shopper inspector: one shopper's profile, history, and homepage with what it beat.

For each section of the shopper's page, the inspector asks the model the
section draws on for its best items and lists the first few that did not make
it onto the page (not shown, not bought, in stock): the candidates the row beat.
Every product on the page also carries its score and rank under each model of
the bundle, so an operator can see which model put it there.

The page is composed directly by the live composer, so inspecting a shopper
logs no impression and counts no page view.
"""

from __future__ import annotations

import logging
import time
import uuid
from typing import Any

import numpy as np

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import Section
from shopfront.homepage.service import HISTORY_LENGTH, BundleHolder
from shopfront.homepage.stock import LiveStock
from shopfront.models.base import top_n
from shopfront.prep.history import history_of
from shopfront.prep.snapshot import History
from shopfront.store import queries
from shopfront.store.records import Interaction, InteractionType
from shopfront.store.store import Store
from shopfront.web.catalog import item_card

logger = logging.getLogger(__name__)

# Which generator a row of each kind ranks its candidates by, in order of preference; the
# same preferences as the section builders.
PERSONAL_MODELS = ("sequential", "als", "bpr", "cooccurrence", "content")
SIMILAR_MODELS = ("cooccurrence", "content", "als", "bpr")
SECTION_MODELS: dict[str, tuple[str, ...]] = {
    "recommended": PERSONAL_MODELS,
    "because_viewed": SIMILAR_MODELS,
    "top_picks": ("popularity",),
    "trending": ("trending", "popularity"),
    "new_for_you": PERSONAL_MODELS + ("popularity",),
}
# Rows that only show items the shopper has not interacted with yet.
DISCOVERY_SECTIONS = frozenset({"recommended", "because_viewed", "new_for_you"})
# Rows of the shopper's own items (buy it again, their cart) rank no open candidates.
OWN_ITEM_SECTIONS = frozenset({"buy_again", "complete_purchase", "bought_together"})


def inspect_shopper(
    store: Store,
    holder: BundleHolder,
    user_id: str,
    *,
    n_history: int = 50,
    n_runners_up: int = 5,
    stock: LiveStock | None = None,
) -> dict[str, Any]:
    """Everything the inspector shows about ``user_id``, JSON-ready.

    Args:
        store: The shop's store (history and catalog).
        holder: The live bundle and composer.
        user_id: External id of the shopper (an unknown one gets the new-shopper page).
        n_history: Most recent events to list.
        n_runners_up: Candidates listed per section that did not make the page.
        stock: The live stock the served pages use, so the page explained is the
            page served; the bundle's snapshot stock when ``None``.
    """
    interactions = store.user_history(user_id, n=HISTORY_LENGTH)
    result: dict[str, Any] = {
        "user_id": user_id,
        "n_events": len(interactions),
        "deleted": store.is_deleted(user_id),
        "history": history_rows(store, interactions[::-1][:n_history]),
        "profile": None,
        "profile_error": None,
        "homepage": None,
    }
    pair = holder.current()
    if pair is None:
        return result

    bundle, composer = pair
    history = history_of(interactions, bundle.snapshot)
    result["profile"], result["profile_error"] = build_profile(bundle, history, user_id)
    in_stock = None if stock is None else stock.in_stock(bundle.snapshot.items)
    result["homepage"] = explain_homepage(
        store, bundle, composer, user_id, history, n_runners_up=n_runners_up, in_stock=in_stock
    )
    return result


def history_rows(store: Store, interactions: list[Interaction]) -> list[dict[str, Any]]:
    """Events for display, in the order given, with the item's card."""
    items = {i.item_id: i for i in queries.items_by_ids(store, [e.item_id for e in interactions])}
    rows = []
    for event in interactions:
        item = items.get(event.item_id)
        rows.append(
            {
                "time": time.strftime("%Y-%m-%d %H:%M", time.gmtime(event.timestamp)),
                "timestamp": event.timestamp,
                "type": event.type.label,
                "item_id": event.item_id,
                "item": item_card(item) if item else None,
                "request_id": event.request_id,
            }
        )
    return rows


def build_profile(
    bundle: ModelBundle, history: History, user_id: str
) -> tuple[dict[str, Any] | None, str | None]:
    """The shopper's profile as JSON (without its embedding), or why there is none."""
    if bundle.profiles is None:
        return None, "this bundle was trained without profiles"
    try:
        profile = bundle.profiles.build(history, now=time.time(), user_id=user_id).as_dict()
    except (TypeError, ValueError, RuntimeError, AttributeError) as error:
        # An inspector page must still show history and homepage when profiles break.
        logger.warning("profile failed in the inspector error=%s", error)
        return None, f"the profile could not be built: {error}"
    profile.pop("embedding", None)
    return profile, None


def explain_homepage(
    store: Store,
    bundle: ModelBundle,
    composer: HomepageComposer,
    user_id: str,
    history: History,
    *,
    n_runners_up: int = 5,
    in_stock: np.ndarray | None = None,
) -> dict[str, Any]:
    """The shopper's page, each product with its per-model scores and each row with runners-up."""
    request_id = f"inspect-{uuid.uuid4().hex[:12]}"
    page = composer.compose(user_id, history, request_id=request_id, in_stock=in_stock)
    snapshot = bundle.snapshot
    scores = {name: model.score([history])[0] for name, model in bundle.models.items()}
    on_page = np.array([snapshot.items.index(i) for i in page.item_ids()], dtype=np.int64)
    # Never eligible for any row: on the page already, bought, carted or out of stock.
    owned = history.item_indices[history.types >= int(InteractionType.ADD_TO_CART)]
    stocked = snapshot.item_in_stock if in_stock is None else in_stock
    excluded = np.union1d(np.union1d(owned, np.flatnonzero(~stocked)), on_page)
    sections = []
    for section in page.sections:
        runners = runners_up(bundle, history, section, scores, excluded, n=n_runners_up)
        sections.append(_section_view(bundle, section, scores, runners))
    _attach_cards(store, sections)
    return {
        "request_id": page.request_id,
        "model_version": page.model_version,
        "degraded": page.degraded,
        "sections": sections,
    }


def section_model(section_id: str, model_names: list[str]) -> str | None:
    """The generator a section ranks its candidates by (``None`` when it ranks none)."""
    kind = section_id.split(":", 1)[0]
    if kind in OWN_ITEM_SECTIONS:
        return None
    wanted = SECTION_MODELS.get(kind, PERSONAL_MODELS + ("popularity",))
    return next((m for m in wanted if m in model_names), None)


def runners_up(
    bundle: ModelBundle,
    history: History,
    section: Section,
    scores: dict[str, np.ndarray],
    excluded: np.ndarray,
    *,
    n: int,
) -> dict[str, Any]:
    """The best candidates of the section's model that are not on the page.

    Returns:
        ``{"model": name or None, "items": [{"item_id", "score", "rank"}]}``, where
        ``rank`` is the candidate's 1-based place in that model's whole ranking.
    """
    name = section_model(section.id, list(bundle.models))
    if name is None:
        return {"model": None, "items": []}
    snapshot = bundle.snapshot
    row = _section_scores(bundle, history, section, name, scores[name])
    full = row.copy()
    row[excluded] = -np.inf
    if section.id.split(":", 1)[0] in DISCOVERY_SECTIONS:
        row[history.item_indices] = -np.inf
    best = top_n(row, n)
    items = [
        {
            "item_id": snapshot.items.id(int(i)),
            "score": float(s),
            "rank": _rank(full, int(i)),
        }
        for i, s in zip(best.item_indices.tolist(), best.scores.tolist(), strict=True)
    ]
    return {"model": name, "items": items}


def _section_scores(
    bundle: ModelBundle, history: History, section: Section, name: str, row: np.ndarray
) -> np.ndarray:
    """float32 (n_items,) scores of the candidates the section chooses from (-inf elsewhere)."""
    snapshot = bundle.snapshot
    kind, _, detail = section.id.partition(":")
    if kind == "because_viewed":
        anchor = _anchor(section, snapshot.items.get, history)
        if anchor is None:
            return np.full(snapshot.n_items, -np.inf, dtype=np.float32)
        # Like the section, rank by likeness to the item it is built around.
        similar = bundle.models[name].similar_items(anchor, 200)
        out = np.full(snapshot.n_items, -np.inf, dtype=np.float32)
        out[similar.item_indices] = similar.scores
        return out
    row = row.astype(np.float32, copy=True)
    if kind == "top_picks" and detail:
        inside = np.array(
            [c == detail or c.startswith(detail + " >") for c in snapshot.item_categories],
            dtype=bool,
        )
        row[~inside] = -np.inf
    return row


def _anchor(section: Section, index_of: Any, history: History) -> int | None:
    """The item a *Because you viewed* row is built around: its anchor, else the latest."""
    if section.anchor_item_id is not None and index_of(section.anchor_item_id, -1) >= 0:
        return int(index_of(section.anchor_item_id, -1))
    return int(history.item_indices[-1]) if len(history) else None


def _section_view(
    bundle: ModelBundle,
    section: Section,
    scores: dict[str, np.ndarray],
    runners: dict[str, Any],
) -> dict[str, Any]:
    """A section with every product's per-model score and rank."""
    snapshot = bundle.snapshot
    items = []
    for item in section.items:
        index = snapshot.items.index(item.item_id)
        by_model = {
            name: {"score": float(row[index]), "rank": _rank(row, index)}
            for name, row in scores.items()
        }
        items.append(
            {
                "item_id": item.item_id,
                "title": item.title,
                "score": item.score,
                "reason": item.reason,
                "position": item.position,
                "models": by_model,
            }
        )
    return {
        "id": section.id,
        "title": section.title,
        "reason": section.reason,
        "source_model": runners["model"],
        "items": items,
        "runners_up": runners["items"],
    }


def _attach_cards(store: Store, sections: list[dict[str, Any]]) -> None:
    """Add the catalog card of every product and runner-up, in one query."""
    entries = [e for s in sections for e in (*s["items"], *s["runners_up"])]
    items = queries.items_by_ids(store, [entry["item_id"] for entry in entries])
    cards = {item.item_id: item_card(item) for item in items}
    for entry in entries:
        entry["card"] = cards.get(entry["item_id"])


def _rank(row: np.ndarray, index: int) -> int | None:
    """1-based place of ``index`` in the ranking of ``row`` (``None`` when not ranked)."""
    value = row[index]
    if not np.isfinite(value):
        return None
    return int((row > value).sum()) + 1
