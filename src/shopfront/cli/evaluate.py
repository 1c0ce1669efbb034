"""``shopfront evaluate``: the offline protocol on a dataset folder, models side by side.

Example:
    shopfront evaluate --dataset ../shared/datasets/amazon_beauty \\
        --model popularity --model sequential --seeds 3 --json results.json
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console

from shopfront.cli.console import console, progress_bar
from shopfront.evaluate.split import SPLIT_MODES
from shopfront.models.base import CandidateGenerator
from shopfront.prep.snapshot import Snapshot

if TYPE_CHECKING:
    from shopfront.evaluate.harness import EvaluationResult

DEFAULT_MODELS: tuple[str, ...] = ("popularity", "transitions", "sequential")


def evaluate(
    dataset: Path = typer.Option(
        ..., "--dataset", help="Amazon sequence folder (<Name>.txt …) or a saved snapshot folder."
    ),
    model: list[str] = typer.Option(
        None,
        "--model",
        help="Model name (repeatable); popularity, transitions, sequential if none.",
    ),
    json_path: Path | None = typer.Option(None, "--json", help="Write the results as JSON here."),
    report: Path | None = typer.Option(
        None, "--report", help="Write an HTML report (with PNG plots beside it) here."
    ),
    split: str = typer.Option("test", "--split", help="'test' (refit on train+valid) or 'valid'."),
    seeds: int = typer.Option(1, "--seeds", min=1, help="Runs per model, seeds 0..seeds-1."),
) -> None:
    """Rank each user's held-out item against all items and print the metrics table."""
    if split not in SPLIT_MODES:
        raise typer.BadParameter(
            f"must be one of {SPLIT_MODES}, got {split!r}", param_hint="--split"
        )
    names = list(model or DEFAULT_MODELS)
    classes = model_classes()
    unknown = [n for n in names if n not in classes]
    if unknown:
        known = ", ".join(sorted(classes))
        raise typer.BadParameter(f"must be one of {known}, got {unknown}", param_hint="--model")

    # Deferred: the harness ranks with PyTorch, which other commands need not import.
    from shopfront.evaluate.datasets import load_dataset
    from shopfront.evaluate.report import results_table, write_html, write_json

    data = load_dataset(dataset)
    results = [
        _evaluate_one(classes[name], name, data.snapshot, data.name, split, seeds) for name in names
    ]

    # The table goes to stdout, wide enough for every column even in a pipe or a CI log.
    output = Console()
    output.width = max(output.width, 140)
    output.print(results_table(results))
    if json_path is not None:
        write_json(results, json_path)
        console.print(f"results written to [bold]{json_path}[/]")
    if report is not None:
        written = write_html(results, report)
        console.print(f"report written to [bold]{written[0]}[/] with {len(written) - 1} plots")


def model_classes() -> Mapping[str, type[CandidateGenerator]]:
    """Every model the command can evaluate, by name."""
    from shopfront.models.registry import MODEL_CLASSES

    return MODEL_CLASSES


def _evaluate_one(
    cls: type[CandidateGenerator],
    name: str,
    snapshot: Snapshot,
    dataset_name: str,
    split: str,
    seeds: int,
) -> EvaluationResult:
    """One model's runs, with a progress bar over the users of each seed."""
    with progress_bar() as progress:
        task = progress.add_task(f"{name}: fitting", total=None)

        def on_batch(done: int, total: int) -> None:
            progress.update(task, description=f"{name}: ranking", completed=done, total=total)

        def factory(seed: int) -> CandidateGenerator:
            progress.update(task, description=f"{name}: fitting (seed {seed})", completed=0)
            return cls(seed=seed)

        from shopfront.evaluate.harness import evaluate as run_evaluation

        return run_evaluation(
            factory,
            snapshot,
            split,
            list(range(seeds)),
            model_name=name,
            dataset_name=dataset_name,
            progress=on_batch,
        )
