"""The crawl: a frontier in the database, fetched politely, parsed, stored, followed.

Each page is handled in one transaction (archive + records + frontier status + discovered URLs), so a crawl
killed at any moment resumes with `--resume` without refetching finished pages or duplicating a snapshot.
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Exists, bindparam, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from db.engine import session_scope
from db.models import Crawl, FrontierEntry, OfferRecord, Seller, SellerSnapshot, utcnow
from db.store import PageBody, archive_pages, execute_many
from scout.errors import DisallowedError, FetchError
from scout.extract import BLOCKED, DRIFTED, OK, Extracted, Outcome, parse_outcome, store_outcomes
from scout.fetcher import ApiAuth, Fetcher, FetchResult
from scout.sources import SOURCES, CrawlScope, Request, seed_requests
from scout.urls import url_fingerprint

PENDING, DONE, DISALLOWED, FAILED, GONE = "pending", "done", "disallowed", "failed", "gone"
# frontier status -> the crawl counter it adds to
COUNTERS = {DONE: "pages_ok", BLOCKED: "pages_blocked", DRIFTED: "pages_drifted", DISALLOWED: "pages_disallowed",
            FAILED: "pages_failed", GONE: "pages_failed"}
FLUSH_PAGES = 16  # pages stored per transaction at most
FLUSH_SECONDS = 0.2  # and no fetched page waits longer than this to be stored
FLAG_SHARE = 0.5  # a source with more than half its pages blocked or drifted is flagged
CLAIM_BATCH = 64  # frontier rows read per claim query
FRONTIER = FrontierEntry.__table__  # type: ignore[attr-defined]


@dataclass
class Fetched:
    """A frontier entry's fetch: the response, or the status and error it ended with."""

    entry: FrontierEntry
    request: Request
    result: FetchResult | None
    status: str = DONE
    error: str | None = None
    attempts: int = 0


@dataclass
class SourceSummary:
    """How one source's pages went in a crawl."""

    ok: int = 0
    retried: int = 0
    blocked: int = 0
    drifted: int = 0
    disallowed: int = 0
    failed: int = 0
    gone: int = 0
    pending: int = 0
    sellers_new: int = 0
    sellers_updated: int = 0

    @property
    def fetched(self) -> int:
        """Pages that should have yielded figures (pages that no longer exist are not held against a source)."""
        return self.ok + self.blocked + self.drifted + self.failed

    @property
    def flagged(self) -> bool:
        """Mostly blocked or drifted: the numbers from this source cannot be trusted."""
        return self.fetched > 0 and (self.blocked + self.drifted) / self.fetched > FLAG_SHARE


@dataclass
class CrawlSummary:
    """The closing summary of a crawl."""

    crawl_id: int
    status: str
    sources: dict[str, SourceSummary] = field(default_factory=dict)

    @property
    def flagged(self) -> list[str]:
        """Sources whose pages were mostly blocked or drifted."""
        return [name for name, summary in self.sources.items() if summary.flagged]


ProgressCallback = Callable[[str, str, int, int], None]  # (source, page status, done, known)


def _enqueue(session: Session, crawl_id: int, requests: list[Request]) -> int:
    """Add requests to the frontier (once per canonical URL); how many were new."""
    rows: dict[str, dict[str, object]] = {}
    for r in requests:
        fingerprint = url_fingerprint(r.url)
        rows.setdefault(fingerprint, dict(crawl_id=crawl_id, url=r.url, fingerprint=fingerprint,
                                          marketplace=r.marketplace, kind=r.kind, depth=r.depth, status=PENDING,
                                          attempts=0, context=r.context()))
    return execute_many(session.connection(), _insert_entries, list(rows.values()))


def _insert_entries(dialect: str) -> Any:
    return (postgresql if dialect == "postgresql" else sqlite).insert(FRONTIER).on_conflict_do_nothing(
        index_elements=["crawl_id", "fingerprint"])


