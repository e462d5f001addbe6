"""The fetcher against a real HTTP server on 127.0.0.1: politeness, robots, retries, redirects, auth."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import json
import random
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from scout.crawl.api_auth import EbayOAuth, EtsyApiKey
from scout.crawl.client import make_client
from scout.crawl.fetcher import FetchConfig, Fetcher, FetchResult
from scout.errors import ConfigError, DisallowedError, FetchError
from tests.httpserver import Logged, Reply, TestServer

FAST = FetchConfig(
    user_agent="ScoutBot/0.1.0 (+https://scout.invalid/bot; bd-team@scout.invalid)",
    per_host_delay=0.0,
    api_per_host_delay=0.0,
    backoff_base=0.001,
    backoff_max=0.01,
    connect_timeout=2.0,
    read_timeout=2.0,
)
TRANSPORTS = {"aiohttp": lambda: None, "httpx": httpx.AsyncHTTPTransport}


class FakeTime:
    """A monotonic clock that sleeping advances (for waits too long to sit through)."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


@pytest.fixture
def server() -> Iterator[TestServer]:
    with TestServer() as running:
        yield running

# The fetcher spaces request starts; the server sees arrivals, which a loaded machine can bring closer.
ARRIVAL_JITTER = 0.01


def run(
    body: Callable[[Fetcher], Awaitable[Any]],
    config: FetchConfig = FAST,
    *,
    fake: FakeTime | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    **changes: Any,
) -> Any:
    """Run `body(fetcher)` in a fresh event loop with a fresh client, closed afterwards."""
    config = dataclasses.replace(config, **changes)

    async def main() -> Any:
        async with make_client(config, transport) as client:
            timing: dict[str, Any] = {"clock": fake.clock, "sleep": fake.sleep} if fake else {}
            fetcher = Fetcher(config, client, rng=random.Random(7), **timing)
            return await body(fetcher)

    return asyncio.run(main())


def fetch(server: TestServer, path: str, **kwargs: Any) -> FetchResult:
    """One fetch of `path` on the test server."""
    return run(lambda f: f.fetch(server.url(path)), **kwargs)


def gaps(log: list[Logged]) -> list[float]:
    return [b.at - a.at for a, b in zip(log, log[1:], strict=False)]


def test_fetch_sends_identifying_user_agent(server: TestServer) -> None:
    server.add("/page", Reply(200, "hello"))
    result = fetch(server, "/page")
    assert result.status == 200 and result.text == "hello" and result.attempts == 1
    assert {r.headers["user-agent"] for r in server.log} == {FAST.user_agent}


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_fetch_never_stores_or_sends_cookies(server: TestServer, transport: str) -> None:
    server.add("/first", Reply(200, "a", headers={"Set-Cookie": "session=abc; Path=/; Max-Age=3600"}))
    server.add("/second", Reply(200, "b"))

    async def body(fetcher: Fetcher) -> None:
        await fetcher.fetch(server.url("/first"))
        await fetcher.fetch(server.url("/second"))

    run(body, transport=TRANSPORTS[transport]())
    assert [r.path for r in server.log] == ["/robots.txt", "/first", "/second"]
    assert all("cookie" not in r.headers for r in server.log)


def test_fetch_never_sends_cookies_even_with_a_client_that_keeps_them(server: TestServer) -> None:
    server.add("/first", Reply(200, "a", headers={"Set-Cookie": "session=abc; Path=/"}))
    server.add("/second", Reply(200, "b"))

    async def main() -> None:
        async with httpx.AsyncClient() as client:
            fetcher = Fetcher(FAST, client)
            await fetcher.fetch(server.url("/first"))
            await fetcher.fetch(server.url("/second"))

    asyncio.run(main())
    assert all("cookie" not in r.headers for r in server.log)


def test_fetch_returns_final_non_retryable_status(server: TestServer) -> None:
    server.add("/gone", Reply(410, "gone"))
    result = fetch(server, "/gone")
    assert (result.status, result.attempts, result.body) == (410, 1, b"gone")
    assert result.url == result.final_url == server.url("/gone")
    assert result.fetched_at.tzinfo is UTC


