"""``POST /v1/events``: batches of behaviour events."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from shopfront.api.schemas import EventBatchIn, EventBatchOut, EventError
from shopfront.api.services import Services, get_services

router = APIRouter(prefix="/v1", tags=["events"])


@router.post("/events", response_model=EventBatchOut)
def post_events(batch: EventBatchIn, services: Services = Depends(get_services)) -> EventBatchOut:
    """Store a batch; each bad event gets a field-level error and the good ones still land.

    The answer comes only after the accepted events are committed.
    """
    result = services.ingestor.ingest(batch.events)
    metrics = services.extras.get("metrics")
    if metrics is not None:
        metrics.events.labels("accepted").inc(result.accepted)
        metrics.events.labels("duplicate").inc(result.duplicates)
        metrics.events.labels("rejected").inc(result.rejected)
    errors = [EventError(**error.as_dict()) for error in result.errors]
    return EventBatchOut(
        accepted=result.accepted,
        duplicates=result.duplicates,
        rejected=result.rejected,
        errors=errors,
    )
