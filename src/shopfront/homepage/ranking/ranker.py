"""The ranker: one ordering of the merged candidates of all generators.

Two learners over the same features (:mod:`shopfront.homepage.ranking.features`):

- ``"lambdamart"``: gradient-boosted trees trained with the LambdaRank
  objective, which optimises NDCG directly per group (Burges, "From RankNet to
  LambdaRank to LambdaMART", MSR-TR-2010-82), through ``lightgbm.LGBMRanker``;
- ``"logistic"``: the simple pointwise baseline, scikit-learn's logistic
  regression on imputed, standardised features.

A group is one shopper's candidate pool with its labels (1 for the item they
went on to interact with, or clicked). Groups without a positive teach
LambdaRank nothing and are dropped.

Example:
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> groups = []
    >>> for _ in range(40):
    ...     features = rng.normal(size=(10, 3)).astype(np.float32)
    ...     labels = (features[:, 0] == features[:, 0].max()).astype(np.float32)
    ...     groups.append(RankingGroup(features, labels))
    >>> ranker = CandidateRanker(kind="logistic", generators=("a",)).fit(groups)
    >>> ranker.score(groups[0].features).shape
    (10,)
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from shopfront.errors import NotFittedError, ValidationError

logger = logging.getLogger(__name__)

RANKER_KINDS: tuple[str, ...] = ("lambdamart", "logistic")


@dataclass(frozen=True, slots=True)
class RankingGroup:
    """One shopper's candidates, featurized, with their labels.

    Attributes:
        features: float32 (C, F) candidate features.
        labels: float32 (C,) relevance, 1 for the positive, 0 otherwise.
    """

    features: np.ndarray
    labels: np.ndarray

    def __len__(self) -> int:
        return len(self.labels)


class CandidateRanker:
    """Orders candidates of several generators by learned relevance.

    Args:
        kind: ``"lambdamart"`` or ``"logistic"``.
        generators: Registry names of the generators whose scores are features,
            in feature order.
        pool_size: Items taken from each generator's ranking into the pool.
        n_estimators: Boosting rounds at most (LambdaMART).
        learning_rate: Shrinkage (LambdaMART).
        num_leaves: Leaves per tree (LambdaMART).
        min_child_samples: Smallest leaf (LambdaMART).
        early_stopping_rounds: Stop when validation NDCG@10 has not improved for
            this many rounds; 0 trains every round.
        validation_share: Share of groups held out for early stopping.
        regularization: Inverse L2 strength ``C`` (logistic).
        n_jobs: Threads for training (scoring always uses one). One by default:
            on two shared cores, LightGBM's OpenMP threads spin against other
            processes and two threads trained 7 times slower than one (issue #5).
        seed: Seed of the validation split and the learners.
    """

    def __init__(
        self,
        *,
        kind: str = "lambdamart",
        generators: Sequence[str] = ("popularity", "cooccurrence", "als"),
        pool_size: int = 50,
        n_estimators: int = 300,
        learning_rate: float = 0.05,
        num_leaves: int = 15,
        min_child_samples: int = 100,
        early_stopping_rounds: int = 30,
        validation_share: float = 0.1,
        regularization: float = 1.0,
        n_jobs: int = 1,
        seed: int = 0,
    ) -> None:
        if kind not in RANKER_KINDS:
            raise ValidationError(f"kind must be one of {RANKER_KINDS}, got {kind!r}")
        if pool_size < 1:
            raise ValidationError(f"pool_size must be >= 1, got {pool_size}")
        if not 0.0 <= validation_share < 1.0:
            raise ValidationError(f"validation_share must be in [0, 1), got {validation_share}")
        self.kind = kind
        self.generators = tuple(generators)
        self.pool_size = pool_size
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.num_leaves = num_leaves
        self.min_child_samples = min_child_samples
        self.early_stopping_rounds = early_stopping_rounds
        self.validation_share = validation_share
        self.regularization = regularization
        self.n_jobs = n_jobs
        self.seed = seed

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has run."""
        return hasattr(self, "model_")

    def fit(self, groups: Sequence[RankingGroup]) -> Self:
        """Learn from featurized groups.

        Raises:
            ValidationError: No group holds both a positive and a negative.
        """
        useful = [g for g in groups if 0 < g.labels.sum() < len(g)]
        if not useful:
            raise ValidationError(
                f"groups must include one with a positive and a negative, got {len(groups)} groups"
            )
        started = time.perf_counter()
        self.model_: Any = self._fit_lambdamart(useful) if self.kind == "lambdamart" else (
            self._fit_logistic(useful)
        )  # fmt: skip
        self.n_features_ = useful[0].features.shape[1]
        logger.info(
            "fit ranker kind=%s groups=%d rows=%d seconds=%.1f",
            self.kind, len(useful), sum(len(g) for g in useful), time.perf_counter() - started,
        )  # fmt: skip
        return self

    def score(self, features: np.ndarray) -> np.ndarray:
        """float32 (C,) relevance of each candidate row, higher is better.

        Raises:
            NotFittedError: :meth:`fit` has not run.
        """
        if not self.is_fitted:
            raise NotFittedError("CandidateRanker is not fitted; call fit(groups) first")
        if len(features) == 0:
            return np.zeros(0, dtype=np.float32)
        if self.kind == "lambdamart":
            scores = self.model_.predict(features, num_threads=1)
        else:
            scores = self.model_.decision_function(features)
        return np.asarray(scores, dtype=np.float32)

    def _split(self, groups: Sequence[RankingGroup]) -> tuple[list[int], list[int]]:
        """Indices of training and validation groups."""
        order = np.random.default_rng(self.seed).permutation(len(groups))
        n_valid = int(len(groups) * self.validation_share) if self.early_stopping_rounds else 0
        return sorted(order[n_valid:].tolist()), sorted(order[:n_valid].tolist())

    def _fit_lambdamart(self, groups: Sequence[RankingGroup]) -> Any:
        """A LightGBM LambdaRank booster."""
        import lightgbm

        train, valid = self._split(groups)
        model = lightgbm.LGBMRanker(
            objective="lambdarank",
            n_estimators=self.n_estimators,
            learning_rate=self.learning_rate,
            num_leaves=self.num_leaves,
            min_child_samples=self.min_child_samples,
            subsample=0.8,
            subsample_freq=1,
            colsample_bytree=0.8,
            n_jobs=self.n_jobs,
            random_state=self.seed,
            deterministic=True,
            force_row_wise=True,
            verbose=-1,
        )
        fit_options: dict[str, Any] = {"eval_at": [10]}
        if valid:
            valid_features, valid_labels, _ = _stack([groups[i] for i in valid])
            fit_options["eval_X"], fit_options["eval_y"] = valid_features, valid_labels
            fit_options["eval_group"] = [[len(groups[i]) for i in valid]]
            fit_options["callbacks"] = [
                lightgbm.early_stopping(self.early_stopping_rounds, verbose=False)
            ]
        features, labels, sizes = _stack([groups[i] for i in train])
        model.fit(features, labels, group=sizes, **fit_options)
        return model.booster_

    def _fit_logistic(self, groups: Sequence[RankingGroup]) -> Any:
        """An imputing, standardising logistic regression pipeline."""
        from sklearn.impute import SimpleImputer
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        features, labels, _ = _stack(groups)
        model = make_pipeline(
            SimpleImputer(strategy="median", keep_empty_features=True),
            StandardScaler(),
            LogisticRegression(C=self.regularization, max_iter=500, random_state=self.seed),
        )
        return model.fit(features, labels.astype(np.int64))


def _stack(groups: Sequence[RankingGroup]) -> tuple[np.ndarray, np.ndarray, list[int]]:
    """Groups as one feature matrix, one label vector and the group sizes."""
    features = np.concatenate([g.features for g in groups]).astype(np.float32)
    labels = np.concatenate([g.labels for g in groups]).astype(np.float32)
    return features, labels, [len(g) for g in groups]
