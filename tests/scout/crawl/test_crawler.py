"""The crawl against Scout's replica over loopback: polite, robust to every fault, resumable, shareable."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import make_engine, session_scope
from db.models import Crawl, FrontierEntry, Page, SellerSnapshot
from scout.crawl.sources import CrawlScope
from scout.pages.reparse import reparse_pages
from scout.replica.faults import Faults
from scout.replica.server import Replica, run_replica
from scout.replica.world import World
from tests.conftest import Databases
from tests.scout.cli_runner import interrupt_scout, run_scout
from tests.scout.crawl_helpers import (
    CREDENTIALS,
    crawl,
    crawl_args,
    crawl_cmd,
    crawl_settings,
    done_pages,
    new_db,
    opened,
    row_counts,
    scout_env,
    seller_figures,
    write_host_map,
)

USER_AGENT = crawl_settings().crawler.resolved_user_agent()


_BASELINES: dict[str, tuple[set[tuple[Any, ...]], dict[str, int]]] = {}


@pytest.fixture
def baseline(databases: Databases, world: World) -> tuple[set[tuple[Any, ...]], dict[str, int]]:
    """Seller figures and row counts of a crawl of Amazon and eBay without faults (crawled once per backend)."""
    if databases.backend not in _BASELINES:
        engine = make_engine(databases.new("clean"))
        with run_replica(world) as clean:
            crawl(engine, clean.host_map, ["amazon", "ebay"])
        _BASELINES[databases.backend] = seller_figures(engine), row_counts(engine)
        engine.dispose()
    return _BASELINES[databases.backend]


def _requests(replica: Replica, host: str) -> list[tuple[float, str, int]]:
    return [(r.time, r.path, r.status) for r in replica.requests if r.host == host]


def test_crawl_reaches_sellers_through_allowed_paths_only(engine: Engine, replica: Replica) -> None:
    summary = crawl(engine, replica.host_map, ["amazon"])
    amazon = summary.sources["amazon"]
    assert amazon.ok > 10 and amazon.sellers_new > 5
    assert amazon.blocked == amazon.drifted == amazon.failed == 0
    paths = [r.path for r in replica.requests]
    assert any(p.startswith("/sp?seller=") for p in paths)
    assert not any(p.startswith("/gp/offer-listing") for p in paths)  # disallowed by Amazon's robots.txt
    assert paths.count("/robots.txt") == 1  # read once per origin, then cached
    assert {r.user_agent for r in replica.requests} == {USER_AGENT}
    assert all(r.cookies == {} for r in replica.requests)  # the replica sets session-id cookies; never sent back


def test_every_source_yields_sellers(engine: Engine, replica: Replica) -> None:
    summary = crawl(engine, replica.host_map, ["ebay", "etsy", "mercadolibre", "walmart"], scope=CrawlScope())
    for name, source in summary.sources.items():
        assert source.ok > 0 and source.sellers_new > 0, name
        assert not source.flagged, name


def test_requests_to_one_host_are_spaced_by_the_delay(engine: Engine, replica: Replica) -> None:
    crawl(engine, replica.host_map, ["amazon"], delay=0.15, max_pages=10)
    times = [t for t, path, _ in _requests(replica, "www.amazon.com") if path != "/robots.txt"]
    assert len(times) >= 9
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 0.15 - 0.01, gaps  # 10 ms for scheduling jitter between send and arrival


def test_retry_after_is_honoured(engine: Engine, replica: Replica) -> None:
    replica.faults = Faults(status_429=1.0, burst=1, retry_after=1, paths=("/gp/bestsellers",))
    summary = crawl(engine, replica.host_map, ["amazon"], max_pages=2, scope=CrawlScope(categories=("electronics",),
                                                                                        follow=False))
    amazon = summary.sources["amazon"]
    assert amazon.retried == 2 and amazon.failed == 0 and amazon.ok >= 1  # page 2 of a short list is a 404
    by_path: dict[str, list[tuple[float, int]]] = defaultdict(list)
    for t, path, status in _requests(replica, "www.amazon.com"):
        by_path[path].append((t, status))
    for path, hits in by_path.items():
        if path.startswith("/gp/bestsellers"):
            (first, status429), (second, answer) = hits
            assert status429 == 429 and answer in (200, 404)  # page 2 of a short list is a 404
            assert second - first >= 1.0


@pytest.mark.parametrize("fault", ["status_429", "status_5xx", "reset", "truncate", "slow"])
def test_every_transient_fault_is_survived_with_nothing_lost_or_duplicated(
    engine: Engine, baseline: tuple[set[tuple[Any, ...]], dict[str, int]], world: World, fault: str
) -> None:
    faults = Faults(**{fault: 0.3}, burst=1, retry_after=0, slow_seconds=3.0, seed=1)  # type: ignore[arg-type]
    with run_replica(world, faults=faults) as faulty:
        summary = crawl(engine, faulty.host_map, ["amazon", "ebay"])
        assert any(r.fault == fault for r in faulty.requests)
    if fault != "reset":  # aiohttp itself retries a request whose connection was reset once, invisibly
        assert sum(s.retried for s in summary.sources.values()) > 0
    assert sum(s.failed for s in summary.sources.values()) == 0
    assert seller_figures(engine) == baseline[0]
    assert row_counts(engine) == baseline[1]  # nothing stored twice


def test_captcha_pages_are_counted_as_blocked_and_the_source_is_flagged(engine: Engine, world: World) -> None:
    amazon_pages = ("/gp/", "/dp/", "/sp")
    with run_replica(world, faults=Faults(captcha=1.0, sticky=True, paths=amazon_pages)) as replica:
        summary = crawl(engine, replica.host_map, ["amazon", "ebay"], scope=CrawlScope())
    assert summary.sources["amazon"].blocked > 0
    assert summary.flagged == ["amazon"]
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(SellerSnapshot)).scalar_one() > 0  # eBay still
        statuses = set(session.execute(select(Page.parse_status).where(Page.marketplace == "amazon")).scalars())
    assert statuses == {"blocked"}


def test_drifted_layouts_are_flagged_and_store_nothing(engine: Engine, world: World) -> None:
    with run_replica(world, faults=Faults(drift=1.0, sticky=True, paths=("/gp/bestsellers",))) as replica:
        summary = crawl(engine, replica.host_map, ["amazon"])
    amazon = summary.sources["amazon"]
    assert amazon.drifted > 0 and amazon.ok == 0 and amazon.flagged
    assert seller_figures(engine) == set()


@pytest.mark.parametrize("fault", ["oversize", "redirect_loop", "offsite_redirect"])
def test_pages_that_cannot_be_fetched_fail_cleanly(engine: Engine, world: World, fault: str) -> None:
    with run_replica(world, faults=Faults(**{fault: 1.0}, sticky=True, paths=("/sp",))) as replica:  # type: ignore[arg-type]
        summary = crawl(engine, replica.host_map, ["amazon"])
    amazon = summary.sources["amazon"]
    assert amazon.failed > 0 and amazon.ok > 0
    with session_scope(engine) as session:
        errors = session.execute(select(FrontierEntry.error).where(FrontierEntry.status == "failed")).scalars().all()
    assert errors and all(errors)


def test_a_second_day_adds_a_snapshot_and_shows_growth(engine: Engine, replica: Replica) -> None:
    crawl(engine, replica.host_map, ["ebay"], scope=CrawlScope())
    replica.set_day(1)
    second = crawl(engine, replica.host_map, ["ebay"], scope=CrawlScope())
    assert second.sources["ebay"].sellers_updated > 0
    with session_scope(engine) as session:
        rows = session.execute(select(SellerSnapshot.seller_pk, SellerSnapshot.crawl_id, SellerSnapshot.rating_count)
                               ).all()
    per_seller: dict[int, dict[int | None, int | None]] = defaultdict(dict)
    for seller_pk, crawl_id, count in rows:
        per_seller[seller_pk][crawl_id] = count
    both = [counts for counts in per_seller.values() if len(counts) == 2]
    assert len(both) > 5
    assert any(counts[2] != counts[1] for counts in both)  # the world grew between the two days


def test_reparse_reads_the_archive_without_the_network(engine: Engine, world: World) -> None:
    with run_replica(world) as replica:
        crawl(engine, replica.host_map, ["amazon"], max_pages=25)
    before = seller_figures(engine)
    report = reparse_pages(engine)  # the replica is gone: only the archive can answer
    assert report.statuses["ok"] >= 15 and set(report.statuses) <= {"ok"}
    assert seller_figures(engine) == before


@pytest.mark.slow
def test_crawl_killed_with_sigkill_resumes_to_the_same_database(
        databases: Databases, tmp_path: Path, replica: Replica) -> None:
    host_map = write_host_map(tmp_path, replica)
    reference, killed = databases.new("reference"), databases.new("killed")
    full = subprocess.run(crawl_cmd(reference, host_map), env=scout_env(), capture_output=True, text=True,
                          timeout=300)
    assert full.returncode == 0, full.stderr
    total = done_pages(reference)

    proc = subprocess.Popen(crawl_cmd(killed, host_map), env=scout_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while done_pages(killed) < total // 3 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    interrupted_at = done_pages(killed)
    assert 0 < interrupted_at < total

    fetched_before = len(replica.requests)
    resumed = subprocess.run(crawl_cmd(killed, host_map, "--resume"), env=scout_env(), capture_output=True,
                             text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    refetched = len(replica.requests) - fetched_before
    assert refetched <= total - interrupted_at + 4  # finished pages are not fetched again (+ robots, token)
    assert done_pages(killed) == total
    with opened(killed) as after_kill, opened(reference) as whole:
        assert seller_figures(after_kill) == seller_figures(whole)
        assert row_counts(after_kill) == row_counts(whole)


def test_ctrl_c_stops_the_crawl_with_one_line_saying_how_to_resume(
        databases: Databases, tmp_path: Path, replica: Replica) -> None:
    host_map = write_host_map(tmp_path, replica)
    db = databases.new()
    result = interrupt_scout(*crawl_args(db, host_map), cwd=tmp_path, env=CREDENTIALS,
                             ready=lambda _: done_pages(db) >= 20)
    assert result.returncode == 130
    assert result.stderr == ("error: interrupted: the pages fetched so far are stored; carry on with "
                             "`scout crawl --resume`\n")
    with opened(db) as engine, session_scope(engine) as session:
        assert session.execute(select(col(Crawl.status))).scalars().all() == ["interrupted"]


@pytest.mark.slow
def test_two_crawls_on_one_sqlite_file_at_once(tmp_path: Path, replica: Replica) -> None:
    host_map = write_host_map(tmp_path, replica)
    db = tmp_path / "shared.db"
    assert run_scout("--db", str(db), "db", "init", cwd=tmp_path).returncode == 0
    base = [sys.executable, "-m", "scout", "--db", str(db), "crawl", "--host-map", str(host_map), "--delay", "0"]
    procs = [subprocess.Popen([*base, source], env=scout_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for source in ("amazon", "ebay")]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    marketplaces = {row[0] for row in seller_figures(new_db(db))}
    assert marketplaces == {"amazon", "ebay"}


def test_resume_with_nothing_to_resume_is_one_clear_line(tmp_path: Path) -> None:
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    result = run_scout("crawl", "--resume", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip() == "error: no interrupted crawl to resume"


def test_a_missing_api_credential_is_named_before_anything_is_written(tmp_path: Path) -> None:
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    result = run_scout("crawl", "ebay", "amazon", cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.startswith("error: ebay is crawled through its official API and SCOUT_EBAY_CLIENT_ID")
    assert "scout crawl amazon" in result.stderr
    assert done_pages(str(tmp_path / "scout.db")) == 0
