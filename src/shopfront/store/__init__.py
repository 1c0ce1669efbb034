"""Storage: one schema over SQLite (default) and PostgreSQL."""

from shopfront.store.records import Interaction, InteractionFrame, InteractionType, Item
from shopfront.store.store import Store

__all__ = ["Interaction", "InteractionFrame", "InteractionType", "Item", "Store"]
