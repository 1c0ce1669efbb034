"""The homepage service: store history in, composed page out, per request.

Reads the shopper's latest events from the store at request time, so a click
changes the next page without retraining, and the catalog's live stock
(:class:`~shopfront.homepage.stock.LiveStock`), so an item that sells out
leaves the next page. When the store cannot be reached, the page is composed
from what is known without history and marked degraded.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from shopfront.errors import BundleError, StoreUnavailableError
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.composer import HomepageComposer
from shopfront.homepage.page import Homepage, PageConfig
from shopfront.homepage.rules import PageRules
from shopfront.homepage.stock import LiveStock
from shopfront.prep.history import history_of
from shopfront.store.cache import HistoryCache
from shopfront.store.records import Interaction
from shopfront.store.store import Store

logger = logging.getLogger(__name__)

HISTORY_LENGTH = 200


class BundleHolder:
    """The live bundle and its composer, swapped atomically.

    A request takes the pair once and uses it to the end, so a hot swap never
    mixes two bundles inside one page.

    Args:
        bundle: The first live bundle, if any.
        make_composer: Builds the composer of a bundle; pass a
            ``functools.partial(HomepageComposer, rules=..., policy=...)`` to serve
            the shop's rules or a learned section order policy.
    """

    def __init__(
        self,
        bundle: ModelBundle | None = None,
        *,
        make_composer: Callable[[ModelBundle], HomepageComposer] = HomepageComposer,
    ) -> None:
        self._lock = threading.Lock()
        self._pair: tuple[ModelBundle, HomepageComposer] | None = None
        self.make_composer = make_composer
        if bundle is not None:
            self.swap(bundle)

    def swap(self, bundle: ModelBundle) -> None:
        """Validate ``bundle``, prepare its composer, and make it live."""
        bundle.validate()
        pair = (bundle, self.make_composer(bundle))
        with self._lock:
            self._pair = pair
        logger.info("bundle live version=%s", bundle.version)

    def current(self) -> tuple[ModelBundle, HomepageComposer] | None:
        """The live bundle and composer, or ``None`` before any training."""
        return self._pair


class HomepageService:
    """Serves homepages from the store and the live bundle.

    Args:
        store: Source of the shopper's latest events and of the live stock.
        holder: The live bundle.
        stock_ttl_s: Seconds a read of the live stock serves; catalog writes
            through ``store`` itself are seen at once.
    """

    # Recent histories kept outside the database, for pages served during an outage.
    cache: HistoryCache | None = None

    def __init__(self, store: Store, holder: BundleHolder, *, stock_ttl_s: float = 5.0) -> None:
        self.store = store
        self.holder = holder
        self.stock = LiveStock(store, ttl_s=stock_ttl_s)

    def homepage(
        self,
        user_id: str,
        *,
        page: PageConfig | None = None,
        request_id: str | None = None,
        rules: PageRules | None = None,
    ) -> Homepage:
        """The homepage of ``user_id`` (a new shopper gets the page for new shoppers).

        Args:
            user_id: The shopper.
            page: The page's shape.
            request_id: Id of the page view; a new one by default.
            rules: Business rules of this request, on top of the composer's.
        """
        pair = self.holder.current()
        if pair is None:
            raise BundleError("no model bundle is live yet; run `shopfront train` first")
        bundle, composer = pair
        interactions, degraded = self.recent_interactions(user_id)
        history = history_of(interactions, bundle.snapshot)
        return composer.compose(
            user_id,
            history,
            page=page,
            request_id=request_id,
            degraded=degraded,
            rules=rules,
            in_stock=self.stock.in_stock(bundle.snapshot.items),
        )

    def recent_interactions(self, user_id: str) -> tuple[list[Interaction], bool]:
        """The shopper's latest events, and whether they came from the cache (store down).

        Every successful read refreshes the cache; when the store is unreachable the
        cached copy (or nothing) is used and the page is marked degraded.
        """
        try:
            interactions = self.store.user_history(user_id, n=HISTORY_LENGTH)
        except StoreUnavailableError:
            logger.warning("store unreachable; serving a page from the cached history")
            cached = self.cache.get(user_id) if self.cache is not None else None
            return cached or [], True
        if self.cache is not None:
            self.cache.put(user_id, interactions)
        return interactions, False
