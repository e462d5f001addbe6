"""Allegro (allegro.pl, PLN, decimal commas): offer pages, search results and seller rating pages.

Offer pages embed their boxes as `<script data-serialize-box-id>` JSON; the seller box carries
`sellerName`, `sellerRating` ("98,8%"), `isSuperSeller` and `sellerListingUrl`, the price box
`price.formattedPrice` ("609,00 zł"). Listing pages (`/listing?string=`) serialize their whole state as
`{"__listing_StoreState": {"items": {"elements": [...]}}}`, each offer element carrying `seller.login`,
`seller.superSeller`, `price.mainPrice.amount/currency`, `eventData.offer_id`, `name` and `url`. That is what
scrapfly's allegro-scraper (and RSS-Bridge's AllegroBridge) read, and scrapfly's outputs (offer and search
extracts) are parsed here too. No whole Allegro page was captured: the HTML fixtures in tests/fixtures/allegro
are built from that structure and from the seller ratings page's wording ("Poleca 98,8% kupujących",
"… ocen z ostatnich 12 miesięcy", "Dane sprzedającego" with its NIP, Poland's VAT id).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote, urlencode

import msgspec
from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import parse_int, parse_percent, parse_price
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.util import JsonShape, any_or_array_of, clean_text, load_json, node_text, vat_number

MARKETPLACE = "allegro"
SITE = "allegro.pl"
BASE = "https://allegro.pl"
SUPER_SELLER = "SuperSeller"

_OFFER_ID = re.compile(r"/oferta/(?:[^/?#]*-)?(\d{8,})(?:[/?#]|$)")
_LOGIN = re.compile(r"allegro\.pl/uzytkownik/([^/?#\"\s]+)")
_SELLER_PAGE = re.compile(r"^https://allegro\.pl/uzytkownik/[^/?#\"\s]+/oceny")
_CANONICAL = re.compile(r'<link rel="canonical" href="([^"]+)"|<meta property="og:url" content="([^"]+)"')
_RECOMMENDS = re.compile(r"Poleca\s+(\d{1,3}(?:[.,]\d+)?)\s*%")
_RATING_COUNT = re.compile(r"(?<![\d/,.])(\d[\d\u00a0\u202f ]*)\s+ocen(?:a|y)?\b")
_TWELVE_MONTHS = re.compile(r"ostatnich\s+12\s+miesi")
_BOT_WALL = ("captcha-delivery.com", "Potwierdź, że jesteś człowiekiem")
_LISTING_STATE = "__listing_StoreState"
_NIP_LINE = re.compile(r"^NIP\b\s*:?\s*", re.IGNORECASE)
_REGISTRY_LINE = re.compile(r"^(NIP|REGON|KRS|BDO|E-?mail|Tel|Telefon)\b", re.IGNORECASE)
COUNTRIES: dict[str, str] = {
    "Polska": "PL",
    "Czechy": "CZ",
    "Słowacja": "SK",
    "Węgry": "HU",
    "Niemcy": "DE",
    "Chiny": "CN",
}


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
    if _LISTING_STATE in text:
        return "search"
    canonical = _CANONICAL.search(head)
    page_url = (canonical.group(1) or canonical.group(2)) if canonical else url or ""
    if "allegro.pl/oferta/" in page_url or ("data-serialize-box-id" in text and '"sellerName"' in text):
        return "product"
    if _SELLER_PAGE.match(page_url):
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
        _seller_box_offer(item.get("seller") or {}, item.get("price") or {}, item.get("title"), None)
        for item in items
        if isinstance(item, dict) and isinstance(item.get("seller"), dict)
    ]
    offers = [offer for offer in offers if offer.seller_id]
    if not offers:
        raise ParseError(MARKETPLACE, "product", "no offer extract names a seller")
    return offers


def parse_offer_page(html: str, url: str | None = None) -> Offer:
    """The selling offer of an offer page, from its serialized seller and price boxes."""
    tree = LexborHTMLParser(html)
    seller_box: dict[str, Any] = {}
    price_box: dict[str, Any] = {}
    for script in tree.css("script[data-serialize-box-id]"):
        raw = script.text(deep=True)
        if '"sellerName"' in raw and not seller_box:
            seller_box = _json_object(raw)
        elif '"formattedPrice"' in raw and not price_box:
            price_box = _json_object(raw).get("price") or {}
    if not seller_box.get("sellerName"):
        raise ParseError(MARKETPLACE, "product", "offer page without the serialized seller box (sellerName)")
    seller = {
        "name": seller_box.get("sellerName"),
        "rating": seller_box.get("sellerRating"),
        "isSuperSeller": seller_box.get("isSuperSeller"),
        "url": seller_box.get("sellerListingUrl"),
    }
    og_url = _meta(tree, "og:url")
    return _seller_box_offer(seller, price_box, _meta(tree, "og:title"), url or og_url)


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
                price=_amount(row.price),
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


def parse_listing_page(html: str) -> list[Offer]:
    """Offers from a listing page's `__listing_StoreState.items.elements`; banners without a seller are skipped."""
    state = _listing_state(html)
    items = state.get("items") if isinstance(state, dict) else None
    elements = items.get("elements") if isinstance(items, dict) else None
    if not isinstance(elements, list):
        raise ParseError(MARKETPLACE, "search", f"listing page without {_LISTING_STATE}.items.elements")
    offers = [offer for offer in (_element_offer(e) for e in elements if isinstance(e, dict)) if offer is not None]
    if not offers:
        if not elements and _search_total(html) == 0:
            return []  # the listing says it found nothing
        raise ParseError(MARKETPLACE, "search", "no listing element names a seller (seller.login)")
    return offers


