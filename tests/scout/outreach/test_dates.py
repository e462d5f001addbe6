"""The dates and waits the team types on the command line and in import files."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from scout.errors import InputError
from scout.outreach.dates import parse_age, parse_next_step

TODAY = date(2026, 11, 2)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-11-20", date(2026, 11, 20)), ("today", TODAY), ("Tomorrow", date(2026, 11, 3)),
    ("+3d", date(2026, 11, 5)), ("3d", date(2026, 11, 5)), ("2w", date(2026, 11, 16)), ("+0d", TODAY),
    ("none", None), ("-", None), (" 2026-01-05 ", date(2026, 1, 5)),
])
def test_next_step_dates(text: str, expected: date | None) -> None:
    assert parse_next_step(text, TODAY) == expected


@pytest.mark.parametrize("text", ["next week", "2026-13-01", "20/11/2026", "+3m", ""])
def test_a_next_step_that_is_not_a_date_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="is not a date"):
        parse_next_step(text, TODAY)


@pytest.mark.parametrize(("text", "expected"), [
    ("7d", timedelta(days=7)), ("36h", timedelta(hours=36)), ("2w", timedelta(weeks=2)), (" 10 D", timedelta(days=10)),
])
def test_waits(text: str, expected: timedelta) -> None:
    assert parse_age(text) == expected


@pytest.mark.parametrize("text", ["7", "0d", "a week", "-7d", "7m"])
def test_a_wait_that_is_not_one_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="is not a wait"):
        parse_age(text)
