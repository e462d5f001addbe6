"""A crawl's frontier in the database: adding URLs, claiming them, and the statuses they end in.

Two ways to claim. SQLite keeps one crawler per crawl, which remembers its claims in memory (`claim_pending`).
PostgreSQL lets any number of workers share the frontier (`claim_leased`): one transaction locks the hosts whose
turn is due (`FOR UPDATE SKIP LOCKED`), reserves each claimed page's start on its host's row, then locks the
pages, adds one to their `claims` (the fencing token), and leases them to the worker. Times on PostgreSQL are the
database's clock, so workers on machines whose clocks disagree still pace a host together.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import and_, bindparam, func, or_, select, text, update
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from db.bulk import dialect_insert, execute_many
from db.engine import connection_scope
from db.models import CrawlHost, FrontierEntry
from scout.crawl.sources import Request
from scout.pages.extract import BLOCKED, DRIFTED
from scout.pages.urls import url_fingerprint

__all__ = ["BLOCKED", "DISALLOWED", "DONE", "DRIFTED", "FAILED", "GONE", "PENDING", "Claimed", "Delays",
           "RetryRule", "claim_leased", "claim_pending", "db_now", "enqueue", "url_host"]

PENDING, DONE, DISALLOWED, FAILED, GONE = "pending", "done", "disallowed", "failed", "gone"
RETRIED = frozenset({FAILED, BLOCKED})  # statuses a page is tried again after, later in the same crawl
FRONTIER = FrontierEntry.__table__  # type: ignore[attr-defined]
HOSTS = CrawlHost.__table__  # type: ignore[attr-defined]
TIGHT = 0.002  # a clock reading whose round trip took longer than this is taken again
MARGIN = 0.015  # added to a paced host's spacing: a request sent late on a busy machine still keeps the delay
LEAD = 0.05  # a paced host's first turn starts this long after the claim: the task is there in time
HORIZON = 0.5  # seconds ahead a claim reserves a host's turns: no worker holds pages it cannot start soon
Claimed = Any  # a claimed frontier row: id, url, ..., attempts, claims; leased: start_at, spacing, turn (db clock)


@dataclass(frozen=True)
class Delays:
    """Seconds between request starts to one host: web pages, official APIs."""

    page: float = 1.0
    api: float = 0.2


@dataclass(frozen=True)
class RetryRule:
    """How often a failed or blocked page is tried within one crawl, and how long it waits before each try."""

    tries: int = 3
    delay: float = 30.0  # before the second try; doubling for each one after

    def wait(self, tries: int) -> float | None:
        """Seconds before the next try of a page tried `tries` times, or None when it has had its tries."""
        return self.delay * 2 ** (tries - 1) if tries < self.tries else None


def url_host(url: str) -> str:
    """The politeness key of a URL: its host[:port], lower-case."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def db_now(conn: Connection) -> float:
    """Now, in epoch seconds: PostgreSQL's clock (shared by every worker), or this machine's for SQLite."""
    if conn.dialect.name == "postgresql":
        return float(conn.execute(text("SELECT extract(epoch FROM clock_timestamp())")).scalar_one())
    return time.time()


def db_now_on(conn: Connection, clock: Callable[[], float]) -> tuple[float, float]:
    """The database's now, and the same instant on `clock` (the middle of the round trip that read it).

    A round trip stretched by the scheduler (a busy machine) is read again: the middle of a long one is vague.
    """
    best = (float("inf"), 0.0, 0.0)
    for _ in range(4):
        before = clock()
        now = db_now(conn)
        after = clock()
        best = min(best, (after - before, now, (before + after) / 2))
        if after - before < TIGHT:
            break
    return best[1], best[2]


def enqueue(session: Session, crawl_id: int, requests: list[Request], delays: Delays | None = None) -> int:
    """Add requests to the frontier (once per canonical URL) and their hosts to the crawl's; how many were new."""
    delays = delays or Delays()
    rows: dict[str, dict[str, object]] = {}
    hosts: dict[str, dict[str, object]] = {}
    for r in requests:
        fingerprint = url_fingerprint(r.url)
        host = url_host(r.url)
        rows.setdefault(fingerprint, dict(crawl_id=crawl_id, url=r.url, fingerprint=fingerprint,
                                          marketplace=r.marketplace, kind=r.kind, depth=r.depth, status=PENDING,
                                          attempts=0, context=r.context(), host=host, claims=0))
        hosts.setdefault(host, dict(crawl_id=crawl_id, host=host, next_at=0.0, delay=delays.api if r.api
                                    else delays.page, robots_delay=0.0, penalty=0.0))
    connection = session.connection()
    execute_many(connection, _insert_hosts, list(hosts.values()))
    return execute_many(connection, _insert_entries, list(rows.values()))


