"""ProfileBuilder: decay, event weights, evidence, empty and unknown shoppers, save/load."""

from __future__ import annotations

import doctest
import json
from pathlib import Path

import numpy as np
import pytest

import shopfront.profiles
from shopfront.errors import NotFittedError
from shopfront.prep.builder import build_snapshot
from shopfront.prep.snapshot import History, Snapshot
from shopfront.profiles import Profile, ProfileBuilder
from shopfront.profiles import builder as builder_module
from shopfront.store.records import InteractionFrame, InteractionType, Item

DAY = 86_400.0
NOW = 1_800_000_000.0
VIEW, CLICK, CART, PURCHASE = (int(t) for t in InteractionType)


def catalog() -> list[Item]:
    """Two categories of five items each, prices 10 to 50, one brand per category."""
    return [
        Item(
            item_id=f"{top[0].lower()}{i}",
            title=f"{top} item {i}",
            category=f"{top} > Sub{i % 2}",
            brand=f"{top}Co",
            price=10.0 * (i + 1),
        )
        for top in ("Beauty", "Garden")
        for i in range(5)
    ]


def shop_snapshot(n_users: int = 40) -> Snapshot:
    """Shoppers viewing a few items each, alternating between the two categories."""
    rng = np.random.default_rng(3)
    rows = []
    for u in range(n_users):
        prefix = "b" if u % 2 else "g"
        for k in range(int(rng.integers(2, 8))):
            rows.append((f"u{u}", f"{prefix}{rng.integers(5)}", VIEW, NOW - DAY * (10 - k)))
    frame = InteractionFrame(
        user_ids=np.array([r[0] for r in rows], dtype=object),
        item_ids=np.array([r[1] for r in rows], dtype=object),
        types=np.array([r[2] for r in rows], dtype=np.int8),
        timestamps=np.array([r[3] for r in rows], dtype=np.float64),
    )
    return build_snapshot(frame, catalog())[0]


@pytest.fixture(scope="module")
def snapshot() -> Snapshot:
    return shop_snapshot()


@pytest.fixture(scope="module")
def builder(snapshot: Snapshot) -> ProfileBuilder:
    return ProfileBuilder(n_interests=2).fit(snapshot)


def history(snapshot: Snapshot, events: list[tuple[str, int, float]]) -> History:
    """A history from (item_id, type, timestamp) triples."""
    return History(
        item_indices=snapshot.items.indices([e[0] for e in events]),
        types=np.array([e[1] for e in events], dtype=np.int8),
        timestamps=np.array([e[2] for e in events], dtype=np.float64),
    )


def test_decay_makes_old_interests_fade(builder: ProfileBuilder, snapshot: Snapshot) -> None:
    events = [("b1", PURCHASE, NOW - 300 * DAY), ("b2", PURCHASE, NOW - 299 * DAY)]
    events += [("g1", VIEW, NOW - DAY), ("g3", VIEW, NOW - DAY / 2)]
    shopper = history(snapshot, events)

    back_then = builder.build(shopper, now=NOW - 298 * DAY)
    today = builder.build(shopper, now=NOW)

    assert back_then.top_categories(1) == ["Beauty"]
    assert today.top_categories(1) == ["Garden"]
    assert today.category_affinity["Beauty"] < back_then.category_affinity["Beauty"]


def test_purchase_outweighs_view(builder: ProfileBuilder, snapshot: Snapshot) -> None:
    bought_beauty = history(snapshot, [("b1", PURCHASE, NOW), ("g1", VIEW, NOW)])
    bought_garden = history(snapshot, [("b1", VIEW, NOW), ("g1", PURCHASE, NOW)])

    assert builder.build(bought_beauty, now=NOW).top_categories(1) == ["Beauty"]
    assert builder.build(bought_garden, now=NOW).top_categories(1) == ["Garden"]
    profile = builder.build(bought_beauty, now=NOW)
    assert profile.category_affinity["Beauty"] == pytest.approx(8 / 9, rel=1e-4)


