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
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.archive import PageBody, archive_pages
from db.bulk import execute_many
from db.engine import make_engine, session_scope
from scout.crawl.fetcher import FetchResult
from scout.crawl.frontier import (
    BLOCKED,
    DISALLOWED,
    DONE,
    DRIFTED,
    FAILED,
    GONE,
    PENDING,
    RETRIED,
    Delays,
    RetryRule,
    db_now,
    enqueue,
    held_entries,
    mark_statement,
)
from scout.crawl.sources import SOURCES, Request
from scout.errors import DatabaseError
from scout.pages.extract import OK, Extracted, Outcome, parse_outcome, store_outcomes
from scout.pages.urls import url_fingerprint

__all__ = ["BLOCKED", "DISALLOWED", "DONE", "DRIFTED", "FAILED", "GONE", "LOST", "PENDING", "Fetched", "StorePolicy",
           "Stored", "StoreProcess", "enqueue", "store_batch"]

LOST = "lost"  # not a frontier status: a page whose claim another worker took over, so nothing of it was stored
PAGE_SECONDS = 10.0  # the store process gives up parsing one page after this long
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
    claims: int = 1  # the fencing token: the entry's `claims` once this fetch's claim was made


@dataclass
class Stored:
    """What storing a batch did: each entry's status now, and how many new frontier entries each source got.

    A page to be tried again is PENDING again; one another worker took over is LOST.
    """

    statuses: list[tuple[int, str, str]] = field(default_factory=list)  # (entry id, source, status)
    added: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class StorePolicy:
    """How a batch is stored: links followed or not, retries of failed pages, new hosts' delays, a parse limit."""

    follow: bool = True
    retry: RetryRule = field(default_factory=RetryRule)
    delays: Delays = field(default_factory=Delays)
    page_seconds: float | None = None  # None: no limit (it needs SIGALRM, so only the store process sets one)


class PageTimeoutError(Exception):
    """Parsing one page took longer than the store process allows."""


_Mark = tuple[Fetched, str, str | None, int, int | None]  # (item, status, error, attempts, page id)
_Ok = tuple[Fetched, FetchResult, Outcome]


def describe(err: BaseException) -> str:
    """The error's class and a short message, on one line."""
    message = " ".join(str(err).split())
    return f"{type(err).__name__}: {message[:200]}" if message else type(err).__name__


@contextmanager
def _time_limit(seconds: float | None) -> Iterator[None]:
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise PageTimeoutError(f"parsing took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def store_batch(engine: Engine, crawl_id: int, follow: bool, fetched: list[Fetched],
                policy: StorePolicy | None = None) -> Stored:
    """Parse the batch, then in one transaction archive it, store its records, enqueue its links and mark it.

    A page whose parse raises is marked failed; when storing the batch raises, it is stored again page by page
    so that only the page at fault is marked failed. Either way the crawl goes on.
    """
    policy = policy or StorePolicy(follow=follow)
    marks: list[_Mark] = []
    ok: list[_Ok] = []
    for item in fetched:
        result = item.result
        if result is None:
            marks.append((item, item.status, item.error, item.attempts, None))
        elif result.status == 200:  # parsed before the transaction opens: the write lock is held briefly
            try:
                with _time_limit(policy.page_seconds):
                    outcome = parse_outcome(result.text, marketplace=item.request.marketplace,
                                            kind=item.request.kind, url=result.final_url)
            except Exception as err:  # any parser failure is this page's alone
                marks.append((item, FAILED, describe(err), result.attempts, None))
                continue
            ok.append((item, result, outcome))
        else:
            marks.append((item, _STATUS_OF_HTTP.get(result.status, FAILED), f"HTTP {result.status}",
                          result.attempts, None))
    try:
        return _store(engine, crawl_id, policy, marks, ok)
    except Exception:
        if not ok:
            raise  # nothing but verdicts: the database itself is failing
    stored = _store(engine, crawl_id, policy, marks, [])
    for one in ok:
        try:
            part = _store(engine, crawl_id, policy, [], [one])
        except Exception as err:  # this page alone cannot be stored: it fails, the others are kept
            item, result, _ = one
            part = _store(engine, crawl_id, policy, [(item, FAILED, describe(err), result.attempts, None)], [])
        stored.statuses.extend(part.statuses)
        for source, n in part.added.items():
            stored.added[source] = stored.added.get(source, 0) + n
    return stored


