"""Scout's exceptions. The CLI turns any ScoutError into one red line on stderr.

ScoutError
├── ConfigError          a setting is unknown, malformed or missing (names the setting)
├── DatabaseError        the database URL is malformed, unreachable, read-only or corrupt
├── InputError           a file or argument given on the command line cannot be used
├── FetchError           a page could not be fetched, even after retries
│   └── DisallowedError  robots.txt (or its absence) forbids the URL
├── BlockedError         the marketplace answered with a captcha or bot wall (often as HTTP 200)
├── ParseError           a page of a known type yielded nothing where something must be (layout drift)
└── Interrupted          the user pressed Ctrl-C (exit 130); the message says what was kept
"""

from __future__ import annotations


class ScoutError(Exception):
    """Base of every error Scout reports to its user."""


class ConfigError(ScoutError):
    """A setting is unknown, malformed or missing."""


class DatabaseError(ScoutError):
    """The database cannot be opened, created or written."""


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


class BlockedError(ScoutError):
    """The page is a captcha or bot wall rather than the content asked for."""

    def __init__(self, marketplace: str, reason: str) -> None:
        self.marketplace = marketplace
        self.reason = reason
        super().__init__(f"{marketplace}: blocked ({reason})")


class ParseError(ScoutError):
    """A page of a known type did not contain what its parser expects (layout drift)."""

    def __init__(self, marketplace: str, page_type: str, what_was_missing: str) -> None:
        self.marketplace = marketplace
        self.page_type = page_type
        self.what_was_missing = what_was_missing
        super().__init__(f"{marketplace} {page_type}: {what_was_missing}")
