"""Field-level validation of single events."""

from __future__ import annotations

import pytest

from shopfront.errors import EventValidationError
from shopfront.ingest.validation import validate_event
from shopfront.store.records import InteractionType

NOW = 1.8e9
GOOD = {
    "event_id": "e1",
    "user_id": "u1",
    "item_id": "i1",
    "type": "add_to_cart",
    "timestamp": 1.7e9,
}


def test_a_good_event_is_read_with_its_type_and_time() -> None:
    event = validate_event(GOOD, 0, now=NOW)
    assert event.type is InteractionType.ADD_TO_CART and event.timestamp == 1.7e9


def test_milliseconds_and_iso_times_are_understood() -> None:
    millis = validate_event({**GOOD, "timestamp": 1.7e12}, 0, now=NOW)
    iso = validate_event({**GOOD, "timestamp": "2023-11-14T22:13:20Z"}, 0, now=NOW)
    assert millis.timestamp == 1.7e9 and iso.timestamp == 1.7e9


def test_an_event_without_id_gets_a_stable_one() -> None:
    raw = {k: v for k, v in GOOD.items() if k != "event_id"}
    assert validate_event(raw, 0, now=NOW).event_id == validate_event(raw, 3, now=NOW).event_id


@pytest.mark.parametrize(
    ("field", "value", "constraint"),
    [
        ("user_id", "", "non-empty"),
        ("user_id", None, "non-empty"),
        ("item_id", ["x"], "non-empty"),
        ("type", "teleport", "one of view, click, add_to_cart, purchase"),
        ("timestamp", "tomorrow", "ISO 8601"),
        ("timestamp", 5, "after 2000-01-01"),
        ("timestamp", 2.5e9, "ahead"),
        ("timestamp", "2023-11-14T22:13:20", "time zone"),
        ("context", "text", "JSON object"),
    ],
)
def test_each_bad_field_is_named_with_constraint_and_value(
    field: str, value: object, constraint: str
) -> None:
    with pytest.raises(EventValidationError) as caught:
        validate_event({**GOOD, field: value}, 7, now=NOW)
    error = caught.value
    assert (error.index, error.field, error.value) == (7, field, value)
    assert constraint in error.constraint
    assert field in str(error) and "event 7" in str(error)
