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
