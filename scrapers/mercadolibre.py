"""MercadoLibre: the public API's `/sites/{site}/search` results and `/users/{id}` profiles.

Reputation comes from `seller.seller_reputation`: `transactions.total` (completed + canceled sales,
`period` "historic") is reported as an exact sales_count; `metrics.sales.completed` over its `period`
("60 days") as recent_sales_count/recent_sales_days; `transactions.ratings.positive` is a fraction of rated
sales, reported ×100 as positive_pct. The API gives no count of ratings, so rating_count stays None.
A search result's category is its `category_id` with its `domain_id` ("MLA41925 TV_AND_MONITOR_MOUNTS").
The `/users/{id}` fixture follows the response documented at developers.mercadolibre.com.ar
("Consultas sobre el usuario").
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import unquote_plus, urlencode

from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import json_int
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.util import load_json

MARKETPLACE = "mercadolibre"
API_BASE = "https://api.mercadolibre.com"

_ITEM_ID = re.compile(r"^M[A-Z]{2}\d+$")
SITE_DOMAINS: dict[str, str] = {
    "MLA": "mercadolibre.com.ar",
    "MLB": "mercadolivre.com.br",
    "MLM": "mercadolibre.com.mx",
    "MLC": "mercadolibre.cl",
    "MCO": "mercadolibre.com.co",
    "MLU": "mercadolibre.com.uy",
    "MPE": "mercadolibre.com.pe",
}


def search_api_url(site: str, query: str, offset: int = 0, limit: int = 50) -> str:
    """`/sites/{site}/search` for a keyword query."""
    return f"{API_BASE}/sites/{site}/search?{urlencode({'q': query, 'offset': offset, 'limit': limit})}"


def seller_items_api_url(site: str, seller_id: int | str, offset: int = 0, limit: int = 50) -> str:
    """`/sites/{site}/search?seller_id=` — one seller's listings, each carrying its reputation."""
    params = {"seller_id": seller_id, "offset": offset, "limit": limit}
    return f"{API_BASE}/sites/{site}/search?{urlencode(params)}"


def user_api_url(user_id: int | str) -> str:
    """`/users/{id}`: a seller's public profile and reputation."""
    return f"{API_BASE}/users/{user_id}"


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of a MercadoLibre API response, or None when it is not one."""
    data = load_json(text)
    if not isinstance(data, dict):
        return None
    if url and "api.mercadolibre.com" in url and _is_refusal(data):
        return kind_from_url(url)  # claimed so parse() raises BlockedError
    if _is_search(data):
        return "search"
    if _is_user(data):
        return "seller"
    return None


def kind_from_url(url: str | None) -> str:
    """The kind of response a MercadoLibre API URL returns: /sites/…/search → search, /users/… → seller."""
    return "search" if url and "/search" in url else "seller"


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse a MercadoLibre API response of `kind` ("search" or "seller")."""
    data = load_json(text)
    if not isinstance(data, dict):
        raise ParseError(MARKETPLACE, kind, "not a JSON object from the MercadoLibre API")
    check_blocked(data)
    if kind == "search":
        records: list[Any] = parse_search(data)
    elif kind == "seller":
        records = [parse_user(data)]
    else:
        raise ParseError(MARKETPLACE, kind, "MercadoLibre parsers read only 'search' and 'seller' responses")
    site = data.get("site_id")
    domain = SITE_DOMAINS.get(site, site) if isinstance(site, str) else None
    return ParsedPage(marketplace=MARKETPLACE, kind=kind, records=records, site=domain)


def check_blocked(data: dict[str, Any]) -> None:
    """Raise BlockedError for the API's refusal bodies (forbidden / too many requests)."""
    if _is_refusal(data):
        raise BlockedError(MARKETPLACE, f"API refused the request ({data.get('message') or data.get('status')})")


def parse_search(data: dict[str, Any]) -> list[Offer]:
    """One Offer per search result, with the seller's reputation."""
    results = data.get("results")
    total = (data.get("paging") or {}).get("total") if isinstance(data.get("paging"), dict) else None
    if isinstance(results, list) and not results and total == 0:
        return []  # the API says plainly that nothing matched: an empty search, not a drifted one
    if not isinstance(results, list) or not results:
        raise ParseError(MARKETPLACE, "search", "search response with no results")
    offers = [_result_offer(r) for r in results if isinstance(r, dict) and isinstance(r.get("seller"), dict)]
    if not offers:
        raise ParseError(MARKETPLACE, "search", "no result carries a seller")
    return offers


