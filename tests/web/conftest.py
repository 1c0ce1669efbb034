"""Fixtures of the web tests: the small shop, its app, a live server and a headless browser.

Browser tests drive Debian's ``chromium`` through Playwright against uvicorn
serving the app on a free loopback port. They skip where ``/usr/bin/chromium``
is absent, except in CI (``CI=true``), where a missing browser is a failure.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.homepage.bundle import ModelBundle
from shopfront.homepage.service import BundleHolder
from shopfront.store.store import Store
from tests.web.server import CHROMIUM, CHROMIUM_ARGS, LiveServer
from tests.web.shop_data import build_web_shop


@dataclass(frozen=True)
class WebShop:
    """The small shop on disk: its settings, store and live bundle."""

    settings: Settings
    store: Store
    bundle: ModelBundle

    def app(self, **settings: Any) -> FastAPI:
        """A fresh app over the shop (settings overridden by keyword)."""
        merged = self.settings.model_copy(update=settings)
        return create_app(merged, store=self.store, holder=BundleHolder(self.bundle))


@pytest.fixture(scope="session")
def web_shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebShop]:
    folder = tmp_path_factory.mktemp("web-shop")
    url = f"sqlite:///{folder / 'shop.db'}"
    store, bundle = build_web_shop(url, folder / "bundles")
    yield WebShop(Settings(db_url=url, bundle_dir=folder / "bundles"), store, bundle)
    store.close()


@pytest.fixture(scope="module")
def client(web_shop: WebShop) -> Iterator[TestClient]:
    with TestClient(web_shop.app()) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def live_server(web_shop: WebShop) -> Iterator[LiveServer]:
    with LiveServer(web_shop.app()) as server:
        yield server


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Debian chromium, or a skip (a failure in CI) where it is missing."""
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must have chromium at {CHROMIUM} (scripts/setup installs it)")
        pytest.skip(f"no chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def browser_context(browser: Any, live_server: LiveServer) -> Iterator[Any]:
    """One browser context a module (opening one costs about a second)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    yield context
    context.close()


@pytest.fixture
def page(browser_context: Any) -> Iterator[Any]:
    """A fresh tab whose relative URLs go to the live server; fails on JavaScript errors."""
    new_page = browser_context.new_page()
    errors: list[str] = []
    new_page.on("pageerror", lambda error: errors.append(str(error)))
    yield new_page
    new_page.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
