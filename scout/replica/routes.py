"""Which page each replica URL serves: pure functions from (world, host, path, query, day) to a Page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from scout.replica import (
    allegro_pages,
    amazon_pages,
    amazon_product_pages,
    cdiscount_pages,
    ebay_pages,
    etsy_pages,
    mercadolibre_pages,
    walmart_pages,
)
from scout.replica.catalog import EBAY_CATEGORY_IDS, MERCADOLIBRE_CATEGORY_IDS, SEARCH_TERMS, SITES
from scout.replica.world import World

HTML = "text/html; charset=utf-8"
JSON = "application/json"
TEXT = "text/plain; charset=utf-8"

HOSTS: dict[str, tuple[str, ...]] = {
    "amazon": tuple(amazon_pages.host(site) for site in SITES["amazon"]),
    "ebay": ("www.ebay.com", "api.ebay.com", "svcs.ebay.com"),
    "walmart": ("www.walmart.com",),
    "etsy": ("www.etsy.com", "openapi.etsy.com"),
    "allegro": ("allegro.pl",),
    "cdiscount": ("www.cdiscount.com",),
    "mercadolibre": ("api.mercadolibre.com", "www.mercadolibre.com.ar"),
}

DRIFTS: dict[str, dict[str, str]] = {
    "amazon": {**amazon_pages.DRIFT, **amazon_product_pages.DRIFT}, "ebay": ebay_pages.DRIFT,
    "walmart": walmart_pages.DRIFT, "etsy": etsy_pages.DRIFT, "allegro": allegro_pages.DRIFT,
    "cdiscount": cdiscount_pages.DRIFT, "mercadolibre": mercadolibre_pages.DRIFT,
}

CAPTCHAS = {
    "ebay": ebay_pages.render_captcha, "walmart": walmart_pages.render_captcha, "etsy": etsy_pages.render_captcha,
    "allegro": allegro_pages.render_captcha, "cdiscount": cdiscount_pages.render_captcha,
    "mercadolibre": mercadolibre_pages.render_captcha,
}

# The lines of amazon.com's robots.txt that matter to Scout (the capture in shared/pages/robots).
AMAZON_ROBOTS = """User-agent: *
Disallow: /exec/obidos/account-access-login
Disallow: /gp/cart
Disallow: /gp/sign-in
Disallow: /gp/item-dispatch
Disallow: /dp/shipping/
Disallow: /dp/product-availability/
Disallow: /gp/registry/wishlist/
Disallow: /gp/offer-listing/
Disallow: /gp/aw/ol/
Disallow: /gp/profile/
Disallow: /ap/signin
Disallow: /gp/history
"""

ROBOTS: dict[str, str] = {
    "www.ebay.com": "User-agent: *\nDisallow: /sch/\nDisallow: /myb/\nDisallow: /signin/\nAllow: /str/\nAllow: /usr/\n",
    "api.ebay.com": "User-agent: *\nAllow: /\n",
    "svcs.ebay.com": "User-agent: *\nAllow: /\n",
    "www.walmart.com": "User-agent: *\nDisallow: /account/\nDisallow: /cart\nDisallow: /checkout\n"
                       "Disallow: /*?*facet=\nAllow: /search\nAllow: /seller/\nAllow: /ip/\n",
    "www.etsy.com": "User-agent: *\nDisallow: /cart\nDisallow: /your/\nDisallow: /signin\nAllow: /shop/\n",
    "openapi.etsy.com": "User-agent: *\nAllow: /\n",
    "allegro.pl": "User-agent: *\nDisallow: /moje-allegro/\nDisallow: /koszyk\nAllow: /oferta/\n"
                  "Allow: /uzytkownik/\nAllow: /listing\n",
    "www.cdiscount.com": "User-agent: *\nDisallow: /basket\nDisallow: /Account/\nAllow: /mp-\nAllow: /mpv-\n"
                         "Allow: /search/\n",
    "api.mercadolibre.com": "User-agent: *\nAllow: /\n",
    "www.mercadolibre.com.ar": "User-agent: *\nDisallow: /jm/\nAllow: /\n",
}


@dataclass
class Page:
    """What to answer: status, content type, body and extra headers."""

    status: int
    body: str
    content_type: str = HTML
    headers: dict[str, str] = field(default_factory=dict)


def _not_found(host: str) -> Page:
    if host.startswith(("api.", "svcs.", "openapi.")):
        return Page(404, mercadolibre_pages.render_not_found("resource"), JSON)
    return Page(404, "<!DOCTYPE html><html><head><title>Page Not Found</title></head><body><h1>404</h1>"
                     "<p>Sorry, we couldn't find that page.</p></body></html>")


def _int(value: str | None, default: int, low: int = 0, high: int = 10_000) -> int:
    try:
        return max(low, min(high, int(value))) if value is not None else default
    except ValueError:
        return default


def route(world: World, marketplace: str, host: str, path: str, query: dict[str, str], day: int) -> Page:
    """The page a GET of `path?query` on logical `host` returns."""
    if path == "/robots.txt":
        return Page(200, AMAZON_ROBOTS if marketplace == "amazon" else ROBOTS.get(host, "User-agent: *\n"), TEXT)
    handler = _HANDLERS[marketplace]
    return handler(world, host, path, query, day) or _not_found(host)


_ASIN_PATH = re.compile(r"^(?:/[^/]+)?/(?:dp|gp/product)/([A-Z0-9]{10})(?:[/?]|$)")
_BESTSELLERS = re.compile(r"^(?:/[^/]+)?/(?:gp/bestsellers|zgbs)/([a-z0-9-]+)")


def _amazon(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    site = host.removeprefix("www.amazon.")
    if path.startswith("/-/") and path.count("/") >= 3:  # a language prefix (/-/en/…) serves the same page
        path = "/" + path.split("/", 3)[3]
    if match := _BESTSELLERS.match(path):
        body = amazon_pages.render_bestsellers(world, site, match.group(1), day, _int(query.get("pg"), 1, 1, 2))
        return Page(200, body) if body else None
    if path.startswith("/gp/offer-listing/"):
        product = world.product("amazon", path.split("/")[3][:10], day)
        if product is not None and product.site == site:
            return Page(200, amazon_pages.render_offer_listing(world, product, day))
        return None
    if match := _ASIN_PATH.match(path):
        product = world.product("amazon", match.group(1), day)
        if product is not None and product.site == site:
            return Page(200, amazon_product_pages.render_product(world, product, day))
        return None
    if path in ("/sp", "/sp/"):
        seller = world.seller("amazon", query.get("seller", ""), day)
        if seller is not None and seller.site == site:
            return Page(200, amazon_pages.render_seller(world, seller, day))
        return None
    if path.startswith(("/gp/help/seller/at-a-glance.html", "/gp/aag/main")) and query.get("seller"):
        return Page(301, "", HTML, {"Location": f"https://{host}/sp?seller={quote(query['seller'])}"})
    if path == "/errors/validateCaptcha":
        return Page(302, "", HTML, {"Location": f"https://{host}/"})
    return None


def _ebay(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    if host == "api.ebay.com" and path == ebay_pages.BROWSE_PATH:
        limit = _int(query.get("limit"), 50, 1, 200)
        body = ebay_pages.render_browse_search(world, query.get("q"), query.get("category_ids"), limit,
                                               _int(query.get("offset"), 0, 0, 10_000), day)
        return Page(200, body, JSON)
    if host == "api.ebay.com" and path.startswith(ebay_pages.ITEM_PATH):
        _, item_id, _ = (unquote(path.removeprefix(ebay_pages.ITEM_PATH)).split("|") + ["", ""])[:3]
        item = ebay_pages.render_get_item(world, item_id, day)
        return Page(200, item, JSON) if item else None
    if host == "svcs.ebay.com" and path == ebay_pages.FINDING_PATH:
        selectors = {v for k, v in query.items() if k.startswith("outputSelector")}
        body = ebay_pages.render_finding_search(
            world, query.get("keywords"), query.get("categoryId"),
            _int(query.get("paginationInput.entriesPerPage"), 100, 1, 100),
            _int(query.get("paginationInput.pageNumber"), 1, 1, 100), "SellerInfo" in selectors, day)
        return Page(200, body, JSON)
    if host == "www.ebay.com" and (path.startswith("/str/") or path.startswith("/usr/")):
        seller = world.seller("ebay", unquote(path.split("/")[2]), day)
        return Page(200, ebay_pages.render_store(world, seller, day)) if seller else None
    return None


def _walmart(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    if path == "/search" and query.get("q"):
        return Page(200, walmart_pages.render_search(world, query["q"], _int(query.get("page"), 1, 1, 25), day))
    if path.startswith("/seller/"):
        number = _int(path.split("/")[2], -1, -1, 10**12)
        seller = world.numeric_sellers.get(("walmart", number))
        if seller is not None and seller.exists(day):
            return Page(200, walmart_pages.render_seller(world, seller, day))
    return None


def _etsy(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    if host == "openapi.etsy.com":
        limit, offset = _int(query.get("limit"), 25, 1, 100), _int(query.get("offset"), 0, 0, 12_000)
        if path == "/v3/application/shops":
            return Page(200, etsy_pages.render_find_shops(world, query.get("shop_name", ""), limit, offset, day), JSON)
        if path == "/v3/application/listings/active":
            body = etsy_pages.render_listings_active(world, query.get("keywords", ""), limit, offset, day)
            return Page(200, body, JSON)
        if path.startswith("/v3/application/shops/"):
            seller = world.numeric_sellers.get(("etsy", _int(path.split("/")[4], -1, -1, 10**12)))
            if seller is not None and seller.exists(day):
                return Page(200, etsy_pages.render_get_shop(world, seller, day), JSON)
        return None
    if path.startswith("/shop/"):
        seller = world.seller("etsy", unquote(path.split("/")[2]), day)
        return Page(200, etsy_pages.render_shop_page(world, seller, day)) if seller else None
    return None


def _allegro(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    if path.startswith("/oferta/"):
        offer_id = path.rstrip("/").rsplit("-", 1)[-1].rsplit("/", 1)[-1]
        product = world.product("allegro", offer_id, day)
        return Page(200, allegro_pages.render_offer(world, product, day)) if product else None
    if path.startswith("/uzytkownik/"):
        seller = world.seller("allegro", unquote(path.split("/")[2]), day)
        return Page(200, allegro_pages.render_seller(world, seller, day)) if seller else None
    if path == "/listing" and query.get("string"):
        return Page(200, allegro_pages.render_listing(world, query["string"], _int(query.get("p"), 1, 1, 50), day))
    return None


_CD_OFFERS = re.compile(r"^/mp-\d+-([a-z0-9]+)\.html$")
_CD_SELLER = re.compile(r"^/mpv-(\d+)(?:-[^/]*)?\.html$")


def _cdiscount(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    if match := _CD_OFFERS.match(path):
        product = world.product("cdiscount", match.group(1), day)
        return Page(200, cdiscount_pages.render_offers(world, product, day)) if product else None
    if match := _CD_SELLER.match(path):
        seller = world.seller("cdiscount", match.group(1), day)
        return Page(200, cdiscount_pages.render_seller(world, seller, day)) if seller else None
    if path.startswith("/search/10/") and path.endswith(".html"):
        return Page(200, cdiscount_pages.render_search(world, unquote(path[11:-5]).replace("+", " "), day))
    return None


def _mercadolibre(world: World, host: str, path: str, query: dict[str, str], day: int) -> Page | None:
    if host != "api.mercadolibre.com":
        return None
    if path == "/sites/MLA/search":
        offset, limit = _int(query.get("offset"), 0, 0, 1000), _int(query.get("limit"), 50, 1, 50)
        body = mercadolibre_pages.render_search(world, query.get("q"), query.get("category"), offset, limit, day)
        return Page(200, body, JSON)
    if path.startswith("/users/"):
        seller = world.numeric_sellers.get(("mercadolibre", _int(path.split("/")[2], -1, -1, 10**12)))
        if seller is not None and seller.exists(day):
            return Page(200, mercadolibre_pages.render_user(world, seller, day), JSON)
        return Page(404, mercadolibre_pages.render_not_found("user"), JSON)
    return None


_HANDLERS = {
    "amazon": _amazon, "ebay": _ebay, "walmart": _walmart, "etsy": _etsy, "allegro": _allegro,
    "cdiscount": _cdiscount, "mercadolibre": _mercadolibre,
}


def seeds(world: World, marketplace: str) -> list[str]:
    """The logical entry URLs a crawl of `marketplace` starts from."""
    if marketplace == "amazon":
        return [f"https://www.amazon.{site}/gp/bestsellers/{slug}"
                for site in SITES["amazon"] for slug in amazon_pages.category_slugs(site)]
    if marketplace == "ebay":
        return [f"https://api.ebay.com{ebay_pages.BROWSE_PATH}?category_ids={cid}&limit=200"
                for cid in EBAY_CATEGORY_IDS.values()]
    if marketplace == "walmart":
        return [f"https://www.walmart.com/search?q={quote(term)}" for term in SEARCH_TERMS.values()]
    if marketplace == "etsy":
        return [f"https://openapi.etsy.com/v3/application/listings/active?keywords={quote(term)}&limit=100"
                for term in SEARCH_TERMS.values()]
    if marketplace == "allegro":
        return [f"https://allegro.pl/listing?string={quote(term)}" for term in SEARCH_TERMS.values()]
    if marketplace == "cdiscount":
        return [f"https://www.cdiscount.com/search/10/{quote(term)}.html" for term in SEARCH_TERMS.values()]
    if marketplace == "mercadolibre":
        return [f"https://api.mercadolibre.com/sites/MLA/search?category={cid}"
                for cid in MERCADOLIBRE_CATEGORY_IDS.values()]
    raise ValueError(f"unknown marketplace {marketplace!r}")
