"""Settings shared by the CLI, the jobs and the service.

Service settings come from environment variables prefixed ``SHOPFRONT_`` (for
example ``SHOPFRONT_DB_URL``); each field is documented where it is declared so
the description also reaches ``--help`` and the OpenAPI schema.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODELS = (
    "popularity",
    "trending",
    "cooccurrence",
    "als",
    "content",
    "sequential",
)

# The transformer trains as evaluated in docs/results.md (early stopping, then a short
# refit on everything), each phase capped so that a retrain on two cores stays bounded.
DEFAULT_MODEL_OPTIONS: dict[str, dict[str, Any]] = {
    "sequential": {"max_train_seconds": 600.0},
}

# The demo trains in about a minute: the transformer gets a 20 s budget (about one
# epoch on two cores), enough to show it working, not to show how good it gets.
DEMO_MODEL_OPTIONS: dict[str, dict[str, Any]] = {
    "sequential": {"max_epochs": 40, "max_train_seconds": 20.0, "refit": "none"},
}


class Settings(BaseSettings):
    """Configuration of one Shopfront deployment."""

    model_config = SettingsConfigDict(env_prefix="SHOPFRONT_", extra="ignore")

    db_url: str = Field(
        default="sqlite:///shopfront.db",
        description="Database URL: sqlite:///path.db (default) or postgresql://user@host/db.",
    )
    bundle_dir: Path = Field(
        default=Path("bundles"), description="Folder where model bundle versions are written."
    )
    models: list[str] = Field(
        default=list(DEFAULT_MODELS), description="Candidate generators trained into each bundle."
    )
    model_options: dict[str, dict[str, Any]] = Field(
        default_factory=lambda: {k: dict(v) for k, v in DEFAULT_MODEL_OPTIONS.items()},
        description="Constructor options per model, e.g. {'als': {'embedding_dim': 128}}.",
    )
    redis_url: str | None = Field(
        default=None, description="Optional Redis URL (redis://127.0.0.1:6379/0) for hot caches."
    )
    pseudonymization_key: str | None = Field(
        default=None,
        description="Secret key for HMAC pseudonymization of user ids at ingest; off when unset.",
    )
    api_keys: dict[str, list[str]] = Field(
        default_factory=dict,
        description="API keys and their scopes (ingest, read, admin); empty means an open service.",
    )
    cors_origins: list[str] = Field(default_factory=list, description="Origins allowed by CORS.")
    retention_days: float | None = Field(
        default=None,
        gt=0,
        description="Events and impressions older than this many days are purged; kept when unset.",
    )
    max_body_bytes: int = Field(
        default=10 * 1024 * 1024,
        ge=1024,
        description="Largest request body accepted (bytes); larger ones get 413.",
    )
    rate_limit_per_s: float | None = Field(
        default=None,
        gt=0,
        description="Requests per second allowed to each API key (or client address when the "
        "service is open), refilled continuously; no limit when unset.",
    )
    rate_limit_burst: int = Field(
        default=100, ge=1, description="Requests a key may send at once before the rate applies."
    )
