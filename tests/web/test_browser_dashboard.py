"""The operator's dashboard in a real browser: every page opens and draws its charts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.web.conftest import WebShop

pytestmark = pytest.mark.browser

ONLINE_SAMPLE = {
    "page_views": 420,
    "sections": [
        {"section_id": "recommended", "impressions": 4000, "clicks": 240, "ctr": 0.06},
        {"section_id": "trending", "impressions": 3600, "clicks": 144, "ctr": 0.04},
    ],
    "daily": [
        {"day": "2026-11-30", "ctr": 0.05, "add_to_cart_rate": 0.010},
        {"day": "2026-12-01", "ctr": 0.06, "add_to_cart_rate": 0.012},
    ],
}
EXPERIMENTS_SAMPLE = [
    {
        "name": "section-order",
        "status": "running",
        "arms": [
            {"arm": "control", "page_views": 210, "ctr": 0.05},
            {"arm": "bandit", "page_views": 210, "ctr": 0.07},
        ],
    }
]


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
    assert page.locator("#chart-active rect.bar").count() == 30  # one bar per day
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
    for path in ("**/v1/metrics/online", "**/v1/experiments"):
        page.route(path, lambda route: route.fulfill(status=404, json={"detail": "Not Found"}))
    page.goto("/admin/online")

    page.wait_for_selector('#online-metrics[data-state="empty"]')
    page.wait_for_selector('#experiments[data-state="empty"]')
    assert "No online metrics yet" in page.inner_text("#online-metrics")
    assert "No experiments yet" in page.inner_text("#experiments")


def test_online_page_charts_metrics_and_experiment_arms(page: Any) -> None:
    page.route("**/v1/metrics/online", lambda route: route.fulfill(json=ONLINE_SAMPLE))
    page.route("**/v1/experiments", lambda route: route.fulfill(json=EXPERIMENTS_SAMPLE))
    page.goto("/admin/online")

    page.wait_for_selector('#online-metrics[data-state="data"]')
    assert page.locator("#online-metrics rect.bar").count() == 2  # CTR per section
    assert page.locator("#online-metrics polyline.series").count() == 2  # daily rates
    assert "6.0%" in page.inner_text("#online-metrics table")
    page.wait_for_selector('#experiments[data-state="data"]')
    assert "section-order" in page.inner_text("#experiments")
    assert page.locator("#experiments rect.bar").count() == 2  # one bar per arm


def test_online_page_renders_whatever_the_service_answers(page: Any) -> None:
    page.goto("/admin/online")
    page.wait_for_function(
        "() => ['online-metrics', 'experiments'].every("
        "id => document.getElementById(id).dataset.state !== 'loading')"
    )


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
