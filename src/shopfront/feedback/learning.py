"""Learning the section order bandit from the log, incrementally.

A page view's outcome is final once the attribution window has passed: no
later event can be attributed to it any more. :class:`BanditLearner` keeps the
observations of final page views, so each refit reads from the store only the
page views of the last window (plus those served since the previous refit),
not the whole lookback period.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from shopfront.feedback.bandit import SectionObservation, ThompsonOrderPolicy
from shopfront.feedback.logs import logged_page_batches, section_observations

logger = logging.getLogger(__name__)


class BanditLearner:
    """Refits a bandit from the page views of a sliding lookback window.

    Args:
        bandit: The policy to refit.
        engine: The store's engine.
        window_s: Attribution window (seconds).
        lookback_s: Page views older than this are forgotten (seconds).
    """

    def __init__(
        self, bandit: ThompsonOrderPolicy, engine: Engine, *, window_s: float, lookback_s: float
    ) -> None:
        self.bandit = bandit
        self.engine = engine
        self.window_s = window_s
        self.lookback_s = lookback_s
        self._final: list[tuple[float, SectionObservation]] = []
        self._final_until: float | None = None

    def refit(self, now: float) -> int:
        """Refit the bandit on the lookback window ending at ``now``; returns page views read."""
        since = now - self.lookback_s
        self._final = [(at, row) for at, row in self._final if at >= since]
        start = since if self._final_until is None else max(since, self._final_until)
        batches = logged_page_batches(self.engine, since=start, until=now, window_s=self.window_s)

        # Page views older than the window are final: keep their observations for good.
        final_cut = now - self.window_s
        fresh: list[SectionObservation] = []
        n_pages = 0
        for pages in batches:
            n_pages += len(pages)
            for page in pages:
                rows = section_observations([page])
                if page.served_at < final_cut:
                    self._final.extend((page.served_at, row) for row in rows)
                else:
                    fresh.extend(rows)
        self._final_until = max(start, final_cut)
        self.bandit.fit([row for _, row in self._final] + fresh)
        logger.debug("refit bandit pages_read=%d kept=%d", n_pages, len(self._final))
        return n_pages
