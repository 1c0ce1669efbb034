"""``shopfront bench``: run the benchmarks and record their results in the docs."""

from __future__ import annotations

import importlib
import json
import platform
import sys
import time
from pathlib import Path

import typer

from shopfront.cli.console import console


def bench(
    name: list[str] = typer.Option(
        None, "--name", help="Benchmarks to run (e.g. ingest, homepage); all by default."
    ),
    quick: bool = typer.Option(False, help="Smaller volumes, for a fast look."),
    folder: Path = typer.Option(Path("benchmarks"), help="Folder of bench_*.py modules."),
    out: Path = typer.Option(Path("docs/benchmarks.json"), help="Where results are recorded."),
) -> None:
    """Run ``benchmarks/bench_*.py`` and merge their results into ``docs/benchmarks.json``."""
    names = name or sorted(p.stem.removeprefix("bench_") for p in folder.glob("bench_*.py"))
    sys.path.insert(0, str(folder.resolve().parent))
    recorded = json.loads(out.read_text()) if out.exists() else {}
    for bench_name in names:
        module = importlib.import_module(f"{folder.name}.bench_{bench_name}")
        console.print(f"[bold]bench {bench_name}[/] …")
        started = time.perf_counter()
        results = module.run(quick=quick)
        recorded[bench_name] = {
            "results": results,
            "command": f"shopfront bench --name {bench_name}" + (" --quick" if quick else ""),
            "seconds": round(time.perf_counter() - started, 1),
            "measured_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "machine": f"{platform.machine()}, {_cores()} cores, "
            f"Python {platform.python_version()}",
        }
        console.print_json(json.dumps(results))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(recorded, indent=2, sort_keys=True) + "\n")
    out.with_suffix(".md").write_text(render_markdown(recorded))
    console.print(f"recorded in {out} and {out.with_suffix('.md')}")


def render_markdown(recorded: dict[str, dict[str, object]]) -> str:
    """The recorded results as a Markdown page, one table per benchmark."""
    lines = [
        "# Benchmarks",
        "",
        "Written by `shopfront bench` from `docs/benchmarks.json`; each section names the command",
        "that produced it, when, and on what machine. Targets are in DESIGN.md.",
    ]
    for name in sorted(recorded):
        entry = recorded[name]
        lines += [
            "",
            f"## {name}",
            "",
            f"`{entry['command']}` — {entry['measured_at']}, {entry['machine']}",
        ]
        lines += ["", "| measure | value |", "|---|---|"]
        results = entry["results"]
        assert isinstance(results, dict)
        lines += [f"| {key} | {value} |" for key, value in _flatten(results).items()]
    return "\n".join(lines) + "\n"


def _flatten(results: dict[str, object], prefix: str = "") -> dict[str, object]:
    """Nested result groups as ``group.measure`` rows."""
    rows: dict[str, object] = {}
    for key, value in results.items():
        if isinstance(value, dict):
            rows |= _flatten(value, f"{prefix}{key}.")
        else:
            rows[f"{prefix}{key}"] = value
    return rows


def _cores() -> int:
    import os

    return os.cpu_count() or 1
