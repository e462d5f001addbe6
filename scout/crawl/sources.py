"""What each marketplace's crawl starts from and how one page leads to the next.

Amazon: best-seller lists → product pages → `/sp?seller=` profiles (robots.txt disallows offer listings).
eBay: Browse API searches → seller profile pages.  Etsy: Open API listing searches → shop API.
MercadoLibre: search API → users API.  Walmart, Allegro: search pages → seller pages.  Cdiscount: search
results → offer pages → shop pages.  Official APIs are used wherever they exist; sellers are always reached
through the profile link a page gives (Offer.seller_url).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from scout.errors import InputError
from scrapers import allegro, amazon, cdiscount, ebay, etsy, mercadolibre, walmart
from scrapers.amazon_ranking import product_url as amazon_product_url
from scrapers.records import Offer, ParsedPage, RankingEntry
from scrapers.registry import kind_of_url

CATEGORIES: tuple[str, ...] = ("electronics", "tools", "kitchen", "toys", "beauty", "sports", "office", "pets")

# Amazon's own best-seller slugs for each category on each site.
AMAZON_CATEGORY_SLUGS: dict[str, dict[str, str]] = {
    "com": {"electronics": "electronics", "tools": "hi", "kitchen": "kitchen", "toys": "toys-and-games",
            "beauty": "beauty", "sports": "sporting-goods", "office": "office-products", "pets": "pet-supplies"},
    "co.uk": {"electronics": "electronics", "tools": "diy", "kitchen": "kitchen", "toys": "kids",
              "beauty": "beauty", "sports": "sports", "office": "officeproduct", "pets": "pet-supplies"},
    "de": {"electronics": "ce-de", "tools": "diy", "kitchen": "kitchen", "toys": "toys", "beauty": "beauty",
           "sports": "sports", "office": "officeproduct", "pets": "pet-supplies"},
    "fr": {"electronics": "electronics", "tools": "diy", "kitchen": "kitchen", "toys": "toys",
           "beauty": "beauty", "sports": "sports", "office": "officeproduct", "pets": "pet-supplies"},
    "es": {"electronics": "electronics", "tools": "diy", "kitchen": "kitchen", "toys": "toys",
           "beauty": "beauty", "sports": "sporting-goods", "office": "officeproduct", "pets": "pet-supplies"},
    "it": {"electronics": "electronics", "tools": "diy", "kitchen": "kitchen", "toys": "toys",
           "beauty": "beauty", "sports": "sports", "office": "office-products", "pets": "pet-supplies"},
}
AMAZON_SITES: tuple[str, ...] = tuple(AMAZON_CATEGORY_SLUGS)

SEARCH_TERMS: dict[str, str] = {
    "electronics": "usb c charger", "tools": "cordless drill", "kitchen": "chef knife", "toys": "building blocks",
    "beauty": "face serum", "sports": "yoga mat", "office": "desk organizer", "pets": "dog leash",
}


@dataclass(frozen=True)
class Request:
    """One URL to fetch, what kind of page it is, and how to fetch it."""

    url: str
    marketplace: str
    kind: str
    api: bool = False
    auth: str | None = None  # "ebay" | "etsy": which credentials the request needs
    site: str | None = None
    list_name: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    depth: int = 0

    def context(self) -> str:
        """The request's fetch options as JSON, for the frontier table."""
        return json.dumps({"api": self.api, "auth": self.auth, "site": self.site, "list_name": self.list_name,
                           "headers": self.headers})

    @classmethod
    def from_frontier(cls, url: str, marketplace: str, kind: str, depth: int, context: str) -> Request:
        """Rebuild a request stored in the frontier."""
        data = json.loads(context or "{}")
        return cls(url, marketplace, kind, bool(data.get("api")), data.get("auth"), data.get("site"),
                   data.get("list_name"), dict(data.get("headers") or {}), depth)


@dataclass(frozen=True)
class CrawlScope:
    """What the user asked to crawl."""

    site: str | None = None  # Amazon site (com, de, fr, …); default com
    categories: tuple[str, ...] = ()  # Scout categories or a marketplace's own category slugs; default all
    seeds: tuple[str, ...] = ()  # extra start URLs (e.g. Cdiscount offer pages)
    follow: bool = True  # follow rankings/searches through to seller profiles


