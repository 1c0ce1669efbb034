"""Screenshots of the storefront and the dashboard for ``docs/web.md``.

Simulates a demo-like shop, trains two bundle versions on it (a popularity
baseline, then the configured models), evaluates three models offline, serves
it on a loopback port and photographs each page with headless chromium.

Run from the repository root::

    .venv/bin/python -m tests.web.take_screenshots --out docs/img

Nothing is downloaded; it takes about a minute on two cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.evaluate.harness import evaluate
from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import ModelBundle
from shopfront.models.registry import create_model
from shopfront.simulate import SimulationConfig, simulate_shop
from shopfront.store.store import Store
from tests.web.server import CHROMIUM, CHROMIUM_ARGS, LiveServer

logger = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}
MAX_HEIGHT = 1900
OFFLINE_MODELS = ("popularity", "cooccurrence", "als")


def build_demo_shop(folder: Path, *, users: int, items: int, days: int) -> tuple[Settings, Store]:
    """Simulate a shop into SQLite and train a baseline bundle, then the configured one."""
    settings = Settings(db_url=f"sqlite:///{folder / 'shop.db'}", bundle_dir=folder / "bundles")
    store = Store(settings.db_url)
    shop = simulate_shop(SimulationConfig(n_users=users, n_items=items, days=days, seed=0))
    store.upsert_items(shop.catalog)
    events = shop.events
    store.insert_event_columns(
        list(shop.event_ids),
        events.user_ids.tolist(),
        events.item_ids.tolist(),
        events.types.tolist(),
        events.timestamps.tolist(),
    )
    logger.info("simulated items=%d events=%d", len(shop.catalog), len(events))

    train_bundle(store, settings.bundle_dir, models=["popularity", "trending"])
    bundle = train_bundle(store, settings.bundle_dir, models=list(settings.models))
    write_offline_results(bundle, settings.bundle_dir / "results.json")
    return settings, store


def write_offline_results(bundle: ModelBundle, path: Path) -> None:
    """The offline protocol on the bundle's snapshot for a few models, as a results file."""
    results = []
    for name in OFFLINE_MODELS:
        result = evaluate(
            lambda seed, name=name: create_model(name, seed=seed),
            bundle.snapshot,
            "test",
            [0],
            dataset_name="demo shop",
        )
        results.append(result.to_dict())
    path.write_text(json.dumps(results, indent=2))


def pick_shopper(bundle: ModelBundle, *, most_events: int = 40) -> str:
    """A shopper with a rich but human-sized history (bots are not in the snapshot)."""
    counts = np.diff(bundle.snapshot.seq_offsets)
    counts[counts > most_events] = 0
    return bundle.snapshot.users.id(int(np.argmax(counts)))


def shoot(page: Any, path: Path, *, full: bool = True) -> None:
    """Save the page (its top ``MAX_HEIGHT`` pixels when ``full``) as a PNG."""
    height = page.evaluate("() => document.documentElement.scrollHeight") if full else 900
    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=full, clip=clip)
    logger.info("wrote %s", path)


def photograph(base_url: str, shopper: str, out: Path) -> None:
    """Open each page in chromium and save its picture under ``out``."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(base_url=base_url, viewport=VIEWPORT)

        for tab, path, ready in [
            ("health", "/admin", "#chart-events svg"),
            ("models", "/admin/models", "#chart-timings svg"),
            ("online", "/admin/online", "#online-metrics:not([data-state='loading'])"),
            ("shopper", f"/admin/shopper?user_id={shopper}", "#inspected-homepage"),
        ]:
            page.goto(path)
            page.wait_for_selector(ready)
            page.wait_for_timeout(200)  # let the last chart settle before the picture
            shoot(page, out / f"admin_{tab}.png")

        # The storefront last: its events are "now", which would move the health window.
        page.goto(f"/?shopper={shopper}")
        page.wait_for_selector(f'#page[data-user-id="{shopper}"] .card')
        page.locator("#page .section .card .why").first.click()
        shoot(page, out / "storefront.png", full=False)
        page.locator("#page .section .card").nth(2).click()
        page.wait_for_selector("dialog#product[open]")
        page.click("#add-to-cart")
        page.wait_for_selector("#product-note:has-text('Added')")
        shoot(page, out / "storefront_product.png", full=False)
        browser.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--users", type=int, default=1500)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    args.out.mkdir(parents=True, exist_ok=True)

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        settings, store = build_demo_shop(
            Path(folder), users=args.users, items=args.items, days=args.days
        )
        app = create_app(settings, store=store)
        shopper = pick_shopper(app.state.services.holder.current()[0])
        with LiveServer(app) as server:
            photograph(server.url, shopper, args.out)
        store.close()
    logger.info("screenshots done in %.1f s", time.perf_counter() - started)


if __name__ == "__main__":
    main()
