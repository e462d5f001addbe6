"""A crawl's counts, all read from its frontier: the closing summary and the crawl table show the same numbers.

Counting from the frontier rather than adding up as pages are stored keeps the counts right when several workers
share a crawl, a page is tried again, or a crawl is resumed.
"""

from __future__ import annotations

from sqlalchemy import Exists, case, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import session_scope
from db.models import Crawl, FrontierEntry, OfferRecord, Seller, SellerSnapshot, utcnow
from scout.crawl.frontier import BLOCKED, DISALLOWED, DONE, DRIFTED, FAILED, GONE, PENDING
from scout.crawl.summary import CrawlSummary, SourceSummary

# frontier status -> (SourceSummary field, Crawl column)
FIELDS = {DONE: ("ok", "pages_ok"), BLOCKED: ("blocked", "pages_blocked"), DRIFTED: ("drifted", "pages_drifted"),
          DISALLOWED: ("disallowed", "pages_disallowed"), FAILED: ("failed", "pages_failed"),
          GONE: ("gone", "pages_gone"), PENDING: ("pending", "pages_left")}


def tally(engine: Engine, crawl_id: int, sources: list[str] | None = None, status: str = "") -> CrawlSummary:
    """Per-source page and seller counts of a crawl, from its frontier and its records."""
    summary = CrawlSummary(crawl_id, status, {name: SourceSummary() for name in sources or []})
    retried = case((col(FrontierEntry.attempts) > 1, 1), else_=0)  # sum(boolean) does not exist on PostgreSQL
    with session_scope(engine) as session:
        rows = session.execute(select(col(FrontierEntry.marketplace), col(FrontierEntry.status), func.count(),
                                      func.sum(retried)).where(col(FrontierEntry.crawl_id) == crawl_id).group_by(
            col(FrontierEntry.marketplace), col(FrontierEntry.status))).all()
    for source, page_status, count, retries in rows:
        s = summary.sources.setdefault(source, SourceSummary())
        name = FIELDS.get(page_status, ("failed", ""))[0]
        setattr(s, name, getattr(s, name) + count)
        s.retried += int(retries or 0)
    for source, (new, updated) in seller_counts(engine, crawl_id).items():
        s = summary.sources.setdefault(source, SourceSummary())
        s.sellers_new, s.sellers_updated = new, updated
    return summary


def record_tally(engine: Engine, summary: CrawlSummary, *, status: str | None = None, finished: bool = False) -> None:
    """Write a summary's totals to the crawl's row (and its status, and when it finished)."""
    totals = {column: sum(getattr(s, name) for s in summary.sources.values()) for name, column in FIELDS.values()}
    values: dict[str, object] = {**totals, "pages_retried": sum(s.retried for s in summary.sources.values()),
                                 "sellers_new": sum(s.sellers_new for s in summary.sources.values()),
                                 "sellers_updated": sum(s.sellers_updated for s in summary.sources.values())}
    if status is not None:
        values["status"] = status
    if finished:
        values["finished_at"] = utcnow()
    with session_scope(engine) as session:
        session.execute(update(Crawl).where(col(Crawl.id) == summary.crawl_id).values(**values))


def seller_counts(engine: Engine, crawl_id: int) -> dict[str, tuple[int, int]]:
    """Per marketplace: (sellers this crawl saw for the first time, sellers also seen by another crawl or ingest)."""
    def seen_elsewhere(table: type[SellerSnapshot] | type[OfferRecord]) -> Exists:
        seller_pk, other_crawl = col(table.seller_pk), col(table.crawl_id)
        return select(seller_pk).where(seller_pk == col(Seller.id), or_(
            other_crawl.is_(None), other_crawl != crawl_id)).exists()

    with session_scope(engine) as session:
        this_crawl = select(col(SellerSnapshot.seller_pk).label("pk")).where(
            col(SellerSnapshot.crawl_id) == crawl_id).union(select(col(OfferRecord.seller_pk).label("pk")).where(
                col(OfferRecord.crawl_id) == crawl_id)).subquery()
        again = or_(seen_elsewhere(SellerSnapshot), seen_elsewhere(OfferRecord))
        rows = session.execute(select(col(Seller.marketplace), again, func.count()).where(
            col(Seller.id).in_(select(this_crawl.c.pk))).group_by(col(Seller.marketplace), again)).all()
    counts: dict[str, tuple[int, int]] = {}
    for marketplace, seen_before, n in rows:
        new, updated = counts.get(marketplace, (0, 0))
        counts[marketplace] = (new, updated + n) if seen_before else (new + n, updated)
    return counts
