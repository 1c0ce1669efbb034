"""The feedback stage's tables, defined with the rest of the schema in the store.

``page_views`` holds one row per served homepage (what the order policy was
offered and chose, with propensities, and no user id); ``experiments`` the
configured A/B experiments.
"""

from shopfront.store.schema import experiments, page_views

__all__ = ["experiments", "page_views"]
