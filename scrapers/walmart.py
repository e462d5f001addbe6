"""Walmart: search and seller pages through their `__NEXT_DATA__` JSON, scraper extracts, Affiliate API v1.

Search pages keep their results at `props.pageProps.initialData.searchResult.itemStacks[*].items[*]`
(as scrapfly's walmart-scraper reads them). The seller page has no capture: its fixture follows the seller
fields Walmart's product JSON uses (`sellerId`, `catalogSellerId`, `sellerName`, `sellerDisplayName`,
`sellerAverageRating`, `sellerReviewCount`, `hasSellerBadge`) under `props.pageProps.initialData.data.seller`, with
the contact fields seller pages show (address1/city/state/zip/country, csPhone, csEmail, the website where given).

`averageRating`/`numberOfReviews` (pages) and `customerRating`/`numReviews` (Affiliate API) rate the item,
not its seller, so offers leave their seller figures empty; `parse_item_ratings` returns them per item.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote, urlencode

from selectolax.lexbor import LexborHTMLParser

from scrapers.contacts import ContactFields
from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import json_int, parse_price, parse_stars
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.util import clean_text, load_json

MARKETPLACE = "walmart"
_CONTACT_KEYS = {"phone": ("csPhone", "phone", "customerServicePhone"),
                 "email": ("csEmail", "email", "customerServiceEmail"),
                 "website": ("sellerWebsite", "website", "websiteUrl")}
PARSER_VERSION = 1
SITE = "walmart.com"
WEB_BASE = "https://www.walmart.com"
WALMART_SELLER_ID = "F55CDC31AB754BB68FE0B39041159D63"
WALMART_SELLER_NAME = "Walmart.com"
PRO_SELLER = "Pro Seller"

_NEXT_PAGE = re.compile(r'"page"\s*:\s*"(/[^"]*)"\s*,\s*"query"')  # Next.js's top-level route
_BOT_WALL = ("Robot or human?", 'id="px-captcha"', "/blocked?url=")
_SEARCH_PATH = "props.pageProps.initialData.searchResult.itemStacks"
_SELLER_PATH = "props.pageProps.initialData.data.seller"


def search_url(query: str, page: int = 1) -> str:
    """The public search page."""
    params: dict[str, str | int] = {"q": query} if page == 1 else {"q": query, "page": page}
    return f"{WEB_BASE}/search?{urlencode(params)}"


def seller_url(seller_id: str) -> str:
    """A seller's page; Walmart addresses it by the numeric catalog seller id (`catalogSellerId`)."""
    return f"{WEB_BASE}/seller/{quote(str(seller_id), safe='')}"


def item_url(us_item_id: str) -> str:
    """A product page by its `usItemId`."""
    return f"{WEB_BASE}/ip/{quote(str(us_item_id), safe='')}"


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of a Walmart page, extract or API response, or None when it is not Walmart's."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in ("{", "["):
        # The shape first: the parsed JSON is needed anyway, each marker is a scan of the whole text.
        kind = _detect_json(load_json(text))
        markers = ('"usItemId"', '"salePrice"', '"responseGroup"')
        return kind if kind is not None and any(marker in text for marker in markers) else None
    if _is_bot_wall(text, url):
        return kind_from_url(url)  # claimed so that parse() reports the bot wall, not "unknown page"
    if "__NEXT_DATA__" not in text or not ("walmart" in text.lower() or (url and "walmart." in url)):
        return None
    page = _NEXT_PAGE.search(text)
    route = page.group(1) if page else ""
    if route.startswith("/seller") or (not route and url and "/seller/" in url):
        return "seller"
    if route.startswith(("/search", "/browse", "/cp")) or '"searchResult"' in text:
        return "search"
    return None


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse a Walmart search result (kind "search") or seller page (kind "seller")."""
    data = load_json(text)
    if data is None:
        check_blocked(text, url)
    if kind == "search":
        if isinstance(data, list):
            records = parse_search_items(data)
        elif isinstance(data, dict):
            records = parse_affiliate_search(data)
        else:
            records = parse_search_page(text)
        return ParsedPage(MARKETPLACE, kind, list(records), SITE)
    if kind == "seller":
        if data is not None:
            raise ParseError(MARKETPLACE, kind, "expected a seller HTML page, got JSON")
        return ParsedPage(MARKETPLACE, kind, [parse_seller_page(text, url)], SITE)
    raise ParseError(MARKETPLACE, kind, "Walmart pages Scout reads are 'search' and 'seller'")


def check_blocked(text: str, url: str | None = None) -> None:
    """Raise BlockedError when the page is Walmart's PerimeterX bot wall."""
    if _is_bot_wall(text, url):
        raise BlockedError(MARKETPLACE, "PerimeterX bot wall ('Robot or human?', px-captcha, /blocked)")


