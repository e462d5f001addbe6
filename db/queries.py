"""Read-side queries the CLI and dashboards need, in SQLAlchemy Core.

The tables below name only the columns these reads use. They keep read-only commands such as `scout leads` from
importing db.models (SQLModel and pydantic take ~0.3 s to import); a test checks they agree with db.models.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Boolean, DateTime, Float, Integer, String, column, func, select, table
from sqlalchemy.engine import Connection
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

class _UTCDateTime(TypeDecorator[datetime]):
    """Datetimes read back as aware UTC, as db.models' UTCDateTime reads them (SQLite stores UTC without offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.utcoffset() is None else value.astimezone(UTC)


# a storefront's latest public contact details (scrapers.records.CONTACT_ATTRIBUTES but the customer-service address)
CONTACT_COLUMNS = ("business_name", "business_type", "business_address", "country", "phone", "email", "website",
                   "vat_number", "trade_register")
business = table("business", column("id", Integer), column("name", String), column("website", String),
                 column("email_domain", String))
crawl = table("crawl", column("id", Integer))
page = table("page", column("id", Integer), column("marketplace", String), column("crawl_id", Integer))
ranking_entry = table("ranking_entry", column("id", Integer), column("marketplace", String))
seller = table("seller", column("id", Integer), column("marketplace", String), column("seller_id", String),
               column("name", String), column("url", String),
               column("is_platform", Boolean), column("business_id", Integer), column("last_seen", _UTCDateTime()),
               *(column(name, String) for name in CONTACT_COLUMNS))
seller_contact = table("seller_contact", column("id", Integer), column("seller_pk", Integer),
                       column("field", String), column("value", String), column("label", String),
                       column("source_url", String), column("observed_at", _UTCDateTime()))
seller_snapshot = table("sellersnapshot", column("id", Integer), column("seller_pk", Integer))
offer = table("offer", column("id", Integer))
score_run = table("score_run", column("id", Integer), column("computed_at", _UTCDateTime()),
                  column("storefronts", Integer), column("reporting_currency", String), column("data_mark", String))
suppression = table("suppression", column("id", Integer), column("name", String),
                    column("normalized_name", String), column("domain", String), column("marketplace", String),
                    column("seller_id", String), column("kind", String), column("reason", String),
                    column("source", String))
outreach = table("outreach", column("business_id", Integer), column("status", String), column("owner", String))
seller_score = table("seller_score", column("seller_pk", Integer), column("business_key", String),
                     column("normalized_name", String), column("normalized_legal_name", String),
                     column("marketplace", String), column("marketplace_rank", Integer))
lead_score = table(
    "lead_score", column("id", Integer), column("business_key", String), column("business_id", Integer),
    column("main_seller_pk", Integer),
    column("name", String), column("normalized_name", String), column("marketplaces", String),
    column("storefronts", Integer), column("main_url", String), column("country", String),
    column("categories", String), column("score", Float), column("insufficient", Boolean),
    column("reason", String), *(column(name, Float) for name in (
        "volume", "quality", "momentum", "ranking", "breadth", "fit", "positive_pct")),
    column("rating_count", Integer), column("revenue_low", Float), column("revenue_high", Float),
    column("currency", String), column("revenue_exact", Boolean), column("revenue_period", String),
    column("revenue_basis", String), column("gmv_month_low", Float), column("gmv_month_high", Float),
    column("gmv_basis", String), column("rate_date", String), column("storefront_gmv", String),
    column("marketplace_rank", Integer), column("growth_pct_30d", Float), column("last_seen", _UTCDateTime()))
TABLES = (business, crawl, page, ranking_entry, seller, seller_contact, seller_snapshot, offer, score_run,
          suppression, outreach, seller_score, lead_score)


@dataclass(frozen=True)
class MarketplaceStats:
    """Row counts for one marketplace."""

    marketplace: str
    sellers: int
    snapshots: int
    businesses: int
    crawls: int
    pages: int
    rankings: int


def database_stats(session: Connection | Session) -> list[MarketplaceStats]:
    """Sellers, snapshots, businesses, crawls, pages and ranking entries per marketplace."""
    def grouped(key: ColumnElement[Any], counted: ColumnElement[Any]) -> dict[str, int]:
        return {mp: n for mp, n in session.execute(select(key, func.count(counted)).group_by(key)).all()
                if mp is not None}

    sellers = grouped(seller.c.marketplace, seller.c.id)
    snapshots = {mp: n for mp, n in session.execute(
        select(seller.c.marketplace, func.count(seller_snapshot.c.id)).join(
            seller_snapshot, seller_snapshot.c.seller_pk == seller.c.id).group_by(seller.c.marketplace)).all()}
    businesses = {mp: n for mp, n in session.execute(
        select(seller.c.marketplace, func.count(func.distinct(seller.c.business_id))).where(
            seller.c.business_id.is_not(None)).group_by(seller.c.marketplace)).all()}
    crawls = {mp: n for mp, n in session.execute(
        select(page.c.marketplace, func.count(func.distinct(page.c.crawl_id))).where(
            page.c.crawl_id.is_not(None)).group_by(page.c.marketplace)).all() if mp is not None}
    pages = grouped(page.c.marketplace, page.c.id)
    rankings = grouped(ranking_entry.c.marketplace, ranking_entry.c.id)
    names = sorted(set(sellers) | set(pages) | set(rankings))
    return [MarketplaceStats(mp, sellers.get(mp, 0), snapshots.get(mp, 0), businesses.get(mp, 0),
                             crawls.get(mp, 0), pages.get(mp, 0), rankings.get(mp, 0)) for mp in names]


def count_businesses(session: Connection | Session) -> int:
    """How many businesses Scout knows."""
    return session.execute(select(func.count(business.c.id))).scalar_one()


def count_crawls(session: Connection | Session) -> int:
    """How many crawls have been started."""
    return session.execute(select(func.count(crawl.c.id))).scalar_one()
