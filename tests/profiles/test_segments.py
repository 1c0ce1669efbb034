"""KMeans segments: chosen by silhouette, each described in words."""

from __future__ import annotations

import numpy as np
import pytest

from shopfront.profiles import ProfileBuilder
from shopfront.profiles.segments import SegmentModel
from tests.profiles.conftest import HandMadeShop


def two_groups(n: int = 200) -> tuple[np.ndarray, np.ndarray]:
    """Cheap frequent beauty buyers and dear occasional garden browsers."""
    rng = np.random.default_rng(0)
    half = n // 2
    shares = np.zeros((n, 3))
    shares[:half, 0] = 1.0
    shares[half:, 1] = 1.0
    figures = np.empty((n, 3))
    figures[:half] = [0.1, 60.0, 0.5]
    figures[half:] = [0.9, 3.0, 0.0]
    return shares, figures + rng.normal(0, 0.01, (n, 3))


def test_segments_are_chosen_by_silhouette_and_described() -> None:
    shares, figures = two_groups()

    model = SegmentModel(seed=0).fit(shares, figures, category_names=["Beauty", "Garden"])

    assert model.centers_ is not None and len(model.centers_) == 2
    assert sorted(model.descriptions_) == [
        "budget beauty buyers, frequent",
        "premium garden browsers, occasional",
    ]
    assert model.silhouette_ is not None and model.silhouette_ > 0.5


def test_assign_puts_a_vector_in_the_nearest_segment() -> None:
    shares, figures = two_groups()
    model = SegmentModel(seed=0).fit(shares, figures, category_names=["Beauty", "Garden"])

    labels = model.assign(model.vectors(shares, figures))

    descriptions = [model.descriptions_[label] for label in labels]
    assert set(descriptions[:100]) == {"budget beauty buyers, frequent"}


def test_too_few_shoppers_give_no_segments() -> None:
    model = SegmentModel().fit(np.zeros((2, 2)), np.ones((2, 3)), category_names=["A"])

    assert model.centers_ is None and model.descriptions_ == ()
    assert (model.assign(np.zeros((3, 5))) == -1).all()


def test_min_and_max_segments_are_checked() -> None:
    with pytest.raises(ValueError, match="min_segments and max_segments"):
        SegmentModel(min_segments=5, max_segments=3)


def test_every_profile_of_the_shop_has_a_described_segment(shop: HandMadeShop) -> None:
    builder = ProfileBuilder(max_segments=6).fit(shop.snapshot)

    descriptions = builder.segments_.descriptions_
    assert 2 <= len(descriptions) <= 6
    assert len(set(descriptions)) == len(descriptions)
    for profile in builder.build_all(shop.snapshot)[:50]:
        assert profile.segment is not None
        assert profile.segment.description == descriptions[profile.segment.segment_id]
        assert profile.segment.description in profile.describe()
