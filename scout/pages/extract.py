"""Parse a page, then store what it shows: shared by `scout ingest`, `scout crawl` and `scout reparse`.

Parsing (`parse_outcome`) touches no database, so a crawl can parse each page as it arrives and store a batch
of pages in one transaction (`store_outcomes`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from db.archive import ArchivedPage, ParseVerdict, record_parses
from db.store import PageRecords, StoreCounts, store_parsed_pages
from scout.errors import BlockedError, ParseError
from scrapers.records import ParsedPage
from scrapers.registry import MARKETPLACES, parse_page, parser_version

OK, BLOCKED, DRIFTED = "ok", "blocked", "drifted"


@dataclass
class Outcome:
    """How one page went: ok (with what was stored), blocked, or drifted (with the parser's complaint)."""

    status: str
    marketplace: str | None = None
    kind: str | None = None
    error: str | None = None
    parsed: ParsedPage | None = None
    counts: StoreCounts = field(default_factory=StoreCounts)


@dataclass(frozen=True)
class Extracted:
    """A parsed page ready to store: the archived page, its outcome, and the provenance of its records."""

    page: ArchivedPage
    outcome: Outcome
    observed_at: datetime
    crawl_id: int | None = None
    list_name: str | None = None


def parse_outcome(text: str, *, marketplace: str | None = None, kind: str | None = None,
                  url: str | None = None) -> Outcome:
    """Parse `text`: ok with its records, blocked, or drifted (a page of a known type that yielded nothing)."""
    try:
        parsed = parse_page(text, marketplace=marketplace, kind=kind, url=url)
    except BlockedError as err:
        return Outcome(BLOCKED, err.marketplace, kind, err.reason)
    except ParseError as err:
        known = err.marketplace if err.marketplace not in ("unknown", "?") else marketplace
        return Outcome(DRIFTED, known, kind or err.page_type, str(err))
    return Outcome(OK, parsed.marketplace, parsed.kind, None, parsed)


def store_outcomes(session: Session, items: Sequence[Extracted], *, refresh: bool = False) -> None:
    """Store the records of the ok pages and note every page's verdict; fills in each ok outcome's counts.

    A page that failed to parse stores nothing but its verdict, so it never blanks a figure already known.
    """
    stored: list[tuple[Outcome, PageRecords]] = []
    verdicts: list[ParseVerdict] = []
    for item in items:
        outcome = item.outcome
        version = parser_version(outcome.marketplace) \
            if outcome.status != BLOCKED and outcome.marketplace in MARKETPLACES else None
        if outcome.parsed is not None:
            stored.append((outcome, PageRecords(item.page, outcome.parsed, item.observed_at, version or "",
                                                item.crawl_id, item.list_name or outcome.parsed.list_name)))
        verdicts.append(ParseVerdict(item.page.id, outcome.status, outcome.marketplace, outcome.kind, outcome.error,
                                     version))
    counts = store_parsed_pages(session, [records for _, records in stored], refresh=refresh)
    for (outcome, _), page_counts in zip(stored, counts, strict=True):
        outcome.counts = page_counts
    record_parses(session, verdicts)


def extract_page(
    session: Session, page: ArchivedPage, text: str, *, observed_at: datetime, marketplace: str | None = None,
    kind: str | None = None, url: str | None = None, crawl_id: int | None = None, list_name: str | None = None,
    refresh: bool = False,
) -> Outcome:
    """Parse `text` (the body of `page`) and store its records; a failed parse stores nothing but the verdict."""
    outcome = parse_outcome(text, marketplace=marketplace, kind=kind, url=url)
    store_outcomes(session, [Extracted(page, outcome, observed_at, crawl_id, list_name)], refresh=refresh)
    return outcome
