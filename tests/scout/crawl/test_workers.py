"""Several workers on one crawl (PostgreSQL): a worker killed mid-crawl loses nothing and duplicates nothing, and
every worker together keeps each host's pace; `--resume` never joins a crawl that still has live workers."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import col

from db.engine import session_scope
from db.models import Crawl, CrawlWorker, FrontierEntry
from scout.crawl.sources import CrawlScope
from scout.crawl.workers import register_worker
from scout.replica.server import Replica
from tests.conftest import PG_URL, Databases
from tests.scout.cli_runner import run_scout
from tests.scout.crawl_helpers import (
    CREDENTIALS,
    crawl,
    crawl_cmd,
    done_pages,
    opened,
    row_counts,
    scout_env,
    write_host_map,
)

DELAY = 0.05  # seconds between requests to one host, for all workers together
NOT_PAGES = ("/robots.txt", "/identity/v1/oauth2/token")


def _leased_by_worker(db: str) -> dict[int, int]:
    """Per worker pid: the pages it holds (pending, under its id)."""
    with opened(db) as engine, session_scope(engine) as session:
        rows = session.execute(select(col(CrawlWorker.pid), func.count()).join(
            FrontierEntry, col(FrontierEntry.worker_id) == col(CrawlWorker.id)).where(
            col(FrontierEntry.status) == "pending", col(FrontierEntry.lease_until).is_not(None),
            col(CrawlWorker.status) == "running").group_by(col(CrawlWorker.pid))).all()
    return {pid: n for pid, n in rows}


def _held_by(db: str, pid: int) -> int:
    with opened(db) as engine, session_scope(engine) as session:
        return session.execute(select(func.count()).select_from(FrontierEntry).join(
            CrawlWorker, col(FrontierEntry.worker_id) == col(CrawlWorker.id)).where(
            col(CrawlWorker.pid) == pid, col(FrontierEntry.status) == "pending")).scalar_one()


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="set SCOUT_TEST_PG to a PostgreSQL URL")
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_worker_killed_mid_crawl_loses_nothing_duplicates_nothing_and_keeps_the_pace(
        databases: Databases, tmp_path: Path, replica: Replica) -> None:
    single, shared = databases.new("single"), databases.new("shared")
    with opened(single) as engine:
        crawl(engine, replica.host_map, ["amazon", "ebay"], scope=CrawlScope(categories=("electronics", "tools")))
        expected = row_counts(engine)
    started = len(replica.requests)
    proc = subprocess.Popen([*crawl_cmd(shared, write_host_map(tmp_path, replica), "--workers", "3"),
                             "--delay", str(DELAY)], env=scout_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        victim, held = 0, 0
        while time.monotonic() < deadline and proc.poll() is None:
            leased = _leased_by_worker(shared)
            if done_pages(shared) >= 10 and len(leased) >= 2 and max(leased.values()) >= 1:
                victim = max(leased, key=leased.__getitem__)
                os.kill(victim, signal.SIGKILL)
                held = _held_by(shared, victim)  # what it had claimed and not stored: at most this is fetched again
                break
            time.sleep(0.05)
        assert victim, "no worker held pages to kill"
        out, err = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "a crawl worker ended unexpectedly (exit -9)" in err

    with opened(shared) as engine:
        assert row_counts(engine) == expected  # every page stored once: no snapshot or offer twice
        with session_scope(engine) as session:
            assert session.execute(select(func.count()).select_from(FrontierEntry).where(
                col(FrontierEntry.status) == "pending")).scalar_one() == 0
            assert session.execute(select(col(Crawl.status)).order_by(col(Crawl.id).desc())).scalar() == "finished"
    requests = replica.requests[started:]
    fetched = Counter((r.host, r.path) for r in requests if r.path not in NOT_PAGES)
    assert sum(n - 1 for n in fetched.values()) <= held
    by_host: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for r in requests:
        by_host[r.host].append((r.time, r.path))
    gaps = [(b[0] - a[0], host, a[1], b[1]) for host, hits in by_host.items()
            for a, b in zip(sorted(hits), sorted(hits)[1:], strict=False)]
    assert min(gaps)[0] >= DELAY - 0.02, sorted(gaps)[:5]


def test_resume_refuses_a_crawl_whose_workers_are_alive_and_says_to_join(databases: Databases,
                                                                          tmp_path: Path) -> None:
    db = databases.new()
    with opened(db) as engine:
        with session_scope(engine) as session:
            session.add(Crawl(source="amazon", status="running", options='{"sources": ["amazon"]}'))
        register_worker(engine, 1)  # this test's own process: alive
    result = run_scout("--db", db, "crawl", "--resume", cwd=tmp_path, env=CREDENTIALS)
    assert result.returncode != 0
    assert result.stderr.strip() == ("error: crawl 1 still has 1 live worker(s): join it with "
                                     "`scout crawl --join 1` instead")


def test_workers_on_sqlite_say_in_one_line_that_sqlite_has_one_crawler(tmp_path: Path, replica: Replica) -> None:
    db = str(tmp_path / "scout.db")
    assert run_scout("--db", db, "db", "init", cwd=tmp_path).returncode == 0
    host_map = write_host_map(tmp_path, replica)
    result = run_scout("--db", db, "crawl", "amazon", "--host-map", str(host_map), "--no-follow", "--delay", "0",
                       "--workers", "3", cwd=tmp_path, env=CREDENTIALS)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == ["note: SQLite runs one crawler per crawl; --workers needs a PostgreSQL --db"]
    joined = run_scout("--db", db, "crawl", "--join", cwd=tmp_path, env=CREDENTIALS)
    assert joined.returncode != 0
    assert joined.stderr.strip() == ("error: SQLite runs one crawler per crawl: --workers and --join need a "
                                     "PostgreSQL --db")
