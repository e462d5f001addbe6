"""How a crawl went, per source, and the rule that flags a source whose figures cannot be trusted.

Light on purpose (no HTTP, no database): the dashboard shows the same flag from the crawl table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

FLAG_SHARE = 0.5  # a source with more than half its pages blocked or drifted is flagged


def mostly_blocked(fetched: int, blocked: int, drifted: int) -> bool:
    """More than FLAG_SHARE of the pages that should have yielded figures were blocked or drifted."""
    return fetched > 0 and (blocked + drifted) / fetched > FLAG_SHARE


@dataclass
class SourceSummary:
    """How one source's pages went in a crawl."""

    ok: int = 0
    retried: int = 0
    blocked: int = 0
    drifted: int = 0
    disallowed: int = 0
    failed: int = 0
    gone: int = 0
    pending: int = 0
    sellers_new: int = 0
    sellers_updated: int = 0

    @property
    def fetched(self) -> int:
        """Pages that should have yielded figures (pages that no longer exist are not held against a source)."""
        return self.ok + self.blocked + self.drifted + self.failed

    @property
    def flagged(self) -> bool:
        """Mostly blocked or drifted: the numbers from this source cannot be trusted."""
        return mostly_blocked(self.fetched, self.blocked, self.drifted)


@dataclass
class CrawlSummary:
    """The closing summary of a crawl."""

    crawl_id: int
    status: str
    sources: dict[str, SourceSummary] = field(default_factory=dict)

    @property
    def flagged(self) -> list[str]:
        """Sources whose pages were mostly blocked or drifted."""
        return [name for name, summary in self.sources.items() if summary.flagged]
