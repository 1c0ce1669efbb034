"""Top-3 interests against the hidden tastes of the hand-made shop (issue #4)."""

from __future__ import annotations

import numpy as np

from shopfront.profiles import ProfileBuilder
from tests.profiles.conftest import HandMadeShop


def test_top3_categories_recover_hidden_tastes(shop: HandMadeShop) -> None:
    builder = ProfileBuilder().fit(shop.snapshot)
    profiles = builder.build_all(shop.snapshot)

    precision = [
        len(set(profile.top_categories(3)) & set(shop.tastes[user])) / 3
        for user, profile in enumerate(profiles)
        if profile.activity.n_events >= 20
    ]

    assert len(precision) >= 100
    assert np.mean(precision) >= 0.9


def test_posterior_of_every_profile_is_a_distribution(shop: HandMadeShop) -> None:
    builder = ProfileBuilder().fit(shop.snapshot)

    for user in range(0, shop.snapshot.n_users, 25):
        history = shop.snapshot.history(user)
        weights = np.ones(len(history), dtype=np.float32)
        posterior = builder.interest_.posterior(history.item_indices, weights)
        assert abs(posterior.sum() - 1.0) < 1e-9
        assert (posterior >= 0).all()