def _insert_entries(dialect: str) -> Any:
    return dialect_insert(dialect, FRONTIER).on_conflict_do_nothing(index_elements=["crawl_id", "fingerprint"])


def _insert_hosts(dialect: str) -> Any:
    return dialect_insert(dialect, HOSTS).on_conflict_do_nothing(index_elements=["crawl_id", "host"])


_COLUMNS = ("id", "url", "marketplace", "kind", "depth", "context", "attempts", "claims")
_PENDING_SQL = (f"SELECT {', '.join(_COLUMNS)} FROM frontier WHERE crawl_id = ? AND marketplace = ? AND status = ? "
                "AND (not_before IS NULL OR not_before <= ?)")


class _Row(dict[str, Any]):
    """A frontier row read by plain SQLite, with its columns as attributes like a Core row."""

    __getattr__ = dict.__getitem__


def claim_pending(engine: Engine, crawl_id: int, source: str, limit: int, claimed: Collection[int]) -> list[Claimed]:
    """A source's pending entries due now and not in `claimed`, shallowest first (the single crawler's claim)."""
    if engine.url.get_backend_name() != "sqlite":
        with connection_scope(engine) as conn:
            now = db_now(conn)
            rows = conn.execute(select(*(FRONTIER.c[name] for name in _COLUMNS)).where(
                FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.marketplace == source, FRONTIER.c.status == PENDING,
                or_(FRONTIER.c.not_before.is_(None), FRONTIER.c.not_before <= now),
                FRONTIER.c.id.not_in(list(claimed))).order_by(FRONTIER.c.depth, FRONTIER.c.id).limit(limit)).all()
            return [_Row(row._mapping, start_at=None) for row in rows]
    # On SQLite, one statement outside any transaction: it reads the latest commit without taking the write
    # lock (a transaction here would be BEGIN IMMEDIATE and wait for the store process's batch to commit).
    raw = engine.raw_connection()
    try:
        exclude = sorted(claimed)
        if len(exclude) + 5 > raw.dbapi_connection.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER):  # type: ignore[union-attr]
            exclude = []  # too many to bind (an old SQLite): the claimed ones are skipped below instead
        cursor = raw.cursor()
        cursor.execute(f"{_PENDING_SQL} AND id NOT IN ({', '.join('?' * len(exclude))}) ORDER BY depth, id LIMIT ?",
                       (crawl_id, source, PENDING, time.time(), *exclude, limit + len(claimed) - len(exclude)))
        names = [column[0] for column in cursor.description]
        read = [_Row(zip(names, values, strict=True), start_at=None) for values in cursor.fetchall()]
        return [row for row in read if row["id"] not in claimed][:limit]
    finally:
        raw.close()


def _claimable(now: float, source: str | None = None) -> Any:
    """Pending, due, and not leased (or its lease has run out)."""
    condition = and_(FRONTIER.c.status == PENDING, or_(FRONTIER.c.lease_until.is_(None), FRONTIER.c.lease_until < now),
                     or_(FRONTIER.c.not_before.is_(None), FRONTIER.c.not_before <= now))
    return condition if source is None else and_(condition, FRONTIER.c.marketplace == source)


