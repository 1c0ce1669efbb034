"""An app over the tiny shop, shared by the API tests of one module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from shopfront.api.app import create_app
from shopfront.config import Settings
from shopfront.homepage.service import BundleHolder
from tests.shop import build_tiny_shop


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder: Path = tmp_path_factory.mktemp("shop")
    url = f"sqlite:///{folder / 'shop.db'}"
    store, bundle = build_tiny_shop(url, folder / "bundles")
    app = create_app(Settings(db_url=url), store=store, holder=BundleHolder(bundle))
    with TestClient(app) as test_client:
        yield test_client
