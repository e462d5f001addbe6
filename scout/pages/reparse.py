"""`scout reparse`: run today's parsers over archived pages, without the network."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from db.archive import ArchivedPage, decompress
from db.engine import session_scope
from db.models import FrontierEntry, Page
from db.store import StoreCounts
from scout.errors import InputError
from scout.pages.charset import decode_body
from scout.pages.extract import Extracted, parse_outcome, store_outcomes
from scrapers.registry import MARKETPLACES

BATCH = 200


@dataclass
class ReparseReport:
    """How many archived pages each verdict got, and what re-parsing stored."""

    statuses: Counter[str] = field(default_factory=Counter)
    totals: StoreCounts = field(default_factory=StoreCounts)


def reparse_pages(engine: Engine, *, marketplace: str | None = None, only_failed: bool = False) -> ReparseReport:
    """Re-parse every archived page (of one marketplace, or only those that were blocked/drifted)."""
    if marketplace is not None and marketplace not in MARKETPLACES:
        raise InputError(f"unknown marketplace {marketplace!r} (known: {', '.join(MARKETPLACES)})")
    report = ReparseReport()
    with session_scope(engine) as session:
        query = select(col(Page.id)).where(col(Page.status).in_((0, 200)))
        if marketplace:
            query = query.where(col(Page.marketplace) == marketplace)
        if only_failed:
            query = query.where(col(Page.parse_status) != "ok")
        ids = list(session.execute(query.order_by(col(Page.id))).scalars())
    for start in range(0, len(ids), BATCH):
        with session_scope(engine) as session:
            pages = session.execute(select(Page).where(col(Page.id).in_(ids[start:start + BATCH]))).scalars().all()
            hints = _frontier_hints(session, [p.id for p in pages if p.id is not None])
            extracted = []
            for page in pages:
                assert page.id is not None
                kind, list_name = hints.get(page.id, (None, None))
                outcome = parse_outcome(decode_body(decompress(page.body), page.content_type),
                                        marketplace=page.marketplace,
                                        kind=kind or (page.kind if page.parse_status == "ok" else None), url=page.url)
                archived = ArchivedPage(page.id, page.url, page.fetched_at, page.crawl_id)
                extracted.append(Extracted(archived, outcome, page.fetched_at, page.crawl_id, list_name))
            store_outcomes(session, extracted, refresh=True)
            for item in extracted:
                report.statuses[item.outcome.status] += 1
                report.totals.add(item.outcome.counts)
    return report


def _frontier_hints(session: Session, page_ids: list[int]) -> dict[int, tuple[str | None, str | None]]:
    rows = session.execute(select(col(FrontierEntry.page_id), col(FrontierEntry.kind),
                                  col(FrontierEntry.context)).where(col(FrontierEntry.page_id).in_(page_ids))).all()
    return {page_id: (kind, json.loads(context or "{}").get("list_name")) for page_id, kind, context in rows}
