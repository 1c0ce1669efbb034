"""Domain errors of Shopfront.

Every error the library raises on purpose derives from :class:`ShopfrontError`::

    ShopfrontError
    ├── ValidationError (ValueError)        bad input at a boundary
    │   └── EventValidationError            one rejected event, with index/field/constraint/value
    ├── UnknownIdError (KeyError)           an external id the store or vocabulary does not know
    │   ├── UnknownUserError
    │   └── UnknownItemError
    ├── NotFittedError (RuntimeError)       a model used before ``fit``
    ├── BundleError (RuntimeError)          a model bundle is missing, corrupt or fails validation
    └── StoreUnavailableError (RuntimeError) the database cannot be reached

The API maps these to HTTP statuses in exception handlers, never in route bodies.
"""

from __future__ import annotations

from typing import Any


class ShopfrontError(Exception):
    """Base class of every error Shopfront raises on purpose."""


class ValidationError(ShopfrontError, ValueError):
    """Input at a boundary breaks a documented constraint."""


class EventValidationError(ValidationError):
    """One event of a batch was rejected.

    Args:
        index: Position of the event in its batch (0-based).
        field: Name of the offending field.
        constraint: The rule it breaks, in words.
        value: The value received.
    """

    def __init__(self, index: int, field: str, constraint: str, value: Any) -> None:
        self.index = index
        self.field = field
        self.constraint = constraint
        self.value = value
        super().__init__(f"event {index}: field {field!r} {constraint}, got {value!r}")

    def as_dict(self) -> dict[str, Any]:
        """The error as the JSON object the API returns."""
        value = (
            self.value
            if isinstance(self.value, (str, int, float, bool, type(None)))
            else repr(self.value)
        )
        return {
            "index": self.index,
            "field": self.field,
            "constraint": self.constraint,
            "value": value,
            "message": str(self),
        }


class UnknownIdError(ShopfrontError, KeyError):
    """An external id that is not known where it was looked up."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown id"


class UnknownUserError(UnknownIdError):
    """A user id that is not known (or was deleted)."""


class UnknownItemError(UnknownIdError):
    """An item id that is not in the catalog."""


class NotFittedError(ShopfrontError, RuntimeError):
    """A model was asked to score or recommend before ``fit`` was called."""


class BundleError(ShopfrontError, RuntimeError):
    """A model bundle is missing, corrupt, or failed validation."""


class StoreUnavailableError(ShopfrontError, RuntimeError):
    """The database cannot be reached right now."""
