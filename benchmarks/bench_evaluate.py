"""Offline accuracy of every model on Amazon Beauty, one process per model (#3).

Each model runs in its own process so that its peak memory (``ru_maxrss``) is its
own; with ``--jobs N``, a model's seeds run as N processes at a time, one torch
thread each, and their runs are combined. Results land as JSON in ``--out`` (one
file per model), and ``--merge`` prints the side-by-side table (Markdown, as in
``docs/results.md``) and writes an HTML report with plots beside the JSON. The
sequential model's inference time per request (one history per ``score`` call,
as the homepage does) is measured after its fit.

Usage:
    python benchmarks/bench_evaluate.py --model popularity --model als
    python benchmarks/bench_evaluate.py --model sequential --seeds 3 --jobs 2
    python benchmarks/bench_evaluate.py --merge

``shopfront bench --name evaluate`` runs every model (``--quick``: the models
that fit in seconds) and records their headline figures.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
DATASET = REPO.parent / "shared" / "datasets" / "amazon_beauty"
OUT = Path("/tmp/shopfront_bench_evaluate")
ORDER = ("popularity", "cooccurrence", "als", "bpr", "content", "transitions", "sequential")
STOCHASTIC = {"als", "bpr", "sequential"}
QUICK_MODELS = ("popularity", "transitions", "cooccurrence", "content")
LATENCY_REQUESTS = 500

logger = logging.getLogger("bench_evaluate")


def run_model(name: str, seeds: list[int], split: str, options: dict[str, Any], out: Path) -> None:
    """Evaluate one model in this process and write its JSON (with sequential latency)."""
    from shopfront.cli.evaluate import model_classes
    from shopfront.evaluate.datasets import load_dataset
    from shopfront.evaluate.harness import evaluate

    dataset = load_dataset(DATASET)
    cls = model_classes()[name]
    fitted: list[Any] = []

    def factory(seed: int) -> Any:
        model = cls(seed=seed, **options)
        fitted.append(model)
        return model

    result = evaluate(
        factory, dataset.snapshot, split, seeds, model_name=name,
        dataset_name=dataset.name,
    )  # fmt: skip
    payload = result.to_dict()
    payload["options"] = options
    if name == "sequential":
        payload["latency_ms"] = request_latency_ms(fitted[-1], dataset.snapshot)
        payload["epochs"] = [m.training_.best_epoch for m in fitted]
        payload["transition_weights"] = [m.transition_weight_ for m in fitted]
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n")
    np.save(out / f"{name}_ranks.npy", result.runs[0].ranks)


def request_latency_ms(model: Any, snapshot: Any) -> dict[str, float]:
    """p50/p99 milliseconds of one ``score`` call for one shopper's history."""
    rng = np.random.default_rng(0)
    users = rng.choice(snapshot.n_users, LATENCY_REQUESTS, replace=False)
    timings = []
    for user in users:
        history = snapshot.history(int(user))
        started = time.perf_counter()
        model.score([history])
        timings.append((time.perf_counter() - started) * 1000.0)
    return {"p50": float(np.percentile(timings, 50)), "p99": float(np.percentile(timings, 99))}


def run_seeds(
    name: str, seeds: list[int], split: str, options: dict[str, Any], out: Path, jobs: int
) -> None:
    """Each seed in its own child process, ``jobs`` at a time; their runs combined in ``out``."""
    seed_dirs = [out / f"{name}_seed{seed}" for seed in seeds]

    def child(seed: int, seed_dir: Path) -> None:
        command = [sys.executable, __file__, "--child", "--model", name, "--seeds", "1"]
        command += ["--first-seed", str(seed), "--split", split]
        command += ["--options", json.dumps(options), "--out", str(seed_dir)]
        # One torch thread per process: ``jobs`` processes share the cores.
        env = os.environ | {"OMP_NUM_THREADS": "1"} if jobs > 1 else None
        subprocess.run(command, check=True, env=env)

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        list(pool.map(child, seeds, seed_dirs))
    payloads = [json.loads((d / f"{name}.json").read_text()) for d in seed_dirs]
    (out / f"{name}.json").write_text(json.dumps(combine(payloads), indent=2) + "\n")
    (seed_dirs[0] / f"{name}_ranks.npy").replace(out / f"{name}_ranks.npy")


