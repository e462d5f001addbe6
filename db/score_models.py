"""The tables `scout score` writes: each storefront's and each business's score with the figures behind it, and when
it last ran (db.models re-exports them; they live apart only to keep db.models to the layout's size).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from db.clock import utcnow

__all__ = ["LeadScore", "ScoreRun", "SellerScore"]


class SellerScore(SQLModel, table=True):
    """A storefront's score as `scout score` last computed it: components, the figures behind them, revenue."""

    __tablename__ = "seller_score"
    # the dashboard's per-marketplace medians, top sellers and movers read these without a full scan
    __table_args__ = (
        Index("ix_seller_score_mp_ratings", "marketplace", "rating_count"),
        Index("ix_seller_score_mp_score", "marketplace", "score"),
        Index("ix_seller_score_growth", "growth_per_30d"),
        Index("ix_seller_score_mp_rank", "marketplace", "marketplace_rank"),
    )

    seller_pk: int = Field(primary_key=True, foreign_key="seller.id")
    business_key: str = Field(index=True)  # "business:<id>", or "seller:<pk>" for a storefront not yet matched
    marketplace: str
    normalized_name: str | None = Field(default=None, index=True)
    normalized_legal_name: str | None = Field(default=None, index=True)
    score: float = 0.0  # 0-100; 0 when insufficient
    insufficient: bool = False
    reason: str | None = None  # why the data is insufficient
    volume: float = 0.0
    quality: float = 0.0
    momentum: float = 0.5
    ranking: float = 0.0
    breadth: float = 0.0
    fit: float = 0.5
    rating_count: int | None = None  # the count volume and revenue use
    count_basis: str | None = None  # "lifetime" or "365-day"
    positive_share: float | None = None  # 0-1, from positive % or mapped from stars
    quality_basis: str | None = None  # "positive_pct" or "stars"
    stars: float | None = None
    quality_n: int | None = None
    wilson: float | None = None
    momentum_series: str | None = None  # which count momentum compared
    momentum_days: float | None = None
    growth_per_30d: float | None = None  # ratings gained per 30 days
    growth_rel: float | None = None  # that gain relative to the earlier count
    ranked_products: int = 0
    best_rank: int | None = None
    categories: str | None = None  # taxonomy keys (scout.scoring.categories), ",kitchen,tools,"
    raw_categories: str | None = None  # the marketplace's own codes behind them, "; "-joined
    listings: int | None = None
    marketplaces_count: int = 1
    currency: str | None = None  # the storefront's own currency: its prices and the figures below
    price_median: float | None = None  # median of its observed prices
    price_count: int = 0
    price_low: float | None = None  # the price range revenue uses (widened when the basis is thin)
    price_high: float | None = None
    price_thin: bool = False
    price_basis: str | None = None
    feedback_rate_low: float | None = None
    feedback_rate_high: float | None = None
    feedback_source: str | None = None
    orders_low: float | None = None
    orders_high: float | None = None
    orders_exact: bool = False
    orders_basis: str | None = None  # "exact sales", "feedback ÷ rate 40-60 %"
    revenue_low: float | None = None
    revenue_high: float | None = None
    revenue_period: str | None = None  # "lifetime" or "last 365 days"
    orders_month_low: float | None = None
    orders_month_high: float | None = None
    gmv_month_low: float | None = None  # per month, own currency
    gmv_month_high: float | None = None
    gmv_exact: bool = False  # exact sales and a firm price basis
    gmv_basis: str | None = None
    reporting_currency: str | None = None
    rate: float | None = None  # reporting currency per unit of the own currency
    rate_date: str | None = None
    revenue_low_rc: float | None = None  # lifetime, reporting currency
    revenue_high_rc: float | None = None
    gmv_month_low_rc: float | None = None  # per month, reporting currency
    gmv_month_high_rc: float | None = None
    marketplace_volume: float | None = None  # percentile of monthly GMV within its marketplace
    marketplace_rank: int | None = None  # 1 = the largest monthly GMV of its marketplace
    last_seen: datetime
    computed_at: datetime = Field(default_factory=utcnow)


class LeadScore(SQLModel, table=True):
    """A business's lead score (its best storefront, breadth across all of them), ready for `scout leads`."""

    __tablename__ = "lead_score"
    # `scout leads` walks the best scores first, over all businesses or those of one country
    __table_args__ = (Index("ix_lead_score_rank", "score", "id"), Index("ix_lead_score_country_rank", "country",
                                                                        "score", "id"))

    id: int | None = Field(default=None, primary_key=True)
    business_key: str = Field(unique=True)
    business_id: int | None = Field(default=None, foreign_key="business.id", index=True)
    main_seller_pk: int = Field(foreign_key="seller.id")
    name: str
    normalized_name: str | None = Field(default=None, index=True)
    marketplaces: str  # comma-joined, sorted
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
    revenue_low: float | None = None  # summed over storefronts, each converted into `currency`
    revenue_high: float | None = None
    currency: str | None = None  # the reporting currency
    revenue_exact: bool = False
    revenue_period: str | None = None
    revenue_basis: str | None = None
    gmv_month_low: float | None = None  # per month, summed over storefronts in `currency`
    gmv_month_high: float | None = None
    gmv_basis: str | None = None
    rate_date: str | None = None  # the date of the exchange rates the totals were converted at
    storefront_gmv: str | None = None  # each storefront's monthly GMV in its own currency, "; "-joined
    marketplace_rank: int | None = None  # its main storefront's rank by monthly GMV within its marketplace
    growth_pct_30d: float | None = None
    last_seen: datetime
    computed_at: datetime = Field(default_factory=utcnow)


class ScoreRun(SQLModel, table=True):
    """When `scout score` last ran and how far the data reached then, so commands can tell stale scores."""

    __tablename__ = "score_run"

    id: int | None = Field(default=None, primary_key=True)
    computed_at: datetime = Field(default_factory=utcnow)
    storefronts: int = 0
    businesses: int = 0
    reporting_currency: str = "USD"
    data_mark: str = ""  # the largest ids of snapshots, sellers, offers, rankings and businesses then