def _store(engine: Engine, crawl_id: int, policy: StorePolicy, marks: list[_Mark], ok: list[_Ok]) -> Stored:
    """One transaction: the pages still held by their claim are archived, stored, followed and marked."""
    with session_scope(engine) as session:
        items: list[Fetched] = [mark[0] for mark in marks] + [page[0] for page in ok]
        held = held_entries(session.connection(), {item.entry_id: item.claims for item in items})
        lost = [(item.entry_id, item.request.marketplace, LOST) for item in items if item.entry_id not in held]
        marks = [mark for mark in marks if mark[0].entry_id in held]
        ok = [page for page in ok if page[0].entry_id in held]
        pages = archive_pages(session, [PageBody(
            result.url, url_fingerprint(result.url), result.body, result.fetched_at, result.status,
            result.headers.get("content-type"), crawl_id) for _, result, _ in ok])
        store_outcomes(session, [Extracted(page, outcome, result.fetched_at, crawl_id, item.request.list_name)
                                 for page, (item, result, outcome) in zip(pages, ok, strict=True)])
        children: dict[str, list[Request]] = {}
        for page, (item, result, outcome) in zip(pages, ok, strict=True):
            marks.append((item, DONE if outcome.status == OK else outcome.status, outcome.error, result.attempts,
                          page.id))
            if outcome.parsed is not None and policy.follow:
                source = item.request.marketplace
                children.setdefault(source, []).extend(SOURCES[source].follow(item.request, outcome.parsed))
        added = {source: enqueue(session, crawl_id, requests, policy.delays) for source, requests in children.items()}
        statuses = _mark(session, marks, policy.retry)
    return Stored([*statuses, *lost], added)


def _mark(session: Session, marks: list[_Mark], retry: RetryRule) -> list[tuple[int, str, str]]:
    """Record each entry's verdict; a failed or blocked page with tries left is pending again, due later."""
    connection = session.connection()
    now = db_now(connection)
    rows, statuses = [], []
    for item, status, error, attempts, page_id in marks:
        wait = retry.wait(item.claims) if status in RETRIED else None
        final = PENDING if wait is not None else status
        rows.append(dict(entry_id=item.entry_id, new_status=final, new_error=error, new_attempts=attempts,
                         new_page_id=page_id, new_claims=item.claims,
                         new_not_before=None if wait is None else now + wait, new_lease=None))
        statuses.append((item.entry_id, item.request.marketplace, final))
    execute_many(connection, mark_statement, rows)
    return statuses


# --- the store process ------------------------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}  # in the store process: its engine and crawl


def _start_worker(url: str, crawl_id: int, policy: StorePolicy, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the crawl's to handle: it lets this batch finish
    _WORKER.update(engine=make_engine(url), crawl_id=crawl_id, policy=policy)

    def watch_parent() -> None:  # a crawl killed outright (kill -9) must not leave its store process writing
        while os.getppid() == parent:
            time.sleep(0.2)
        os._exit(1)  # an open transaction is rolled back by SQLite/PostgreSQL: its pages stay pending

    threading.Thread(target=watch_parent, daemon=True).start()


def _store_in_worker(fetched: list[Fetched]) -> Stored:
    policy = _WORKER["policy"]
    return store_batch(_WORKER["engine"], _WORKER["crawl_id"], policy.follow, fetched, policy)


class StoreProcess:
    """Stores batches in a child process; in this process when the database cannot be shared (in-memory SQLite)."""

    def __init__(self, engine: Engine, crawl_id: int, policy: StorePolicy | None = None) -> None:
        self._engine, self._crawl_id, self._policy = engine, crawl_id, policy or StorePolicy()
        url = engine.url
        self._pool: ProcessPoolExecutor | None = None
        if not (url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")):
            # spawn, not fork: the crawl's process runs an event loop and the transport's threads
            self._pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=_start_worker,
                initargs=(url.render_as_string(hide_password=False), crawl_id,
                          replace(self._policy, page_seconds=PAGE_SECONDS), os.getpid()))

    @property
    def separate(self) -> bool:
        """Whether batches are stored in a child process."""
        return self._pool is not None

    async def store(self, fetched: list[Fetched]) -> Stored:
        """Store one batch; batches are stored one at a time, in the order they are given."""
        if self._pool is None:
            return store_batch(self._engine, self._crawl_id, self._policy.follow, fetched, self._policy)
        try:
            return await asyncio.wrap_future(self._pool.submit(_store_in_worker, fetched))
        except BrokenProcessPool:
            raise DatabaseError("the crawl's store process stopped unexpectedly; pages not yet stored are still "
                                "pending: continue with `scout crawl --resume`") from None

    def close(self) -> None:
        """Wait for the batch being stored (it is committed whole), drop the ones not started, stop the process."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