def test_fetch_text_decodes_declared_charset(server: TestServer) -> None:
    latin = {"Content-Type": "text/html; charset=ISO-8859-1"}
    server.add("/latin", Reply(200, "Zürich".encode("latin-1"), headers=latin))
    server.add("/meta", Reply(200, '<meta charset="windows-1252"><p>€</p>'.encode("cp1252")))
    assert fetch(server, "/latin").text == "Zürich"
    assert fetch(server, "/meta").text.endswith("<p>€</p>")


def test_robots_disallow_sends_no_request(server: TestServer) -> None:
    server.add("/robots.txt", Reply(200, "User-agent: ScoutBot\nDisallow: /private\n\nUser-agent: *\nDisallow:\n"))
    server.add("/public", Reply(200, "ok"))

    async def body(fetcher: Fetcher) -> None:
        with pytest.raises(DisallowedError, match="ScoutBot"):
            await fetcher.fetch(server.url("/private/page"))
        await fetcher.fetch(server.url("/public"))
        assert fetcher.stats[f"127.0.0.1:{server.port}"].disallowed == 1

    run(body)
    assert server.requests("/private/page") == []
    assert len(server.requests("/robots.txt")) == 1


def test_robots_404_allows_everything(server: TestServer) -> None:
    server.add("/anything", Reply(200, "ok"))
    assert fetch(server, "/anything").status == 200
    assert [r.path for r in server.log] == ["/robots.txt", "/anything"]


def test_robots_500_forbids_origin_until_readable(server: TestServer) -> None:
    server.add("/robots.txt", Reply(500))
    server.add("/page", Reply(200, "ok"))
    fake = FakeTime()

    async def body(fetcher: Fetcher) -> FetchResult:
        with pytest.raises(DisallowedError, match="unreadable"):
            await fetcher.fetch(server.url("/page"))
        server.add("/robots.txt", Reply(200, "User-agent: *\nAllow: /\n"))
        with pytest.raises(DisallowedError):  # the failure is remembered for a while
            await fetcher.fetch(server.url("/page"))
        fake.now += 61
        return await fetcher.fetch(server.url("/page"))

    assert run(body, fake=fake).status == 200
    assert len(server.requests("/page")) == 1


def test_robots_is_not_checked_for_api_calls(server: TestServer) -> None:
    server.add("/robots.txt", Reply(200, "User-agent: *\nDisallow: /\n"))
    server.add("/v3/items", Reply(200, "{}"))
    result = run(lambda f: f.fetch(server.url("/v3/items"), api=True))
    assert result.status == 200 and server.requests("/robots.txt") == []


def test_robots_crawl_delay_spaces_requests(server: TestServer) -> None:
    server.add("/robots.txt", Reply(200, "User-agent: *\nCrawl-delay: 0.2\n"))
    server.add("/page", Reply(200, "ok"))

    async def body(fetcher: Fetcher) -> float | None:
        await asyncio.gather(*(fetcher.fetch(server.url("/page")) for _ in range(3)))
        return fetcher.host_delay(f"127.0.0.1:{server.port}")

    assert run(body, per_host_delay=0.05) == 0.2
    assert min(gaps(server.requests("/page"))) >= 0.2 - ARRIVAL_JITTER


def test_per_host_delay_spaces_concurrent_requests(server: TestServer) -> None:
    server.add("/page", Reply(200, "ok"))

    async def body(fetcher: Fetcher) -> None:
        await asyncio.gather(*(fetcher.fetch(server.url("/page")) for _ in range(6)))

    run(body, per_host_delay=0.05, concurrency=8)
    assert len(server.requests("/page")) == 6
    assert len(server.requests("/robots.txt")) == 1
    assert min(gaps(server.requests("/page"))) >= 0.05 - ARRIVAL_JITTER


