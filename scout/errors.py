"""Scout's exceptions. The CLI turns any of USER_ERRORS into one red line on stderr and a non-zero exit.

ScoutError
├── ConfigError          a setting is unknown, malformed or missing (names the setting)
├── InputError           a file or argument given on the command line cannot be used
├── FetchError           a page could not be fetched, even after retries
│   └── DisallowedError  robots.txt (or its absence) forbids the URL
└── Interrupted          the user pressed Ctrl-C (exit 130); the message says what was kept
DatabaseError            (db.errors) the database URL is malformed, unreachable, read-only or corrupt
ScraperError             (scrapers.errors) what the pure parsers raise
├── ParseError           a page of a known type yielded nothing where something must be (layout drift)
├── BlockedError         the marketplace answered with a captcha or bot wall (often as HTTP 200)
├── UnknownSiteError     a site the parsers do not read
└── TooDeepError         a page nested deeper than any real page (hostile), refused unparsed

The database layer and the parsers sit below `scout/` and import nothing from it, so their errors are their own;
they are re-exported here so the rest of Scout imports every error from one place.
"""

from __future__ import annotations

from db.errors import DatabaseError
from scrapers.errors import BlockedError, ParseError, ScraperError, TooDeepError, UnknownSiteError

__all__ = ["USER_ERRORS", "BlockedError", "ConfigError", "DatabaseError", "DisallowedError", "FetchError",
           "InputError", "Interrupted", "ParseError", "ScoutError", "ScraperError", "TooDeepError",
           "UnknownSiteError"]


class ScoutError(Exception):
    """Base of every error Scout itself reports to its user."""


class ConfigError(ScoutError):
    """A setting is unknown, malformed or missing."""


class Interrupted(ScoutError):
    """The user pressed Ctrl-C: what was done is kept, and the message says how to carry on."""


class InputError(ScoutError):
    """A file or argument given by the user cannot be used."""


class FetchError(ScoutError):
    """A page could not be fetched."""

    def __init__(self, url: str, reason: str, status: int | None = None) -> None:
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{url}: {reason}")


class DisallowedError(FetchError):
    """robots.txt forbids the URL (or could not be read, which forbids everything)."""


# Every error that is the user's to fix (bad input, settings, database, a page that cannot be read), as opposed
# to a bug: the CLI prints these as one line.
USER_ERRORS: tuple[type[Exception], ...] = (ScoutError, DatabaseError, ScraperError)
