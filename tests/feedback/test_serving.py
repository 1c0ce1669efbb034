"""Serving with feedback on the tiny shop: arms, variants, ordering and the impression log."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from shopfront.errors import BundleError
from shopfront.feedback.experiments import ArmConfig, ExperimentConfig, PageLayout
from shopfront.feedback.install import FeedbackServices, FeedbackSettings, build_feedback
from shopfront.feedback.logs import logged_page_batches, logged_pages
from shopfront.feedback.tables import page_views
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.service import BundleHolder
from shopfront.store import schema
from shopfront.store.store import Store
from tests.shop import build_tiny_shop


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, ModelBundle, Path]:
    folder = tmp_path_factory.mktemp("tiny")
    store, bundle = build_tiny_shop(f"sqlite:///{folder / 'shop.db'}", folder / "bundles")
    return store, bundle, folder


@pytest.fixture()
def feedback(tiny: tuple[Store, ModelBundle, Path]) -> Iterator[FeedbackServices]:
    store, bundle, _ = tiny
    built = build_feedback(store, BundleHolder(bundle), FeedbackSettings(section_order="bandit"))
    yield built
    built.close()
    for experiment in built.registry.list():
        if experiment.status == "running":
            built.registry.stop(experiment.config.experiment_id)


def test_every_page_is_logged_with_its_order_and_candidates(feedback: FeedbackServices) -> None:
    page = feedback.homepages.homepage("user-0", request_id="serve-1")
    assert page.ordering is not None and page.ordering.policy == "thompson"
    assert 0 < page.ordering.propensity <= 1
    feedback.impressions.flush()

    engine = feedback.homepages.store.engine
    with engine.connect() as connection:
        view = (
            connection.execute(select(page_views).where(page_views.c.request_id == "serve-1"))
            .mappings()
            .one()
        )
        items = (
            connection.execute(
                select(schema.impressions.c.item_id).where(
                    schema.impressions.c.request_id == "serve-1"
                )
            )
            .scalars()
            .all()
        )
    details = json.loads(view["ordering"])
    assert view["segment"] == "returning" and view["propensity"] == page.ordering.propensity
    assert {c["id"] for c in details["candidates"]} >= {s.id for s in page.sections}
    assert sorted(items) == sorted(page.item_ids())

    logged = [p for p in logged_pages(engine) if p.request_id == "serve-1"]
    assert logged and logged[0].user_id == "user-0"


def test_logged_pages_read_in_batches_are_the_same_pages(feedback: FeedbackServices) -> None:
    for number in range(7):
        feedback.homepages.homepage(f"user-{number % 3}", request_id=f"batch-{number}")
    feedback.impressions.flush()
    engine = feedback.homepages.store.engine
    whole = logged_pages(engine, since=0.0, until=4e9)

    batches = list(logged_page_batches(engine, since=0.0, until=4e9, batch_pages=2))

    assert len(batches) >= 4 and all(batches)
    assert [p.request_id for batch in batches for p in batch] == [p.request_id for p in whole]
    assert [p.slot_clicks for b in batches for p in b] == [p.slot_clicks for p in whole]


def test_arms_change_how_the_page_is_made(feedback: FeedbackServices) -> None:
    arms = [
        ArmConfig(name="popular", models=["popularity", "trending"], personalized=False),
        ArmConfig(name="small", layout=PageLayout(n_sections=2, n_items=3)),
    ]
    feedback.registry.start(ExperimentConfig(experiment_id="serve-arms", arms=arms))
    seen: dict[str, set[str]] = {"popular": set(), "small": set()}
    for user in range(40):
        page = feedback.homepages.homepage(f"user-{user}")
        arm = page.experiment["arm"]
        seen[arm] |= {section.kind for section in page.sections}
        if arm == "small":
            assert len(page.sections) <= 2 and all(len(s.items) <= 3 for s in page.sections)
    assert seen["popular"] and not seen["popular"] & {"recommended", "because_viewed"}
    assert "recommended" in seen["small"]


def test_a_pinned_bundle_serves_its_own_version(
    feedback: FeedbackServices, tiny: tuple[Store, ModelBundle, Path]
) -> None:
    _, bundle, _ = tiny
    arms = [ArmConfig(name="pinned", bundle_version=bundle.version), ArmConfig(name="live")]
    feedback.registry.start(ExperimentConfig(experiment_id="serve-pin", arms=arms))
    page = next(
        p
        for p in (feedback.homepages.homepage(f"user-{u}") for u in range(40))
        if p.experiment["arm"] == "pinned"
    )
    assert page.model_version == bundle.version


def test_an_unknown_pinned_version_is_a_bundle_error(feedback: FeedbackServices) -> None:
    arms = [ArmConfig(name="ghost", bundle_version="no-such-version"), ArmConfig(name="other")]
    feedback.registry.start(ExperimentConfig(experiment_id="serve-ghost", arms=arms, traffic=1.0))
    ghost_users = [
        f"user-{u}"
        for u in range(40)
        if feedback.registry.assign(f"user-{u}").arm.name == "ghost"  # type: ignore[union-attr]
    ]
    with pytest.raises(BundleError, match="no-such-version"):
        feedback.homepages.homepage(ghost_users[0])


def test_a_preview_is_neither_logged_nor_recorded(feedback: FeedbackServices) -> None:
    arm = ArmConfig(name="preview", section_order="bandit")
    page = feedback.homepages.preview("user-1", arm)
    assert page.sections and page.request_id.startswith("preview-")
    assert len(feedback.homepages.policy.journal) == 0
    feedback.impressions.flush()
    engine = feedback.homepages.store.engine
    with engine.connect() as connection:
        found = connection.execute(
            select(page_views).where(page_views.c.request_id == page.request_id)
        ).first()
    assert found is None
