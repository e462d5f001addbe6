"""Retry policy: which answers are worth another try, and how long to wait before it (pure)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

# 522/524 are Cloudflare's origin-connect and origin-read timeouts; 408 is the server's own request timeout.
RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504, 522, 524})


@dataclass(frozen=True)
class RetryPolicy:
    """How often to retry and how long to wait: exponential backoff with full jitter, floored by Retry-After.

    `max_retry_after` is the longest Retry-After Scout will wait out. A server asking for more is not retried
    early (that would ignore what it asked): the fetch gives up instead and the host stays paused until then.
    """

    max_retries: int = 3
    base: float = 1.0
    cap: float = 60.0
    max_retry_after: float = 120.0

    def is_retryable(self, status: int) -> bool:
        """True for the HTTP statuses that say "try again later"."""
        return status in RETRYABLE_STATUSES

    def backoff(self, retry: int, rng: random.Random) -> float:
        """Full-jitter wait before retry number `retry` (1-based): uniform in [0, min(cap, base * 2**(retry-1))]."""
        return rng.uniform(0.0, min(self.cap, self.base * 2.0 ** (retry - 1)))

    def wait_before(self, retry: int, retry_after: float | None, rng: random.Random) -> float | None:
        """Seconds to wait before retry number `retry`, or None when Retry-After asks for more than we wait."""
        if retry_after is not None and retry_after > self.max_retry_after:
            return None
        return max(self.backoff(retry, rng), retry_after or 0.0)


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds asked for by a Retry-After header (delta-seconds or HTTP-date), or None if absent or malformed."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are always GMT
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())
