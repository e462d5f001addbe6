"""The dates and ages the team types: a next step (`--next 2026-11-20`, `--next +3d`) and a wait (`--after 7d`)."""

from __future__ import annotations

import re
from datetime import date, timedelta

from scout.errors import InputError

CLEAR = ("none", "-")  # a next step given as one of these clears it
_RELATIVE = re.compile(r"\+?(\d{1,4})\s*([dw])")
_AGE = re.compile(r"(\d{1,4})\s*([hdw])")
_UNITS = {"h": timedelta(hours=1), "d": timedelta(days=1), "w": timedelta(weeks=1)}


def parse_next_step(text: str, today: date) -> date | None:
    """A next-step date: YYYY-MM-DD, `today`, `tomorrow`, or `+3d` / `2w` from today; `none` clears it (None)."""
    value = text.strip().lower()
    if value in CLEAR:
        return None
    if value in ("today", "tomorrow"):
        return today + timedelta(days=value == "tomorrow")
    relative = _RELATIVE.fullmatch(value)
    if relative:
        return today + int(relative.group(1)) * _UNITS[relative.group(2)]
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InputError(f"next step {text!r} is not a date: use YYYY-MM-DD, today, tomorrow, +3d or 2w "
                         "(none clears it)") from None


def parse_age(text: str) -> timedelta:
    """A wait such as `7d`, `2w` or `36h`, at least one hour."""
    match = _AGE.fullmatch(text.strip().lower())
    if match is None or int(match.group(1)) == 0:
        raise InputError(f"{text!r} is not a wait: use a number of hours, days or weeks such as 36h, 7d or 2w")
    return int(match.group(1)) * _UNITS[match.group(2)]
