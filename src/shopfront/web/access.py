"""Who may open the operator's dashboard: an API key with the ``admin`` scope.

An open service (``Settings.api_keys`` empty) lets everyone in. Otherwise the
key comes from the ``X-API-Key`` header, an ``Authorization: Bearer`` token or,
so that a browser can open the dashboard from a link, the ``key`` query
parameter; its scopes are ``settings.api_keys[key]``. The service's security
middleware (:mod:`shopfront.api.security`) applies the same rule to every
``/admin`` and ``/v1/admin`` request first; this check keeps the dashboard
closed even in an app assembled without that middleware.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Depends, HTTPException, Request

from shopfront.api.security import presented_key
from shopfront.api.services import Services, get_services

ADMIN_SCOPE = "admin"
KEY_HEADER = "X-API-Key"
KEY_PARAMETER = "key"


@dataclass(frozen=True, slots=True)
class AccessDenied:
    """Why a request may not see the dashboard, with its HTTP status."""

    status_code: int
    message: str


def request_key(request: Request) -> str | None:
    """The API key a request carries: its header, else its ``key`` query parameter."""
    return presented_key(request.headers) or request.query_params.get(KEY_PARAMETER) or None


def check_admin(api_keys: dict[str, list[str]], key: str | None) -> AccessDenied | None:
    """``None`` when ``key`` opens the dashboard under ``api_keys``, else why not."""
    if not api_keys:
        return None
    if key is None:
        return AccessDenied(401, f"an API key with the {ADMIN_SCOPE!r} scope is required")
    scopes = next(
        (s for k, s in api_keys.items() if hmac.compare_digest(k.encode(), key.encode())), None
    )
    if scopes is None:
        return AccessDenied(401, "the API key is not valid")
    # As in the service's keyring, a key with the admin scope has every scope.
    if ADMIN_SCOPE not in scopes:
        return AccessDenied(403, f"the API key lacks the {ADMIN_SCOPE!r} scope")
    return None


def require_admin(request: Request, services: Services = Depends(get_services)) -> str | None:
    """FastAPI dependency of the admin JSON routes; returns the key used.

    Raises:
        HTTPException: 401 without a valid key, 403 without the admin scope.
    """
    key = request_key(request)
    denied = check_admin(services.settings.api_keys, key)
    if denied is not None:
        raise HTTPException(
            denied.status_code, denied.message, headers={"WWW-Authenticate": KEY_HEADER}
        )
    return key
