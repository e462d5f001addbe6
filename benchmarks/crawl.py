"""Pages/s and peak RSS of Scout's crawl (fetch + parse + store) against the replica, next to a floor and Scrapy.

1. The replica serves a `build_world(seed, sellers=N)` world from its own process on 127.0.0.1.
2. Scout crawls every source from its seeds, following links, politeness off (no per-host delay; robots.txt
   still obeyed). Its frontier is "the URL list": every page it fetched (robots-denied entries excluded).
3. The list is replayed up to --pages: round r > 0 re-requests each URL with `?scoutbench=r` added, so every
   fetch is a new page for every contender (the replica ignores the parameter and answers the same page).
   Each contender runs in its own process (so peak RSS is its own; Scout's includes its store process), at the
   same concurrency:
   - Scout: its Crawler over a database frontier preloaded with the list (fetch; parse, store and follow in its
     store process; children of replayed pages are already in the frontier, so no extra pages);
   - floor: bare aiohttp + selectolax lexbor (`.css("a")`) or json.loads, no storage;
   - Scrapy: a spider with ROBOTSTXT_OBEY, no delay, no autothrottle, `response.css("a")` / `response.json()`.
   Logical URLs reach the replica as `base_url + path` with the logical `Host` header (Scout does this
   through FetchConfig.host_map; the others are given the same address and header).
Targets (the crawl issue): Scout >= 0.7x the floor, >= 3x Scrapy, flat memory over 100k pages.

With --workers POSTGRESQL_URL (a server Scout may create databases on), it also measures Scout's crawl workers
(benchmarks/crawl_scale.py): pages/s with 1, 2 and 4 worker processes, politeness off, and the polite utilisation
of 16 replica hosts at 1 request/s each (target: pages/s / 16 >= 0.95).

Run: python benchmarks/crawl.py [--quick | --pages N] [--sellers N] [--only scout,floor,scrapy] [--progress]
                                [--workers postgresql+psycopg://user@host/postgres [--per-host N]]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import crawl_workers  # noqa: E402  (this folder is on sys.path when run as a script)

from scout.crawl.fetcher import DEFAULT_USER_AGENT  # noqa: E402

CONTENDERS = ("scout", "floor", "scrapy")
LABELS = {"discover": "Scout, discovering", "scout": "Scout (crawl+parse+store)",
          "floor": "floor: aiohttp + lexbor", "scrapy": "Scrapy"}


def serve_replica(seed: int, sellers: int, conn: Connection) -> None:
    """Child process: build the world, serve it, send the host map back, then serve until terminated."""
    import asyncio

    from scout.replica.server import Replica
    from scout.replica.world import build_world

    async def main() -> None:
        replica = Replica(build_world(seed, sellers=sellers))
        await replica.start()
        conn.send(replica.host_map)
        loop = asyncio.get_running_loop()
        while True:  # asked for its request log: (logical host, arrival) of each request since it was last asked
            await loop.run_in_executor(None, conn.recv)
            conn.send([(r.host, r.time, r.path) for r in replica.requests])
            replica.requests.clear()

    asyncio.run(main())


def run_worker(name: str, job: dict[str, Any], folder: Path) -> dict[str, Any]:
    """Run one contender in a fresh interpreter; its result is the last line it prints."""
    path = folder / f"{name}.json"
    path.write_text(json.dumps(job))
    done = subprocess.run([sys.executable, __file__, "--worker", name, "--job", str(path)], capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode != 0 or not done.stdout.strip():
        sys.exit(f"{name} failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def print_table(rows: list[tuple[str, dict[str, Any]]], floor_rate: float | None) -> None:
    header = f"{'contender':<27} {'pages':>7} {'seconds':>8} {'pages/s':>8} {'x floor':>8} {'peak RSS MB':>12}"
    print(header)
    print("-" * len(header))
    for name, r in rows:
        rate = r["pages"] / r["seconds"]
        ratio = f"{rate / floor_rate:7.2f}x" if floor_rate else "-"
        print(f"{LABELS[name]:<27} {r['pages']:>7} {r['seconds']:>8.1f} {rate:>8.0f} {ratio:>8} "
              f"{r['peak_rss_mb']:>12.0f}")


def print_memory(rows: list[tuple[str, dict[str, Any]]]) -> None:
    print("\nRSS MB while crawling (sampled every --sample-every pages): first / 25% / middle / 75% / last sample")
    for name, r in rows:
        samples = r["samples"]
        if not samples:
            continue
        picks = [samples[min(len(samples) - 1, round(f * (len(samples) - 1)))] for f in (0, 0.25, 0.5, 0.75, 1)]
        cells = "  ".join(f"{mb:6.0f} @{pages:>6}" for pages, mb in picks)
        print(f"{LABELS[name]:<27} {cells}")
        if "rss_before_mb" in r:
            print(f"{'':<27} (before the first fetch, with the frontier preloaded: {r['rss_before_mb']:.0f} MB)")
    print("\nHTTP statuses seen: " + "; ".join(f"{LABELS[name]} {r['statuses']}" for name, r in rows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10_000, help="pages per contender (default 10000; 100000 "
                                                                  "for the flat-memory target)")
    parser.add_argument("--quick", action="store_true", help="2000 pages over a 300-seller world (~1-2 minutes)")
    parser.add_argument("--sellers", type=int, default=None, help="world size (default 1000; 300 with --quick)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--concurrency", type=int, default=16, help="requests in flight, every contender")
    parser.add_argument("--only", default=",".join(CONTENDERS), help="contenders to run (scout,floor,scrapy)")
    parser.add_argument("--progress", action="store_true", help="give Scout a no-op progress callback, as the "
                                                                "CLI's progress bar does (counts per page)")
    parser.add_argument("--claim-index", action="store_true", help="add the frontier index proposed for the "
                                                                   "crawler's claim query to Scout's database")
    parser.add_argument("--sample-every", type=int, default=None, help="pages between RSS samples")
    parser.add_argument("--workers", metavar="POSTGRESQL_URL", help="also measure crawl workers on this server")
    parser.add_argument("--per-host", type=int, default=80, help="pages per host for the utilisation run")
    parser.add_argument("--no-scaling", action="store_true", help="with --workers: the utilisation run only")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--job", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        crawl_workers.main(args.worker, args.job)
        return
    pages = 2000 if args.quick and args.pages == parser.get_default("pages") else args.pages
    sellers = args.sellers or (300 if args.quick else 1000)
    contenders = [c for c in args.only.split(",") if c]
    unknown = set(contenders) - set(CONTENDERS)
    if unknown:
        sys.exit(f"unknown contender(s): {', '.join(sorted(unknown))}")

    conn, child = multiprocessing.get_context("fork").Pipe()
    server = multiprocessing.get_context("fork").Process(target=serve_replica, args=(args.seed, sellers, child),
                                                         daemon=True)
    server.start()
    try:
        if not conn.poll(60):
            sys.exit("the replica did not start")
        host_map = conn.recv()
        with tempfile.TemporaryDirectory(prefix="scout-crawl-bench-") as tmp:
            folder = Path(tmp)
            base = {"host_map": host_map, "concurrency": args.concurrency, "user_agent": DEFAULT_USER_AGENT}
            started = time.perf_counter()
            discovery = run_worker("discover", {**base, "db": str(folder / "discover.db")}, folder)
            entries = discovery.pop("entries")
            pages = max(pages, len(entries))  # round 0 whole, so Scout's follow adds no page the others lack
            every = args.sample_every or max(1, pages // 20)
            print(f"world: seed {args.seed}, {sellers} sellers; Scout discovered {len(entries)} pages "
                  f"({', '.join(f'{k} {v}' for k, v in discovery['outcomes'].items())}); replaying {pages} pages "
                  f"({pages / len(entries):.1f} rounds) at concurrency {args.concurrency}\n", flush=True)
            rows: list[tuple[str, dict[str, Any]]] = [("discover", discovery)]
            job = {**base, "entries": entries, "pages": pages, "sample_every": every, "progress": args.progress,
                   "claim_index": args.claim_index}
            for name in contenders:
                rows.append((name, run_worker(name, {**job, "db": str(folder / f"{name}.db")}, folder)))
            floor = dict(rows).get("floor")
            print_table(rows, floor["pages"] / floor["seconds"] if floor else None)
            if len(rows) > 1:
                print_memory(rows[1:])
            if args.workers:
                import crawl_scale

                def requests() -> list[tuple[str, float, str]]:
                    conn.send("log")
                    return list(conn.recv())

                crawl_scale.run(args.workers, host_map, {**job, "entries": entries}, args.per_host, requests,
                                scaling=not args.no_scaling)
            print(f"\ntotal {time.perf_counter() - started:.0f} s", flush=True)
    finally:
        server.terminate()
        server.join(10)


if __name__ == "__main__":
    main()
