"""The closed loop, tiny: every stage runs and the measurements are read back."""

from __future__ import annotations

import json
from pathlib import Path

from shopfront.feedback.charts import plot_daily_metric, plot_daily_series, plot_offpolicy
from shopfront.feedback.loop import LoopConfig, run_loop
from shopfront.feedback.loop_report import expected_ctr_by_day, loop_report_lines, summarize_loop

PAIRS = {("bandit", "personal"), ("personal", "frozen")}
TINY = LoopConfig(
    n_users=60,
    n_items=300,
    warmup_days=3,
    days=2,
    page_views_per_day=24,
    models=["popularity", "trending", "cooccurrence"],
)


def test_tiny_loop_measures_every_arm_and_draws_its_charts(tmp_path: Path) -> None:
    result = run_loop(TINY, tmp_path / "loop")
    arms = {row.group["arm"] for row in result.daily}
    assert arms <= {"loop:popular", "loop:personal", "loop:bandit", "loop:frozen"}
    assert sum(row.page_views for row in result.daily) == 48
    assert len({row.group["day"] for row in result.daily}) == 2
    assert len(set(result.bundles)) == 1  # retrained once, after day 1 (never after the last)
    assert result.offpolicy is not None
    assert set(result.offpolicy.estimates) == {"ips", "snips", "slot_ips", "slot_snips"}

    summary = summarize_loop(result)
    assert json.loads(json.dumps(summary, default=str))["config"]["days"] == 2
    assert summary["whole_run"]["arms"][0]["name"] == "popular"
    assert len(result.truths) == 48 and all(t.expected_clicks >= 0 for t in result.truths)
    assert result.pairs and all((p.arm, p.shadow_arm) in PAIRS for p in result.pairs)
    assert set(summary["claims"]) <= {
        "personalized_vs_popular",
        "bandit_vs_fixed_order",
        "retrained_vs_frozen",
    }
    lines = loop_report_lines(result)
    assert lines[0].startswith("closed loop: 60 shoppers") and any("slot_ips" in x for x in lines)

    chart = plot_daily_metric(result.daily, tmp_path / "ctr.png", metric="ctr")
    offpolicy = plot_offpolicy(
        result.offpolicy.estimates, result.offpolicy.online, tmp_path / "ips.png"
    )
    expected = plot_daily_series(
        expected_ctr_by_day(result.truths), tmp_path / "expected.png", ylabel="%", title="t"
    )
    assert chart.stat().st_size > 1000 and offpolicy.stat().st_size > 1000
    assert expected.stat().st_size > 1000
