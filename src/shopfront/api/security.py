"""Security of the service: API keys with scopes, body limit, rate limit, CORS, pseudonyms.

Every HTTP request passes these layers, outermost first:

1. CORS, when ``Settings.cors_origins`` is set: a browser's preflight is
   answered before authentication, and refusals carry the CORS headers.
2. The body limit: a body over ``Settings.max_body_bytes`` (10 MiB by default)
   gets 413, announced or not by ``Content-Length``.
3. API keys, when ``Settings.api_keys`` is set: a request carries its key in
   ``X-API-Key: <key>`` or ``Authorization: Bearer <key>`` and needs the scope of
   its route, else 401 (no known key) or 403 (known key, scope missing). So that
   a browser can open the storefront and dashboard pages from a link, a ``GET``
   may carry the key as the ``key`` query parameter instead; such URLs end up in
   browser history and proxy logs, so give them a read-only or a short-lived key.
4. The rate limit, when ``Settings.rate_limit_per_s`` is set: a token bucket per
   key (per client address on an open service); an empty bucket gets 429 with
   ``Retry-After``.

Scopes by route (``admin`` includes the other two):

- none: ``/``, ``/healthz``, ``/docs``, ``/redoc``, ``/openapi.json``, ``/web/static/…``;
- admin: ``/admin…`` and ``/v1/admin…`` (the dashboard), and any ``DELETE``;
- read: every other ``GET``, ``HEAD`` or ``OPTIONS`` (``/metrics`` included);
- ingest: every other ``POST``, ``PUT`` or ``PATCH``.

With no key configured the service is open: anyone who can reach it may read,
write and delete. That is meant for the local demo and for a service that only
a gateway doing its own authentication can reach.

Keys are compared by their SHA-256 digest, so the configured keys are not kept
in memory in clear and no comparison leaks how much of a guessed key matched.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware
from starlette.datastructures import Headers, QueryParams
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shopfront.config import Settings
from shopfront.errors import ValidationError

logger = logging.getLogger(__name__)

SCOPES = ("ingest", "read", "admin")
OPEN_PATHS = frozenset(
    {"/", "/healthz", "/docs", "/docs/oauth2-redirect", "/redoc", "/openapi.json"}
)
OPEN_PREFIXES = ("/web/static/", "/static/")
ADMIN_PATHS = ("/admin", "/v1/admin")
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MAX_RATE_IDENTITIES = 10_000


def required_scope(method: str, path: str) -> str | None:
    """The scope a request needs, or ``None`` for the open routes."""
    if path in OPEN_PATHS or path.startswith(OPEN_PREFIXES):
        return None
    admin = path in ADMIN_PATHS or path.startswith(tuple(p + "/" for p in ADMIN_PATHS))
    if admin or method == "DELETE":
        return "admin"
    return "read" if method in READ_METHODS else "ingest"


class ApiKeyring:
    """The configured API keys and the scopes each grants.

    Args:
        api_keys: Key → scopes, as in ``Settings.api_keys``.

    Raises:
        ValidationError: A scope is not one of ingest, read, admin, or a key is empty.

    Example:
        >>> keyring = ApiKeyring({"k-reader": ["read"]})
        >>> sorted(keyring.scopes("k-reader")), keyring.scopes("k-unknown")
        (['read'], None)
    """

    def __init__(self, api_keys: Mapping[str, Sequence[str]]) -> None:
        self._scopes: dict[str, frozenset[str]] = {}
        for key, scopes in api_keys.items():
            unknown = sorted(set(scopes) - set(SCOPES))
            if unknown or not key:
                raise ValidationError(
                    f"api_keys must map non-empty keys to scopes among {list(SCOPES)}, "
                    f"got scopes {list(scopes)}"
                )
            granted = set(SCOPES) if "admin" in scopes else set(scopes)
            self._scopes[_digest(key)] = frozenset(granted)

    @property
    def is_open(self) -> bool:
        """Whether no key is configured (every request is allowed)."""
        return not self._scopes

    def scopes(self, key: str) -> frozenset[str] | None:
        """The scopes granted to ``key``, or ``None`` for an unknown key."""
        return self._scopes.get(_digest(key))


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class RateLimiter:
    """Token buckets, one per identity (an API key or a client address).

    A bucket holds at most ``burst`` tokens and refills at ``rate`` tokens a
    second; each request takes one. The least recently seen identities are
    forgotten beyond ``max_identities``, so memory stays bounded whoever calls.

    Args:
        rate: Tokens added per second.
        burst: Capacity of a bucket.
        max_identities: Buckets kept at most.
        clock: Monotonic seconds (replaceable in tests).

    Example:
        >>> limiter = RateLimiter(rate=1.0, burst=2, clock=lambda: 0.0)
        >>> [limiter.acquire("k") for _ in range(3)]
        [0.0, 0.0, 1.0]
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: int,
        max_identities: int = MAX_RATE_IDENTITIES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self.burst = burst
        self.max_identities = max_identities
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, identity: str) -> float:
        """Take a token: 0.0 when the request may go, else the seconds until it may."""
        with self._lock:
            now = self._clock()
            tokens, updated = self._buckets.pop(identity, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - updated) * self.rate)
            wait = 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate
            if wait == 0.0:
                tokens -= 1.0

            # Re-inserted last: the dict's order is the recency order, oldest evicted first.
            self._buckets[identity] = (tokens, now)
            if len(self._buckets) > self.max_identities:
                del self._buckets[next(iter(self._buckets))]
        return wait


