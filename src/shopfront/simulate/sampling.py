"""Vectorized weighted draws of items within a group, among the items that exist at a time.

The simulator draws millions of items at once: "an item of sub-category s,
weighted by popularity, among those already released at time t". Sorting the
items by (group, release time) makes the candidates of every such draw one
contiguous slice, so a draw is two binary searches for the slice and one
inverse-CDF search inside it — no Python loop, whatever the number of draws.
"""

from __future__ import annotations

import numpy as np


class GroupedSampler:
    """Draws items of a group in proportion to a weight, optionally within a release window.

    Args:
        groups: int array, the group of each item (``0 <= group < n_groups``).
        created_at: float64 array, when each item was released (Unix seconds).
        weights: float array of positive sampling weights.
        n_groups: Number of groups.

    Example:
        >>> sampler = GroupedSampler(
        ...     np.array([0, 0, 1]), np.array([0.0, 50.0, 0.0]), np.ones(3), n_groups=2
        ... )
        >>> sampler.sample(np.array([0, 1]), np.array([0.9, 0.9]), until=np.array([10.0, 10.0]))
        array([0, 2])
    """

    def __init__(
        self, groups: np.ndarray, created_at: np.ndarray, weights: np.ndarray, *, n_groups: int
    ) -> None:
        created_at = np.asarray(created_at, dtype=np.float64)
        self._origin = float(created_at.min()) if len(created_at) else 0.0
        self._span = float(created_at.max()) - self._origin + 2.0 if len(created_at) else 2.0
        order = np.lexsort((created_at, groups))
        self._items = order

        # One sorted key per item: group first, then release time within the group.
        self._keys = groups[order] * self._span + (created_at[order] - self._origin)
        self._cum = np.concatenate([[0.0], np.cumsum(np.asarray(weights, np.float64)[order])])
        self._bounds = np.searchsorted(groups[order], np.arange(n_groups + 1))

    def slices(
        self, groups: np.ndarray, until: np.ndarray | None, since: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The sorted positions ``[low, high)`` of each group's items released in the window."""
        groups = np.asarray(groups, dtype=np.int64)
        low = self._bounds[groups]
        high = self._bounds[groups + 1]
        if since is not None:
            low = np.maximum(low, np.searchsorted(self._keys, self._key(groups, since), "left"))
        if until is not None:
            high = np.minimum(high, np.searchsorted(self._keys, self._key(groups, until), "right"))
        return low, np.maximum(high, low)

    def sample(
        self,
        groups: np.ndarray,
        uniforms: np.ndarray,
        *,
        until: np.ndarray | None = None,
        since: np.ndarray | None = None,
    ) -> np.ndarray:
        """One item per draw; -1 where the group has no item in the window.

        Args:
            groups: int array, the group of each draw.
            uniforms: float array in [0, 1), one uniform number per draw.
            until: Latest release time allowed per draw (inclusive); ``None`` for any.
            since: Earliest release time allowed per draw (inclusive); ``None`` for any.
        """
        low, high = self.slices(groups, until, since)
        start = self._cum[low]
        total = self._cum[high] - start

        # Inverse CDF inside each slice; clipping guards the rounding at its ends.
        position = np.searchsorted(self._cum, start + uniforms * total, "right") - 1
        position = np.clip(position, low, np.maximum(high - 1, low))
        drawn = self._items[np.minimum(position, len(self._items) - 1)]
        return np.where((high > low) & (total > 0), drawn, -1)

    def _key(self, groups: np.ndarray, times: np.ndarray) -> np.ndarray:
        """Sort keys of (group, time) pairs, the time clipped to stay inside its group."""
        offset = np.clip(np.asarray(times, np.float64) - self._origin, -0.5, self._span - 1.0)
        return groups * self._span + offset
