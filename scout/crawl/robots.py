"""robots.txt as RFC 9309 reads it, over protego (pure: takes the answer's status and text)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego


@dataclass(frozen=True)
class RobotsPolicy:
    """What one origin's robots.txt allows, and when it was read (on the fetcher's clock)."""

    read_at: float
    rules: Protego | None = None
    allow_all: bool = False
    unreachable_reason: str | None = None

    @property
    def unreachable(self) -> bool:
        """True when robots.txt could not be read, which forbids the whole origin (RFC 9309 2.3.1.4)."""
        return self.unreachable_reason is not None

    def allows(self, url: str, token: str) -> bool:
        """True if the crawler whose product token is `token` may fetch `url`."""
        if self.unreachable:
            return False
        if self.allow_all or self.rules is None:
            return True
        return bool(self.rules.can_fetch(url, token))

    def delay(self, token: str) -> float | None:
        """Seconds between requests asked for by Crawl-delay or Request-rate, whichever is longer."""
        if self.rules is None:
            return None
        delays = []
        crawl_delay = self.rules.crawl_delay(token)
        if crawl_delay is not None:
            delays.append(float(crawl_delay))
        rate = self.rules.request_rate(token)
        if rate is not None and rate.requests:
            delays.append(rate.seconds / rate.requests)
        return max(delays) if delays else None


def parse_robots(status: int | None, text: str, *, read_at: float) -> RobotsPolicy:
    """The policy an answer to /robots.txt implies; `status` None means it could not be fetched at all.

    2xx: the rules. 4xx: "unavailable", so everything is allowed (RFC 9309 2.3.1.3) - except 429, which
    Scout reads as "unreachable" like Google does, since it means the site is overloaded. 5xx or no answer:
    "unreachable", so nothing is allowed until it can be read (RFC 9309 2.3.1.4).
    """
    if status is None:
        return RobotsPolicy(read_at=read_at, unreachable_reason="no answer")
    if 200 <= status < 300:
        return RobotsPolicy(read_at=read_at, rules=Protego.parse(text))
    if 400 <= status < 500 and status != 429:
        return RobotsPolicy(read_at=read_at, allow_all=True)
    return RobotsPolicy(read_at=read_at, unreachable_reason=f"HTTP {status}")


def robots_url(url: str) -> str:
    """The robots.txt URL governing `url` (same scheme, host and port)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def product_token(user_agent: str) -> str:
    """The product token robots.txt groups are matched against: "ScoutBot/0.1 (+...)" -> "ScoutBot"."""
    return user_agent.split("/", 1)[0].split(" ", 1)[0].strip()
