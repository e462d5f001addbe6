"""All of Scout's HTTP: polite, robots-aware, retrying fetches over one httpx client per crawl.

This is the only module that talks to the network. The client is passed in (`make_client` builds the
default one, over httpx-aiohttp's transport), so tests and the replica plug in their own transports or hosts.
The caller owns the client: `async with make_client(config) as client: fetcher = Fetcher(config, client)`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache, partial
from typing import Protocol
from urllib.parse import urlencode, urlsplit

import aiohttp
import httpx

from scout import __version__
from scout.crawl.backoff import RetryPolicy, parse_retry_after
from scout.crawl.politeness import Politeness
from scout.crawl.robots import RobotsPolicy, parse_robots, product_token, robots_url
from scout.errors import DisallowedError, FetchError
from scout.pages.charset import decode_body

DEFAULT_USER_AGENT = f"ScoutBot/{__version__} (+bd-team@scout.invalid)"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5
SLOW_DOWN_STATUSES = frozenset({429, 503})  # "too many requests" and "overloaded": every worker slows down


@dataclass(frozen=True)
class FetchConfig:
    """How the fetcher behaves; every field has a polite default."""

    user_agent: str = DEFAULT_USER_AGENT  # identifies Scout and how to reach us; its product token meets robots.txt
    per_host_delay: float = 1.0  # seconds between request starts to one web host (raised by Crawl-delay)
    api_per_host_delay: float = 0.2  # same for official APIs, whose documented quotas allow more
    concurrency: int = 16  # requests in flight at once, across all hosts
    max_body_bytes: int = 10_000_000  # larger bodies are abandoned (Content-Length checked first, then counted)
    connect_timeout: float = 10.0  # seconds to open a connection
    read_timeout: float = 30.0  # seconds of silence while waiting for or reading a response
    max_retries: int = 3  # retries of 429/5xx/timeouts/resets/truncated bodies before a FetchError
    backoff_base: float = 1.0  # first retry waits up to this long; each further retry doubles it (full jitter)
    backoff_max: float = 60.0  # no backoff wait is longer than this
    max_retry_after: float = 120.0  # longest Retry-After waited out; longer ones give up and pause the host
    max_host_delay: float = 60.0  # 429s double a host's delay up to this (a longer Crawl-delay still wins)
    obey_robots: bool = True  # check robots.txt before every web page (never for api=True)
    robots_retry_after: float = 60.0  # an unreadable robots.txt forbids its origin for this long, then re-read
    robots_ttl: float = 86_400.0  # robots.txt is re-read after a day (RFC 9309 2.4)
    host_map: Mapping[str, str] = field(default_factory=dict)  # logical host -> base URL actually contacted

    def retry_policy(self) -> RetryPolicy:
        """The retry policy these settings describe."""
        return RetryPolicy(self.max_retries, self.backoff_base, self.backoff_max, self.max_retry_after)


@dataclass(frozen=True)
class FetchResult:
    """A final answer: any status that is not worth retrying (200, 404, 410, 403, ...)."""

    url: str  # as requested (logical, even when host_map sent it elsewhere)
    final_url: str  # after redirects
    status: int
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    fetched_at: datetime  # UTC, when the body was complete
    attempts: int  # requests sent for this fetch: retries and redirect hops included, robots.txt not
    elapsed: float  # seconds from the call to the result, politeness waits and retries included

    @property
    def text(self) -> str:
        """The body decoded by its declared charset (header, then <meta>), else UTF-8."""
        return decode_body(self.body, self.headers.get("content-type", ""))


@dataclass
class HostStats:
    """Counters for one host over a crawl."""

    ok: int = 0  # fetches that returned a result (any final status)
    retried: int = 0  # retries sent
    failed: int = 0  # fetches that raised FetchError (robots denials excluded)
    disallowed: int = 0  # fetches refused by robots.txt
    throttled: int = 0  # 429 answers
    bytes: int = 0  # body bytes received


class ApiAuth(Protocol):
    """Credentials for an official API, applied by `Fetcher.fetch(..., auth=...)`."""

    async def headers(self, fetcher: Fetcher) -> dict[str, str]:
        """Headers that authenticate one request (may fetch a token through `fetcher`)."""
        ...

    def invalidate(self, used: Mapping[str, str]) -> bool:
        """Forget credentials the API refused with a 401; True if asking again could help."""
        ...


@dataclass
class _Answer:
    status: int
    headers: httpx.Headers
    body: bytes


class _Abandon(Exception):
    """A response that is not worth retrying (too large)."""


class _Truncated(Exception):
    """The connection closed before Content-Length bytes arrived."""


class Fetcher:
    """Fetches pages and API responses politely over the client it is given."""

    def __init__(
        self,
        config: FetchConfig,
        client: httpx.AsyncClient,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        rng: random.Random | None = None,
        wall_clock: Callable[[], datetime] | None = None,
        politeness: Politeness | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.wall_clock = wall_clock or partial(datetime.now, UTC)  # what fetched_at says (demo: a week back)
        self.stats: dict[str, HostStats] = {}
        self._client = client
        self._sleep = sleep
        self._rng = rng or random.Random()
        self._policy = config.retry_policy()
        self._politeness = politeness or Politeness(config.concurrency, max_delay=config.max_host_delay, clock=clock,
                                                    sleep=sleep)  # workers pass one shared through the database
        self._token = product_token(config.user_agent)
        self._robots: dict[str, RobotsPolicy] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._timeout = httpx.Timeout(config.read_timeout, connect=config.connect_timeout, pool=None)
        self._host_map = {host.lower(): base.rstrip("/") for host, base in config.host_map.items()}

    @property
    def politeness(self) -> Politeness:
        """The pacing of this fetcher's requests (shared with other workers when it is a SharedPacing)."""
        return self._politeness

    def host_delay(self, host: str) -> float | None:
        """The current delay between requests to `host` (None before the first request)."""
        return self._politeness.delay(host.lower())

    async def fetch(
        self,
        url: str,
        *,
        api: bool = False,
        auth: ApiAuth | None = None,
        allowed_hosts: frozenset[str] = frozenset(),
        headers: Mapping[str, str] | None = None,
    ) -> FetchResult:
        """GET `url`, following redirects only within its own host and `allowed_hosts`.

        Raises DisallowedError (nothing sent) when robots.txt forbids it, FetchError when no final answer came.
        """
        started = self.clock()
        stats = self._stats(url)
        try:
            extra = dict(headers or {})
            used = await auth.headers(self) if auth else {}
            final_url, answer, attempts = await self._follow("GET", url, api, allowed_hosts, {**extra, **used})
            if answer.status == 401 and auth is not None and auth.invalidate(used):
                used = await auth.headers(self)
                final_url, answer, more = await self._follow("GET", url, api, allowed_hosts, {**extra, **used})
                attempts += more
        except DisallowedError:
            stats.disallowed += 1
            raise
        except FetchError:
            stats.failed += 1
            raise
        stats.ok += 1
        return self._result(url, final_url, answer, attempts, started)

    async def post_form(self, url: str, form: Mapping[str, str], *, headers: Mapping[str, str]) -> FetchResult:
        """POST a form to an official API (used by auth objects for tokens); retried like any API call."""
        started = self.clock()
        content = urlencode(dict(form)).encode()
        sent = {**headers, "Content-Type": "application/x-www-form-urlencoded"}
        try:
            final_url, answer, attempts = await self._follow("POST", url, True, frozenset(), sent, content)
        except FetchError:
            self._stats(url).failed += 1
            raise
        self._stats(url).ok += 1
        return self._result(url, final_url, answer, attempts, started)

    def _result(self, url: str, final_url: str, answer: _Answer, attempts: int, started: float) -> FetchResult:
        return FetchResult(
            url=url,
            final_url=final_url,
            status=answer.status,
            headers=dict(answer.headers.items()),  # lower-cased names, repeats joined with commas
            body=answer.body,
            fetched_at=self.wall_clock(),
            attempts=attempts,
            elapsed=self.clock() - started,
        )

    def _stats(self, url: str) -> HostStats:
        return self.stats.setdefault(_host(url), HostStats())

    async def _follow(
        self,
        method: str,
        url: str,
        api: bool,
        allowed_hosts: frozenset[str],
        headers: Mapping[str, str],
        content: bytes | None = None,
        *,
        check_robots: bool = True,
    ) -> tuple[str, _Answer, int]:
        """Send `method url`, following up to MAX_REDIRECTS redirects by hand within the allowed hosts."""
        allowed = {_host(url)} | {host.lower() for host in allowed_hosts}
        chain = [url]
        attempts = 0
        current = url
        while True:
            # robots.txt governs crawlers of web pages; official APIs are governed by their documented quotas,
            # so API calls (api=True) are paced by api_per_host_delay and never robots-checked.
            if check_robots and not api and self.config.obey_robots:
                await self._check_robots(current, frozenset(allowed))
            answer, tries = await self._exchange(method, current, api, headers, content)
            attempts += tries
            location = answer.headers.get("location")
            if answer.status not in REDIRECT_STATUSES or not location:
                return current, answer, attempts
            target = str(httpx.URL(current).join(location).copy_with(fragment=None))
            if len(chain) > MAX_REDIRECTS:
                raise FetchError(url, f"more than {MAX_REDIRECTS} redirects: {' -> '.join(chain)}", answer.status)
            if urlsplit(target).scheme not in ("http", "https") or _host(target) not in allowed:
                raise FetchError(url, f"off-site redirect to {target} refused", answer.status)
            if target in chain:
                raise FetchError(url, f"redirect loop: {' -> '.join([*chain, target])}", answer.status)
            if urlsplit(current).scheme == "https" and urlsplit(target).scheme == "http":
                raise FetchError(url, f"redirect from https to http refused: {target}", answer.status)
            if _host(target) != _host(current):  # credentials belong to the host they were issued for
                headers = {k: v for k, v in headers.items() if k.lower() not in CREDENTIAL_HEADERS}
            chain.append(target)
            current = target
            if answer.status == 303 or (answer.status in (301, 302) and method == "POST"):
                method, content = "GET", None

    async def _check_robots(self, url: str, allowed_hosts: frozenset[str]) -> None:
        policy = await self._robots_policy(url, allowed_hosts)
        if policy.unreachable:
            raise DisallowedError(
                url, f"robots.txt unreadable ({policy.unreachable_reason}); origin off-limits until it can be read"
            )
        if not policy.allows(url, self._token):
            raise DisallowedError(url, f"robots.txt disallows it for {self._token}")

    async def _robots_policy(self, url: str, allowed_hosts: frozenset[str]) -> RobotsPolicy:
        """The cached robots.txt policy of `url`'s origin, read once (and again when stale or unreadable)."""
        where = robots_url(url)
        policy = self._robots.get(where)
        if policy is not None and self._is_fresh(policy):
            return policy
        async with self._robots_locks.setdefault(where, asyncio.Lock()):
            policy = self._robots.get(where)
            if policy is not None and self._is_fresh(policy):
                return policy
            try:
                _, answer, _ = await self._follow("GET", where, False, allowed_hosts, {}, check_robots=False)
                policy = parse_robots(answer.status, decode_body(answer.body, answer.headers.get("content-type", "")),
                                      read_at=self.clock())
            except FetchError as err:
                policy = RobotsPolicy(read_at=self.clock(), unreachable_reason=err.reason)
            crawl_delay = policy.delay(self._token)
            if crawl_delay is not None:
                self._politeness.raise_delay(_host(url), max(self.config.per_host_delay, crawl_delay))
            self._robots[where] = policy
            return policy

    def _is_fresh(self, policy: RobotsPolicy) -> bool:
        age = self.clock() - policy.read_at
        return age < (self.config.robots_retry_after if policy.unreachable else self.config.robots_ttl)

    async def _exchange(
        self, method: str, url: str, api: bool, headers: Mapping[str, str], content: bytes | None
    ) -> tuple[_Answer, int]:
        """One hop: send until a final answer, retrying what is retryable; returns it and the tries it took."""
        host = _host(url)
        stats = self._stats(url)
        delay = self.config.api_per_host_delay if api else self.config.per_host_delay
        attempt = 0
        while True:
            attempt += 1
            paused = self._politeness.wait_time(host)
            if paused > self._policy.max_retry_after:
                raise FetchError(url, f"{host} asked for no requests for another {paused:.0f} s")
            status: int | None = None
            retry_after: float | None = None
            async with self._politeness.turn(host, delay):
                try:
                    answer = await self._send_once(method, url, headers, content)
                except _Abandon as err:
                    raise FetchError(url, str(err)) from None
                except _RETRYABLE_ERRORS as err:
                    answer, problem = None, _describe(err)
            if answer is not None:
                stats.bytes += len(answer.body)
                if answer.status in SLOW_DOWN_STATUSES:
                    self._politeness.slow_down(host)
                else:  # any other answer: a slow-down from earlier 429/503s eases off step by step
                    self._politeness.recover(host)
                if not self._policy.is_retryable(answer.status):
                    return answer, attempt
                status = answer.status
                problem = f"HTTP {status}"
                retry_after = parse_retry_after(answer.headers.get("retry-after"), self.wall_clock())
                if status == 429:
                    stats.throttled += 1
                if retry_after is not None:
                    self._politeness.pause(host, self.clock() + retry_after)
            if attempt > self._policy.max_retries:
                raise FetchError(url, f"{problem} after {attempt} attempts", status)
            wait = self._policy.wait_before(attempt, retry_after, self._rng)
            if wait is None:
                raise FetchError(url, f"{problem} with Retry-After {retry_after:.0f} s (waiting at most "
                                      f"{self._policy.max_retry_after:.0f} s)", status)
            stats.retried += 1
            await self._sleep(wait)

    async def _send_once(
        self, method: str, url: str, headers: Mapping[str, str], content: bytes | None
    ) -> _Answer:
        """One request and its whole body, with the size limit; the real address comes from host_map."""
        target, host_header = self._route(url)
        sent = {**headers, "User-Agent": self.config.user_agent}
        if host_header:
            sent["Host"] = host_header
        try:
            request = self._client.build_request(method, target, headers=sent, content=content, timeout=self._timeout)
        except httpx.InvalidURL as err:
            raise _Abandon(f"invalid URL: {err}") from None
        request.headers.pop("cookie", None)  # never send cookies, whatever jar the client was given
        response = await self._client.send(request, stream=True, follow_redirects=False)
        try:
            if response.status_code in REDIRECT_STATUSES:
                return _Answer(response.status_code, response.headers, b"")
            limit = self.config.max_body_bytes
            declared = _content_length(response.headers)
            if declared is not None and declared > limit:
                raise _Abandon(f"body of {declared} bytes (Content-Length) exceeds max_body_bytes={limit}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > limit:
                    raise _Abandon(f"body exceeds max_body_bytes={limit}")
                chunks.append(chunk)
            if declared is not None and response.num_bytes_downloaded < declared:
                raise _Truncated(f"truncated body: {response.num_bytes_downloaded} of {declared} bytes")
            return _Answer(response.status_code, response.headers, b"".join(chunks))
        finally:
            await response.aclose()

    def _route(self, url: str) -> tuple[str, str | None]:
        """(address to contact, Host header to send) for a logical URL."""
        parts = urlsplit(url)
        base = self._host_map.get((parts.hostname or "").lower())
        if base is None:
            return url, None
        path = parts.path or "/"
        return f"{base}{path}" + (f"?{parts.query}" if parts.query else ""), parts.netloc.rpartition("@")[2]


_RETRYABLE_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, aiohttp.ClientError,
                     TimeoutError, _Truncated)


def _describe(err: BaseException) -> str:
    if isinstance(err, _Truncated):
        return str(err)
    kind = "timed out" if isinstance(err, httpx.TimeoutException | TimeoutError) else "connection error"
    detail = str(err) or type(err).__name__
    return f"{kind} ({type(err).__name__}: {detail})"


CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "cookie"})


@lru_cache(maxsize=1024)  # one fetch asks for its URL's host several times (stats, politeness, redirects)
def _host(url: str) -> str:
    """The politeness/stats key of a URL: its host[:port], lower-case."""
    return urlsplit(url).netloc.rpartition("@")[2].lower()


def _content_length(headers: httpx.Headers) -> int | None:
    value = headers.get("content-length", "")
    return int(value) if value.strip().isdigit() else None