def combine(payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """One payload from the payloads of single-seed runs of one model."""
    from shopfront.evaluate.harness import EvaluationResult

    result = EvaluationResult.from_dict(payloads[0])
    for payload in payloads[1:]:
        result = result.combined(EvaluationResult.from_dict(payload))
    combined = result.to_dict()
    combined["options"] = payloads[0]["options"]
    for key in ("latency_ms", "epochs", "transition_weights"):
        if key in payloads[0]:
            combined[key] = [payload[key] for payload in payloads]
    combined["jobs"] = len(payloads)
    return combined


def merge(out: Path) -> str:
    """The Markdown table of every model's JSON in ``out``; the HTML report beside them."""
    from shopfront.evaluate.harness import EvaluationResult
    from shopfront.evaluate.report import write_html

    paths = [out / f"{name}.json" for name in ORDER]
    rows = [json.loads(path.read_text()) for path in paths if path.exists()]
    if rows:
        write_html([EvaluationResult.from_dict(row) for row in rows], out / "report.html")
    return results_markdown(rows)


def results_markdown(rows: list[dict[str, Any]]) -> str:
    """The side-by-side table of ``docs/results.md``, one row per model payload."""
    header = (
        "| model | seeds | HR@5 | HR@10 | HR@20 | NDCG@5 | NDCG@10 | NDCG@20 | MRR | coverage@20 "
        "| NDCG@10 rare | HR@10 rare | fit s | fit CPU s | peak MiB |\n" + "|---" * 15 + "|\n"
    )
    lines = []
    for row in rows:
        mean, std, rare = row["mean"], row["std"], row["rare_mean"]
        cells = [row["model"], str(len(row["seeds"]))]
        for metric in ("HR@5", "HR@10", "HR@20", "NDCG@5", "NDCG@10", "NDCG@20", "MRR"):
            spread = f" ± {std[metric]:.4f}" if len(row["seeds"]) > 1 else ""
            cells.append(f"{mean[metric]:.4f}{spread}")
        cells += [
            f"{mean['coverage@20']:.3f}",
            f"{rare['NDCG@10']:.4f}",
            f"{rare['HR@10']:.4f}",
            f"{row['fit_seconds']:.1f}",
            f"{row.get('fit_cpu_seconds', float('nan')):.1f}",
            f"{row['peak_memory_mib']:.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return header + "\n".join(lines) + "\n"


def run(quick: bool = False) -> dict[str, Any]:
    """Every model side by side, as ``shopfront bench`` runs it; headline figures per model.

    ``quick`` runs only the models that fit in seconds. The full run trains the
    transformer with three seeds, two processes at a time (about 20 minutes on
    two cores).
    """
    if not DATASET.is_dir():
        return {"skipped": f"no dataset at {DATASET}"}
    models = QUICK_MODELS if quick else ORDER
    for name in models:
        seeds = list(range(3 if name in STOCHASTIC else 1))
        run_seeds(name, seeds, "test", {}, OUT, jobs=2 if name == "sequential" else 1)
    sys.stdout.write(merge(OUT))
    results: dict[str, Any] = {}
    for name in models:
        row = json.loads((OUT / f"{name}.json").read_text())
        results[name] = {
            "seeds": len(row["seeds"]),
            "NDCG@10": round(row["mean"]["NDCG@10"], 4),
            "HR@10": round(row["mean"]["HR@10"], 4),
            "fit_seconds": round(row["fit_seconds"], 1),
            "peak_mib": round(row["peak_memory_mib"]),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", default=[], help="model name (repeatable)")
    parser.add_argument("--seeds", type=int, default=0, help="0: 3 if stochastic, else 1")
    parser.add_argument("--first-seed", type=int, default=0, help="seeds start here")
    parser.add_argument("--jobs", type=int, default=1, help="seeds run this many at a time")
    parser.add_argument("--split", default="test")
    parser.add_argument("--options", default="{}", help="JSON options for the model")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--merge", action="store_true", help="print the table of --out")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")

    if args.merge:
        sys.stdout.write(merge(args.out))
        return
    for name in args.model:
        seeds = list(
            range(
                args.first_seed, args.first_seed + (args.seeds or (3 if name in STOCHASTIC else 1))
            )
        )
        if args.child:
            run_model(name, seeds, args.split, json.loads(args.options), args.out)
        elif args.jobs > 1:
            run_seeds(name, seeds, args.split, json.loads(args.options), args.out, args.jobs)
        else:
            # One process per model: its own peak memory.
            command = [
                sys.executable,
                __file__,
                "--child",
                "--model",
                name,
                "--seeds",
                str(len(seeds)),
            ]
            command += ["--first-seed", str(args.first_seed)]
            command += ["--split", args.split, "--options", args.options, "--out", str(args.out)]
            subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
