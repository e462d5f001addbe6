"""Make hostile scraped text inert before it reaches a terminal, a CSV cell or a draft."""

from __future__ import annotations

import re

# ANSI/VT escape sequences (CSI, OSC, single-character escapes), then any remaining C0/C1 control character.
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WIDE_PREFIXES = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # full-width = + - @, which spreadsheets may fold


def strip_control(text: str) -> str:
    """Text without ANSI escape sequences, control characters or bidi overrides (newlines become spaces)."""
    text = _ANSI.sub("", text)
    text = text.replace("\n", " ").replace("\t", " ")
    return _CONTROL.sub("", text)


def csv_safe(value: object) -> object:
    """A CSV/XLSX cell that a spreadsheet will not run as a formula (OWASP CSV injection); numbers pass as is.

    Control characters go first, then a text that starts (after any spaces) with =, +, -, @, tab or carriage
    return, or their full-width forms, gets a leading single quote.
    """
    if not isinstance(value, str):
        return value
    risky = value.startswith(FORMULA_PREFIXES)
    cleaned = strip_control(value)
    if risky or cleaned.lstrip().startswith(FORMULA_PREFIXES + WIDE_PREFIXES):
        return "'" + cleaned
    return cleaned
