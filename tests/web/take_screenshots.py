"""Screenshots of the storefront and the dashboard for ``docs/web.md``.

Simulates a demo-like shop, trains two bundle versions on it (a popularity
baseline, then the configured models), evaluates three models offline and
serves it on a loopback port with the feedback loop installed. It photographs
the data-health, models and shopper pages; then runs an experiment (the
personal page against a popularity page) in which the simulated shoppers
answer the homepages they are served over HTTP, and photographs the online
metrics and the storefront.

Run from the repository root::

    .venv/bin/python -m tests.web.take_screenshots --out docs/img

Nothing is downloaded; it takes one to two minutes on two cores.
"""

from __future__ import annotations

import argparse
import json
import logging
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import numpy as np

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.evaluate.harness import evaluate
from shopfront.feedback.install import FeedbackSettings, install_feedback
from shopfront.feedback.retrain import train_bundle
from shopfront.homepage.bundle import ModelBundle
from shopfront.models.registry import create_model
from shopfront.simulate import ShopperResponder, SimulatedShop, SimulationConfig, simulate_shop
from shopfront.store.store import Store
from tests.web.server import CHROMIUM, CHROMIUM_ARGS, LiveServer

logger = logging.getLogger(__name__)

VIEWPORT = {"width": 1280, "height": 900}
MAX_HEIGHT = 1900
OFFLINE_MODELS = ("popularity", "cooccurrence", "als")
EXPERIMENT = {
    "experiment_id": "personal-vs-popular",
    "description": "Does the personal page beat a page of popular and trending items?",
    "arms": [
        {"name": "personal", "description": "every model, the shopper's history"},
        {
            "name": "popular",
            "description": "popularity and trending only",
            "models": ["popularity", "trending"],
            "personalized": False,
        },
    ],
}


def build_demo_shop(
    folder: Path, *, users: int, items: int, days: int
) -> tuple[Settings, Store, SimulatedShop]:
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
    return settings, store, shop


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


def run_experiment(base_url: str, shop: SimulatedShop, shoppers: list[str], visits: int) -> int:
    """Start the experiment and let simulated shoppers answer their homepages; returns events."""
    responder = ShopperResponder(shop, seed=1)
    sent = 0
    with httpx.Client(base_url=base_url, timeout=30) as client:
        client.post("/v1/admin/experiments", json=EXPERIMENT).raise_for_status()
        for visit in range(visits):
            for user_id in shoppers:
                page = client.get(f"/v1/homepage/{user_id}").json()
                rows = [[item["item_id"] for item in s["items"]] for s in page["sections"]]
                events = [
                    _event(page, reaction, f"{user_id}-{visit}-{k}")
                    for k, reaction in enumerate(responder.respond(user_id, rows))
                ]
                if events:
                    client.post("/v1/events", json={"events": events}).raise_for_status()
                    sent += len(events)
    return sent


def _event(page: dict[str, Any], reaction: Any, event_id: str) -> dict[str, Any]:
    row, column = reaction.position
    section = page["sections"][row]["id"]
    return {
        "event_id": f"screenshot-{event_id}",
        "user_id": page["user_id"],
        "item_id": reaction.item_id,
        "type": reaction.type,
        "timestamp": time.time(),
        "request_id": page["request_id"],
        "context": {"source": "homepage", "section": section, "position": column + 1},
    }


def shoot(page: Any, path: Path, *, full: bool = True) -> None:
    """Save the page (its top ``MAX_HEIGHT`` pixels when ``full``) as a PNG."""
    height = page.evaluate("() => document.documentElement.scrollHeight") if full else 900
    clip = {"x": 0, "y": 0, "width": VIEWPORT["width"], "height": min(height, MAX_HEIGHT)}
    page.screenshot(path=str(path), full_page=full, clip=clip)
    logger.info("wrote %s", path)


def photograph_dashboard(page: Any, shopper: str, out: Path) -> None:
    """The data-health, models and shopper pages (before any live traffic)."""
    for tab, path, ready in [
        ("health", "/admin", "#chart-events svg"),
        ("models", "/admin/models", "#chart-timings svg"),
        ("shopper", f"/admin/shopper?user_id={shopper}", "#inspected-homepage"),
    ]:
        page.goto(path)
        page.wait_for_selector(ready)
        page.wait_for_timeout(200)  # let the last chart settle before the picture
        shoot(page, out / f"admin_{tab}.png")


def photograph_live(page: Any, shopper: str, out: Path) -> None:
    """The online page after the experiment, then the storefront with its product dialog."""
    page.goto("/admin/online")
    page.wait_for_selector("#experiments[data-state='data'] svg")
    page.select_option("#group-by", "section_kind")
    page.wait_for_selector("#online-metrics[data-path*='section_kind'][data-state='data']")
    page.wait_for_timeout(200)
    shoot(page, out / "admin_online.png")

    page.goto(f"/?shopper={shopper}")
    page.wait_for_selector(f'#page[data-user-id="{shopper}"] .card')
    page.locator("#page .section .card .why").first.click()
    shoot(page, out / "storefront.png", full=False)
    page.locator("#page .section .card").nth(2).click()
    page.wait_for_selector("dialog#product[open]")
    page.click("#add-to-cart")
    page.wait_for_selector("#product-note:has-text('Added')")
    shoot(page, out / "storefront_product.png", full=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/img"))
    parser.add_argument("--users", type=int, default=1500)
    parser.add_argument("--items", type=int, default=3000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--experiment-shoppers", type=int, default=300)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    for noisy in ("httpx", "shopfront.ingest"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    args.out.mkdir(parents=True, exist_ok=True)
    from playwright.sync_api import sync_playwright

    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        settings, store, shop = build_demo_shop(
            Path(folder), users=args.users, items=args.items, days=args.days
        )
        app = create_app(settings, store=store)
        services = app.state.services
        feedback = install_feedback(services, FeedbackSettings(), start_jobs=False)
        bundle = services.holder.current()[0]
        shopper = pick_shopper(bundle)
        with LiveServer(app) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(base_url=server.url, viewport=VIEWPORT)
            photograph_dashboard(page, shopper, args.out)

            shoppers = [u for u in bundle.snapshot.users.to_ids(range(args.experiment_shoppers))]
            sent = run_experiment(server.url, shop, shoppers, visits=2)
            feedback.impressions.flush()
            logger.info("experiment traffic shoppers=%d events=%d", len(shoppers), sent)
            photograph_live(page, shopper, args.out)
            browser.close()
        feedback.close()
        store.close()
    logger.info("screenshots done in %.1f s", time.perf_counter() - started)


if __name__ == "__main__":
    main()
