"""The closed feedback loop on a simulated shop: curves over simulated days and their numbers.

Runs :func:`shopfront.feedback.loop.run_loop` (1,500 shoppers, 3,000 items, a
week of organic browsing, then 14 days of homepages in four experiment arms),
draws the charts of ``docs/feedback.md`` and prints the measurements as JSON:

    python benchmarks/bench_feedback_loop.py [--quick] [--img docs/img] [--json FILE]

``--quick`` runs 400 shoppers for 4 days (a smoke run, about a minute).
"""

from __future__ import annotations

import argparse
import json
import logging
import resource
import sys
import time
from pathlib import Path

from shopfront.feedback.charts import plot_daily_metric, plot_daily_series, plot_offpolicy
from shopfront.feedback.loop import LoopConfig, LoopResult, run_loop
from shopfront.feedback.loop_report import (
    expected_ctr_by_day,
    loop_report_lines,
    paired_gain_by_day,
    summarize_loop,
)

ARM_LABELS = {
    "popular": "popular (popularity page)",
    "personal": "personal (fixed order, retrained daily)",
    "bandit": "bandit (bandit order, retrained daily)",
    "frozen": "frozen (fixed order, first bundle)",
}
LOGGED_LABELS = {f"loop:{arm}": label for arm, label in ARM_LABELS.items()}


def run(quick: bool = False) -> dict[str, object]:
    """The loop as ``shopfront bench`` runs it: full size, or the quick smoke run; no charts."""
    return measure(loop_config(quick, seed=0), img=None)


def loop_config(quick: bool, seed: int) -> LoopConfig:
    """The full loop, or 400 shoppers for 4 days."""
    if quick:
        return LoopConfig(n_users=400, n_items=1_000, days=4, page_views_per_day=160, seed=seed)
    return LoopConfig(seed=seed)


def measure(config: LoopConfig, img: Path | None) -> dict[str, object]:
    """Run the loop, draw the charts into ``img`` (when given), return the measurements."""
    began = time.perf_counter()
    cpu_began = time.process_time()
    result = run_loop(config, on_day=_progress)
    for line in loop_report_lines(result):
        print(line, file=sys.stderr)
    summary = summarize_loop(result)
    summary["cpu_seconds"] = round(time.process_time() - cpu_began, 1)
    summary["wall_seconds"] = round(time.perf_counter() - began, 1)
    summary["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if img is not None:
        summary["charts"] = [str(path) for path in draw(result, img)]
    return summary


def draw(result: LoopResult, img: Path) -> list[Path]:
    """The charts of docs/feedback.md."""
    charts = [
        plot_daily_metric(
            result.daily,
            img / "feedback_ctr_by_arm.png",
            metric="ctr",
            title="Measured CTR per simulated day and arm (bands: 95% Wilson intervals)",
            labels=LOGGED_LABELS,
        ),
        plot_daily_metric(
            result.daily,
            img / "feedback_revenue_by_arm.png",
            metric="revenue_per_page_view",
            title="Revenue per page view per simulated day and arm",
            labels=LOGGED_LABELS,
        ),
        plot_daily_series(
            expected_ctr_by_day(result.truths),
            img / "feedback_expected_ctr_by_arm.png",
            ylabel="expected CTR (%)",
            title="Expected CTR of the pages served (simulator's click probabilities, no "
            "click noise)",
            labels=ARM_LABELS,
        ),
        plot_daily_series(
            {
                "bandit order - fixed order": paired_gain_by_day(
                    result.pairs, "bandit", "personal"
                ),
                "retrained daily - first bundle": paired_gain_by_day(
                    result.pairs, "personal", "frozen"
                ),
            },
            img / "feedback_paired_gain.png",
            ylabel="expected CTR gain (points)",
            title="Paired gain: the page served vs. the other arm's page for the same shopper "
            "and moment",
            zero_line=True,
        ),
    ]
    if result.offpolicy is not None:
        charts.append(
            plot_offpolicy(
                result.offpolicy.estimates,
                result.offpolicy.online,
                img / "feedback_offpolicy.png",
                truths={"same pages": result.offpolicy.same_pages}
                if result.offpolicy.same_pages
                else None,
                title="Fixed order: off-policy estimates from bandit logs vs. its true value",
            )
        )
    return charts


def _progress(day: int, days: int) -> None:
    print(f"day {day}/{days}", file=sys.stderr, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="400 shoppers, 4 days.")
    parser.add_argument("--img", type=Path, default=None, help="Folder for the PNG charts.")
    parser.add_argument("--json", type=Path, default=None, help="Also write the JSON here.")
    parser.add_argument("--seed", type=int, default=0, help="Seed of the shop and the loop.")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    summary = measure(loop_config(args.quick, args.seed), args.img)
    text = json.dumps(summary, indent=2, default=str)
    if args.json is not None:
        args.json.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
