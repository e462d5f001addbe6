"""A small real HTTP server on 127.0.0.1 for tests: programmable replies per path (and Host), and a request log.

    with TestServer() as server:
        server.add("/page", Reply(503), Reply(200, "ok"))   # first request 503, then 200 for ever
        ... fetch server.url("/page") ...
        assert [r.path for r in server.log] == ["/robots.txt", "/page", "/page"]
"""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Literal

from aiohttp import web

Mode = Literal["normal", "reset", "truncate", "chunked"]


@dataclass(frozen=True)
class Logged:
    """One request as the server saw it; `at` is time.monotonic() on arrival."""

    method: str
    path: str
    query: str
    host: str
    headers: Mapping[str, str]
    body: bytes
    at: float


@dataclass(frozen=True)
class Reply:
    """What to answer. Modes: reset (RST, no answer), truncate (half the body, then close), chunked (no length)."""

    status: int = 200
    body: bytes | str = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering
    mode: Mode = "normal"

    @property
    def data(self) -> bytes:
        return self.body.encode() if isinstance(self.body, str) else self.body


Handler = Callable[[Logged], Reply]


class TestServer:
    """aiohttp.web in a background thread on a free port of 127.0.0.1."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self.log: list[Logged] = []
        self._routes: dict[tuple[str | None, str], list[Reply] | Handler] = {}
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._started = threading.Event()
        self._runner: web.AppRunner | None = None
        self.port = 0

    def __enter__(self) -> TestServer:
        self._thread.start()
        if not self._started.wait(10):
            raise RuntimeError("test server did not start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port>"""
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        """The server's URL for `path`."""
        return f"{self.base_url}{path}"

    def add(self, path: str, *replies: Reply | Handler, host: str | None = None) -> None:
        """Answer `path` (for `host` only, if given) with `replies` in turn, the last one for ever; or a handler."""
        if len(replies) == 1 and callable(replies[0]):
            self._routes[(host, path)] = replies[0]
        else:
            self._routes[(host, path)] = [r for r in replies if isinstance(r, Reply)]

    def requests(self, path: str | None = None, host: str | None = None) -> list[Logged]:
        """Logged requests, optionally only those for `path` and/or `host`."""
        return [r for r in self.log if (path is None or r.path == path) and (host is None or r.host == host)]

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._started.set()
        self._loop.run_forever()
        if self._runner is not None:
            self._loop.run_until_complete(self._runner.cleanup())
        pending = asyncio.all_tasks(self._loop)  # handlers still sleeping on a reply's delay
        for task in pending:
            task.cancel()
        self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    async def _start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    def _reply_for(self, logged: Logged) -> Reply:
        route = self._routes.get((logged.host, logged.path)) or self._routes.get((None, logged.path))
        if route is None:
            return Reply(404, "not found")
        if callable(route):
            return route(logged)
        return route.pop(0) if len(route) > 1 else route[0]

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        logged = Logged(
            method=request.method,
            path=request.path,
            query=request.query_string,
            host=request.headers.get("Host", "").split(":")[0],
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.read(),
            at=time.monotonic(),
        )
        self.log.append(logged)
        reply = self._reply_for(logged)
        if reply.delay:
            await asyncio.sleep(reply.delay)
        if reply.mode == "reset":
            return self._reset(request)
        if reply.mode == "normal":
            return web.Response(status=reply.status, body=reply.data, headers=dict(reply.headers))
        response = web.StreamResponse(status=reply.status, headers=dict(reply.headers))
        if reply.mode == "truncate":
            response.content_length = len(reply.data)
        else:
            response.enable_chunked_encoding()
        await response.prepare(request)
        data = reply.data[: len(reply.data) // 2] if reply.mode == "truncate" else reply.data
        for start in range(0, len(data), 16_384):
            await response.write(data[start : start + 16_384])
        if reply.mode == "truncate":
            assert request.transport is not None
            request.transport.close()
            raise asyncio.CancelledError
        await response.write_eof()
        return response

    def _reset(self, request: web.Request) -> web.StreamResponse:
        """Close the connection with a TCP RST before answering (a "connection reset by peer")."""
        transport = request.transport
        assert transport is not None
        sock = transport.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()
        raise asyncio.CancelledError
