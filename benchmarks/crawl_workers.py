"""The contenders of benchmarks/crawl.py, each run in its own process: Scout, a bare aiohttp + lexbor loop, Scrapy.

Every worker reads a job (JSON: host map, the discovered frontier, rounds, concurrency) and returns a result
dict: pages, seconds, peak RSS and RSS samples taken every `sample_every` pages.
"""

from __future__ import annotations

import asyncio
import base64
import json
import multiprocessing
import os
import resource
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

CREDENTIALS = {"SCOUT_EBAY_CLIENT_ID": "scout-bench", "SCOUT_EBAY_CLIENT_SECRET": "secret",
               "SCOUT_ETSY_API_KEY": "etsy-bench-key"}
TAG = "scoutbench"  # the query parameter that makes round r's copy of a URL a distinct page (r >= 1)
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb() -> float:
    """This process's resident set size now, with its multiprocessing children's (Scout's store process), in MB."""
    total = 0
    for pid in ["self", *(str(child.pid) for child in multiprocessing.active_children())]:
        try:
            with open(f"/proc/{pid}/statm") as statm:
                total += int(statm.read().split()[1])
        except OSError:  # a child that just ended
            continue
    return total * _PAGE / 2**20


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB (Linux reports ru_maxrss in KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def peak_child_rss_mb() -> float:
    """The largest peak RSS of this process's finished children, in MB (Scout's store process)."""
    return resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024


@dataclass
class Meter:
    """Counts handled pages and samples RSS every `every` pages."""

    every: int
    pages: int = 0
    samples: list[tuple[int, float]] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    def tick(self, status: int) -> None:
        self.pages += 1
        self.statuses[status] = self.statuses.get(status, 0) + 1
        if self.pages % self.every == 0:
            self.samples.append((self.pages, round(rss_mb(), 1)))

    def result(self, seconds: float, **extra: Any) -> dict[str, Any]:
        return {"pages": self.pages, "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "samples": self.samples,
                "statuses": self.statuses, **extra}


def tagged(url: str, round_: int) -> str:
    """Round 0 is the URL itself; later rounds add ?scoutbench=r, so the same page is fetched as a new URL."""
    if round_ == 0:
        return url
    return f"{url}{'&' if '?' in url else '?'}{TAG}={round_}"


def replay(job: dict[str, Any]) -> Iterator[tuple[list[Any], str]]:
    """(frontier entry, URL) for every page of the job: the discovered list, round after round, up to `pages`."""
    entries, pages = job["entries"], job["pages"]
    for n in range(pages):
        entry = entries[n % len(entries)]
        yield entry, tagged(entry[0], n // len(entries))


def route(url: str, host_map: dict[str, str]) -> tuple[str, str]:
    """(address to contact, Host header) of a logical URL, as Scout's fetcher does with its host_map."""
    parts = urlsplit(url)
    return f"{host_map[parts.hostname or '']}{parts.path or '/'}" + (f"?{parts.query}" if parts.query else ""), \
        parts.netloc


def request_headers(entry: list[Any], ebay_token: str) -> dict[str, str]:
    """The headers Scout would send for this frontier entry: the source's own, plus the API credentials."""
    context = json.loads(entry[4] or "{}")
    headers = dict(context.get("headers") or {})
    if context.get("auth") == "ebay":
        headers["Authorization"] = f"Bearer {ebay_token}"
    elif context.get("auth") == "etsy":
        headers["x-api-key"] = CREDENTIALS["SCOUT_ETSY_API_KEY"]
    return headers


def ebay_token(host_map: dict[str, str]) -> str:
    """An application token from the replica's eBay OAuth endpoint (for the contenders that are not Scout)."""
    basic = base64.b64encode(f"{CREDENTIALS['SCOUT_EBAY_CLIENT_ID']}:{CREDENTIALS['SCOUT_EBAY_CLIENT_SECRET']}"
                             .encode()).decode()
    request = urllib.request.Request(
        f"{host_map['api.ebay.com']}/identity/v1/oauth2/token", method="POST",
        data=b"grant_type=client_credentials&scope=https%3A%2F%2Fapi.ebay.com%2Foauth%2Fapi_scope",
        headers={"Host": "api.ebay.com", "Authorization": f"Basic {basic}",
                 "Content-Type": "application/x-www-form-urlencoded"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(json.loads(response.read())["access_token"])


# --- Scout -----------------------------------------------------------------------------------------------------


def _scout_setup(job: dict[str, Any]) -> tuple[Any, Any, Any]:
    from db.engine import make_engine
    from db.migrate import upgrade
    from scout.crawl.run import fetch_config
    from scout.settings import load_settings

    settings = load_settings(None, environ=CREDENTIALS)
    settings.crawler.per_host_delay = settings.crawler.api_per_host_delay = 0.0
    settings.crawler.concurrency = job["concurrency"]
    engine = make_engine(job["db"])
    upgrade(engine)
    return settings, engine, fetch_config(settings, job["host_map"])


def run_scout_discovery(job: dict[str, Any]) -> dict[str, Any]:
    """Scout's own crawl from its seeds, following links; returns its timing and the frontier it discovered."""
    from sqlalchemy import text

    from db.engine import session_scope
    from scout.crawl.crawler import DISALLOWED, PENDING
    from scout.crawl.run import run_crawl
    from scout.crawl.sources import SOURCES, CrawlScope

    settings, engine, config = _scout_setup(job)
    started = time.perf_counter()
    summary = run_crawl(engine, settings, list(SOURCES), CrawlScope(), host_map=job["host_map"], config=config)
    seconds = time.perf_counter() - started
    with session_scope(engine) as session:
        rows = session.execute(text(
            "SELECT url, marketplace, kind, depth, context FROM frontier WHERE crawl_id = :crawl "
            "AND status NOT IN (:pending, :disallowed) ORDER BY id"),
            {"crawl": summary.crawl_id, "pending": PENDING, "disallowed": DISALLOWED}).all()
    return {"pages": len(rows), "seconds": seconds, "peak_rss_mb": peak_rss_mb(), "samples": [],
            "entries": [list(row) for row in rows],
            "outcomes": {name: s.ok for name, s in summary.sources.items() if s.ok}}


def _preload(engine: Any, job: dict[str, Any]) -> tuple[int, list[str]]:
    """A crawl whose frontier already holds every page of the job (as if discovered), all pending."""
    from sqlalchemy import insert

    from db.engine import session_scope
    from db.models import Crawl, FrontierEntry
    from scout.crawl.crawler import PENDING
    from scout.pages.urls import url_fingerprint

    sources = sorted({entry[1] for entry in job["entries"]})
    with session_scope(engine) as session:
        crawl = Crawl(source="all", options=json.dumps({"sources": sources, "follow": True}))
        session.add(crawl)
        session.flush()
        crawl_id = crawl.id
        assert crawl_id is not None
        chunk: list[dict[str, Any]] = []
        for entry, url in replay(job):
            chunk.append(dict(crawl_id=crawl_id, url=url, fingerprint=url_fingerprint(url), marketplace=entry[1],
                              kind=entry[2], depth=entry[3], status=PENDING, attempts=0, context=entry[4]))
            if len(chunk) == 5000:
                session.execute(insert(FrontierEntry), chunk)
                chunk = []
        if chunk:
            session.execute(insert(FrontierEntry), chunk)
    return crawl_id, sources


def run_scout(job: dict[str, Any]) -> dict[str, Any]:
    """Scout's Crawler over a frontier preloaded with the job's pages: fetch, parse, store, follow (dedup'd)."""
    from scout.crawl.client import make_client
    from scout.crawl.crawler import Crawler
    from scout.crawl.fetcher import Fetcher
    from scout.crawl.run import api_auths

    settings, engine, config = _scout_setup(job)
    if job.get("claim_index"):  # the index proposed for Crawler._claim (not in Scout's schema yet)
        with engine.begin() as connection:
            connection.exec_driver_sql("CREATE INDEX ix_frontier_claim ON frontier "
                                       "(crawl_id, marketplace, status, depth, id)")
    crawl_id, sources = _preload(engine, job)
    before_crawl = rss_mb()  # what preloading the frontier left behind, before any page is fetched
    meter = Meter(job["sample_every"])
    progress = (lambda *_: None) if job.get("progress") else None  # the CLI's progress bar asks for counts per page

    async def main() -> tuple[float, dict[str, int]]:
        async with make_client(config) as client:
            fetcher = Fetcher(config, client)
            fetch = fetcher.fetch

            async def counted(*args: Any, **kwargs: Any) -> Any:
                result = await fetch(*args, **kwargs)
                meter.tick(result.status)
                return result

            fetcher.fetch = counted  # type: ignore[method-assign]
            crawler = Crawler(engine, fetcher, crawl_id, auths=api_auths(settings), follow=True,
                              on_progress=progress)
            started = time.perf_counter()
            summary = await crawler.run(sources)
            seconds = time.perf_counter() - started
            return seconds, {name: s.ok for name, s in summary.sources.items()}

    seconds, outcomes = asyncio.run(main())
    result = meter.result(seconds, outcomes=outcomes, rss_before_mb=round(before_crawl, 1))
    # the store process's memory counts too: peak of the crawl's process + peak of its store process
    result["peak_rss_mb"] += peak_child_rss_mb()
    return result


# --- the floor: bare aiohttp + lexbor ----------------------------------------------------------------------------


def run_floor(job: dict[str, Any]) -> dict[str, Any]:
    """Fetch the same pages with bare aiohttp at the same concurrency; parse each with lexbor or json.loads."""
    import aiohttp
    from selectolax.lexbor import LexborHTMLParser
    from yarl import URL

    host_map = job["host_map"]
    token = ebay_token(host_map)
    meter = Meter(job["sample_every"])
    pages = replay(job)

    async def main() -> float:
        connector = aiohttp.TCPConnector(limit=job["concurrency"])
        async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session:
            async def worker() -> None:
                for entry, url in pages:
                    target, host = route(url, host_map)
                    headers = {**request_headers(entry, token), "Host": host, "User-Agent": job["user_agent"]}
                    async with session.get(URL(target, encoded=True), headers=headers,
                                           allow_redirects=False) as response:
                        body = await response.read()
                        content_type = response.headers.get("Content-Type", "")
                    if "json" in content_type:
                        json.loads(body)
                    else:
                        LexborHTMLParser(body.decode("utf-8", errors="replace")).css("a")
                    meter.tick(response.status)

            started = time.perf_counter()
            await asyncio.gather(*(worker() for _ in range(job["concurrency"])))
            return time.perf_counter() - started

    return meter.result(asyncio.run(main()))


# --- Scrapy ------------------------------------------------------------------------------------------------------


def run_scrapy(job: dict[str, Any]) -> dict[str, Any]:
    """A Scrapy spider over the same pages: robots.txt obeyed, no delay, no autothrottle, count-only."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    host_map = job["host_map"]
    token = ebay_token(host_map)
    meter = Meter(job["sample_every"])
    clock: dict[str, float] = {}

    class ReplaySpider(scrapy.Spider):
        name = "replay"

        async def start(self) -> Any:
            for request in self.start_requests():
                yield request

        def start_requests(self) -> Iterator[scrapy.Request]:
            for entry, url in replay(job):
                target, host = route(url, host_map)
                yield scrapy.Request(target, headers={**request_headers(entry, token), "Host": host},
                                     callback=self.parse, dont_filter=False)

        def parse(self, response: Any) -> None:
            if b"json" in (response.headers.get("Content-Type") or b""):
                response.json()
            else:
                response.css("a")
            meter.tick(response.status)

    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": job["concurrency"], "CONCURRENT_REQUESTS_PER_DOMAIN": job["concurrency"],
        "ROBOTSTXT_OBEY": True, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_DELAY": 0, "COOKIES_ENABLED": False,
        "HTTPERROR_ALLOW_ALL": True,
        "REDIRECT_ENABLED": False, "USER_AGENT": job["user_agent"], "LOG_LEVEL": "WARNING",
        "TELNETCONSOLE_ENABLED": False, "ITEM_PIPELINES": {},
    })
    crawler = process.create_crawler(ReplaySpider)
    crawler.signals.connect(lambda spider: clock.setdefault("start", time.perf_counter()), signals.spider_opened,
                            weak=False)
    crawler.signals.connect(lambda spider: clock.setdefault("end", time.perf_counter()), signals.spider_closed,
                            weak=False)
    process.crawl(crawler)
    process.start()
    stats = crawler.stats.get_stats() if crawler.stats else {}
    return meter.result(clock["end"] - clock["start"], robots=stats.get("robotstxt/request_count", 0),
                        forbidden=stats.get("robotstxt/forbidden", 0))


WORKERS = {"discover": run_scout_discovery, "scout": run_scout, "floor": run_floor, "scrapy": run_scrapy}


def main(name: str, job_path: str) -> None:
    """Entry point of a worker process: run one contender and print its result as the last line of stdout."""
    job = json.loads(Path(job_path).read_text())
    print(json.dumps(WORKERS[name](job)), flush=True)
