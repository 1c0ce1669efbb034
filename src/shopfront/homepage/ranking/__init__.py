"""The ranker: merges the candidates of all generators into one ordering.

Modules: ``features`` (candidate pool and features), ``ranker`` (LambdaMART and
the logistic baseline), ``training`` (held-out and logged training groups) and
``evaluation`` (the ranker against each generator alone).
"""

from shopfront.homepage.ranking.features import feature_names, featurize
from shopfront.homepage.ranking.ranker import RANKER_KINDS, CandidateRanker, RankingGroup
from shopfront.homepage.ranking.training import (
    RANKER_GENERATORS,
    LoggedGroup,
    bundle_ranker,
    train_ranker,
)

__all__ = [
    "RANKER_GENERATORS",
    "RANKER_KINDS",
    "CandidateRanker",
    "LoggedGroup",
    "RankingGroup",
    "bundle_ranker",
    "feature_names",
    "featurize",
    "train_ranker",
]
