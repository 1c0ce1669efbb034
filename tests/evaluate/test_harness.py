"""The evaluation harness end to end on tiny data, and the popularity row on Beauty (#3)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Self

import numpy as np
import pytest
from rich.console import Console

from shopfront.errors import ValidationError
from shopfront.evaluate import (
    EvaluationResult,
    evaluate,
    load_dataset,
    results_table,
    write_html,
    write_json,
)
from shopfront.models.base import CandidateGenerator
from shopfront.models.transitions import TransitionCandidateGenerator
from shopfront.prep.snapshot import History, Snapshot
from tests.conftest import require_datasets


class CountingModel(CandidateGenerator):
    """Training counts plus seeded noise: a stochastic popularity ranking."""

    name = "counting"

    def __init__(self, *, noise: float = 0.0, seed: int = 0) -> None:
        super().__init__(seed=seed)
        self.noise = noise

    def fit(self, snapshot: Snapshot) -> Self:
        rng = np.random.default_rng(self.seed)
        counts = snapshot.item_counts().astype(np.float32)
        self.scores_ = counts + self.noise * rng.random(len(counts), dtype=np.float32)
        self.n_items_ = snapshot.n_items
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        return np.tile(self.scores_, (len(histories), 1))


def test_seeds_give_mean_and_std(tiny_snapshot: Snapshot) -> None:
    result = evaluate(
        lambda seed: CountingModel(noise=5.0, seed=seed), tiny_snapshot, "valid", [0, 1, 2]
    )
    hits = [run.metrics["HR@10"] for run in result.runs]
    assert result.model == "counting"
    assert result.n_users == tiny_snapshot.n_users
    assert result.mean["HR@10"] == pytest.approx(np.mean(hits))
    assert result.std["HR@10"] == pytest.approx(np.std(hits))
    assert 0.0 < result.mean["coverage@20"] <= 1.0
    assert result.fit_seconds >= 0.0 and result.peak_memory_mib > 0.0


def test_batching_does_not_change_results(tiny_snapshot: Snapshot) -> None:
    def factory(seed: int) -> CandidateGenerator:
        return TransitionCandidateGenerator(seed=seed)

    whole = evaluate(factory, tiny_snapshot, "test", [0], batch_size=1024)
    batched = evaluate(factory, tiny_snapshot, "test", [0], batch_size=7)
    np.testing.assert_array_equal(whole.runs[0].ranks, batched.runs[0].ranks)
    assert whole.mean == batched.mean


def test_reports_in_every_form(tiny_snapshot: Snapshot, tmp_path: Path) -> None:
    results = [
        evaluate(lambda s: CountingModel(seed=s), tiny_snapshot, "test", [0, 1]),
        evaluate(lambda s: TransitionCandidateGenerator(seed=s), tiny_snapshot, "test", [0]),
    ]
    console = Console(record=True, width=250)
    console.print(results_table(results))
    text = console.export_text()
    assert "transitions" in text and "N@10" in text and "HR@20" in text

    write_json(results, tmp_path / "out.json")
    loaded = json.loads((tmp_path / "out.json").read_text())
    assert [r["model"] for r in loaded["results"]] == ["counting", "transitions"]
    assert loaded["results"][0]["seeds"] == [0, 1]

    written = write_html(results, tmp_path / "report.html")
    assert all(p.exists() and p.stat().st_size > 0 for p in written)
    assert "<table>" in (tmp_path / "report.html").read_text()


def test_seed_runs_from_separate_processes_combine_as_one(tiny_snapshot: Snapshot) -> None:
    def factory(seed: int) -> CandidateGenerator:
        return CountingModel(noise=5.0, seed=seed)

    together = evaluate(factory, tiny_snapshot, "valid", [0, 1, 2])
    parts = [evaluate(factory, tiny_snapshot, "valid", [seed]) for seed in (0, 1, 2)]

    # Each part goes through JSON, as a benchmark child process writes it.
    loaded = [EvaluationResult.from_dict(json.loads(json.dumps(p.to_dict()))) for p in parts]
    combined = loaded[0].combined(loaded[1]).combined(loaded[2])
    assert [run.seed for run in combined.runs] == [0, 1, 2]
    assert combined.mean == pytest.approx(together.mean)
    assert combined.std == pytest.approx(together.std)


def test_results_of_other_splits_do_not_combine(tiny_snapshot: Snapshot) -> None:
    valid = evaluate(lambda s: CountingModel(seed=s), tiny_snapshot, "valid", [0])
    test = evaluate(lambda s: CountingModel(seed=s), tiny_snapshot, "test", [1])
    with pytest.raises(ValidationError, match="split"):
        valid.combined(test)


def test_saved_snapshot_is_a_dataset(tiny_snapshot: Snapshot, tmp_path: Path) -> None:
    tiny_snapshot.save(tmp_path / "shop")
    dataset = load_dataset(tmp_path / "shop")
    assert dataset.name == "shop" and dataset.snapshot.n_users == tiny_snapshot.n_users


@pytest.mark.slow
def test_popularity_reproduces_the_published_poprec_row() -> None:
    dataset = load_dataset(require_datasets() / "amazon_beauty")
    result = evaluate(lambda s: CountingModel(seed=s), dataset.snapshot, "test", [0])
    # Counted on the training part, as the protocol asks.
    assert result.mean["HR@10"] == pytest.approx(0.0130, abs=5e-5)
    assert result.mean["NDCG@10"] == pytest.approx(0.0059, abs=5e-5)
    assert result.n_users == 22363 and result.n_items == 12101

    # S3-Rec's PopRec row (HR@10 0.0152, NDCG@10 0.0068) is what the same
    # arithmetic gives when the counts include the test targets.
    everything = dataset.snapshot.item_counts().astype(np.float32)
    leaky = evaluate(lambda s: FixedScores(everything), dataset.snapshot, "test", [0])
    assert leaky.mean["HR@10"] == pytest.approx(0.0152, abs=5e-5)
    assert leaky.mean["NDCG@10"] == pytest.approx(0.0068, abs=5e-5)


class FixedScores(CandidateGenerator):
    """The same given scores for every shopper, whatever it is fit on."""

    name = "fixed"

    def __init__(self, scores: np.ndarray) -> None:
        super().__init__(seed=0)
        self.scores = scores

    def fit(self, snapshot: Snapshot) -> Self:
        self.n_items_ = snapshot.n_items
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        return np.tile(self.scores, (len(histories), 1))
