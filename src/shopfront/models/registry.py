"""The names under which models are known to the CLI, the bundle and the tests.

Classes are imported on first use, so that a process which never touches the
transformer (an import job, a test server) does not pay for importing PyTorch.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping

from shopfront.models.base import CandidateGenerator

_LOCATIONS: dict[str, str] = {
    "popularity": "shopfront.models.popularity:PopularityCandidateGenerator",
    "trending": "shopfront.models.popularity:TrendingCandidateGenerator",
    "cooccurrence": "shopfront.models.cooccurrence:CooccurrenceCandidateGenerator",
    "transitions": "shopfront.models.transitions:TransitionCandidateGenerator",
    "als": "shopfront.models.als:ALSCandidateGenerator",
    "bpr": "shopfront.models.bpr:BPRCandidateGenerator",
    "content": "shopfront.models.content:ContentCandidateGenerator",
    "sequential": "shopfront.models.sequential:SequentialCandidateGenerator",
}


class _ModelRegistry(Mapping[str, type[CandidateGenerator]]):
    """Registry name → model class, importing each class when first asked for."""

    def __getitem__(self, name: str) -> type[CandidateGenerator]:
        module_name, class_name = _LOCATIONS[name].split(":")
        cls: type[CandidateGenerator] = getattr(importlib.import_module(module_name), class_name)
        return cls

    def __iter__(self) -> Iterator[str]:
        return iter(_LOCATIONS)

    def __len__(self) -> int:
        return len(_LOCATIONS)


MODEL_CLASSES: Mapping[str, type[CandidateGenerator]] = _ModelRegistry()


def create_model(name: str, **options: object) -> CandidateGenerator:
    """A new, unfitted model by registry name.

    Raises:
        ValueError: ``name`` is not a registered model.
    """
    if name not in _LOCATIONS:
        known = ", ".join(sorted(_LOCATIONS))
        raise ValueError(f"model must be one of {known}, got {name!r}")
    return MODEL_CLASSES[name](**options)  # type: ignore[arg-type]
