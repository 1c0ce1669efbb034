"""Security of the service: API keys with scopes, request limits, rate limiting."""

from __future__ import annotations

from fastapi import FastAPI

from shopfront.config import Settings


def install_security(app: FastAPI, settings: Settings) -> None:
    """Add authentication and limits to ``app`` according to ``settings``."""
