"""The sequential transformer: reference vs fused attention, training, serving (#3)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from shopfront.errors import NotFittedError, ValidationError
from shopfront.models.sequential import SequentialCandidateGenerator
from shopfront.models.sequential.attention import CausalSelfAttention, attention_mask
from shopfront.models.sequential.data import SequenceWindows, gap_buckets, inference_batch
from shopfront.models.sequential.network import NetworkConfig, SequentialNetwork
from shopfront.prep.builder import snapshot_from_sequences
from shopfront.prep.snapshot import History, Snapshot
from shopfront.store.records import Item

FAST = {
    "hidden_dim": 16,
    "max_seq_len": 8,
    "max_epochs": 2,
    "patience": 0,
    "text_encoder": "hashing",
    "batch_size": 64,
}


@pytest.fixture(scope="module")
def fitted(tiny_snapshot: Snapshot) -> SequentialCandidateGenerator:
    return SequentialCandidateGenerator(**FAST).fit(tiny_snapshot)  # type: ignore[arg-type]


def test_fast_attention_matches_reference() -> None:
    torch.manual_seed(0)
    reference = CausalSelfAttention(16, 2, dropout=0.0, implementation="reference").eval()
    fused = CausalSelfAttention(16, 2, dropout=0.0, implementation="sdpa").eval()
    fused.load_state_dict(reference.state_dict())
    x = torch.randn(3, 7, 16)
    padding = torch.zeros(3, 7, dtype=torch.bool)
    padding[0, :4] = True  # left padding
    allowed = attention_mask(padding)
    torch.testing.assert_close(fused(x, allowed), reference(x, allowed), rtol=1e-5, atol=1e-5)


def test_attention_is_causal_and_ignores_padding() -> None:
    torch.manual_seed(0)
    attention = CausalSelfAttention(8, 1, dropout=0.0).eval()
    padding = torch.tensor([[True, False, False, False]])
    x = torch.randn(1, 4, 8)
    changed = x.clone()
    changed[0, 3] += 1.0  # the future
    changed[0, 0] += 5.0  # padding
    allowed = attention_mask(padding)
    torch.testing.assert_close(attention(x, allowed)[0, 1:3], attention(changed, allowed)[0, 1:3])


def test_windows_train_on_every_prefix_and_mask_padding() -> None:
    snapshot = snapshot_from_sequences(
        ["u1", "u2"], [["a", "b", "c", "d", "e"], ["b", "c"]], [Item(item_id=i) for i in "abcde"]
    )
    windows = SequenceWindows(snapshot, max_seq_len=3)
    assert windows.n_targets == 4 + 1
    batch = next(windows.batches(8, np.random.default_rng(0)))
    real = batch.targets > 0
    assert int(real.sum()) == 5
    assert bool((batch.slots[real] > 0).all())  # a target always has a real input
    assert gap_buckets(np.array([0.0, 1.0, 100.0])).tolist() == [0, 2, 7]


def test_inference_reads_the_latest_items() -> None:
    history = History(np.arange(10, dtype=np.int64))
    batch = inference_batch([history, History.empty()], max_seq_len=4)
    assert batch.slots.tolist() == [[7, 8, 9, 10], [0, 0, 0, 0]]


def test_network_shapes() -> None:
    config = NetworkConfig(n_items=12, hidden=8, layers=1, max_seq_len=5)
    attributes = np.array([[1, 2]] * 6 + [[3, 0]] * 6)
    network = SequentialNetwork(config, attributes, np.ones((12, 4), dtype=np.float32))
    slots = torch.tensor([[0, 1, 2], [3, 4, 5]])
    hidden = network(slots, torch.zeros_like(slots), torch.zeros_like(slots))
    assert hidden.shape == (2, 3, 8)
    assert network.item_encoder.table().shape == (12, 8)


def test_scores_every_item_as_float32(
    fitted: SequentialCandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    scores = fitted.score([tiny_snapshot.history(u) for u in range(4)] + [History.empty()])
    assert scores.shape == (5, tiny_snapshot.n_items)
    assert scores.dtype == np.float32 and np.isfinite(scores).all()


def test_a_new_click_changes_the_next_scores(
    fitted: SequentialCandidateGenerator, tiny_snapshot: Snapshot
) -> None:
    history = tiny_snapshot.history(0)
    clicked = History(np.append(history.item_indices, 45))
    before, after = fitted.score([history, clicked])
    assert not np.allclose(before, after)


def test_learns_the_two_halves_of_the_catalog(tiny_snapshot: Snapshot) -> None:
    model = SequentialCandidateGenerator(**{**FAST, "max_epochs": 4})  # type: ignore[arg-type]
    model.fit(tiny_snapshot)
    # Users of the first half (items 0..29) should get mostly first-half items.
    recommended = model.recommend(tiny_snapshot.history(0), 10).item_indices
    same_half = tiny_snapshot.items.to_ids(recommended)
    assert sum(int(i[1:]) < 30 for i in same_half) >= 7


def test_items_without_interactions_are_recommendable(tiny_snapshot: Snapshot) -> None:
    catalog = [Item(item_id=f"i{i}", title=f"matte lipstick {i}") for i in range(60)]
    catalog.append(Item(item_id="new", title="matte lipstick new shade", brand="brand1"))
    users = [tiny_snapshot.users.id(u) for u in range(tiny_snapshot.n_users)]
    sequences = [tiny_snapshot.items.to_ids(h.item_indices) for h in tiny_snapshot.histories()]
    snapshot = snapshot_from_sequences(users, sequences, catalog)
    model = SequentialCandidateGenerator(**FAST).fit(snapshot)  # type: ignore[arg-type]
    scores = model.score([snapshot.history(0)])[0]
    assert np.isfinite(scores[snapshot.items.index("new")])


def test_early_stopping_and_save_load(tiny_snapshot: Snapshot, tmp_path: Path) -> None:
    options = {**FAST, "patience": 1, "max_epochs": 3, "refit": "none"}
    model = SequentialCandidateGenerator(**options).fit(tiny_snapshot)  # type: ignore[arg-type]
    assert 1 <= model.training_.best_epoch <= model.training_.epochs_run <= 3
    assert len(model.training_.ndcgs) == model.training_.epochs_run
    assert model.transition_weight_ >= 0.0

    model.save(tmp_path / "model.pkl")
    loaded = SequentialCandidateGenerator.load(tmp_path / "model.pkl")
    histories = [tiny_snapshot.history(u) for u in range(3)]
    np.testing.assert_allclose(loaded.score(histories), model.score(histories), rtol=1e-5)


def test_transition_weight_is_learned_on_held_out_items() -> None:
    # Shoppers walk a chain of products (each one is followed by the next), which
    # transition counts capture at once and a network trained for one epoch does not.
    rng = np.random.default_rng(0)
    catalog = [Item(item_id=f"i{i}", title=f"product {i}") for i in range(80)]
    starts = rng.integers(0, 70, size=300)
    sequences = [[f"i{i}" for i in range(s, s + int(rng.integers(4, 10)))] for s in starts]
    sequences = [[item for item in seq if int(item[1:]) < 80] for seq in sequences]
    snapshot = snapshot_from_sequences([f"u{u}" for u in range(300)], sequences, catalog)
    options = {**FAST, "max_epochs": 1, "patience": 1, "validation_users": 200}
    model = SequentialCandidateGenerator(**options).fit(snapshot)  # type: ignore[arg-type]

    assert model.transition_weight_ > 0.0
    history = History(np.array([snapshot.items.index("i10"), snapshot.items.index("i11")]))
    top = model.recommend(history, 1).item_indices
    assert snapshot.items.to_ids(top) == ["i12"]


def test_refit_trains_on_the_held_out_items(tiny_snapshot: Snapshot) -> None:
    options = {**FAST, "patience": 1, "max_epochs": 2, "validation_users": 20}
    kept = SequentialCandidateGenerator(**options, refit="none")  # type: ignore[arg-type]
    continued = SequentialCandidateGenerator(**options, refit="continue")  # type: ignore[arg-type]
    histories = [tiny_snapshot.history(u) for u in range(5)]

    # The same phase one (same seed), then only "continue" trains on everything.
    before = kept.fit(tiny_snapshot).score(histories)
    after = continued.fit(tiny_snapshot).score(histories)
    assert kept.training_.ndcgs == continued.training_.ndcgs
    assert not np.allclose(before, after)


def test_unfitted_and_bad_options_are_rejected(tiny_snapshot: Snapshot) -> None:
    with pytest.raises(NotFittedError):
        SequentialCandidateGenerator().score([History.empty()])
    with pytest.raises(ValidationError, match="hidden_dim"):
        SequentialCandidateGenerator(hidden_dim=10, heads=3).fit(tiny_snapshot)
    with pytest.raises(ValidationError, match="refit must be one of"):
        SequentialCandidateGenerator(refit="twice").fit(tiny_snapshot)
    with pytest.raises(NotImplementedError, match="attention"):
        SequentialCandidateGenerator(attention="flash").fit(tiny_snapshot)
