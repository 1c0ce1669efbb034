"""The models page: bundle versions, their training times, and offline metrics.

Offline metrics come from evaluation result files (what ``shopfront evaluate
--json`` writes: one result, a list of them, or any JSON holding such objects)
when there are any; every bundle also shows the figures recorded when it was
trained.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shopfront.homepage.bundle import MANIFEST
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

KNOWN_FIGURES = ("trained_at", "n_users", "n_items", "cleaning", "timings_s")
MAX_RESULTS = 200


@dataclass(frozen=True)
class BundleRow:
    """One bundle version as the models page lists it.

    Attributes:
        version: Bundle version.
        status: ``live``, ``candidate``, ``retired`` or ``rejected``.
        created_at: Registration time, Unix seconds.
        models: Names of its candidate generators (from its manifest, when readable).
        n_users: Users in its training snapshot.
        n_items: Items in its training snapshot.
        timings_s: Seconds spent per training step.
        figures: Any other numeric figure recorded with the bundle, flattened.
        serving: Whether this process serves it right now.
    """

    version: str
    status: str
    created_at: float
    models: list[str]
    n_users: int | None
    n_items: int | None
    timings_s: dict[str, float]
    figures: dict[str, float] = field(default_factory=dict)
    serving: bool = False

    @property
    def training_s(self) -> float:
        """Total training time over all steps."""
        return float(sum(self.timings_s.values()))

    @property
    def created(self) -> str:
        """Registration time for display (UTC)."""
        return time.strftime("%Y-%m-%d %H:%M", time.gmtime(self.created_at))

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "version": self.version,
            "status": self.status,
            "created_at": self.created_at,
            "models": self.models,
            "n_users": self.n_users,
            "n_items": self.n_items,
            "timings_s": self.timings_s,
            "training_s": round(self.training_s, 3),
            "figures": self.figures,
            "serving": self.serving,
        }


def bundle_rows(store: Store, *, serving_version: str | None) -> list[BundleRow]:
    """Every registered bundle, newest first."""
    rows = []
    for record in store.bundles():
        metrics = record["metrics"] or {}
        timings = {k: float(v) for k, v in (metrics.get("timings_s") or {}).items()}
        rows.append(
            BundleRow(
                version=record["version"],
                status=record["status"],
                created_at=float(record["created_at"]),
                models=_manifest_models(Path(record["path"])),
                n_users=metrics.get("n_users"),
                n_items=metrics.get("n_items"),
                timings_s=timings,
                figures=dict(_numbers(metrics, skip=KNOWN_FIGURES)),
                serving=record["version"] == serving_version,
            )
        )
    return rows


def offline_result_files(bundle_dir: Path, *, docs: Path = Path("docs")) -> list[Path]:
    """Evaluation result files found in ``docs/`` and in the bundle folder."""
    found = [*sorted(docs.glob("results*.json")), *sorted(bundle_dir.glob("results*.json"))]
    return [path for path in found if path.is_file()]


def offline_results(paths: Iterable[Path]) -> list[dict[str, Any]]:
    """The evaluation results held by these JSON files (unreadable files are skipped).

    Each result is ``{"model", "dataset", "split", "metrics", "fit_seconds", "source"}``.
    """
    results: list[dict[str, Any]] = []
    for path in paths:
        try:
            document = json.loads(path.read_text())
        except (OSError, ValueError) as error:
            logger.warning("skipping unreadable results file path=%s error=%s", path, error)
            continue
        for found in _find_results(document):
            results.append({**found, "source": path.name})
            if len(results) >= MAX_RESULTS:
                return results
    return results


def metric_names(results: list[dict[str, Any]]) -> list[str]:
    """Every metric name of ``results``, ``HR@5`` before ``HR@10`` before ``NDCG@5``."""
    names = {name for result in results for name in result["metrics"]}
    return sorted(names, key=_metric_order)


def _metric_order(name: str) -> tuple[str, int, str]:
    base, _, cutoff = name.partition("@")
    return (base.lower(), int(cutoff) if cutoff.isdigit() else 0, name)


def _find_results(document: Any) -> Iterator[dict[str, Any]]:
    """Objects that look like an evaluation result, anywhere in a JSON document."""
    if isinstance(document, list):
        for element in document:
            yield from _find_results(element)
    elif isinstance(document, dict):
        metrics = document.get("mean", document.get("metrics"))
        if "model" in document and isinstance(metrics, dict):
            yield {
                "model": str(document["model"]),
                "dataset": str(document.get("dataset", "")),
                "split": str(document.get("split", "")),
                "metrics": dict(_numbers(metrics)),
                "fit_seconds": document.get("fit_seconds"),
            }
            return
        for value in document.values():
            yield from _find_results(value)


def _numbers(
    mapping: dict[str, Any], *, skip: tuple[str, ...] = (), prefix: str = ""
) -> Iterator[tuple[str, float]]:
    """Finite numbers of a nested mapping, with dotted keys."""
    for key, value in mapping.items():
        if key in skip:
            continue
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _numbers(value, prefix=name + ".")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value):
                yield name, float(value)


def _manifest_models(folder: Path) -> list[str]:
    """Model names in a bundle's manifest (empty when it cannot be read)."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return []
    return [str(name) for name in manifest.get("models", [])]
