"""Routes of the admin resource."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["admin"])