def parse_search_page(html: str) -> list[Offer]:
    """Offers from a search page's `__NEXT_DATA__`; an explicit zero result count is an empty search."""
    data = _next_data(html, "search")
    result = _dig(data, "props", "pageProps", "initialData", "searchResult")
    stacks = result.get("itemStacks") if isinstance(result, dict) else None
    if not isinstance(stacks, list):
        raise ParseError(MARKETPLACE, "search", f"__NEXT_DATA__ has no {_SEARCH_PATH}")
    items = [item for stack in stacks if isinstance(stack, dict) for item in stack.get("items") or []]
    if not any(_is_product(item) for item in items) and _result_count(result, stacks) == 0:
        return []
    return parse_search_items(items)


def parse_search_items(items: list[Any]) -> list[Offer]:
    """Offers from search-result item objects (a page's itemStacks items, or a scraper's list of them)."""
    products = [item for item in items if _is_product(item)]
    if not products:
        raise ParseError(MARKETPLACE, "search", "no product items (usItemId) among the search results")
    if not any(item.get("sellerName") or item.get("sellerId") for item in products):
        raise ParseError(MARKETPLACE, "search", "no sellerName/sellerId on any search item")
    return [_item_offer(item) for item in products]


def parse_affiliate_search(data: dict[str, Any]) -> list[Offer]:
    """Offers from an Affiliate (Open) API v1 search; items without sellerInfo are sold by Walmart itself."""
    if "errors" in data:
        raise ParseError(MARKETPLACE, "search", f"API error: {_api_error(data['errors'])}")
    items = data.get("items")
    if not items:
        if data.get("totalResults") == 0 or data.get("numItems") == 0:
            return []
        raise ParseError(MARKETPLACE, "search", "Affiliate API response without items")
    if not all(isinstance(item, dict) and "itemId" in item for item in items):
        raise ParseError(MARKETPLACE, "search", "Affiliate API items without itemId")
    return [_affiliate_offer(item) for item in items]


def parse_seller_page(html: str, url: str | None = None) -> SellerProfile:
    """A seller page (`/seller/<id>`) from its `__NEXT_DATA__`."""
    data = _next_data(html, "seller")
    initial = _dig(data, "props", "pageProps", "initialData")
    seller = _dig(initial, "data", "seller") or _dig(initial, "seller")
    if not isinstance(seller, dict):
        raise ParseError(MARKETPLACE, "seller", f"__NEXT_DATA__ has no {_SELLER_PATH}")
    name = clean_text(seller.get("sellerDisplayName") or seller.get("sellerName") or seller.get("displayName"))
    seller_id = seller.get("sellerId") or seller.get("catalogSellerId")
    if not name and not seller_id:
        raise ParseError(MARKETPLACE, "seller", "seller object without a name or id")
    return SellerProfile(
        seller_id=str(seller_id) if seller_id else None,
        name=name,
        rating_count=json_int(seller.get("sellerReviewCount")),
        stars=parse_stars(_str_or_none(seller.get("sellerAverageRating"))),
        badge=PRO_SELLER if seller.get("hasSellerBadge") is True else None,
        url=url or (seller_url(seller["catalogSellerId"]) if seller.get("catalogSellerId") else None),
        **_contacts(seller),
    )