def test_per_host_delay_does_not_hold_back_other_hosts(server: TestServer) -> None:
    server.add("/page", Reply(200, "ok"))
    hosts = {"a.test": server.base_url, "b.test": server.base_url}

    async def body(fetcher: Fetcher) -> None:
        urls = [f"http://{host}/page" for host in hosts for _ in range(3)]
        await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    run(body, per_host_delay=0.15, host_map=hosts)
    for host in hosts:
        assert min(gaps(server.requests("/page", host=host))) >= 0.15 - ARRIVAL_JITTER
    first_pages = [server.requests("/page", host=host)[0].at for host in hosts]
    assert abs(first_pages[0] - first_pages[1]) < 0.12


def test_429_retry_after_seconds_is_honoured(server: TestServer) -> None:
    server.add("/page", Reply(429, headers={"Retry-After": "7"}), Reply(200, "ok"))
    fake = FakeTime()

    async def body(fetcher: Fetcher) -> FetchResult:
        result = await fetcher.fetch(server.url("/page"))
        assert fetcher.stats[f"127.0.0.1:{server.port}"].throttled == 1
        return result

    result = run(body, fake=fake)
    assert (result.status, result.attempts) == (200, 2)
    assert fake.now - 1_000.0 >= 7


def test_429_retry_after_http_date_is_honoured(server: TestServer) -> None:
    server.add("/page", Reply(429, headers={
        "Retry-After": format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)}), Reply(200, "ok"))
    fake = FakeTime()
    assert fetch(server, "/page", fake=fake).status == 200
    assert 28 <= fake.now - 1_000.0 < 40


def test_retry_after_beyond_cap_gives_up_and_pauses_host(server: TestServer) -> None:
    server.add("/page", Reply(503, headers={"Retry-After": "3600"}), Reply(200, "ok"))
    server.add("/other", Reply(200, "ok"))
    fake = FakeTime()

    async def body(fetcher: Fetcher) -> FetchResult:
        with pytest.raises(FetchError, match="Retry-After 3600") as raised:
            await fetcher.fetch(server.url("/page"))
        assert raised.value.status == 503
        with pytest.raises(FetchError, match="asked for no requests"):
            await fetcher.fetch(server.url("/other"))
        assert max(fake.sleeps, default=0) < 1
        fake.now += 3600
        return await fetcher.fetch(server.url("/other"))

    assert run(body, fake=fake).status == 200
    assert [r.path for r in server.log] == ["/robots.txt", "/page", "/other"]


def test_host_answering_429_is_slowed_then_recovers_step_by_step(server: TestServer) -> None:
    server.add("/busy", Reply(429))
    server.add("/later", Reply(200, "ok"))

    async def body(fetcher: Fetcher) -> list[float | None]:
        with pytest.raises(FetchError, match="HTTP 429 after 3 attempts"):
            await fetcher.fetch(server.url("/busy"))
        delays = [fetcher.host_delay(f"127.0.0.1:{server.port}")]
        for _ in range(4):
            await fetcher.fetch(server.url("/later"))
            delays.append(fetcher.host_delay(f"127.0.0.1:{server.port}"))
        return delays

    assert run(body, per_host_delay=0.04, max_retries=2) == pytest.approx([0.32, 0.16, 0.08, 0.04, 0.04])
    wanted = [0.08, 0.16, 0.32, 0.16, 0.08, 0.04]  # each 429 doubles the spacing, each 200 halves it
    assert all(gap >= want - 0.005 for gap, want in zip(gaps(server.log[1:]), wanted, strict=True))


def test_503_is_retried_then_ok(server: TestServer) -> None:
    server.add("/page", Reply(503), Reply(200, "ok"))

    async def body(fetcher: Fetcher) -> FetchResult:
        result = await fetcher.fetch(server.url("/page"))
        stats = fetcher.stats[f"127.0.0.1:{server.port}"]
        assert (stats.ok, stats.retried, stats.failed) == (1, 1, 0)
        return result

    result = run(body)
    assert (result.status, result.attempts, result.text) == (200, 2, "ok")