def parse_user(user: dict[str, Any]) -> SellerProfile:
    """A SellerProfile from a `/users/{id}` response."""
    if user.get("id") is None or "seller_reputation" not in user:
        raise ParseError(MARKETPLACE, "seller", "user response without id/seller_reputation")
    reputation = user.get("seller_reputation") or {}
    transactions = reputation.get("transactions") or {}
    registered = user.get("registration_date")
    address = user.get("address") or {}
    return SellerProfile(
        seller_id=str(user["id"]),
        name=seller_name(user),
        positive_pct=_positive_pct(transactions),
        business_address=", ".join(str(v) for v in (address.get("city"), address.get("state")) if v) or None,
        country=user.get("country_id"),
        sales_count=json_int(transactions.get("total")),
        sales_count_exact=json_int(transactions.get("total")) is not None,
        recent_sales_count=_recent_sales(reputation)[0],
        recent_sales_days=_recent_sales(reputation)[1],
        created=registered[:10] if isinstance(registered, str) and len(registered) >= 10 else None,
        badge=reputation.get("power_seller_status"),
        url=user.get("permalink"),
    )


def seller_name(seller: dict[str, Any]) -> str | None:
    """The seller's nickname; search results of 2021 omit it, so the eshop name or profile link stands in."""
    if seller.get("nickname"):
        return str(seller["nickname"])
    eshop = seller.get("eshop") or {}
    if eshop.get("nick_name"):
        return str(eshop["nick_name"])
    permalink = seller.get("permalink")
    if isinstance(permalink, str) and "perfil." in permalink:
        return unquote_plus(permalink.rstrip("/").rsplit("/", 1)[-1]) or None
    return None


def _result_offer(result: dict[str, Any]) -> Offer:
    seller = result["seller"]
    reputation = seller.get("seller_reputation") or {}
    transactions = reputation.get("transactions") or {}
    country = ((result.get("seller_address") or {}).get("country") or {}).get("id")
    return Offer(
        seller_id=str(seller["id"]) if seller.get("id") is not None else None,
        name=seller_name(seller),
        positive_pct=_positive_pct(transactions),
        price=_decimal_or_none(result.get("price")),
        currency=result.get("currency_id"),
        is_platform=False,
        product_id=result.get("id"),
        title=(result.get("title") or "").strip() or None,
        sales_count=json_int(transactions.get("total")),
        badge=reputation.get("power_seller_status"),
        country=country,
        url=result.get("permalink"),
        seller_url=user_api_url(seller["id"]) if seller.get("id") is not None else None,
        category=_category(result),
        sales_count_exact=json_int(transactions.get("total")) is not None,
        recent_sales_count=_recent_sales(reputation)[0],
        recent_sales_days=_recent_sales(reputation)[1],
    )


def _category(result: dict[str, Any]) -> str | None:
    """`MLA41925 TV_AND_MONITOR_MOUNTS`: the result's category id and the domain it names (site prefix dropped)."""
    category, domain = result.get("category_id"), result.get("domain_id")
    if not isinstance(category, str) or not category:
        return None
    if isinstance(domain, str) and domain:
        return f"{category} {domain.split('-', 1)[-1]}"
    return category


def _recent_sales(reputation: dict[str, Any]) -> tuple[int | None, int | None]:
    """(recent sales, their days) from `metrics.sales` ({"period": "60 days", "completed": N}), where shown."""
    sales = (reputation.get("metrics") or {}).get("sales") or {}
    completed = json_int(sales.get("completed"))
    period = re.fullmatch(r"\s*(\d+)\s+(?:days?|d[ií]as)\s*", str(sales.get("period") or ""))
    if completed is None or period is None:
        return None, None
    return completed, int(period.group(1))


def _positive_pct(transactions: dict[str, Any]) -> float | None:
    positive = (transactions.get("ratings") or {}).get("positive")
    if not isinstance(positive, int | float) or isinstance(positive, bool) or not transactions.get("total"):
        return None
    return round(float(positive) * 100, 2)


def _is_refusal(data: dict[str, Any]) -> bool:
    return data.get("status") in (403, 429) or data.get("error") in ("forbidden", "too_many_requests")


def _is_search(data: dict[str, Any]) -> bool:
    results = data.get("results")
    if not isinstance(data.get("site_id"), str) or "paging" not in data or not isinstance(results, list):
        return False
    first = results[0] if results else None
    return first is None or (isinstance(first, dict) and bool(_ITEM_ID.match(str(first.get("id", "")))))


def _is_user(data: dict[str, Any]) -> bool:
    return isinstance(data.get("id"), int) and {"nickname", "seller_reputation", "site_id"} <= data.keys()


def _decimal_or_none(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None
