"""Formatting shared by the page renderers: escaping, locale numbers and prices, slugs."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from typing import Any

NBSP = "\u00a0"
NNBSP = "\u202f"

_SYMBOLS = {"USD": "$", "GBP": "£", "EUR": "€", "PLN": "zł", "ARS": "$"}


def esc(text: object) -> str:
    """HTML-escape text and attribute values (quotes included)."""
    return html.escape(str(text), quote=True)


def dump_json(data: Any) -> str:
    """Compact JSON as the marketplaces' APIs send it (non-ASCII kept, control characters escaped)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def script_json(data: Any) -> str:
    """JSON safe inside a `<script>` element: `<`, `>` and `&` escaped as \\u sequences."""
    return dump_json(data).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def group_digits(number: int, separator: str) -> str:
    """`92284` -> `92.284` with the given thousands separator."""
    return f"{number:,}".replace(",", separator)


def format_count(number: int, locale: str) -> str:
    """A count as the site prints it: en `1,234`, de/es/it/pl `1.234`, fr `1 234` (narrow no-break space)."""
    if locale == "fr":
        return group_digits(number, NNBSP)
    if locale in ("de", "es", "it", "pl"):
        return group_digits(number, ".")
    return group_digits(number, ",")


def format_decimal(value: float | Decimal, places: int, locale: str) -> str:
    """`4.4` / `4,4`: a decimal with the locale's decimal mark."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if locale in ("de", "fr", "es", "it", "pl") else text


def format_price(amount: Decimal, currency: str, locale: str) -> str:
    """`$19.99`, `£19.99`, `19,99 €` (no-break space), `609,00 zł`, `1.234,56 €`."""
    symbol = _SYMBOLS.get(currency, currency)
    whole, _, cents = f"{amount:.2f}".partition(".")
    if locale in ("de", "fr", "es", "it", "pl"):
        grouped = group_digits(int(whole), NNBSP if locale == "fr" else ".")
        return f"{grouped},{cents}{NBSP}{symbol}"
    return f"{symbol}{group_digits(int(whole), ',')}.{cents}"


def slugify(text: str, limit: int = 60) -> str:
    """`Ring Video Doorbell – Satin` -> `Ring-Video-Doorbell-Satin` (Amazon-style path slug)."""
    words = re.findall(r"[A-Za-z0-9]+", text)
    return "-".join(words)[:limit].strip("-") or "product"
