"""Shopper profiles: interests, affinities, price band, activity and segment.

:class:`ProfileBuilder` learns the shop-wide parts from a snapshot and builds a
:class:`Profile` per shopper at request time; see ``docs/profiles.md``.
"""

from shopfront.profiles.builder import Embedder, ProfileBuilder
from shopfront.profiles.interest import NaiveBayesInterestModel
from shopfront.profiles.profile import (
    PRICE_BANDS,
    Activity,
    Evidence,
    Interest,
    Profile,
    Segment,
)

__all__ = [
    "PRICE_BANDS",
    "Activity",
    "Embedder",
    "Evidence",
    "Interest",
    "NaiveBayesInterestModel",
    "Profile",
    "ProfileBuilder",
    "Segment",
]
