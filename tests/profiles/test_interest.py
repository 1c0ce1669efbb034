"""The naive-Bayes interest model against a hand-computed example."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.prep.builder import snapshot_from_sequences
from shopfront.profiles.catalog import item_table
from shopfront.profiles.interest import NaiveBayesInterestModel
from shopfront.store.records import Item


def tiny_table():  # type: ignore[no-untyped-def]
    """Items a and b in category A, c in category B; no brands, no sub-categories."""
    catalog = [Item("a", category="A"), Item("b", category="A"), Item("c", category="B")]
    snapshot = snapshot_from_sequences(["u"], [["a"]], catalog)
    return item_table(snapshot)


def test_posterior_matches_hand_computed_example() -> None:
    # Token counts with masses a=2, b=1, c=1 and alpha=1 over V=3 tokens:
    #   P(a|A)=3/6, P(c|A)=1/6; P(a|B)=1/4, P(c|B)=2/4; P(A)=4/6, P(B)=2/6.
    # History {a, c}: A ∝ 4/6·3/6·1/6 = 1/18, B ∝ 2/6·1/4·2/4 = 1/24, so P(A|X) = 4/7.
    model = NaiveBayesInterestModel(alpha=1.0).fit(tiny_table(), np.array([2.0, 1.0, 1.0]))

    posterior = model.posterior(np.array([0, 2]), np.array([1.0, 1.0]))

    np.testing.assert_allclose(posterior, [4 / 7, 3 / 7], rtol=1e-6)
    np.testing.assert_allclose(np.exp(model.log_prior_), [2 / 3, 1 / 3])


def test_weights_act_as_fractional_counts() -> None:
    model = NaiveBayesInterestModel(alpha=1.0).fit(tiny_table(), np.array([2.0, 1.0, 1.0]))

    # Two views of c weigh as much as one event of weight 2.
    twice = model.posterior(np.array([2, 2]), np.array([1.0, 1.0]))
    weighted = model.posterior(np.array([2]), np.array([2.0]))

    np.testing.assert_allclose(twice, weighted)


def test_posterior_sums_to_one_and_stays_finite_for_long_histories() -> None:
    model = NaiveBayesInterestModel().fit(tiny_table(), np.array([5.0, 1.0, 3.0]))
    rng = np.random.default_rng(0)

    for size in (1, 10, 10_000):
        items = rng.integers(0, 3, size)
        weights = rng.uniform(0.1, 8.0, size)
        for probabilities in (model.posterior(items, weights), model.interest(items, weights)):
            assert np.isfinite(probabilities).all()
            assert probabilities.sum() == pytest.approx(1.0)


def test_interest_averages_the_per_event_posteriors() -> None:
    # One event alone: P(A|a) ∝ 4/6·3/6 = 1/3 and P(B|a) ∝ 2/6·1/4 = 1/12, so 4/5 and 1/5;
    # P(A|c) ∝ 4/6·1/6 = 1/9 and P(B|c) ∝ 2/6·2/4 = 1/6, so 2/5 and 3/5.
    model = NaiveBayesInterestModel(alpha=1.0).fit(tiny_table(), np.array([2.0, 1.0, 1.0]))

    np.testing.assert_allclose(model.item_posterior_[[0, 2]], [[0.8, 0.2], [0.4, 0.6]], rtol=1e-6)
    interest = model.interest(np.array([0, 2]), np.array([3.0, 1.0]))
    np.testing.assert_allclose(interest, [(3 * 0.8 + 0.4) / 4, (3 * 0.2 + 0.6) / 4], rtol=1e-6)
    assert interest.sum() == pytest.approx(1.0)


def test_interest_survives_weights_that_underflowed() -> None:
    model = NaiveBayesInterestModel().fit(tiny_table(), np.array([2.0, 1.0, 1.0]))

    interest = model.interest(np.array([0, 2]), np.zeros(2, dtype=np.float32))

    np.testing.assert_allclose(interest, model.item_posterior_[[0, 2]].mean(axis=0), rtol=1e-6)


def test_alpha_must_be_positive() -> None:
    with pytest.raises(ValueError, match="alpha must be > 0, got 0.0"):
        NaiveBayesInterestModel(alpha=0.0)
