"""Allegro's site: its URLs, the seller-box offer every Allegro page type makes, amounts and embedded JSON."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urlencode

from scrapers.numbers import parse_percent, parse_price
from scrapers.records import Offer
from scrapers.util import clean_text, load_json

MARKETPLACE = "allegro"
SITE = "allegro.pl"
BASE = "https://allegro.pl"
SUPER_SELLER = "SuperSeller"

OFFER_ID = re.compile(r"/oferta/(?:[^/?#]*-)?(\d{8,})(?:[/?#]|$)")
LOGIN = re.compile(r"allegro\.pl/uzytkownik/([^/?#\"\s]+)")


def offer_url(offer_id: str) -> str:
    """An offer page (Allegro redirects the bare id to the slugged URL)."""
    return f"{BASE}/oferta/{offer_id}"


def search_url(query: str, page: int = 1) -> str:
    """The search listing for a query."""
    params: dict[str, Any] = {"string": query} if page == 1 else {"string": query, "p": page}
    return f"{BASE}/listing?{urlencode(params)}"


@lru_cache(maxsize=4096)  # one call per record, and pages list a few sellers many times
def seller_url(login: str) -> str:
    """A seller's ratings page (`/uzytkownik/<login>/oceny`)."""
    return f"{BASE}/uzytkownik/{quote(login)}/oceny"


def login_from_url(url: Any) -> str | None:
    """The login in a seller link (`https://allegro.pl/uzytkownik/<login>[/sklep|/oceny]`)."""
    match = LOGIN.search(url) if isinstance(url, str) else None
    return unquote(match.group(1)) if match else None


def seller_box_offer(seller: dict[str, Any], price: dict[str, Any], title: Any, url: str | None,
                     **more: Any) -> Offer:
    """An offer from a seller box (`name`, `rating` "98,8%", `isSuperSeller`) and a price box (`formattedPrice`)."""
    formatted = price.get("formattedPrice")
    amount, currency = parse_price(formatted, price.get("currency") or "PLN", decimal_comma=True)
    name = seller.get("name")
    login = seller.get("login") or name
    offer_id = OFFER_ID.search(url or "")
    return Offer(
        seller_id=str(login) if login else None,
        name=str(name) if name else None,
        positive_pct=parse_percent(seller.get("rating"), decimal_comma=True),
        price=amount,
        currency=currency,
        product_id=offer_id.group(1) if offer_id else None,
        title=clean_text(title) if isinstance(title, str) else None,
        badge=SUPER_SELLER if seller.get("isSuperSeller") else None,
        url=url,
        seller_url=seller_url(str(login)) if login else None,
        **more,
    )


def json_object(raw: str) -> dict[str, Any]:
    """The JSON object in `raw`, or {} when it holds none."""
    data = load_json(raw)
    return data if isinstance(data, dict) else {}


def amount(value: Any) -> Decimal | None:
    """A machine amount ("92.98", 14.99) or a printed one ("1 249,00 zł") as a Decimal."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    text = str(value).strip()
    # The machine amount of listing states and extracts ("92.98"): what r"\d+(?:\.\d+)?" fullmatches, tested
    # without a regex at a quarter of its cost (one call per search row).
    whole, dot, cents = text.partition(".")
    if whole.isdecimal() and (not dot or cents.isdecimal()):
        return Decimal(text)
    return parse_price(text, "PLN", decimal_comma=True)[0]
