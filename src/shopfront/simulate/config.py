"""Settings of a simulated shop: its size, period, and the shoppers' behaviour rates."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

SECONDS_PER_DAY = 86_400.0


class SimulationConfig(BaseModel):
    """Everything that decides a simulated shop; the same config and seed give the same shop.

    The funnel rates are the shop-wide targets of the browsing model: a shopper's
    own chance at each step rises and falls with how well the item suits their
    hidden tastes, and the rates are rescaled so that the shop as a whole lands
    near these figures.

    Example:
        >>> config = SimulationConfig(n_users=100, n_items=300, days=14, seed=3)
        >>> (config.end - config.start_timestamp) / SECONDS_PER_DAY, config.n_bots
        (14.0, 1)
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    n_users: int = Field(default=5_000, ge=1, description="Number of shoppers, bots included.")
    n_items: int = Field(default=12_000, ge=200, le=200_000, description="Number of catalog items.")
    days: int = Field(
        default=56, ge=1, le=730, description="Length of the simulated period in days."
    )
    seed: int = Field(default=0, ge=0, description="Seed of every random draw.")
    start: datetime = Field(
        default=datetime(2026, 9, 1, tzinfo=UTC), description="First instant of the period (UTC)."
    )
    sessions_per_week: float = Field(
        default=2.0, gt=0, description="Mean number of browsing sessions a shopper starts a week."
    )
    views_per_session: float = Field(
        default=6.0, ge=1, description="Mean number of item views in one session."
    )
    focus_share: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Share of a session's views in the session's main category.",
    )
    popular_share: float = Field(
        default=0.15, ge=0, le=1, description="Share of views on popular items regardless of taste."
    )
    new_arrival_share: float = Field(
        default=0.05,
        ge=0,
        le=1,
        description="Share of views on new arrivals of the shopper's tastes.",
    )
    click_rate: float = Field(
        default=0.30, gt=0, lt=1, description="Target share of views clicked."
    )
    cart_rate: float = Field(default=0.10, gt=0, lt=1, description="Target share of clicks carted.")
    purchase_rate: float = Field(
        default=0.40, gt=0, lt=1, description="Target share of carts bought."
    )
    rebuy_probability: float = Field(
        default=0.75,
        ge=0,
        le=1,
        description="Chance that a consumable is bought again when it runs out.",
    )
    new_arrival_fraction: float = Field(
        default=0.08, ge=0, lt=1, description="Share of the catalog released during the period."
    )
    out_of_stock_fraction: float = Field(
        default=0.05, ge=0, lt=1, description="Share of items out of stock (viewable, not buyable)."
    )
    bot_fraction: float = Field(
        default=0.01, ge=0, lt=1, description="Share of users that are bots."
    )
    bot_views_per_day: tuple[int, int] = Field(
        default=(600, 1_000), description="Range of a bot's views on each of its active days."
    )
    bot_active_days: tuple[int, int] = Field(
        default=(1, 4), description="Range of the number of consecutive days a bot is active."
    )

    @field_validator("start")
    @classmethod
    def _start_in_utc(cls, value: datetime) -> datetime:
        """Read a naive start as UTC, so that the period never depends on the machine's zone."""
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value

    @field_validator("bot_views_per_day", "bot_active_days")
    @classmethod
    def _valid_range(cls, value: tuple[int, int]) -> tuple[int, int]:
        """A range is two positive bounds, the low one first."""
        low, high = value
        if not 1 <= low <= high:
            raise ValueError(f"must be a range (low, high) with 1 <= low <= high, got {value!r}")
        return value

    @property
    def start_timestamp(self) -> float:
        """The first instant of the period, in Unix seconds."""
        return self.start.timestamp()

    @property
    def end(self) -> float:
        """The end of the period (exclusive), in Unix seconds."""
        return self.start_timestamp + self.days * SECONDS_PER_DAY

    @property
    def n_bots(self) -> int:
        """How many users are bots: the configured share, and at least one when it is not 0."""
        if self.bot_fraction == 0:
            return 0
        return min(self.n_users, max(1, round(self.bot_fraction * self.n_users)))
