"""The crawl: polite fetching over one HTTP client (fetcher, client, api_auth, politeness, robots, backoff), what
each marketplace's crawl starts from and follows (sources), the frontier in the database and the loop that works
through it (frontier, crawler, store_process, tally), workers sharing a crawl on PostgreSQL (workers, pacing), and
the wiring from settings (run). The only package that talks to the network, and only through scout.crawl.fetcher.
"""

from scout.lazy import lazy_exports

__getattr__, __all__ = lazy_exports(__name__, {
    "run_crawl": "run",
    "run_workers": "run",
    "reopen_failed": "run",
    "resolve_sources": "run",
    "read_host_map": "run",
    "fetch_config": "run",
    "CrawlScope": "sources",
    "SOURCES": "sources",
    "CrawlSummary": "summary",
    "SourceSummary": "summary",
    "Fetcher": "fetcher",
    "FetchConfig": "fetcher",
    "FetchResult": "fetcher",
    "make_client": "client",
})
