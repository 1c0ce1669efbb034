"""Offline evaluation: the leave-one-out protocol, full-ranking metrics and reports.

See DESIGN.md, "Offline evaluation protocol". The entry point is :func:`evaluate`.
"""

from shopfront.evaluate.datasets import Dataset, load_dataset
from shopfront.evaluate.harness import EvaluationResult, SeedRun, evaluate
from shopfront.evaluate.metrics import metrics_from_ranks, target_ranks
from shopfront.evaluate.report import results_table, write_html, write_json
from shopfront.evaluate.split import LeaveOneOutSplit, leave_one_out

__all__ = [
    "Dataset",
    "EvaluationResult",
    "LeaveOneOutSplit",
    "SeedRun",
    "evaluate",
    "leave_one_out",
    "load_dataset",
    "metrics_from_ranks",
    "results_table",
    "target_ranks",
    "write_html",
    "write_json",
]
