"""The operator's dashboard in a real browser: every page opens and draws its charts."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.web.conftest import WebShop
from tests.web.server import LiveServer

pytestmark = pytest.mark.browser


def metric_row(group: dict[str, Any], impressions: int, clicks: int, carts: int) -> dict[str, Any]:
    """One row as ``GET /v1/metrics/online`` answers it."""
    return {
        **group,
        "page_views": impressions // 10,
        "impressions": impressions,
        "clicks": clicks,
        "carts": carts,
        "purchases": carts // 2,
        "revenue": 25.0 * carts,
        "ctr": clicks / impressions,
        "add_to_cart_rate": carts / impressions,
        "conversion": 0.02,
        "revenue_per_page_view": 250.0 * carts / impressions,
    }


def online_answer(group_by: str) -> dict[str, Any]:
    """An answer of ``GET /v1/metrics/online`` grouped by day or by section."""
    if group_by == "day":
        rows = [metric_row({"day": f"2026-11-{d}"}, 1000, 40 + d, 9) for d in range(20, 27)]
    else:
        rows = [
            metric_row({"section": "recommended"}, 4000, 240, 30),
            metric_row({"section": "trending"}, 3600, 144, 12),
        ]
    return {
        "group_by": [group_by],
        "since": None,
        "until": None,
        "attribution_window_s": 86400.0,
        "rows": rows,
    }


EXPERIMENT = {
    "experiment_id": "section-order",
    "status": "running",
    "created_at": 1.79e9,
    "updated_at": 1.79e9,
    "config": {
        "experiment_id": "section-order",
        "primary_metric": "ctr",
        "arms": [{"name": "control", "weight": 1.0}, {"name": "bandit", "weight": 1.0}],
    },
    "report": None,
}
REPORT = {
    "experiment_id": "section-order",
    "primary_metric": "ctr",
    "control": "control",
    "summary": ["bandit raises ctr by 40% over control (p = 0.01)."],
    "arms": [
        {
            "name": name,
            "shoppers": 100,
            "page_views": 210,
            "impressions": 2100,
            "metrics": {"ctr": {"value": value, "low": value - 0.01, "high": value + 0.01}},
        }
        for name, value in (("control", 0.05), ("bandit", 0.07))
    ],
    "comparisons": [],
}


def test_navigation_reaches_every_page(page: Any) -> None:
    page.goto("/admin")
    for tab in ("models", "online", "shopper", "health"):
        page.click(f'.admin-top nav a[data-tab="{tab}"]')
        page.wait_for_selector(f'body[data-tab="{tab}"]')
    assert "live bundle" in page.inner_text("#live-version")


def test_data_health_draws_events_and_shoppers(page: Any) -> None:
    page.goto("/admin")
    page.wait_for_selector("#chart-events svg")

    assert page.locator("#chart-events polyline.series").count() == 4  # one line per type
    days = json.loads(page.text_content("#health-data") or "{}")["days"]
    assert page.locator("#chart-active rect.bar").count() == len(days) >= 20  # one bar a day
    assert page.locator("#chart-coverage rect.bar").count() == 2
    assert page.locator("#chart-events .legend").inner_text().split() == [
        "view",
        "click",
        "add_to_cart",
        "purchase",
    ]
    assert int(page.inner_text("#tile-active .value").replace(",", "")) > 0
    assert page.inner_text("#tile-coverage .value").endswith("%")


def test_models_page_lists_the_live_bundle(page: Any, web_shop: WebShop) -> None:
    results = [
        {"model": "als", "dataset": "tiny", "split": "test", "mean": {"NDCG@10": 0.21}},
        {"model": "popularity", "dataset": "tiny", "split": "test", "mean": {"NDCG@10": 0.12}},
    ]
    (web_shop.settings.bundle_dir / "results-web-test.json").write_text(json.dumps(results))

    page.goto("/admin/models")
    row = page.locator(f'#bundles tr[data-version="{web_shop.bundle.version}"]')
    assert "live" in row.inner_text() and "serving" in row.inner_text()
    assert page.locator("#chart-timings rect.bar").count() >= 4  # one bar per training step
    assert page.locator("#chart-training rect.bar").count() >= 1
    page.wait_for_selector("#chart-offline svg")
    assert page.input_value("#offline-metric") == "NDCG@10"
    assert "0.2100" in page.inner_text("#offline-table")


def test_online_page_says_when_there_is_no_data_yet(page: Any) -> None:
    for path in ("**/v1/metrics/online?*", "**/v1/experiments"):
        page.route(path, lambda route: route.fulfill(status=404, json={"detail": "Not Found"}))
    page.goto("/admin/online")

    page.wait_for_selector('#online-metrics[data-state="empty"]')
    page.wait_for_selector('#experiments[data-state="empty"]')
    assert "No online metrics yet" in page.inner_text("#online-metrics")
    assert "No experiments yet" in page.inner_text("#experiments")


def test_online_page_charts_metrics_and_experiment_arms(page: Any) -> None:
    def metrics(route: Any) -> None:
        route.fulfill(json=online_answer(route.request.url.split("group_by=")[-1]))

    page.route("**/v1/metrics/online?*", metrics)
    page.route("**/v1/experiments", lambda route: route.fulfill(json=[EXPERIMENT]))
    page.route(
        "**/v1/experiments/section-order",
        lambda route: route.fulfill(json={**EXPERIMENT, "report": REPORT}),
    )
    page.goto("/admin/online")

    page.wait_for_selector('#online-metrics[data-state="data"]')
    assert page.locator("#online-metrics polyline.series").count() == 3  # three rates a day
    assert page.locator("#online-metrics tbody tr").count() == 7
    page.select_option("#group-by", "section")
    page.wait_for_selector('#online-metrics[data-path$="=section"][data-state="data"]')
    assert page.locator("#online-metrics rect.bar").count() == 2  # CTR per section
    assert "6.0%" in page.inner_text("#online-metrics table")

    page.wait_for_selector('#experiments[data-state="data"]')
    assert "bandit raises ctr" in page.inner_text("#experiments .summary")
    assert page.locator("#experiments rect.bar").count() == 2  # one bar per arm
    assert "[6.0%, 8.0%]" in page.inner_text("#experiments table")


def test_online_page_shows_a_real_experiment(page: Any, live_server: LiveServer) -> None:
    config = {
        "experiment_id": "web-same-page",
        "description": "two identical arms, for the dashboard test",
        "arms": [{"name": "one"}, {"name": "two"}],
    }
    started = httpx.post(f"{live_server.url}/v1/admin/experiments", json=config)
    assert started.status_code == 201, started.text
    try:
        page.goto("/admin/online")
        block = page.locator('#experiments .experiment[data-experiment-id="web-same-page"]')
        block.wait_for()
        assert "status: running" in block.inner_text()
        page.wait_for_function(
            "() => document.getElementById('online-metrics').dataset.state !== 'loading'"
        )
    finally:
        httpx.post(f"{live_server.url}/v1/admin/experiments/web-same-page/stop")


def test_shopper_inspector_explains_the_homepage(page: Any) -> None:
    page.goto("/admin/shopper")
    page.fill("#user-id", "shopper-03")
    page.click(".pick button")
    page.wait_for_selector("#profile")

    assert page.locator("#history tbody tr").count() > 0
    sections = page.locator("#inspected-homepage .inspect-section")
    assert sections.count() >= 2
    assert sections.first.locator(".inspect-item .r").first.inner_text()
    assert page.locator(".runner-list li").count() > 0
    profile_drawn = page.locator("#chart-interests rect.bar").count()
    assert profile_drawn > 0 or page.locator("#profile-empty").count() == 1
