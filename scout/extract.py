"""Parse an archived page and store what it shows: shared by `scout ingest`, `scout crawl` and `scout reparse`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlmodel import Session

from db.models import Page
from db.store import StoreCounts, record_parse, store_parsed_page
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


def extract_page(
    session: Session, page: Page, text: str, *, observed_at: datetime, marketplace: str | None = None,
    kind: str | None = None, url: str | None = None, crawl_id: int | None = None, list_name: str | None = None,
    refresh: bool = False,
) -> Outcome:
    """Parse `text` (the body of `page`) and store its records; a failed parse stores nothing but the verdict."""
    try:
        parsed = parse_page(text, marketplace=marketplace, kind=kind, url=url)
    except BlockedError as err:
        record_parse(session, page, marketplace=err.marketplace, kind=kind, status=BLOCKED, error=err.reason,
                     parser_version=None)
        return Outcome(BLOCKED, err.marketplace, kind, err.reason)
    except ParseError as err:
        known = err.marketplace if err.marketplace not in ("unknown", "?") else marketplace
        record_parse(session, page, marketplace=known, kind=kind or err.page_type, status=DRIFTED, error=str(err),
                     parser_version=parser_version(known) if known in MARKETPLACES else None)
        return Outcome(DRIFTED, known, kind or err.page_type, str(err))
    version = parser_version(parsed.marketplace)
    counts = store_parsed_page(session, page, parsed, observed_at=observed_at, parser_version=version,
                               crawl_id=crawl_id, list_name=list_name or parsed.list_name, refresh=refresh)
    record_parse(session, page, marketplace=parsed.marketplace, kind=parsed.kind, status=OK, error=None,
                 parser_version=version)
    return Outcome(OK, parsed.marketplace, parsed.kind, None, parsed, counts)
