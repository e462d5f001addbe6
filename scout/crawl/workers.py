"""Crawl workers: who works on a crawl, their heartbeats, and noticing the ones that are gone.

A worker registers a row in `crawl_worker` and beats every third of `crawler.worker_lease`, which also extends
the leases of the pages it holds. A worker whose heartbeat is older than the lease is gone; so, at once, is a
worker on this machine whose process has died (a crawl killed with SIGKILL). A gone worker's pages are released,
so the others claim them again. `--resume` takes over only a crawl whose workers are all gone.
"""

from __future__ import annotations

import multiprocessing
import os
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.process import BaseProcess
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from db.engine import connection_scope
from db.models import CrawlWorker, FrontierEntry
from scout.crawl.frontier import PENDING, db_now

WORKERS = CrawlWorker.__table__  # type: ignore[attr-defined]
FRONTIER = FrontierEntry.__table__  # type: ignore[attr-defined]
RUNNING, FINISHED, GONE = "running", "finished", "gone"


def pid_alive(pid: int) -> bool:
    """Whether a process of this machine is running (a zombie, killed but not yet waited for, is not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rpartition(")")[2].split()[0] not in ("Z", "X")
    except OSError:
        return True  # no /proc: kill(0) said it exists


@dataclass(frozen=True)
class WorkerInfo:
    """One row of crawl_worker."""

    id: str
    hostname: str
    pid: int
    heartbeat_at: float


def register_worker(engine: Engine, crawl_id: int) -> str:
    """Add this process as a worker of the crawl; returns its id."""
    hostname = socket.gethostname()
    worker_id = f"{hostname}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with engine.begin() as conn:
        now = db_now(conn)
        conn.execute(WORKERS.insert().values(id=worker_id, crawl_id=crawl_id, hostname=hostname, pid=os.getpid(),
                                             started_at=now, heartbeat_at=now, status=RUNNING))
    return worker_id


def heartbeat(engine: Engine, worker_id: str, lease: float) -> None:
    """Say this worker is alive, and extend the leases of the pages it holds."""
    with engine.begin() as conn:
        now = db_now(conn)
        conn.execute(update(WORKERS).where(WORKERS.c.id == worker_id).values(heartbeat_at=now))
        # pages being stored right now are locked by their batch, which completes them: skipped, not waited for
        held = select(FRONTIER.c.id).where(FRONTIER.c.worker_id == worker_id, FRONTIER.c.status == PENDING,
                                           FRONTIER.c.lease_until.is_not(None)).with_for_update(skip_locked=True)
        conn.execute(update(FRONTIER).where(FRONTIER.c.id.in_(held.scalar_subquery())).values(lease_until=now + lease))


def finish_worker(engine: Engine, worker_id: str, status: str = FINISHED) -> None:
    """This worker stops: its row says so and the pages it still holds are released."""
    with engine.begin() as conn:
        conn.execute(update(WORKERS).where(WORKERS.c.id == worker_id).values(status=status))
        _release(conn, [worker_id])


def _release(conn: Any, worker_ids: list[str]) -> None:
    conn.execute(update(FRONTIER).where(FRONTIER.c.worker_id.in_(worker_ids), FRONTIER.c.status == PENDING,
                                        FRONTIER.c.lease_until.is_not(None)).values(lease_until=None))


def live_workers(engine: Engine, crawl_id: int, lease: float, *, alive: Callable[[int], bool] = pid_alive,
                 exclude: str | None = None) -> list[WorkerInfo]:
    """The crawl's workers still alive; those found gone are marked so and their pages released."""
    here = socket.gethostname()
    with engine.begin() as conn:
        now = db_now(conn)
        rows = conn.execute(select(WORKERS.c.id, WORKERS.c.hostname, WORKERS.c.pid, WORKERS.c.heartbeat_at).where(
            WORKERS.c.crawl_id == crawl_id, WORKERS.c.status == RUNNING, WORKERS.c.id != (exclude or ""))).all()
        workers = [WorkerInfo(*row) for row in rows]
        gone = [w.id for w in workers if now - w.heartbeat_at > lease or (w.hostname == here and not alive(w.pid))]
        if gone:
            conn.execute(update(WORKERS).where(WORKERS.c.id.in_(gone), WORKERS.c.status == RUNNING).values(
                status=GONE))
            _release(conn, gone)
        return [w for w in workers if w.id not in gone]


def leased_pages(engine: Engine, crawl_id: int) -> dict[str, int]:
    """Per live worker id: the pages it holds under lease now."""
    with connection_scope(engine) as conn:
        now = db_now(conn)
        rows = conn.execute(select(FRONTIER.c.worker_id, FRONTIER.c.id).where(
            FRONTIER.c.crawl_id == crawl_id, FRONTIER.c.status == PENDING, FRONTIER.c.lease_until > now)).all()
    counts: dict[str, int] = {}
    for worker_id, _ in rows:
        counts[worker_id] = counts.get(worker_id, 0) + 1
    return counts


def start_workers(count: int, target: Callable[..., Any], args: tuple[Any, ...]) -> list[BaseProcess]:
    """`count` worker processes on this machine running `target(*args)` (spawned: no event loop is inherited)."""
    context = multiprocessing.get_context("spawn")
    processes: list[BaseProcess] = [context.Process(target=target, args=args, daemon=False) for _ in range(count)]
    for process in processes:
        process.start()
    return processes


def wait_workers(processes: list[BaseProcess], tick: Callable[[], None], every: float = 0.5) -> list[int]:
    """Wait for every worker (calling `tick` between checks, which also reaps one that died); their exit codes."""
    while any(p.is_alive() for p in processes):
        tick()
        time.sleep(every)
    return [p.exitcode if p.exitcode is not None else 1 for p in processes]
