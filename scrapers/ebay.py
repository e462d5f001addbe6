"""eBay: Buy Browse and Finding API search responses, store pages (/str/) and seller profiles (/usr/).

Store and profile markup has no capture: the fixtures in tests/fixtures/ebay follow the 2024-25 selectors
public scrapers rely on (`.str-seller-card__store-name h1`, `.str-seller-card__store-stats-content > div`
with a `.BOLD` figure, `.str-about-description__seller-info > span` label/value rows,
`.str-business-details__seller-info`, `input.str-search__input[placeholder]`, `.fdbk-detail-list__title`).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import quote, urlencode, urlparse

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import json_int, parse_float, parse_int, parse_percent
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.util import clean_text, load_json, node_text

MARKETPLACE = "ebay"
PARSER_VERSION = 1
BROWSE_SEARCH = "https://api.ebay.com/buy/browse/v1/item_summary/search"
MARKETPLACE_HEADER = "X-EBAY-C-MARKETPLACE-ID"
MARKETPLACE_IDS: tuple[str, ...] = (
    "EBAY_US", "EBAY_GB", "EBAY_DE", "EBAY_FR", "EBAY_IT", "EBAY_ES", "EBAY_AU", "EBAY_CA", "EBAY_AT",
    "EBAY_CH", "EBAY_NL", "EBAY_BE", "EBAY_IE", "EBAY_PL", "EBAY_HK", "EBAY_SG", "EBAY_MOTORS_US",
)
TOP_RATED = "Top Rated"

_FINDING_ROOT = re.compile(r"^(findItems\w*|findCompletedItems|findItemsIneBayStores)Response$")
_EBAY_HOST = re.compile(r"(^|\.)ebay\.[a-z.]+$")
_BOT_WALL = ("Pardon Our Interruption", "/splashui/captcha", "<title>Security Measure</title>")
_COMPACT = re.compile(r"(\d[\d.,\u00a0\u202f ]*)(?:\s*(K|M|B|Tsd\.?|Mio\.?|Mrd\.?)(?![a-z]))?", re.IGNORECASE)
_MULTIPLIERS = {"k": 1_000, "tsd": 1_000, "m": 1_000_000, "mio": 1_000_000, "b": 10**9, "mrd": 10**9}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "apr": 4, "may": 5, "mai": 5, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}
_DATE_MDY = re.compile(r"([A-Za-zä]{3})[a-zä]*\.?\s+(\d{1,2}),?\s+(\d{4})")
_DATE_DMY = re.compile(r"(\d{1,2})\.?\s+([A-Za-zä]{3})[a-zä]*\.?\s+(\d{4})")
# Location names eBay prints on About tabs (English and German sites), as ISO codes.
_COUNTRIES = {
    "united states": "US", "vereinigte staaten": "US", "usa": "US", "germany": "DE", "deutschland": "DE",
    "united kingdom": "GB", "vereinigtes königreich": "GB", "großbritannien": "GB", "china": "CN",
    "hong kong": "HK", "hongkong": "HK", "canada": "CA", "kanada": "CA", "australia": "AU",
    "australien": "AU", "france": "FR", "frankreich": "FR", "italy": "IT", "italien": "IT",
    "spain": "ES", "spanien": "ES", "japan": "JP", "austria": "AT", "österreich": "AT",
    "switzerland": "CH", "schweiz": "CH", "netherlands": "NL", "niederlande": "NL", "poland": "PL",
    "polen": "PL",
}
_LABELS = {
    "location": ("location", "standort"),
    "member_since": ("member since", "mitglied seit"),
    "seller": ("seller", "verkäufer"),
    "business_name": ("business name", "firmenname", "name des unternehmens", "unternehmensname"),
    "address": ("address", "adresse", "anschrift"),
}


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
        if data is not None:
            raise ParseError(MARKETPLACE, kind, "expected a store or profile HTML page, got JSON")
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


def parse_seller_page(html: str, url: str | None = None) -> SellerProfile:
    """A store (`/str/`) or member profile (`/usr/`) page in the 2024-25 `str-*` layout."""
    tree = LexborHTMLParser(html)
    card = tree.css_first(".str-seller-card")
    if card is None:
        raise ParseError(MARKETPLACE, "seller", "no .str-seller-card (store / profile header)")
    name = node_text(card.css_first(".str-seller-card__store-name h1")) or node_text(
        card.css_first(".str-seller-card__store-name")
    )
    positive_pct, sales_count, followers = _card_stats(card)
    if name is None and positive_pct is None and sales_count is None:
        raise ParseError(MARKETPLACE, "seller", "seller card without a name or stats")
    about = _labelled_rows(tree.css(".str-about-description__seller-info > span"))
    business = _labelled_rows(tree.css(".str-business-details__seller-info > span"))
    location = about.get("location")
    search_box = tree.css_first("input.str-search__input")
    placeholder = search_box.attributes.get("placeholder") if search_box is not None else None
    feedback_score = parse_int(node_text(tree.css_first(".fdbk-detail-list__title .SECONDARY")))
    return SellerProfile(
        seller_id=about.get("seller") or _username(tree, url),
        name=name,
        positive_pct=positive_pct,
        rating_count=feedback_score,
        lifetime_rating_count=feedback_score,  # eBay's feedback score counts every rating ever received
        business_name=business.get("business_name"),
        business_address=business.get("address"),
        country=_country(location),
        sales_count=sales_count,
        listing_count=parse_int(placeholder),
        followers=followers,
        created=_iso_date(about.get("member_since")),
        url=url,
    )


def parse_compact_count(text: str | None) -> int | None:
    """A count eBay may abbreviate: `1.2M` → 1200000, `12K` → 12000, `1,2 Mio.` → 1200000, `12.345` → 12345."""
    if not text:
        return None
    match = _COMPACT.search(text)
    if match is None:
        return None
    number, suffix = match.group(1), match.group(2)
    if not suffix:
        return parse_int(number)
    value = parse_float(number)
    if value is None:
        return None
    return round(value * _MULTIPLIERS[suffix.lower().rstrip(".")])


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
    )


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
    )


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


def _card_stats(card: LexborNode) -> tuple[float | None, int | None, int | None]:
    positive_pct = sales_count = followers = None
    for row in card.css(".str-seller-card__store-stats-content > div"):
        text = (node_text(row) or "").lower()
        figure = node_text(row.css_first(".BOLD")) or text
        if "%" in text:
            positive_pct = parse_percent(figure)
        elif "sold" in text or "verkauft" in text:
            sales_count = parse_compact_count(figure)
        elif "follower" in text:
            followers = parse_compact_count(figure)
    return positive_pct, sales_count, followers


def _labelled_rows(rows: list[LexborNode]) -> dict[str, str]:
    """`Location: United States` rows (a `.SECONDARY` label span, a `.BOLD` value span) by field."""
    out: dict[str, str] = {}
    for row in rows:
        label = (node_text(row.css_first(".SECONDARY")) or "").rstrip(": ").lower()
        value = node_text(row.css_first(".BOLD"))
        for field, names in _LABELS.items():
            if value and label in names:
                out[field] = value
    return out


def _username(tree: LexborHTMLParser, url: str | None) -> str | None:
    if url:
        match = re.search(r"/usr/([^/?#]+)", url)
        if match:
            return match.group(1)
    for link in tree.css("a[href*='/usr/'], a[href*='feedback_profile/']"):
        match = re.search(r"(?:/usr/|feedback_profile/)([^/?#\"]+)", link.attributes.get("href") or "")
        if match:
            return match.group(1)
    return None


def _country(location: str | None) -> str | None:
    if not location:
        return None
    last = location.rsplit(",", 1)[-1].strip()
    return _COUNTRIES.get(last.lower(), last)  # unknown names are kept as printed


def _iso_date(text: str | None) -> str | None:
    """`Jan 05, 2005` / `05. Jan. 2005` as `2005-01-05`."""
    if not text:
        return None
    match = _DATE_MDY.search(text)
    if match:
        month, day, year = match.group(1), match.group(2), match.group(3)
    else:
        match = _DATE_DMY.search(text)
        if match is None:
            return None
        day, month, year = match.group(1), match.group(2), match.group(3)
    number = _MONTHS.get(month.lower())
    return f"{year}-{number:02d}-{int(day):02d}" if number else None


def _detect_json(text: str) -> str | None:
    kind = _json_kind(load_json(text))
    # The markers are read after the shape: the parsed JSON is needed anyway, each marker is a scan of the text.
    if kind is None or not (
        any(marker in text for marker in ('"itemSummaries"', "api.ebay.com", '"sellerUserName"', '"ack"'))
        or ('"errorId"' in text and '"domain"' in text)
    ):
        return None
    return kind


def _json_kind(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    if "itemSummaries" in data or "api.ebay.com/buy/browse" in str(data.get("href", "")):
        return "search"
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
    """The kind of an eBay URL: Browse/Finding API calls are searches, anything else a seller page."""
    return "search" if url and "api.ebay.com" in url else "seller"


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
