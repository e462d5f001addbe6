"""Storing a crawl's batches (each entry's verdict, the crawl's counters, the store process), and claiming."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Crawl, FrontierEntry, Page
from scout.crawl.crawler import Crawler
from scout.crawl.fetcher import FetchResult
from scout.crawl.sources import Request
from scout.crawl.store_process import DISALLOWED, DRIFTED, GONE, Fetched, Stored, StoreProcess, enqueue, store_batch

WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SELLER = "https://www.amazon.com/sp?seller=A1EXAMPLE"


def _result(url: str, status: int, body: bytes) -> FetchResult:
    return FetchResult(url=url, final_url=url, status=status, headers={"content-type": "text/html"}, body=body,
                       fetched_at=WHEN, attempts=1, elapsed=0.01)


def _crawl(engine: Engine, urls: list[str]) -> tuple[int, list[Fetched]]:
    """A crawl whose frontier holds `urls` (Amazon seller pages), and one fetch outcome per URL."""
    with session_scope(engine) as session:
        crawl = Crawl(source="amazon")
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        requests = [Request(url, "amazon", "seller", site="amazon.com") for url in urls]
        enqueue(session, crawl.id, requests)
        ids: dict[str, int] = dict(session.execute(select(col(FrontierEntry.url), col(FrontierEntry.id))).all())
    fetched = [
        Fetched(ids[urls[0]], requests[0], _result(urls[0], 200, b"<html><body>not a seller page</body></html>")),
        Fetched(ids[urls[1]], requests[1], _result(urls[1], 404, b"gone")),
        Fetched(ids[urls[2]], requests[2], None, DISALLOWED, "robots.txt disallows it"),
    ]
    return crawl.id, fetched


def _verdicts(engine: Engine) -> dict[str, str]:
    with session_scope(engine) as session:
        return dict(session.execute(select(col(FrontierEntry.url), col(FrontierEntry.status))).all())


URLS = [SELLER, f"{SELLER}2", f"{SELLER}3"]


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = make_engine(str(tmp_path / "crawl.db"))
    upgrade(engine)
    return engine


def test_a_batch_marks_every_entry_and_counts_it_on_the_crawl(engine: Engine) -> None:
    crawl_id, fetched = _crawl(engine, URLS)
    stored = store_batch(engine, crawl_id, True, fetched)
    assert sorted(status for _, _, status in stored.statuses) == sorted([DRIFTED, GONE, DISALLOWED])
    assert _verdicts(engine) == {URLS[0]: DRIFTED, URLS[1]: GONE, URLS[2]: DISALLOWED}
    with session_scope(engine) as session:
        crawl = session.get(Crawl, crawl_id)
        pages = session.execute(select(col(Page.url), col(Page.parse_status))).all()
    assert crawl is not None
    assert (crawl.pages_drifted, crawl.pages_failed, crawl.pages_disallowed, crawl.pages_ok) == (1, 1, 1, 0)
    assert pages == [(URLS[0], DRIFTED)]  # the 200 is archived for `scout reparse`; the 404 is not


def test_the_store_process_stores_what_storing_here_stores(engine: Engine, tmp_path: Path) -> None:
    crawl_id, fetched = _crawl(engine, URLS)
    store = StoreProcess(engine, crawl_id, follow=True)
    assert store.separate  # a file database is shared with a child process
    try:
        stored = asyncio.run(store.store(fetched))
    finally:
        store.close()
    here = make_engine(str(tmp_path / "here.db"))
    upgrade(here)
    other_id, other = _crawl(here, URLS)
    assert stored == Stored(store_batch(here, other_id, True, other).statuses, {})
    assert _verdicts(engine) == _verdicts(here)


def test_an_in_memory_database_is_stored_in_the_crawls_own_process() -> None:
    engine = make_engine(":memory:")
    upgrade(engine)
    crawl_id, fetched = _crawl(engine, URLS)
    store = StoreProcess(engine, crawl_id, follow=True)
    assert not store.separate
    asyncio.run(store.store(fetched))
    store.close()
    assert _verdicts(engine)[URLS[1]] == GONE


def _frontier(engine: Engine, n: int) -> int:
    with session_scope(engine) as session:
        crawl = Crawl(source="amazon")
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        enqueue(session, crawl.id, [Request(f"{SELLER}{i}", "amazon", "seller", depth=i % 2) for i in range(n)])
        return crawl.id


@pytest.mark.parametrize("variable_limit", [None, 5])  # 5: too few to bind the claimed ids, skipped in Python
def test_claims_read_pending_entries_shallowest_first_skipping_those_claimed(
        engine: Engine, variable_limit: int | None) -> None:
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
