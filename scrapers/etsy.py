"""Etsy: Open API v3 shops and listings, shop pages' JSON-LD, and search-result extracts.

Open API shapes follow Etsy's published v3 reference (`getShop`, `findShops`, `findAllListingsActive`);
no live API capture exists, so the fixtures in tests/fixtures/etsy are built from that reference.
Shop pages carry a schema.org ItemList whose Products name the shop as `brand`; search extracts are the
rows scrapfly's etsy-scraper writes from search-result cards (`productLink`, `seller`, `productRate`, ...).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode

import msgspec
from selectolax.lexbor import LexborHTMLParser

from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import detect_currency, json_int, parse_int
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.util import JsonShape, any_or_array_of, array_of, load_json

MARKETPLACE = "etsy"
SITE = "etsy.com"
API_BASE = "https://openapi.etsy.com/v3/application"
WEB_BASE = "https://www.etsy.com"

_LISTING_ID = re.compile(r"/listing/(\d+)")
_SHOP_PATH = re.compile(r"etsy\.com/shop/([^/?#\"]+)")
_ITEMLIST = re.compile(r'"@type"\s*:\s*"ItemList"')
_ETSY_HOST = re.compile(r"\betsy\.com\b", re.IGNORECASE)
_SALES = re.compile(r"(\d[\d,]*)\s+Sales\b")
_SHOP_RATING = re.compile(r"(\d(?:\.\d+)?) out of 5 stars\s*\((\d[\d,]*)\)")
_BOT_WALL = ("captcha-delivery.com", "Please enable JS and disable any ad blocker")
_SEARCH_ROW_KEYS = {"productLink", "seller", "productRate", "numberOfReviews"}


class SearchRow(msgspec.Struct, gc=False):
    """The fields Scout reads from a search-result row (scrapfly's etsy-scraper output)."""

    seller: Any = None
    productLink: Any = None  # noqa: N815 - the extract's own key
    productTitle: Any = None  # noqa: N815
    productRate: Any = None  # noqa: N815
    numberOfReviews: Any = None  # noqa: N815
    productPrice: Any = None  # noqa: N815
    priceCurrency: Any = None  # noqa: N815


class Listing(msgspec.Struct, gc=False):
    """The fields Scout reads from an Open API v3 Listing."""

    shop_id: Any = None
    listing_id: Any = None
    price: Any = None
    title: Any = None
    url: Any = None
    taxonomy_id: Any = None


class ListingsResponse(msgspec.Struct, gc=False):
    """A `findAllListingsActive` response: `{"count", "results": [Listing, ...]}`."""

    results: any_or_array_of(Listing) | msgspec.UnsetType = msgspec.UNSET  # type: ignore[valid-type]


_SEARCH: JsonShape[ListingsResponse | list[Any]] = JsonShape(ListingsResponse | array_of(SearchRow))


def shop_api_url(shop_id: int | str) -> str:
    """Open API v3 `getShop` for one shop id."""
    return f"{API_BASE}/shops/{shop_id}"


def find_shops_url(name: str, limit: int = 25, offset: int = 0) -> str:
    """Open API v3 `findShops` by shop name."""
    return f"{API_BASE}/shops?{urlencode({'shop_name': name, 'limit': limit, 'offset': offset})}"


def listings_active_url(keywords: str, limit: int = 100, offset: int = 0) -> str:
    """Open API v3 `findAllListingsActive` for a keyword search."""
    return f"{API_BASE}/listings/active?{urlencode({'keywords': keywords, 'limit': limit, 'offset': offset})}"


@lru_cache(maxsize=4096)  # one call per record, and pages list a few sellers many times
def shop_url(shop_name: str) -> str:
    """The public shop page, whose JSON-LD lists the shop's items."""
    return f"{WEB_BASE}/shop/{quote(shop_name)}"


def search_url(query: str, page: int = 1) -> str:
    """The public search page."""
    params = {"q": query} if page == 1 else {"q": query, "page": page}
    return f"{WEB_BASE}/search?{urlencode(params)}"


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of an Etsy page or API response, or None when it is not Etsy's."""
    data = load_json(text)
    if data is not None:
        return _detect_json(data)
    head = text[:200_000]
    if _is_bot_wall(head) and (_ETSY_HOST.search(head) or (url and _ETSY_HOST.search(url))):
        return kind_from_url(url)  # claimed so that parse() reports the bot wall, not "unknown page"
    if _ITEMLIST.search(text) and "application/ld+json" in text and "etsy.com/shop/" in text:
        return "seller"
    return None


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse an Etsy page or API response of `kind` ("seller" or "search")."""
    if kind == "search":
        records: list[Any] = _search_offers(text)
    elif kind == "seller":
        records = _seller_profiles(text, url)
    else:
        raise ParseError(MARKETPLACE, kind, "Etsy parsers read only 'seller' and 'search' pages")
    return ParsedPage(marketplace=MARKETPLACE, kind=kind, records=records, site=SITE)


def _search_offers(text: str) -> list[Offer]:
    search = _SEARCH.load(text)
    if search is None:
        check_blocked(text)
    if isinstance(search, list):
        return parse_search_extract(search)
    if isinstance(search, ListingsResponse) and search.results is not msgspec.UNSET:
        return parse_listings_api(search)
    raise ParseError(MARKETPLACE, "search", "neither search-result rows nor a listings API response")


def _seller_profiles(text: str, url: str | None) -> list[SellerProfile]:
    data = load_json(text)
    if data is None:
        check_blocked(text)
        return [parse_shop_page(text, url)]
    if isinstance(data, list):
        return parse_shop_itemlists(data)
    if isinstance(data, dict) and "results" in data:
        return parse_find_shops(data)
    if isinstance(data, dict):
        return [parse_shop_api(data)]
    raise ParseError(MARKETPLACE, "seller", "neither a shop API response nor shop JSON-LD")


def check_blocked(text: str) -> None:
    """Raise BlockedError when the page is Etsy's DataDome bot wall."""
    if _is_bot_wall(text[:200_000]):
        raise BlockedError(MARKETPLACE, "DataDome captcha page (captcha-delivery.com)")


def parse_shop_api(shop: dict[str, Any]) -> SellerProfile:
    """A SellerProfile from one Open API v3 Shop object (`getShop`, or an item of `findShops`)."""
    shop_id, name = shop.get("shop_id"), shop.get("shop_name")
    if shop_id is None or not name:
        raise ParseError(MARKETPLACE, "seller", "Shop object without shop_id/shop_name")
    created = shop.get("create_date") or shop.get("created_timestamp")
    return SellerProfile(
        seller_id=str(shop_id),
        name=str(name),
        rating_count=json_int(shop.get("review_count")),
        rating_window_days=365,  # the API's review_count and review_average cover the past year
        country=shop.get("shipping_from_country_iso") or shop.get("shop_location_country_iso"),
        stars=_float_or_none(shop.get("review_average")),
        sales_count=json_int(shop.get("transaction_sold_count")),
        sales_count_exact=shop.get("transaction_sold_count") is not None,
        listing_count=json_int(shop.get("listing_active_count")),
        followers=json_int(shop.get("num_favorers")),
        created=_iso_date(created),
        url=str(shop.get("url") or shop_url(str(name))).split("?")[0],
    )


def parse_find_shops(data: dict[str, Any]) -> list[SellerProfile]:
    """SellerProfiles from a `findShops` response (`{"count", "results": [Shop, ...]}`)."""
    results = data.get("results")
    if not isinstance(results, list) or not results:
        raise ParseError(MARKETPLACE, "seller", "findShops response with no results")
    return [parse_shop_api(shop) for shop in results if isinstance(shop, dict)]


def parse_shop_itemlists(itemlists: list[Any]) -> list[SellerProfile]:
    """One SellerProfile per shop-page ItemList in a JSON array of them."""
    lists = [d for d in itemlists if isinstance(d, dict) and d.get("@type") == "ItemList"]
    if not lists:
        raise ParseError(MARKETPLACE, "seller", "no schema.org ItemList in the JSON array")
    return [parse_shop_itemlist(d) for d in lists]


def parse_shop_itemlist(itemlist: dict[str, Any], url: str | None = None) -> SellerProfile:
    """A SellerProfile from a shop page's ItemList: the shop is the Products' brand."""
    brands = Counter(
        brand["name"]
        for element in itemlist.get("itemListElement") or []
        if isinstance(element, dict)
        for brand in [(element.get("item") or {}).get("brand") or {}]
        if isinstance(brand, dict) and brand.get("name")
    )
    page_url = itemlist.get("url") or url
    path = _SHOP_PATH.search(page_url or "")
    name = brands.most_common(1)[0][0] if brands else (path.group(1) if path else None)
    if not name:
        raise ParseError(MARKETPLACE, "seller", "ItemList names no shop (no brand.name, no /shop/ url)")
    return SellerProfile(
        seller_id=name,
        name=name,
        listing_count=json_int(itemlist.get("numberOfItems")),
        url=page_url or shop_url(name),
    )


def parse_shop_page(html: str, url: str | None = None) -> SellerProfile:
    """A SellerProfile from a whole shop page: its ItemList JSON-LD plus the header's rating and sales."""
    tree = LexborHTMLParser(html)
    itemlist = None
    for script in tree.css('script[type="application/ld+json"]'):
        for obj in _jsonld_objects(script.text(deep=True)):
            if obj.get("@type") == "ItemList":
                itemlist = obj
                break
        if itemlist is not None:
            break
    if itemlist is None:
        raise ParseError(MARKETPLACE, "seller", "shop page without an ItemList JSON-LD")
    profile = parse_shop_itemlist(itemlist, url)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    header = tree.body.text(separator=" ") if tree.body else ""
    sales, rating = _SALES.search(header), _SHOP_RATING.search(header)
    return msgspec.structs.replace(
        profile,
        stars=float(rating.group(1)) if rating else None,
        rating_count=parse_int(rating.group(2)) if rating else None,
        sales_count=parse_int(sales.group(1)) if sales else None,
        sales_count_exact=sales is not None,
    )


def parse_search_extract(rows: list[Any]) -> list[Offer]:
    """Offers from search-result rows (seller, productRate, numberOfReviews, productPrice, ...)."""
    offers = []
    for row in rows:
        if not isinstance(row, SearchRow) or not row.seller:
            continue
        link = row.productLink or ""
        listing = _LISTING_ID.search(link)
        seller = str(row.seller)
        offers.append(
            Offer(
                seller_id=seller,
                name=seller,
                rating_count=json_int(row.numberOfReviews),
                price=_decimal_or_none(row.productPrice),
                currency=detect_currency(row.priceCurrency, "USD"),
                product_id=listing.group(1) if listing else None,
                title=row.productTitle,
                stars=_float_or_none(row.productRate),
                url=link or None,
                seller_url=shop_url(seller),
            )
        )
    if not offers:
        raise ParseError(MARKETPLACE, "search", "no search-result row names a seller")
    return offers


def parse_listings_api(response: ListingsResponse) -> list[Offer]:
    """Offers from `findAllListingsActive`; listings carry the shop_id but not the shop's name."""
    results = response.results
    if not isinstance(results, list) or not results:
        raise ParseError(MARKETPLACE, "search", "listings response with no results")
    offers = []
    for listing in results:
        if not isinstance(listing, Listing) or listing.shop_id is None:
            continue
        price = listing.price if isinstance(listing.price, dict) else {}
        offers.append(
            Offer(
                seller_id=str(listing.shop_id),
                name=None,
                price=_money(price),
                currency=price.get("currency_code"),
                product_id=str(listing.listing_id) if listing.listing_id else None,
                title=listing.title,
                url=listing.url,
                seller_url=shop_api_url(listing.shop_id),
                category=str(listing.taxonomy_id) if isinstance(listing.taxonomy_id, int) else None,
            )
        )
    if not offers:
        raise ParseError(MARKETPLACE, "search", "no listing carries a shop_id")
    return offers


def _detect_json(data: Any) -> str | None:
    if isinstance(data, dict):
        if {"shop_id", "shop_name"} <= data.keys() and (
            "transaction_sold_count" in data or "listing_active_count" in data
        ):
            return "seller"
        results = data.get("results")
        if "count" in data and isinstance(results, list) and results and isinstance(results[0], dict):
            first = results[0]
            if {"shop_id", "shop_name", "listing_active_count"} <= first.keys():
                return "seller"
            if {"listing_id", "shop_id", "price"} <= first.keys() and isinstance(first["price"], dict):
                return "search"
        return None
    if isinstance(data, list) and data and isinstance(data[0], dict):
        first = data[0]
        if _SEARCH_ROW_KEYS <= first.keys() and "etsy.com/listing" in str(first.get("productLink")):
            return "search"
        if first.get("@type") == "ItemList" and _serialised_head_contains(first, "etsy.com/", 20_000):
            return "seller"
    return None


def _serialised_head_contains(value: Any, needle: str, limit: int) -> bool:
    """`needle in json.dumps(value)[:limit]`, serialising only as far as it takes to tell."""
    head = ""
    for chunk in json.JSONEncoder().iterencode(value):
        head += chunk
        if needle in head[-len(chunk) - len(needle):]:
            return head.find(needle) + len(needle) <= limit
        if len(head) >= limit:
            return False
    return False


def kind_from_url(url: str | None) -> str:
    """The kind of an Etsy URL: searches and active-listing calls are searches, anything else a shop."""
    return "search" if url and ("/search" in url or "/listings/active" in url) else "seller"


def _is_bot_wall(text: str) -> bool:
    return any(marker in text for marker in _BOT_WALL)


def _jsonld_objects(raw: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(raw)
    except ValueError:
        return []
    items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
    return [item for item in items if isinstance(item, dict)]


def _iso_date(epoch: Any) -> str | None:
    if not isinstance(epoch, int | float) or isinstance(epoch, bool) or epoch <= 0:
        return None
    return datetime.fromtimestamp(epoch, tz=UTC).date().isoformat()


def _money(price: dict[str, Any]) -> Decimal | None:
    amount, divisor = price.get("amount"), price.get("divisor")
    if not isinstance(amount, int) or not isinstance(divisor, int) or divisor <= 0:
        return None
    places = len(str(divisor)) - 1
    if divisor == 10**places:
        return Decimal(amount).scaleb(-places)  # keeps the cents: 2500/100 -> 25.00
    return Decimal(amount) / Decimal(divisor)


def _float_or_none(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _decimal_or_none(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
