"""A simulated shop — catalog, events and hidden tastes — and its folder form.

A saved shop is a folder of four files:

- ``catalog.jsonl``: one item a line, with ``item_id``, ``title``, ``category``,
  ``brand``, ``price``, ``attributes``, ``in_stock`` and ``created_at``;
- ``events.parquet``: columns ``event_id``, ``user_id``, ``item_id``, ``type``
  (a lowercase label such as ``"add_to_cart"``) and ``timestamp`` (Unix seconds);
- ``tastes.json``: the hidden taste of each user id (see
  :class:`~shopfront.simulate.tastes.ShopperTaste`);
- ``simulation.json``: the period and the config that made the shop.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from shopfront.simulate.config import SimulationConfig
from shopfront.simulate.tastes import ShopperTaste
from shopfront.store.records import INTERACTION_LABELS, InteractionFrame, InteractionType, Item

logger = logging.getLogger(__name__)

CATALOG_FILE = "catalog.jsonl"
EVENTS_FILE = "events.parquet"
TASTES_FILE = "tastes.json"
SIMULATION_FILE = "simulation.json"


@dataclass(frozen=True)
class SimulatedShop:
    """The output of the simulator.

    Attributes:
        catalog: The shop's items.
        events: Every interaction, sorted by time.
        event_ids: object array of unique event ids, aligned with ``events``.
        tastes: The hidden taste of every user id, bots included.
        start: First instant of the period (Unix seconds).
        end: End of the period (exclusive, Unix seconds).
        config: The config that made the shop; ``None`` when it was not saved.
    """

    catalog: list[Item]
    events: InteractionFrame
    event_ids: np.ndarray
    tastes: dict[str, ShopperTaste]
    start: float
    end: float
    config: SimulationConfig | None = None

    @property
    def bot_ids(self) -> list[str]:
        """The user ids of the bots."""
        return [user_id for user_id, taste in self.tastes.items() if taste.is_bot]

    def save(self, folder: Path) -> None:
        """Write the shop into ``folder`` (created if needed; existing files are replaced)."""
        folder.mkdir(parents=True, exist_ok=True)
        with (folder / CATALOG_FILE).open("w", encoding="utf-8") as out:
            out.writelines(json.dumps(_item_dict(item)) + "\n" for item in self.catalog)
        pq.write_table(self._events_table(), folder / EVENTS_FILE)

        tastes = {user_id: taste.to_dict() for user_id, taste in self.tastes.items()}
        (folder / TASTES_FILE).write_text(json.dumps(tastes), encoding="utf-8")
        simulation = {
            "start": self.start,
            "end": self.end,
            "config": None if self.config is None else self.config.model_dump(mode="json"),
        }
        (folder / SIMULATION_FILE).write_text(json.dumps(simulation, indent=2), encoding="utf-8")
        logger.info(
            "saved simulated shop folder=%s items=%d events=%d",
            folder,
            len(self.catalog),
            len(self.events),
        )

    @classmethod
    def load(cls, folder: Path) -> SimulatedShop:
        """Read a shop written by :meth:`save`.

        Without ``simulation.json``, the period spans the first to the last event.
        """
        with (folder / CATALOG_FILE).open(encoding="utf-8") as lines:
            catalog = [Item(**json.loads(line)) for line in lines if line.strip()]
        events, event_ids = _read_events(folder / EVENTS_FILE)
        raw_tastes = json.loads((folder / TASTES_FILE).read_text(encoding="utf-8"))
        tastes = {user_id: ShopperTaste.from_dict(data) for user_id, data in raw_tastes.items()}

        simulation = _read_simulation(folder / SIMULATION_FILE, events)
        config = simulation.get("config")
        logger.info(
            "loaded simulated shop folder=%s items=%d events=%d",
            folder,
            len(catalog),
            len(events),
        )
        return cls(
            catalog=catalog,
            events=events,
            event_ids=event_ids,
            tastes=tastes,
            start=float(simulation["start"]),
            end=float(simulation["end"]),
            config=None if config is None else SimulationConfig.model_validate(config),
        )

    def _events_table(self) -> pa.Table:
        """The events as an Arrow table, types as dictionary-encoded labels."""
        codes = np.asarray(self.events.types, dtype=np.int8) - 1
        labels = pa.DictionaryArray.from_arrays(
            pa.array(codes, pa.int8()), pa.array(INTERACTION_LABELS, pa.string())
        )
        return pa.table(
            {
                "event_id": pa.array(self.event_ids, pa.string()),
                "user_id": pa.array(self.events.user_ids, pa.string()),
                "item_id": pa.array(self.events.item_ids, pa.string()),
                "type": labels,
                "timestamp": pa.array(self.events.timestamps, pa.float64()),
            }
        )


def _item_dict(item: Item) -> dict[str, Any]:
    """The JSON form of one catalog line."""
    return {
        "item_id": item.item_id,
        "title": item.title,
        "category": item.category,
        "brand": item.brand,
        "price": item.price,
        "attributes": item.attributes,
        "in_stock": item.in_stock,
        "created_at": item.created_at,
    }


def _read_events(path: Path) -> tuple[InteractionFrame, np.ndarray]:
    """The events and their ids from ``events.parquet``."""
    table = pq.read_table(path)
    labels = table.column("type").combine_chunks()
    if not pa.types.is_dictionary(labels.type):
        labels = labels.dictionary_encode()
    codes = np.array(
        [int(InteractionType.parse(label)) for label in labels.dictionary.to_pylist()],
        dtype=np.int8,
    )
    frame = InteractionFrame(
        user_ids=table.column("user_id").to_numpy().astype(object),
        item_ids=table.column("item_id").to_numpy().astype(object),
        types=codes[labels.indices.to_numpy(zero_copy_only=False)],
        timestamps=table.column("timestamp").to_numpy().astype(np.float64),
    )
    return frame, table.column("event_id").to_numpy().astype(object)


def _read_simulation(path: Path, events: InteractionFrame) -> dict[str, Any]:
    """The saved period and config, or a period guessed from the events."""
    if path.exists():
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return data
    times = np.asarray(events.timestamps, dtype=np.float64)
    start = float(times.min()) if len(times) else 0.0
    end = float(times.max()) + 1.0 if len(times) else 0.0
    return {"start": start, "end": end, "config": None}
