"""The crawl's one HTTP client: httpx over httpx-aiohttp's transport, no redirects followed, no cookies kept.

The fetcher (scout.crawl.fetcher) sends every request through the client it is given; this module only builds the
default one, so tests and the replica can pass their own transport instead.
"""

from __future__ import annotations

import ssl
from functools import partial
from typing import Any

import aiohttp
import certifi
import httpx
from httpx_aiohttp import AiohttpTransport

from scout.crawl.fetcher import FetchConfig


class _NoCookies(httpx.Cookies):
    """A cookie store that keeps nothing and reads nothing: Scout never stores nor sends cookies (no sessions, no
    logins, nothing to track it by). Not even parsing Set-Cookie saves what httpx spends on it through
    http.cookiejar for every response (about a tenth of a loopback fetch)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None

    def set_cookie_header(self, request: httpx.Request) -> None:
        return None


_NO_COOKIES = _NoCookies()  # keeps nothing, so one serves every client


class _CookielessClient(httpx.AsyncClient):
    """httpx's client with a cookie store that keeps nothing, whatever it is given."""

    @property
    def cookies(self) -> httpx.Cookies:
        return _NO_COOKIES

    @cookies.setter
    def cookies(self, value: Any) -> None:
        return None


def _aiohttp_session(config: FetchConfig, context: ssl.SSLContext) -> aiohttp.ClientSession:
    # Built lazily by the transport, inside the running event loop, as aiohttp requires.
    connector = aiohttp.TCPConnector(limit=max(1, config.concurrency), ssl=context)
    return aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())


def make_client(config: FetchConfig, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The crawl's one client: no redirects followed, no cookies kept, our User-Agent; aiohttp transport by default."""
    if transport is None:
        # The CA bundle is read now, not on the first request: that request would start tens of ms late, and a
        # host's next request (another worker's, on time) would come closer to it than the host's delay.
        context = ssl.create_default_context(cafile=certifi.where())
        transport = AiohttpTransport(client=partial(_aiohttp_session, config, context))
    return _CookielessClient(
        transport=transport,
        headers={"User-Agent": config.user_agent},
        follow_redirects=False,
        timeout=httpx.Timeout(config.read_timeout, connect=config.connect_timeout, pool=None),
    )
