"""Offline evaluation: the leave-one-out protocol, full-ranking metrics and reports.

See DESIGN.md, "Offline evaluation protocol". The entry point is :func:`evaluate`.
Names are loaded on first use: the metrics rank with PyTorch, which a process
that only needs the split (the ranker's training data) should not import.
"""

from __future__ import annotations

import importlib
from typing import Any

_LOCATIONS = {
    "Dataset": "shopfront.evaluate.datasets",
    "load_dataset": "shopfront.evaluate.datasets",
    "EvaluationResult": "shopfront.evaluate.harness",
    "SeedRun": "shopfront.evaluate.harness",
    "evaluate": "shopfront.evaluate.harness",
    "metrics_from_ranks": "shopfront.evaluate.metrics",
    "target_ranks": "shopfront.evaluate.metrics",
    "results_table": "shopfront.evaluate.report",
    "write_html": "shopfront.evaluate.report",
    "write_json": "shopfront.evaluate.report",
    "LeaveOneOutSplit": "shopfront.evaluate.split",
    "leave_one_out": "shopfront.evaluate.split",
}

__all__ = sorted(_LOCATIONS)


def __getattr__(name: str) -> Any:
    if name not in _LOCATIONS:
        raise AttributeError(f"module 'shopfront.evaluate' has no attribute {name!r}")
    return getattr(importlib.import_module(_LOCATIONS[name]), name)
