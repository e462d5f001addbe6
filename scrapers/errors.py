"""What the parsers raise. They import nothing from `scout/`; scout.errors re-exports these.

ScraperError
├── ParseError        a page of a known type yielded nothing where something must be (layout drift)
├── BlockedError      the marketplace answered with a captcha or bot wall (often as HTTP 200)
├── UnknownSiteError  a URL builder was asked for a site the parsers do not read
└── TooDeepError      the page nests deeper than any real page (hostile): refused before parsing it
"""

from __future__ import annotations


class ScraperError(Exception):
    """Base of everything the parsers raise."""


class BlockedError(ScraperError):
    """The page is a captcha or bot wall rather than the content asked for."""

    def __init__(self, marketplace: str, reason: str) -> None:
        self.marketplace = marketplace
        self.reason = reason
        super().__init__(f"{marketplace}: blocked ({reason})")


class ParseError(ScraperError):
    """A page of a known type did not contain what its parser expects (layout drift)."""

    def __init__(self, marketplace: str, page_type: str, what_was_missing: str) -> None:
        self.marketplace = marketplace
        self.page_type = page_type
        self.what_was_missing = what_was_missing
        super().__init__(f"{marketplace} {page_type}: {what_was_missing}")


class UnknownSiteError(ScraperError, ValueError):
    """A site (such as an Amazon country site) that the parsers and URL builders do not know."""


class TooDeepError(ScraperError):
    """A page whose HTML elements or JSON values nest deeper than any real page does: refused unparsed."""

    def __init__(self, what: str, limit: int) -> None:
        self.what = what
        self.limit = limit
        super().__init__(f"{what} nested more than {limit} levels deep")
