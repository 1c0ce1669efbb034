"""Datasets the offline protocol runs on: an Amazon sequence folder or a saved snapshot.

``--dataset DIR`` accepts either a folder in the Amazon sequence form (see
:mod:`shopfront.ingest.amazon`), whatever its ``<Name>``, or a folder written by
:meth:`Snapshot.save <shopfront.prep.snapshot.Snapshot.save>` (for example a
snapshot of the store or of the simulated shop).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from shopfront.errors import ValidationError
from shopfront.ingest.amazon import is_amazon_folder, read_amazon_folder
from shopfront.prep.snapshot import Snapshot

SNAPSHOT_FILES: tuple[str, ...] = ("meta.json", "arrays.npz", "matrix.npz")


@dataclass(frozen=True)
class Dataset:
    """A named snapshot of every interaction to evaluate on.

    Attributes:
        name: Shown in reports.
        snapshot: All interactions, each user's full history.
    """

    name: str
    snapshot: Snapshot


def load_dataset(folder: Path) -> Dataset:
    """Read an Amazon sequence folder or a saved snapshot folder.

    Raises:
        ValidationError: ``folder`` is neither.
    """
    if folder.is_dir() and all((folder / name).exists() for name in SNAPSHOT_FILES):
        return Dataset(folder.name, Snapshot.load(folder))
    if is_amazon_folder(folder):
        data = read_amazon_folder(folder)
        return Dataset(data.name, data.to_snapshot())
    raise ValidationError(
        f"dataset must be an Amazon sequence folder (one <Name>.txt) or a saved snapshot "
        f"(with {', '.join(SNAPSHOT_FILES)}), got {str(folder)!r}"
    )
