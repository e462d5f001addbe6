"""Politeness shared by every worker of a crawl on PostgreSQL, through the crawl's `crawl_host` rows.

A page's first request starts at the time its claim reserved on its host's row (`frontier.claim_leased`). Every
other request (robots.txt, retries, redirect hops, API tokens) reserves its own turn on that row, so N workers
together never start requests to one host closer than its delay. A 429/503 seen by any worker doubles the host's
spacing for all of them; every other answer halves it back, step by step (the rule in scout.crawl.politeness).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from contextvars import ContextVar
from typing import Any, NamedTuple

from sqlalchemy import case, func, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.engine import Engine

from scout.crawl.frontier import HOSTS, MARGIN, db_now_on
from scout.crawl.politeness import MIN_PENALTY, Clock, Politeness, Sleep, recovered, slowed


class Turn(NamedTuple):
    """A reserved start of one request to a host."""

    host: str
    start: float  # on the worker's clock
    step: float  # seconds to the host's next turn (0: an unpaced host)
    at: float  # the same start on the database's clock


# The turn a claim reserved for the current page's first request.
RESERVED: ContextVar[Turn | None] = ContextVar("scout_reserved_turn", default=None)
LATE = 0.01  # a turn missed by more than this (a busy machine) is given up for a new one: the next may be close


def _spacing() -> Any:
    return func.greatest(HOSTS.c.delay, HOSTS.c.robots_delay, HOSTS.c.penalty)


def _step() -> Any:
    """The spacing between two reserved turns: with frontier.MARGIN on a paced host, as claims reserve them."""
    return _spacing() + case((_spacing() > 0, MARGIN), else_=0.0)


def reserve_turn(engine: Engine, crawl_id: int, host: str, delay: float, clock: Clock) -> tuple[Turn, float]:
    """Reserve the host's next turn: the turn, and the host's slow-down."""
    with engine.begin() as conn:
        now, here = db_now_on(conn, clock)
        statement = insert(HOSTS).values(crawl_id=crawl_id, host=host, next_at=now + delay, delay=delay,
                                         robots_delay=0.0, penalty=0.0)
        start = func.greatest(HOSTS.c.next_at, now)
        row = conn.execute(statement.on_conflict_do_update(index_elements=["crawl_id", "host"], set_={
            "next_at": start + _step()}).returning(HOSTS.c.next_at, _step(), HOSTS.c.penalty)).one()
        next_at, spacing, penalty = (float(value) for value in row)
    at = max(now, next_at - spacing)
    return Turn(host, here + at - now, spacing, at), penalty


def keep_turn(engine: Engine, crawl_id: int, turn: Turn, clock: Clock) -> Turn | None:
    """A turn missed by a few ms, started now instead: only while nobody has reserved the turn after it."""
    with engine.begin() as conn:
        now, here = db_now_on(conn, clock)
        kept = conn.execute(update(HOSTS).where(
            HOSTS.c.crawl_id == crawl_id, HOSTS.c.host == turn.host, HOSTS.c.next_at <= turn.at + turn.step + 1e-6)
            .values(next_at=now + turn.step)).rowcount
    return Turn(turn.host, here, turn.step, now) if kept else None


def update_host(engine: Engine, crawl_id: int, host: str, **values: object) -> None:
    """Change one host's row (robots delay, slow-down, pause) for every worker."""
    with engine.begin() as conn:
        conn.execute(update(HOSTS).where(HOSTS.c.crawl_id == crawl_id, HOSTS.c.host == host).values(**values))


class SharedPacing(Politeness):
    """Politeness whose turns, delays and slow-downs live in the database, shared by every worker of a crawl.

    The slow-down calls are short synchronous statements (a 429 is rare; a recovery is written only while the
    host is known to be slowed), the turns run in a thread so the event loop keeps fetching.
    """

    def __init__(self, engine: Engine, crawl_id: int, concurrency: int, *, max_delay: float, clock: Clock,
                 sleep: Sleep) -> None:
        super().__init__(concurrency, max_delay=max_delay, clock=clock, sleep=sleep)
        self._engine = engine
        self._crawl_id = crawl_id
        self.penalties: dict[str, float] = {}  # each host's slow-down as last read from the database

    def raise_delay(self, host: str, at_least: float) -> float:
        """robots.txt's Crawl-delay for every worker."""
        update_host(self._engine, self._crawl_id, host, robots_delay=func.greatest(HOSTS.c.robots_delay, at_least))
        return super().raise_delay(host, at_least)

    def slow_down(self, host: str) -> float:
        """A 429/503: the host's spacing doubles for every worker."""
        local = super().slow_down(host)
        spacing = _spacing()
        doubled = case((spacing > 0, spacing * 2), else_=1.0)  # the SQL of politeness.slowed
        update_host(self._engine, self._crawl_id, host, penalty=func.greatest(
            HOSTS.c.penalty, func.least(doubled, self._max_delay)))
        self.penalties[host] = max(slowed(self.penalties.get(host, 0.0), self._max_delay), local)
        return local

    def recover(self, host: str) -> float:
        """Any other answer: the shared slow-down halves (written only while one is known)."""
        local = super().recover(host)
        penalty = self.penalties.get(host, 0.0)
        if penalty:
            half = HOSTS.c.penalty / 2  # the SQL of politeness.recovered
            base = func.greatest(HOSTS.c.delay, HOSTS.c.robots_delay, MIN_PENALTY)
            update_host(self._engine, self._crawl_id, host, penalty=case((half > base, half), else_=0.0))
            self.penalties[host] = recovered(penalty, 0.0)
        return local

    def pause(self, host: str, until: float) -> None:
        """A Retry-After: no worker starts a request to the host before it."""
        super().pause(host, until)
        seconds = max(0.0, until - self._clock())
        update_host(self._engine, self._crawl_id, host, next_at=func.greatest(
            HOSTS.c.next_at, func.extract("epoch", func.clock_timestamp()) + seconds))

    @asynccontextmanager
    async def turn(self, host: str, delay: float) -> AsyncIterator[None]:
        """The reserved turn of the page's first request, or a newly reserved one; then a global slot."""
        await self._slots.acquire()
        try:
            turn = RESERVED.get()
            if turn is not None and turn.host == host:
                RESERVED.set(None)
            else:
                turn = None
            while True:
                current: Turn
                if turn is None:
                    current, self.penalties[host] = await asyncio.to_thread(
                        reserve_turn, self._engine, self._crawl_id, host, delay, self._clock)
                else:
                    current = turn
                while (wait := current.start - self._clock()) > 0:
                    await self._sleep(wait)
                if current.step == 0 or self._clock() <= current.start + LATE:  # unpaced hosts: no turns to miss
                    break
                # Missed (a busy machine): started late, the turn after it could come too close. Keep it, moved to
                # now, while nobody has reserved that next turn; else take a new one.
                turn = await asyncio.to_thread(keep_turn, self._engine, self._crawl_id, current, self._clock)
            yield
        finally:
            self._slots.release()
