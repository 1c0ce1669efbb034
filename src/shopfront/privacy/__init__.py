"""Privacy: keyed pseudonyms of user ids, deletion of a shopper everywhere, retention.

- :class:`Pseudonymizer` replaces each user id by an HMAC-SHA256 pseudonym at
  ingest and in every request that names a shopper, when
  ``Settings.pseudonymization_key`` is set;
- :func:`erase_user` deletes a shopper's events, impressions and cached data;
- :func:`purge_expired` applies the retention window (``python -m shopfront.privacy purge``).

See ``docs/reliability.md`` for what is guaranteed and how it is tested.
"""

from shopfront.privacy.erasure import ErasureReport, UserDataCache, erase_user
from shopfront.privacy.pseudonymization import Pseudonymizer, pseudonymizer_from_settings
from shopfront.privacy.retention import RetentionReport, purge_expired, run_retention

__all__ = [
    "ErasureReport",
    "Pseudonymizer",
    "RetentionReport",
    "UserDataCache",
    "erase_user",
    "pseudonymizer_from_settings",
    "purge_expired",
    "run_retention",
]
