"""Crawl workers on PostgreSQL, for benchmarks/crawl.py --workers: scaling and polite utilisation.

Both runs preload a crawl's frontier in a fresh PostgreSQL database and let `scout.crawl.run.run_workers` (what
`scout crawl --workers N` runs) work through it, N worker processes on this machine (each: fetch loop + store
process).
- Scaling: the discovered page list (replayed up to --pages), politeness off, with 1, 2 and 4 workers: pages/s.
- Utilisation: the same kinds of pages spread over all 16 replica hosts, 1 request/s per host for every worker
  together; pages/s ÷ 16 is the share of the allowed rate the crawl used (target >= 0.95), timed by the replica
  from the first request to the last one, so start-up and shutdown do not count; robots.txt requests take a
  host's turn like any other and are counted with the pages. The smallest gap between two requests to one host
  shows the pace held across workers.
"""

from __future__ import annotations

import json
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from crawl_workers import CREDENTIALS, replay, tagged
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url

from db.engine import make_engine, session_scope
from db.migrate import upgrade
from db.models import Crawl
from scout.crawl.frontier import Delays, enqueue
from scout.crawl.run import fetch_config, run_workers
from scout.crawl.sources import CrawlScope, Request
from scout.replica.routes import HOSTS
from scout.settings import Settings, load_settings

NOT_PAGES = ("/robots.txt", "/identity/v1/oauth2/token")  # requests that are not a page of the frontier


class Scratch:
    """A fresh PostgreSQL database at Scout's schema, dropped afterwards."""

    def __init__(self, url: str) -> None:
        self.admin = create_engine(make_url(url), isolation_level="AUTOCOMMIT")
        self.name = f"scout_bench_{uuid.uuid4().hex[:8]}"
        self.url = make_url(url).set(database=self.name).render_as_string(hide_password=False)

    def __enter__(self) -> Engine:
        with self.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {self.name}"))
        self.engine = make_engine(self.url)
        upgrade(self.engine)
        return self.engine

    def __exit__(self, *_: object) -> None:
        self.engine.dispose()
        with self.admin.connect() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)"))
        self.admin.dispose()


def settings(delay: float, concurrency: int) -> Settings:
    made = load_settings(None, environ=CREDENTIALS)
    made.crawler.per_host_delay = made.crawler.api_per_host_delay = delay
    made.crawler.concurrency = concurrency
    return made


def preload(engine: Engine, pages: list[tuple[list[Any], str]], delay: float, follow: bool) -> tuple[int, list[str]]:
    """A crawl whose frontier holds `pages` (discovered entries with their URLs), all pending."""
    sources = sorted({entry[1] for entry, _ in pages})
    with session_scope(engine) as session:
        crawl = Crawl(source="all", options=json.dumps({"follow": follow, "sources": sources}))
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        requests = [Request.from_frontier(url, entry[1], entry[2], entry[3], entry[4]) for entry, url in pages]
        for start in range(0, len(requests), 5000):
            enqueue(session, crawl.id, requests[start:start + 5000], Delays(delay, delay))
        return crawl.id, sources


def work(pg_url: str, host_map: dict[str, str], pages: list[tuple[list[Any], str]], workers: int, delay: float,
         concurrency: int, follow: bool = True) -> dict[str, Any]:
    """Run `workers` worker processes over the preloaded pages: pages handled, seconds, pages left."""
    with Scratch(pg_url) as engine:
        crawl_id, sources = preload(engine, pages, delay, follow)
        made = settings(delay, concurrency)
        config = fetch_config(made, host_map)
        started = time.perf_counter()
        summary = run_workers(engine, made, workers, sources, CrawlScope(), join=crawl_id, config=config)
        seconds = time.perf_counter() - started
        handled = sum(s.ok + s.blocked + s.drifted + s.failed + s.gone + s.disallowed
                      for s in summary.sources.values())
        return {"pages": handled, "seconds": seconds, "left": sum(s.pending for s in summary.sources.values())}


