"""Build shopper profiles: learn the global parts once, compute one profile per request.

:class:`ProfileBuilder` splits the work in two, so that a profile reflects an
event as soon as the event is stored, without retraining:

- :meth:`ProfileBuilder.fit` learns what is shared by all shoppers from a
  snapshot: the naive-Bayes interest model, the price distribution of every
  category, and the KMeans segments;
- :meth:`ProfileBuilder.build` computes one shopper's profile from their
  history (item indices of the snapshot) in under a millisecond (measured in
  ``docs/profiles.md``), so the service builds a fresh profile at request time
  from the latest events.

:meth:`ProfileBuilder.build_all` is the batch rebuild of every shopper of a
snapshot, through the same code path as :meth:`build`.

Example:
    >>> import numpy as np
    >>> from shopfront.prep.builder import snapshot_from_sequences
    >>> from shopfront.store.records import Item
    >>> catalog = [Item("a", category="Beauty > Nails", price=5.0),
    ...            Item("b", category="Home > Kitchen", price=30.0)]
    >>> snapshot = snapshot_from_sequences(["u1", "u2"], [["a", "a"], ["b"]], catalog)
    >>> builder = ProfileBuilder().fit(snapshot)
    >>> profile = builder.build(snapshot.history(0), now=snapshot.reference_time)
    >>> profile.top_categories(1)
    ['Beauty']
"""

from __future__ import annotations

import logging
import math
import pickle
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Self

import numpy as np

from shopfront.errors import NotFittedError
from shopfront.prep.snapshot import History, Snapshot
from shopfront.prep.weighting import WeightingConfig, interaction_strength
from shopfront.profiles.activity import activity_of
from shopfront.profiles.catalog import ItemTable, item_table
from shopfront.profiles.events import WeightedEvents, weighted_events
from shopfront.profiles.interest import NaiveBayesInterestModel
from shopfront.profiles.price import PriceBands, band_of
from shopfront.profiles.profile import Evidence, Interest, Profile, Segment
from shopfront.profiles.segments import SegmentModel
from shopfront.store.records import InteractionType

logger = logging.getLogger(__name__)

Embedder = Callable[[History], np.ndarray | None]
"""A callable giving a shopper's embedding from their history (or ``None``)."""

_TYPE_LABELS: dict[int, str] = {int(t): t.label for t in InteractionType}

_PURCHASE = int(InteractionType.PURCHASE)  # a plain int compares much faster than the enum

# Items bringing less than this share of an interest are not worth showing as evidence.
_MIN_EVIDENCE_SHARE = 0.01


