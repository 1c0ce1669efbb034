"""Exact probabilities of orders drawn by Thompson sampling over Beta posteriors.

Thompson sampling orders ``S`` sections by one draw ``θ_s ~ Beta(α_s, β_s)``
each, highest first. Off-policy evaluation needs the probability of the order
that was shown, and of each section at each position. Both are integrals over
the independent posteriors, computed here by quadrature on a grid that is
dense where the posteriors have their mass:

- the probability that the top ``k`` sections come out as ``σ_1, …, σ_k`` is
  ``h_1(1)`` with ``h_{k+1}(x) = Π_{j ∉ σ} F_j(x)`` (every other section below
  ``x``) and ``h_i(x) = ∫_0^x h_{i+1}(t) dF_{σ_i}(t)``;
- the probability that section ``s`` lands at rank ``r`` is
  ``∫ P(exactly r others above x) dF_s(x)``, the inner term a Poisson-binomial
  distribution computed by dynamic programming on the grid.

The integrals use CDF increments per cell (the regularized incomplete beta
function), so a narrow posterior never falls between grid points. Errors are
below 1e-3 in the tests against Monte Carlo frequencies.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.special import betainc

GRID_POINTS_PER_POSTERIOR = 64
UNIFORM_GRID_POINTS = 257
GRID_HALF_WIDTH = 9.0  # in posterior standard deviations


class ThompsonOrderModel:
    """The order distribution of Thompson sampling over fixed Beta posteriors.

    The grid and every CDF on it are computed once, so that many orders can be
    scored cheaply (the bandit keeps one model per set of candidates).

    Args:
        alphas: float64 (S,) first Beta parameter of each section's posterior.
        betas: float64 (S,) second Beta parameter.

    Raises:
        ValueError: The parameters are not positive 1-d arrays of one length.
    """

    def __init__(self, alphas: np.ndarray, betas: np.ndarray) -> None:
        self.grid, self.cdf = _grid_and_cdfs(alphas, betas)
        self.mass = np.diff(self.cdf, axis=1)
        self._orders: dict[tuple[int, ...], float] = {}

    @property
    def n_sections(self) -> int:
        """Number of sections (S)."""
        return int(self.cdf.shape[0])

    def order_probability(self, shown: Sequence[int]) -> float:
        """Probability that the sections ``shown`` (indices) come out on top, in that order."""
        key = tuple(int(i) for i in shown)
        cached = self._orders.get(key)
        if cached is not None:
            return cached
        rest = [i for i in range(self.n_sections) if i not in set(key)]
        below = np.prod(self.cdf[rest], axis=0) if rest else np.ones(len(self.grid))
        for section in reversed(key):
            below = _integrate_below(below, self.mass[section])
        probability = float(np.clip(below[-1], 0.0, 1.0))
        self._orders[key] = probability
        return probability

    def rank_probabilities(self, n_ranks: int) -> np.ndarray:
        """float64 (S, n_ranks): P(section ``s`` at 0-based rank ``r``) for the top ranks."""
        ranks = min(n_ranks, self.n_sections)
        mass = self.mass
        result = np.zeros((self.n_sections, n_ranks))
        for section in range(self.n_sections):
            above = _count_above(np.delete(self.cdf, section, axis=0), ranks)
            # Midpoint value of P(exactly r others above x) in each cell, times the cell's mass.
            middle = 0.5 * (above[:, 1:] + above[:, :-1])
            result[section, :ranks] = middle @ mass[section]
        return np.clip(result, 0.0, 1.0)


def thompson_order_probability(
    alphas: np.ndarray, betas: np.ndarray, shown: Sequence[int]
) -> float:
    """Probability that Thompson sampling puts the sections ``shown`` on top, in that order.

    Args:
        alphas: float64 (S,) first Beta parameter of each section's posterior.
        betas: float64 (S,) second Beta parameter.
        shown: Indices of the sections shown, top first (a prefix of the full order).

    Example:
        >>> a, b = np.array([1.0, 1.0, 1.0]), np.array([1.0, 1.0, 1.0])
        >>> round(thompson_order_probability(a, b, [2, 0, 1]), 4)
        0.1667
    """
    return ThompsonOrderModel(alphas, betas).order_probability(shown)


def thompson_rank_probabilities(alphas: np.ndarray, betas: np.ndarray, n_ranks: int) -> np.ndarray:
    """Probability of each section at each of the top ``n_ranks`` ranks.

    Returns:
        float64 (S, n_ranks): row ``s``, column ``r`` is P(section ``s`` at 0-based rank ``r``).

    Example:
        >>> a, b = np.array([1.0, 1.0]), np.array([1.0, 1.0])
        >>> thompson_rank_probabilities(a, b, 2).round(3).tolist()
        [[0.5, 0.5], [0.5, 0.5]]
    """
    return ThompsonOrderModel(alphas, betas).rank_probabilities(n_ranks)


def _grid_and_cdfs(alphas: np.ndarray, betas: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Grid points on [0, 1], dense around each posterior, and every CDF on them.

    Returns:
        grid float64 (G,) and cdf float64 (S, G).
    """
    a = np.asarray(alphas, dtype=np.float64)
    b = np.asarray(betas, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1 or (a <= 0).any() or (b <= 0).any():
        raise ValueError("alphas and betas must be positive 1-d arrays of one length")
    mean = a / (a + b)
    std = np.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))
    offsets = np.linspace(-GRID_HALF_WIDTH, GRID_HALF_WIDTH, GRID_POINTS_PER_POSTERIOR)
    around = (mean[:, None] + std[:, None] * offsets[None, :]).ravel()
    uniform = np.linspace(0.0, 1.0, UNIFORM_GRID_POINTS)
    grid = np.unique(np.clip(np.concatenate([around, uniform]), 0.0, 1.0))
    return grid, betainc(a[:, None], b[:, None], grid[None, :])


def _integrate_below(below: np.ndarray, mass: np.ndarray) -> np.ndarray:
    """``x ↦ ∫_0^x below(t) dF(t)`` on the grid, ``mass`` being F's increment per cell."""
    cells = 0.5 * (below[1:] + below[:-1]) * mass
    result = np.empty(len(below))
    result[0] = 0.0
    np.cumsum(cells, out=result[1:])
    return result


def _count_above(cdf: np.ndarray, n_counts: int) -> np.ndarray:
    """P(exactly c of the sections with these CDFs lie above x), for c < ``n_counts``.

    Returns:
        float64 (n_counts, G).
    """
    counts = np.zeros((n_counts, cdf.shape[1]))
    counts[0] = 1.0
    for section_cdf in cdf:
        above = 1.0 - section_cdf
        shifted = np.vstack([np.zeros((1, cdf.shape[1])), counts[:-1]])
        counts = counts * section_cdf + shifted * above
    return counts