class BodyTooLargeError(HTTPException):
    """A request body went past the limit while it was being read."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body must be at most {limit} bytes")


@dataclass(frozen=True, slots=True)
class _Refusal:
    status: int
    detail: str
    headers: dict[str, str] | None = None

    def response(self) -> JSONResponse:
        return JSONResponse({"detail": self.detail}, status_code=self.status, headers=self.headers)


class SecurityMiddleware:
    """ASGI middleware: body limit, API key and scope, rate limit (in that order).

    Args:
        app: The application it guards.
        keyring: The configured API keys.
        max_body_bytes: Largest body accepted.
        limiter: The rate limiter, or ``None`` for no limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        keyring: ApiKeyring,
        max_body_bytes: int,
        limiter: RateLimiter | None = None,
    ) -> None:
        self.app = app
        self.keyring = keyring
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = self._refusal(scope, Headers(scope=scope))
        if refusal is not None:
            await refusal.response()(scope, receive, send)
            return
        await self._call_with_body_limit(scope, receive, send)

    def _refusal(self, scope: Scope, headers: Headers) -> _Refusal | None:
        """Why this request is refused before it reaches the app, or ``None``."""
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            return _Refusal(413, f"request body must be at most {self.max_body_bytes} bytes")
        needed = required_scope(scope["method"], scope["path"])
        if needed is None:
            return None

        key = presented_key(headers) or _query_key(scope)
        identity = _client_identity(scope)
        if not self.keyring.is_open:
            granted = self.keyring.scopes(key) if key else None
            if granted is None:
                logger.warning("refused request: no valid api key route=%s", _route_of(scope))
                return _Refusal(401, "a valid API key is required", {"WWW-Authenticate": "Bearer"})
            if needed not in granted:
                logger.warning(
                    "refused request: scope %s missing route=%s", needed, _route_of(scope)
                )
                return _Refusal(403, f"the API key lacks the {needed!r} scope")
            identity = "key:" + _digest(key or "")[:16]
        return self._rate_refusal(identity)

    def _rate_refusal(self, identity: str) -> _Refusal | None:
        if self.limiter is None:
            return None
        wait = self.limiter.acquire(identity)
        if wait == 0.0:
            return None
        retry_after = str(max(1, math.ceil(wait)))
        return _Refusal(429, "rate limit exceeded; retry later", {"Retry-After": retry_after})

    async def _call_with_body_limit(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, stopping a body sent without (or with a false) length at the limit."""
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    # An HTTPException, so FastAPI's body reading lets it through as a 413.
                    raise BodyTooLargeError(self.max_body_bytes)
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracked_send)
        except BodyTooLargeError as error:
            if started:
                raise
            await _Refusal(413, str(error.detail)).response()(scope, receive, send)


def presented_key(headers: Headers) -> str | None:
    """The API key of a request: ``X-API-Key``, else an ``Authorization: Bearer`` token."""
    key = headers.get("x-api-key", "").strip()
    if key:
        return key
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def _query_key(scope: Scope) -> str | None:
    """The ``key`` query parameter of a ``GET`` or ``HEAD`` (page links from a browser)."""
    if scope["method"] not in {"GET", "HEAD"}:
        return None
    key = QueryParams(scope.get("query_string", b"")).get("key", "").strip()
    return key or None


def _route_of(scope: Scope) -> str:
    """Method and the first two path segments: enough to tell the route, never a user id."""
    prefix = "/".join(scope["path"].split("/")[:3])
    return f"{scope['method']} {prefix}"


def _client_identity(scope: Scope) -> str:
    client = scope.get("client")
    return "addr:" + (client[0] if client else "unknown")


def pseudonymize_user_id(request: Request) -> None:
    """Router dependency: the ``{user_id}`` of the path becomes its pseudonym.

    Runs before the route reads its path parameters, so every route that names a
    shopper (homepage, profile, deletion) sees the stored id while the shop keeps
    sending its own. Does nothing when pseudonymization is off.
    """
    pseudonymize = request.app.state.services.extras.get("pseudonymizer")
    params: dict[str, Any] = request.scope.get("path_params", {})
    if pseudonymize is not None and isinstance(params.get("user_id"), str):
        params["user_id"] = pseudonymize(params["user_id"])


def install_security(app: FastAPI, settings: Settings) -> None:
    """Add the body limit, API keys, rate limit and CORS to ``app`` from ``settings``.

    Raises:
        ValidationError: ``settings.api_keys`` names an unknown scope.
    """
    keyring = ApiKeyring(settings.api_keys)
    limiter = None
    if settings.rate_limit_per_s is not None:
        limiter = RateLimiter(rate=settings.rate_limit_per_s, burst=settings.rate_limit_burst)
    app.add_middleware(
        SecurityMiddleware,
        keyring=keyring,
        max_body_bytes=settings.max_body_bytes,
        limiter=limiter,
    )

    # Added last, so it runs first: preflights need no key and refusals carry CORS headers.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["*"],
            allow_headers=["Authorization", "Content-Type", "X-API-Key"],
            expose_headers=["Retry-After"],
        )
    _document_security(app, keyring=keyring, limited=limiter is not None)
    if keyring.is_open:
        logger.info("no api keys configured: the service is open to every client")


def _document_security(app: FastAPI, *, keyring: ApiKeyring, limited: bool) -> None:
    """Declare the key schemes, each operation's scope and the refusals in the OpenAPI schema."""
    build_schema = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = build_schema()
        if not keyring.is_open:
            schemes = schema.setdefault("components", {}).setdefault("securitySchemes", {})
            schemes["ApiKey"] = {"type": "apiKey", "in": "header", "name": "X-API-Key"}
            schemes["Bearer"] = {"type": "http", "scheme": "bearer"}
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                scope = required_scope(method.upper(), path)
                _document_operation(operation, None if keyring.is_open else scope, limited)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_operation(operation: dict[str, Any], scope: str | None, limited: bool) -> None:
    responses = operation.setdefault("responses", {})
    if "requestBody" in operation:
        responses.setdefault("400", {"description": "The body is not valid JSON."})
        responses.setdefault("413", {"description": "The body is too large."})
    if limited:
        responses.setdefault("429", {"description": "Rate limit exceeded; see Retry-After."})
    if scope is None:
        return
    operation["security"] = [{"ApiKey": []}, {"Bearer": []}]
    operation["description"] = (
        operation.get("description", "") + f"\n\nNeeds an API key with the `{scope}` scope."
    ).strip()
    responses.setdefault("401", {"description": "No valid API key."})
    responses.setdefault("403", {"description": f"The API key lacks the {scope} scope."})
