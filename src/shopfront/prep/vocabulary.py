"""The ID vocabulary: the one place where external ids become matrix indices.

External ``user_id``/``item_id`` strings never index an array, and an index never
leaves a model; conversion happens here, at stage boundaries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np

from shopfront.errors import UnknownIdError


class IdVocabulary:
    """A frozen, order-preserving mapping between external ids and 0-based indices.

    Args:
        ids: External ids, unique, in index order.

    Example:
        >>> vocab = IdVocabulary(["a", "b"])
        >>> vocab.index("b"), vocab.id(0), len(vocab)
        (1, 'a', 2)
    """

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids: np.ndarray = np.asarray(list(ids), dtype=object)
        self._index = {item: position for position, item in enumerate(self.ids)}
        if len(self._index) != len(self.ids):
            raise ValueError(f"ids must be unique, got {len(self.ids) - len(self._index)} repeats")

    def __len__(self) -> int:
        return len(self.ids)

    def __contains__(self, external_id: object) -> bool:
        return external_id in self._index

    def index(self, external_id: str) -> int:
        """The index of an external id.

        Raises:
            UnknownIdError: The id is not in the vocabulary.
        """
        try:
            return self._index[external_id]
        except KeyError:
            raise UnknownIdError(f"id {external_id!r} is not in the vocabulary") from None

    def get(self, external_id: str, default: int = -1) -> int:
        """The index of an external id, or ``default`` when unknown."""
        return self._index.get(external_id, default)

    def indices(self, external_ids: Sequence[str], *, default: int = -1) -> np.ndarray:
        """Indices of many ids as int64; unknown ids map to ``default``."""
        lookup = self._index
        return np.fromiter((lookup.get(i, default) for i in external_ids), dtype=np.int64)

    def id(self, index: int) -> str:
        """The external id at an index."""
        return str(self.ids[index])

    def to_ids(self, indices: Iterable[int]) -> list[str]:
        """External ids of many indices."""
        return [str(self.ids[i]) for i in indices]
