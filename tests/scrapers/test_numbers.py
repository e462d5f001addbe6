"""Counts, ratings, percentages and prices as marketplaces print them, in every locale Scout reads."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrapers.numbers import detect_currency, parse_decimal, parse_int, parse_percent, parse_price, parse_stars

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("(1 rating)", 1),  # amazon.com 2015 offer listing, singular
        ("1,720 ratings", 1720),  # amazon.com 2020 offer listing
        ("(217,514 total ratings)", 217514),
        ("92.284 Bewertungen", 92284),  # amazon.de: dot as thousands separator
        (f"12{NBSP}345 évaluations", 12345),  # amazon.fr: non-breaking space
        (f"1{NNBSP}234{NNBSP}567", 1234567),
        ("no digits here", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_int_reads_counts_in_every_locale(text: str | None, expected: int | None) -> None:
    assert parse_int(text) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("4.6 out of 5 stars", None, 4.6),
        ("4,4 von 5 Sternen", None, 4.4),
        ("4,4 sur 5 étoiles", True, 4.4),
        ("4.6 von 5 Sternen", True, 4.6),  # a decimal point stays one even on a decimal-comma site
        ("5,0 z 5", None, 5.0),
    ],
)
def test_parse_stars(text: str, decimal_comma: bool | None, expected: float) -> None:
    assert parse_stars(text, decimal_comma) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("97% positive", 97.0), ("98,8%", 98.8), ("99.3", 99.3), ("0.0", 0.0), ("100 %", 100.0), ("130%", None)],
)
def test_parse_percent(text: str, expected: float | None) -> None:
    assert parse_percent(text) == expected


@pytest.mark.parametrize(
    ("text", "default", "amount", "currency"),
    [
        ("$19.99", None, "19.99", "USD"),
        ("$1,234.56", None, "1234.56", "USD"),
        ("1.234,56 €", None, "1234.56", "EUR"),
        (f"1{NBSP}234,56{NBSP}€", None, "1234.56", "EUR"),  # amazon.fr
        ("EUR 12,99", None, "12.99", "EUR"),
        ("£7.50", None, "7.50", "GBP"),
        ("609,00 zł", None, "609.00", "PLN"),  # allegro
        ("US $46.38", None, "46.38", "USD"),
        ("$ 89.990", "ARS", "89990", "ARS"),  # a peso price with thousands dot keeps the site's currency
        ("no price", "USD", None, "USD"),
    ],
)
def test_parse_price(text: str, default: str | None, amount: str | None, currency: str) -> None:
    value, code = parse_price(text, default)
    assert value == (Decimal(amount) if amount else None)
    assert code == currency


def test_detect_currency_prefers_iso_codes() -> None:
    assert detect_currency("Price: 12.00 CAD") == "CAD"
    assert detect_currency("€") == "EUR"
    assert detect_currency("nothing", default="GBP") == "GBP"


def _group(n: int, sep: str) -> str:
    digits = f"{n:d}"
    groups = []
    while digits:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    return sep.join(groups)


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([",", ".", NBSP, NNBSP, " ", "'", ""]))
def test_any_grouped_count_reads_back(n: int, sep: str) -> None:
    assert parse_int(f"({_group(n, sep)} ratings)") == n


@given(st.integers(min_value=0, max_value=10**9), st.integers(min_value=0, max_value=99), st.booleans())
def test_any_price_reads_back_in_both_conventions(units: int, cents: int, comma: bool) -> None:
    thousands, decimal = (".", ",") if comma else (",", ".")
    text = f"{_group(units, thousands)}{decimal}{cents:02d}"
    symbol = "€" if comma else "$"
    value, currency = parse_price(f"{text} {symbol}" if comma else f"{symbol}{text}")
    assert value == Decimal(f"{units}.{cents:02d}")
    assert currency == ("EUR" if comma else "USD")


@given(st.text(max_size=60))
def test_number_parsers_never_raise_on_arbitrary_text(text: str) -> None:
    parse_int(text)
    parse_decimal(text)
    parse_percent(text)
    parse_stars(text)
    parse_price(text)


@given(st.decimals(min_value=0, max_value=5, places=1), st.booleans())
def test_star_ratings_read_back(value: Decimal, comma: bool) -> None:
    text = f"{value} out of 5 stars" if not comma else f"{str(value).replace('.', ',')} von 5 Sternen"
    assert parse_stars(text) == float(value)
