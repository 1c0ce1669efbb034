"""The composer: from a shopper's history to a whole homepage.

Per request the composer summarises the shopper (profile, affinities, cart,
purchases), drafts every section of the catalog that has something honest to
say (:mod:`shopfront.homepage.sections`), asks the section order policy which
sections to show and in what order, then finishes the rows top to bottom
(:mod:`shopfront.homepage.rows`): no product twice on a page, rules applied,
rows diversified and cut to the requested shape.

Everything that depends only on the bundle (catalog statistics, sorted lists,
co-purchases, repurchase intervals, user-independent score rows) is computed
once, when the composer is built; each generator is called at most once per
request and its row shared by every section.

Example:
    >>> composer = HomepageComposer(bundle)  # doctest: +SKIP
    >>> page = composer.compose("u1", history, page=PageConfig(n_items=8))  # doctest: +SKIP
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Sequence

import numpy as np
from threadpoolctl import ThreadpoolController

from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.context import PageResources, ShopperContext
from shopfront.homepage.page import Homepage, PageConfig, Section
from shopfront.homepage.policy import (
    EngagementOrderPolicy,
    OrderContext,
    SectionCandidate,
    SectionOrder,
    SectionOrderPolicy,
)
from shopfront.homepage.rows import finish_row
from shopfront.homepage.rules import PageRules
from shopfront.homepage.sections import SECTION_BUILDERS, SectionDraft
from shopfront.prep.snapshot import History

logger = logging.getLogger(__name__)

# Pages are composed one at a time in a process, whichever composer composes them.
# Composing is Python, NumPy and torch on the CPU; two threads composing at once
# under the GIL each took 1.5 times the CPU (four threads: 2.4 times) and finished
# no sooner, so a server's worker threads queue here instead.
_COMPOSING = threading.Lock()


class HomepageComposer:
    """Composes homepages from one model bundle.

    Args:
        bundle: The live model bundle.
        rules: The shop's business rules (requests may add their own).
        policy: Decides which sections appear and in what order; defaults to
            :class:`~shopfront.homepage.policy.EngagementOrderPolicy`.
        sections: Section kinds to draft, from ``SECTION_BUILDERS``; all by default.
        new_arrival_days: Items created this recently are *New for you* candidates.
        single_thread_blas: Run each request with one BLAS thread. A page is many
            small matrix products, for which BLAS threads only add synchronisation:
            one 12k × 64 product took 13 ms with two threads and 0.3 ms with one
            on two busy cores (issue #5). The limit is process-wide while a
            request runs.

    Raises:
        ValueError: ``sections`` names an unknown kind.
    """

    def __init__(
        self,
        bundle: ModelBundle,
        *,
        rules: PageRules | None = None,
        policy: SectionOrderPolicy | None = None,
        sections: Sequence[str] | None = None,
        new_arrival_days: float = 30.0,
        single_thread_blas: bool = True,
    ) -> None:
        kinds = list(SECTION_BUILDERS) if sections is None else list(sections)
        unknown = [k for k in kinds if k not in SECTION_BUILDERS]
        if unknown:
            raise ValueError(f"sections must be among {sorted(SECTION_BUILDERS)}, got {unknown}")
        started = time.perf_counter()
        self.bundle = bundle
        self.resources = PageResources(bundle, new_arrival_days=new_arrival_days)
        self.rules = rules or PageRules()
        self.policy: SectionOrderPolicy = policy or EngagementOrderPolicy()
        self.builders = {kind: SECTION_BUILDERS[kind] for kind in kinds}
        self._compiled = self.rules.compile(self.resources.stats)
        self._threads = ThreadpoolController() if single_thread_blas else None
        logger.info(
            "composer ready version=%s items=%d seconds=%.2f",
            bundle.version, self.resources.n_items, time.perf_counter() - started,
        )  # fmt: skip

    def compose(
        self,
        user_id: str,
        history: History,
        *,
        page: PageConfig | None = None,
        request_id: str | None = None,
        degraded: bool = False,
        rules: PageRules | None = None,
        now: float | None = None,
        in_stock: np.ndarray | None = None,
    ) -> Homepage:
        """The homepage of one shopper for one page view.

        Args:
            user_id: The shopper.
            history: Their events, oldest first (may be empty).
            page: The page's shape.
            request_id: Id of the page view; a new one by default.
            degraded: Mark the page as composed without the shopper's history.
            rules: Rules of this request, narrowing the composer's.
            now: Time of the request; defaults to the later of the snapshot's
                time and the shopper's latest event (the shop's own clock).
            in_stock: bool (n_items,) live stock of the bundle's items
                (:class:`~shopfront.homepage.stock.LiveStock`); the snapshot's when ``None``.
        """
        args = (user_id, history, page, request_id, degraded, rules, now, in_stock)
        with _COMPOSING:
            if self._threads is None:
                return self._compose(*args)
            with self._threads.limit(limits=1, user_api="blas"):
                return self._compose(*args)

    def _compose(
        self,
        user_id: str,
        history: History,
        page: PageConfig | None,
        request_id: str | None,
        degraded: bool,
        rules: PageRules | None,
        now: float | None,
        in_stock: np.ndarray | None,
    ) -> Homepage:
        """:meth:`compose` inside the thread limit."""
        page = page or PageConfig()
        request_id = request_id or uuid.uuid4().hex
        compiled = self._compiled
        if rules is not None or in_stock is not None:
            compiled = self.rules.merged(rules).compile(self.resources.stats, in_stock=in_stock)
        context = ShopperContext.build(user_id, history, self.resources, compiled, now=now)

        drafts = self._drafts(context, page.n_items)
        ordering = self._order(drafts, context, request_id, page)
        sections = self._rows(drafts, ordering, context, page)
        logger.debug(
            "composed page user_id=%s drafts=%d sections=%s",
            user_id, len(drafts), ",".join(s.id for s in sections),
        )  # fmt: skip
        return Homepage(
            request_id=request_id,
            user_id=user_id,
            model_version=self.bundle.version,
            degraded=degraded,
            sections=sections,
            ordering=ordering,
        )

    def _order(
        self,
        drafts: list[SectionDraft],
        context: ShopperContext,
        request_id: str,
        page: PageConfig,
    ) -> SectionOrder:
        """The policy's order of the drafted sections."""
        candidates = [
            SectionCandidate(d.id, d.kind, d.engagement, len(d.item_indices)) for d in drafts
        ]
        return self.policy.order(
            candidates,
            OrderContext(
                user_id=context.user_id,
                request_id=request_id,
                n_events=context.shopper.n_events,
                n_session_events=context.shopper.n_session_events,
                n_slots=page.n_sections,
                profile=context.profile,
            ),
        )

    def _drafts(self, context: ShopperContext, n: int) -> list[SectionDraft]:
        """Every draft the section builders propose for this shopper."""
        return [draft for builder in self.builders.values() for draft in builder(context, n)]

    def _rows(
        self,
        drafts: list[SectionDraft],
        ordering: SectionOrder,
        context: ShopperContext,
        page: PageConfig,
    ) -> list[Section]:
        """Finish the drafts in the policy's order until the page is full."""
        by_id = {draft.id: draft for draft in drafts}
        placed = np.zeros(self.resources.n_items, dtype=bool)
        sections: list[Section] = []
        for section_id in ordering.section_ids:
            draft = by_id.get(section_id)
            if draft is None:
                continue
            pins = context.rules.pins if not sections else context.rules.pins[:0]
            section = finish_row(draft, context, placed, page, pins)
            if section is not None:
                sections.append(section)
            if len(sections) == page.n_sections:
                break
        return sections
