"""Exception handlers: domain errors become HTTP statuses here, not in routes."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shopfront.errors import (
    BundleError,
    StoreUnavailableError,
    UnknownIdError,
    ValidationError,
)


def install_error_handlers(app: FastAPI) -> None:
    """Map each domain error to its status with a JSON ``detail``."""

    async def unknown(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=404)

    async def invalid(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=422)

    async def unavailable(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse({"detail": str(error)}, status_code=503)

    app.add_exception_handler(UnknownIdError, unknown)
    app.add_exception_handler(ValidationError, invalid)
    app.add_exception_handler(StoreUnavailableError, unavailable)
    app.add_exception_handler(BundleError, unavailable)