class ProfileBuilder:
    """Learns the shop-wide parts of profiles and builds one profile per shopper.

    Args:
        weighting: Event-type weights and time decay of interactions; defaults to
            :class:`~shopfront.prep.weighting.WeightingConfig`.
        category_key: ``None`` for the top level of item category paths, or an
            attribute key whose values are the categories (e.g. ``"attr"``).
        alpha: Laplace smoothing of the naive-Bayes model.
        n_interests: Most interests a profile lists.
        min_probability: An interest with no activity in its category is listed
            only when its probability is at least this.
        n_evidence: Most evidence items listed per interest.
        segment_categories: Largest categories given their own column in the
            segment vectors; the rest are pooled.
        min_segments: Smallest number of segments tried.
        max_segments: Largest number of segments tried.
        session_gap_minutes: Idle time that ends a session.
        embedder: The shopper's embedding from a sequential model: a callable on
            the history, or a float array (n_users, D) indexed by the history's
            ``user_index``. Not saved with the builder; pass it to :meth:`load`.
        seed: Seed of the segment clustering.
    """

    def __init__(
        self,
        *,
        weighting: WeightingConfig | None = None,
        category_key: str | None = None,
        alpha: float = 1.0,
        n_interests: int = 5,
        min_probability: float = 0.01,
        n_evidence: int = 3,
        segment_categories: int = 12,
        min_segments: int = 2,
        max_segments: int = 8,
        session_gap_minutes: float = 30.0,
        embedder: Embedder | np.ndarray | None = None,
        seed: int = 0,
    ) -> None:
        for name, value in (("n_interests", n_interests), ("n_evidence", n_evidence)):
            if value < 1:
                raise ValueError(f"{name} must be >= 1, got {value!r}")
        if session_gap_minutes <= 0:
            raise ValueError(f"session_gap_minutes must be > 0, got {session_gap_minutes!r}")
        self.weighting = weighting or WeightingConfig()
        self.category_key = category_key
        self.alpha = alpha
        self.n_interests = n_interests
        self.min_probability = min_probability
        self.n_evidence = n_evidence
        self.segment_categories = segment_categories
        self.min_segments = min_segments
        self.max_segments = max_segments
        self.session_gap_minutes = session_gap_minutes
        self.embedder = embedder
        self.seed = seed

    def fit(self, snapshot: Snapshot) -> Self:
        """Learn interest likelihoods, category price bands and segments from a snapshot."""
        started = time.perf_counter()
        table = item_table(snapshot, category_key=self.category_key)
        weights = interaction_strength(
            snapshot.seq_types,
            snapshot.seq_times,
            now=snapshot.reference_time,
            config=self.weighting,
        )
        item_mass = np.bincount(snapshot.seq_items, weights=weights, minlength=table.n_items)

        interest = NaiveBayesInterestModel(alpha=self.alpha)
        self.table_: ItemTable = table
        self.interest_ = interest.fit(table, item_mass)
        self.prices_ = PriceBands().fit(table)
        self._fit_segments(snapshot, item_mass)
        logger.info(
            "fit profile builder users=%d items=%d categories=%d segments=%d seconds=%.2f",
            snapshot.n_users, table.n_items, table.n_categories,
            len(self.segments_.descriptions_), time.perf_counter() - started,
        )  # fmt: skip
        return self

    def _fit_segments(self, snapshot: Snapshot, item_mass: np.ndarray) -> None:
        """Cluster the profile vectors of every shopper of the snapshot."""
        category_mass = self._category_weights(np.arange(self.table_.n_items), item_mass)
        largest = np.argsort(-category_mass, kind="stable")[: self.segment_categories]
        columns = np.full(self.table_.n_categories, len(largest), dtype=np.int64)
        columns[largest] = np.arange(len(largest))
        self.segment_columns_ = columns
        self.n_segment_columns_ = len(largest) + 1

        # The same figures that build() computes, for every shopper with events.
        shares = np.zeros((snapshot.n_users, self.n_segment_columns_))
        figures = np.zeros((snapshot.n_users, 3))
        active = np.zeros(snapshot.n_users, dtype=bool)
        for user in range(snapshot.n_users):
            events = self._events(snapshot.history(user), snapshot.reference_time)
            if events is not None:
                affinity = self._affinity(events)
                percentile = self._percentiles(events, np.zeros(0, dtype=np.int64))[0]
                shares[user], figures[user] = self._segment_inputs(events, affinity, percentile)
                active[user] = True
        self.segments_ = SegmentModel(
            min_segments=self.min_segments, max_segments=self.max_segments, seed=self.seed
        ).fit(
            shares[active],
            figures[active],
            category_names=[self.table_.categories[c] for c in largest],
        )

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has run."""
        return hasattr(self, "segments_")

    def build(
        self,
        history: History,
        *,
        now: float,
        user_id: str | None = None,
        embedding: np.ndarray | None = None,
    ) -> Profile:
        """The profile of one shopper at time ``now``.

        Events on items outside the fitted snapshot (index < 0 or past its
        items) are ignored; with no events left the profile is
        :meth:`Profile.empty`.

        Args:
            history: The shopper's events, oldest first, as item indices.
            now: Unix seconds the profile describes; decay ages count from it.
            user_id: External id to put in the profile.
            embedding: The shopper's embedding, overriding the builder's ``embedder``.

        Raises:
            NotFittedError: :meth:`fit` has not run.
            ValueError: ``now`` is not a finite number.
        """
        if not self.is_fitted:
            raise NotFittedError("ProfileBuilder is not fitted; call fit(snapshot) first")
        if not math.isfinite(now):
            raise ValueError(f"now must be a finite Unix time in seconds, got {now!r}")
        events = self._events(history, now)
        if events is None:
            return Profile.empty(user_id, built_at=now)

        # Interests first: their price bands share one pass with the overall band.
        affinity = self._affinity(events)
        probability = self.interest_.interest(events.unique, events.item_weights)
        chosen = self._chosen(probability, affinity)
        percentiles = self._percentiles(events, chosen)
        shares, figures = self._segment_inputs(events, affinity, percentiles[0])
        segment = int(self.segments_.assign(self.segments_.vectors(shares, figures))[0])

        prices = self.table_.item_prices[events.items].astype(np.float64)
        gap = self.session_gap_minutes * 60
        return Profile(
            user_id=user_id,
            built_at=now,
            interests=self._interests(events, chosen, probability, affinity, percentiles[1:]),
            category_affinity=_named_shares(affinity, self.table_.categories),
            brand_affinity=self._brand_affinity(events),
            price_band=band_of(percentiles[0]),
            price_percentile=percentiles[0],
            activity=activity_of(
                events.types, events.timestamps, prices, now=now, session_gap_s=gap
            ),
            segment=self._segment(segment),
            embedding=self._embedding(history, embedding),
        )

    def build_all(self, snapshot: Snapshot, *, now: float | None = None) -> list[Profile]:
        """Profiles of every shopper of ``snapshot``, in user index order.

        Args:
            snapshot: A snapshot over the same items as the one fitted.
            now: Time of the profiles; defaults to the snapshot's reference time.

        Raises:
            ValueError: The snapshot's items differ in number from the fitted ones.
        """
        if self.is_fitted and snapshot.n_items != self.table_.n_items:
            raise ValueError(
                f"snapshot.n_items must equal the fitted {self.table_.n_items} items, "
                f"got {snapshot.n_items}"
            )
        at = snapshot.reference_time if now is None else now
        users = snapshot.users
        return [
            self.build(snapshot.history(u), now=at, user_id=users.id(u))
            for u in range(snapshot.n_users)
        ]

    def _events(self, history: History, now: float) -> WeightedEvents | None:
        """The history's weighted events on items of the fitted snapshot."""
        return weighted_events(
            history, n_items=self.table_.n_items, now=now, weighting=self.weighting
        )

    def _affinity(self, events: WeightedEvents) -> np.ndarray:
        """Share of weighted activity per category, float64 (n_categories,), sums to 1 or 0."""
        affinity = self._category_weights(events.unique, events.item_weights)
        total = affinity.sum()
        return affinity / total if total > 0 else affinity

    def _category_weights(self, items: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """Total weight per category, float64 (n_categories,); each label gets the full weight."""
        n_categories = self.table_.n_categories
        if self.table_.item_categories.shape[1] == 1:  # one category per item: the common case
            labels = self.table_.item_categories[items, 0]
            known = labels >= 0
            return np.bincount(labels[known], weights=weights[known], minlength=n_categories)
        labels = self.table_.item_categories[items]
        mask = labels >= 0
        spread = np.broadcast_to(np.asarray(weights)[:, None], labels.shape)[mask]
        return np.bincount(labels[mask], weights=spread, minlength=n_categories)

    def _chosen(self, probability: np.ndarray, affinity: np.ndarray) -> np.ndarray:
        """Category indices of the interests to list, most probable first."""
        ranked = np.argsort(-probability, kind="stable")[: self.n_interests]
        keep = (affinity[ranked] > 0) | (probability[ranked] >= self.min_probability)
        return ranked[keep]

    def _percentiles(self, events: WeightedEvents, chosen: np.ndarray) -> list[float | None]:
        """Price percentile over all the shopper's items, then within each chosen category."""
        labels = self.table_.item_categories[events.unique]
        members = np.ones((len(events.unique), len(chosen) + 1), dtype=bool)
        members[:, 1:] = (labels[:, :, None] == chosen[None, None, :]).any(axis=1)
        return self.prices_.group_percentiles(events.unique, events.item_weights, members)

    def _segment_inputs(
        self, events: WeightedEvents, affinity: np.ndarray, percentile: float | None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Segment shares (1, S + 1) and behaviour figures (1, 3) of one shopper."""
        shares = np.bincount(
            self.segment_columns_, weights=affinity, minlength=self.n_segment_columns_
        )
        purchases = np.count_nonzero(events.types == _PURCHASE)
        n_events = len(events)
        figures = [math.nan if percentile is None else percentile, n_events, purchases / n_events]
        return shares[None, :], np.array([figures])

    def _brand_affinity(self, events: WeightedEvents) -> dict[str, float]:
        """Share of weighted activity per brand."""
        brands = self.table_.item_brands[events.unique]
        known = brands >= 0
        if not known.any():
            return {}
        totals = np.bincount(brands[known], weights=events.item_weights[known])
        return _named_shares(totals / totals.sum(), self.table_.brands)

    def _interests(
        self,
        events: WeightedEvents,
        chosen: np.ndarray,
        probability: np.ndarray,
        affinity: np.ndarray,
        percentiles: list[float | None],
    ) -> tuple[Interest, ...]:
        """The chosen categories, each with its evidence and price band."""
        if len(chosen) == 0:
            return ()
        posterior = self.interest_.item_posterior_[np.ix_(events.unique, chosen)]
        evidence = self._evidence(events, events.item_weights[:, None] * posterior)
        return tuple(
            Interest(
                category=self.table_.categories[c],
                probability=float(probability[c]),
                affinity=float(affinity[c]),
                price_band=band_of(percentiles[j]),
                evidence=evidence[j],
            )
            for j, c in enumerate(chosen.tolist())
        )

    def _evidence(self, events: WeightedEvents, support: np.ndarray) -> list[tuple[Evidence, ...]]:
        """For each interest, the items that make up most of its probability.

        Args:
            events: The shopper's events.
            support: float (U, k) each item's part of each interest: its event
                weights times its naive-Bayes posterior of the category.

        Returns:
            One tuple per interest, strongest item first.
        """
        strongest = np.zeros(len(events.unique), dtype=np.int64)
        np.maximum.at(strongest, events.inverse, events.types.astype(np.int64))
        latest = np.full(len(events.unique), -np.inf)
        np.maximum.at(latest, events.inverse, events.timestamps)

        shares = support / np.maximum(support.sum(axis=0), 1e-300)
        best = np.argsort(-shares, axis=0, kind="stable")[: self.n_evidence]

        # Describe each item once, in plain Python values, however many interests it backs.
        rows = sorted(set(best.ravel().tolist()))
        items = events.unique[rows].tolist()
        kinds = [_TYPE_LABELS.get(kind, "unknown") for kind in strongest[rows].tolist()]
        described = {
            row: (str(self.table_.item_ids[item]), str(self.table_.titles[item]), kind, when)
            for row, item, kind, when in zip(rows, items, kinds, latest[rows].tolist(), strict=True)
        }
        columns = np.take_along_axis(shares, best, axis=0).T.tolist()
        return [
            tuple(
                Evidence(*described[row], contribution=share)
                for row, share in zip(column_rows, column_shares, strict=True)
                if share >= _MIN_EVIDENCE_SHARE
            )
            for column_rows, column_shares in zip(best.T.tolist(), columns, strict=True)
        ]

    def _segment(self, segment: int) -> Segment | None:
        """The segment record of a segment index (``None`` without segments)."""
        if segment < 0:
            return None
        return Segment(segment_id=segment, description=self.segments_.descriptions_[segment])

    def _embedding(self, history: History, explicit: np.ndarray | None) -> np.ndarray | None:
        """The shopper's embedding: explicit, from the embedder, or ``None``."""
        if explicit is not None:
            return np.asarray(explicit, dtype=np.float32)
        source = self.embedder
        if source is None:
            return None
        if callable(source):
            vector = source(history)
            return None if vector is None else np.asarray(vector, dtype=np.float32)
        index = history.user_index
        if index is None or not 0 <= index < len(source):
            return None
        return np.asarray(source[index], dtype=np.float32)

    def __getstate__(self) -> dict[str, Any]:
        # The embedder belongs to another model and is attached again at load.
        state = self.__dict__.copy()
        state["embedder"] = None
        return state

    def save(self, path: Path) -> None:
        """Write the fitted builder to a file (pickle), without its embedder."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            pickle.dump(self, handle, protocol=pickle.HIGHEST_PROTOCOL)
        logger.info("saved profile builder path=%s", path)

    @classmethod
    def load(cls, path: Path, *, embedder: Embedder | np.ndarray | None = None) -> ProfileBuilder:
        """Read a builder written by :meth:`save`, attaching ``embedder`` if given.

        Raises:
            TypeError: The file holds something other than a ProfileBuilder.
        """
        with path.open("rb") as handle:
            builder = pickle.load(handle)  # a file this class wrote: trusted like any model file
        if not isinstance(builder, cls):
            raise TypeError(f"{path} must hold a {cls.__name__}, got {type(builder).__name__}")
        builder.embedder = embedder
        logger.info("loaded profile builder path=%s", path)
        return builder


def _named_shares(shares: np.ndarray, names: tuple[str, ...]) -> dict[str, float]:
    """Non-zero shares keyed by name."""
    present = np.flatnonzero(shares > 0)
    return dict(zip([names[i] for i in present.tolist()], shares[present].tolist(), strict=True))
