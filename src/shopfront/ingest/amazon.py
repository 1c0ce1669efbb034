"""Reader of a dataset folder in the Amazon sequence form (S3-Rec preprocessing).

The folder holds ``<Name>.txt`` (one user a line: the user id, then item ids
oldest first) and, each optional:

- ``<Name>_item2attributes.json``: item id → list of anonymous attribute ids;
- ``datamaps.json``: ``{"id2user": …, "id2item": …}`` mapping ids to Amazon ids (ASINs);
- ``item_generative_indexing_phase_0.txt``: ``ASIN short text`` lines, a title proxy.

Whatever ``<Name>`` is, the reader uses what is there. Items get:

- ``title``: the short text of their ASIN when both the map and the text file
  exist, else the item id;
- ``attributes``: ``{"attr": [ids]}`` from the attribute file;
- ``brand`` and ``category``: per the preprocessing, an item's attributes are its
  brand followed by its category path, but the ids are anonymous and an item
  without a brand starts directly with its category. We still read the first id
  as the brand (``"b<id>"``) and the rest as the category path
  (``"a<id> > a<id>"``), a documented approximation.

There are no timestamps and no event types: every interaction is a purchase and
positions stand in for time (see :func:`~shopfront.prep.builder.snapshot_from_sequences`).

Example:
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "Toy.txt").write_text("1 10 11 12\\n2 11 12\\n")
    >>> data = read_amazon_folder(folder)
    >>> data.name, data.user_ids, data.sequences[1], len(data.catalog)
    ('Toy', ['1', '2'], ['11', '12'], 3)
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from shopfront.errors import ValidationError
from shopfront.prep.builder import snapshot_from_sequences
from shopfront.prep.snapshot import Snapshot
from shopfront.store.records import Item

logger = logging.getLogger(__name__)

DATAMAPS_FILE = "datamaps.json"
TEXT_FILE = "item_generative_indexing_phase_0.txt"


@dataclass(frozen=True)
class AmazonSequences:
    """The content of an Amazon sequence folder.

    Attributes:
        name: The dataset name (``<Name>`` of ``<Name>.txt``).
        user_ids: External user ids, in file order.
        sequences: Per user, external item ids, oldest first.
        catalog: One :class:`Item` per item id, in order of first appearance.
    """

    name: str
    user_ids: list[str]
    sequences: list[list[str]]
    catalog: list[Item]

    @property
    def n_interactions(self) -> int:
        """Total number of interactions."""
        return sum(len(s) for s in self.sequences)

    def to_snapshot(self) -> Snapshot:
        """The sequences and catalog frozen into a :class:`Snapshot`."""
        return snapshot_from_sequences(self.user_ids, self.sequences, self.catalog)


def is_amazon_folder(folder: Path) -> bool:
    """Whether ``folder`` holds exactly one ``<Name>.txt`` sequence file."""
    return folder.is_dir() and len(_sequence_files(folder)) == 1


def read_amazon_folder(folder: Path) -> AmazonSequences:
    """Read an Amazon sequence folder.

    Args:
        folder: The dataset folder.

    Raises:
        ValidationError: ``folder`` is not a folder, has no or several sequence
            files, or a line of the sequence file is malformed.
    """
    sequence_file = _find_sequence_file(folder)
    name = sequence_file.stem
    user_ids, sequences = read_sequences(sequence_file)

    # Items in order of first appearance, then any that only the attribute file knows.
    attributes = _read_attributes(folder / f"{name}_item2attributes.json")
    item_ids = list(dict.fromkeys(i for s in sequences for i in s))
    known = set(item_ids)
    item_ids += [i for i in attributes if i not in known]
    titles = _read_titles(folder)
    catalog = [_item(i, titles.get(i, i), attributes.get(i, [])) for i in item_ids]

    logger.info(
        "read amazon folder name=%s users=%d items=%d interactions=%d titles=%d attributes=%d",
        name, len(user_ids), len(catalog), sum(map(len, sequences)), len(titles), len(attributes),
    )  # fmt: skip
    return AmazonSequences(name, user_ids, sequences, catalog)


def read_sequences(path: Path) -> tuple[list[str], list[list[str]]]:
    """User ids and item sequences of a ``<Name>.txt`` file; blank lines are skipped.

    Raises:
        ValidationError: A line has a user id but no item, or a user id repeats.
    """
    user_ids: list[str] = []
    sequences: list[list[str]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) < 2:
                raise ValidationError(
                    f"{path.name} line {number}: a user needs at least one item, "
                    f"got {line.strip()!r}"
                )
            user_ids.append(fields[0])
            sequences.append(fields[1:])
    if len(set(user_ids)) != len(user_ids):
        raise ValidationError(f"{path.name}: user ids must be unique, got {len(user_ids)} lines")
    return user_ids, sequences


def _sequence_files(folder: Path) -> list[Path]:
    """Candidate ``<Name>.txt`` files: text files other than the title file."""
    return sorted(p for p in folder.glob("*.txt") if p.name != TEXT_FILE)


def _find_sequence_file(folder: Path) -> Path:
    """The one ``<Name>.txt`` file of a folder."""
    if not folder.is_dir():
        raise ValidationError(f"dataset must be a folder, got {str(folder)!r}")
    files = _sequence_files(folder)
    if len(files) != 1:
        names = [p.name for p in files]
        raise ValidationError(
            f"dataset folder {str(folder)!r} must hold exactly one <Name>.txt, got {names}"
        )
    return files[0]


def _read_attributes(path: Path) -> dict[str, list[int]]:
    """Item id → attribute ids, or nothing when the file is absent."""
    if not path.exists():
        return {}
    raw = json.loads(path.read_text(encoding="utf-8"))
    return {str(item_id): [int(a) for a in ids] for item_id, ids in raw.items()}


def _read_titles(folder: Path) -> dict[str, str]:
    """Item id → short text, when both the id map and the text file exist."""
    datamaps, texts = folder / DATAMAPS_FILE, folder / TEXT_FILE
    if not (datamaps.exists() and texts.exists()):
        return {}
    id2item: dict[str, str] = json.loads(datamaps.read_text(encoding="utf-8")).get("id2item", {})
    text_by_asin: dict[str, str] = {}
    with texts.open(encoding="utf-8") as handle:
        for line in handle:
            asin, _, text = line.strip().partition(" ")
            if asin:
                text_by_asin[asin] = text.strip()
    return {
        item_id: text_by_asin[asin] for item_id, asin in id2item.items() if text_by_asin.get(asin)
    }


def _item(item_id: str, title: str, attribute_ids: list[int]) -> Item:
    """One catalog item; the first attribute id read as brand, the rest as category path."""
    brand = f"b{attribute_ids[0]}" if attribute_ids else ""
    category = " > ".join(f"a{a}" for a in attribute_ids[1:])
    attributes = {"attr": list(attribute_ids)} if attribute_ids else {}
    return Item(item_id=item_id, title=title, category=category, brand=brand, attributes=attributes)