def test_retries_exhausted_raise_fetch_error(server: TestServer) -> None:
    server.add("/page", Reply(502))
    with pytest.raises(FetchError, match="HTTP 502 after 3 attempts") as raised:
        fetch(server, "/page", max_retries=2)
    assert raised.value.status == 502
    assert len(server.requests("/page")) == 3


def test_slow_response_times_out_and_is_retried(server: TestServer) -> None:
    server.add("/page", Reply(200, "late", delay=0.6), Reply(200, "ok"))
    result = fetch(server, "/page", read_timeout=0.15)
    assert (result.text, result.attempts) == ("ok", 2)


def test_timeouts_exhausted_raise_fetch_error(server: TestServer) -> None:
    server.add("/page", Reply(200, "late", delay=0.4))
    with pytest.raises(FetchError, match="timed out"):
        fetch(server, "/page", read_timeout=0.1, max_retries=1)


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_connection_reset_is_retried(server: TestServer, transport: str) -> None:
    server.add("/page", Reply(mode="reset"), Reply(200, "ok"))
    result = fetch(server, "/page", transport=TRANSPORTS[transport]())
    assert result.text == "ok"


@pytest.mark.parametrize("transport", TRANSPORTS)
def test_truncated_body_is_retried(server: TestServer, transport: str) -> None:
    server.add("/page", Reply(200, b"x" * 100_000, mode="truncate"), Reply(200, b"y" * 100_000))
    result = fetch(server, "/page", transport=TRANSPORTS[transport]())
    assert (result.body, result.attempts) == (b"y" * 100_000, 2)


@pytest.mark.parametrize("mode", ["normal", "chunked"])
def test_oversized_body_is_abandoned(server: TestServer, mode: Any) -> None:
    server.add("/big", Reply(200, b"z" * 50_000, mode=mode))
    with pytest.raises(FetchError, match="max_body_bytes=10000"):
        fetch(server, "/big", max_body_bytes=10_000)
    assert len(server.requests("/big")) == 1


def test_redirect_within_allowed_hosts_is_followed(server: TestServer) -> None:
    hosts = {"shop.test": server.base_url, "www.shop.test": server.base_url}
    server.add("/old", Reply(301, headers={"Location": "https://www.shop.test/new?x=1"}), host="shop.test")
    server.add("/new", Reply(200, "moved here"), host="www.shop.test")
    result = run(lambda f: f.fetch("http://shop.test/old", allowed_hosts=frozenset({"www.shop.test"})),
                 host_map=hosts)
    assert (result.url, result.final_url, result.text) == ("http://shop.test/old", "https://www.shop.test/new?x=1",
                                                           "moved here")
    assert [(r.host, r.path) for r in server.log] == [
        ("shop.test", "/robots.txt"), ("shop.test", "/old"),
        ("www.shop.test", "/robots.txt"), ("www.shop.test", "/new")]


def test_relative_redirect_is_followed(server: TestServer) -> None:
    server.add("/a", Reply(302, headers={"Location": "/b"}))
    server.add("/b", Reply(200, "b"))
    result = fetch(server, "/a")
    assert (result.final_url, result.attempts) == (server.url("/b"), 2)


def test_offsite_redirect_is_refused(server: TestServer) -> None:
    server.add("/a", Reply(302, headers={"Location": "https://elsewhere.test/x"}))
    with pytest.raises(FetchError, match="off-site redirect to https://elsewhere.test/x"):
        fetch(server, "/a")


def test_redirect_to_a_disallowed_path_sends_nothing_there(server: TestServer) -> None:
    server.add("/robots.txt", Reply(200, "User-agent: *\nDisallow: /private\n"))
    server.add("/a", Reply(302, headers={"Location": "/private/x"}))
    with pytest.raises(DisallowedError):
        fetch(server, "/a")
    assert server.requests("/private/x") == []