def _contacts(seller: dict[str, Any]) -> dict[str, Any]:
    """The seller's contact fields, each labelled by the JSON key it came from: the registered name and address
    (the US INFORM Consumers Act's disclosure), the customer-service phone and e-mail, the website where shown."""
    fields = ContactFields()
    nested = seller.get("address")
    address: dict[str, Any] = nested if isinstance(nested, dict) else seller
    prefix = "address." if isinstance(nested, dict) else ""
    fields.add("business_name", seller.get("sellerName"), "sellerName")
    fields.add("business_address", _address(address), f"{prefix}address1")
    fields.add("country", address.get("country"), f"{prefix}country")
    for attribute, keys in _CONTACT_KEYS.items():
        key = next((k for k in keys if isinstance(seller.get(k), str) and seller[k].strip()), None)
        if key is not None:
            fields.add(attribute, seller[key], key)
    return fields.profile_fields()


def parse_item_ratings(text: str) -> dict[str, tuple[float | None, int | None]]:
    """Each item's own (stars, review count) by product id, from any search shape this module reads."""
    data = load_json(text)
    if isinstance(data, dict):
        return {
            str(item["itemId"]): (parse_stars(_str_or_none(item.get("customerRating"))),
                                  json_int(item.get("numReviews")))
            for item in data.get("items") or [] if isinstance(item, dict) and "itemId" in item
        }
    if data is None:
        stacks = _dig(_next_data(text, "search"), "props", "pageProps", "initialData", "searchResult", "itemStacks")
        data = [item for stack in stacks or [] if isinstance(stack, dict) for item in stack.get("items") or []]
    return {str(item["usItemId"]): _page_item_rating(item) for item in data if _is_product(item)}


def _page_item_rating(item: dict[str, Any]) -> tuple[float | None, int | None]:
    count = json_int(item.get("numberOfReviews"))
    stars = parse_stars(_str_or_none(item.get("averageRating")))
    return (stars if count else None), count  # an unreviewed item shows averageRating 0


def _item_offer(item: dict[str, Any]) -> Offer:
    seller_id = item.get("sellerId") or None
    name = clean_text(item.get("sellerName"))
    price, currency = _item_price(item)
    canonical = item.get("canonicalUrl")
    platform = _is_walmart(seller_id, name)
    catalog_id = str(item.get("catalogSellerId") or "")
    return Offer(
        seller_id=seller_id,
        name=name,
        price=price,
        currency=currency,
        is_platform=platform,
        product_id=str(item["usItemId"]),
        title=clean_text(item.get("name")),
        badge=PRO_SELLER if item.get("hasSellerBadge") is True else None,
        url=f"{WEB_BASE}{canonical}" if isinstance(canonical, str) and canonical.startswith("/") else canonical,
        # Walmart's own items carry catalogSellerId "0"; sellers' pages are addressed by the number.
        seller_url=seller_url(catalog_id) if catalog_id.isdigit() and catalog_id != "0" and not platform else None,
        category=_page_category(item.get("category")),
    )


def _affiliate_offer(item: dict[str, Any]) -> Offer:
    seller = clean_text(item.get("sellerInfo"))
    own = seller is None and item.get("marketplace") is False
    return Offer(
        seller_id=WALMART_SELLER_ID if own or _is_walmart(None, seller) else None,  # v1 gives no seller ids
        name=WALMART_SELLER_NAME if own else seller,
        price=_decimal(item.get("salePrice")),
        currency="USD" if item.get("salePrice") is not None else None,
        is_platform=own or _is_walmart(None, seller),
        product_id=str(item["itemId"]),
        title=clean_text(item.get("name")),
        url=item_url(item["itemId"]),
        category=_affiliate_category(item),
    )


