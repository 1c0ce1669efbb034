"""The item side of profiles: which category and brand each item belongs to.

Profiles speak of categories and brands, while histories speak of item indices.
:class:`ItemTable` holds the mapping once, as integer arrays, so that building a
profile never touches a string until the very end.

Categories come from one of two places (the builder's ``category_key``):

- ``None``: the top level of each item's category path (``"Beauty > Nails"`` is in
  ``"Beauty"``); deeper levels (``"Beauty > Nails"``) become sub-categories;
- a key such as ``"attr"``: the item's attribute tokens ``"attr:<value>"``, so an
  item may sit in several categories (Amazon Beauty's anonymous attribute ids).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from shopfront.prep.snapshot import Snapshot


@dataclass(frozen=True)
class ItemTable:
    """Category, brand and price columns of a snapshot's items.

    Attributes:
        item_ids: External item ids, in item index order.
        titles: Item titles, in item index order.
        categories: Category names; a category index points into it.
        brands: Brand names; a brand index points into it.
        item_categories: int32 (n_items, max_labels) category indices, ``-1`` padded;
            an item without a category has a row of ``-1``.
        item_brands: int32 (n_items,) brand index, ``-1`` where unknown.
        item_prices: float32 (n_items,) prices, NaN where unknown.
        features: CSR float32 (n_items, n_features) binary naive-Bayes features of
            each item: the item itself, its brand and its sub-categories or other
            attributes.
    """

    item_ids: np.ndarray
    titles: Sequence[str]
    categories: tuple[str, ...]
    brands: tuple[str, ...]
    item_categories: np.ndarray
    item_brands: np.ndarray
    item_prices: np.ndarray
    features: sp.csr_matrix

    @property
    def n_items(self) -> int:
        return len(self.item_ids)

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    def label_matrix(self) -> sp.csr_matrix:
        """CSR float32 (n_items, n_categories), each item's row summing to 1 (or 0)."""
        rows, cols = np.nonzero(self.item_categories >= 0)
        labels = self.item_categories[rows, cols]
        per_item = np.bincount(rows, minlength=self.n_items).astype(np.float32)
        values = 1.0 / per_item[rows]
        shape = (self.n_items, self.n_categories)
        return sp.csr_matrix((values.astype(np.float32), (rows, labels)), shape=shape)


def item_table(snapshot: Snapshot, *, category_key: str | None = None) -> ItemTable:
    """Read the category, brand and feature columns of a snapshot's items.

    Args:
        snapshot: The snapshot whose items are described.
        category_key: ``None`` for the top level of the category path, or an
            attribute key whose values are the categories (see the module docstring).
    """
    if category_key is None:
        labels, extras = _path_labels(snapshot.item_categories)
    else:
        labels, extras = _attribute_labels(snapshot.item_attributes, category_key)
    categories, item_categories = _index_labels(labels)
    brands, item_brands = _index_values(snapshot.item_brands)

    # Naive-Bayes tokens: the item, its brand, and its finer-grained labels.
    tokens = [
        [f"item:{index}"] + ([f"brand:{brand}"] if brand else []) + extra
        for index, (brand, extra) in enumerate(zip(snapshot.item_brands, extras, strict=True))
    ]
    return ItemTable(
        item_ids=np.asarray(snapshot.items.ids, dtype=object),
        titles=list(snapshot.item_titles),
        categories=categories,
        brands=brands,
        item_categories=item_categories,
        item_brands=item_brands,
        item_prices=np.asarray(snapshot.item_prices, dtype=np.float32),
        features=_token_matrix(tokens),
    )


def _path_labels(paths: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Top-level category and sub-category tokens of each category path."""
    labels: list[list[str]] = []
    extras: list[list[str]] = []
    for path in paths:
        parts = [part.strip() for part in path.split(">") if part.strip()]
        labels.append(parts[:1])
        extras.append([f"sub:{' > '.join(parts[:depth])}" for depth in range(2, len(parts) + 1)])
    return labels, extras


def _attribute_labels(
    attributes: Sequence[Sequence[str]], key: str
) -> tuple[list[list[str]], list[list[str]]]:
    """Attribute values under ``key`` as labels; the other attribute tokens as extras."""
    prefix = f"{key}:"
    labels: list[list[str]] = []
    extras: list[list[str]] = []
    for tokens in attributes:
        labels.append([t[len(prefix) :] for t in tokens if t.startswith(prefix)])
        extras.append([f"attr:{t}" for t in tokens if not t.startswith(("brand:", prefix))])
    return labels, extras


def _index_labels(labels: list[list[str]]) -> tuple[tuple[str, ...], np.ndarray]:
    """Label names in order of first appearance and a padded index matrix."""
    names = tuple(dict.fromkeys(label for item in labels for label in item))
    lookup = {name: position for position, name in enumerate(names)}
    width = max((len(item) for item in labels), default=0) or 1
    matrix = np.full((len(labels), width), -1, dtype=np.int32)
    for row, item in enumerate(labels):
        unique = list(dict.fromkeys(item))
        matrix[row, : len(unique)] = [lookup[label] for label in unique]
    return names, matrix


def _index_values(values: Sequence[str]) -> tuple[tuple[str, ...], np.ndarray]:
    """Distinct non-empty values and each row's index (``-1`` for empty)."""
    names = tuple(dict.fromkeys(v for v in values if v))
    lookup = {name: position for position, name in enumerate(names)}
    indices = np.fromiter((lookup.get(v, -1) for v in values), dtype=np.int32, count=len(values))
    return names, indices


def _token_matrix(tokens: list[list[str]]) -> sp.csr_matrix:
    """A binary CSR matrix with one row per item and one column per distinct token."""
    vocabulary: dict[str, int] = {}
    indptr = np.zeros(len(tokens) + 1, dtype=np.int64)
    columns: list[int] = []
    for row, item in enumerate(tokens):
        for token in dict.fromkeys(item):
            columns.append(vocabulary.setdefault(token, len(vocabulary)))
        indptr[row + 1] = len(columns)
    data = np.ones(len(columns), dtype=np.float32)
    shape = (len(tokens), len(vocabulary))
    return sp.csr_matrix((data, np.asarray(columns, dtype=np.int64), indptr), shape=shape)
