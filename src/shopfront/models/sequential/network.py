"""The transformer network: an item encoder and a causal sequence encoder.

Letters: B batch, L sequence length (left-padded), D hidden size, N items,
A attribute-token slots, T text-embedding size (384 for MiniLM), P real
(non-padding) positions of a batch.

Item slots are shifted by one so that slot 0 is padding: item index ``i`` is
slot ``i + 1``. An item's vector fuses a learned id embedding, the mean of its
attribute-token embeddings and a projection of its (frozen) text embedding; the
same vectors embed the input sequence and score the output, ``score = h · v``
(tied embeddings, as in SASRec: Kang & McAuley, "Self-Attentive Sequential
Recommendation", ICDM 2018). Because attributes and text are shared across
items, an item without training interactions still gets a meaningful vector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from shopfront.models.sequential.attention import CausalSelfAttention, attention_mask

N_TYPES = 5  # InteractionType values 1..4, 0 for padding
N_GAP_BUCKETS = 24  # log2 buckets of seconds between consecutive events


@dataclass(frozen=True)
class NetworkConfig:
    """Sizes and switches of the network.

    Attributes:
        n_items: N, items of the catalog.
        hidden: D.
        layers: Transformer blocks.
        heads: Attention heads per block.
        max_seq_len: Longest input; older interactions are dropped.
        dropout: Dropout on embeddings, attention and feed-forward outputs.
        ffn_multiplier: Feed-forward width as a multiple of D.
        attention: ``"reference"`` or ``"sdpa"``.
        use_types: Add an interaction-type embedding.
        use_time_gaps: Add an embedding of the log2-bucketed time since the previous event.
    """

    n_items: int
    hidden: int = 64
    layers: int = 2
    heads: int = 1
    max_seq_len: int = 50
    dropout: float = 0.3
    ffn_multiplier: int = 2
    attention: str = "reference"
    use_types: bool = True
    use_time_gaps: bool = True


class ItemEncoder(nn.Module):
    """Item vectors from slots: id + mean attribute embedding + projected text.

    Slot 0 (padding) maps to the zero vector.

    Args:
        config: Network sizes.
        attribute_slots: int64 (N, A) attribute-token ids per item, 0 padding.
        text_embeddings: float32 (N, T) frozen text embeddings, or ``None``.
    """

    def __init__(
        self,
        config: NetworkConfig,
        attribute_slots: np.ndarray | None,
        text_embeddings: np.ndarray | None,
    ) -> None:
        super().__init__()
        self.id_embedding = nn.Embedding(config.n_items + 1, config.hidden, padding_idx=0)
        nn.init.normal_(self.id_embedding.weight, std=0.02)
        self.attribute_embedding: nn.Embedding | None = None
        self.text_projection: nn.Linear | None = None
        if attribute_slots is not None and attribute_slots.size:
            n_tokens = int(attribute_slots.max()) + 1
            self.attribute_embedding = nn.Embedding(n_tokens, config.hidden, padding_idx=0)
            nn.init.normal_(self.attribute_embedding.weight, std=0.02)
            padded = np.vstack([np.zeros((1, attribute_slots.shape[1]), np.int64), attribute_slots])
            self.register_buffer("attribute_slots", torch.from_numpy(padded))
        if text_embeddings is not None:
            self.text_projection = nn.Linear(text_embeddings.shape[1], config.hidden, bias=False)
            padded_text = np.vstack(
                [np.zeros((1, text_embeddings.shape[1]), np.float32), text_embeddings]
            )
            self.register_buffer("text_embeddings", torch.from_numpy(padded_text))

    def forward(self, slots: torch.Tensor) -> torch.Tensor:
        """float32 (*S, D) vectors of int64 (*S) slots; zero at slot 0."""
        vectors: torch.Tensor = self.id_embedding(slots)
        if self.attribute_embedding is not None:
            tokens = self.get_buffer("attribute_slots")[slots]  # (*S, A)
            counts = (tokens > 0).sum(dim=-1, keepdim=True).clamp(min=1)
            vectors = vectors + self.attribute_embedding(tokens).sum(dim=-2) / counts
        if self.text_projection is not None:
            vectors = vectors + self.text_projection(self.get_buffer("text_embeddings")[slots])
        return vectors

    def table(self) -> torch.Tensor:
        """float32 (N, D) vectors of every item, in item-index order."""
        slots = torch.arange(
            1, self.id_embedding.num_embeddings, device=self.id_embedding.weight.device
        )
        table: torch.Tensor = self(slots)
        return table


class TransformerBlock(nn.Module):
    """Pre-norm block: x + attention(LN(x)), then x + feed-forward(LN(x)), on (B, L, D)."""

    def __init__(self, config: NetworkConfig) -> None:
        super().__init__()
        width = config.hidden * config.ffn_multiplier
        self.attention_norm = nn.LayerNorm(config.hidden)
        self.attention = CausalSelfAttention(
            config.hidden, config.heads, config.dropout, config.attention
        )
        self.ffn_norm = nn.LayerNorm(config.hidden)
        self.ffn = nn.Sequential(
            nn.Linear(config.hidden, width),
            nn.GELU(),
            nn.Dropout(config.dropout),
            nn.Linear(width, config.hidden),
        )
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        """float32 (B, L, D) → (B, L, D)."""
        x = x + self.dropout(self.attention(self.attention_norm(x), allowed))
        output: torch.Tensor = x + self.dropout(self.ffn(self.ffn_norm(x)))
        return output


class SequenceEncoder(nn.Module):
    """Causal transformer over embedded sequences: (B, L, D) → (B, L, D)."""

    def __init__(self, config: NetworkConfig) -> None:
        super().__init__()
        self.position_embedding = nn.Embedding(config.max_seq_len, config.hidden)
        self.type_embedding = nn.Embedding(N_TYPES, config.hidden) if config.use_types else None
        self.gap_embedding = (
            nn.Embedding(N_GAP_BUCKETS, config.hidden) if config.use_time_gaps else None
        )
        for table in (self.position_embedding, self.type_embedding, self.gap_embedding):
            if table is not None:
                nn.init.normal_(table.weight, std=0.02)
        self.input_dropout = nn.Dropout(config.dropout)
        self.blocks = nn.ModuleList(TransformerBlock(config) for _ in range(config.layers))
        self.output_norm = nn.LayerNorm(config.hidden)

    def forward(
        self,
        embedded: torch.Tensor,
        positions: torch.Tensor,
        types: torch.Tensor,
        gaps: torch.Tensor,
        padding: torch.Tensor,
    ) -> torch.Tensor:
        """Contextualize each position with its past.

        Args:
            embedded: float32 (B, L, D) item vectors.
            positions: int64 (B, L) position from the start of the window.
            types: int64 (B, L) interaction types, 0 at padding.
            gaps: int64 (B, L) time-gap buckets.
            padding: bool (B, L), True at padding.

        Returns:
            float32 (B, L, D); position ``t`` summarizes items ``<= t``.
        """
        x = embedded + self.position_embedding(positions)
        if self.type_embedding is not None:
            x = x + self.type_embedding(types)
        if self.gap_embedding is not None:
            x = x + self.gap_embedding(gaps)
        x = self.input_dropout(x.masked_fill(padding[..., None], 0.0))

        allowed = attention_mask(padding)
        for block in self.blocks:
            x = block(x, allowed)
        output: torch.Tensor = self.output_norm(x)
        return output


class SequentialNetwork(nn.Module):
    """Item encoder + sequence encoder; scores are dot products with the item table.

    Args:
        config: Network sizes.
        attribute_slots: int64 (N, A) attribute-token ids, or ``None``.
        text_embeddings: float32 (N, T), or ``None``.
    """

    def __init__(
        self,
        config: NetworkConfig,
        attribute_slots: np.ndarray | None = None,
        text_embeddings: np.ndarray | None = None,
    ) -> None:
        super().__init__()
        self.config = config
        self.item_encoder = ItemEncoder(config, attribute_slots, text_embeddings)
        self.sequence_encoder = SequenceEncoder(config)

    def forward(self, slots: torch.Tensor, types: torch.Tensor, gaps: torch.Tensor) -> torch.Tensor:
        """Hidden states of every position.

        Args:
            slots: int64 (B, L) item slots (index + 1), 0 at padding (left).
            types: int64 (B, L) interaction types, 0 at padding.
            gaps: int64 (B, L) time-gap buckets.

        Returns:
            float32 (B, L, D); position ``t`` summarizes the items up to ``t``.
        """
        padding = slots == 0
        positions = (~padding).long().cumsum(dim=1).sub(1).clamp(min=0)

        # Encode each distinct item once, then spread the vectors over positions.
        distinct, where = torch.unique(slots, return_inverse=True)
        embedded = self.item_encoder(distinct)[where]
        hidden: torch.Tensor = self.sequence_encoder(embedded, positions, types, gaps, padding)
        return hidden