def _page_category(category: Any) -> str | None:
    """A search item's department path: `3944 > 1089430 > 3951` from `categoryPathId` ("0:3944:1089430:3951",
    the root 0 dropped), with each level's name where `path` lists them."""
    if not isinstance(category, dict):
        return None
    ids = [part for part in str(category.get("categoryPathId") or "").split(":") if part and part != "0"]
    names = [clean_text(p.get("name")) for p in category.get("path") or [] if isinstance(p, dict)]
    if ids and len(names) == len(ids):
        return " > ".join(f"{i} {n}" if n else i for i, n in zip(ids, names, strict=True))
    return " > ".join(ids) or (" > ".join(n for n in names if n) or None)


def _affiliate_category(item: dict[str, Any]) -> str | None:
    """`1105910 Cell Phones > 1231203 Shop Phones by Operating System > …` from `categoryNode` ("1105910_1231203_…")
    and `categoryPath` ("Cell Phones/Shop Phones by Operating System/…")."""
    ids = [part for part in str(item.get("categoryNode") or "").split("_") if part]
    names = [part for part in str(item.get("categoryPath") or "").split("/") if part]
    if ids and len(ids) == len(names):
        return " > ".join(f"{i} {n}" for i, n in zip(ids, names, strict=True))
    return " > ".join(ids or names) or None


def _item_price(item: dict[str, Any]) -> tuple[Decimal | None, str | None]:
    info = item.get("priceInfo")
    if not isinstance(info, dict):
        info = {}
    for key in ("linePrice", "itemPrice"):
        if info.get(key):
            return parse_price(info[key], "USD")
    price = item.get("price")
    if isinstance(price, int | float) and not isinstance(price, bool) and price > 0:
        return _decimal(price), "USD"
    return None, None  # Walmart writes 0 and "" where it shows no price


def _is_walmart(seller_id: str | None, name: str | None) -> bool:
    return seller_id == WALMART_SELLER_ID or name == WALMART_SELLER_NAME


def _is_product(item: Any) -> bool:
    return isinstance(item, dict) and bool(item.get("usItemId")) and item.get("__typename", "Product") == "Product"


def _result_count(result: dict[str, Any], stacks: list[Any]) -> int | None:
    count = result.get("aggregatedCount")
    if isinstance(count, int):
        return count
    totals = [_dig(stack, "meta", "totalItemCount") for stack in stacks]
    return sum(totals) if totals and all(isinstance(t, int) for t in totals) else None


def _next_data(html: str, kind: str) -> Any:
    node = LexborHTMLParser(html).css_first("script#__NEXT_DATA__")
    data = load_json(node.text() if node is not None else "")
    if data is None:
        raise ParseError(MARKETPLACE, kind, "no readable <script id=__NEXT_DATA__> JSON")
    return data


def _dig(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _address(seller: dict[str, Any]) -> str | None:
    parts = [seller.get(key) for key in ("address1", "address2", "city")]
    region = " ".join(str(p) for p in (seller.get("state"), seller.get("zip") or seller.get("postalCode")) if p)
    parts += [region, seller.get("country")]
    return ", ".join(str(p).strip() for p in parts if p and str(p).strip()) or None


def _api_error(errors: Any) -> str:
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        return f"{errors[0].get('message') or 'unknown error'} (code {errors[0].get('code')})"
    return "unknown error"


def _detect_json(data: Any) -> str | None:
    if isinstance(data, list):
        return "search" if any(_is_product(item) for item in data) else None
    if isinstance(data, dict) and isinstance(data.get("items"), list) and ("query" in data or "totalResults" in data):
        items = data["items"]
        if items and all(isinstance(i, dict) and "itemId" in i and "salePrice" in i for i in items):
            return "search"
        if not items and data.get("totalResults") == 0 and "responseGroup" in data:
            return "search"  # an empty Affiliate API search
    return None


def _is_bot_wall(text: str, url: str | None) -> bool:
    if url and "walmart." in url and "/blocked" in url:
        return True
    head = text[:100_000]
    return any(marker in head for marker in _BOT_WALL) and "walmart" in head.lower()


def kind_from_url(url: str | None) -> str:
    """The kind of a Walmart URL: /seller/ pages are sellers, anything else a search."""
    return "seller" if url and "/seller/" in url else "search"


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
