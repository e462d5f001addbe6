"""Claiming the frontier: the single crawler's in-memory claims (SQLite), and leases shared by workers (PostgreSQL)."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Crawl, CrawlHost, CrawlWorker, FrontierEntry, Page
from scout.crawl.crawler import Crawler
from scout.crawl.fetcher import FetchResult
from scout.crawl.frontier import Delays, claim_leased, enqueue
from scout.crawl.pacing import SharedPacing, keep_turn, reserve_turn
from scout.crawl.sources import Request
from scout.crawl.store_process import LOST, Fetched, store_batch
from scout.crawl.workers import heartbeat, live_workers, register_worker

SELLER = "https://www.amazon.com/sp?seller=A1EXAMPLE"
postgresql_only = pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.skipif(
    not __import__("os").environ.get("SCOUT_TEST_PG"), reason="set SCOUT_TEST_PG to a PostgreSQL URL"))])


def _frontier(engine: Engine, n: int, delays: Delays | None = None) -> int:
    with session_scope(engine) as session:
        crawl = Crawl(source="amazon")
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        enqueue(session, crawl.id, [Request(f"{SELLER}{i}", "amazon", "seller", depth=i % 2) for i in range(n)],
                delays)
        return crawl.id


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    engine = make_engine(str(tmp_path / "crawl.db"))
    upgrade(engine)
    return engine


@pytest.mark.parametrize("variable_limit", [None, 5])  # 5: too few to bind the claimed ids, skipped in Python
def test_claims_read_pending_entries_shallowest_first_skipping_those_claimed(
        sqlite_engine: Engine, variable_limit: int | None) -> None:
    engine = sqlite_engine
    crawl_id = _frontier(engine, 10)
    if variable_limit is not None:
        event.listen(engine, "connect", lambda dbapi, _: dbapi.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER,
                                                                         variable_limit))
        engine.dispose()
    crawler = Crawler(engine, None, crawl_id)  # type: ignore[arg-type]  # claims need no fetcher
    first = crawler._claim("amazon", 4)
    assert [row.depth for row in first] == [0, 0, 0, 0]
    rest = crawler._claim("amazon", 20)
    ids = [row.id for row in [*first, *rest]]
    assert len(ids) == len(set(ids)) == 10  # every entry claimed once, none twice
    assert crawler._claim("amazon", 5) == []


@postgresql_only
def test_a_leased_page_is_claimed_by_one_worker_only_until_its_lease_runs_out(engine: Engine) -> None:
    crawl_id = _frontier(engine, 6, Delays(page=0.0))
    first = claim_leased(engine, crawl_id, "amazon", "w1", 4, lease=60)
    second = claim_leased(engine, crawl_id, "amazon", "w2", 10, lease=60)
    assert len(first) == 4 and len(second) == 2
    assert not {row.id for row in first} & {row.id for row in second}
    assert [row.depth for row in first] == [0, 0, 0, 1]  # shallowest first
    assert {row.claims for row in [*first, *second]} == {1}
    assert claim_leased(engine, crawl_id, "amazon", "w3", 10, lease=60) == []
    with session_scope(engine) as session:  # w1's lease runs out
        session.execute(update(FrontierEntry).where(col(FrontierEntry.worker_id) == "w1").values(lease_until=0.0))
    again = claim_leased(engine, crawl_id, "amazon", "w3", 10, lease=60)
    assert sorted(row.id for row in again) == sorted(row.id for row in first)
    assert {row.claims for row in again} == {2}


@postgresql_only
def test_a_worker_that_lost_its_page_stores_nothing_of_it(engine: Engine) -> None:
    crawl_id = _frontier(engine, 1, Delays(page=0.0))
    (mine,) = claim_leased(engine, crawl_id, "amazon", "w1", 1, lease=60)
    with session_scope(engine) as session:
        session.execute(update(FrontierEntry).values(lease_until=0.0))
    (theirs,) = claim_leased(engine, crawl_id, "amazon", "w2", 1, lease=60)
    request = Request(mine.url, "amazon", "seller")
    body = (Path(__file__).resolve().parents[2] / "fixtures" / "amazon" / "seller_com_A2SXMCQ1R7PZ4Y.html").read_bytes()
    result = FetchResult(mine.url, mine.url, 200, {"content-type": "text/html"}, body,
                         datetime(2026, 11, 1, tzinfo=UTC), 1, 0.01)
    late = store_batch(engine, crawl_id, True, [Fetched(mine.id, request, result, claims=mine.claims)])
    assert late.statuses == [(mine.id, "amazon", LOST)]
    with session_scope(engine) as session:
        assert session.execute(select(Page)).all() == []
    done = store_batch(engine, crawl_id, True, [Fetched(theirs.id, request, result, claims=theirs.claims)])
    assert done.statuses == [(theirs.id, "amazon", "done")]


@postgresql_only
def test_a_claim_reserves_each_pages_turn_on_its_host(engine: Engine) -> None:
    crawl_id = _frontier(engine, 6, Delays(page=0.4))
    asked = time.monotonic()
    rows = claim_leased(engine, crawl_id, "amazon", "w1", 10, lease=60)
    starts = [row.start_at - asked for row in rows]
    assert len(rows) == 2  # only the turns that come within the claim horizon, 15 ms more than the delay apart
    assert starts[0] == pytest.approx(0.05, abs=0.05) and starts[1] - starts[0] == pytest.approx(0.415, abs=0.001)
    turn, _ = reserve_turn(engine, crawl_id, "www.amazon.com", 0.4, time.monotonic)  # robots.txt, a retry: next
    assert turn.start - rows[1].start_at == pytest.approx(0.415, abs=0.002) and turn.step == pytest.approx(0.415)
    assert turn.at - rows[1].turn == pytest.approx(0.415)
    assert keep_turn(engine, crawl_id, turn._replace(at=turn.at - 0.415), time.monotonic) is None  # one after it
    kept = keep_turn(engine, crawl_id, turn, time.monotonic)  # the last one reserved: moved to now
    assert kept is not None and kept.start == pytest.approx(time.monotonic(), abs=0.05)


@postgresql_only
def test_a_slow_down_is_shared_by_every_worker_and_eases_off(engine: Engine) -> None:
    crawl_id = _frontier(engine, 1, Delays(page=0.1))

    def pacing() -> SharedPacing:
        return SharedPacing(engine, crawl_id, 4, max_delay=10.0, clock=time.monotonic, sleep=asyncio.sleep)

    def penalty() -> float:
        with session_scope(engine) as session:
            host = session.get(CrawlHost, (crawl_id, "www.amazon.com"))
            assert host is not None
            return host.penalty

    one, other = pacing(), pacing()
    one.slow_down("www.amazon.com")
    one.slow_down("www.amazon.com")
    assert penalty() == pytest.approx(0.4)
    other.penalties["www.amazon.com"] = 0.4  # what its next claim or turn reads from the host's row
    assert [(other.recover("www.amazon.com"), penalty())[1] for _ in range(3)] == pytest.approx([0.2, 0.0, 0.0])


@postgresql_only
def test_a_dead_worker_on_this_machine_is_gone_at_once_and_its_pages_released(engine: Engine) -> None:
    crawl_id = _frontier(engine, 3, Delays(page=0.0))
    worker = register_worker(engine, crawl_id)
    claim_leased(engine, crawl_id, "amazon", worker, 3, lease=60)
    heartbeat(engine, worker, lease=60)
    assert [w.id for w in live_workers(engine, crawl_id, 60)] == [worker]
    assert live_workers(engine, crawl_id, 60, alive=lambda pid: False) == []
    with session_scope(engine) as session:
        assert session.get(CrawlWorker, worker).status == "gone"  # type: ignore[union-attr]
    assert len(claim_leased(engine, crawl_id, "amazon", "w2", 3, lease=60)) == 3
