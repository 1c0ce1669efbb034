"""The names under which models are known to the CLI, the bundle and the tests."""

from __future__ import annotations

from shopfront.models.als import ALSCandidateGenerator
from shopfront.models.base import CandidateGenerator
from shopfront.models.bpr import BPRCandidateGenerator
from shopfront.models.content import ContentCandidateGenerator
from shopfront.models.cooccurrence import CooccurrenceCandidateGenerator
from shopfront.models.popularity import PopularityCandidateGenerator, TrendingCandidateGenerator
from shopfront.models.sequential import SequentialCandidateGenerator
from shopfront.models.transitions import TransitionCandidateGenerator

MODEL_CLASSES: dict[str, type[CandidateGenerator]] = {
    cls.name: cls
    for cls in (
        PopularityCandidateGenerator,
        TrendingCandidateGenerator,
        CooccurrenceCandidateGenerator,
        TransitionCandidateGenerator,
        ALSCandidateGenerator,
        BPRCandidateGenerator,
        ContentCandidateGenerator,
        SequentialCandidateGenerator,
    )
}


def create_model(name: str, **options: object) -> CandidateGenerator:
    """A new, unfitted model by registry name.

    Raises:
        ValueError: ``name`` is not a registered model.
    """
    try:
        cls = MODEL_CLASSES[name]
    except KeyError:
        known = ", ".join(sorted(MODEL_CLASSES))
        raise ValueError(f"model must be one of {known}, got {name!r}") from None
    return cls(**options)  # type: ignore[arg-type]
