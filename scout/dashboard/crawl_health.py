"""The dashboard's crawl health: how each source's last crawl went, with the crawl's own rule for an alarm."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlmodel import Session, col

from db.models import Crawl, FrontierEntry
from scout.crawl.summary import mostly_blocked
from scrapers.registry import MARKETPLACES

CRAWL_LOOKBACK = 50  # newest crawls searched for each source's last one


@dataclass(frozen=True)
class SourceHealth:
    """How a source's last crawl went."""

    source: str
    crawl_id: int
    status: str
    started_at: datetime
    finished_at: datetime | None
    ok: int
    retried: int
    blocked: int
    drifted: int
    disallowed: int
    failed: int

    @property
    def fetched(self) -> int:
        """Pages that should have yielded figures."""
        return self.ok + self.blocked + self.drifted + self.failed

    @property
    def alarm(self) -> bool:
        """Mostly blocked or drifted: a bot wall or a layout change the parsers do not know."""
        return mostly_blocked(self.fetched, self.blocked, self.drifted)

    @property
    def last_at(self) -> datetime:
        """When the crawl finished, or started if it has not."""
        return self.finished_at or self.started_at



def _crawl_sources(crawl: Crawl) -> list[str]:
    """The marketplaces a crawl covered: its source, or the `sources` it was started with."""
    if crawl.source in MARKETPLACES:
        return [crawl.source]
    try:
        options = json.loads(crawl.options or "{}")
    except json.JSONDecodeError:
        return []
    sources = options.get("sources") if isinstance(options, dict) else None
    return [s for s in sources if s in MARKETPLACES] if isinstance(sources, list) else []


def crawl_health(session: Session, marketplace: str | None = None) -> tuple[SourceHealth, ...]:
    """Each source's last crawl among the newest ones, with its page counts, in marketplace order."""
    latest: dict[str, Crawl] = {}
    for crawl in session.execute(select(Crawl).order_by(col(Crawl.id).desc()).limit(CRAWL_LOOKBACK)).scalars():
        for source in _crawl_sources(crawl):
            if marketplace in (None, source):
                latest.setdefault(source, crawl)
    shared = {crawl.id for source, crawl in latest.items() if crawl.source != source}
    per_source: dict[tuple[int, str], dict[str, int]] = {}
    if shared:  # a crawl of several sources counts pages per source in its frontier
        attempts = func.sum(case((col(FrontierEntry.attempts) > 1, 1), else_=0))
        for crawl_id, source, status, n, retried in session.execute(select(
                col(FrontierEntry.crawl_id), col(FrontierEntry.marketplace), col(FrontierEntry.status),
                func.count(), attempts).where(col(FrontierEntry.crawl_id).in_(shared)).group_by(
                col(FrontierEntry.crawl_id), col(FrontierEntry.marketplace), col(FrontierEntry.status))).all():
            counts = per_source.setdefault((crawl_id, source), {})
            counts[status] = counts.get(status, 0) + int(n)
            counts["retried"] = counts.get("retried", 0) + int(retried or 0)
    rows = []
    for source in sorted(latest, key=MARKETPLACES.index):
        crawl = latest[source]
        assert crawl.id is not None
        if crawl.source == source:
            figures = (crawl.pages_ok, crawl.pages_retried, crawl.pages_blocked, crawl.pages_drifted,
                       crawl.pages_disallowed, crawl.pages_failed + crawl.pages_gone)
        else:
            c = per_source.get((crawl.id, source), {})
            figures = (c.get("done", 0), c.get("retried", 0), c.get("blocked", 0), c.get("drifted", 0),
                       c.get("disallowed", 0), c.get("failed", 0) + c.get("gone", 0))
        rows.append(SourceHealth(source, crawl.id, crawl.status, crawl.started_at, crawl.finished_at, *figures))
    return tuple(rows)
