"""Keyed pseudonyms of user ids: HMAC-SHA256 under a secret key.

With a key configured, a shopper's id is replaced by its pseudonym before
anything is stored or logged, and every request that names a shopper (homepage,
profile, deletion) is translated the same way, so a shop keeps sending its own
ids while the database only ever holds pseudonyms. Without the key, a pseudonym
cannot be linked back to the shop's id, nor computed for a guessed id.

The mapping is deterministic: the same key gives the same pseudonym for the
same id across processes and restarts. Changing the key therefore orphans
every stored history; rotate it only together with a re-import.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable

from shopfront.config import Settings
from shopfront.errors import ValidationError

MIN_KEY_LENGTH = 16
PSEUDONYM_HEX_DIGITS = 32


class Pseudonymizer:
    """Turns a user id into its keyed pseudonym.

    The pseudonym is the first 128 bits of HMAC-SHA256(key, user_id) in hex:
    collisions are negligible for any shop, and 32 characters keep the events
    table and its user index small.

    Args:
        key: The secret key (at least 16 characters).

    Raises:
        ValidationError: The key is shorter than 16 characters.

    Example:
        >>> pseudonymize = Pseudonymizer("a key of sixteen chars")
        >>> pseudonym = pseudonymize("shopper-42")
        >>> len(pseudonym), pseudonym == pseudonymize("shopper-42")
        (32, True)
    """

    def __init__(self, key: str) -> None:
        if len(key) < MIN_KEY_LENGTH:
            raise ValidationError(
                f"pseudonymization_key must be at least {MIN_KEY_LENGTH} characters, got {len(key)}"
            )
        self._key = key.encode()

    def __call__(self, user_id: str) -> str:
        """The pseudonym of ``user_id``."""
        digest = hmac.new(self._key, user_id.encode(), hashlib.sha256).hexdigest()
        return digest[:PSEUDONYM_HEX_DIGITS]

    def __repr__(self) -> str:
        # Never show the key, not even in a traceback.
        return "Pseudonymizer(key=***)"

    def many(self, user_ids: Iterable[str]) -> list[str]:
        """Pseudonyms of many ids (each distinct id is hashed once), in order."""
        ids = list(user_ids)
        table = {user_id: self(user_id) for user_id in dict.fromkeys(ids)}
        return [table[user_id] for user_id in ids]


def pseudonymizer_from_settings(settings: Settings) -> Pseudonymizer | None:
    """The pseudonymizer of a deployment, or ``None`` when no key is configured."""
    key = settings.pseudonymization_key
    return Pseudonymizer(key) if key else None
