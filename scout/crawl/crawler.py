"""The crawl: a frontier in the database, fetched politely, parsed, stored, followed.

The event loop fetches; scout.crawl.store_process parses and stores the fetched pages in batches, each batch one
transaction (archive + records + frontier status + discovered URLs), so a crawl killed at any moment resumes
with `--resume` without refetching finished pages or duplicating a snapshot. On PostgreSQL the crawler is one
worker among any number (scout.crawl.frontier claims, scout.crawl.pacing paces, scout.crawl.workers watches).
"""

from __future__ import annotations

import asyncio
import json
from collections import deque
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import session_scope
from db.models import Crawl, FrontierEntry
from scout.crawl.fetcher import ApiAuth, Fetcher
from scout.crawl.frontier import (
    DISALLOWED,
    FAILED,
    PENDING,
    Claimed,
    Delays,
    claim_leased,
    claim_pending,
    enqueue,
    next_due,
    pending_count,
    url_host,
)
from scout.crawl.pacing import RESERVED, SharedPacing, Turn
from scout.crawl.sources import SOURCES, CrawlScope, Request, seed_requests
from scout.crawl.store_process import LOST, Fetched, Stored, StorePolicy, StoreProcess
from scout.crawl.summary import CrawlSummary
from scout.crawl.tally import record_tally, tally
from scout.crawl.workers import finish_worker, heartbeat, live_workers, register_worker
from scout.errors import DatabaseError, DisallowedError, FetchError

__all__ = ["Crawler", "crawl_options", "find_resumable", "shares_frontier", "start_crawl"]

FLUSH_PAGES = 16  # pages stored per transaction at most
FLUSH_SECONDS = 0.2  # and no fetched page waits longer than this to be stored
CLAIM_BATCH = 256  # frontier rows read per claim query (single crawler)
STORING_BATCHES = 4  # a source's batches handed to the store process and not yet stored, at most
IDLE_SECONDS = 0.1  # how often a worker with nothing to do looks for pages again

ProgressCallback = Callable[[str, str, int, int], None]  # (source, page status, done, known)
T = TypeVar("T")


def shares_frontier(engine: Engine) -> bool:
    """Whether workers share crawls on this database (PostgreSQL); SQLite has one crawler per crawl."""
    return engine.url.get_backend_name() == "postgresql"


def start_crawl(engine: Engine, sources: list[str], scope: CrawlScope, options: Mapping[str, object],
                delays: Delays | None = None) -> int:
    """Create a crawl and seed its frontier; returns the crawl id."""
    with session_scope(engine) as session:
        crawl = Crawl(source=sources[0] if len(sources) == 1 else "all", options=json.dumps(
            {**options, "sources": sources}, default=str))
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        for name in sources:
            enqueue(session, crawl.id, seed_requests(SOURCES[name], scope), delays)
        return crawl.id


def find_resumable(engine: Engine, source: str | None = None, *, running: bool = False) -> int | None:
    """The newest crawl that did not finish (interrupted, or killed while running); `running`: still running."""
    with session_scope(engine) as session:
        statuses = ("running",) if running else ("running", "interrupted")
        query = select(col(Crawl.id)).where(col(Crawl.status).in_(statuses))
        if source is not None:
            query = query.where(col(Crawl.source) == source)
        return session.execute(query.order_by(col(Crawl.id).desc()).limit(1)).scalar()


def crawl_options(engine: Engine, crawl_id: int) -> dict[str, object]:
    """The options (sources, scope, page budget) a crawl was started with."""
    with session_scope(engine) as session:
        crawl = session.get(Crawl, crawl_id)
        return dict(json.loads(crawl.options)) if crawl is not None else {}


