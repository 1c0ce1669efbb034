"""The retention window: events, impressions, page views and old bundles are purged.

Run :func:`run_retention` on a schedule (cron, a systemd timer, a Kubernetes
CronJob)::

    python -m shopfront.privacy purge --db sqlite:///shop.db --days 365

or with ``SHOPFRONT_RETENTION_DAYS`` and ``SHOPFRONT_DB_URL`` set, without
options. Age is measured from each event's own timestamp and from each
impression's serving time. Retired and rejected model bundles created before
the window are deleted, folder and record; the live bundle, and bundles younger
than the window, still hold what they learned from purged events until they are
replaced and age out in turn.
"""

from __future__ import annotations

import logging
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from shopfront.config import Settings
from shopfront.errors import ValidationError
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

SECONDS_PER_DAY = 86_400.0
PRUNABLE_BUNDLE_STATUSES = frozenset({"retired", "rejected"})


@dataclass(frozen=True, slots=True)
class RetentionReport:
    """What one purge removed.

    Attributes:
        cutoff: Unix seconds; everything older was purged.
        events: Events deleted.
        impressions: Impressions deleted.
        page_views: Served-page records deleted.
        users: User rows deleted (shoppers left without events, expired tombstones).
        bundles: Retired or rejected model bundles deleted.
    """

    cutoff: float
    events: int
    impressions: int
    page_views: int
    users: int
    bundles: int = 0


def purge_expired(
    store: Store, *, retention_days: float, now: float | None = None
) -> RetentionReport:
    """Delete everything older than ``retention_days`` before ``now``.

    Args:
        store: The shop's store.
        retention_days: Length of the retention window in days (> 0).
        now: Unix seconds of "now" (the current time by default).

    Raises:
        ValidationError: ``retention_days`` is not positive.

    Example:
        >>> purge_expired(Store("sqlite://"), retention_days=30).events
        0
    """
    if not retention_days > 0:
        raise ValidationError(f"retention_days must be > 0, got {retention_days!r}")
    now = time.time() if now is None else now
    cutoff = now - retention_days * SECONDS_PER_DAY
    counts = store.purge_before(cutoff)
    bundles = prune_bundles(store, cutoff)
    logger.info(
        "purged expired data days=%s events=%d impressions=%d page_views=%d users=%d bundles=%d",
        retention_days, counts["events"], counts["impressions"], counts["page_views"],
        counts["users"], bundles,
    )  # fmt: skip
    return RetentionReport(cutoff=cutoff, bundles=bundles, **counts)


def prune_bundles(store: Store, cutoff: float) -> int:
    """Delete retired and rejected bundles created before ``cutoff``; how many went.

    Their snapshots hold shoppers' histories as of their training, so they must
    not outlive the window. The live bundle and fresh candidates are never touched.
    """
    expired = [
        bundle
        for bundle in store.bundles()
        if bundle["status"] in PRUNABLE_BUNDLE_STATUSES and bundle["created_at"] < cutoff
    ]
    for bundle in expired:
        shutil.rmtree(Path(bundle["path"]), ignore_errors=True)
        store.delete_bundle(bundle["version"])
    return len(expired)


def run_retention(settings: Settings, *, retention_days: float | None = None) -> RetentionReport:
    """The retention job of a deployment: purge ``settings.db_url`` by its window.

    Args:
        settings: Deployment settings (``db_url``, ``retention_days``).
        retention_days: Overrides ``settings.retention_days``.

    Raises:
        ValidationError: No retention window is given nor configured.
    """
    days = retention_days if retention_days is not None else settings.retention_days
    if days is None:
        raise ValidationError(
            "retention_days must be set (SHOPFRONT_RETENTION_DAYS or --days), got None"
        )
    store = Store(settings.db_url)
    try:
        return purge_expired(store, retention_days=days)
    finally:
        store.close()
