"""Routes of the profiles resource."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["profiles"])
