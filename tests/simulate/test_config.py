from __future__ import annotations

from datetime import UTC, datetime

import pydantic
import pytest

from shopfront.simulate import SimulationConfig


def test_defaults_describe_the_demo_shop() -> None:
    config = SimulationConfig()
    assert (config.n_items, config.n_users, config.days) == (12_000, 5_000, 56)
    assert config.start == datetime(2026, 9, 1, tzinfo=UTC)
    assert config.n_bots == 50


def test_a_naive_start_is_read_as_utc() -> None:
    config = SimulationConfig(start=datetime(2026, 9, 1))
    assert config.start_timestamp == datetime(2026, 9, 1, tzinfo=UTC).timestamp()


@pytest.mark.parametrize(
    ("bot_fraction", "n_users", "n_bots"), [(0.0, 100, 0), (0.01, 100, 1), (0.01, 30, 1)]
)
def test_bot_count_is_the_share_and_at_least_one(
    bot_fraction: float, n_users: int, n_bots: int
) -> None:
    assert SimulationConfig(n_users=n_users, bot_fraction=bot_fraction).n_bots == n_bots


@pytest.mark.parametrize(
    ("field", "value"),
    [("n_items", 10), ("days", 0), ("click_rate", 1.5), ("bot_active_days", (3, 1))],
)
def test_invalid_values_name_the_field(field: str, value: object) -> None:
    with pytest.raises(pydantic.ValidationError, match=field):
        SimulationConfig(**{field: value})
