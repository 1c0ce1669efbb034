"""The ranker against the best single candidate generator, validation NDCG@10.

Protocol (:mod:`shopfront.homepage.ranking.evaluation`): leave-one-out,
validation split (each shopper's second-to-last item is the target, ranked
against all items, their earlier items masked). Rankers train on held-out
groups of the training part: generators fit without each shopper's last
training item, candidates pooled from each generator's 50 best, labelled with
that item (for shops under 10,000 shoppers, also one and two items earlier,
with generators refit each time, for more groups). Generators are then refit
on the whole training part; each is scored alone over the full catalog and the
rankers over the merged pool.

Datasets:

- Amazon Beauty (``../shared/datasets/amazon_beauty``), when present;
- a simulated shop (5,000 shoppers, 12,000 items, 8 weeks; 2,000 shoppers and
  3,000 items, 4 weeks, when quick), reduced to each shopper's first event per
  item so that the target is a newly discovered item, as in Beauty.

Generators: popularity, co-occurrence and ALS, plus ``sequential`` and
``content`` when the model registry has them (not when quick).

Usage::

    nice -n 10 .venv/bin/python benchmarks/bench_ranker.py [--quick]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from functools import partial
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import beauty_snapshot
from shopfront.homepage.ranking.evaluation import compare_with_generators  # noqa: E402
from shopfront.models.base import CandidateGenerator  # noqa: E402
from shopfront.models.registry import MODEL_CLASSES, create_model  # noqa: E402
from shopfront.prep.builder import build_snapshot  # noqa: E402
from shopfront.prep.snapshot import Snapshot  # noqa: E402
from shopfront.store.records import InteractionFrame  # noqa: E402

BASE_GENERATORS = ("popularity", "cooccurrence", "als")
OPTIONAL_GENERATORS: dict[str, dict[str, Any]] = {
    "sequential": {},
    "content": {"encoder": "minilm"},
}


def factories(quick: bool) -> dict[str, partial[CandidateGenerator]]:
    """The generators compared and merged."""
    chosen = {name: partial(create_model, name) for name in BASE_GENERATORS}
    if not quick:
        for name, options in OPTIONAL_GENERATORS.items():
            if name in MODEL_CLASSES:
                chosen[name] = partial(create_model, name, **options)
    return chosen


def profile_factory(snapshot: Snapshot) -> Any:
    """A profile builder fitted on ``snapshot`` (``None`` without the profiles stage)."""
    try:
        from shopfront.profiles import ProfileBuilder
    except ImportError:
        return None
    return ProfileBuilder().fit(snapshot)


def simulated(quick: bool) -> Snapshot:
    """A simulated shop, each shopper's events reduced to the first one per item."""
    from shopfront.simulate import SimulationConfig, simulate_shop

    config = SimulationConfig(
        n_users=2_000 if quick else 5_000,
        n_items=3_000 if quick else 12_000,
        days=28 if quick else 56,
        seed=0,
    )
    shop = simulate_shop(config)
    snapshot, _ = build_snapshot(shop.events, shop.catalog)
    return first_events(snapshot, shop.catalog)


def first_events(snapshot: Snapshot, catalog: list[Any]) -> Snapshot:
    """Each shopper's first event per item, typed with their strongest event on it."""
    users = np.repeat(np.arange(snapshot.n_users), np.diff(snapshot.seq_offsets))
    keys = users.astype(np.int64) * snapshot.n_items + snapshot.seq_items
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    strongest = np.zeros(len(first), dtype=np.int8)
    np.maximum.at(strongest, inverse, snapshot.seq_types)
    order = np.argsort(first, kind="stable")
    kept = first[order]
    frame = InteractionFrame(
        user_ids=snapshot.users.ids[users[kept]],
        item_ids=snapshot.items.ids[snapshot.seq_items[kept]],
        types=strongest[order],
        timestamps=snapshot.seq_times[kept],
    )
    reduced, _ = build_snapshot(frame, catalog)
    return reduced


def training_steps(snapshot: Snapshot, quick: bool) -> int:
    """Held-out positions for the rankers' groups: more for smaller shops (at most 3)."""
    return 1 if quick else min(3, max(1, -(-10_000 // snapshot.n_users)))


def compare(snapshot: Snapshot, *, quick: bool) -> dict[str, Any]:
    """The ranker report on one dataset."""
    started = time.perf_counter()
    report = compare_with_generators(
        snapshot,
        factories(quick),
        split="valid",
        profiles_factory=profile_factory,
        max_train_users=3_000 if quick else 10_000,
        max_eval_users=3_000 if quick else None,
        training_steps=training_steps(snapshot, quick),
    )
    report["dataset"] = {
        "users": snapshot.n_users,
        "items": snapshot.n_items,
        "interactions": int(len(snapshot.seq_items)),
    }
    best = report["best_generator"]["NDCG@10"]
    report["beats_best_generator"] = report["rankers"]["lambdamart"]["NDCG@10"] > best
    report["seconds"]["total"] = round(time.perf_counter() - started, 1)
    return report


def run(quick: bool) -> dict[str, Any]:
    """Compare the rankers with the generators on each dataset."""
    results: dict[str, Any] = {"quick": quick, "cpu_count": os.cpu_count()}
    snapshot = beauty_snapshot()
    if snapshot is not None:
        results["amazon_beauty"] = compare(snapshot, quick=quick)
    results["simulated"] = compare(simulated(quick), quick=quick)
    results["peak_memory_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sampled shoppers, smaller shop")
    arguments = parser.parse_args()
    json.dump(run(arguments.quick), sys.stdout, indent=2)
    print()