def test_evidence_lists_the_driving_items(builder: ProfileBuilder, snapshot: Snapshot) -> None:
    events = [("b4", VIEW, NOW - 3 * DAY), ("b2", PURCHASE, NOW - 2 * DAY)]
    events += [("b4", CLICK, NOW - DAY), ("g0", VIEW, NOW)]
    profile = builder.build(history(snapshot, events), now=NOW)

    beauty = profile.interests[0]
    assert beauty.category == "Beauty"
    assert [e.item_id for e in beauty.evidence] == ["b2", "b4"]
    strongest = beauty.evidence[0]
    assert (strongest.type, strongest.timestamp) == ("purchase", NOW - 2 * DAY)
    assert beauty.evidence[1].type == "click"  # the strongest of the item's two events
    assert sum(e.contribution for e in beauty.evidence) == pytest.approx(1.0, abs=1e-3)
    assert all("g0" != e.item_id for e in beauty.evidence)


def test_as_dict_is_json_ready_and_readable(builder: ProfileBuilder, snapshot: Snapshot) -> None:
    events = [("b1", VIEW, NOW - DAY), ("b1", PURCHASE, NOW - DAY + 60), ("g2", VIEW, NOW)]
    profile = builder.build(history(snapshot, events), now=NOW, user_id="u-7")

    data = json.loads(json.dumps(profile.as_dict()))

    assert data["user_id"] == "u-7"
    assert data["interests"][0]["evidence"][0].keys() == {
        "item_id", "title", "type", "timestamp", "contribution"
    }  # fmt: skip
    assert data["summary"].startswith("Mostly interested in Beauty")
    assert data["activity"]["n_purchases"] == 1
    assert data["activity"]["n_sessions"] == 2
    assert data["activity"]["purchase_value"] == pytest.approx(20.0)
    assert data["activity"]["recency_days"] == pytest.approx(0.0)
    assert data["price"]["band"] in {"budget", "mid", "premium"}


def test_empty_history_gives_the_empty_profile(builder: ProfileBuilder) -> None:
    profile = builder.build(History.empty(), now=NOW, user_id="new")

    assert profile == Profile.empty("new", built_at=NOW)
    assert profile.is_empty
    assert profile.top_categories(3) == []
    assert profile.as_dict()["summary"] == "No activity yet."
    assert json.dumps(profile.as_dict())


def test_events_on_unknown_items_are_ignored(builder: ProfileBuilder) -> None:
    unknown = History(np.array([-1, 10_000]), np.array([VIEW, VIEW], dtype=np.int8))

    assert builder.build(unknown, now=NOW).is_empty


def test_price_band_follows_the_price_within_the_category(
    builder: ProfileBuilder, snapshot: Snapshot
) -> None:
    cheap = builder.build(history(snapshot, [("b0", PURCHASE, NOW), ("g0", VIEW, NOW)]), now=NOW)
    dear = builder.build(history(snapshot, [("b4", PURCHASE, NOW), ("g4", VIEW, NOW)]), now=NOW)

    assert (cheap.price_band, dear.price_band) == ("budget", "premium")
    assert cheap.interests[0].price_band == "budget"


def test_brand_affinity_and_top_brands(builder: ProfileBuilder, snapshot: Snapshot) -> None:
    profile = builder.build(history(snapshot, [("b0", CART, NOW), ("g0", VIEW, NOW)]), now=NOW)

    assert profile.brand_affinity == pytest.approx({"BeautyCo": 0.8, "GardenCo": 0.2}, rel=1e-4)
    assert profile.top_brands(1) == ["BeautyCo"]


def test_build_all_matches_build(builder: ProfileBuilder, snapshot: Snapshot) -> None:
    profiles = builder.build_all(snapshot)

    assert len(profiles) == snapshot.n_users
    one = builder.build(snapshot.history(5), now=snapshot.reference_time, user_id="u5")
    assert profiles[5].user_id == snapshot.users.id(5)
    assert profiles[5].as_dict() == {**one.as_dict(), "user_id": profiles[5].user_id}


