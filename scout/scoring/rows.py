"""The rows `scout score` stores: one per storefront (`seller_score`) and one per business (`lead_score`).

Plain dataclasses with exactly the tables' columns (a test checks it): a million SQLModel objects cost far more,
and rows are inserted by field name.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from scout.scoring.components import COMPONENTS


@dataclass(slots=True)
class StorefrontScore:
    """A row of `seller_score`."""

    seller_pk: int
    business_key: str
    marketplace: str
    last_seen: datetime
    computed_at: datetime
    normalized_name: str | None = None
    normalized_legal_name: str | None = None
    score: float = 0.0
    insufficient: bool = False
    reason: str | None = None
    volume: float = 0.0
    quality: float = 0.0
    momentum: float = 0.5
    ranking: float = 0.0
    breadth: float = 0.0
    fit: float = 0.5
    rating_count: int | None = None
    count_basis: str | None = None
    positive_share: float | None = None
    quality_basis: str | None = None
    stars: float | None = None
    quality_n: int | None = None
    wilson: float | None = None
    momentum_series: str | None = None
    momentum_days: float | None = None
    growth_per_30d: float | None = None
    growth_rel: float | None = None
    ranked_products: int = 0
    best_rank: int | None = None
    categories: str | None = None
    raw_categories: str | None = None
    listings: int | None = None
    marketplaces_count: int = 1
    currency: str | None = None
    price_median: float | None = None
    price_count: int = 0
    price_low: float | None = None
    price_high: float | None = None
    price_thin: bool = False
    price_basis: str | None = None
    feedback_rate_low: float | None = None
    feedback_rate_high: float | None = None
    feedback_source: str | None = None
    orders_low: float | None = None
    orders_high: float | None = None
    orders_exact: bool = False
    orders_basis: str | None = None
    revenue_low: float | None = None
    revenue_high: float | None = None
    revenue_period: str | None = None
    orders_month_low: float | None = None
    orders_month_high: float | None = None
    gmv_month_low: float | None = None
    gmv_month_high: float | None = None
    gmv_exact: bool = False
    gmv_basis: str | None = None
    reporting_currency: str | None = None
    rate: float | None = None
    rate_date: str | None = None
    revenue_low_rc: float | None = None
    revenue_high_rc: float | None = None
    gmv_month_low_rc: float | None = None
    gmv_month_high_rc: float | None = None
    marketplace_volume: float | None = None
    marketplace_rank: int | None = None

    def components(self) -> dict[str, float]:
        """The six component values by name."""
        return {name: getattr(self, name) for name in COMPONENTS}


@dataclass(slots=True)
class BusinessScore:
    """A row of `lead_score`."""

    business_key: str
    main_seller_pk: int
    name: str
    marketplaces: str
    last_seen: datetime
    computed_at: datetime
    business_id: int | None = None
    normalized_name: str | None = None
    storefronts: int = 1
    main_url: str | None = None
    country: str | None = None
    categories: str | None = None
    score: float = 0.0
    insufficient: bool = False
    reason: str | None = None
    volume: float = 0.0
    quality: float = 0.0
    momentum: float = 0.5
    ranking: float = 0.0
    breadth: float = 0.0
    fit: float = 0.5
    positive_pct: float | None = None
    rating_count: int | None = None
    revenue_low: float | None = None
    revenue_high: float | None = None
    currency: str | None = None
    revenue_exact: bool = False
    revenue_period: str | None = None
    revenue_basis: str | None = None
    gmv_month_low: float | None = None
    gmv_month_high: float | None = None
    gmv_basis: str | None = None
    rate_date: str | None = None
    storefront_gmv: str | None = None
    marketplace_rank: int | None = None
    growth_pct_30d: float | None = None

    def components(self) -> dict[str, float]:
        """The six component values by name."""
        return {name: getattr(self, name) for name in COMPONENTS}
