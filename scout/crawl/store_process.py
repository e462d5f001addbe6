"""Storing a crawl's fetched pages: parse, archive, store records, follow links, mark the frontier, in batches.

A batch is one transaction (each page wholly or, after a crash, not at all) with one statement per table. It runs
in a store process beside the crawl's event loop, so parsing and SQLite work use the machine's second core while
the loop keeps fetching (benchmarks/crawl.py: threads gained nothing, the GIL serialises the Python work).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from db.archive import PageBody, archive_pages
from db.bulk import dialect_insert, execute_many
from db.engine import make_engine, session_scope
from db.models import Crawl, FrontierEntry
from scout.crawl.fetcher import FetchResult
from scout.crawl.sources import SOURCES, Request
from scout.errors import DatabaseError
from scout.pages.extract import BLOCKED, DRIFTED, OK, Extracted, Outcome, parse_outcome, store_outcomes
from scout.pages.urls import url_fingerprint

PENDING, DONE, DISALLOWED, FAILED, GONE = "pending", "done", "disallowed", "failed", "gone"
# frontier status -> the crawl counter it adds to
COUNTERS = {DONE: "pages_ok", BLOCKED: "pages_blocked", DRIFTED: "pages_drifted", DISALLOWED: "pages_disallowed",
            FAILED: "pages_failed", GONE: "pages_failed"}
FRONTIER = FrontierEntry.__table__  # type: ignore[attr-defined]
_STATUS_OF_HTTP = {404: GONE, 410: GONE, 403: BLOCKED, 429: BLOCKED}  # final answers other than 200


@dataclass
class Fetched:
    """A frontier entry's fetch: the response, or the status and error it ended with."""

    entry_id: int
    request: Request
    result: FetchResult | None
    status: str = DONE
    error: str | None = None
    attempts: int = 0


@dataclass
class Stored:
    """What storing a batch did: each entry's final status, and how many new frontier entries each source got."""

    statuses: list[tuple[int, str, str]] = field(default_factory=list)  # (entry id, source, status)
    added: dict[str, int] = field(default_factory=dict)


def enqueue(session: Session, crawl_id: int, requests: list[Request]) -> int:
    """Add requests to the frontier (once per canonical URL); how many were new."""
    rows: dict[str, dict[str, object]] = {}
    for r in requests:
        fingerprint = url_fingerprint(r.url)
        rows.setdefault(fingerprint, dict(crawl_id=crawl_id, url=r.url, fingerprint=fingerprint,
                                          marketplace=r.marketplace, kind=r.kind, depth=r.depth, status=PENDING,
                                          attempts=0, context=r.context()))
    return execute_many(session.connection(), _insert_entries, list(rows.values()))


def _insert_entries(dialect: str) -> Any:
    return dialect_insert(dialect, FRONTIER).on_conflict_do_nothing(index_elements=["crawl_id", "fingerprint"])


def _mark_entries(dialect: str) -> Any:
    # bind names differ from the column names: SQLAlchemy reserves those for its own SET parameters
    return update(FRONTIER).where(FRONTIER.c.id == bindparam("entry_id")).values(
        status=bindparam("new_status"), error=bindparam("new_error"), attempts=bindparam("new_attempts"),
        page_id=bindparam("new_page_id"))


