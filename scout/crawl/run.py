"""Wire a crawl together: settings → fetcher config, credentials → API auth, one HTTP client per crawl."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from db.engine import make_engine
from scout.crawl.api_auth import EbayOAuth, EtsyApiKey
from scout.crawl.client import make_client
from scout.crawl.crawler import (
    Crawler,
    ProgressCallback,
    crawl_options,
    crawl_progress,
    find_resumable,
    shares_frontier,
    start_crawl,
)
from scout.crawl.fetcher import ApiAuth, FetchConfig, Fetcher
from scout.crawl.frontier import Delays, RetryRule, crawl_with_failures, retry_failed
from scout.crawl.pacing import SharedPacing
from scout.crawl.sources import SOURCES, CrawlScope
from scout.crawl.store_process import StorePolicy
from scout.crawl.summary import CrawlSummary
from scout.crawl.tally import record_tally, tally
from scout.crawl.workers import live_workers, start_workers, wait_workers
from scout.errors import ConfigError, InputError
from scout.settings import Settings


def fetch_config(settings: Settings, host_map: Mapping[str, str] | None = None) -> FetchConfig:
    """The fetcher's configuration from Scout's settings."""
    c = settings.crawler
    return FetchConfig(user_agent=c.resolved_user_agent(), per_host_delay=c.per_host_delay,
                       api_per_host_delay=c.api_per_host_delay, concurrency=max(1, c.concurrency),
                       max_body_bytes=c.max_body_bytes, connect_timeout=c.connect_timeout,
                       read_timeout=c.read_timeout, max_retries=c.max_retries, obey_robots=c.obey_robots,
                       host_map=dict(host_map or {}))


def api_auths(settings: Settings) -> dict[str, ApiAuth]:
    """Credentials for the official APIs; a missing one fails (naming its setting) only when a request needs it."""
    creds = settings.credentials
    return {"ebay": EbayOAuth(creds.ebay_client_id, creds.ebay_client_secret),
            "etsy": EtsyApiKey(creds.etsy_api_key)}


REQUIRED_CREDENTIALS: dict[str, tuple[tuple[str, str], ...]] = {
    "ebay": (("ebay_client_id", "SCOUT_EBAY_CLIENT_ID"), ("ebay_client_secret", "SCOUT_EBAY_CLIENT_SECRET")),
    "etsy": (("etsy_api_key", "SCOUT_ETSY_API_KEY"),),
}


def check_credentials(settings: Settings, sources: list[str]) -> None:
    """Fail before crawling when an official API source has no credentials, naming the setting."""
    for source in sources:
        for field, env in REQUIRED_CREDENTIALS.get(source, ()):
            if not getattr(settings.credentials, field):
                others = [s for s in sources if s not in REQUIRED_CREDENTIALS]
                hint = f"; or crawl without it: scout crawl {' '.join(others)}" if others else ""
                raise ConfigError(f"{source} is crawled through its official API and {env} is not set "
                                  f"(credentials.{field} in scout.toml){hint}")


def read_host_map(path: Path) -> dict[str, str]:
    """A host map file written by `scout replica serve`: {"host_map": {logical host: base URL}}."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(f"cannot read host map {path}: {err}") from None
    mapping = data.get("host_map", data) if isinstance(data, dict) else None
    if not isinstance(mapping, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise InputError(f"{path} is not a host map (expected {{\"host_map\": {{host: base URL}}}})")
    return mapping


def resolve_sources(names: list[str]) -> list[str]:
    """Marketplace names from the command line (`all` for every one)."""
    if not names or "all" in names:
        return list(SOURCES)
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise InputError(f"unknown source {unknown[0]!r} (known: all, {', '.join(SOURCES)})")
    return list(dict.fromkeys(names))


@dataclass(frozen=True)
class CrawlPlan:
    """Which crawl to work on, and how: what `--resume`, `--join` or a new crawl's options come to."""

    crawl_id: int
    sources: list[str]
    follow: bool
    max_pages: int | None


def plan_crawl(engine: Engine, settings: Settings, sources: list[str], scope: CrawlScope, *,
               resume: int | bool = False, join: int | bool = False, max_pages: int | None = None,
               delays: Delays | None = None) -> CrawlPlan:
    """Start a crawl, or pick the one to resume (all its workers gone) or join (still running); checks credentials.

    `resume` and `join` take True (the newest such crawl) or a crawl id.
    """
    if join is not False and not shares_frontier(engine):
        raise InputError("SQLite runs one crawler per crawl: --workers and --join need a PostgreSQL --db")
    if join is not False or resume is not False:
        chosen = join if join is not False else resume
        crawl_id = chosen if not isinstance(chosen, bool) else find_resumable(
            engine, sources[0] if len(sources) == 1 and join is False else None, running=join is not False)
        if crawl_id is None:
            raise InputError("no running crawl to join" if join is not False else "no interrupted crawl to resume")
        saved = crawl_options(engine, crawl_id)
        if not saved:
            raise InputError(f"no crawl {crawl_id} in this database")
        live = live_workers(engine, crawl_id, settings.crawler.worker_lease)
        if resume and live:
            raise InputError(f"crawl {crawl_id} still has {len(live)} live worker(s): join it with "
                             f"`scout crawl --join {crawl_id}` instead")
        sources = list(saved.get("sources") or sources)  # type: ignore[call-overload]
        follow = bool(saved.get("follow", True))
        if max_pages is None and isinstance(saved.get("max_pages"), int):
            max_pages = saved["max_pages"]  # type: ignore[assignment]
        check_credentials(settings, sources)
        return CrawlPlan(crawl_id, sources, follow, max_pages)
    check_credentials(settings, sources)
    options = {"site": scope.site, "categories": list(scope.categories), "max_pages": max_pages, "follow": scope.follow}
    return CrawlPlan(start_crawl(engine, sources, scope, options, delays), sources, scope.follow, max_pages)


def reopen_failed(engine: Engine, settings: Settings, crawl_id: int | None) -> int:
    """Make a crawl's failed and blocked pages pending again (the newest crawl with some, or `crawl_id`)."""
    if crawl_id is None:
        crawl_id = crawl_with_failures(engine)
        if crawl_id is None:
            raise InputError("no crawl has failed or blocked pages to retry")
    if not crawl_options(engine, crawl_id):
        raise InputError(f"no crawl {crawl_id} in this database")
    live = live_workers(engine, crawl_id, settings.crawler.worker_lease)
    if live:
        raise InputError(f"crawl {crawl_id} is still running ({len(live)} live worker(s)): its failed pages are "
                         "tried again within it")
    if not retry_failed(engine, crawl_id):
        raise InputError(f"crawl {crawl_id} has no failed or blocked pages to retry")
    return crawl_id


def store_policy(settings: Settings, config: FetchConfig, follow: bool) -> StorePolicy:
    """How the crawl's store process stores pages, from the settings."""
    c = settings.crawler
    return StorePolicy(follow=follow, retry=RetryRule(c.page_tries, c.page_retry_delay),
                       delays=Delays(config.per_host_delay, config.api_per_host_delay))


def run_crawl(
    engine: Engine, settings: Settings, sources: list[str], scope: CrawlScope, *, resume: bool = False,
    join: int | bool = False, max_pages: int | None = None, host_map: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None, config: FetchConfig | None = None,
    wall_clock: Callable[[], datetime] | None = None,
) -> CrawlSummary:
    """Start (or resume, or join) a crawl and work on it in this process to the end; Ctrl-C leaves it resumable."""
    config = config or fetch_config(settings, host_map)
    plan = plan_crawl(engine, settings, sources, scope, resume=resume, join=join, max_pages=max_pages,
                      delays=Delays(config.per_host_delay, config.api_per_host_delay))
    return work_on(engine, settings, plan, config, on_progress=on_progress, wall_clock=wall_clock)


def work_on(engine: Engine, settings: Settings, plan: CrawlPlan, config: FetchConfig, *,
            on_progress: ProgressCallback | None = None, wall_clock: Callable[[], datetime] | None = None,
            ) -> CrawlSummary:
    """Work on a planned crawl as one worker, in this process, until its frontier is done."""
    auths = api_auths(settings)

    async def main() -> CrawlSummary:
        async with make_client(config) as client:
            pacing = SharedPacing(engine, plan.crawl_id, config.concurrency, max_delay=config.max_host_delay,
                                  clock=time.monotonic, sleep=asyncio.sleep) if shares_frontier(engine) else None
            fetcher = Fetcher(config, client, wall_clock=wall_clock, politeness=pacing)
            crawler = Crawler(engine, fetcher, plan.crawl_id, auths=auths, max_pages=plan.max_pages,
                              on_progress=on_progress, policy=store_policy(settings, config, plan.follow),
                              lease=settings.crawler.worker_lease)
            return await crawler.run(plan.sources)

    return asyncio.run(main())


def _worker_main(url: str, settings: Settings, plan: CrawlPlan, config: FetchConfig) -> None:
    engine = make_engine(url)
    try:
        work_on(engine, settings, plan, config)
    except KeyboardInterrupt:
        raise SystemExit(130) from None


def run_workers(
    engine: Engine, settings: Settings, count: int, sources: list[str], scope: CrawlScope, *, resume: bool = False,
    join: int | bool = False, max_pages: int | None = None, host_map: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None, config: FetchConfig | None = None,
    on_worker_lost: Callable[[int], None] | None = None,
) -> CrawlSummary:
    """Run `count` worker processes on one crawl (PostgreSQL), reporting progress, until they all end.

    A worker that dies (killed, out of memory) loses nothing: the others claim its pages again at once.
    """
    if not shares_frontier(engine):
        raise InputError("SQLite runs one crawler per crawl: --workers and --join need a PostgreSQL --db")
    config = config or fetch_config(settings, host_map)
    plan = plan_crawl(engine, settings, sources, scope, resume=resume, join=join or False, max_pages=max_pages,
                      delays=Delays(config.per_host_delay, config.api_per_host_delay))
    url = engine.url.render_as_string(hide_password=False)
    processes = start_workers(count, _worker_main, (url, settings, plan, config))

    def tick() -> None:
        live_workers(engine, plan.crawl_id, settings.crawler.worker_lease)  # a worker that died releases its pages
        if on_progress is not None:
            for source, (done, known) in crawl_progress(engine, plan.crawl_id).items():
                on_progress(source, "", done, known)

    completed = False
    try:
        codes = wait_workers(processes, tick)
        for code in codes:
            if code not in (0, 130) and on_worker_lost is not None:
                on_worker_lost(code)
        completed = 0 in codes
    finally:
        for process in processes:
            process.join(timeout=60)
        others = live_workers(engine, plan.crawl_id, settings.crawler.worker_lease)
        summary = tally(engine, plan.crawl_id, plan.sources)
        left = sum(s.pending for s in summary.sources.values())
        summary.status = "running" if others else "finished" if not left or completed and plan.max_pages \
            else "interrupted"
        if not others:
            record_tally(engine, summary, status=summary.status, finished=True)
    return summary