def check_categories(categories: tuple[str, ...], site: str | None) -> None:
    """InputError for a --category that is neither a Scout category nor an Amazon best-seller slug of the site
    (a crawl of it would start from pages that do not exist and fetch nothing)."""
    slugs = AMAZON_CATEGORY_SLUGS.get(amazon_site(site).removeprefix("amazon."), AMAZON_CATEGORY_SLUGS["com"])
    for category in categories:
        if category not in CATEGORIES and category not in slugs.values():
            raise InputError(f"unknown category {category!r} (Scout categories: {', '.join(CATEGORIES)}; or an "
                             f"{amazon_site(site)} best-seller slug: {', '.join(sorted(set(slugs.values())))})")


def _queries(scope: CrawlScope) -> list[tuple[str, str]]:
    return [(c, SEARCH_TERMS.get(c, c)) for c in (scope.categories or CATEGORIES)]


def amazon_site(site: str | None) -> str:
    """`de`, `amazon.de` or `www.amazon.de` → `amazon.de` (default amazon.com)."""
    short = (site or "com").lower().removeprefix("www.").removeprefix("amazon.")
    return f"amazon.{short}"


def _amazon_seeds(scope: CrawlScope) -> list[Request]:
    site = amazon_site(scope.site)
    slugs = AMAZON_CATEGORY_SLUGS.get(site.removeprefix("amazon."), AMAZON_CATEGORY_SLUGS["com"])
    out = []
    for category in scope.categories or CATEGORIES:
        slug = slugs.get(category, category)
        base = amazon.bestsellers_url(site, slug)
        for page in (1, 2):  # Amazon lists a category's top 100, 50 a page
            url = base if page == 1 else f"{base}?pg=2"
            out.append(Request(url, "amazon", "ranking", site=site, list_name=slug))
    return out


def _amazon_follow(request: Request, parsed: ParsedPage) -> list[Request]:
    site = parsed.site or amazon_site(request.site)
    if parsed.kind == "ranking":
        return [Request(amazon_product_url(site, r.product_id), "amazon", "product", site=site,
                        depth=request.depth + 1) for r in parsed.records if isinstance(r, RankingEntry)]
    if parsed.kind in ("product", "offers") and site in amazon.SITES:
        return _amazon_sellers(request, parsed, site)
    return follow_sellers(request, parsed)


def _amazon_sellers(request: Request, parsed: ParsedPage, site: str) -> list[Request]:
    """Every third-party seller a product or offers page names (buy box and other sellers, whichever link gave
    the id: at-a-glance, aag/main or a popover's me=), as its canonical `/sp?seller=` profile on the same site,
    once each."""
    found: dict[str, Request] = {}
    for record in parsed.records:
        if isinstance(record, Offer) and not record.is_platform and record.seller_id:
            url = amazon.seller_url(site, record.seller_id)
            found.setdefault(url, Request(url, "amazon", "seller", site=site, depth=request.depth + 1))
    return list(found.values())


def follow_sellers(request: Request, parsed: ParsedPage) -> list[Request]:
    """The profile page of every third-party seller a page links (Offer.seller_url), once each."""
    found: dict[str, Request] = {}
    for record in parsed.records:
        if not isinstance(record, Offer) or record.is_platform or not record.seller_url:
            continue
        host = urlsplit(record.seller_url).hostname or ""
        if host not in SOURCES[request.marketplace].hosts:
            continue
        found.setdefault(record.seller_url, Request(
            record.seller_url, request.marketplace, "seller", api=host in API_HOSTS, auth=API_AUTH.get(host),
            site=parsed.site or request.site, depth=request.depth + 1))
    return list(found.values())


def _ebay_seeds(scope: CrawlScope) -> list[Request]:
    return [Request(ebay.browse_search_url(q, limit=100), "ebay", "search", api=True, auth="ebay", list_name=c,
                    headers=ebay.browse_headers()) for c, q in _queries(scope)]


def _walmart_seeds(scope: CrawlScope) -> list[Request]:
    return [Request(walmart.search_url(q), "walmart", "search", list_name=c) for c, q in _queries(scope)]


