"""``GET /v1/users/{user_id}/profile``: what Shopfront believes a shopper likes, and why."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends

from shopfront.api.services import Services, get_services
from shopfront.errors import UnknownUserError
from shopfront.prep.history import history_of
from shopfront.profiles import Profile

router = APIRouter(prefix="/v1", tags=["profiles"])

PROFILE_HISTORY_LENGTH = 500


@router.get("/users/{user_id}/profile")
def get_profile(user_id: str, services: Services = Depends(get_services)) -> dict[str, Any]:
    """The shopper's profile with its evidence, built from their latest events.

    Built at request time, so it reflects an event as soon as it is stored. An
    unknown shopper gets the empty profile (no interests, zero events); a deleted one 404.
    """
    return build_profile(services, user_id).as_dict()


def build_profile(services: Services, user_id: str) -> Profile:
    """The live profile of ``user_id`` (shared with the dashboard)."""
    if services.store.is_deleted(user_id):
        raise UnknownUserError(f"user {user_id!r} was deleted")
    pair = services.holder.current()
    if pair is None or pair[0].profiles is None:
        return Profile.empty(user_id, built_at=time.time())
    bundle = pair[0]
    interactions = services.store.user_history(user_id, n=PROFILE_HISTORY_LENGTH)
    history = history_of(interactions, bundle.snapshot)
    profile: Profile = bundle.profiles.build(history, now=time.time(), user_id=user_id)
    return profile