def test_embedding_from_array_callable_or_argument(snapshot: Snapshot) -> None:
    table = np.arange(snapshot.n_users * 2, dtype=np.float32).reshape(-1, 2)
    by_array = ProfileBuilder(embedder=table).fit(snapshot)
    by_callable = ProfileBuilder(embedder=lambda h: np.ones(3)).fit(snapshot)
    shopper = snapshot.history(4)
    now = snapshot.reference_time

    np.testing.assert_array_equal(by_array.build(shopper, now=now).embedding, table[4])
    np.testing.assert_array_equal(by_callable.build(shopper, now=now).embedding, np.ones(3))
    explicit = by_array.build(shopper, now=now, embedding=np.zeros(2)).embedding
    np.testing.assert_array_equal(explicit, np.zeros(2))
    new_shopper = History(shopper.item_indices, shopper.types, shopper.timestamps, None)
    assert by_array.build(new_shopper, now=now).embedding is None


def test_save_and_load_round_trip(
    builder: ProfileBuilder, snapshot: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "profiles" / "builder.pkl"
    builder.save(path)

    loaded = ProfileBuilder.load(path, embedder=np.ones((snapshot.n_users, 2)))

    shopper = snapshot.history(3)
    before = builder.build(shopper, now=NOW).as_dict()
    after = loaded.build(shopper, now=NOW).as_dict()
    assert after == {**before, "embedding": [1.0, 1.0]}


def test_load_rejects_other_pickles(tmp_path: Path) -> None:
    path = tmp_path / "other.pkl"
    path.write_bytes(__import__("pickle").dumps({"not": "a builder"}))

    with pytest.raises(TypeError, match="must hold a ProfileBuilder"):
        ProfileBuilder.load(path)


def test_build_before_fit_raises_not_fitted() -> None:
    with pytest.raises(NotFittedError, match="call fit"):
        ProfileBuilder().build(History.empty(), now=NOW)


def test_now_must_be_finite(builder: ProfileBuilder) -> None:
    with pytest.raises(ValueError, match="now must be a finite"):
        builder.build(History.empty(), now=float("nan"))


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"n_interests": 0}, "n_interests must be >= 1, got 0"),
        ({"session_gap_minutes": 0.0}, "session_gap_minutes must be > 0"),
    ],
)
def test_invalid_options_name_the_parameter(options: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ProfileBuilder(**options)  # type: ignore[arg-type]


def test_attribute_categories_allow_several_per_item() -> None:
    items = [
        Item("x", attributes={"attr": [1, 2]}),
        Item("y", attributes={"attr": [2]}),
        Item("z", attributes={"attr": [3]}),
    ]
    frame = InteractionFrame(
        user_ids=np.array(["u", "u", "v"], dtype=object),
        item_ids=np.array(["x", "y", "z"], dtype=object),
        types=np.array([VIEW, VIEW, VIEW], dtype=np.int8),
        timestamps=np.array([NOW, NOW + 1, NOW], dtype=np.float64),
    )
    snapshot = build_snapshot(frame, items)[0]
    builder = ProfileBuilder(category_key="attr").fit(snapshot)

    profile = builder.build(snapshot.history(0), now=NOW + 1)

    assert profile.top_categories(1) == ["2"]
    assert profile.category_affinity == pytest.approx({"1": 1 / 3, "2": 2 / 3}, rel=1e-4)


def test_public_names() -> None:
    assert set(shopfront.profiles.__all__) == {
        "PRICE_BANDS", "Activity", "Embedder", "Evidence", "Interest",
        "NaiveBayesInterestModel", "Profile", "ProfileBuilder", "Segment",
    }  # fmt: skip
    for name in shopfront.profiles.__all__:
        assert hasattr(shopfront.profiles, name)


def test_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(builder_module)
    assert tried > 0 and failures == 0


def test_a_new_event_shows_in_the_next_build_without_refit(
    builder: ProfileBuilder, snapshot: Snapshot
) -> None:
    events = [("g1", VIEW, NOW - DAY), ("g2", VIEW, NOW - DAY + 60)]
    before = builder.build(history(snapshot, events), now=NOW)

    after = builder.build(history(snapshot, [*events, ("b3", PURCHASE, NOW)]), now=NOW)

    assert before.top_categories(1) == ["Garden"]
    assert after.top_categories(1) == ["Beauty"]
    assert after.interests[0].evidence[0].item_id == "b3"
    assert after.activity.recency_days == 0.0
