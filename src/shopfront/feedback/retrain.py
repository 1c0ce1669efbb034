"""Training of a new model bundle from the store: snapshot, profiles, models.

This is the job behind ``shopfront train`` and behind scheduled retraining. A
bundle is written, validated, registered and only then promoted; one that fails
validation is marked rejected and never goes live.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from shopfront.errors import BundleError
from shopfront.homepage.bundle import ModelBundle, new_version
from shopfront.homepage.ranking import bundle_ranker
from shopfront.models.registry import create_model
from shopfront.prep.builder import build_snapshot
from shopfront.prep.snapshot import Snapshot
from shopfront.profiles import ProfileBuilder
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

StepCallback = Callable[[str], None]


def train_bundle(
    store: Store,
    bundle_dir: Path,
    *,
    models: Sequence[str],
    model_options: dict[str, dict[str, Any]] | None = None,
    on_step: StepCallback | None = None,
    promote: bool = True,
    rank: bool = True,
    seed: int = 0,
) -> ModelBundle:
    """Fit every model on a fresh snapshot of the store and save the bundle.

    Args:
        store: The shop's store.
        bundle_dir: Root folder of bundle versions.
        models: Registry names of the candidate generators to fit.
        model_options: Per-model constructor options.
        on_step: Called with a short label before each step (for progress bars).
        promote: Make the bundle live once it validates.
        rank: Train the learning-to-rank model that merges the generators' candidates.
        seed: Seed of every stochastic model.

    Raises:
        BundleError: The new bundle failed validation (it is recorded as rejected).
    """
    step = on_step or (lambda _label: None)
    timings: dict[str, float] = {}

    step("snapshot")
    started = time.perf_counter()
    frame, _ = store.read_interactions()
    snapshot, report = build_snapshot(frame, store.all_items())
    timings["snapshot"] = time.perf_counter() - started

    fitted = {}
    for name in models:
        step(name)
        started = time.perf_counter()
        options = (model_options or {}).get(name, {})
        fitted[name] = create_model(name, seed=seed, **options).fit(snapshot)
        timings[name] = time.perf_counter() - started

    profiles = _fit_profiles(snapshot, step, timings)
    ranker = None
    if rank:
        step("ranker")
        started = time.perf_counter()
        ranker = bundle_ranker(
            snapshot,
            list(models),
            model_options=model_options,
            models=fitted,
            profiles=profiles,
            steps=1,  # one held-out step: each step refits every generator once more
            seed=seed,
        )
        timings["ranker"] = time.perf_counter() - started
    metadata = {
        "trained_at": time.time(),
        "n_users": snapshot.n_users,
        "n_items": snapshot.n_items,
        "cleaning": asdict(report),
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
    }
    bundle = ModelBundle(
        new_version(), snapshot, fitted, profiles=profiles, ranker=ranker, metadata=metadata
    )
    step("save")
    path = bundle.save(bundle_dir)
    store.register_bundle(bundle.version, str(path), metrics=metadata)
    try:
        ModelBundle.load(path)
    except BundleError:
        store.reject_bundle(bundle.version)
        raise
    if promote:
        store.promote_bundle(bundle.version)
    logger.info("trained bundle version=%s models=%s", bundle.version, ",".join(models))
    return bundle


def _fit_profiles(
    snapshot: Snapshot, step: StepCallback, timings: dict[str, float]
) -> ProfileBuilder:
    """The profile builder of the bundle, fitted on its snapshot."""
    step("profiles")
    started = time.perf_counter()
    builder = ProfileBuilder().fit(snapshot)
    timings["profiles"] = time.perf_counter() - started
    return builder


def load_live_bundle(store: Store) -> ModelBundle | None:
    """The live bundle recorded in the store, or ``None`` before the first training."""
    record = store.live_bundle()
    return ModelBundle.load(Path(record["path"])) if record else None