def test_a_redirect_from_https_to_http_is_refused(server: TestServer) -> None:
    hosts = {"shop.test": server.base_url}
    server.add("/a", Reply(301, headers={"Location": "http://shop.test/b"}), host="shop.test")
    server.add("/b", Reply(200, "downgraded"), host="shop.test")
    with pytest.raises(FetchError, match="redirect from https to http refused: http://shop.test/b"):
        run(lambda f: f.fetch("https://shop.test/a"), host_map=hosts)
    assert server.requests("/b") == []


def test_credentials_are_not_sent_to_another_host_after_a_redirect(server: TestServer) -> None:
    hosts = {"openapi.etsy.com": server.base_url, "www.etsy.com": server.base_url}
    server.add("/v3/application/shops/1", Reply(302, headers={"Location": "https://www.etsy.com/shop/x"}),
               host="openapi.etsy.com")
    server.add("/shop/x", Reply(200, "{}"), host="www.etsy.com")
    run(lambda f: f.fetch("https://openapi.etsy.com/v3/application/shops/1", api=True, auth=EtsyApiKey("k3y"),
                          allowed_hosts=frozenset({"www.etsy.com"})), host_map=hosts)
    (api_call,) = server.requests("/v3/application/shops/1")
    (redirected,) = server.requests("/shop/x")
    assert api_call.headers["x-api-key"] == "k3y" and "x-api-key" not in redirected.headers


def test_redirect_loop_is_refused(server: TestServer) -> None:
    server.add("/a", Reply(302, headers={"Location": "/b"}))
    server.add("/b", Reply(302, headers={"Location": "/a"}))
    with pytest.raises(FetchError, match="redirect loop"):
        fetch(server, "/a")
    assert len(server.requests("/a")) == 1


def test_more_than_five_redirects_are_refused(server: TestServer) -> None:
    for hop in range(8):
        server.add(f"/r{hop}", Reply(302, headers={"Location": f"/r{hop + 1}"}))
    with pytest.raises(FetchError, match="more than 5 redirects"):
        fetch(server, "/r0")
    assert len(server.log) == 1 + 6


def test_host_map_routes_logical_hosts_by_host_header(server: TestServer) -> None:
    server.add("/dp/1", Reply(200, "amazon.de"), host="www.amazon.de")
    server.add("/dp/1", Reply(200, "amazon.fr"), host="www.amazon.fr")
    hosts = {"www.amazon.de": server.base_url, "www.amazon.fr": server.base_url}

    async def body(fetcher: Fetcher) -> list[FetchResult]:
        return [await fetcher.fetch(f"https://{host}/dp/1") for host in hosts]

    results = run(body, host_map=hosts)
    assert [(r.url, r.text) for r in results] == [
        ("https://www.amazon.de/dp/1", "amazon.de"), ("https://www.amazon.fr/dp/1", "amazon.fr")]
    assert sorted({(r.host, r.path) for r in server.log}) == [
        ("www.amazon.de", "/dp/1"), ("www.amazon.de", "/robots.txt"),
        ("www.amazon.fr", "/dp/1"), ("www.amazon.fr", "/robots.txt")]


def _token_route(*tokens: str, expires_in: int = 7200) -> Callable[[Logged], Reply]:
    queue = list(tokens)

    def answer(_: Logged) -> Reply:
        return Reply(200, json.dumps({"access_token": queue.pop(0), "expires_in": expires_in,
                                      "token_type": "Application Access Token"}))

    return answer


BROWSE = "https://api.ebay.com/buy/browse/v1/item_summary/search?q=lamp"


