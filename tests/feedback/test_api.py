"""The feedback routes over HTTP: online metrics, experiments and the bandit."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.feedback.install import FeedbackServices, FeedbackSettings, install_feedback
from shopfront.homepage.service import BundleHolder
from tests.shop import build_tiny_shop

EXPERIMENT = {
    "experiment_id": "api-test",
    "arms": [{"name": "fixed"}, {"name": "bandit", "section_order": "bandit"}],
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("api")
    url = f"sqlite:///{folder / 'shop.db'}"
    store, bundle = build_tiny_shop(url, folder / "bundles")
    app = create_app(Settings(db_url=url), store=store, holder=BundleHolder(bundle))
    feedback = install_feedback(app.state.services, FeedbackSettings(), start_jobs=False)
    with TestClient(app) as test_client:
        yield test_client
    feedback.close()


def feedback_of(client: TestClient) -> FeedbackServices:
    services = client.app.state.services  # type: ignore[attr-defined]
    return services.extras["feedback"]  # type: ignore[no-any-return]


def test_experiment_lifecycle_and_report(client: TestClient) -> None:
    created = client.post("/v1/admin/experiments", json=EXPERIMENT)
    assert created.status_code == 201 and created.json()["status"] == "running"
    assert client.post("/v1/admin/experiments", json=EXPERIMENT).status_code == 422

    # Serve pages and click on the first product of each.
    events = []
    for user in range(30):
        page = client.get(f"/v1/homepage/user-{user}").json()
        first = page["sections"][0]["items"][0]["item_id"]
        events.append(
            {
                "event_id": f"api-click-{user}",
                "user_id": f"user-{user}",
                "item_id": first,
                "type": "click",
                "timestamp": time.time(),
                "request_id": page["request_id"],
            }
        )
    assert client.post("/v1/events", json={"events": events}).json()["accepted"] == 30
    feedback_of(client).impressions.flush()

    report = client.get("/v1/experiments/api-test").json()["report"]
    arms = {arm["name"]: arm for arm in report["arms"]}
    assert arms["fixed"]["page_views"] + arms["bandit"]["page_views"] == 30
    assert report["summary"][0].startswith("arm bandit ")
    assert [e["experiment_id"] for e in client.get("/v1/experiments").json()] == ["api-test"]

    stopped = client.post("/v1/admin/experiments/api-test/stop")
    assert stopped.json()["status"] == "stopped"


def test_online_metrics_grouped_by_arm_and_day(client: TestClient) -> None:
    feedback_of(client).impressions.flush()
    body = client.get("/v1/metrics/online", params={"group_by": ["day", "arm"]}).json()
    assert body["group_by"] == ["day", "arm"]
    clicks = sum(row["clicks"] for row in body["rows"])
    views = sum(row["page_views"] for row in body["rows"])
    assert views >= 30 and clicks == 30
    assert all(0 <= row["ctr"] <= 1 for row in body["rows"])

    recent = client.get("/v1/metrics/online", params={"days": 1, "group_by": "section_kind"})
    assert recent.status_code == 200 and recent.json()["rows"]


def test_errors_name_what_is_wrong(client: TestClient) -> None:
    bad = client.get("/v1/metrics/online", params={"group_by": "colour"})
    assert bad.status_code == 422 and "group_by" in bad.json()["detail"]
    assert client.get("/v1/experiments/nope").status_code == 404
    assert client.post("/v1/admin/experiments", json={"experiment_id": "x"}).status_code == 422


def test_bandit_state_is_served(client: TestClient) -> None:
    feedback_of(client).refit_bandit()
    body = client.get("/v1/bandit").json()
    assert body["exploration_rate"] == pytest.approx(0.1)
    assert body["position_weights"][0] == pytest.approx(1.0)
    assert all(0 < arm["mean"] < 1 for arm in body["arms"])
