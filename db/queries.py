"""Read-side queries the CLI and dashboards need."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Business, Crawl, Page, RankingEntry, Seller, SellerSnapshot


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


def database_stats(session: Session) -> list[MarketplaceStats]:
    """Sellers, snapshots, businesses, crawls, pages and ranking entries per marketplace."""
    def grouped(column, counted) -> dict[str, int]:
        return {key: n for key, n in session.execute(select(column, func.count(counted)).group_by(column)).all()
                if key is not None}

    sellers = grouped(col(Seller.marketplace), col(Seller.id))
    snapshots = {mp: n for mp, n in session.execute(
        select(col(Seller.marketplace), func.count(col(SellerSnapshot.id))).join(
            SellerSnapshot, col(SellerSnapshot.seller_pk) == col(Seller.id)).group_by(col(Seller.marketplace))).all()}
    businesses = {mp: n for mp, n in session.execute(
        select(col(Seller.marketplace), func.count(func.distinct(col(Seller.business_id)))).where(
            col(Seller.business_id).is_not(None)).group_by(col(Seller.marketplace))).all()}
    crawls = {mp: n for mp, n in session.execute(
        select(col(Page.marketplace), func.count(func.distinct(col(Page.crawl_id)))).where(
            col(Page.crawl_id).is_not(None)).group_by(col(Page.marketplace))).all() if mp is not None}
    pages = grouped(col(Page.marketplace), col(Page.id))
    rankings = grouped(col(RankingEntry.marketplace), col(RankingEntry.id))
    names = sorted(set(sellers) | set(pages) | set(rankings))
    return [MarketplaceStats(mp, sellers.get(mp, 0), snapshots.get(mp, 0), businesses.get(mp, 0),
                             crawls.get(mp, 0), pages.get(mp, 0), rankings.get(mp, 0)) for mp in names]


def count_businesses(session: Session) -> int:
    """How many businesses Scout knows."""
    return session.execute(select(func.count(col(Business.id)))).scalar_one()


def count_crawls(session: Session) -> int:
    """How many crawls have been started."""
    return session.execute(select(func.count(col(Crawl.id)))).scalar_one()
