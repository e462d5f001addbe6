"""No single page can stop a crawl: hostile pages fail alone, blocked and failed pages are tried again (within the
crawl, and after it with --retry-failed), and the closing summary and the crawl table agree on every count."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import session_scope
from db.models import Crawl, FrontierEntry
from scout.crawl.run import reopen_failed
from scout.crawl.summary import CrawlSummary
from scout.replica.faults import Faults
from scout.replica.server import Replica, run_replica
from scout.replica.world import World
from tests.scout.cli_runner import run_scout
from tests.scout.crawl_helpers import CREDENTIALS, crawl, crawl_settings, row_counts, write_host_map

SELLER_PAGES = ("/sp", "/ws/api.dll")


def _errors(engine: Engine, status: str) -> list[str | None]:
    with session_scope(engine) as session:
        return list(session.execute(select(col(FrontierEntry.error)).where(
            col(FrontierEntry.status) == status)).scalars())


def _agrees_with_the_crawl_table(engine: Engine, summary: CrawlSummary) -> None:
    with session_scope(engine) as session:
        row = session.get(Crawl, summary.crawl_id)
    assert row is not None and row.status == summary.status
    s = summary.sources.values()
    assert (row.pages_ok, row.pages_retried, row.pages_blocked, row.pages_drifted, row.pages_disallowed,
            row.pages_failed, row.pages_gone, row.pages_left, row.sellers_new, row.sellers_updated) == (
        sum(x.ok for x in s), sum(x.retried for x in s), sum(x.blocked for x in s), sum(x.drifted for x in s),
        sum(x.disallowed for x in s), sum(x.failed for x in s), sum(x.gone for x in s), sum(x.pending for x in s),
        sum(x.sellers_new for x in s), sum(x.sellers_updated for x in s))


def test_hostile_deeply_nested_pages_fail_alone_and_the_crawl_goes_on(engine: Engine, world: World,
                                                                      tmp_path: Path) -> None:
    faults = Faults(nested=0.3, sticky=True, paths=SELLER_PAGES, seed=2)
    with run_replica(world, faults=faults) as replica:
        summary = crawl(engine, replica.host_map, ["amazon", "ebay"])
        assert any(r.fault == "nested" for r in replica.requests)
    assert summary.status == "finished"
    assert sum(s.failed for s in summary.sources.values()) > 0
    assert all(s.ok > 0 and s.sellers_new > 0 for s in summary.sources.values()), summary
    errors = _errors(engine, "failed")
    assert errors and all(e is not None and e.startswith("TooDeepError: ") for e in errors)
    _agrees_with_the_crawl_table(engine, summary)
    db = engine.url.render_as_string(hide_password=False) if "://" in str(engine.url) else str(engine.url.database)
    resumed = run_scout("--db", db, "crawl", "--resume", cwd=tmp_path, env=CREDENTIALS)
    assert resumed.stderr.strip() == "error: no interrupted crawl to resume"  # nothing left to crash on


def test_captcha_pages_are_tried_again_later_in_the_same_crawl(engine: Engine, world: World) -> None:
    faults = Faults(captcha=0.5, burst=1, paths=("/sp",), seed=3)
    with run_replica(world, faults=faults) as replica:
        summary = crawl(engine, replica.host_map, ["amazon"])
        seller_hits = Counter(r.path for r in replica.requests if r.path.startswith("/sp"))
    amazon = summary.sources["amazon"]
    assert amazon.blocked == 0 and amazon.failed == 0 and amazon.ok > 10
    assert 2 in seller_hits.values()  # blocked once, then fetched again and read
    _agrees_with_the_crawl_table(engine, summary)


def test_retry_failed_tries_a_finished_crawls_failed_pages_again(engine: Engine, replica: Replica) -> None:
    replica.faults = Faults(oversize=1.0, sticky=True, paths=("/sp",))
    first = crawl(engine, replica.host_map, ["amazon"])
    failed = first.sources["amazon"].failed
    assert failed > 0 and first.status == "finished"
    before = row_counts(engine)
    replica.faults = Faults()
    crawl_id = reopen_failed(engine, crawl_settings(), None)
    assert crawl_id == first.crawl_id
    again = crawl(engine, replica.host_map, ["amazon"], resume=crawl_id)
    amazon = again.sources["amazon"]
    assert (amazon.failed, amazon.pending) == (0, 0)
    assert amazon.ok >= first.sources["amazon"].ok + failed  # every page once failed is read now
    assert row_counts(engine)["SellerSnapshot"] > before["SellerSnapshot"]  # the seller pages are read now
    _agrees_with_the_crawl_table(engine, again)


def test_retry_failed_with_nothing_failed_is_one_clear_line(tmp_path: Path, replica: Replica) -> None:
    db = str(tmp_path / "scout.db")
    assert run_scout("--db", db, "db", "init", cwd=tmp_path).returncode == 0
    host_map = write_host_map(tmp_path, replica)
    assert run_scout("--db", db, "crawl", "amazon", "--host-map", str(host_map), "--no-follow", "--delay", "0",
                     cwd=tmp_path, env=CREDENTIALS).returncode == 0
    result = run_scout("--db", db, "crawl", "--retry-failed", cwd=tmp_path, env=CREDENTIALS)
    assert result.returncode != 0
    assert result.stderr.strip() == "error: no crawl has failed or blocked pages to retry"
