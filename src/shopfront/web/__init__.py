"""Web pages: the storefront and the operator's dashboard.

:data:`router` serves the storefront (``/``, ``/category/…``, ``/search``), its
JSON helpers (``/web/…``) and the dashboard (``/admin…``); the app factory
mounts it. The figures behind the dashboard are also served as JSON by
:mod:`shopfront.api.routers.admin`.
"""

from shopfront.web.pages import router

__all__ = ["router"]