def _etsy_seeds(scope: CrawlScope) -> list[Request]:
    return [Request(etsy.listings_active_url(q), "etsy", "search", api=True, auth="etsy", list_name=c)
            for c, q in _queries(scope)]


def _allegro_seeds(scope: CrawlScope) -> list[Request]:
    return [Request(allegro.search_url(q), "allegro", "search", list_name=c) for c, q in _queries(scope)]


def _cdiscount_seeds(scope: CrawlScope) -> list[Request]:
    return [Request(cdiscount.search_url(q), "cdiscount", "ranking", list_name=c) for c, q in _queries(scope)]


def _cdiscount_follow(request: Request, parsed: ParsedPage) -> list[Request]:
    if parsed.kind == "ranking":  # search results → each product's offers page
        return [Request(r.url, "cdiscount", "offers", depth=request.depth + 1)
                for r in parsed.records if isinstance(r, RankingEntry) and r.url]
    return follow_sellers(request, parsed)


def _ebay_follow(request: Request, parsed: ParsedPage) -> list[Request]:
    """Each seller's profile page and, for a business seller (EU and UK sites say which), one of its listings'
    getItem response per search page: the only place eBay's API gives its legal contact information
    (sellerLegalInfo). The frontier knows URLs, not sellers: a seller on two search pages is asked twice."""
    found = follow_sellers(request, parsed)
    if parsed.kind != "search":
        return found
    legal: dict[str, Request] = {}
    for record in parsed.records:
        if isinstance(record, Offer) and record.is_company and record.seller_id and record.product_id:
            legal.setdefault(record.seller_id, Request(
                ebay.item_url(record.product_id), "ebay", "seller", api=True, auth="ebay",
                headers=ebay.browse_headers(), depth=request.depth + 1))
    return found + list(legal.values())


def _mercadolibre_seeds(scope: CrawlScope) -> list[Request]:
    return [Request(mercadolibre.search_api_url("MLA", q), "mercadolibre", "search", api=True, list_name=c)
            for c, q in _queries(scope)]


@dataclass(frozen=True)
class Source:
    """A marketplace as the crawler sees it: its hosts, its seeds, and how pages lead on."""

    name: str
    hosts: frozenset[str]
    seeds: Callable[[CrawlScope], list[Request]]
    follow: Callable[[Request, ParsedPage], list[Request]]


SOURCES: dict[str, Source] = {
    "amazon": Source("amazon", frozenset(f"www.{site}" for site in amazon.SITES), _amazon_seeds, _amazon_follow),
    "ebay": Source("ebay", frozenset({"www.ebay.com", "api.ebay.com", "www.ebay.de"}), _ebay_seeds, _ebay_follow),
    "walmart": Source("walmart", frozenset({"www.walmart.com"}), _walmart_seeds, follow_sellers),
    "etsy": Source("etsy", frozenset({"www.etsy.com", "openapi.etsy.com"}), _etsy_seeds, follow_sellers),
    "allegro": Source("allegro", frozenset({"allegro.pl"}), _allegro_seeds, follow_sellers),
    "cdiscount": Source("cdiscount", frozenset({"www.cdiscount.com"}), _cdiscount_seeds, _cdiscount_follow),
    "mercadolibre": Source("mercadolibre", frozenset({"api.mercadolibre.com", "www.mercadolibre.com.ar"}),
                           _mercadolibre_seeds, follow_sellers),
}
API_HOSTS = frozenset({"api.ebay.com", "openapi.etsy.com", "api.mercadolibre.com"})
API_AUTH = {"api.ebay.com": "ebay", "openapi.etsy.com": "etsy"}


def seed_requests(source: Source, scope: CrawlScope) -> list[Request]:
    """The source's own seeds plus the user's extra seed URLs that belong to it."""
    requests = source.seeds(scope)
    for url in scope.seeds:
        if (urlsplit(url).hostname or "") in source.hosts:
            kind = kind_of_url(source.name, url) or "offers"
            requests.append(Request(url, source.name, kind, api=url.startswith("https://api."), site=scope.site))
    return requests
