"""Money and counts as Scout shows them: rounded for exports, shortened for narrow tables."""

from __future__ import annotations


def rounded(value: float | None, digits: int | None = None) -> float | None:
    """`value` rounded to `digits` decimals, or to a whole number when digits is None; None stays None."""
    if value is None:
        return None
    return round(value) if digits is None else round(value, digits)


def short_amount(value: float) -> str:
    """A figure in three significant digits with k, M or G: 1234 → "1.23k", 8.6e9 → "8.6G"."""
    for size, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:.3g}{suffix}"
    return f"{value:.0f}"


def money_range(low: float | None, high: float | None, currency: str | None) -> str:
    """A money range as tables and notes show it: "1.2k-4.5k USD", "980 EUR" when exact, "-" when unknown."""
    if low is None or high is None:
        return "-"
    unit = f" {currency}" if currency else ""
    if short_amount(low) == short_amount(high):
        return f"{short_amount(low)}{unit}"
    return f"{short_amount(low)}-{short_amount(high)}{unit}"


def labelled_money(low: float | None, high: float | None, currency: str | None, period: str,
                   basis: str | None = None) -> str:
    """A money range with its period and basis: "1.2k-4.5k USD per month (exact sales of the last 60 days)"."""
    if low is None or high is None:
        return f"unknown {period}"
    return f"{money_range(low, high, currency)} {period}" + (f" ({basis})" if basis else "")