def _mark_entries(dialect: str) -> Any:
    # bind names differ from the column names: SQLAlchemy reserves those for its own SET parameters
    return update(FRONTIER).where(FRONTIER.c.id == bindparam("entry_id")).values(
        status=bindparam("new_status"), error=bindparam("new_error"), attempts=bindparam("new_attempts"),
        page_id=bindparam("new_page_id"))


def start_crawl(engine: Engine, sources: list[str], scope: CrawlScope, options: Mapping[str, object]) -> int:
    """Create a crawl and seed its frontier; returns the crawl id."""
    with session_scope(engine) as session:
        crawl = Crawl(source=sources[0] if len(sources) == 1 else "all", options=json.dumps(
            {**options, "sources": sources}, default=str))
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        for name in sources:
            _enqueue(session, crawl.id, seed_requests(SOURCES[name], scope))
        return crawl.id


def find_resumable(engine: Engine, source: str | None = None) -> int | None:
    """The newest crawl that did not finish (interrupted, or killed while running)."""
    with session_scope(engine) as session:
        query = select(col(Crawl.id)).where(col(Crawl.status).in_(("running", "interrupted")))
        if source is not None:
            query = query.where(col(Crawl.source) == source)
        return session.execute(query.order_by(col(Crawl.id).desc()).limit(1)).scalar()


def crawl_options(engine: Engine, crawl_id: int) -> dict[str, object]:
    """The options (sources, scope, page budget) a crawl was started with."""
    with session_scope(engine) as session:
        crawl = session.get(Crawl, crawl_id)
        return dict(json.loads(crawl.options)) if crawl is not None else {}


