"""Storing a crawl's batches: each entry's verdict, one page's fault staying that page's, retries, the store process."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Crawl, FrontierEntry, Page, SellerSnapshot
from scout.crawl import store_process
from scout.crawl.fetcher import FetchResult
from scout.crawl.frontier import FAILED, PENDING, RetryRule
from scout.crawl.sources import Request
from scout.crawl.store_process import (
    DISALLOWED,
    DRIFTED,
    GONE,
    Fetched,
    StorePolicy,
    StoreProcess,
    enqueue,
    store_batch,
)
from scout.crawl.tally import record_tally, tally
from tests.conftest import Databases

WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SELLER = "https://www.amazon.com/sp?seller=A1EXAMPLE"
URLS = [SELLER, f"{SELLER}2", f"{SELLER}3"]
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures"


def _result(url: str, status: int, body: bytes) -> FetchResult:
    return FetchResult(url=url, final_url=url, status=status, headers={"content-type": "text/html"}, body=body,
                       fetched_at=WHEN, attempts=1, elapsed=0.01)


def _crawl(engine: Engine, urls: list[str]) -> tuple[int, dict[str, int], list[Request]]:
    """A crawl whose frontier holds `urls` (Amazon seller pages): its id, each URL's entry id, the requests."""
    with session_scope(engine) as session:
        crawl = Crawl(source="amazon")
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        requests = [Request(url, "amazon", "seller", site="amazon.com") for url in urls]
        enqueue(session, crawl.id, requests)
        ids: dict[str, int] = dict(session.execute(select(col(FrontierEntry.url), col(FrontierEntry.id))).all())
    return crawl.id, ids, requests


def _claimed(engine: Engine, claims: int) -> None:
    """Every entry as if claimed `claims` times (on PostgreSQL a page is stored only under its latest claim)."""
    with session_scope(engine) as session:
        session.execute(update(FrontierEntry).values(claims=claims))


def _three_outcomes(engine: Engine) -> tuple[int, list[Fetched]]:
    """A drifted page, a 404 and a page robots.txt refused."""
    crawl_id, ids, requests = _crawl(engine, URLS)
    _claimed(engine, 1)
    return crawl_id, [
        Fetched(ids[URLS[0]], requests[0], _result(URLS[0], 200, b"<html><body>not a seller page</body></html>")),
        Fetched(ids[URLS[1]], requests[1], _result(URLS[1], 404, b"gone")),
        Fetched(ids[URLS[2]], requests[2], None, DISALLOWED, "robots.txt disallows it"),
    ]


def _verdicts(engine: Engine) -> dict[str, tuple[str, str | None]]:
    with session_scope(engine) as session:
        return {url: (status, error) for url, status, error in session.execute(select(
            col(FrontierEntry.url), col(FrontierEntry.status), col(FrontierEntry.error))).all()}


def _seller_page() -> bytes:
    return (FIXTURE / "amazon" / "seller_com_A2SXMCQ1R7PZ4Y.html").read_bytes()


def test_a_batch_marks_every_entry_and_the_tally_counts_it_on_the_crawl(engine: Engine) -> None:
    crawl_id, fetched = _three_outcomes(engine)
    stored = store_batch(engine, crawl_id, True, fetched)
    assert sorted(status for _, _, status in stored.statuses) == sorted([DRIFTED, GONE, DISALLOWED])
    assert {url: status for url, (status, _) in _verdicts(engine).items()} == {
        URLS[0]: DRIFTED, URLS[1]: GONE, URLS[2]: DISALLOWED}
    summary = tally(engine, crawl_id, ["amazon"], "finished")
    record_tally(engine, summary, status="finished", finished=True)
    with session_scope(engine) as session:
        crawl = session.get(Crawl, crawl_id)
        pages = session.execute(select(col(Page.url), col(Page.parse_status))).all()
    assert crawl is not None
    amazon = summary.sources["amazon"]
    assert (amazon.drifted, amazon.gone, amazon.disallowed, amazon.ok, amazon.failed) == (1, 1, 1, 0, 0)
    assert (crawl.pages_drifted, crawl.pages_gone, crawl.pages_disallowed, crawl.pages_ok, crawl.pages_failed,
            crawl.pages_left, crawl.status) == (1, 1, 1, 0, 0, 0, "finished")
    assert pages == [(URLS[0], DRIFTED)]  # the 200 is archived for `scout reparse`; the 404 is not