def test_ebay_oauth_token_is_fetched_once_and_reused(server: TestServer) -> None:
    server.add("/identity/v1/oauth2/token", _token_route("T1"))
    server.add("/buy/browse/v1/item_summary/search", Reply(200, '{"itemSummaries": []}'))
    auth = EbayOAuth("my-id", "my-secret")

    async def body(fetcher: Fetcher) -> None:
        for _ in range(3):
            assert (await fetcher.fetch(BROWSE, api=True, auth=auth)).status == 200

    run(body, host_map={"api.ebay.com": server.base_url})
    token, *calls = server.log
    assert token.method == "POST" and token.host == "api.ebay.com"
    assert token.headers["authorization"] == "Basic " + base64.b64encode(b"my-id:my-secret").decode()
    assert parse_qs(token.body.decode()) == {"grant_type": ["client_credentials"],
                                             "scope": ["https://api.ebay.com/oauth/api_scope"]}
    assert [c.headers["authorization"] for c in calls] == ["Bearer T1"] * 3
    assert server.requests("/robots.txt") == []


def test_ebay_oauth_refreshes_token_once_on_401(server: TestServer) -> None:
    server.add("/identity/v1/oauth2/token", _token_route("T1", "T2", "T3"))
    server.add("/buy/browse/v1/item_summary/search",
               lambda r: Reply(200, "ok") if r.headers["authorization"] == "Bearer T2" else Reply(401))
    auth = EbayOAuth("id", "secret")

    async def body(fetcher: Fetcher) -> None:
        assert (await fetcher.fetch(BROWSE, api=True, auth=auth)).text == "ok"
        assert (await fetcher.fetch(BROWSE, api=True, auth=auth)).text == "ok"

    run(body, host_map={"api.ebay.com": server.base_url})
    assert len(server.requests("/identity/v1/oauth2/token")) == 2


def test_ebay_oauth_renews_token_shortly_before_expiry(server: TestServer) -> None:
    server.add("/identity/v1/oauth2/token", _token_route("T1", "T2", expires_in=300))
    server.add("/buy/browse/v1/item_summary/search", Reply(200, "ok"))
    auth = EbayOAuth("id", "secret", refresh_margin=60)
    fake = FakeTime()

    async def body(fetcher: Fetcher) -> None:
        await fetcher.fetch(BROWSE, api=True, auth=auth)
        fake.now += 200
        await fetcher.fetch(BROWSE, api=True, auth=auth)
        fake.now += 50
        await fetcher.fetch(BROWSE, api=True, auth=auth)

    run(body, fake=fake, host_map={"api.ebay.com": server.base_url})
    calls = server.requests("/buy/browse/v1/item_summary/search")
    assert [c.headers["authorization"] for c in calls] == ["Bearer T1", "Bearer T1", "Bearer T2"]


def test_ebay_oauth_rejected_credentials_raise_config_error(server: TestServer) -> None:
    server.add("/identity/v1/oauth2/token", Reply(401, '{"error": "invalid_client"}'))
    with pytest.raises(ConfigError, match="invalid_client"):
        run(lambda f: f.fetch(BROWSE, api=True, auth=EbayOAuth("id", "bad")),
            host_map={"api.ebay.com": server.base_url})


def test_etsy_api_key_header_is_sent(server: TestServer) -> None:
    server.add("/v3/application/shops/123", Reply(200, '{"shop_id": 123}'))
    result = run(lambda f: f.fetch("https://openapi.etsy.com/v3/application/shops/123", api=True,
                                   auth=EtsyApiKey("k3y")),
                 host_map={"openapi.etsy.com": server.base_url})
    assert result.status == 200
    assert [(r.host, r.headers["x-api-key"]) for r in server.log] == [("openapi.etsy.com", "k3y")]


@pytest.mark.parametrize(("auth", "setting"), [
    (EbayOAuth(None, "secret"), "SCOUT_EBAY_CLIENT_ID"),
    (EbayOAuth("id", ""), "SCOUT_EBAY_CLIENT_SECRET"),
    (EtsyApiKey(""), "SCOUT_ETSY_API_KEY"),
])
def test_missing_credential_raises_config_error(server: TestServer, auth: Any, setting: str) -> None:
    with pytest.raises(ConfigError, match=f"{setting} is not set"):
        run(lambda f: f.fetch(BROWSE, api=True, auth=auth), host_map={"api.ebay.com": server.base_url})
    assert server.log == []
