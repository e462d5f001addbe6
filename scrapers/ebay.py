"""eBay: Buy Browse and Finding API search responses; store pages (/str/), seller profiles (/usr/) and the seller
of a Browse getItem response (its sellerLegalInfo) are read by scrapers.ebay_seller."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode, urlparse

from scrapers.ebay_seller import MARKETPLACE, parse_item_seller, parse_seller_page
from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import json_int, parse_int, parse_percent
from scrapers.records import Offer, ParsedPage
from scrapers.util import clean_text, load_json

PARSER_VERSION = 1
BROWSE_SEARCH = "https://api.ebay.com/buy/browse/v1/item_summary/search"
BROWSE_ITEM = "https://api.ebay.com/buy/browse/v1/item/"
MARKETPLACE_HEADER = "X-EBAY-C-MARKETPLACE-ID"
MARKETPLACE_IDS: tuple[str, ...] = (
    "EBAY_US", "EBAY_GB", "EBAY_DE", "EBAY_FR", "EBAY_IT", "EBAY_ES", "EBAY_AU", "EBAY_CA", "EBAY_AT",
    "EBAY_CH", "EBAY_NL", "EBAY_BE", "EBAY_IE", "EBAY_PL", "EBAY_HK", "EBAY_SG", "EBAY_MOTORS_US",
)
TOP_RATED = "Top Rated"

_FINDING_ROOT = re.compile(r"^(findItems\w*|findCompletedItems|findItemsIneBayStores)Response$")
_EBAY_HOST = re.compile(r"(^|\.)ebay\.[a-z.]+$")
_BOT_WALL = ("Pardon Our Interruption", "/splashui/captcha", "<title>Security Measure</title>")
def browse_search_url(
    query: str, marketplace_id: str = "EBAY_US", limit: int = 50, offset: int = 0
) -> str:
    """Buy Browse `item_summary/search`; the marketplace travels in a header (see `browse_headers`)."""
    if marketplace_id not in MARKETPLACE_IDS:
        raise ValueError(f"unknown eBay marketplace id {marketplace_id!r}")
    if not 1 <= limit <= 200:
        raise ValueError("Browse search limit must be between 1 and 200")
    params: dict[str, str | int] = {"q": query, "limit": limit}
    if offset:
        params["offset"] = offset
    return f"{BROWSE_SEARCH}?{urlencode(params)}"


def browse_headers(marketplace_id: str = "EBAY_US") -> dict[str, str]:
    """The header that selects the Browse API's marketplace."""
    if marketplace_id not in MARKETPLACE_IDS:
        raise ValueError(f"unknown eBay marketplace id {marketplace_id!r}")
    return {MARKETPLACE_HEADER: marketplace_id}


def store_url(store: str, site: str = "ebay.com") -> str:
    """A store's front page (`/str/<store>`)."""
    return f"https://www.{site}/str/{quote(store, safe='')}"


@lru_cache(maxsize=4096)  # one call per record, and pages list a few sellers many times
def seller_url(username: str, site: str = "ebay.com") -> str:
    """A member's public profile (`/usr/<username>`)."""
    return f"https://www.{site}/usr/{quote(username, safe='')}"


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of an eBay page or API response, or None when it is not eBay's."""
    head = text.lstrip("\ufeff \t\r\n")[:1]
    if head in ("{", "["):
        return _detect_json(text)
    if _is_bot_wall(text, url):
        return kind_from_url(url)  # claimed so that parse() reports the bot wall, not "unknown page"
    if ("str-seller-card" in text or "str-about-description" in text) and ("ebay" in text.lower()):
        return "seller"
    return None


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse an eBay API response (kind "search") or store/profile page (kind "seller")."""
    site = _site(url)
    data = load_json(text)
    if data is None:
        check_blocked(text, url)
    if kind == "search":
        if not isinstance(data, dict):
            raise ParseError(MARKETPLACE, kind, "not a Browse or Finding API JSON response")
        return ParsedPage(MARKETPLACE, kind, list(parse_search_response(data)), site)
    if kind == "seller":
        if isinstance(data, dict) and "itemId" in data:
            return ParsedPage(MARKETPLACE, kind, [parse_item_seller(data)], site)
        if data is not None:
            raise ParseError(MARKETPLACE, kind, "expected a store or profile page, or a getItem response")
        return ParsedPage(MARKETPLACE, kind, [parse_seller_page(text, url)], site or _site_from_html(text))
    raise ParseError(MARKETPLACE, kind, "eBay pages Scout reads are 'search' (API) and 'seller'")


def check_blocked(text: str, url: str | None = None) -> None:
    """Raise BlockedError when the page is eBay's bot wall or captcha."""
    if _is_bot_wall(text, url):
        raise BlockedError(MARKETPLACE, "bot wall / captcha page (Pardon Our Interruption, splashui/captcha)")


