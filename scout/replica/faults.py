"""Fault injection for the replica: which request gets which misbehaviour, decided per URL and seed.

A fault hits a URL when `crc32(seed, fault, url)` falls under its rate, and only on the URL's first
`burst` attempts, so a retried URL eventually succeeds (set `sticky=True` to keep failing). Faults are
checked in the order of `FAULT_KINDS`; the first one that hits wins.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

FAULT_KINDS: tuple[str, ...] = (
    "reset", "slow", "status_429", "status_5xx", "redirect_loop", "offsite_redirect", "captcha", "truncate",
    "drift", "oversize", "nested",
)


@dataclass
class Faults:
    """Rates (0..1) of each fault, and how they behave; `Faults()` injects nothing."""

    status_429: float = 0.0
    status_5xx: float = 0.0
    slow: float = 0.0
    reset: float = 0.0
    truncate: float = 0.0
    captcha: float = 0.0
    drift: float = 0.0
    oversize: float = 0.0
    nested: float = 0.0  # a hostile body nested thousands of levels deep (JSON arrays, or HTML elements)
    redirect_loop: float = 0.0
    offsite_redirect: float = 0.0
    seed: int = 0
    burst: int = 2  # how many attempts of a hit URL fail before it succeeds
    sticky: bool = False  # keep failing a hit URL forever
    retry_after: int = 1  # seconds sent in Retry-After with 429 (and 503)
    slow_seconds: float = 2.0
    oversize_bytes: int = 12 * 1024 * 1024
    nested_depth: int = 50_000
    status_5xx_code: int = 503
    paths: tuple[str, ...] = ()  # only URLs whose path starts with one of these (empty: every path)
    exempt: tuple[str, ...] = ("/robots.txt", "/identity/v1/oauth2/token")
    _attempts: dict[tuple[str, str], int] = field(default_factory=dict, repr=False)

    def decide(self, url: str, path: str) -> str | None:
        """The fault to inject for this request of `url` (counting the attempt), or None."""
        if path in self.exempt or (self.paths and not path.startswith(self.paths)):
            return None
        for kind in FAULT_KINDS:
            rate = getattr(self, kind)
            if rate <= 0 or not self._hits(kind, url, rate):
                continue
            key = (kind, url)
            attempt = self._attempts.get(key, 0)
            self._attempts[key] = attempt + 1
            if self.sticky or attempt < self.burst:
                return kind
        return None

    def _hits(self, kind: str, url: str, rate: float) -> bool:
        if rate >= 1:
            return True
        draw = zlib.crc32(f"{self.seed}|{kind}|{url}".encode()) / 0xFFFFFFFF
        return draw < rate

    def reset_attempts(self) -> None:
        """Forget attempt counts, so every hit URL fails its burst again."""
        self._attempts.clear()


def apply_drift(text: str, replacements: dict[str, str]) -> str:
    """The same page with its key anchors renamed (a layout drift the parsers must report)."""
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


def nested_body(json: bool, depth: int) -> str:
    """A hostile page: JSON arrays or HTML elements nested `depth` levels deep (small, and slow to parse naively)."""
    return "[" * depth + "]" * depth if json else "<html><body>" + "<div>" * depth + "</body></html>"
