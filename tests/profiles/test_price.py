"""Price bands relative to each category's price distribution."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.prep.builder import snapshot_from_sequences
from shopfront.profiles.catalog import item_table
from shopfront.profiles.price import PriceBands, band_of
from shopfront.store.records import Item


def bands() -> PriceBands:
    """Lipsticks at 5, 10 and 30; vacuums at 30, 200 and 400; one item without a price."""
    catalog = [
        Item("l1", category="Beauty > Lips", price=5.0),
        Item("l2", category="Beauty > Lips", price=10.0),
        Item("l3", category="Beauty > Lips", price=30.0),
        Item("v1", category="Home > Vacuums", price=30.0),
        Item("v2", category="Home > Vacuums", price=200.0),
        Item("v3", category="Home > Vacuums", price=400.0),
        Item("x", category="Home > Vacuums"),
    ]
    snapshot = snapshot_from_sequences(["u"], [["l1"]], catalog)
    return PriceBands().fit(item_table(snapshot))


def test_the_same_price_is_premium_in_one_category_and_budget_in_another() -> None:
    model = bands()

    np.testing.assert_allclose(model.item_percentile_[:6], [1 / 6, 1 / 2, 5 / 6] * 2)
    assert band_of(model.percentile(np.array([2]), np.ones(1))) == "premium"  # lipstick at 30
    assert band_of(model.percentile(np.array([3]), np.ones(1))) == "budget"  # vacuum at 30


def test_percentile_is_the_weighted_median_and_ignores_unknown_prices() -> None:
    model = bands()

    weights = np.array([1.0, 1.0, 5.0, 9.0])
    assert model.percentile(np.array([0, 1, 2, 6]), weights) == pytest.approx(5 / 6)
    assert model.percentile(np.array([6]), np.ones(1)) is None
    assert np.isnan(model.item_percentile_[6])


def test_group_percentiles_give_one_median_per_group() -> None:
    model = bands()
    members = np.array([[True, False], [True, False], [False, True], [False, False]])

    medians = model.group_percentiles(np.array([0, 1, 5, 6]), np.ones(4), members)

    assert medians == [pytest.approx(1 / 6), pytest.approx(5 / 6)]


@pytest.mark.parametrize(
    ("percentile", "band"), [(0.0, "budget"), (0.34, "mid"), (0.7, "premium"), (1.0, "premium")]
)
def test_band_of_cuts_at_the_terciles(percentile: float, band: str) -> None:
    assert band_of(percentile) == band
