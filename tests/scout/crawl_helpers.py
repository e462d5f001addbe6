"""Crawling Scout's replica in tests: settings, a fetch config without waits, and a DB fingerprint."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import make_engine, session_scope
from db.errors import DatabaseError
from db.migrate import upgrade
from db.models import FrontierEntry, OfferRecord, Page, RankingEntry, Seller, SellerSnapshot
from scout.crawl.run import fetch_config, run_crawl
from scout.crawl.sources import CrawlScope
from scout.crawl.summary import CrawlSummary
from scout.replica.server import Replica
from scout.settings import Settings, load_settings

CREDENTIALS = {"SCOUT_EBAY_CLIENT_ID": "scout-test", "SCOUT_EBAY_CLIENT_SECRET": "secret",
               "SCOUT_ETSY_API_KEY": "etsy-test-key"}


def crawl_settings(delay: float = 0.0) -> Settings:
    """Settings for crawling the replica: no per-host wait unless asked, API credentials set."""
    settings = load_settings(None, environ=CREDENTIALS)
    settings.crawler.per_host_delay = delay
    settings.crawler.api_per_host_delay = delay
    settings.crawler.max_retries = 4
    settings.crawler.page_retry_delay = 0.05  # failed pages are tried again within the test's crawl, quickly
    return settings


def new_db(path: Path) -> Engine:
    """A migrated SQLite database."""
    engine = make_engine(str(path))
    upgrade(engine)
    return engine


def crawl(engine: Engine, host_map: Mapping[str, str], sources: list[str], *, delay: float = 0.0,
          scope: CrawlScope | None = None, **options: Any) -> CrawlSummary:
    """Crawl the replica with short backoffs so retries do not slow the tests down."""
    settings = crawl_settings(delay)
    config = replace(fetch_config(settings, host_map), backoff_base=0.01, backoff_max=0.05, read_timeout=2.0,
                     max_host_delay=0.1)
    return run_crawl(engine, settings, sources, scope or CrawlScope(categories=("electronics",)),
                     host_map=host_map, config=config, **options)


def seller_figures(engine: Engine) -> set[tuple[Any, ...]]:
    """Every stored seller with its figures, independent of ids and fetch times: equal for equal crawls."""
    with session_scope(engine) as session:
        rows = session.execute(select(
            Seller.marketplace, Seller.seller_id, Seller.name, Seller.business_name, SellerSnapshot.positive_pct,
            SellerSnapshot.rating_count, SellerSnapshot.lifetime_rating_count, SellerSnapshot.stars,
            SellerSnapshot.sales_count).join(SellerSnapshot, SellerSnapshot.seller_pk == Seller.id,
                                             isouter=True)).all()
    return {tuple(row) for row in rows}


def row_counts(engine: Engine) -> dict[str, int]:
    """Rows per table a crawl writes: equal crawls store each page, snapshot and offer exactly as often."""
    with session_scope(engine) as session:
        return {table.__name__: session.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (Page, Seller, SellerSnapshot, OfferRecord, RankingEntry, FrontierEntry)}


def write_host_map(folder: Path, replica: Replica) -> Path:
    """The replica's host map as `scout replica serve` writes it, for `scout crawl --host-map`."""
    path = folder / "replica.json"
    path.write_text(json.dumps({"host_map": replica.host_map}))
    return path


def crawl_args(db: str, host_map: Path, *extra: str) -> list[str]:
    """`scout` arguments crawling Amazon and eBay (two categories) on the replica, 10 ms apart per host."""
    return ["--db", db, "crawl", "amazon", "ebay", "--host-map", str(host_map), "--category", "electronics",
            "--category", "tools", "--delay", "0.01", *extra]


def crawl_cmd(db: str, host_map: Path, *extra: str) -> list[str]:
    """`crawl_args` as a command line."""
    return [sys.executable, "-m", "scout", *crawl_args(db, host_map, *extra)]


def scout_env() -> dict[str, str]:
    """The environment a crawling `scout` subprocess runs with: no SCOUT_* settings but the API credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCOUT_")}
    env.update(CREDENTIALS, NO_COLOR="1")
    return env


@contextmanager
def opened(db: str) -> Iterator[Engine]:
    """An engine on `db` for the duration of a `with` block (disposed after, so no connection outlives it)."""
    engine = make_engine(db)
    try:
        yield engine
    finally:
        engine.dispose()


def done_pages(db: str) -> int:
    """Frontier entries no longer pending, in any crawl (0 while the database has no schema yet)."""
    if "://" not in db and not Path(db).exists():
        return 0
    try:
        with opened(db) as engine, session_scope(engine) as session:
            return session.execute(select(func.count()).select_from(FrontierEntry).where(
                col(FrontierEntry.status) != "pending")).scalar_one()
    except DatabaseError:
        return 0
