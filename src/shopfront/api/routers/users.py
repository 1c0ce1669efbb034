"""``/v1/users/{user_id}``: a shopper's data (deletion, and the profile when available)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shopfront.api.schemas import DeletedOut
from shopfront.api.services import Services, get_services
from shopfront.privacy.erasure import erase_user

router = APIRouter(prefix="/v1", tags=["users"])


@router.delete("/users/{user_id}", response_model=DeletedOut)
def delete_user(user_id: str, services: Services = Depends(get_services)) -> DeletedOut:
    """Delete a shopper everywhere: events, impressions, profile and cached pages.

    The next model is trained without them. With pseudonymization on, send the
    shop's own id: the answer names the stored pseudonym. Needs the admin scope
    when API keys are configured.
    """
    caches = [services.homepages, services.holder, *services.extras.values()]
    report = erase_user(services.store, user_id, caches=caches)
    return DeletedOut(user_id=report.user_id, deleted_events=report.events)
