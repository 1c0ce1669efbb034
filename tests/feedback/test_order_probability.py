"""Exact Thompson-order probabilities against Monte Carlo frequencies."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from shopfront.feedback.order_probability import ThompsonOrderModel

ALPHAS = np.array([30.0, 5.0, 120.0, 2.0, 60.0])
BETAS = np.array([300.0, 40.0, 1000.0, 10.0, 500.0])


@pytest.fixture(scope="module")
def sampled_orders() -> np.ndarray:
    rng = np.random.default_rng(0)
    draws = rng.beta(ALPHAS[:, None], BETAS[:, None], size=(5, 200_000))
    return np.argsort(-draws, axis=0)


@pytest.mark.parametrize("shown", [[2, 0, 4], [3], [4, 2, 0, 1, 3], [1, 3]])
def test_order_probability_matches_sampled_frequency(
    sampled_orders: np.ndarray, shown: list[int]
) -> None:
    model = ThompsonOrderModel(ALPHAS, BETAS)
    frequency = np.all(sampled_orders[: len(shown)] == np.array(shown)[:, None], axis=0).mean()
    assert model.order_probability(shown) == pytest.approx(frequency, abs=3e-3, rel=0.05)


def test_rank_probabilities_match_sampled_frequencies(sampled_orders: np.ndarray) -> None:
    ranks = ThompsonOrderModel(ALPHAS, BETAS).rank_probabilities(3)
    frequency = np.array([[np.mean(sampled_orders[r] == s) for r in range(3)] for s in range(5)])
    assert np.abs(ranks - frequency).max() < 4e-3
    assert ranks.sum(axis=0) == pytest.approx(np.ones(3), abs=1e-3)


def test_probabilities_of_all_orders_sum_to_one() -> None:
    model = ThompsonOrderModel(np.array([2.0, 3.0, 1.0, 5.0]), np.array([8.0, 3.0, 9.0, 20.0]))
    total = sum(model.order_probability(list(p)) for p in itertools.permutations(range(4)))
    assert total == pytest.approx(1.0, abs=1e-3)


def test_invalid_posteriors_are_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        ThompsonOrderModel(np.array([1.0, 0.0]), np.array([1.0, 1.0]))