class Crawler:
    """Works through one crawl's frontier to its end (or its page budget) over a Fetcher, as one worker."""

    def __init__(self, engine: Engine, fetcher: Fetcher, crawl_id: int, *, auths: Mapping[str, ApiAuth] | None = None,
                 max_pages: int | None = None, on_progress: ProgressCallback | None = None,
                 follow: bool = True, policy: StorePolicy | None = None, lease: float = 15.0) -> None:
        self.engine = engine
        self.fetcher = fetcher
        self.crawl_id = crawl_id
        self.auths = dict(auths or {})
        self.max_pages = max_pages
        self.on_progress = on_progress
        self.policy = policy or StorePolicy(follow=follow)
        self.lease = lease
        self.shared = shares_frontier(engine)
        self.worker_id = ""
        self._budget_used = 0
        self._claimed: set[int] = set()  # single crawler: queued, in flight or being stored
        self._queues: dict[str, deque[Claimed]] = {}  # single crawler: claimed frontier rows not yet fetched
        self._progress: dict[str, list[int]] = {}  # source -> [pages handled, pages known], kept in memory
        pacing = getattr(fetcher, "politeness", None)
        self._pacing = pacing if isinstance(pacing, SharedPacing) else None

    async def run(self, sources: list[str]) -> CrawlSummary:
        """Crawl until every source's frontier is empty or the page budget is spent."""
        self._budget_used = self._processed_count()
        self._progress = {name: list(self.progress(name)) for name in sources}
        self.worker_id = register_worker(self.engine, self.crawl_id)
        with session_scope(self.engine) as session:
            session.execute(update(Crawl).where(col(Crawl.id) == self.crawl_id).values(status="running"))
        status = "interrupted"
        store = StoreProcess(self.engine, self.crawl_id, self.policy)
        beat = asyncio.ensure_future(self._heartbeat())
        try:
            await asyncio.gather(*(self._run_source(name, store) for name in sources))
            status = "finished"
        finally:
            beat.cancel()
            store.close()  # the batch being stored is committed whole; pages not stored stay pending
            finish_worker(self.engine, self.worker_id)
            others = live_workers(self.engine, self.crawl_id, self.lease)
            summary = tally(self.engine, self.crawl_id, sources, status)
            # the last worker out closes the crawl; while others work on, it stays running
            record_tally(self.engine, summary, status=None if others else status, finished=not others)
        return summary

    async def _aside(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """A database call off the event loop (in it for in-memory SQLite, whose other threads see another database)."""
        if self.engine.url.get_backend_name() == "sqlite" and self.engine.url.database in (None, "", ":memory:"):
            return function(*args, **kwargs)
        return await asyncio.to_thread(function, *args, **kwargs)

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.lease / 3)
            try:
                await self._aside(heartbeat, self.engine, self.worker_id, self.lease)
                if self.shared:  # a dead worker's pages go back to the frontier at once
                    await self._aside(live_workers, self.engine, self.crawl_id, self.lease, exclude=self.worker_id)
            except DatabaseError:
                continue  # a beat the database missed (a restart, a lock): the next one, a third of a lease on, counts

    def _processed_count(self) -> int:
        with session_scope(self.engine) as session:
            return session.execute(select(func.count()).select_from(FrontierEntry).where(
                col(FrontierEntry.crawl_id) == self.crawl_id, or_(
                    col(FrontierEntry.status) != PENDING, col(FrontierEntry.claims) > 0))).scalar_one()

    def _claim(self, source: str, limit: int) -> list[Claimed]:
        """Up to `limit` entries to fetch now: leased from the shared frontier, or read a few tasks' worth ahead."""
        if self.shared:
            if self.max_pages is not None:  # the budget is the crawl's, whichever worker spends it
                limit = min(limit, self.max_pages - self._processed_count())
            if limit <= 0:
                return []
            penalties = self._pacing.penalties if self._pacing is not None else None
            return claim_leased(self.engine, self.crawl_id, source, self.worker_id, limit, self.lease, penalties,
                                self.fetcher.clock)
        queue = self._queues.setdefault(source, deque())
        if len(queue) < limit:
            for row in claim_pending(self.engine, self.crawl_id, source, max(limit, CLAIM_BATCH), self._claimed):
                self._claimed.add(row.id)  # queued, in flight or being stored: pending in the database until stored
                queue.append(row)
        return [queue.popleft() for _ in range(min(limit, len(queue)))]

    async def _idle(self, source: str) -> bool:
        """Nothing to fetch right now: wait a little and say True if the source may still have work."""
        if self.shared:  # pages leased by other workers may still lead to more
            left = await self._aside(pending_count, self.engine, self.crawl_id, source)
            if not left or (self.max_pages is not None and self._processed_count() >= self.max_pages):
                return False
            await asyncio.sleep(IDLE_SECONDS)
            return True
        if self.max_pages is not None and self._budget_used >= self.max_pages:
            return False
        due = await self._aside(next_due, self.engine, self.crawl_id, source)  # failed pages tried again
        if due is None:
            return False
        await asyncio.sleep(min(due, 1.0) + 0.01)
        return True

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
                if self.max_pages is not None and not self.shared:
                    room = min(room, self.max_pages - self._budget_used)
                claimed = [] if room <= 0 else await asyncio.to_thread(self._claim, source, room) if self.shared \
                    else self._claim(source, room)
                for entry in claimed:
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
                    if await self._idle(source):
                        continue
                    return  # nothing in flight, nothing being stored, and nothing pending that could come due
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
        claims = entry.claims if self.shared else entry.claims + 1  # the single crawler counts its claim on storing
        if entry.start_at is not None:  # the turn the claim reserved on the page's host (on the fetcher's clock)
            RESERVED.set(Turn(url_host(entry.url), entry.start_at, entry.spacing, entry.turn))
        auth = self.auths.get(request.auth) if request.auth else None
        try:
            result = await self.fetcher.fetch(request.url, api=request.api, auth=auth,
                                              allowed_hosts=SOURCES[request.marketplace].hosts,
                                              headers=request.headers)
        except DisallowedError as err:
            return Fetched(entry.id, request, None, DISALLOWED, str(err), 0, claims)
        except FetchError as err:
            return Fetched(entry.id, request, None, FAILED, str(err), entry.attempts + 1, claims)
        return Fetched(entry.id, request, result, claims=claims)

    def _stored(self, stored: Stored) -> None:
        """A batch is committed: release its claims (no longer pending, so the claim query's status filter excludes
        them, and the NOT IN list stays as short as the pages in flight) and report progress."""
        for source, added in stored.added.items():
            self._progress.setdefault(source, [0, 0])[1] += added
        for entry_id, source, status in stored.statuses:
            self._claimed.discard(entry_id)
            if status not in (PENDING, LOST):  # a page to be tried again, or one another worker took over
                self._report(source, status)

    def _report(self, source: str, status: str) -> None:
        counts = self._progress.setdefault(source, [0, 0])
        counts[0] += 1
        if self.on_progress is not None:
            self.on_progress(source, status, counts[0], max(counts))

    def progress(self, source: str) -> tuple[int, int]:
        """(pages handled, pages known) for one source."""
        return crawl_progress(self.engine, self.crawl_id).get(source, (0, 0))


def crawl_progress(engine: Engine, crawl_id: int) -> dict[str, tuple[int, int]]:
    """Per source: (pages handled, pages known) of a crawl, read from its frontier."""
    with session_scope(engine) as session:
        rows = session.execute(select(col(FrontierEntry.marketplace), col(FrontierEntry.status), func.count()).where(
            col(FrontierEntry.crawl_id) == crawl_id).group_by(col(FrontierEntry.marketplace),
                                                               col(FrontierEntry.status))).all()
    counts: dict[str, tuple[int, int]] = {}
    for source, status, n in rows:
        done, known = counts.get(source, (0, 0))
        counts[source] = (done + (n if status != PENDING else 0), known + n)
    return counts
