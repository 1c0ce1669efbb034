"""Reports of evaluation results: a terminal table, JSON, and HTML with PNG plots.

Models sit side by side in every form. The HTML report is one file plus its PNG
plots, written next to it: accuracy at cutoffs 5/10/20 with the spread over
seeds, the hit rate as the list grows (from the ranks of the first seed), and
accuracy on targets rare in training against all targets.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rich import box
from rich.table import Table

from shopfront.evaluate.harness import RARE_TARGET_MAX_COUNT, EvaluationResult
from shopfront.evaluate.metrics import metric_names

TABLE_METRICS: tuple[str, ...] = (
    "HR@5", "HR@10", "HR@20", "NDCG@5", "NDCG@10", "NDCG@20", "MRR", "coverage@20",
)  # fmt: skip


def results_table(results: Sequence[EvaluationResult]) -> Table:
    """A compact Rich table: one row per model, means over seeds, the NDCG@10 spread, timings."""
    first = results[0] if results else None
    title = f"{first.dataset} · split={first.split} · full ranking" if first else "no results"
    table = Table(title=title, box=box.SIMPLE_HEAD, padding=(0, 1))
    table.add_column("model", style="bold")
    for name in TABLE_METRICS:
        table.add_column(_short(name), justify="right")
    for column in ("±N@10", "N@10 rare", "seeds", "fit s", "MiB"):
        table.add_column(column, justify="right")
    for result in results:
        mean = result.mean
        cells = [f"{mean[name]:.4f}" for name in TABLE_METRICS]
        table.add_row(result.model, *cells, *table_row(result)[len(TABLE_METRICS) :])
    return table


def _short(metric: str) -> str:
    """Column header of a metric, short enough for an 80-column terminal."""
    return metric.replace("NDCG", "N").replace("coverage", "cov")


def table_row(result: EvaluationResult) -> list[str]:
    """Per-metric cells as "mean ± std", then the NDCG@10 spread, rare NDCG@10 and timings."""
    mean, std = result.mean, result.std
    cells = []
    for name in TABLE_METRICS:
        spread = f" ± {std[name]:.4f}" if len(result.runs) > 1 else ""
        cells.append(f"{mean[name]:.4f}{spread}")
    cells += [
        f"{std['NDCG@10']:.4f}",
        f"{result.rare_mean.get('NDCG@10', float('nan')):.4f}",
        str(len(result.runs)),
        f"{result.fit_seconds:.1f}",
        f"{result.peak_memory_mib:.0f}",
    ]
    return cells


def results_json(results: Sequence[EvaluationResult]) -> dict[str, Any]:
    """All results as one JSON-ready object."""
    return {
        "protocol": "leave-one-out, full ranking over all items, input history masked",
        "rare_target_max_count": RARE_TARGET_MAX_COUNT,
        "results": [r.to_dict() for r in results],
    }


def write_json(results: Sequence[EvaluationResult], path: Path) -> None:
    """Write :func:`results_json` to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results_json(results), indent=2) + "\n", encoding="utf-8")


def write_html(results: Sequence[EvaluationResult], path: Path) -> list[Path]:
    """Write an HTML report and its PNG plots next to it; return the files written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    plots = [
        (path.with_name(f"{path.stem}_accuracy.png"), plot_accuracy),
        (path.with_name(f"{path.stem}_hit_rate.png"), plot_hit_rate),
        (path.with_name(f"{path.stem}_rare.png"), plot_rare),
    ]
    for plot_path, plot in plots:
        plot(results, plot_path)
    path.write_text(_html(results, [p for p, _ in plots]), encoding="utf-8")
    return [path, *(p for p, _ in plots)]


def plot_accuracy(results: Sequence[EvaluationResult], path: Path) -> None:
    """Grouped bars of HR@n and NDCG@n per model, with the std over seeds."""
    names = [n for n in metric_names() if n.startswith(("HR@", "NDCG@"))]
    figure, axis = _figure()
    width = 0.8 / max(len(results), 1)
    x = np.arange(len(names))
    for i, result in enumerate(results):
        means = [result.mean[n] for n in names]
        stds = [result.std[n] for n in names]
        axis.bar(x + i * width, means, width, yerr=stds, label=result.model, capsize=2)
    axis.set_xticks(x + width * (len(results) - 1) / 2, names)
    axis.set_ylabel("mean over seeds")
    axis.set_title("Accuracy, full ranking")
    _save(figure, axis, path)


def plot_hit_rate(results: Sequence[EvaluationResult], path: Path) -> None:
    """HR@n for n = 1..50 per model (ranks of the first seed)."""
    figure, axis = _figure()
    cutoffs = np.arange(1, 51)
    for result in results:
        ranks = result.runs[0].ranks
        hits = [(ranks < n).mean() if len(ranks) else 0.0 for n in cutoffs]
        axis.plot(cutoffs, hits, label=result.model)
    axis.set_xlabel("list length n")
    axis.set_ylabel("HR@n")
    axis.set_title("Hit rate as the list grows")
    _save(figure, axis, path)


def plot_rare(results: Sequence[EvaluationResult], path: Path) -> None:
    """NDCG@10 on all targets and on targets rare in training, per model."""
    figure, axis = _figure()
    x = np.arange(len(results))
    axis.bar(x - 0.2, [r.mean["NDCG@10"] for r in results], 0.4, label="all targets")
    rare = [r.rare_mean.get("NDCG@10", 0.0) for r in results]
    axis.bar(x + 0.2, rare, 0.4, label=f"targets with < {RARE_TARGET_MAX_COUNT} training events")
    axis.set_xticks(x, [r.model for r in results])
    axis.set_ylabel("NDCG@10")
    axis.set_title("Rare targets")
    _save(figure, axis, path)


def _figure() -> tuple[Any, Any]:
    """A new figure on the file-only Agg backend."""
    import matplotlib  # deferred: heavy import

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(8, 4.5), dpi=100)


def _save(figure: Any, axis: Any, path: Path) -> None:
    import matplotlib.pyplot as plt

    axis.legend(fontsize="small")
    axis.grid(axis="y", alpha=0.3)
    figure.tight_layout()
    figure.savefig(path)
    plt.close(figure)


def _html(results: Sequence[EvaluationResult], plots: Sequence[Path]) -> str:
    """The report page: a table of every model, then the plots."""
    headers = ["model", *TABLE_METRICS, "± NDCG@10", "NDCG@10 rare", "seeds", "fit s", "peak MiB"]
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in [r.model, *table_row(r)]) + "</tr>"
        for r in results
    )
    first = results[0] if results else None
    caption = (
        f"{first.dataset}, split={first.split}, {first.n_users} users, {first.n_items} items, "
        f"{first.n_rare} rare targets"
        if first
        else "no results"
    )
    images = "".join(f'<p><img src="{html.escape(p.name)}" alt="{p.stem}"></p>' for p in plots)
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Shopfront evaluation</title>"
        "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
        "td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}</style></head><body>"
        f"<h1>Offline evaluation</h1><p>{html.escape(caption)}; mean ± std over seeds; "
        "leave-one-out, full ranking over all items, the user's earlier items masked.</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>{images}"
        "</body></html>\n"
    )
