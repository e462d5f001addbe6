"""Per-host pacing and the global concurrency limit (pure asyncio; the clock and sleep are passed in)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
MIN_PENALTY = 0.01  # a slow-down halved below this is over


def slowed(spacing: float, max_delay: float) -> float:
    """The slow-down after a 429/503: twice the host's spacing (1 s from none), at most max_delay, never less."""
    return max(spacing, min(spacing * 2 if spacing > 0 else 1.0, max_delay))


def recovered(penalty: float, base: float) -> float:
    """The slow-down after any other answer: halved, and gone once it is no longer than the host's own delay."""
    half = penalty / 2
    return half if half > max(base, MIN_PENALTY) else 0.0


@dataclass
class _Host:
    base: float | None = None  # the host's own delay (settings, Crawl-delay): set by the first turn or raise_delay
    penalty: float = 0.0  # the slow-down after 429/503 answers (0: none)
    next_start: float = float("-inf")
    last_start: float = float("-inf")
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    @property
    def delay(self) -> float | None:
        return None if self.base is None and not self.penalty else max(self.base or 0.0, self.penalty)


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
        state.base = max(state.base or 0.0, at_least)
        return self._respace(state)

    def slow_down(self, host: str) -> float:
        """Double `host`'s delay after a 429/503, up to max_delay (never lowering a longer Crawl-delay)."""
        state = self._host(host)
        state.penalty = slowed(state.delay or 0.0, self._max_delay)
        return self._respace(state)

    def recover(self, host: str) -> float:
        """Halve a slow-down of `host` after an answer that was not 429/503, back to its own delay step by step."""
        state = self._host(host)
        if state.penalty:
            state.penalty = recovered(state.penalty, state.base or 0.0)
        return state.delay or 0.0

    @staticmethod
    def _respace(state: _Host) -> float:
        delay = state.delay or 0.0
        state.next_start = max(state.next_start, state.last_start + delay)
        return delay

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
        if state.base is None:
            state.base = delay
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
