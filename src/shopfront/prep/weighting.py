"""Interaction strength: event-type weights and time decay.

A purchase says more than a view, and last week says more than last year. The
strength of one interaction is ``type_weight * 0.5 ** (age_days / half_life_days)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from shopfront.store.records import InteractionType


@dataclass(frozen=True, slots=True)
class WeightingConfig:
    """How interactions are weighted.

    Attributes:
        view, click, add_to_cart, purchase: Weight of each interaction type;
            they must increase with intent.
        half_life_days: Age at which an interaction counts half; ``0`` disables decay.
    """

    view: float = 1.0
    click: float = 2.0
    add_to_cart: float = 4.0
    purchase: float = 8.0
    half_life_days: float = 60.0

    def __post_init__(self) -> None:
        weights = [self.view, self.click, self.add_to_cart, self.purchase]
        if any(w <= 0 for w in weights) or weights != sorted(weights):
            raise ValueError(
                "type weights must be positive and rise view < click < cart < purchase, "
                f"got {weights}"
            )
        if self.half_life_days < 0:
            raise ValueError(f"half_life_days must be >= 0, got {self.half_life_days}")

    def type_weights(self) -> np.ndarray:
        """Weights indexed by ``InteractionType`` value (index 0 unused)."""
        table = np.zeros(max(InteractionType) + 1, dtype=np.float32)
        table[InteractionType.VIEW] = self.view
        table[InteractionType.CLICK] = self.click
        table[InteractionType.ADD_TO_CART] = self.add_to_cart
        table[InteractionType.PURCHASE] = self.purchase
        return table


def interaction_strength(
    types: np.ndarray, timestamps: np.ndarray, *, now: float, config: WeightingConfig
) -> np.ndarray:
    """Strength of each interaction (float32), type weight times time decay."""
    weights = config.type_weights()[types.astype(np.int64)]
    if config.half_life_days <= 0:
        return weights
    age_days = np.maximum(now - timestamps, 0.0) / 86400.0
    return (weights * np.power(0.5, age_days / config.half_life_days)).astype(np.float32)