def parse_seller_page(html: str, url: str | None = None) -> SellerProfile:
    """A SellerProfile from a seller's ratings page (`/uzytkownik/<login>/oceny`)."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    text = tree.body.text(separator=" ") if tree.body else ""
    recommends = _RECOMMENDS.search(text)
    count = _RATING_COUNT.search(text)
    if recommends is None and count is None:
        raise ParseError(MARKETPLACE, "seller", "ratings page without 'Poleca …%' or an 'ocen' count")
    canonical = tree.css_first('link[rel="canonical"]')
    canonical_href = (canonical.attributes.get("href") or "") if canonical is not None else ""
    login_match = _LOGIN.search(url or "") or _LOGIN.search(canonical_href)
    name = node_text(tree.css_first("h1"))
    login = unquote(login_match.group(1)) if login_match else name
    business_name, address, country, vat = _company(tree)
    return SellerProfile(
        seller_id=login,
        name=name or login,
        positive_pct=parse_percent(recommends.group(1), decimal_comma=True) if recommends else None,
        rating_count=parse_int(count.group(1)) if count else None,
        rating_window_days=365 if _TWELVE_MONTHS.search(text) else None,
        business_name=business_name,
        business_address=address,
        country=country,
        vat_number=vat,
        badge=SUPER_SELLER if "Super Sprzedawca" in text else None,
        url=seller_url(login) if login else url,
    )


def _seller_box_offer(seller: dict[str, Any], price: dict[str, Any], title: Any, url: str | None) -> Offer:
    formatted = price.get("formattedPrice")
    amount, currency = parse_price(formatted, price.get("currency") or "PLN", decimal_comma=True)
    login = seller.get("name")
    offer_id = _OFFER_ID.search(url or "")
    return Offer(
        seller_id=str(login) if login else None,
        name=str(login) if login else None,
        positive_pct=parse_percent(seller.get("rating"), decimal_comma=True),
        price=amount,
        currency=currency,
        product_id=offer_id.group(1) if offer_id else None,
        title=clean_text(title) if isinstance(title, str) else None,
        badge=SUPER_SELLER if seller.get("isSuperSeller") else None,
        url=url,
        seller_url=seller_url(str(login)) if login else None,
    )


def _element_offer(element: dict[str, Any]) -> Offer | None:
    seller = element.get("seller")
    login = seller.get("login") if isinstance(seller, dict) else None
    if not login or not isinstance(seller, dict):
        return None
    event = element.get("eventData")
    offer_id = (event.get("offer_id") if isinstance(event, dict) else None) or element.get("offerId")
    page_url = element.get("url") if isinstance(element.get("url"), str) else None
    if not offer_id:
        from_url = _OFFER_ID.search(page_url or "")
        offer_id = from_url.group(1) if from_url else None
    price = element.get("price")
    main = price.get("mainPrice") if isinstance(price, dict) else None
    main = main if isinstance(main, dict) else {}
    title = element.get("name") or element.get("alt")
    return Offer(
        seller_id=str(login),
        name=str(login),
        price=_amount(main.get("amount")),
        currency=main.get("currency") or ("PLN" if main.get("amount") else None),
        product_id=str(offer_id) if offer_id else None,
        title=clean_text(title) if isinstance(title, str) else None,
        badge=SUPER_SELLER if seller.get("superSeller") is True else None,
        url=page_url or (offer_url(str(offer_id)) if offer_id else None),
        seller_url=seller_url(str(login)),
    )


def _listing_state(html: str) -> Any:
    for script in LexborHTMLParser(html).css("script"):
        raw = script.text(deep=True)
        if _LISTING_STATE in raw:
            return _json_object(raw).get(_LISTING_STATE)
    raise ParseError(MARKETPLACE, "search", f"listing page without a {_LISTING_STATE} script")


def _search_total(html: str) -> int | None:
    for script in LexborHTMLParser(html).css("script[data-serialize-box-id]"):
        raw = script.text(deep=True)
        if '"searchMeta"' in raw:
            props = _json_object(raw).get("props")
            meta = props.get("searchMeta") if isinstance(props, dict) else None
            total = meta.get("totalCount") if isinstance(meta, dict) else None
            return total if isinstance(total, int) else None
    return None


def _company(tree: LexborHTMLParser) -> tuple[str | None, str | None, str | None, str | None]:
    """(business name, address, country, VAT id) from the "Dane sprzedającego" block."""
    heading = next((h for h in tree.css("h2, h3") if node_text(h) == "Dane sprzedającego"), None)
    block: LexborNode | None = heading.next if heading is not None else None
    while block is not None and block.tag == "-text":
        block = block.next
    if block is None:
        return None, None, None, None
    texts = [t for t in (node_text(p) for p in block.css("p, li")) if t]
    nip = next((t for t in texts if _NIP_LINE.match(t)), None)
    vat = vat_number(_NIP_LINE.sub("", nip), "PL") if nip else None  # a bare NIP is Poland's VAT id
    lines = [t for t in texts if not _REGISTRY_LINE.match(t)]
    if not lines:
        return None, None, None, vat
    country = COUNTRIES.get(lines[-1])
    address = lines[1:-1] if country else lines[1:]
    return lines[0], ", ".join(address) or None, country, vat


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


def _json_object(raw: str) -> dict[str, Any]:
    try:
        data = json.loads(raw)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _meta(tree: LexborHTMLParser, prop: str) -> str | None:
    node = tree.css_first(f'meta[property="{prop}"]')
    return clean_text(node.attributes.get("content")) if node is not None else None


def _amount(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    text = str(value).strip()
    # The machine amount of listing states and extracts ("92.98"): what r"\d+(?:\.\d+)?" fullmatches, tested
    # without a regex at a quarter of its cost (one call per search row).
    whole, dot, cents = text.partition(".")
    if whole.isdecimal() and (not dot or cents.isdecimal()):
        return Decimal(text)
    return parse_price(text, "PLN", decimal_comma=True)[0]