def spread_over_hosts(entries: list[list[Any]], per_host: int) -> list[tuple[list[Any], str]]:
    """`per_host` pages on each of the replica's 16 hosts: each host's discovered pages, replayed; a host the crawl
    found no page on gets another host's pages of its marketplace (on its own host: often a 404, still a request)."""
    by_host: dict[str, list[list[Any]]] = defaultdict(list)
    for entry in entries:
        by_host[urlsplit(entry[0]).hostname or ""].append(entry)
    for hosts in HOSTS.values():
        donor = max(hosts, key=lambda host: len(by_host[host]))
        for host in hosts:
            if not by_host[host]:
                by_host[host] = [[urlunsplit(urlsplit(e[0])._replace(netloc=host)), *e[1:]] for e in by_host[donor]]
    hosts = sorted(host for marketplace_hosts in HOSTS.values() for host in marketplace_hosts)
    pages = []
    for host in hosts:
        listed = by_host[host]
        pages.extend((listed[n % len(listed)], tagged(listed[n % len(listed)][0], n // len(listed)))
                     for n in range(per_host))
    return pages


def run(pg_url: str, host_map: dict[str, str], job: dict[str, Any], per_host: int,
        requests: Callable[[], list[tuple[str, float, str]]], scaling: bool = True) -> None:
    """Print the scaling table (1, 2, 4 workers, politeness off) and the polite utilisation over 16 hosts."""
    if scaling:
        print_scaling(pg_url, host_map, job)
    print_utilisation(pg_url, host_map, job, per_host, requests)


def print_scaling(pg_url: str, host_map: dict[str, str], job: dict[str, Any]) -> None:
    """Pages/s with 1, 2 and 4 workers over the replayed list, politeness off."""
    pages = list(replay(job))
    print(f"\nWorkers on PostgreSQL, politeness off: {len(pages)} pages, concurrency {job['concurrency']} per worker")
    header = f"{'workers':>7} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'vs 1':>6}"
    print(header + "\n" + "-" * len(header))
    one = None
    for workers in (1, 2, 4):
        r = work(pg_url, host_map, pages, workers, 0.0, job["concurrency"])
        rate = r["pages"] / r["seconds"]
        one = one or rate
        print(f"{workers:>7} {r['pages']:>7} {r['seconds']:>8.1f} {rate:>8.0f} {rate / one:>5.2f}x", flush=True)


def print_utilisation(pg_url: str, host_map: dict[str, str], job: dict[str, Any], per_host: int,
                      requests: Callable[[], list[tuple[str, float, str]]]) -> None:
    """Requests/s ÷ hosts with 1 request/s allowed per host, 1 and 2 workers, and the smallest gap per host."""
    spread = spread_over_hosts(job["entries"], per_host)
    hosts = len({urlsplit(url).hostname for _, url in spread})
    print(f"\nPolite utilisation: 1 request/s on each of {hosts} hosts, {per_host} pages per host")
    header = (f"{'workers':>7} {'requests':>8} {'pages':>6} {'span s':>7} {'pages/s':>8} {'pages/s / hosts':>16} "
              f"{'requests/s / hosts':>19} {'min gap per host s':>19}")
    print(header + "\n" + "-" * len(header))
    for workers in (1, 2):
        requests()  # forget what came before
        work(pg_url, host_map, spread, workers, 1.0, job["concurrency"], follow=False)
        seen = requests()
        times = sorted(t for _, t, _ in seen)
        pages = sum(1 for *_, path in seen if path not in NOT_PAGES)
        span = times[-1] - times[0]
        per_host: dict[str, list[float]] = defaultdict(list)
        for host, t, _ in seen:
            per_host[host].append(t)
        gap = min(b - a for ts in per_host.values() for a, b in zip(sorted(ts), sorted(ts)[1:], strict=False))
        rate, used = pages / span, len(per_host)
        print(f"{workers:>7} {len(times):>8} {pages:>6} {span:>7.1f} {rate:>8.2f} {rate / used:>16.3f} "
              f"{(len(times) - 1) / span / used:>19.3f} {gap:>19.3f}", flush=True)
