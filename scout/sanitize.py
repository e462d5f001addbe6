"""Make hostile scraped text inert before it reaches a terminal, a CSV cell, a JSON line or a draft."""

from __future__ import annotations

import json
import re
from typing import Any

# ANSI/VT escape sequences (CSI, OSC, single-character escapes), then any remaining C0/C1 control character.
_ANSI = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])|\x9b[0-?]*[ -/]*[@-~]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
WIDE_PREFIXES = ("\uff1d", "\uff0b", "\uff0d", "\uff20")  # full-width = + - @, which spreadsheets may fold
# What json.dumps(ensure_ascii=False) leaves raw but a terminal or viewer may act on: C1 controls, DEL, bidi
# overrides and isolates, zero-width characters, the line and paragraph separators.
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]")


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


def dumps_json(value: Any, **options: Any) -> str:
    """JSON with every control, bidi and zero-width character escaped (\\uXXXX); other text stays readable."""
    text = json.dumps(value, ensure_ascii=False, **options)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)