def claim_leased(engine: Engine, crawl_id: int, source: str, worker_id: str, limit: int, lease: float,
                 penalties: dict[str, float] | None = None, clock: Callable[[], float] = time.monotonic,
                 ) -> list[Claimed]:
    """Claim up to `limit` of a source's pages whose host's turn comes within HORIZON, for one worker.

    Each row says in `start_at` when (on `clock`) its request may start, as reserved on its host's row, with the
    host's `spacing`, and in `claims` the fencing token its completion must match. `penalties` learns each host's
    slow-down.
    """
    with engine.begin() as conn:
        now, here = db_now_on(conn, clock)
        has_work = select(FRONTIER.c.id).where(FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.host == HOSTS.c.host,
                                               _claimable(now, source)).exists()
        hosts = conn.execute(select(HOSTS).where(
            HOSTS.c.crawl_id == crawl_id, HOSTS.c.next_at <= now + HORIZON, has_work).order_by(HOSTS.c.next_at)
            .limit(limit).with_for_update(skip_locked=True, of=HOSTS)).all()
        claimed: list[Claimed] = []
        for host in hosts:
            room = limit - len(claimed)
            if room <= 0:
                break
            spacing = max(host.delay, host.robots_delay, host.penalty)
            spacing += MARGIN if spacing > 0 else 0.0
            start = max(host.next_at, now + LEAD if spacing > 0 else now)
            if spacing > 0:
                room = min(room, int((now + HORIZON - start) / spacing) + 1)
            rows = conn.execute(select(*(FRONTIER.c[name] for name in _COLUMNS)).where(
                FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.host == host.host, _claimable(now, source))
                .order_by(FRONTIER.c.depth, FRONTIER.c.id).limit(room).with_for_update(skip_locked=True)).all()
            if not rows:
                continue
            conn.execute(update(HOSTS).where(HOSTS.c.crawl_id == crawl_id, HOSTS.c.host == host.host).values(
                next_at=start + len(rows) * spacing))
            conn.execute(update(FRONTIER).where(FRONTIER.c.id.in_([row.id for row in rows])).values(
                claims=FRONTIER.c.claims + 1, worker_id=worker_id, lease_until=now + lease))
            if penalties is not None:
                penalties[host.host] = host.penalty
            claimed.extend(_Row(row._mapping, claims=row.claims + 1, start_at=here + start + i * spacing - now,
                                spacing=spacing, turn=start + i * spacing) for i, row in enumerate(rows))
        return claimed


def pending_count(engine: Engine, crawl_id: int, source: str) -> int:
    """A source's pages still pending: leased, waiting for a retry, or not claimed yet."""
    with connection_scope(engine) as conn:
        return int(conn.execute(select(func.count()).select_from(FRONTIER).where(
            FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.marketplace == source, FRONTIER.c.status == PENDING))
            .scalar_one())


def next_due(engine: Engine, crawl_id: int, source: str) -> float | None:
    """Seconds until a source's earliest pending page waiting for a retry is due (None: none waits)."""
    with connection_scope(engine) as conn:
        now = db_now(conn)
        due = conn.execute(select(func.min(FRONTIER.c.not_before)).where(
            FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.marketplace == source, FRONTIER.c.status == PENDING,
            FRONTIER.c.not_before > now)).scalar()
    return None if due is None else max(0.0, float(due) - now)


def crawl_with_failures(engine: Engine) -> int | None:
    """The newest crawl with failed or blocked pages."""
    with connection_scope(engine) as conn:
        return conn.execute(select(func.max(FRONTIER.c.crawl_id)).where(
            FRONTIER.c.status.in_(sorted(RETRIED)))).scalar()


def retry_failed(engine: Engine, crawl_id: int) -> int:
    """Make a crawl's failed and blocked pages pending again, with fresh tries; how many."""
    with engine.begin() as conn:
        return int(conn.execute(update(FRONTIER).where(
            FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.status.in_(sorted(RETRIED))).values(
            status=PENDING, claims=0, not_before=None, lease_until=None, worker_id=None)).rowcount)


def held_entries(conn: Connection, tokens: dict[int, int]) -> set[int]:
    """The entries among `tokens` (id -> claims when claimed) still held by that claim, locked until commit.

    On SQLite the one crawler holds every entry it claimed; on PostgreSQL an entry whose lease ran out and which
    another worker claimed again (its `claims` moved on), or which is no longer pending, is not held.
    """
    if conn.dialect.name != "postgresql" or not tokens:
        return set(tokens)
    rows = conn.execute(select(FRONTIER.c.id, FRONTIER.c.claims).where(
        FRONTIER.c.id.in_(list(tokens)), FRONTIER.c.status == PENDING).order_by(FRONTIER.c.id).with_for_update()).all()
    return {entry_id for entry_id, claims in rows if claims == tokens[entry_id]}


def mark_statement(dialect: str) -> Any:
    """Set each entry's verdict, tries and retry time; on PostgreSQL only while its claim is the one completing."""
    # bind names differ from the column names: SQLAlchemy reserves those for its own SET parameters
    statement = update(FRONTIER).where(FRONTIER.c.id == bindparam("entry_id"))
    if dialect == "postgresql":
        statement = statement.where(FRONTIER.c.claims == bindparam("new_claims"))
    return statement.values(status=bindparam("new_status"), error=bindparam("new_error"),
                            attempts=bindparam("new_attempts"), page_id=bindparam("new_page_id"),
                            claims=bindparam("new_claims"), not_before=bindparam("new_not_before"),
                            lease_until=bindparam("new_lease"))