def store_batch(engine: Engine, crawl_id: int, follow: bool, fetched: list[Fetched]) -> Stored:
    """Parse the batch, then in one transaction archive it, store its records, enqueue its links and mark it."""
    marks: list[tuple[Fetched, str, str | None, int, int | None]] = []  # (item, status, error, attempts, page id)
    ok: list[tuple[Fetched, FetchResult, Outcome]] = []
    for item in fetched:
        result = item.result
        if result is None:
            marks.append((item, item.status, item.error, item.attempts, None))
        elif result.status == 200:  # parsed before the transaction opens: the write lock is held briefly
            ok.append((item, result, parse_outcome(result.text, marketplace=item.request.marketplace,
                                                   kind=item.request.kind, url=result.final_url)))
        else:
            marks.append((item, _STATUS_OF_HTTP.get(result.status, FAILED), f"HTTP {result.status}",
                          result.attempts, None))
    with session_scope(engine) as session:
        pages = archive_pages(session, [PageBody(
            result.url, url_fingerprint(result.url), result.body, result.fetched_at, result.status,
            result.headers.get("content-type"), crawl_id) for _, result, _ in ok])
        store_outcomes(session, [Extracted(page, outcome, result.fetched_at, crawl_id, item.request.list_name)
                                 for page, (item, result, outcome) in zip(pages, ok, strict=True)])
        children: dict[str, list[Request]] = {}
        for page, (item, result, outcome) in zip(pages, ok, strict=True):
            marks.append((item, DONE if outcome.status == OK else outcome.status, outcome.error, result.attempts,
                          page.id))
            if outcome.parsed is not None and follow:
                source = item.request.marketplace
                children.setdefault(source, []).extend(SOURCES[source].follow(item.request, outcome.parsed))
        added = {source: enqueue(session, crawl_id, requests) for source, requests in children.items()}
        _mark(session, crawl_id, marks)
    return Stored([(item.entry_id, item.request.marketplace, status) for item, status, *_ in marks], added)


def _mark(session: Session, crawl_id: int, marks: list[tuple[Fetched, str, str | None, int, int | None]]) -> None:
    """Record each entry's final status, and add them to the crawl's counters."""
    connection = session.connection()
    execute_many(connection, _mark_entries, [
        dict(entry_id=item.entry_id, new_status=status, new_error=error, new_attempts=attempts, new_page_id=page_id)
        for item, status, error, attempts, page_id in marks])
    counters: dict[str, int] = {}
    for _, status, _, attempts, _ in marks:
        counters[COUNTERS[status]] = counters.get(COUNTERS[status], 0) + 1
        if attempts > 1:
            counters["pages_retried"] = counters.get("pages_retried", 0) + 1
    connection.execute(update(Crawl).where(col(Crawl.id) == crawl_id).values(
        **{name: getattr(Crawl, name) + n for name, n in counters.items()}))


# --- the store process ------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}  # in the store process: its engine and crawl


def _start_worker(url: str, crawl_id: int, follow: bool, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle: it lets this batch finish
    _WORKER.update(engine=make_engine(url), crawl_id=crawl_id, follow=follow)

    def watch_parent() -> None:  # a crawl killed outright (kill -9) must not leave its store process writing
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)  # an open transaction is rolled back by SQLite/PostgreSQL: its pages stay pending

    threading.Thread(target=watch_parent, daemon=True).start()


def _store_in_worker(fetched: list[Fetched]) -> Stored:
    return store_batch(_WORKER["engine"], _WORKER["crawl_id"], _WORKER["follow"], fetched)


class StoreProcess:
    """Stores batches in a child process; in this process when the database cannot be shared (in-memory SQLite)."""

    def __init__(self, engine: Engine, crawl_id: int, follow: bool) -> None:
        self._engine, self._crawl_id, self._follow = engine, crawl_id, follow
        url = engine.url
        self._pool: ProcessPoolExecutor | None = None
        if not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
            # spawn, not fork: the crawl's process runs an event loop and the transport's threads
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                initargs=(url.render_as_string(hide_password=False), crawl_id, follow, os.getpid()))

    @property
    def separate(self) -> bool:
        """Whether batches are stored in a child process."""
        return self._pool is not None

    async def store(self, fetched: list[Fetched]) -> Stored:
        """Store one batch; batches are stored one at a time, in the order they are given."""
        if self._pool is None:
            return store_batch(self._engine, self._crawl_id, self._follow, fetched)
        try:
            return await asyncio.wrap_future(self._pool.submit(_store_in_worker, fetched))
        except BrokenProcessPool:
            raise DatabaseError("the crawl's store process stopped unexpectedly; pages not yet stored are still "
                                "pending: continue with `scout crawl --resume`") from None

    def close(self) -> None:
        """Wait for the batch being stored (it is committed whole), drop the ones not started, stop the process."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
