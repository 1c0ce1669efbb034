"""Jinja2 templates and static files of the web pages, read from the installed package."""

from __future__ import annotations

import time
from functools import lru_cache
from importlib import resources
from typing import Any

from fastapi import HTTPException
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

STATIC_TYPES = {".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8"}


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The template environment (HTML autoescaped), built once."""
    env = Environment(
        loader=PackageLoader("shopfront.web", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["utc"] = _utc
    env.filters["percent"] = _percent
    env.filters["thousands"] = _thousands
    return env


def render(template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page from ``templates/<template>`` rendered with ``context``."""
    html = environment().get_template(template).render(**context)
    return HTMLResponse(html, status_code=status_code)


def static_file(name: str) -> Response:
    """A file of ``static/`` (only CSS and JavaScript, only at the top level).

    Raises:
        HTTPException: 404 for any other name.
    """
    suffix = name[name.rfind(".") :] if "." in name else ""
    folder = resources.files("shopfront.web").joinpath("static")
    if "/" in name or "\\" in name or name.startswith(".") or suffix not in STATIC_TYPES:
        raise HTTPException(404, f"no static file {name!r}")
    path = folder.joinpath(name)
    if not path.is_file():
        raise HTTPException(404, f"no static file {name!r}")
    return Response(
        path.read_bytes(),
        media_type=STATIC_TYPES[suffix],
        headers={"Cache-Control": "no-cache"},
    )


def _utc(timestamp: float | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "—" if timestamp is None else time.strftime(fmt, time.gmtime(timestamp))


def _percent(share: float | None, digits: int = 1) -> str:
    return "—" if share is None else f"{share * 100:.{digits}f}%"


def _thousands(number: float | None) -> str:
    return "—" if number is None else f"{number:,.0f}"
