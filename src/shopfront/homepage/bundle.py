"""The model bundle: everything a homepage needs, versioned and swapped as one.

A bundle is a folder ``<root>/<version>/`` holding the snapshot, each fitted
candidate generator, the profile builder and the ranker when present, and a
``bundle.json`` manifest. It is written to a temporary folder and renamed into
place, so a reader never sees half a bundle; :meth:`ModelBundle.validate` must
pass before a bundle is promoted or swapped in.
"""

from __future__ import annotations

import json
import logging
import os
import pickle
import shutil
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from shopfront.errors import BundleError
from shopfront.models.base import CandidateGenerator
from shopfront.models.registry import MODEL_CLASSES
from shopfront.prep.snapshot import History, Snapshot

logger = logging.getLogger(__name__)

MANIFEST = "bundle.json"


def new_version() -> str:
    """A sortable, unique bundle version such as ``20261203-181500-1a2b``."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:4]


@dataclass
class ModelBundle:
    """A snapshot with the models, profiles and ranker fitted on it.

    Attributes:
        version: Unique, sortable version string.
        snapshot: The training snapshot (vocabularies and item features).
        models: Fitted candidate generators by registry name.
        profiles: The fitted profile builder, when profiles were built.
        ranker: The fitted ranker, when one was trained.
        metadata: Training facts (time, counts, timings, metrics).
    """

    version: str
    snapshot: Snapshot
    models: dict[str, CandidateGenerator]
    profiles: Any = None
    ranker: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def save(self, root: Path) -> Path:
        """Write the bundle under ``root`` atomically; returns its folder."""
        final = root / self.version
        staging = root / f".{self.version}.partial"
        shutil.rmtree(staging, ignore_errors=True)
        self.snapshot.save(staging / "snapshot")
        for name, model in self.models.items():
            model.save(staging / "models" / f"{name}.bin")
        for name in ("profiles", "ranker"):
            if getattr(self, name) is not None:
                with (staging / f"{name}.bin").open("wb") as handle:
                    pickle.dump(getattr(self, name), handle, protocol=pickle.HIGHEST_PROTOCOL)
        manifest = {"version": self.version, "models": sorted(self.models), **self.metadata}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str))
        os.replace(staging, final)
        logger.info("saved bundle version=%s path=%s", self.version, final)
        return final

    @classmethod
    def load(cls, folder: Path) -> ModelBundle:
        """Read and validate a bundle folder.

        Raises:
            BundleError: The folder is missing, incomplete or corrupt.
        """
        try:
            manifest = json.loads((folder / MANIFEST).read_text())
            snapshot = Snapshot.load(folder / "snapshot")
            models = {
                name: MODEL_CLASSES[name].load(folder / "models" / f"{name}.bin")
                for name in manifest["models"]
            }
            extras = {name: _load_pickle(folder / f"{name}.bin") for name in ("profiles", "ranker")}
        except Exception as error:  # any failure to read means the bundle is unusable
            raise BundleError(f"bundle at {folder} cannot be loaded: {error}") from error
        metadata = {k: v for k, v in manifest.items() if k not in {"version", "models"}}
        bundle = cls(manifest["version"], snapshot, models, metadata=metadata, **extras)
        bundle.validate()
        logger.info("loaded bundle version=%s", bundle.version)
        return bundle

    def validate(self) -> None:
        """Check that every model serves a sane ranking; raise :class:`BundleError` if not."""
        if not self.models:
            raise BundleError(f"bundle {self.version} has no models")
        probes = [History.empty()]
        if self.snapshot.n_users:
            probes.append(self.snapshot.history(0))
        for name, model in self.models.items():
            scores = model.score(probes)
            if scores.shape != (len(probes), self.snapshot.n_items) or np.isnan(scores).any():
                raise BundleError(f"bundle {self.version}: model {name!r} returns invalid scores")


def _load_pickle(path: Path) -> Any:
    if not path.exists():
        return None
    with path.open("rb") as handle:
        return pickle.load(handle)
