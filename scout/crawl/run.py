"""Wire a crawl together: settings → fetcher config, credentials → API auth, one HTTP client per crawl."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import Engine

from scout.crawl.api_auth import EbayOAuth, EtsyApiKey
from scout.crawl.client import make_client
from scout.crawl.crawler import Crawler, ProgressCallback, crawl_options, find_resumable, start_crawl
from scout.crawl.fetcher import ApiAuth, FetchConfig, Fetcher
from scout.crawl.sources import SOURCES, CrawlScope
from scout.crawl.summary import CrawlSummary
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


def run_crawl(
    engine: Engine, settings: Settings, sources: list[str], scope: CrawlScope, *, resume: bool = False,
    max_pages: int | None = None, host_map: Mapping[str, str] | None = None,
    on_progress: ProgressCallback | None = None, config: FetchConfig | None = None,
    wall_clock: Callable[[], datetime] | None = None,
) -> CrawlSummary:
    """Start (or resume) a crawl and run it to the end; Ctrl-C leaves it resumable."""
    if resume:
        crawl_id = find_resumable(engine, sources[0] if len(sources) == 1 else None)
        if crawl_id is None:
            raise InputError("no interrupted crawl to resume")
        saved = crawl_options(engine, crawl_id)
        sources = list(saved.get("sources") or sources)  # type: ignore[call-overload]
        scope = replace(scope, follow=bool(saved.get("follow", True)))
        if max_pages is None and isinstance(saved.get("max_pages"), int):
            max_pages = saved["max_pages"]  # type: ignore[assignment]
        check_credentials(settings, sources)
    else:
        check_credentials(settings, sources)
        options = {"site": scope.site, "categories": list(scope.categories), "max_pages": max_pages,
                   "follow": scope.follow}
        crawl_id = start_crawl(engine, sources, scope, options)
    config = config or fetch_config(settings, host_map)
    auths = api_auths(settings)

    async def main() -> CrawlSummary:
        async with make_client(config) as client:
            fetcher = Fetcher(config, client, wall_clock=wall_clock)
            crawler = Crawler(engine, fetcher, crawl_id, auths=auths, max_pages=max_pages, on_progress=on_progress,
                              follow=scope.follow)
            return await crawler.run(sources)

    return asyncio.run(main())
