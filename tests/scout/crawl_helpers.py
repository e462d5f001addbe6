"""Crawling Scout's replica in tests: settings, a fetch config without waits, and a DB fingerprint."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import FrontierEntry, OfferRecord, Page, RankingEntry, Seller, SellerSnapshot
from scout.crawl.run import fetch_config, run_crawl
from scout.crawl.sources import CrawlScope
from scout.crawl.summary import CrawlSummary
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
