"""Freeze cleaned interactions and a catalog into a :class:`Snapshot`."""

from __future__ import annotations

import logging
import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp

from shopfront.prep.cleaning import CleaningReport, clean
from shopfront.prep.snapshot import Snapshot
from shopfront.prep.vocabulary import IdVocabulary
from shopfront.prep.weighting import WeightingConfig, interaction_strength
from shopfront.store.records import InteractionFrame, InteractionType, Item

logger = logging.getLogger(__name__)


def build_snapshot(
    frame: InteractionFrame,
    catalog: Sequence[Item],
    *,
    weighting: WeightingConfig | None = None,
    bot_max_events_per_day: int = 500,
) -> tuple[Snapshot, CleaningReport]:
    """Clean interactions and freeze them with the catalog.

    Every catalog item gets a column, even one nobody touched yet, so that new
    arrivals can be recommended by content. With an empty catalog, the items
    seen in the interactions form it.

    Args:
        frame: Raw interactions from the store or a file.
        catalog: The shop's items.
        weighting: Type weights and decay; defaults to :class:`WeightingConfig`.
        bot_max_events_per_day: Passed to :func:`~shopfront.prep.cleaning.clean`.
    """
    known = {item.item_id for item in catalog} if catalog else None
    cleaned, report = clean(
        frame, catalog_item_ids=known, bot_max_events_per_day=bot_max_events_per_day
    )
    items = list(catalog) or [Item(item_id=i) for i in dict.fromkeys(cleaned.item_ids.tolist())]
    snapshot = freeze(cleaned, items, weighting=weighting or WeightingConfig())
    return snapshot, report


def freeze(
    cleaned: InteractionFrame, items: Sequence[Item], *, weighting: WeightingConfig
) -> Snapshot:
    """Index already-clean interactions, sorted by user then time."""
    item_vocab = IdVocabulary(item.item_id for item in items)
    user_vocab = IdVocabulary(dict.fromkeys(cleaned.user_ids.tolist()))
    user_index = user_vocab.indices(cleaned.user_ids)
    item_index = item_vocab.indices(cleaned.item_ids)
    now = float(cleaned.timestamps.max()) if len(cleaned) else 0.0

    # Summing duplicates in COO→CSR adds up repeated interactions with one item.
    strength = interaction_strength(cleaned.types, cleaned.timestamps, now=now, config=weighting)
    matrix = sp.csr_matrix(
        (strength, (user_index, item_index)),
        shape=(len(user_vocab), len(item_vocab)),
        dtype=np.float32,
    )
    matrix.sum_duplicates()

    offsets = np.zeros(len(user_vocab) + 1, dtype=np.int64)
    np.add.at(offsets, user_index + 1, 1)
    logger.info(
        "froze snapshot users=%d items=%d interactions=%d",
        len(user_vocab),
        len(item_vocab),
        len(cleaned),
    )
    return Snapshot(
        users=user_vocab,
        items=item_vocab,
        matrix=matrix,
        seq_offsets=np.cumsum(offsets),
        seq_items=item_index,
        seq_types=np.asarray(cleaned.types, dtype=np.int8),
        seq_times=np.asarray(cleaned.timestamps, dtype=np.float64),
        **_item_features(items),
        reference_time=now,
    )


def _item_features(items: Sequence[Item]) -> dict[str, Any]:
    """Per-item feature columns, in vocabulary order."""
    nan = math.nan
    return {
        "item_titles": [item.title for item in items],
        "item_categories": [item.category for item in items],
        "item_brands": [item.brand for item in items],
        "item_prices": np.array(
            [nan if item.price is None else item.price for item in items], dtype=np.float32
        ),
        "item_created_at": np.array(
            [nan if item.created_at is None else item.created_at for item in items],
            dtype=np.float64,
        ),
        "item_in_stock": np.array([item.in_stock for item in items], dtype=bool),
        "item_attributes": [_attribute_tokens(item) for item in items],
    }


def _attribute_tokens(item: Item) -> list[str]:
    """Attribute tokens such as ``"brand:acme"`` or ``"attr:17"`` for one item."""
    tokens = [f"brand:{item.brand}"] if item.brand else []
    tokens += [f"category:{part.strip()}" for part in item.category.split(">") if part.strip()]
    for key, value in item.attributes.items():
        values = value if isinstance(value, list) else [value]
        tokens += [f"{key}:{v}" for v in values]
    return tokens


def snapshot_from_sequences(
    user_ids: Sequence[str],
    sequences: Sequence[Sequence[str]],
    catalog: Sequence[Item],
    *,
    interaction_type: InteractionType = InteractionType.PURCHASE,
) -> Snapshot:
    """A snapshot from ordered item sequences without timestamps (Amazon form).

    Positions stand in for time (one second apart) so that order is kept; no
    decay applies, since positions are not ages.
    """
    lengths = [len(s) for s in sequences]
    frame = InteractionFrame(
        user_ids=np.repeat(np.asarray(user_ids, dtype=object), lengths),
        item_ids=np.asarray([i for s in sequences for i in s], dtype=object),
        types=np.full(sum(lengths), int(interaction_type), dtype=np.int8),
        timestamps=np.concatenate([np.arange(n, dtype=np.float64) for n in lengths])
        if sequences
        else np.zeros(0),
    )
    return freeze(frame, catalog, weighting=WeightingConfig(half_life_days=0.0))