class Crawler:
    """Runs one crawl's frontier to completion (or to its page budget) over a Fetcher."""

    def __init__(self, engine: Engine, fetcher: Fetcher, crawl_id: int, *, auths: Mapping[str, ApiAuth] | None = None,
                 max_pages: int | None = None, on_progress: ProgressCallback | None = None,
                 follow: bool = True) -> None:
        self.engine = engine
        self.follow = follow
        self.fetcher = fetcher
        self.crawl_id = crawl_id
        self.auths = dict(auths or {})
        self.max_pages = max_pages
        self.on_progress = on_progress
        self._budget_used = 0
        self._claimed: set[int] = set()
        self._queues: dict[str, deque[FrontierEntry]] = {}
        self._progress: dict[str, list[int]] = {}  # source -> [pages handled, pages known], kept in memory

    async def run(self, sources: list[str]) -> CrawlSummary:
        """Crawl until every source's frontier is empty or the page budget is spent."""
        self._budget_used = self._processed_count()
        self._progress = {name: list(self.progress(name)) for name in sources}
        with session_scope(self.engine) as session:
            session.execute(update(Crawl).where(col(Crawl.id) == self.crawl_id).values(status="running"))
        status = "interrupted"
        try:
            await asyncio.gather(*(self._run_source(name) for name in sources))
            status = "finished"
        finally:
            sellers = seller_counts(self.engine, self.crawl_id)
            with session_scope(self.engine) as session:
                session.execute(update(Crawl).where(col(Crawl.id) == self.crawl_id).values(
                    status=status, finished_at=utcnow(), sellers_new=sum(n for n, _ in sellers.values()),
                    sellers_updated=sum(u for _, u in sellers.values())))
        return self.summary(sources, status)

    def _processed_count(self) -> int:
        with session_scope(self.engine) as session:
            return session.execute(select(func.count()).select_from(FrontierEntry).where(
                col(FrontierEntry.crawl_id) == self.crawl_id, col(FrontierEntry.status) != PENDING)).scalar_one()

    def _claim(self, source: str, limit: int) -> list[FrontierEntry]:
        """Up to `limit` pending entries, read from the frontier a few tasks' worth at a time."""
        queue = self._queues.setdefault(source, deque())
        if len(queue) < limit:
            with session_scope(self.engine) as session:
                rows = session.execute(select(FrontierEntry).where(
                    col(FrontierEntry.crawl_id) == self.crawl_id, col(FrontierEntry.marketplace) == source,
                    col(FrontierEntry.status) == PENDING, col(FrontierEntry.id).not_in(self._claimed))
                    .order_by(col(FrontierEntry.depth), col(FrontierEntry.id)).limit(max(limit, CLAIM_BATCH))
                ).scalars().all()
            for row in rows:
                assert row.id is not None
                self._claimed.add(row.id)  # queued or in flight: pending in the database until stored
                queue.append(row)
        return [queue.popleft() for _ in range(min(limit, len(queue)))]

    async def _run_source(self, source: str) -> None:
        width = max(1, self.fetcher.config.concurrency)
        in_flight: set[asyncio.Task[Fetched]] = set()
        fetched: list[Fetched] = []
        oldest = 0.0
        loop = asyncio.get_running_loop()
        try:
            while True:
                room = width - len(in_flight)
                if self.max_pages is not None:
                    room = min(room, self.max_pages - self._budget_used)
                entries = self._claim(source, room) if room > 0 else []
                for entry in entries:
                    self._budget_used += 1
                    in_flight.add(asyncio.create_task(self._process(entry)))
                if fetched and (not in_flight or len(fetched) >= FLUSH_PAGES or loop.time() - oldest > FLUSH_SECONDS):
                    self._flush(fetched)
                    fetched = []
                    continue  # the flush may have discovered new pages to claim
                if not in_flight:
                    return
                done, in_flight = await asyncio.wait(in_flight, timeout=FLUSH_SECONDS,
                                                     return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    if not fetched:
                        oldest = loop.time()
                    fetched.append(task.result())
        finally:  # fetched but unflushed pages stay pending in the database: a resumed crawl fetches them again
            for task in in_flight:
                task.cancel()
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)

    async def _process(self, entry: FrontierEntry) -> Fetched:
        request = Request.from_frontier(entry.url, entry.marketplace, entry.kind, entry.depth, entry.context)
        auth = self.auths.get(request.auth) if request.auth else None
        try:
            result = await self.fetcher.fetch(request.url, api=request.api, auth=auth,
                                              allowed_hosts=SOURCES[request.marketplace].hosts,
                                              headers=request.headers)
        except DisallowedError as err:
            return Fetched(entry, request, None, DISALLOWED, str(err), 0)
        except FetchError as err:
            return Fetched(entry, request, None, FAILED, str(err), entry.attempts + 1)
        return Fetched(entry, request, result)

    def _flush(self, fetched: list[Fetched]) -> None:
        """Store several fetched pages in one transaction (each page wholly or, after a crash, not at all).

        Pages are parsed before the transaction opens, and each table then gets one statement for the whole batch:
        the write lock is held for as short a time as possible, and per-page statements were most of a page's cost.
        """
        statuses: list[tuple[FrontierEntry, str, str | None, int, int | None]] = []
        ok: list[tuple[Fetched, FetchResult, Outcome]] = []
        for item in fetched:
            result = item.result
            if result is None:
                statuses.append((item.entry, item.status, item.error, item.attempts, None))
            elif result.status == 200:
                ok.append((item, result, parse_outcome(result.text, marketplace=item.request.marketplace,
                                                       kind=item.request.kind, url=result.final_url)))
            else:
                status = {404: GONE, 410: GONE, 403: BLOCKED, 429: BLOCKED}.get(result.status, FAILED)
                statuses.append((item.entry, status, f"HTTP {result.status}", result.attempts, None))
        with session_scope(self.engine) as session:
            pages = archive_pages(session, [PageBody(
                result.url, url_fingerprint(result.url), result.body, result.fetched_at, result.status,
                result.headers.get("content-type"), self.crawl_id) for _, result, _ in ok])
            store_outcomes(session, [Extracted(page, outcome, result.fetched_at, self.crawl_id, item.request.list_name)
                                     for page, (item, result, outcome) in zip(pages, ok, strict=True)])
            children: dict[str, list[Request]] = {}
            for page, (item, result, outcome) in zip(pages, ok, strict=True):
                status = DONE if outcome.status == OK else outcome.status
                statuses.append((item.entry, status, outcome.error, result.attempts, page.id))
                if outcome.parsed is not None and self.follow:
                    source = item.request.marketplace
                    children.setdefault(source, []).extend(SOURCES[source].follow(item.request, outcome.parsed))
            added = {source: _enqueue(session, self.crawl_id, requests) for source, requests in children.items()}
            self._mark(session, statuses)
        # committed: release the claims (no longer pending, so the claim query's status filter excludes them; the
        # NOT IN list stays as short as the pages in flight) and report progress
        for source, n in added.items():
            self._progress.setdefault(source, [0, 0])[1] += n
        for entry, status, *_ in statuses:
            self._claimed.discard(entry.id or 0)
            self._report(entry.marketplace, status)

    def _mark(self, session: Session, statuses: list[tuple[FrontierEntry, str, str | None, int, int | None]]) -> None:
        """Record each entry's final status, and add them to the crawl's counters."""
        connection = session.connection()
        execute_many(connection, _mark_entries, [
            dict(entry_id=entry.id, new_status=status, new_error=error, new_attempts=attempts, new_page_id=page_id)
            for entry, status, error, attempts, page_id in statuses])
        counters: dict[str, int] = {}
        for _, status, _, attempts, _ in statuses:
            counters[COUNTERS[status]] = counters.get(COUNTERS[status], 0) + 1
            if attempts > 1:
                counters["pages_retried"] = counters.get("pages_retried", 0) + 1
        connection.execute(update(Crawl).where(col(Crawl.id) == self.crawl_id).values(
            **{name: getattr(Crawl, name) + n for name, n in counters.items()}))

    def _report(self, source: str, status: str) -> None:
        counts = self._progress.setdefault(source, [0, 0])
        counts[0] += 1
        if self.on_progress is not None:
            self.on_progress(source, status, counts[0], max(counts))

    def progress(self, source: str) -> tuple[int, int]:
        """(pages handled, pages known) for one source."""
        with session_scope(self.engine) as session:
            rows = dict(session.execute(select(col(FrontierEntry.status), func.count()).where(
                col(FrontierEntry.crawl_id) == self.crawl_id, col(FrontierEntry.marketplace) == source)
                .group_by(col(FrontierEntry.status))).all())
        return sum(n for s, n in rows.items() if s != PENDING), sum(rows.values())

    def summary(self, sources: list[str], status: str) -> CrawlSummary:
        """Per-source page and seller counts for this crawl."""
        summary = CrawlSummary(self.crawl_id, status, {name: SourceSummary() for name in sources})
        with session_scope(self.engine) as session:
            rows = session.execute(select(col(FrontierEntry.marketplace), col(FrontierEntry.status), func.count(),
                                          func.sum(col(FrontierEntry.attempts) > 1)).where(
                col(FrontierEntry.crawl_id) == self.crawl_id).group_by(col(FrontierEntry.marketplace),
                                                                       col(FrontierEntry.status)))
            for source, page_status, count, retried in rows.all():
                s = summary.sources.setdefault(source, SourceSummary())
                attr = {DONE: "ok", PENDING: "pending"}.get(page_status, page_status)
                setattr(s, attr, getattr(s, attr) + count)
                s.retried += int(retried or 0)
        for source, (new, updated) in seller_counts(self.engine, self.crawl_id).items():
            summary.sources.setdefault(source, SourceSummary())
            summary.sources[source].sellers_new, summary.sources[source].sellers_updated = new, updated
        return summary


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
