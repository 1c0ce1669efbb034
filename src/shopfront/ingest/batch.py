"""Ingest of event batches: validate each, store the good ones, report the rest."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from shopfront.errors import EventValidationError
from shopfront.ingest.validation import validate_event
from shopfront.store.records import Interaction
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

MAX_BATCH_SIZE = 10_000

IngestListener = Callable[[Sequence[Interaction]], None]


@dataclass(frozen=True, slots=True)
class IngestResult:
    """What happened to one batch.

    Attributes:
        accepted: Events newly stored (committed before this result exists).
        duplicates: Events whose ``event_id`` was already stored.
        errors: One field-level error per rejected event.
    """

    accepted: int
    duplicates: int
    errors: list[EventValidationError] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.errors)


class EventIngestor:
    """Validates and stores batches of events, then tells listeners.

    Args:
        store: Where events are committed.
        pseudonymize: Optional function applied to every ``user_id`` before it
            is stored (see :mod:`shopfront.privacy`).
        listeners: Called with the newly stored events after the commit (profile
            caches, attribution, retraining counters).
    """

    def __init__(
        self,
        store: Store,
        *,
        pseudonymize: Callable[[str], str] | None = None,
        listeners: Sequence[IngestListener] = (),
    ) -> None:
        self.store = store
        self.pseudonymize = pseudonymize
        self.listeners = list(listeners)

    def ingest(self, raw_events: Sequence[Mapping[str, Any]]) -> IngestResult:
        """Validate ``raw_events``, commit the valid ones, and report per event."""
        if len(raw_events) > MAX_BATCH_SIZE:
            raise ValueError(
                f"events must hold at most {MAX_BATCH_SIZE} events, got {len(raw_events)}"
            )
        now = time.time()
        valid: list[Interaction] = []
        errors: list[EventValidationError] = []
        for index, raw in enumerate(raw_events):
            try:
                valid.append(self._prepare(validate_event(raw, index, now=now)))
            except EventValidationError as error:
                errors.append(error)

        # Repeats inside one batch are duplicates too; the store dedupes across batches.
        unique = list({interaction.event_id: interaction for interaction in valid}.values())
        accepted = self.store.insert_interactions(unique)

        # Listeners are idempotent (keyed by event id), so hearing of a repeat is harmless.
        for listener in self.listeners:
            listener(unique)
        duplicates = len(valid) - accepted
        logger.info(
            "ingested batch accepted=%d duplicates=%d rejected=%d",
            accepted,
            duplicates,
            len(errors),
        )
        return IngestResult(accepted=accepted, duplicates=duplicates, errors=errors)

    def _prepare(self, interaction: Interaction) -> Interaction:
        if self.pseudonymize is None:
            return interaction
        return Interaction(
            event_id=interaction.event_id,
            user_id=self.pseudonymize(interaction.user_id),
            item_id=interaction.item_id,
            type=interaction.type,
            timestamp=interaction.timestamp,
            request_id=interaction.request_id,
            context=interaction.context,
        )
