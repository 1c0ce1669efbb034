"""The naive-Bayes interest model: P(category | behaviour) for one shopper.

A multinomial naive Bayes (McCallum & Nigam, "A comparison of event models for
naive Bayes text classification", AAAI-98 workshop) in which a shopper's history
is the document and the interest category is the class:

    P(y=c | X) = P(X | y=c) P(y=c) / sum_c' P(X | y=c') P(y=c')
    log P(X | y=c) = sum_e w_e sum_{f in item(e)} log P(f | c)

Each event ``e`` has a weight ``w_e`` (event type and time decay, see
:mod:`shopfront.prep.weighting`) and emits the tokens ``f`` of its item: the item
itself, its brand, its sub-categories or other attributes.

Learning. The snapshot has no labelled shoppers, so every interaction is read as
a labelled example: an event on an item of category ``c`` is evidence that a
shopper interested in ``c`` emits that item's tokens. Multi-category items split
their weight between their categories. ``P(f | c)`` has Laplace smoothing
(``alpha``) and is mixed with the corpus-wide token distribution
(``background_weight``, Jelinek-Mercer smoothing), because real shoppers have
several interests: without the mix, one event outside a small category costs it
far less than the same event costs a large category, and multi-interest shoppers
get ranked towards small categories. Everything is computed in log space.

For speed at request time, ``fit`` folds the tokens of each item into one row of
per-category log-likelihoods, so scoring a history is a gather and a dot product.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from shopfront.profiles.catalog import ItemTable


class NaiveBayesInterestModel:
    """Multinomial naive Bayes over weighted item tokens, classes = categories.

    Args:
        alpha: Laplace (additive) smoothing count per token and category; > 0.
        background_weight: Share of the corpus token distribution mixed into each
            category's distribution, in ``[0, 1)``; ``0`` is plain Laplace smoothing.
    """

    def __init__(self, *, alpha: float = 1.0, background_weight: float = 0.1) -> None:
        if not alpha > 0:
            raise ValueError(f"alpha must be > 0, got {alpha!r}")
        if not 0 <= background_weight < 1:
            raise ValueError(f"background_weight must be in [0, 1), got {background_weight!r}")
        self.alpha = alpha
        self.background_weight = background_weight

    def fit(self, table: ItemTable, item_mass: np.ndarray) -> NaiveBayesInterestModel:
        """Learn priors and token likelihoods from the weighted mass of each item.

        Args:
            table: Categories and tokens of the items.
            item_mass: float (n_items,) total weighted interaction strength per item.
        """
        labelled = sp.diags(np.asarray(item_mass, dtype=np.float64)) @ table.label_matrix()
        counts = np.asarray((table.features.T @ labelled).todense(), dtype=np.float64)
        category_mass = np.asarray(labelled.sum(axis=0), dtype=np.float64).ravel()

        # Prior and smoothed token likelihoods, both in log space.
        n_categories = table.n_categories
        self.log_prior_ = np.log(category_mass + self.alpha) - np.log(
            category_mass.sum() + self.alpha * n_categories
        )
        log_token = self._log_token_likelihood(counts)

        # Fold each item's tokens into one row of per-category log-likelihoods.
        self.item_loglik_ = np.asarray(table.features @ log_token, dtype=np.float32)
        log_marginal = _logsumexp(log_token + self.log_prior_, axis=1)
        self.item_logmarg_ = np.asarray(table.features @ log_marginal, dtype=np.float32)
        return self

    def _log_token_likelihood(self, counts: np.ndarray) -> np.ndarray:
        """log P(f | c) as float64 (n_tokens, n_categories), smoothed."""
        n_tokens = counts.shape[0]
        laplace = (counts + self.alpha) / (counts.sum(axis=0) + self.alpha * n_tokens)
        token_totals = counts.sum(axis=1)
        background = (token_totals + self.alpha) / (token_totals.sum() + self.alpha * n_tokens)
        share = self.background_weight
        return np.asarray(np.log((1 - share) * laplace + share * background[:, None]))

    def log_joint(self, item_indices: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """log P(X | c) + log P(c) for every category, float64 (n_categories,)."""
        evidence = weights.astype(np.float64) @ self.item_loglik_[item_indices]
        return np.asarray(self.log_prior_ + evidence)

    def posterior(self, item_indices: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """P(c | X) for every category, float64 (n_categories,), summing to 1.

        Args:
            item_indices: int (n,) items of the events.
            weights: float (n,) weight of each event.
        """
        log_joint = self.log_joint(item_indices, weights)
        if len(log_joint) == 0:
            return log_joint
        return np.asarray(np.exp(log_joint - _logsumexp(log_joint, axis=0)))

    def log_ratio(self, item_indices: np.ndarray, categories: np.ndarray) -> np.ndarray:
        """log P(tokens | c) - log P(tokens) per item and category, float64 (n, k).

        Positive values mean that an event on the item is evidence for the
        category; times the event weight, it is how much the event moved the
        log-odds of the category against the shop-wide mix.
        """
        own = self.item_loglik_[np.ix_(item_indices, categories)]
        return np.asarray(own - self.item_logmarg_[item_indices, None], dtype=np.float64)

    def contributions(
        self, item_indices: np.ndarray, weights: np.ndarray, category: int
    ) -> np.ndarray:
        """How much each event moved the log-odds towards ``category``, float64 (n,)."""
        ratio = self.log_ratio(item_indices, np.array([category]))[:, 0]
        return np.asarray(weights.astype(np.float64) * ratio)


def _logsumexp(values: np.ndarray, *, axis: int) -> np.ndarray:
    """log(sum(exp(values))) along ``axis``, without overflow (plain NumPy: fast on small input)."""
    peak = values.max(axis=axis, keepdims=True)
    peak = np.where(np.isfinite(peak), peak, 0.0)
    total = np.log(np.exp(values - peak).sum(axis=axis, keepdims=True)) + peak
    return np.asarray(np.squeeze(total, axis=axis))