def parse_search_response(data: dict[str, Any]) -> list[Offer]:
    """Offers from a Browse `item_summary/search` or a Finding `findItems*` response."""
    if "errors" in data:
        raise ParseError(MARKETPLACE, "search", f"API error: {_browse_error(data['errors'])}")
    if "itemSummaries" in data or "total" in data:
        return parse_browse_search(data)
    root = _finding_root(data)
    if root is not None:
        return parse_finding_search(root)
    raise ParseError(MARKETPLACE, "search", "neither itemSummaries (Browse) nor searchResult (Finding)")


def parse_browse_search(data: dict[str, Any]) -> list[Offer]:
    """Offers from Buy Browse `item_summary/search`; an explicit `"total": 0` is an empty search."""
    items = data.get("itemSummaries")
    if items is None:
        total, offset = data.get("total"), data.get("offset") or 0
        if isinstance(total, int) and (total == 0 or offset >= total):
            return []  # eBay omits itemSummaries when nothing matched or the page is past the end
        raise ParseError(MARKETPLACE, "search", "Browse response without itemSummaries")
    if not isinstance(items, list) or not items:
        raise ParseError(MARKETPLACE, "search", "Browse itemSummaries is empty although total > 0")
    return [_browse_offer(item, index) for index, item in enumerate(items)]


def parse_finding_search(root: dict[str, Any]) -> list[Offer]:
    """Offers from a Finding API response body (its values are arrays); needs outputSelector=SellerInfo."""
    ack = _first(root, "ack")
    if ack == "Failure":
        raise ParseError(MARKETPLACE, "search", f"API error: {_finding_error(root)}")
    result = _first(root, "searchResult")
    if not isinstance(result, dict):
        raise ParseError(MARKETPLACE, "search", "Finding response without searchResult")
    items = result.get("item") or []
    count = parse_int(str(result.get("@count", "")))
    if not items:
        if count == 0:
            return []
        raise ParseError(MARKETPLACE, "search", "Finding searchResult has no item although @count > 0")
    return [_finding_offer(item, index) for index, item in enumerate(items)]


def _browse_offer(item: dict[str, Any], index: int) -> Offer:
    seller = item.get("seller")
    if not isinstance(seller, dict) or not seller.get("username"):
        raise ParseError(MARKETPLACE, "search", f"itemSummaries[{index}] has no seller.username")
    money = item.get("price") or item.get("currentBidPrice") or {}
    location = item.get("itemLocation") or {}
    return Offer(
        seller_id=seller["username"],
        name=seller["username"],
        positive_pct=parse_percent(_str_or_none(seller.get("feedbackPercentage"))),
        rating_count=json_int(seller.get("feedbackScore")),
        price=_decimal(money.get("value")),
        currency=money.get("currency"),
        product_id=item.get("legacyItemId") or item.get("itemId"),
        title=clean_text(item.get("title")),
        # A Top Rated Plus listing requires a Top Rated seller; False says nothing either way.
        badge=TOP_RATED if item.get("topRatedBuyingExperience") is True else None,
        country=location.get("country"),  # where the item ships from
        url=item.get("itemWebUrl"),
        seller_url=seller_url(seller["username"]),
        category=_browse_category(item),
        is_company=_account_type(seller.get("sellerAccountType")),
    )


def _account_type(value: Any) -> bool | None:
    """True for a BUSINESS seller, False for an INDIVIDUAL one (EU and UK sites say which), else None."""
    return {"BUSINESS": True, "INDIVIDUAL": False}.get(value) if isinstance(value, str) else None


def _finding_offer(item: dict[str, Any], index: int) -> Offer:
    seller = _first(item, "sellerInfo")
    username = _first(seller, "sellerUserName")
    if not isinstance(seller, dict) or not username:
        raise ParseError(
            MARKETPLACE, "search", f"item[{index}] has no sellerInfo.sellerUserName (outputSelector=SellerInfo)"
        )
    price = _first(_first(item, "sellingStatus") or {}, "currentPrice") or {}
    return Offer(
        seller_id=username,
        name=username,
        positive_pct=parse_percent(_first(seller, "positiveFeedbackPercent")),
        rating_count=parse_int(_first(seller, "feedbackScore")),
        price=_decimal(price.get("__value__")),
        currency=price.get("@currencyId"),
        product_id=_first(item, "itemId"),
        title=clean_text(_first(item, "title")),
        badge=_finding_badge(seller),
        country=_first(item, "country"),
        url=_first(item, "viewItemURL"),
        seller_url=seller_url(username) if username else None,
        category=_finding_category(item),
    )


