"""Pages/s of httpx's own transport, httpx over httpx-aiohttp (Scout's default) and bare aiohttp.

A local aiohttp server (in a child process, on 127.0.0.1 only) serves ~216 KB pages; each client fetches a
bounded number of them at a few concurrency levels. Run: python benchmarks/transports.py [--requests N]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import random
import socket
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import httpx
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scout.crawl.client import make_client  # noqa: E402
from scout.crawl.fetcher import FetchConfig, Fetcher  # noqa: E402

PAGE_BYTES = 216 * 1024
CONCURRENCY = (1, 8, 32)


def make_page(size: int = PAGE_BYTES) -> bytes:
    """An HTML page of `size` bytes (random words, so it looks like text but repeats little)."""
    rng = random.Random(216)
    words = ["seller", "offer", "price", "rating", "stars", "shipping", "prime", "stock", "<div>", "</div>"]
    parts = ["<html><body>"]
    while sum(map(len, parts)) < size:
        parts.append(" ".join(rng.choice(words) for _ in range(12)) + f" {rng.random():.6f}\n")
    return "".join(parts).encode()[:size]


def serve(sock: socket.socket, page: bytes) -> None:
    """Child process: answer every GET with `page`, until terminated."""

    async def handle(_: web.Request) -> web.Response:
        return web.Response(body=page, content_type="text/html")

    app = web.Application()
    app.router.add_get("/{tail:.*}", handle)
    web.run_app(app, sock=sock, access_log=None, print=None, handle_signals=True)


async def drive(get: Callable[[str], Awaitable[int]], base: str, requests: int, concurrency: int) -> float:
    """Pages per second for `requests` GETs with `concurrency` in flight."""
    queue = iter(range(requests))

    async def worker() -> None:
        for n in queue:
            received = await get(f"{base}/page/{n}")
            assert received == PAGE_BYTES, received

    for _ in range(min(concurrency, 8)):  # warm up connections
        await get(f"{base}/warmup")
    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return requests / (time.perf_counter() - started)


async def bench_httpx(base: str, requests: int, concurrency: int) -> float:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits) as client:
        async def get(url: str) -> int:
            return len((await client.get(url)).content)

        return await drive(get, base, requests, concurrency)


async def bench_httpx_aiohttp(base: str, requests: int, concurrency: int) -> float:
    async with make_client(FetchConfig(concurrency=concurrency)) as client:
        async def get(url: str) -> int:
            return len((await client.get(url)).content)

        return await drive(get, base, requests, concurrency)


async def bench_aiohttp(base: str, requests: int, concurrency: int) -> float:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=concurrency)) as session:
        async def get(url: str) -> int:
            async with session.get(url) as response:
                return len(await response.read())

        return await drive(get, base, requests, concurrency)


async def bench_fetcher(base: str, requests: int, concurrency: int) -> float:
    config = FetchConfig(concurrency=concurrency, per_host_delay=0.0, obey_robots=False)
    async with make_client(config) as client:
        fetcher = Fetcher(config, client)

        async def get(url: str) -> int:
            return len((await fetcher.fetch(url)).body)

        return await drive(get, base, requests, concurrency)


CLIENTS = {
    "httpx (own transport)": bench_httpx,
    "httpx + httpx-aiohttp": bench_httpx_aiohttp,
    "bare aiohttp": bench_aiohttp,
    "Scout Fetcher, no delay": bench_fetcher,
}


def wait_until_listening(port: int, deadline: float = 10.0) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise SystemExit("benchmark server did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=400, help="pages fetched per cell (default 400)")
    args = parser.parse_args()
    requests = max(1, min(args.requests, 5000))

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(256)
    port = sock.getsockname()[1]
    server = multiprocessing.get_context("fork").Process(target=serve, args=(sock, make_page()), daemon=True)
    server.start()
    sock.close()
    try:
        wait_until_listening(port)
        base = f"http://127.0.0.1:{port}"
        print(f"{requests} pages of {PAGE_BYTES // 1024} KB per cell over loopback; pages/s (higher is better)\n")
        header = f"{'client':<26}" + "".join(f"{f'{c} in flight':>14}" for c in CONCURRENCY)
        print(header)
        print("-" * len(header))
        for name, bench in CLIENTS.items():
            rates = [asyncio.run(bench(base, requests, c)) for c in CONCURRENCY]
            print(f"{name:<26}" + "".join(f"{rate:>14,.0f}" for rate in rates), flush=True)
    finally:
        server.terminate()
        server.join(10)


if __name__ == "__main__":
    main()
