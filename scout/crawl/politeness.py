"""Per-host pacing and the global concurrency limit (pure asyncio; the clock and sleep are passed in)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class _Host:
    delay: float | None = None  # set by the first turn, unless raise_delay/slow_down came first
    next_start: float = float("-inf")
    last_start: float = float("-inf")
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


class Politeness:
    """Spaces the starts of requests to one host by that host's delay; caps requests in flight overall.

    A task takes the host's turn (waiting out the delay), then a global slot, and releases the turn as soon as
    its request has started, so slow answers from one host never hold back the next request's timing.
    """

    def __init__(self, concurrency: int, *, max_delay: float, clock: Clock, sleep: Sleep) -> None:
        self._slots = asyncio.Semaphore(concurrency)
        self._hosts: dict[str, _Host] = {}
        self._max_delay = max_delay
        self._clock = clock
        self._sleep = sleep

    def _host(self, host: str) -> _Host:
        return self._hosts.setdefault(host, _Host())

    def delay(self, host: str) -> float | None:
        """The current delay between request starts to `host` (None for a host not seen yet)."""
        state = self._hosts.get(host)
        return state.delay if state else None

    def raise_delay(self, host: str, at_least: float) -> float:
        """Make `host`'s delay at least `at_least` (e.g. robots.txt's Crawl-delay); returns the new delay."""
        state = self._host(host)
        state.delay = max(state.delay or 0.0, at_least)
        state.next_start = max(state.next_start, state.last_start + state.delay)
        return state.delay

    def slow_down(self, host: str) -> float:
        """Double `host`'s delay after a 429, up to max_delay (never lowering a longer Crawl-delay)."""
        state = self._host(host)
        current = state.delay or 0.0
        state.delay = max(current, min(current * 2 if current > 0 else 1.0, self._max_delay))
        state.next_start = max(state.next_start, state.last_start + state.delay)
        return state.delay

    def pause(self, host: str, until: float) -> None:
        """Start no request to `host` before `until` (a Retry-After applies to every task)."""
        state = self._host(host)
        state.next_start = max(state.next_start, until)

    def wait_time(self, host: str) -> float:
        """Seconds until the next request to `host` may start, ignoring requests already queued."""
        state = self._hosts.get(host)
        return max(0.0, state.next_start - self._clock()) if state else 0.0

    @asynccontextmanager
    async def turn(self, host: str, delay: float) -> AsyncIterator[None]:
        """Hold a request slot for `host` (first seen with `delay`) for the duration of one request."""
        state = self._host(host)
        if state.delay is None:
            state.delay = delay
        async with state.lock:
            while (wait := state.next_start - self._clock()) > 0:
                await self._sleep(wait)
            await self._slots.acquire()
            state.last_start = self._clock()
            state.next_start = state.last_start + (state.delay or 0.0)
        try:
            yield
        finally:
            self._slots.release()
