"""The replica's HTTP side: one aiohttp origin per marketplace on 127.0.0.1, several logical hosts each.

Scout's fetcher sends logical URLs (`https://www.amazon.de/...`) to these origins through its `host_map`
with the real Host header; the replica routes by that header, enforces eBay's OAuth and Etsy's API key,
injects faults, and logs every request.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import itertools
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from aiohttp import web

from scout.replica import amazon_pages, ebay_pages, etsy_pages
from scout.replica.faults import Faults, apply_drift, nested_body
from scout.replica.render import dump_json
from scout.replica.routes import CAPTCHAS, DRIFTS, HOSTS, JSON, Page, route
from scout.replica.routes import seeds as seeds
from scout.replica.world import World

OFFSITE = "https://offsite.example.net"
OAUTH_PATH = "/identity/v1/oauth2/token"
MARKETPLACE_KEY = web.AppKey("marketplace", str)


@dataclass(frozen=True, slots=True)
class RequestRecord:
    """One request the replica answered."""

    time: float  # time.monotonic()
    marketplace: str
    host: str  # logical host, from the Host header
    path: str  # path and query
    method: str
    user_agent: str | None
    cookies: dict[str, str]
    status: int
    fault: str | None = None


class Replica:
    """The replica servers of every marketplace; use `run_replica` from synchronous code."""

    def __init__(self, world: World, faults: Faults | None = None, day: int = 0,
                 ebay_credentials: tuple[str, str] | None = None, etsy_api_keys: frozenset[str] | None = None,
                 marketplaces: tuple[str, ...] = tuple(HOSTS)) -> None:
        self.world = world
        self.faults = faults or Faults()
        self.day = day
        self.ebay_credentials = ebay_credentials
        self.etsy_api_keys = etsy_api_keys
        self.marketplaces = marketplaces
        self.requests: list[RequestRecord] = []
        self.base_urls: dict[str, str] = {}
        self._runners: list[web.AppRunner] = []
        self._tokens: set[str] = set()
        self._token_ids = itertools.count(1)

    @property
    def host_map(self) -> dict[str, str]:
        """Logical host -> the base URL of the origin serving it."""
        return {host: self.base_urls[m] for m in self.marketplaces if m in self.base_urls for host in HOSTS[m]}

    def set_day(self, day: int) -> None:
        """Serve the world as of `day` (0 or 1) from the next request on."""
        if day not in (0, 1):
            raise ValueError("the world has days 0 and 1")
        self.day = day

    async def start(self) -> dict[str, str]:
        """Listen on free loopback ports; returns the base URL of each marketplace."""
        for marketplace in self.marketplaces:
            app = web.Application(client_max_size=1024 * 1024)
            app[MARKETPLACE_KEY] = marketplace
            app.router.add_route("*", "/{tail:.*}", self._handle)
            runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
            await runner.setup()
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind(("127.0.0.1", 0))
            site = web.SockSite(runner, sock)
            await site.start()
            self._runners.append(runner)
            self.base_urls[marketplace] = f"http://127.0.0.1:{sock.getsockname()[1]}"
        return dict(self.base_urls)

    async def stop(self) -> None:
        """Close every origin."""
        for runner in self._runners:
            await runner.cleanup()
        self._runners.clear()

    def _logical_host(self, marketplace: str, request: web.Request) -> str:
        host = (request.headers.get("Host") or "").split(":")[0].lower()
        return host if host in HOSTS[marketplace] else HOSTS[marketplace][0]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        marketplace = request.app[MARKETPLACE_KEY]
        host = self._logical_host(marketplace, request)
        fault = self.faults.decide(f"https://{host}{request.path_qs}", request.path)
        # Logged on arrival (status 0 until answered), so a slow answer the client gave up on still shows.
        record = RequestRecord(time=time.monotonic(), marketplace=marketplace, host=host, path=request.path_qs,
                               method=request.method, user_agent=request.headers.get("User-Agent"),
                               cookies=dict(request.cookies), status=0, fault=fault)
        index = len(self.requests)
        self.requests.append(record)
        response = await self._respond(marketplace, host, request, fault)
        if fault not in ("reset", "truncate"):
            self.requests[index] = dataclasses.replace(record, status=response.status)
        return response

    async def _respond(self, marketplace: str, host: str, request: web.Request,
                       fault: str | None) -> web.StreamResponse:
        if fault == "reset":
            # Dropped before any byte of an answer; aiohttp then ignores the response as a lost client.
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=204)
        if fault == "slow":
            await asyncio.sleep(self.faults.slow_seconds)
        if fault == "status_429":
            return web.Response(status=429, text="Too Many Requests",
                                headers={"Retry-After": str(self.faults.retry_after)})
        if fault == "status_5xx":
            code = self.faults.status_5xx_code
            return web.Response(status=code, text="Service Unavailable",
                                headers={"Retry-After": str(self.faults.retry_after)} if code == 503 else {})
        if fault == "redirect_loop":
            return _redirect_loop(host, request)
        if fault == "offsite_redirect":
            raise web.HTTPFound(f"{OFFSITE}{request.path_qs}")
        if request.query.get("_rl"):
            return _redirect_loop(host, request)
        page = await self._page(marketplace, host, request)
        if fault == "captcha" and page.status == 200:
            page = Page(200, _captcha(marketplace, host))
        elif fault == "drift" and page.status == 200:
            page = Page(200, apply_drift(page.body, DRIFTS[marketplace]), page.content_type, page.headers)
        elif fault == "nested" and page.status == 200:
            page = Page(200, nested_body(page.content_type == JSON, self.faults.nested_depth), page.content_type,
                        page.headers)
        body = page.body.encode()
        if fault == "oversize" and page.status == 200:
            pad = b" " if page.content_type == JSON else b"<!-- padding -->"
            body += pad * (self.faults.oversize_bytes // len(pad))
        if fault == "truncate" and page.status == 200:
            return await _truncated(request, page, body)
        response = web.Response(status=page.status, body=body, content_type=page.content_type.split(";")[0],
                                charset="utf-8" if "charset" in page.content_type else None, headers=page.headers)
        if marketplace == "amazon" and "session-id" not in request.cookies and page.content_type != JSON:
            response.set_cookie("session-id", f"{next(self._token_ids):03d}-0000000-0000000", path="/")
        return response

    async def _page(self, marketplace: str, host: str, request: web.Request) -> Page:
        if marketplace == "ebay" and host == "api.ebay.com":
            if request.path == OAUTH_PATH:
                return await self._oauth(request)
            if request.path != "/robots.txt" and not self._bearer_ok(request):
                return Page(401, ebay_pages.render_auth_error(), JSON, {"WWW-Authenticate": "Bearer"})
        if marketplace == "etsy" and host == "openapi.etsy.com" and request.path != "/robots.txt":
            key = request.headers.get("x-api-key", "")
            if not key or (self.etsy_api_keys is not None and key not in self.etsy_api_keys):
                return Page(401 if not key else 403, etsy_pages.render_api_key_error(), JSON)
        if request.method not in ("GET", "HEAD"):
            return Page(405, "Method Not Allowed", "text/plain", {"Allow": "GET, HEAD"})
        return route(self.world, marketplace, host, request.path, dict(request.query), self.day)

    async def _oauth(self, request: web.Request) -> Page:
        if request.method != "POST":
            return Page(405, "Method Not Allowed", "text/plain", {"Allow": "POST"})
        form = await request.post()
        credentials = _basic_credentials(request.headers.get("Authorization", ""))
        valid = credentials is not None and all(credentials) and (
            self.ebay_credentials is None or credentials == self.ebay_credentials)
        if not valid:
            return Page(401, _ebay_oauth_error("invalid_client"), JSON)
        if form.get("grant_type") != "client_credentials":
            return Page(400, _ebay_oauth_error("unsupported_grant_type"), JSON)
        token = f"v^1.1#i^1#replica#{next(self._token_ids)}"
        self._tokens.add(token)
        return Page(200, _json({"access_token": token, "expires_in": 7200,
                                "token_type": "Application Access Token"}), JSON)

    def _bearer_ok(self, request: web.Request) -> bool:
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        return scheme.lower() == "bearer" and token.strip() in self._tokens


_json = dump_json


def _ebay_oauth_error(kind: str) -> str:
    description = ("client authentication failed" if kind == "invalid_client"
                   else "grant type in request is not supported by the authorization server")
    return _json({"error": kind, "error_description": description})


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, secret = base64.b64decode(encoded.strip(), validate=True).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return (user, secret) if sep else None


def _captcha(marketplace: str, host: str) -> str:
    if marketplace == "amazon":
        return amazon_pages.render_captcha(host.removeprefix("www.amazon."))
    return CAPTCHAS[marketplace]()


def _redirect_loop(host: str, request: web.Request) -> web.StreamResponse:
    """A -> A?_rl=1 -> A: two URLs redirecting to each other."""
    query = {k: v for k, v in request.query.items() if k != "_rl"}
    if request.query.get("_rl"):
        target = request.path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    else:
        target = request.path + "?" + "&".join([*(f"{k}={v}" for k, v in query.items()), "_rl=1"])
    raise web.HTTPFound(f"https://{host}{target}")


async def _truncated(request: web.Request, page: Page, body: bytes) -> web.StreamResponse:
    """Promise the whole body in Content-Length, send half of it, then drop the connection."""
    response = web.StreamResponse(status=200, headers={"Content-Type": page.content_type})
    response.content_length = len(body)
    await response.prepare(request)
    await response.write(body[: len(body) // 2])
    if request.transport is not None:
        request.transport.abort()
    return response


@dataclass
class _Running:
    replica: Replica
    loop: asyncio.AbstractEventLoop
    thread: threading.Thread


@contextmanager
def run_replica(world: World, faults: Faults | None = None, day: int = 0, **options: object) -> Iterator[Replica]:
    """Run a Replica on a background thread's event loop for the duration of the `with` block."""
    loop = asyncio.new_event_loop()
    replica = Replica(world, faults, day, **options)  # type: ignore[arg-type]
    ready = threading.Event()
    failure: list[BaseException] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(replica.start())
        except Exception as err:  # re-raised by the caller below, on its own thread
            failure.append(err)
            ready.set()
            loop.run_until_complete(replica.stop())
            loop.close()
            return
        ready.set()
        loop.run_forever()
        loop.run_until_complete(replica.stop())
        loop.run_until_complete(loop.shutdown_asyncgens())
        loop.close()

    thread = threading.Thread(target=serve, name="scout-replica", daemon=True)
    thread.start()
    if not ready.wait(timeout=30):
        raise RuntimeError("the replica did not start within 30 s")
    if failure:
        thread.join(timeout=5)
        raise RuntimeError(f"the replica could not start: {failure[0]}")
    try:
        yield replica
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)


