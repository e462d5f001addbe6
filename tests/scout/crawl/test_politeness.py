"""Per-host pacing and the global concurrency limit, on a fake clock where real waiting would be slow."""

from __future__ import annotations

import asyncio
import time

from scout.crawl.politeness import Politeness


class FakeTime:
    """A clock that sleeping advances (correct while one task per host sleeps at a time)."""

    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)


def starts(politeness: Politeness, host: str, count: int, delay: float, clock: FakeTime) -> list[float]:
    """Start times of `count` concurrent requests to `host`."""
    seen: list[float] = []

    async def one() -> None:
        async with politeness.turn(host, delay):
            seen.append(clock.now)

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(count)))

    asyncio.run(main())
    return seen


def make(fake: FakeTime, concurrency: int = 4, max_delay: float = 60.0) -> Politeness:
    return Politeness(concurrency, max_delay=max_delay, clock=fake.clock, sleep=fake.sleep)


def test_turn_spaces_concurrent_starts_by_delay() -> None:
    fake = FakeTime()
    assert starts(make(fake), "a.test", 4, 2.0, fake) == [0.0, 2.0, 4.0, 6.0]


def test_raise_delay_applies_crawl_delay() -> None:
    fake = FakeTime()
    politeness = make(fake)
    politeness.raise_delay("a.test", 5.0)
    assert starts(politeness, "a.test", 3, 1.0, fake) == [0.0, 5.0, 10.0]
    assert politeness.raise_delay("a.test", 1.0) == 5.0


def test_slow_down_doubles_delay_up_to_cap() -> None:
    politeness = make(FakeTime(), max_delay=10.0)
    politeness.raise_delay("a.test", 1.5)
    assert [politeness.slow_down("a.test") for _ in range(4)] == [3.0, 6.0, 10.0, 10.0]


def test_slow_down_never_lowers_a_longer_crawl_delay() -> None:
    politeness = make(FakeTime(), max_delay=10.0)
    politeness.raise_delay("a.test", 30.0)
    assert politeness.slow_down("a.test") == 30.0


def test_slow_down_from_zero_delay_starts_at_one_second() -> None:
    assert make(FakeTime()).slow_down("a.test") == 1.0


def test_pause_holds_every_request_until_then() -> None:
    fake = FakeTime()
    politeness = make(fake)
    politeness.pause("a.test", 100.0)
    assert politeness.wait_time("a.test") == 100.0
    assert starts(politeness, "a.test", 2, 1.0, fake) == [100.0, 101.0]
    assert politeness.wait_time("unknown.test") == 0.0


def test_delay_of_unseen_host_is_none() -> None:
    assert make(FakeTime()).delay("a.test") is None


def test_hosts_do_not_wait_for_each_other() -> None:
    politeness = Politeness(8, max_delay=60.0, clock=time.monotonic, sleep=asyncio.sleep)
    started: dict[str, list[float]] = {"a.test": [], "b.test": []}

    async def one(host: str) -> None:
        async with politeness.turn(host, 0.15):
            started[host].append(time.monotonic())

    async def main() -> None:
        await asyncio.gather(*(one(host) for host in started for _ in range(3)))

    asyncio.run(main())
    assert abs(started["a.test"][0] - started["b.test"][0]) < 0.1
    assert started["a.test"][2] - started["a.test"][0] >= 0.29


def test_turn_limits_requests_in_flight_across_hosts() -> None:
    politeness = Politeness(3, max_delay=60.0, clock=time.monotonic, sleep=asyncio.sleep)
    in_flight = peak = 0

    async def one(host: str) -> None:
        nonlocal in_flight, peak
        async with politeness.turn(host, 0.0):
            in_flight += 1
            peak = max(peak, in_flight)
            await asyncio.sleep(0.01)
            in_flight -= 1

    async def main() -> None:
        await asyncio.gather(*(one(f"h{i}.test") for i in range(10)))

    asyncio.run(main())
    assert peak == 3


def test_a_slow_down_recovers_step_by_step_to_the_hosts_own_delay() -> None:
    politeness = make(FakeTime())
    politeness.raise_delay("a.test", 0.5)
    assert [politeness.slow_down("a.test") for _ in range(3)] == [1.0, 2.0, 4.0]
    assert [politeness.recover("a.test") for _ in range(4)] == [2.0, 1.0, 0.5, 0.5]
