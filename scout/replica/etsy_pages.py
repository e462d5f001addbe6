"""Etsy: Open API v3 `getShop`, `findShops` and `findAllListingsActive` JSON (as Etsy's reference
documents them), shop pages with schema.org ItemList JSON-LD, and DataDome's captcha page.
"""

from __future__ import annotations

import calendar
from typing import Any

from scout.replica.catalog import ETSY_TAXONOMY_IDS, SEARCH_TERMS
from scout.replica.render import dump_json, esc, script_json, slugify
from scout.replica.world import Product, Storefront, World

COUNTRY_NAMES = {"US": "United States", "CN": "China", "DE": "Germany", "GB": "United Kingdom",
                 "FR": "France", "IT": "Italy", "ES": "Spain", "PL": "Poland", "AR": "Argentina", "AT": "Austria"}


def _epoch(date: str) -> int:
    year, month, day = (int(x) for x in date.split("-"))
    return calendar.timegm((year, month, day, 0, 0, 0))


def shop_object(seller: Storefront, day: int) -> dict[str, Any]:
    """One Open API v3 Shop object."""
    b = seller.business
    created = _epoch(seller.created)
    return {
        "shop_id": seller.numeric_id, "user_id": seller.numeric_id + 300_000_000, "shop_name": seller.seller_id,
        "create_date": created, "created_timestamp": created, "title": f"{b.brand}: handmade {seller.category}",
        "announcement": None, "currency_code": "USD", "is_vacation": False, "update_date": created,
        "updated_timestamp": created, "listing_active_count": seller.listing_count, "digital_listing_count": 0,
        "login_name": seller.seller_id.lower(), "accepts_custom_requests": True,
        "url": f"https://www.etsy.com/shop/{seller.seller_id}?utm_source=scout&utm_medium=api&utm_campaign=api",
        "num_favorers": seller.followers, "languages": ["en-US"], "is_shop_us_based": b.country == "US",
        "transaction_sold_count": seller.sales_count[day], "shipping_from_country_iso": b.country,
        "shop_location_country_iso": b.country, "review_count": seller.rating_count[day],
        "review_average": seller.stars[day],
    }


def render_get_shop(world: World, seller: Storefront, day: int) -> str:
    """`GET /v3/application/shops/{shop_id}`."""
    return dump_json(shop_object(seller, day))


def render_find_shops(world: World, name: str, limit: int, offset: int, day: int) -> str:
    """`GET /v3/application/shops?shop_name=`: shops whose name contains the string."""
    needle = name.strip().lower()
    shops = [s for s in world.storefronts_on("etsy", "com") if s.exists(day) and needle in s.seller_id.lower()]
    return dump_json({"count": len(shops), "results": [shop_object(s, day) for s in shops[offset:offset + limit]]})


def _listing(product: Product) -> dict[str, Any]:
    seller = product.seller
    assert seller is not None
    cents = int(product.price * 100)
    return {
        "listing_id": int(product.product_id), "user_id": seller.numeric_id + 300_000_000,
        "shop_id": seller.numeric_id, "title": product.title, "state": "active", "quantity": 5,
        "url": f"https://www.etsy.com/listing/{product.product_id}/{slugify(product.title).lower()}",
        "num_favorers": product.rating_count[1] // 3, "listing_type": "physical", "tags": [product.category],
        "taxonomy_id": ETSY_TAXONOMY_IDS[product.category],
        "price": {"amount": cents, "divisor": 100, "currency_code": product.currency},
    }


def listing_products(world: World, keywords: str, day: int) -> list[Product]:
    """Active listings matching keywords: a category's ranking for its keyword, else title matches."""
    q = keywords.strip().lower()
    for category, term in SEARCH_TERMS.items():
        if q in (term, category):
            return world.ranking("etsy", "com", category, day)
    words = q.split()
    return [p for p in world.products if p.marketplace == "etsy" and p.exists(day)
            and words and all(w in p.title.lower() for w in words)]


def render_listings_active(world: World, keywords: str, limit: int, offset: int, day: int) -> str:
    """`GET /v3/application/listings/active?keywords=`."""
    products = listing_products(world, keywords, day)
    return dump_json({"count": len(products), "results": [_listing(p) for p in products[offset:offset + limit]]})


def render_shop_page(world: World, seller: Storefront, day: int) -> str:
    """A shop page (`/shop/<ShopName>`): header figures plus the ItemList JSON-LD of its items."""
    products = [p for p in seller.products if p.exists(day)]
    itemlist = {
        "@context": "https://schema.org", "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": i + 1,
             "item": {"@type": "Product", "name": p.title,
                      "url": f"https://www.etsy.com/listing/{p.product_id}/{slugify(p.title).lower()}",
                      "brand": {"@type": "Brand", "name": seller.seller_id},
                      "offers": {"@type": "Offer", "price": f"{p.price:.2f}", "priceCurrency": p.currency,
                                 "availability": "https://schema.org/InStock"}}}
            for i, p in enumerate(products)
        ],
        "numberOfItems": seller.listing_count,
        "url": f"https://www.etsy.com/shop/{seller.seller_id}",
    }
    b = seller.business
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">'
        f"<title>{esc(seller.seller_id)} - Etsy</title>"
        f'<link rel="canonical" href="https://www.etsy.com/shop/{esc(seller.seller_id)}">'
        f'<script type="application/ld+json">{script_json(itemlist)}</script></head>'
        f'<body class="shop-home-page" data-shop-id="{seller.numeric_id}"><div id="content">'
        '<div class="shop-home-header"><div class="shop-name-and-title-container">'
        f'<h1 class="wt-text-heading">{esc(seller.seller_id)}</h1>'
        f'<p class="wt-text-caption"><span class="shop-location">{esc(b.city)}, {COUNTRY_NAMES[b.country]}</span></p>'
        '<div class="wt-display-flex-xs">'
        f'<span class="wt-screen-reader-only">{seller.stars[day]} out of 5 stars</span>'
        f'<span class="wt-text-caption wt-no-wrap">({seller.rating_count[day]:,})</span>'
        '<span class="wt-text-gray wt-text-caption">|</span>'
        f'<span class="wt-text-caption wt-no-wrap">{seller.sales_count[day]:,} Sales</span></div>'
        f'<p class="wt-text-caption">On Etsy since {seller.created[:4]}</p></div></div>'
        '<div class="responsive-listing-grid" data-listings-container>'
        + "".join(f'<div class="v2-listing-card" data-listing-id="{p.product_id}"><a class="listing-link" '
                  f'href="https://www.etsy.com/listing/{p.product_id}">{esc(p.title)}</a></div>' for p in products)
        + "</div></div></body></html>"
    )


def render_api_key_error() -> str:
    """Etsy's answer to a request without a valid `x-api-key`."""
    return dump_json({"error": "Invalid API key: should be in the format 'keystring:shared_secret'."})


def render_captcha() -> str:
    """DataDome's interstitial, served with HTTP 200."""
    return ('<html><head><title>etsy.com</title></head><body><p>Please enable JS and disable any ad blocker</p>'
            '<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>')


DRIFT = {'"shop_name"': '"shopName"', '"shop_id"': '"shopId"', "ItemList": "CollectionPage"}
