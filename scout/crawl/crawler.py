"""The crawl: a frontier in the database, fetched politely, parsed, stored, followed.

The event loop fetches; scout.crawl.store_process parses and stores the fetched pages in batches, each batch one
transaction (archive + records + frontier status + discovered URLs), so a crawl killed at any moment resumes
with `--resume` without refetching finished pages or duplicating a snapshot.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Exists, func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import connection_scope, session_scope
from db.models import Crawl, FrontierEntry, OfferRecord, Seller, SellerSnapshot, utcnow
from scout.crawl.fetcher import ApiAuth, Fetcher
from scout.crawl.sources import SOURCES, CrawlScope, Request, seed_requests
from scout.crawl.store_process import (
    BLOCKED,
    COUNTERS,
    DISALLOWED,
    DONE,
    DRIFTED,
    FAILED,
    FRONTIER,
    GONE,
    PENDING,
    Fetched,
    Stored,
    StoreProcess,
    enqueue,
)
from scout.crawl.summary import CrawlSummary, SourceSummary
from scout.errors import DisallowedError, FetchError

__all__ = ["BLOCKED", "COUNTERS", "DISALLOWED", "DONE", "DRIFTED", "FAILED", "GONE", "PENDING", "Crawler",
           "CrawlSummary", "SourceSummary", "crawl_options", "find_resumable", "seller_counts", "start_crawl"]

FLUSH_PAGES = 16  # pages stored per transaction at most
FLUSH_SECONDS = 0.2  # and no fetched page waits longer than this to be stored
CLAIM_BATCH = 256  # frontier rows read per claim query
STORING_BATCHES = 4  # a source's batches handed to the store process and not yet stored, at most
Claimed = Any  # a claimed frontier row: id, url, marketplace, kind, depth, context, attempts (by attribute)


_PENDING_SQL = ("SELECT id, url, marketplace, kind, depth, context, attempts FROM frontier "
                "WHERE crawl_id = ? AND marketplace = ? AND status = ?")


class _Row(dict[str, Any]):
    """A frontier row read by plain SQLite, with its columns as attributes like a Core row."""

    __getattr__ = dict.__getitem__


ProgressCallback = Callable[[str, str, int, int], None]  # (source, page status, done, known)


def start_crawl(engine: Engine, sources: list[str], scope: CrawlScope, options: Mapping[str, object]) -> int:
    """Create a crawl and seed its frontier; returns the crawl id."""
    with session_scope(engine) as session:
        crawl = Crawl(source=sources[0] if len(sources) == 1 else "all", options=json.dumps(
            {**options, "sources": sources}, default=str))
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        for name in sources:
            enqueue(session, crawl.id, seed_requests(SOURCES[name], scope))
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
        self._queues: dict[str, deque[Claimed]] = {}  # claimed frontier rows not yet fetched
        self._progress: dict[str, list[int]] = {}  # source -> [pages handled, pages known], kept in memory

    async def run(self, sources: list[str]) -> CrawlSummary:
        """Crawl until every source's frontier is empty or the page budget is spent."""
        self._budget_used = self._processed_count()
        self._progress = {name: list(self.progress(name)) for name in sources}
        with session_scope(self.engine) as session:
            session.execute(update(Crawl).where(col(Crawl.id) == self.crawl_id).values(status="running"))
        status = "interrupted"
        store = StoreProcess(self.engine, self.crawl_id, self.follow)
        try:
            await asyncio.gather(*(self._run_source(name, store) for name in sources))
            status = "finished"
        finally:
            store.close()  # the batch being stored is committed whole; pages not stored stay pending
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

    def _claim(self, source: str, limit: int) -> list[Claimed]:
        """Up to `limit` pending entries, read from the frontier a few tasks' worth at a time."""
        queue = self._queues.setdefault(source, deque())
        if len(queue) < limit:
            for row in self._pending(source, max(limit, CLAIM_BATCH)):
                self._claimed.add(row.id)  # queued, in flight or being stored: pending in the database until stored
                queue.append(row)
        return [queue.popleft() for _ in range(min(limit, len(queue)))]

    def _pending(self, source: str, limit: int) -> list[Claimed]:
        """A source's pending entries not yet claimed, shallowest first (plain rows: no ORM bookkeeping needed)."""
        if self.engine.url.get_backend_name() != "sqlite":
            table = FRONTIER
            with connection_scope(self.engine) as conn:
                return list(conn.execute(select(
                    table.c.id, table.c.url, table.c.marketplace, table.c.kind, table.c.depth, table.c.context,
                    table.c.attempts).where(
                    table.c.crawl_id == self.crawl_id, table.c.marketplace == source, table.c.status == PENDING,
                    table.c.id.not_in(self._claimed)).order_by(table.c.depth, table.c.id).limit(limit)).all())
        # On SQLite, one statement outside any transaction: it reads the latest commit without taking the write
        # lock (a transaction here would be BEGIN IMMEDIATE and wait for the store process's batch to commit).
        raw = self.engine.raw_connection()
        try:
            exclude = sorted(self._claimed)
            if len(exclude) + 4 > raw.dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER):  # type: ignore[union-attr]
                exclude = []  # too many to bind (an old SQLite): the claimed ones are skipped below instead
            cursor = raw.cursor()
            cursor.execute(f"{_PENDING_SQL} AND id NOT IN ({', '.join('?' * len(exclude))}) ORDER BY depth, id LIMIT ?",
                           (self.crawl_id, source, PENDING, *exclude, limit + len(self._claimed) - len(exclude)))
            names = [column[0] for column in cursor.description]
            rows = [_Row(zip(names, values, strict=True)) for values in cursor.fetchall()]
            return [row for row in rows if row["id"] not in self._claimed][:limit]
        finally:
            raw.close()

    async def _run_source(self, source: str, store: StoreProcess) -> None:
        width = max(1, self.fetcher.config.concurrency)
        in_flight: set[asyncio.Future[Fetched]] = set()
        fetched: list[Fetched] = []
        storing: deque[asyncio.Future[Stored]] = deque()  # this source's batches handed to the store, in order
        oldest = 0.0
        loop = asyncio.get_running_loop()
        try:
            while True:
                while storing and storing[0].done():
                    self._stored(storing.popleft().result())
                room = width - len(in_flight)
                if len(storing) >= STORING_BATCHES and len(fetched) >= FLUSH_PAGES:
                    room = 0  # the store is behind: fetch no more until it takes a batch (memory stays flat)
                if self.max_pages is not None:
                    room = min(room, self.max_pages - self._budget_used)
                for entry in self._claim(source, room) if room > 0 else []:
                    self._budget_used += 1
                    in_flight.add(asyncio.ensure_future(self._process(entry)))
                if len(storing) < STORING_BATCHES and fetched and (
                        not in_flight or len(fetched) >= FLUSH_PAGES or loop.time() - oldest > FLUSH_SECONDS):
                    storing.append(asyncio.ensure_future(store.store(fetched[:FLUSH_PAGES])))
                    fetched = fetched[FLUSH_PAGES:]
                    oldest = loop.time()  # the pages left over wait from now (they are younger than that batch)
                    continue  # another batch may be ready to go too
                waiting: set[asyncio.Future[Any]] = {*in_flight, *storing}
                if not waiting:
                    return  # nothing in flight, nothing being stored, and the claim found nothing pending
                done, _ = await asyncio.wait(waiting, timeout=FLUSH_SECONDS, return_when=asyncio.FIRST_COMPLETED)
                for task in in_flight & done:
                    in_flight.discard(task)
                    if not fetched:
                        oldest = loop.time()
                    fetched.append(task.result())
        finally:  # fetched but unstored pages stay pending in the database: a resumed crawl fetches them again
            for task in in_flight:
                task.cancel()
            await asyncio.gather(*in_flight, *storing, return_exceptions=True)

    async def _process(self, entry: Claimed) -> Fetched:
        request = Request.from_frontier(entry.url, entry.marketplace, entry.kind, entry.depth, entry.context)
        auth = self.auths.get(request.auth) if request.auth else None
        try:
            result = await self.fetcher.fetch(request.url, api=request.api, auth=auth,
                                              allowed_hosts=SOURCES[request.marketplace].hosts,
                                              headers=request.headers)
        except DisallowedError as err:
            return Fetched(entry.id, request, None, DISALLOWED, str(err), 0)
        except FetchError as err:
            return Fetched(entry.id, request, None, FAILED, str(err), entry.attempts + 1)
        return Fetched(entry.id, request, result)

    def _stored(self, stored: Stored) -> None:
        """A batch is committed: release its claims (no longer pending, so the claim query's status filter excludes
        them, and the NOT IN list stays as short as the pages in flight) and report progress."""
        for source, added in stored.added.items():
            self._progress.setdefault(source, [0, 0])[1] += added
        for entry_id, source, status in stored.statuses:
            self._claimed.discard(entry_id)
            self._report(source, status)

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
