"""Latency of a whole homepage, composed in-process, on a 12k-item catalog.

A simulated shop of 12,000 items is frozen into a snapshot; popularity,
trending, co-occurrence and ALS (plus the content and sequential models when
the registry has them) are fit, with profiles and a LambdaMART ranker, and
the composer serves pages from the bundle saved and loaded again, as a server
loads it, to a mix of shoppers: 80 % with their full history,
10 % new (no events) and 10 % with one to three events of the current session.
Without ``--quick`` the same is measured on Amazon Beauty (12,101 items) when
``../shared/datasets`` is present.

Usage::

    nice -n 10 .venv/bin/python benchmarks/bench_homepage.py [--quick]

``run(quick)`` returns the JSON printed: per dataset, p50/p95/p99/mean/max
milliseconds per page, the composer's start-up seconds, how many sections
and items the pages held, and the CPU a page costs when 1, 2 or 4 threads
compose at once.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import threading
import time
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from benchmarks.common import beauty_snapshot
from shopfront.homepage.bundle import ModelBundle  # noqa: E402
from shopfront.homepage.composer import HomepageComposer  # noqa: E402
from shopfront.homepage.ranking import CandidateRanker, train_ranker  # noqa: E402
from shopfront.models.base import CandidateGenerator  # noqa: E402
from shopfront.models.registry import MODEL_CLASSES, create_model  # noqa: E402
from shopfront.prep.builder import build_snapshot  # noqa: E402
from shopfront.prep.snapshot import History, Snapshot  # noqa: E402
from shopfront.store.records import InteractionType  # noqa: E402

BASE_MODELS = ("popularity", "trending", "cooccurrence", "als")
RANKER_MODELS = ("popularity", "cooccurrence", "als")
OPTIONAL_MODELS: dict[str, dict[str, Any]] = {
    "content": {"encoder": "hashing"},
    "sequential": {"max_epochs": 3, "text_encoder": "none"},
}


def model_factories(quick: bool) -> dict[str, partial[CandidateGenerator]]:
    """Factories of the generators to serve, the optional ones when registered."""
    factories = {name: partial(create_model, name) for name in BASE_MODELS}
    for name, options in OPTIONAL_MODELS.items():
        if name in MODEL_CLASSES and not (quick and name == "sequential"):
            factories[name] = partial(create_model, name, **options)
    return factories


def build_bundle(snapshot: Snapshot, *, quick: bool, seed: int = 0) -> tuple[ModelBundle, dict]:
    """Fit every generator, the profile builder and the ranker on ``snapshot``."""
    timings: dict[str, float] = {}
    factories = model_factories(quick)
    models = {}
    for name, factory in factories.items():
        started = time.perf_counter()
        models[name] = factory().fit(snapshot)
        timings[name] = time.perf_counter() - started

    started = time.perf_counter()
    profiles = _profile_builder(snapshot)
    timings["profiles"] = time.perf_counter() - started

    started = time.perf_counter()
    generators = [g for g in (*RANKER_MODELS, "sequential") if g in factories]
    ranker = train_ranker(
        snapshot,
        {g: factories[g] for g in generators},
        profiles=profiles,
        max_users=2_000 if quick else 8_000,
        ranker=CandidateRanker(generators=generators, seed=seed),
        seed=seed,
    )
    timings["ranker"] = time.perf_counter() - started
    bundle = ModelBundle("bench", snapshot, models, profiles=profiles, ranker=ranker)
    return bundle, {k: round(v, 1) for k, v in timings.items()}


def _profile_builder(snapshot: Snapshot) -> Any:
    """A fitted profile builder, or ``None`` without the profiles stage."""
    try:
        from shopfront.profiles import ProfileBuilder
    except ImportError:
        return None
    return ProfileBuilder().fit(snapshot)


def request_histories(snapshot: Snapshot, n: int, seed: int = 0) -> list[History]:
    """A mix of known shoppers, new shoppers and shoppers with a short session."""
    rng = np.random.default_rng(seed)
    histories: list[History] = []
    now = snapshot.reference_time
    popular = np.argsort(-snapshot.item_counts())[:2_000]
    for _ in range(n):
        kind = rng.random()
        if kind < 0.1:
            histories.append(History.empty())
        elif kind < 0.2:
            size = int(rng.integers(1, 4))
            items = rng.choice(popular, size=size, replace=False).astype(np.int64)
            types = np.full(size, int(InteractionType.VIEW), dtype=np.int8)
            histories.append(History(items, types, now + 60.0 * np.arange(size)))
        else:
            histories.append(snapshot.history(int(rng.integers(snapshot.n_users))))
    return histories


def measure(composer: HomepageComposer, histories: list[History], warmup: int = 20) -> dict:
    """Per-page latency percentiles in milliseconds, and the page sizes.

    Wall time is what a caller waits; the thread's CPU time is what the page
    costs, and stays meaningful when other processes share the cores (the load
    average over the run is reported with it).
    """
    for history in histories[:warmup]:
        composer.compose("warmup", history)
    wall, cpu, sections, items = [], [], [], []
    for number, history in enumerate(histories):
        started, started_cpu = time.perf_counter(), time.thread_time()
        page = composer.compose(f"shopper-{number}", history)
        wall.append((time.perf_counter() - started) * 1e3)
        cpu.append((time.thread_time() - started_cpu) * 1e3)
        sections.append(len(page.sections))
        items.append(len(page.item_ids()))
    return {
        "pages": len(wall),
        **_percentiles("", wall),
        **_percentiles("cpu_", cpu),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "mean_sections": round(float(np.mean(sections)), 2),
        "mean_items": round(float(np.mean(items)), 1),
    }


def measure_threads(
    composer: HomepageComposer, histories: list[History], counts: tuple[int, ...] = (1, 2, 4)
) -> dict[str, float]:
    """Process CPU milliseconds a page when ``n`` threads compose the same pages at once.

    A server composes on its worker threads; this shows what concurrent
    requests cost (the composer lets one page through at a time).
    """
    result = {}
    for count in counts:
        shares = [histories[start::count] for start in range(count)]
        workers = [
            threading.Thread(target=lambda share=share: [composer.compose("t", h) for h in share])
            for share in shares
        ]
        started = time.process_time()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        result[f"cpu_ms_per_page_{count}_threads"] = round(
            (time.process_time() - started) * 1e3 / len(histories), 2
        )
    return result


def _percentiles(prefix: str, milliseconds: list[float]) -> dict[str, float]:
    """p50, p95, p99, mean and max of a list of durations."""
    values = np.asarray(milliseconds)
    result = {f"{prefix}p{q}_ms": float(np.percentile(values, q)) for q in (50, 95, 99)}
    result |= {f"{prefix}mean_ms": float(values.mean()), f"{prefix}max_ms": float(values.max())}
    return {key: round(value, 2) for key, value in result.items()}


def bench(snapshot: Snapshot, *, quick: bool, n_pages: int) -> dict:
    """Fit a bundle on ``snapshot``, save and load it as a server does, and time pages."""
    bundle, timings = build_bundle(snapshot, quick=quick)
    with tempfile.TemporaryDirectory() as folder:
        bundle = ModelBundle.load(bundle.save(Path(folder)))
    started = time.perf_counter()
    composer = HomepageComposer(bundle)
    startup = time.perf_counter() - started
    histories = request_histories(snapshot, n_pages)
    result = measure(composer, histories) | measure_threads(composer, histories[:400])
    return {
        "items": snapshot.n_items,
        "users": snapshot.n_users,
        "interactions": int(len(snapshot.seq_items)),
        "models": sorted(bundle.models),
        "ranker_generators": list(bundle.ranker.generators),
        "fit_seconds": timings,
        "composer_startup_s": round(startup, 2),
        **result,
    }


def simulated_snapshot(quick: bool) -> Snapshot:
    """The snapshot of a simulated shop with 12,000 items."""
    from shopfront.simulate import SimulationConfig, simulate_shop

    config = SimulationConfig(n_users=2_000 if quick else 5_000, n_items=12_000, days=28, seed=0)
    shop = simulate_shop(config)
    snapshot, _ = build_snapshot(shop.events, shop.catalog)
    return snapshot


def run(quick: bool) -> dict:
    """Measure page latency; ``quick`` uses fewer shoppers, pages and datasets."""
    n_pages = 300 if quick else 1_000
    results: dict[str, Any] = {"quick": quick, "cpu_count": os.cpu_count()}
    results["simulated"] = bench(simulated_snapshot(quick), quick=quick, n_pages=n_pages)
    beauty = None if quick else beauty_snapshot()
    if beauty is not None:
        results["amazon_beauty"] = bench(beauty, quick=quick, n_pages=n_pages)
    results["peak_memory_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller shop, fewer pages")
    arguments = parser.parse_args()
    json.dump(run(arguments.quick), sys.stdout, indent=2)
    print()