def _browse_category(item: dict[str, Any]) -> str | None:
    """The item's category path, top level first: `15032 Cell Phones & Accessories > 9355 Cell Phones & Smartphones`
    (Browse lists the leaf first, then its parents); the leaf ids alone when `categories` is missing."""
    path = [f"{c.get('categoryId')} {clean_text(c.get('categoryName')) or ''}".strip()
            for c in reversed(item.get("categories") or []) if isinstance(c, dict) and c.get("categoryId")]
    if not path:
        path = [str(c) for c in item.get("leafCategoryIds") or [] if c]
    return " > ".join(path) or None


def _finding_category(item: dict[str, Any]) -> str | None:
    """`33661 Oil Filters`: the Finding item's primaryCategory id and name."""
    primary = _first(item, "primaryCategory")
    category_id = _first(primary, "categoryId")
    if not category_id:
        return None
    return f"{category_id} {clean_text(_first(primary, 'categoryName')) or ''}".strip()


def _finding_badge(seller: dict[str, Any]) -> str | None:
    """`Top Rated` (topRatedSeller) and the feedback star colour, e.g. `Top Rated; Turquoise star`."""
    parts = []
    if _first(seller, "topRatedSeller") == "true":
        parts.append(TOP_RATED)
    star = _first(seller, "feedbackRatingStar")
    if star and star != "None":
        parts.append(f"{star} star")
    return "; ".join(parts) or None


def _finding_root(data: dict[str, Any]) -> dict[str, Any] | None:
    for key, value in data.items():
        if _FINDING_ROOT.match(key) and isinstance(value, list) and value and isinstance(value[0], dict):
            return value[0]
    if "ack" in data and "searchResult" in data:
        return data  # the response body without its `findItems…Response` wrapper
    return None


def _finding_error(root: dict[str, Any]) -> str:
    error = _first(_first(root, "errorMessage") or {}, "error") or {}
    message = _first(error, "message") or "unknown error"
    return f"{message} (errorId {_first(error, 'errorId')})"


def _browse_error(errors: Any) -> str:
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0]
        return f"{first.get('message') or first.get('longMessage') or 'unknown error'} (errorId {first.get('errorId')})"
    return "unknown error"


def _first(container: Any, key: str) -> Any:
    """A Finding API value (every value is a one-element array), or None."""
    if not isinstance(container, dict):
        return None
    value = container.get(key)
    if isinstance(value, list):
        return value[0] if value else None
    return value


def _detect_json(text: str) -> str | None:
    kind = _json_kind(load_json(text))
    # The markers are read after the shape: the parsed JSON is needed anyway, each marker is a scan of the text.
    if kind is None or not (
        any(marker in text for marker in ('"itemSummaries"', "api.ebay.com", '"sellerUserName"', '"ack"',
                                          '"sellerLegalInfo"', '"itemWebUrl"'))
        or ('"errorId"' in text and '"domain"' in text)
    ):
        return None
    return kind


def _json_kind(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if "itemSummaries" in data or "api.ebay.com/buy/browse" in str(data.get("href", "")):
        return "search"
    if "itemId" in data and isinstance(data.get("seller"), dict):
        return "seller"  # a getItem response: its seller, with sellerLegalInfo for a business seller
    if _finding_root(data) is not None:
        return "search"
    errors = data.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict) and "errorId" in errors[0] \
            and str(errors[0].get("domain", "")).startswith("API_"):
        return "search"
    return None


def _is_bot_wall(text: str, url: str | None) -> bool:
    if url and "/splashui/captcha" in url:
        return True
    head = text[:100_000]
    return any(marker in head for marker in _BOT_WALL) and ("ebay" in head.lower() or _site(url) is not None)


def kind_from_url(url: str | None) -> str:
    """The kind of an eBay URL: a Browse getItem call reads a seller, other API calls are searches, anything else
    a seller page."""
    if url and "/buy/browse/v1/item/" in url:
        return "seller"
    return "search" if url and "api.ebay.com" in url else "seller"


def item_url(item_id: str) -> str:
    """Buy Browse `item/{item_id}` (getItem) of a listing's legacy id: its seller's legal information."""
    return f"{BROWSE_ITEM}v1%7C{quote(item_id, safe='')}%7C0"


def _site(url: str | None) -> str | None:
    if not url:
        return None
    host = (urlparse(url).hostname or "").removeprefix("www.")
    return host if _EBAY_HOST.search(host) and not host.startswith("api.") else None


def _site_from_html(html: str) -> str | None:
    match = re.search(r'<link[^>]+rel="canonical"[^>]+href="https?://(?:www\.)?(ebay\.[a-z.]+)/', html)
    return match.group(1) if match else None


def _decimal(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)