def test_a_page_nested_too_deep_fails_alone_and_the_batch_is_stored(engine: Engine) -> None:
    crawl_id, ids, requests = _crawl(engine, URLS[:2])
    _claimed(engine, 3)
    hostile = b"<html><body>" + b"<div>" * 3000 + b"</body></html>"
    fetched = [Fetched(ids[URLS[0]], requests[0], _result(URLS[0], 200, hostile), claims=3),
               Fetched(ids[URLS[1]], requests[1], _result(URLS[1], 200, _seller_page()), claims=3)]
    store_batch(engine, crawl_id, True, fetched)
    verdicts = _verdicts(engine)
    assert verdicts[URLS[0]] == (FAILED, "TooDeepError: html nested more than 2000 levels deep")
    assert verdicts[URLS[1]] == ("done", None)


def test_a_page_that_cannot_be_stored_fails_alone_and_the_others_are_stored_one_by_one(
        engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    crawl_id, ids, requests = _crawl(engine, URLS[:2])
    real = store_process.store_outcomes

    def refuse_the_first(session: Any, items: Any, **options: Any) -> None:
        if any(item.page.url == URLS[0] for item in items):
            raise ValueError("a record\nthis database cannot hold")
        real(session, items, **options)

    monkeypatch.setattr(store_process, "store_outcomes", refuse_the_first)
    _claimed(engine, 3)
    fetched = [Fetched(ids[url], request, _result(url, 200, _seller_page()), claims=3)
               for url, request in zip(URLS[:2], requests, strict=True)]
    stored = store_batch(engine, crawl_id, True, fetched)
    assert sorted(status for _, _, status in stored.statuses) == ["done", FAILED]
    assert _verdicts(engine)[URLS[0]] == (FAILED, "ValueError: a record this database cannot hold")
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(SellerSnapshot)).scalar_one() == 1


def test_a_slow_parse_is_stopped_by_the_page_time_limit(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    crawl_id, ids, requests = _crawl(engine, URLS[:1])
    monkeypatch.setattr(store_process, "parse_outcome", lambda *_, **__: time.sleep(5))
    _claimed(engine, 3)
    started = time.monotonic()
    store_batch(engine, crawl_id, True, [Fetched(ids[URLS[0]], requests[0], _result(URLS[0], 200, b"<html>"),
                                                 claims=3)], StorePolicy(page_seconds=0.1))
    assert time.monotonic() - started < 2
    assert _verdicts(engine)[URLS[0]] == (FAILED, "PageTimeoutError: parsing took more than 0.1 s")


def test_a_failed_page_with_tries_left_is_pending_again_until_it_is_due(engine: Engine) -> None:
    crawl_id, ids, requests = _crawl(engine, URLS[:1])
    policy = StorePolicy(retry=RetryRule(tries=3, delay=60.0))
    for claims, expected in ((1, PENDING), (2, PENDING), (3, FAILED)):
        _claimed(engine, claims)
        store_batch(engine, crawl_id, True, [Fetched(ids[URLS[0]], requests[0], None, FAILED, "timed out", 4,
                                                     claims)], policy)
        with session_scope(engine) as session:
            entry = session.get(FrontierEntry, ids[URLS[0]])
            assert entry is not None
            assert (entry.status, entry.claims, entry.error) == (expected, claims, "timed out")
            waits = {1: 60.0, 2: 120.0, 3: None}[claims]
            assert (entry.not_before is None) == (waits is None)
            if waits is not None and entry.not_before is not None:
                assert waits - 5 < entry.not_before - time.time() <= waits


def test_the_store_process_stores_what_storing_here_stores(engine: Engine, databases: Databases) -> None:
    crawl_id, fetched = _three_outcomes(engine)
    store = StoreProcess(engine, crawl_id)
    assert store.separate  # a file or server database is shared with a child process
    try:
        stored = asyncio.run(store.store(fetched))
    finally:
        store.close()
    here = make_engine(databases.new("here"))
    other_id, other = _three_outcomes(here)
    assert stored.statuses == store_batch(here, other_id, True, other).statuses
    assert _verdicts(engine) == _verdicts(here)
    here.dispose()


def test_an_in_memory_database_is_stored_in_the_crawls_own_process() -> None:
    engine = make_engine(":memory:")
    upgrade(engine)
    crawl_id, fetched = _three_outcomes(engine)
    store = StoreProcess(engine, crawl_id)
    assert not store.separate
    asyncio.run(store.store(fetched))
    store.close()
    assert _verdicts(engine)[URLS[1]][0] == GONE
