"""Causal multi-head self-attention with a plain reference path and a fused fast path.

Letters: B batch, L sequence length, D hidden size, H heads, E = D / H head size.

Position ``t`` attends to positions ``<= t`` that are not padding, and always to
itself, so that a padded query never has an empty row (its output is ignored).
Two implementations compute the same function:

- ``"reference"``: softmax(QKᵀ/√E) V written out in PyTorch, the readable one;
- ``"sdpa"``: :func:`torch.nn.functional.scaled_dot_product_attention`, fused.

The choice is an explicit option; ``tests/models/test_sequential.py`` checks that
both give the same output (dropout off).
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

ATTENTION_IMPLEMENTATIONS: tuple[str, ...] = ("reference", "sdpa")


def attention_mask(padding: torch.Tensor) -> torch.Tensor:
    """bool (B, 1, L, L): True where query ``t`` may attend to key ``s``.

    Args:
        padding: bool (B, L), True at padding positions.
    """
    length = padding.shape[1]
    causal = torch.ones(length, length, dtype=torch.bool, device=padding.device).tril()
    allowed = causal[None, :, :] & ~padding[:, None, :]
    allowed |= torch.eye(length, dtype=torch.bool, device=padding.device)[None]
    return allowed[:, None, :, :]


def reference_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    allowed: torch.Tensor,
    dropout: float = 0.0,
    training: bool = False,
) -> torch.Tensor:
    """Plain scaled dot-product attention.

    Args:
        query, key, value: float32 (B, H, L, E).
        allowed: bool (B, 1, L, L), True where attention is allowed.
        dropout: Dropout rate on the attention weights (training only).
        training: Whether dropout applies.

    Returns:
        float32 (B, H, L, E).
    """
    logits = query @ key.transpose(-2, -1) / math.sqrt(query.shape[-1])
    logits = logits.masked_fill(~allowed, float("-inf"))
    weights = torch.softmax(logits, dim=-1)
    weights = F.dropout(weights, p=dropout, training=training)
    return weights @ value


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention over (B, L, D).

    Args:
        hidden: D, the model width; a multiple of ``heads``.
        heads: H, the number of heads.
        dropout: Dropout on attention weights.
        implementation: ``"reference"`` or ``"sdpa"``.
    """

    def __init__(
        self, hidden: int, heads: int, dropout: float, implementation: str = "reference"
    ) -> None:
        super().__init__()
        if hidden % heads != 0:
            raise ValueError(f"hidden must be a multiple of heads={heads}, got {hidden}")
        if implementation not in ATTENTION_IMPLEMENTATIONS:
            raise NotImplementedError(
                f"attention implementation must be one of {ATTENTION_IMPLEMENTATIONS}, "
                f"got {implementation!r}"
            )
        self.heads = heads
        self.dropout = dropout
        self.implementation = implementation
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)

    def forward(self, x: torch.Tensor, allowed: torch.Tensor) -> torch.Tensor:
        """Attend within each sequence.

        Args:
            x: float32 (B, L, D).
            allowed: bool (B, 1, L, L) from :func:`attention_mask`.

        Returns:
            float32 (B, L, D).
        """
        batch, length, hidden = x.shape
        qkv = self.qkv(x).view(batch, length, 3, self.heads, hidden // self.heads)
        query, key, value = qkv.permute(2, 0, 3, 1, 4).unbind(0)

        dropout = self.dropout if self.training else 0.0
        if self.implementation == "sdpa":
            mixed = F.scaled_dot_product_attention(
                query, key, value, attn_mask=allowed, dropout_p=dropout
            )
        else:
            mixed = reference_attention(query, key, value, allowed, dropout, self.training)
        output: torch.Tensor = self.out(mixed.transpose(1, 2).reshape(batch, length, hidden))
        return output
