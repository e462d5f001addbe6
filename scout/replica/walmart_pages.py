"""Walmart: search and seller pages carrying `__NEXT_DATA__` (item objects shaped like the 2025 extract,
seller object as in the hand-made fixture), and the PerimeterX "Robot or human?" wall.
"""

from __future__ import annotations

from typing import Any

from scout.replica.catalog import SEARCH_TERMS, WALMART_CATEGORY_PATHS
from scout.replica.contact_markup import walmart_fields
from scout.replica.render import esc, script_json, slugify
from scout.replica.world import Product, Storefront, World

WALMART_ID = "F55CDC31AB754BB68FE0B39041159D63"
WALMART_NAME = "Walmart.com"
PAGE_SIZE = 40


def search_products(world: World, query: str, day: int) -> list[Product]:
    """Best-match results of a query: a category's ranking for its keyword, else title matches."""
    q = query.strip().lower()
    for category, term in SEARCH_TERMS.items():
        if q in (term, category):
            return world.ranking("walmart", "com", category, day)
    words = q.split()
    matches = [p for p in world.products if p.marketplace == "walmart" and p.exists(day)
               and words and all(w in p.title.lower() for w in words)]
    return sorted(matches, key=lambda p: (-p.sales_score[day], p.product_id))


def _item(product: Product, index: int, day: int) -> dict[str, Any]:
    seller = product.seller
    price = f"${product.price:,.2f}"
    return {
        "__typename": "Product", "buyBoxSuppression": False, "similarItems": False,
        "id": product.product_id[-6:].rjust(12, "0"), "usItemId": product.product_id, "name": product.title,
        "type": "VARIANT", "brand": None, "catalogProductType": product.category.title(),
        "category": {"categoryPathId": WALMART_CATEGORY_PATHS[product.category], "path": None},
        "imageInfo": {"thumbnailUrl": f"https://i5.walmartimages.com/seo/{slugify(product.title)}.jpeg"},
        "canonicalUrl": f"/ip/{slugify(product.title)}/{product.product_id}?classType=VARIANT",
        "badges": {"flags": None, "tags": [], "groups": [], "groupsV2": []},
        "classType": "VARIANT", "averageRating": product.stars, "numberOfReviews": product.rating_count[day],
        "sellerId": seller.seller_id if seller else WALMART_ID,
        "sellerName": seller.name if seller else WALMART_NAME,
        "catalogSellerId": str(seller.numeric_id) if seller else "0",
        "sellerType": None, "hasSellerBadge": None,
        "availabilityStatusV2": {"display": "In stock", "value": "IN_STOCK"},
        "priceInfo": {"itemPrice": "", "linePrice": price, "linePriceDisplay": price, "savings": "",
                      "wasPrice": "", "unitPrice": "", "minPrice": float(product.price)},
        "price": float(product.price),
        "rating": {"averageRating": product.stars, "numberOfReviews": product.rating_count[day]},
        "productIndex": index, "itemStackPosition": 0,
    }


def _page(title: str, canonical: str, route: str, query: dict[str, Any], initial: dict[str, Any], body: str) -> str:
    data = {"props": {"pageProps": {"initialData": initial}}, "page": route, "query": query,
            "buildId": "replica", "isFallback": False, "gssp": True}
    return (f'<!DOCTYPE html><html lang="en-US"><head><meta charSet="utf-8"/><title>{esc(title)}</title>'
            f'<link rel="canonical" href="{esc(canonical)}"/></head><body><div id="__next">'
            f'<main id="maincontent">{body}</main></div>'
            f'<script id="__NEXT_DATA__" type="application/json">{script_json(data)}</script></body></html>')


def render_search(world: World, query: str, page: int, day: int) -> str:
    """A search page (40 items a page) whose `__NEXT_DATA__` holds the result items."""
    products = search_products(world, query, day)
    chunk = products[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    items = [_item(p, (page - 1) * PAGE_SIZE + i, day) for i, p in enumerate(chunk)]
    result = {"__typename": "SearchInterface", "title": f'Results for "{query}"', "aggregatedCount": len(products),
              "itemStacks": [{"__typename": "Stack", "meta": {"query": query, "stackId": 0,
                                                              "totalItemCount": len(products)},
                              "items": items}],
              "paginationV2": {"maxPage": max(1, -(-len(products) // PAGE_SIZE)), "currentPage": page}}
    body = f'<h1 class="f4">Results for "{esc(query)}" ({len(products)})</h1>'
    return _page(f"{query} - Walmart.com", f"https://www.walmart.com/search?q={esc(query)}", "/search",
                 {"q": query, "page": str(page)}, {"searchResult": result}, body)


def address_fields(seller: Storefront) -> dict[str, str]:
    """The seller object's address fields (US postcodes carry the state: `NY 10001`)."""
    b = seller.business
    state, _, zipcode = b.postcode.partition(" ") if b.country == "US" else ("", "", b.postcode)
    return {"address1": b.street, "city": b.city, "state": state, "zip": zipcode, "country": b.country}


def render_seller(world: World, seller: Storefront, day: int) -> str:
    """A seller page (`/seller/<catalogSellerId>`) with its seller object and a first stack of items."""
    info = {"__typename": "SellerProfile", "sellerId": seller.seller_id, "catalogSellerId": str(seller.numeric_id),
            "sellerName": seller.business.legal_name, "sellerDisplayName": seller.name,
            "sellerStoreFrontURL": f"/seller/{seller.numeric_id}", "sellerAverageRating": seller.stars[day],
            "sellerReviewCount": seller.rating_count[day], "hasSellerBadge": seller.lifetime_count[day] >= 1000,
            **address_fields(seller), **walmart_fields(seller.business)}
    items = [_item(p, i, day) for i, p in enumerate(p for p in seller.products if p.exists(day))]
    body = (f'<section class="pa3"><h1 data-testid="seller-name" class="f3 b">{esc(seller.name)}</h1>'
            f'<span class="f6">{seller.stars[day]} out of 5 stars</span>'
            f'<span class="f6 ml2">{seller.rating_count[day]:,} ratings</span></section>')
    initial = {"data": {"seller": info},
               "searchResult": {"__typename": "SearchInterface", "aggregatedCount": len(items),
                                "itemStacks": [{"__typename": "Stack", "meta": {"totalItemCount": len(items)},
                                                "items": items}]}}
    return _page(f"{seller.name} - Walmart.com", f"https://www.walmart.com/seller/{seller.numeric_id}",
                 "/seller/[sellerId]", {"sellerId": str(seller.numeric_id)}, initial, body)


def render_captcha() -> str:
    """Walmart's PerimeterX wall, served with HTTP 200."""
    return ('<!DOCTYPE html><html lang="en"><head><title>Robot or human?</title></head><body>'
            '<div class="re-captcha"><h1>Robot or human?</h1><p>Activate and hold the button to confirm that '
            "you're human. Thank You!</p><div id=\"px-captcha\"></div></div>"
            '<script>window._pxAppId="PXu6b0qd2S";var host="www.walmart.com";</script></body></html>')


DRIFT = {"itemStacks": "itemGroups", "__NEXT_DATA__": "__APP_STATE__", '"seller":': '"merchant":'}
