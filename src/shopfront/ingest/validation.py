"""Validation of incoming events and items, field by field.

Each rejected event gets an :class:`~shopfront.errors.EventValidationError`
naming its position in the batch, the field, the constraint and the value, so a
shop's engineers can fix the sender without guessing. Validation never stops at
the first bad event: the good ones of the same batch still land.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from shopfront.errors import EventValidationError
from shopfront.store.records import INTERACTION_LABELS, Interaction, InteractionType

MAX_ID_LENGTH = 256
EARLIEST_TIMESTAMP = 946_684_800.0  # 2000-01-01: older events are surely a unit mistake.
MAX_CLOCK_SKEW_S = 86_400.0


def validate_event(raw: Mapping[str, Any], index: int, *, now: float | None = None) -> Interaction:
    """One raw event as an :class:`Interaction`.

    A missing ``event_id`` is derived from the event's content, so that a retry
    of the same event is still recognised as a duplicate.

    Raises:
        EventValidationError: The first field that breaks its constraint.
    """
    if not isinstance(raw, Mapping):
        raise EventValidationError(index, "event", "must be a JSON object", raw)
    user_id = _identifier(raw, "user_id", index)
    item_id = _identifier(raw, "item_id", index)
    interaction_type = _interaction_type(raw.get("type"), index)
    timestamp = parse_timestamp(raw.get("timestamp"), index, now=now)
    context = raw.get("context") or {}
    if not isinstance(context, Mapping):
        raise EventValidationError(index, "context", "must be a JSON object", context)
    request_id = raw.get("request_id") or context.get("request_id")
    if request_id is not None and not isinstance(request_id, str):
        raise EventValidationError(index, "request_id", "must be a string", request_id)
    event_id = raw.get("event_id")
    if event_id is None:
        event_id = derive_event_id(user_id, item_id, int(interaction_type), timestamp)
    else:
        event_id = _identifier(raw, "event_id", index)
    return Interaction(
        event_id=event_id,
        user_id=user_id,
        item_id=item_id,
        type=interaction_type,
        timestamp=timestamp,
        request_id=request_id,
        context=dict(context),
    )


def derive_event_id(user_id: str, item_id: str, type_value: int, timestamp: float) -> str:
    """A stable id for an event sent without one."""
    key = f"{user_id}\x1f{item_id}\x1f{type_value}\x1f{timestamp:.6f}".encode()
    return "h-" + hashlib.blake2b(key, digest_size=12).hexdigest()


def _identifier(raw: Mapping[str, Any], field: str, index: int) -> str:
    value = raw.get(field)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise EventValidationError(index, field, "must be a non-empty string", value)
    text = str(value).strip()
    if not text:
        raise EventValidationError(index, field, "must be a non-empty string", value)
    if len(text) > MAX_ID_LENGTH:
        raise EventValidationError(
            index, field, f"must be at most {MAX_ID_LENGTH} characters", text[:40] + "…"
        )
    return text


def _interaction_type(value: Any, index: int) -> InteractionType:
    try:
        if isinstance(value, bool) or value is None:
            raise ValueError
        return InteractionType.parse(value)
    except ValueError:
        allowed = ", ".join(INTERACTION_LABELS)
        raise EventValidationError(index, "type", f"must be one of {allowed}", value) from None


def parse_timestamp(value: Any, index: int, *, now: float | None = None) -> float:
    """Unix seconds from seconds, milliseconds or an ISO 8601 string.

    Raises:
        EventValidationError: Not a time, or outside [2000-01-01, now + 1 day].
    """
    now = time.time() if now is None else now
    seconds: float
    if isinstance(value, bool) or value is None:
        raise EventValidationError(index, "timestamp", "must be Unix seconds or ISO 8601", value)
    if isinstance(value, (int, float)):
        seconds = float(value)
        if seconds > 1e11:  # milliseconds, as many trackers send
            seconds /= 1000.0
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise EventValidationError(
                index, "timestamp", "must be Unix seconds or ISO 8601", value
            ) from None
        if parsed.tzinfo is None:
            raise EventValidationError(index, "timestamp", "must carry a time zone", value)
        seconds = parsed.timestamp()
    else:
        raise EventValidationError(index, "timestamp", "must be Unix seconds or ISO 8601", value)
    if not math.isfinite(seconds) or seconds < EARLIEST_TIMESTAMP:
        raise EventValidationError(index, "timestamp", "must be after 2000-01-01", value)
    if seconds > now + MAX_CLOCK_SKEW_S:
        raise EventValidationError(index, "timestamp", "must not be more than a day ahead", value)
    return seconds
