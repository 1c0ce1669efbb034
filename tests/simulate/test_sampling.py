from __future__ import annotations

import numpy as np

from shopfront.simulate.sampling import GroupedSampler


def make_sampler() -> GroupedSampler:
    # Group 0: items 0 (t=0, weight 1) and 2 (t=100, weight 3); group 1: item 1 (t=50).
    return GroupedSampler(
        np.array([0, 1, 0]), np.array([0.0, 50.0, 100.0]), np.array([1.0, 1.0, 3.0]), n_groups=2
    )


def test_draws_follow_the_weights_within_the_group() -> None:
    draws = make_sampler().sample(
        np.zeros(20_000, dtype=np.int64), np.random.default_rng(0).random(20_000)
    )
    assert set(np.unique(draws)) == {0, 2}
    assert abs((draws == 2).mean() - 0.75) < 0.02


def test_items_released_later_are_never_drawn() -> None:
    sampler = make_sampler()
    draws = sampler.sample(
        np.zeros(1000, dtype=np.int64), np.linspace(0, 0.999, 1000), until=np.full(1000, 99.0)
    )
    assert set(np.unique(draws)) == {0}


def test_an_empty_window_draws_minus_one() -> None:
    sampler = make_sampler()
    groups = np.array([1, 0, 0])
    drawn = sampler.sample(
        groups,
        np.full(3, 0.5),
        until=np.array([10.0, 200.0, 50.0]),
        since=np.array([0.0, 60.0, 1.0]),
    )
    assert drawn.tolist() == [-1, 2, -1]
