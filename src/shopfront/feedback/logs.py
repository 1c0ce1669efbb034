"""The page-view log read back for learning: what each policy chose and what it earned.

Joins the ``page_views`` table (candidates, chosen order, propensities) with
the attributed impressions (clicks per row), for the bandit's updates and for
off-policy evaluation.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from shopfront.feedback.attribution import DEFAULT_WINDOW_S, AttributedImpressions, attribute
from shopfront.feedback.bandit import SectionObservation
from shopfront.feedback.tables import page_views
from shopfront.homepage.policy import SectionCandidate


@dataclass(frozen=True, slots=True)
class LoggedPage:
    """One logged page view.

    Attributes:
        request_id: The page view.
        served_at: When the page was served (Unix seconds).
        user_id: The shopper (from the impressions; ``None`` when they were deleted).
        segment: The shopper's segment.
        candidates: The sections the policy was offered, in drafted order.
        keys: The bandit key of each candidate.
        shown: Indices into ``candidates`` of the order chosen, top first.
        propensity: Probability that the logging policy chose ``shown``.
        position_propensities: Per slot, probability of its section there.
        n_events: Events in the shopper's history.
        n_slots: Sections the page could show.
        slot_clicks: Clicks on the products of each section of ``shown``.
        slot_rows: 0-based row where each section of ``shown`` was displayed
            (-1 when the composer dropped it, e.g. too few products left).
        slot_items: Products displayed in each section of ``shown``.
        arm: Experiment arm of the page (``None`` outside experiments).
        policy: Name of the logging policy.
    """

    request_id: str
    served_at: float
    user_id: str | None
    segment: str
    candidates: tuple[SectionCandidate, ...]
    keys: tuple[str, ...]
    shown: tuple[int, ...]
    propensity: float
    position_propensities: tuple[float, ...]
    n_events: int
    n_slots: int
    slot_clicks: tuple[int, ...]
    slot_rows: tuple[int, ...]
    slot_items: tuple[int, ...]
    arm: str | None
    policy: str

    @property
    def reward(self) -> float:
        """Clicks on the page."""
        return float(sum(self.slot_clicks))


def logged_pages(
    engine: Engine,
    *,
    since: float | None = None,
    until: float | None = None,
    window_s: float = DEFAULT_WINDOW_S,
    arm: str | None = None,
    policy: str | None = None,
    attributed: AttributedImpressions | None = None,
) -> list[LoggedPage]:
    """Page views served in ``[since, until)`` with their clicks per shown section.

    Pages logged without the policy's candidates (no decision recorded) are left out.

    Args:
        engine: The store's engine.
        since: First serving time included (Unix seconds).
        until: Serving times before this are included.
        window_s: Attribution window of the clicks.
        arm: Keep only pages of this experiment arm.
        policy: Keep only pages ordered by this policy.
        attributed: Impressions already attributed over at least the same range
            (saves attributing them again).
    """
    frame = attributed or attribute(engine, since=since, until=until, window_s=window_s)
    clicks: dict[tuple[str, str], int] = {}
    columns = (frame.request_ids.tolist(), frame.section_ids.tolist(), (frame.clicks > 0).tolist())
    for request_id, section_id, clicked in zip(*columns, strict=True):
        key = (request_id, section_id)
        clicks[key] = clicks.get(key, 0) + int(clicked)
    users = dict(zip(frame.request_ids.tolist(), frame.user_ids.tolist(), strict=True))
    rows = _read_page_views(engine, since, until, arm=arm, policy=policy)
    pages = [_logged_page(row, clicks, users) for row in rows]
    return [page for page in pages if page is not None]


def logged_page_batches(
    engine: Engine,
    *,
    since: float,
    until: float,
    window_s: float = DEFAULT_WINDOW_S,
    batch_pages: int = 1_000,
) -> Iterator[list[LoggedPage]]:
    """:func:`logged_pages` of ``[since, until)``, a batch of about ``batch_pages`` at a time.

    Attributing a page's impressions holds them all in memory; a busy shop logs
    tens of thousands of pages between two refits of the bandit, which in one
    read took about 55 KiB a page (430 MiB for 7,780 pages). Batches cut at
    serving times, so every page is read exactly once.
    """
    with engine.connect() as connection:
        times = connection.execute(
            select(page_views.c.served_at)
            .where(page_views.c.served_at >= since, page_views.c.served_at < until)
            .order_by(page_views.c.served_at)
        ).scalars().all()  # fmt: skip
    cuts = [since, *sorted(set(times[batch_pages::batch_pages])), until]
    for start, stop in zip(cuts, cuts[1:], strict=False):
        if start < stop:
            yield logged_pages(engine, since=start, until=stop, window_s=window_s)


def section_observations(pages: Iterable[LoggedPage]) -> list[SectionObservation]:
    """What each displayed section earned, for the bandit's :meth:`fit`."""
    return [
        SectionObservation(page.segment, page.keys[candidate], row, clicks > 0)
        for page in pages
        for candidate, row, clicks in zip(page.shown, page.slot_rows, page.slot_clicks, strict=True)
        if row >= 0
    ]


def _read_page_views(
    engine: Engine, since: float | None, until: float | None, *, arm: str | None, policy: str | None
) -> list[Any]:
    columns = page_views.c
    query = select(page_views).order_by(columns.served_at)
    if since is not None:
        query = query.where(columns.served_at >= since)
    if until is not None:
        query = query.where(columns.served_at < until)
    if arm is not None:
        query = query.where(columns.arm == arm)
    if policy is not None:
        query = query.where(columns.policy == policy)
    with engine.connect() as connection:
        return list(connection.execute(query).mappings())


def _logged_page(
    row: Any, clicks: dict[tuple[str, str], int], users: dict[str, str]
) -> LoggedPage | None:
    details = json.loads(row["ordering"])
    if "candidates" not in details or row["propensity"] is None:
        return None
    candidates = tuple(
        SectionCandidate(c["id"], c["kind"], float(c["engagement"])) for c in details["candidates"]
    )
    index = {candidate.id: i for i, candidate in enumerate(candidates)}
    shown_ids = details["shown"]
    displayed = {section_id: r for r, section_id in enumerate(details["rows"])}
    items = details["items_per_row"]
    request_id = row["request_id"]
    return LoggedPage(
        request_id=request_id,
        served_at=float(row["served_at"]),
        user_id=users.get(request_id),
        segment=row["segment"] or "all",
        candidates=candidates,
        keys=tuple(c["key"] for c in details["candidates"]),
        shown=tuple(index[section_id] for section_id in shown_ids),
        propensity=float(row["propensity"]),
        position_propensities=tuple(details["position_propensities"]),
        n_events=int(details["n_events"]),
        n_slots=int(details["n_slots"]),
        slot_clicks=tuple(clicks.get((request_id, s), 0) for s in shown_ids),
        slot_rows=tuple(displayed.get(s, -1) for s in shown_ids),
        slot_items=tuple(items[displayed[s]] if s in displayed else 0 for s in shown_ids),
        arm=row["arm"],
        policy=row["policy"],
    )
