"""Locale-aware parsing of the counts, ratings, percentages and prices marketplaces print.

Handles `1.234,56 €`, `$1,234.56`, `92.284` (German thousands), `4,4 von 5 Sternen`, `98,8%`,
non-breaking and narrow spaces as thousands separators, and `(1 rating)`.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

_SPACES = "\u00a0\u202f\u2009\u2007 '’"
_NUMBER = re.compile(r"\d[\d.,\u00a0\u202f\u2009\u2007 '’]*")
_NON_DIGIT = re.compile(r"\D")

# Longest symbols first so "US $" wins over "$".
CURRENCY_SYMBOLS: tuple[tuple[str, str], ...] = (
    ("US $", "USD"), ("US$", "USD"), ("CA$", "CAD"), ("C$", "CAD"), ("AU$", "AUD"), ("A$", "AUD"),
    ("MX$", "MXN"), ("R$", "BRL"), ("zł", "PLN"), ("€", "EUR"), ("£", "GBP"), ("¥", "JPY"),
    ("₹", "INR"), ("kr", "SEK"), ("Kč", "CZK"), ("$", "USD"),
)
DOLLAR_SIGN_CURRENCIES = frozenset({"USD", "CAD", "AUD", "NZD", "MXN", "ARS", "CLP", "COP", "SGD", "HKD", "UYU"})
_ISO = re.compile(r"\b(USD|EUR|GBP|PLN|CAD|AUD|MXN|BRL|ARS|JPY|INR|SEK|CZK|CHF|TRY)\b")


def _first_number(text: str) -> str | None:
    match = _NUMBER.search(text)
    if match is None:
        return None
    return match.group(0).strip(_SPACES + ".,")


def parse_int(text: str | None) -> int | None:
    """The first count in `text`, every separator read as a thousands separator: `92.284` → 92284."""
    if not text:
        return None
    raw = _first_number(text)
    if raw is None:
        return None
    digits = _NON_DIGIT.sub("", raw)
    return int(digits) if digits else None


def json_int(value: object) -> int | None:
    """A count from a JSON value: an int as it is, a whole float, or a count printed as text ("1,234" → 1234).

    Booleans, fractions and text without a number are not counts: None.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    return parse_int(str(value))


_DROP_SPACES = str.maketrans("", "", _SPACES)


def _normalise(raw: str, decimal_comma: bool | None) -> str:
    raw = raw.translate(_DROP_SPACES)
    has_dot, has_comma = "." in raw, "," in raw
    if has_dot and has_comma:
        decimal_sep = "," if raw.rfind(",") > raw.rfind(".") else "."
    elif has_dot or has_comma:
        sep = "." if has_dot else ","
        head, _, tail = raw.rpartition(sep)
        if raw.count(sep) > 1:
            decimal_sep = ""  # "1.234.567" or "1,234,567": thousands only
        elif decimal_comma is not None:
            decimal_sep = "," if decimal_comma else "."
            if sep != decimal_sep and len(tail) != 3:
                decimal_sep = sep  # "4.6" on a German page is still a decimal point
        else:
            decimal_sep = "" if len(tail) == 3 and head not in ("", "0") else sep
    else:
        decimal_sep = ""
    thousands = {".", ","} - {decimal_sep}
    for sep in thousands:
        raw = raw.replace(sep, "")
    return raw.replace(",", ".") if decimal_sep == "," else raw


def parse_decimal(text: str | None, decimal_comma: bool | None = None) -> Decimal | None:
    """The first number in `text` as a Decimal; `decimal_comma` says the page's convention when known."""
    if not text:
        return None
    raw = _first_number(text)
    if raw is None:
        return None
    try:
        return Decimal(_normalise(raw, decimal_comma))
    except InvalidOperation:
        return None


def parse_float(text: str | None, decimal_comma: bool | None = None) -> float | None:
    """`parse_decimal` as a float, for ratings and percentages."""
    value = parse_decimal(text, decimal_comma)
    return float(value) if value is not None else None


def parse_percent(text: str | None, decimal_comma: bool | None = None) -> float | None:
    """A percentage in 0–100 (`97% positive`, `98,8%`), or None when out of range."""
    return _percent(text, decimal_comma) if text else None


@lru_cache(maxsize=1024)  # API responses repeat each seller's figure on every listing
def _percent(text: str, decimal_comma: bool | None) -> float | None:
    value = parse_float(text, decimal_comma)
    return value if value is not None and 0 <= value <= 100 else None


def parse_stars(text: str | None, decimal_comma: bool | None = None) -> float | None:
    """An average star rating (`4.6 out of 5 stars`, `4,4 von 5 Sternen`), or None when not in 0–5."""
    value = parse_float(text, decimal_comma)
    return value if value is not None and 0 <= value <= 5 else None


def detect_currency(text: str | None, default: str | None = None) -> str | None:
    """The ISO code of the currency written in `text` (symbol or code), else `default`."""
    return _currency_in(text, default) if text else default


@lru_cache(maxsize=1024)  # called for every price, and pages repeat their currency strings
def _currency_in(text: str, default: str | None) -> str | None:
    iso = _ISO.search(text)
    if iso:
        return iso.group(1)
    for symbol, code in CURRENCY_SYMBOLS:
        if symbol in text:
            return default if symbol == "$" and default in DOLLAR_SIGN_CURRENCIES else code
    return default


def parse_price(
    text: str | None, default_currency: str | None = None, decimal_comma: bool | None = None
) -> tuple[Decimal | None, str | None]:
    """(amount, ISO currency) from a price such as `1.234,56 €`, `$19.99`, `609,00 zł`."""
    if not text:
        return None, default_currency
    return _price(text, default_currency, decimal_comma)


@lru_cache(maxsize=4096)  # one call per offer, and prices recur ("$9.99"); Decimal values are immutable
def _price(text: str, default_currency: str | None, decimal_comma: bool | None) -> tuple[Decimal | None, str | None]:
    currency = detect_currency(text, default_currency)
    if decimal_comma is None and currency in {"EUR", "PLN", "BRL", "ARS", "CZK", "SEK", "TRY"}:
        decimal_comma = True
    return parse_decimal(text, decimal_comma), currency
