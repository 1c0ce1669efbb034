"""What a bulk import did, row counts and the first errors in full."""

from __future__ import annotations

from dataclasses import dataclass, field

from shopfront.errors import EventValidationError

MAX_REPORTED_ERRORS = 20


@dataclass
class ImportReport:
    """What a bulk import did.

    Attributes:
        kind: ``"events"`` or ``"items"``.
        read: Rows read from the file.
        imported: Rows newly stored.
        duplicates: Events already stored (same ``event_id``).
        rejected: Rows that broke a constraint.
        errors: The first rejected rows in full.
    """

    kind: str
    read: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    errors: list[EventValidationError] = field(default_factory=list)
