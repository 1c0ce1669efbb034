"""``/v1/users/{user_id}``: a shopper's data (deletion, and the profile when available)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shopfront.api.schemas import DeletedOut
from shopfront.api.services import Services, get_services

router = APIRouter(prefix="/v1", tags=["users"])


@router.delete("/users/{user_id}", response_model=DeletedOut)
def delete_user(user_id: str, services: Services = Depends(get_services)) -> DeletedOut:
    """Remove every event and impression of a shopper; they are left out of the next model."""
    removed = services.store.delete_user(user_id)
    return DeletedOut(user_id=user_id, deleted_events=removed)
