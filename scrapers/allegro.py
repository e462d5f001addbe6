"""Allegro (allegro.pl, PLN, decimal commas): offer, listing and seller pages, and scraper extracts.

This module detects and dispatches; whole pages are read in allegro_html (2021 pages from a real capture, newer
layouts from the structure public scrapers read), URLs and the shared seller-box offer live in allegro_site.
scrapfly's allegro-scraper outputs are parsed here: offer extracts (a JSON array of {title, price, seller}) and
search extracts (`{"products": [...]}`).
"""

from __future__ import annotations

from typing import Any

import msgspec

from scrapers.allegro_html import LISTING_STATE, is_seller_page, parse_listing_page, parse_offer_page, parse_seller_page
from scrapers.allegro_site import (
    MARKETPLACE,
    SITE,
    amount,
    offer_url,
    search_url,
    seller_box_offer,
    seller_url,
)
from scrapers.errors import BlockedError, ParseError
from scrapers.records import Offer, ParsedPage
from scrapers.util import JsonShape, any_or_array_of, clean_text, load_json

__all__ = ["MARKETPLACE", "SITE", "detect", "kind_from_url", "offer_url", "parse", "parse_listing_page",
           "parse_offer_page", "parse_seller_page", "search_url", "seller_url"]

PARSER_VERSION = 2  # 2: 2021 listing and offer pages (listing state as a JSON string, offer box), numeric ids

_CANONICAL = ('<link rel="canonical" href="', '<meta property="og:url" content="')
_BOT_WALL = ("captcha-delivery.com", "Potwierdź, że jesteś człowiekiem")


class SearchRow(msgspec.Struct, gc=False):
    """The fields Scout reads from a search extract's row (scrapfly's allegro-scraper output)."""

    seller: Any = None
    offer_id: Any = None
    price: Any = None
    currency: Any = None
    title: Any = None
    url: Any = None


class SearchExtract(msgspec.Struct, gc=False):
    """A search extract: `{"products": [row, ...]}`."""

    products: any_or_array_of(SearchRow) = None  # type: ignore[valid-type]


_SEARCH_EXTRACT: JsonShape[SearchExtract | list[Any]] = JsonShape(SearchExtract | list[Any])


def _page_url(head: str, url: str | None) -> str:
    """The page's canonical (or og:url) address, else the URL it was fetched from."""
    for mark in _CANONICAL:
        at = head.find(mark)
        if at >= 0:
            start = at + len(mark)
            return head[start:head.find('"', start)]
    return url or ""


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of an Allegro page or scraper extract, or None when it is not Allegro's."""
    data = load_json(text)
    if data is not None:
        return _detect_json(data)
    head = text[:300_000]
    if "allegro" not in head.lower() and not (url and "allegro." in url):
        return None
    if any(marker in head for marker in _BOT_WALL):
        return kind_from_url(url) or "product"  # claimed so that parse() reports the bot wall
    if LISTING_STATE in text:
        return "search"
    page_url = _page_url(head, url)
    if "allegro.pl/oferta/" in page_url or ("data-serialize-box-id" in text and '"sellerName"' in text):
        return "product"
    if is_seller_page(page_url):
        return "seller"
    return None


def kind_from_url(url: str | None) -> str | None:
    """The page kind an Allegro URL addresses (listing → search, /oferta/ → product, /uzytkownik/ → seller)."""
    if not url:
        return None
    if "/listing" in url:
        return "search"
    if "/uzytkownik/" in url:
        return "seller"
    return "product" if "/oferta/" in url else None


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse an Allegro page or extract of `kind` ("product"/"offers", "search" or "seller")."""
    if kind == "search":
        records: list[Any] = _search_offers(text)
    elif kind in ("product", "offers", "seller"):
        data = load_json(text)
        if data is None:
            check_blocked(text)
        if kind == "seller":
            if data is not None:
                raise ParseError(MARKETPLACE, kind, "seller profiles are read from the ratings page HTML")
            records = [parse_seller_page(text, url)]
        else:
            records = parse_offer_extract(data) if data is not None else [parse_offer_page(text, url)]
    else:
        raise ParseError(MARKETPLACE, kind, "Allegro parsers read 'product', 'offers', 'search' and 'seller'")
    return ParsedPage(marketplace=MARKETPLACE, kind=kind, records=records, site=SITE)


def _search_offers(text: str) -> list[Offer]:
    extract = _SEARCH_EXTRACT.load(text)
    if extract is None:
        check_blocked(text)
        return parse_listing_page(text)
    if isinstance(extract, SearchExtract):
        return parse_search_extract(extract)
    raise ParseError(MARKETPLACE, "search", "search JSON is neither a listing page nor a search extract")


def check_blocked(text: str) -> None:
    """Raise BlockedError for Allegro's DataDome captcha ("Potwierdź, że jesteś człowiekiem")."""
    head = text[:300_000]
    if any(marker in head for marker in _BOT_WALL):
        raise BlockedError(MARKETPLACE, "captcha page (DataDome: Potwierdź, że jesteś człowiekiem)")


def parse_offer_extract(data: Any) -> list[Offer]:
    """Offers from offer-page extracts: a JSON array of {title, price, seller, ...} (or one object)."""
    items = data if isinstance(data, list) else [data]
    offers = [
        seller_box_offer(item.get("seller") or {}, item.get("price") or {}, item.get("title"), None)
        for item in items
        if isinstance(item, dict) and isinstance(item.get("seller"), dict)
    ]
    offers = [offer for offer in offers if offer.seller_id]
    if not offers:
        raise ParseError(MARKETPLACE, "product", "no offer extract names a seller")
    return offers


def parse_search_extract(extract: SearchExtract) -> list[Offer]:
    """Offers from a search extract (`{"products": [...]}`); banner rows without a seller are skipped."""
    products = extract.products
    if not isinstance(products, list):
        raise ParseError(MARKETPLACE, "search", "search extract without a products list")
    offers = []
    for row in products:
        if not isinstance(row, SearchRow) or not row.seller or not row.offer_id:
            continue
        login, offer_id = str(row.seller), str(row.offer_id)
        offers.append(
            Offer(
                seller_id=login,
                name=login,
                price=amount(row.price),
                currency=row.currency or "PLN",
                product_id=offer_id,
                title=clean_text(row.title),
                url=row.url or offer_url(offer_id),
                seller_url=seller_url(login),
            )
        )
    if not offers:
        raise ParseError(MARKETPLACE, "search", "no search row names a seller")
    return offers


def _detect_json(data: Any) -> str | None:
    if isinstance(data, list) and data and isinstance(data[0], dict):
        seller, price = data[0].get("seller"), data[0].get("price")
        if (
            isinstance(seller, dict)
            and {"name", "rating", "isSuperSeller"} <= seller.keys()
            and (isinstance(price, dict) and "formattedPrice" in price)
        ):
            return "product"
    if isinstance(data, dict) and isinstance(data.get("products"), list):
        rows = [r for r in data["products"][:5] if isinstance(r, dict)]
        if (
            rows
            and all({"offer_id", "seller", "delivery_info"} <= r.keys() for r in rows)
            and any("allegro.pl/oferta" in str(r.get("url")) for r in rows)
        ):
            return "search"
    return None
