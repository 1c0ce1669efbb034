"""Cleaning, weighting and the frozen snapshot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from shopfront.prep.builder import build_snapshot
from shopfront.prep.snapshot import Snapshot
from shopfront.prep.weighting import WeightingConfig, interaction_strength
from shopfront.store.records import InteractionFrame, Item

DAY = 86_400.0


def frame(rows: list[tuple[str, str, int, float]]) -> InteractionFrame:
    users, items, types, times = zip(*rows, strict=True)
    return InteractionFrame(
        np.array(users, dtype=object),
        np.array(items, dtype=object),
        np.array(types, dtype=np.int8),
        np.array(times),
    )


def test_cleaning_drops_duplicates_unknown_items_and_bots() -> None:
    rows = [("u1", "a", 1, 1.7e9), ("u1", "a", 1, 1.7e9), ("u1", "zz", 1, 1.7e9 + 1)]
    rows += [("bot", "a", 1, 1.7e9 + i) for i in range(30)]
    snapshot, report = build_snapshot(
        frame(rows), [Item("a"), Item("b")], bot_max_events_per_day=20
    )
    assert (report.duplicates, report.unknown_items, report.bot_users, report.kept) == (1, 1, 1, 1)
    assert snapshot.users.ids.tolist() == ["u1"]
    assert snapshot.n_items == 2, "untouched catalog items keep a column"


def test_purchases_outweigh_views_and_old_events_fade() -> None:
    config = WeightingConfig(half_life_days=10)
    strength = interaction_strength(
        np.array([1, 4, 4]),
        np.array([100 * DAY, 100 * DAY, 90 * DAY]),
        now=100 * DAY,
        config=config,
    )
    assert strength[1] > strength[0]
    assert strength[2] == pytest.approx(strength[1] / 2)


def test_type_weights_must_rise_with_intent() -> None:
    with pytest.raises(ValueError, match="view < click < cart < purchase"):
        WeightingConfig(view=5.0)


def test_histories_are_time_ordered_and_ids_kept_apart_from_indices(tmp_path: Path) -> None:
    rows = [("u2", "b", 2, 3.0e9 / 2 + 5), ("u1", "a", 1, 1.5e9), ("u2", "a", 4, 1.5e9)]
    snapshot, _ = build_snapshot(frame(rows), [Item("a", category="X"), Item("b")])
    u2 = snapshot.history(snapshot.users.index("u2"))
    assert snapshot.items.to_ids(u2.item_indices) == ["a", "b"]
    assert snapshot.matrix.shape == (2, 2)

    snapshot.save(tmp_path / "snap")
    loaded = Snapshot.load(tmp_path / "snap")
    assert loaded.items.ids.tolist() == snapshot.items.ids.tolist()
    assert (loaded.matrix != snapshot.matrix).nnz == 0
    assert loaded.item_categories == ["X", ""]
