"""Engines for the supported databases: SQLite (default) and PostgreSQL.

SQLite runs in WAL mode with ``synchronous=FULL`` so that an acknowledged commit
survives a crash of the process or the machine; readers never block the writer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from shopfront.errors import ValidationError


def normalize_url(url: str) -> str:
    """The SQLAlchemy URL for a user-facing database URL.

    ``postgresql://`` and ``postgres://`` use the psycopg 3 driver.

    Raises:
        ValidationError: The scheme is neither SQLite nor PostgreSQL.
    """
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    if url.startswith(("sqlite://", "postgresql+psycopg://")):
        return url
    raise ValidationError(
        f"db url must start with sqlite:// or postgresql://, got {url.split('://')[0]!r}"
    )


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """A pooled engine for ``url`` with the pragmas Shopfront relies on."""
    url = normalize_url(url)
    if url.startswith("sqlite"):
        return _sqlite_engine(url, echo=echo)
    return create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=20)


def _sqlite_engine(url: str, *, echo: bool) -> Engine:
    in_memory = url in {"sqlite://", "sqlite:///:memory:"}
    options: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": 30}}
    if not in_memory:
        # Connections are kept: opening one (with its pragmas) and warming its page
        # cache was a tenth of a served homepage's CPU. WAL lets the pooled readers
        # and the one writer work at once. Four are kept (each may hold up to its 64 MiB
        # page cache); connections beyond them close when returned.
        options |= {"poolclass": QueuePool, "pool_size": 4, "max_overflow": 28}
    engine = create_engine(url, echo=echo, **options)

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MiB: bulk inserts touch many index pages
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    return engine
