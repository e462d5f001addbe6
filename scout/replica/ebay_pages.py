"""eBay: Buy Browse `item_summary/search` and Finding `findItemsAdvanced` JSON in the shapes of the real
captures, and store / member pages in the 2024-25 `str-*` markup of the hand-made fixtures.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from scout.replica.catalog import EBAY_CATEGORY_IDS, SEARCH_TERMS
from scout.replica.contact_markup import ebay_legal_info, ebay_rows
from scout.replica.render import dump_json, esc
from scout.replica.world import Product, Storefront, World

BROWSE_PATH = "/buy/browse/v1/item_summary/search"
ITEM_PATH = "/buy/browse/v1/item/"
EU_UK = frozenset({"DE", "AT", "FR", "IT", "ES", "PL", "GB"})
FINDING_PATH = "/services/search/FindingService/v1"
COUNTRY_NAMES = {"US": "United States", "CN": "China", "DE": "Germany", "GB": "United Kingdom",
                 "FR": "France", "IT": "Italy", "ES": "Spain", "PL": "Poland", "AR": "Argentina", "AT": "Austria"}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_STARS = ((1_000_000, "SilverShooting"), (500_000, "GreenShooting"), (100_000, "RedShooting"),
          (50_000, "PurpleShooting"), (25_000, "TurquoiseShooting"), (10_000, "YellowShooting"),
          (5_000, "Green"), (1_000, "Red"), (500, "Purple"), (100, "Turquoise"), (50, "Blue"), (10, "Yellow"))


def category_of(query: str | None, category_id: str | None) -> str | None:
    """The world category a search asks for (by eBay category id or by its usual keyword)."""
    for category, cid in EBAY_CATEGORY_IDS.items():
        if category_id == cid:
            return category
    for category, term in SEARCH_TERMS.items():
        if query and query.strip().lower() in (term, category):
            return category
    return None


def search_items(world: World, query: str | None, category_id: str | None, day: int) -> list[Product]:
    """eBay's best-match result list for a query: a category's ranking, or title matches."""
    category = category_of(query, category_id)
    if category is not None:
        return world.ranking("ebay", "com", category, day)
    words = (query or "").lower().split()
    if not words:
        return []
    matches = [p for p in world.products if p.marketplace == "ebay" and p.exists(day)
               and all(w in p.title.lower() for w in words)]
    return sorted(matches, key=lambda p: (-p.sales_score[day], p.product_id))


def top_rated(seller: Storefront, day: int) -> bool:
    """eBay's Top Rated seller status: a high positive % on enough feedback."""
    return seller.positive_pct[day] >= 99.0 and seller.lifetime_count[day] >= 100


def _browse_item(product: Product, day: int) -> dict[str, Any]:
    seller = product.seller
    assert seller is not None
    item_id = product.product_id
    return {
        "itemId": f"v1|{item_id}|0",
        "title": product.title,
        "leafCategoryIds": [EBAY_CATEGORY_IDS[product.category]],
        "categories": [{"categoryId": EBAY_CATEGORY_IDS[product.category], "categoryName": product.category.title()}],
        "image": {"imageUrl": f"https://i.ebayimg.com/thumbs/images/g/{item_id}/s-l225.jpg"},
        "price": {"value": f"{product.price:.2f}", "currency": product.currency},
        "itemHref": f"https://api.ebay.com/buy/browse/v1/item/v1%7C{item_id}%7C0",
        "seller": {"username": seller.seller_id, "feedbackPercentage": f"{seller.positive_pct[day]:.1f}",
                   "feedbackScore": seller.lifetime_count[day], **account_type(seller)},
        "condition": "New",
        "conditionId": "1000",
        "shippingOptions": [{"shippingCostType": "FIXED", "shippingCost": {"value": "0.00", "currency": "USD"}}],
        "buyingOptions": ["FIXED_PRICE"],
        "itemWebUrl": f"https://www.ebay.com/itm/{item_id}",
        "itemLocation": {"postalCode": seller.business.postcode[:3] + "**", "country": seller.business.country},
        "adultOnly": False,
        "legacyItemId": item_id,
        "availableCoupons": False,
        "itemCreationDate": f"{seller.created}T12:00:00.000Z",
        "topRatedBuyingExperience": top_rated(seller, day),
        "priorityListing": False,
        "listingMarketplaceId": "EBAY_US",
    }


def account_type(seller: Storefront) -> dict[str, str]:
    """`sellerAccountType` as eBay's EU and UK sites state it: BUSINESS for a seller registered for VAT there."""
    if seller.business.country not in EU_UK:
        return {}
    return {"sellerAccountType": "INDIVIDUAL" if seller.business.vat_number is None else "BUSINESS"}


def render_get_item(world: World, item_id: str, day: int) -> str | None:
    """A Browse `item/v1|<id>|0` (getItem) response: the listing and its seller, with `sellerLegalInfo` for an EU
    or UK business seller (scout.replica.contact_markup); None for an unknown item."""
    product = world.product("ebay", item_id, day)
    if product is None or product.seller is None:
        return None
    item = _browse_item(product, day)
    legal = ebay_legal_info(product.seller.business, COUNTRY_NAMES[product.seller.business.country])
    if legal is not None and item["seller"].get("sellerAccountType") == "BUSINESS":
        item["seller"]["sellerLegalInfo"] = legal
    return dump_json(item)


def render_browse_search(world: World, query: str | None, category_id: str | None, limit: int, offset: int,
                         day: int) -> str:
    """A Browse `item_summary/search` response (itemSummaries omitted past the end, as eBay does)."""
    items = search_items(world, query, category_id, day)
    params: dict[str, Any] = {k: v for k, v in (("q", query), ("category_ids", category_id)) if v}
    base = f"https://api.ebay.com{BROWSE_PATH}?"
    body: dict[str, Any] = {
        "href": base + urlencode({**params, "limit": limit, "offset": offset}),
        "total": len(items),
        "limit": limit,
        "offset": offset,
    }
    if offset + limit < len(items):
        body["next"] = base + urlencode({**params, "limit": limit, "offset": offset + limit})
    if offset > 0:
        body["prev"] = base + urlencode({**params, "limit": limit, "offset": max(0, offset - limit)})
    page = items[offset:offset + limit]
    if page:
        body["itemSummaries"] = [_browse_item(p, day) for p in page]
    return dump_json(body)


def _finding_item(product: Product, day: int, seller_info: bool) -> dict[str, Any]:
    seller = product.seller
    assert seller is not None
    item: dict[str, Any] = {
        "itemId": [product.product_id],
        "title": [product.title],
        "globalId": ["EBAY-US"],
        "primaryCategory": [{"categoryId": [EBAY_CATEGORY_IDS[product.category]],
                             "categoryName": [product.category.title()]}],
        "viewItemURL": [f"https://www.ebay.com/itm/{product.product_id}"],
        "location": [seller.business.city],
        "country": [seller.business.country],
        "sellingStatus": [{"currentPrice": [{"@currencyId": product.currency, "__value__": f"{product.price:.2f}"}],
                           "sellingState": ["Active"]}],
        "listingInfo": [{"listingType": ["FixedPrice"], "buyItNowAvailable": ["false"]}],
        "condition": [{"conditionId": ["1000"], "conditionDisplayName": ["New"]}],
        "topRatedListing": ["true" if top_rated(seller, day) else "false"],
    }
    if seller_info:
        star = next((name for floor, name in _STARS if seller.lifetime_count[day] >= floor), "None")
        item["sellerInfo"] = [{
            "sellerUserName": [seller.seller_id],
            "feedbackScore": [str(seller.lifetime_count[day])],
            "positiveFeedbackPercent": [f"{seller.positive_pct[day]:.1f}"],
            "feedbackRatingStar": [star],
            "topRatedSeller": ["true" if top_rated(seller, day) else "false"],
        }]
    return item


def render_finding_search(world: World, query: str | None, category_id: str | None, per_page: int, page: int,
                          seller_info: bool, day: int) -> str:
    """A Finding `findItemsAdvanced` response (every value an array of strings)."""
    items = search_items(world, query, category_id, day)
    chunk = items[(page - 1) * per_page:page * per_page]
    root = {
        "ack": ["Success"],
        "version": ["1.13.0"],
        "timestamp": ["2025-01-01T00:00:00.000Z"],
        "searchResult": [{"@count": str(len(chunk)), "item": [_finding_item(p, day, seller_info) for p in chunk]}],
        "paginationOutput": [{"pageNumber": [str(page)], "entriesPerPage": [str(per_page)],
                              "totalPages": [str(max(1, -(-len(items) // per_page)))],
                              "totalEntries": [str(len(items))]}],
        "itemSearchURL": [f"https://www.ebay.com/sch/i.html?_nkw={quote(query or '')}"],
    }
    return dump_json({"findItemsAdvancedResponse": [root]})


def compact_count(number: int) -> str:
    """eBay's abbreviated counts: `950`, `12K`, `1.2M`."""
    if number >= 1_000_000:
        return f"{number / 1_000_000:.1f}M".replace(".0M", "M")
    if number >= 10_000:
        return f"{round(number / 1000)}K"
    if number >= 1_000:
        return f"{number / 1000:.1f}K".replace(".0K", "K")
    return str(number)


def store_name(seller: Storefront) -> str:
    """The store's display name (the business's brand); its URL and id stay the username."""
    return seller.business.brand


def render_store(world: World, seller: Storefront, day: int) -> str:
    """A store front (`/str/<username>`) or member page (`/usr/<username>`) in the `str-*` layout."""
    business = seller.business
    username = esc(seller.seller_id)
    path = quote(seller.seller_id, safe="")
    year, month, dom = seller.created.split("-")
    since = f"{_MONTHS[int(month) - 1]} {dom}, {year}"
    address = f"{business.street}, {business.city}, {business.postcode}, {COUNTRY_NAMES[business.country]}"
    listings = f"{seller.listing_count:,}"
    return (
        '<!DOCTYPE html><html lang="en-US"><head><meta charset="utf-8">'
        f"<title>{esc(store_name(seller))} | eBay Stores</title>"
        f'<link rel="canonical" href="https://www.ebay.com/str/{path}"></head><body class="str-body">'
        '<div id="gh" class="gh-header"><a href="https://www.ebay.com" id="gh-la">eBay Home</a></div>'
        '<main id="mainContent" class="str-main"><section class="str-header"><div class="str-header__content">'
        '<div class="str-seller-card"><div class="str-seller-card__store-name">'
        f'<h1><a class="str-text-span" href="https://www.ebay.com/str/{path}">{esc(store_name(seller))}</a></h1></div>'
        '<div class="str-seller-card__store-stats"><div class="str-seller-card__store-stats-content">'
        f'<div><span class="str-text-span BOLD">{seller.positive_pct[day]:.1f}%</span> '
        '<span class="str-text-span">positive feedback</span></div>'
        f'<div><span class="str-text-span BOLD">{compact_count(seller.sales_count[day])}</span> '
        '<span class="str-text-span">items sold</span></div>'
        f'<div><span class="str-text-span BOLD">{compact_count(seller.followers)}</span> '
        '<span class="str-text-span">followers</span></div></div></div></div></div></section>'
        '<section class="str-search-wrap"><form class="str-search" method="get">'
        f'<input class="str-search__input" type="search" name="_nkw" placeholder="Search all {listings} items">'
        '</form></section><section class="str-items-grid">'
        + "".join(
            f'<article class="str-item-card"><a class="str-item-card__link" href="https://www.ebay.com/itm/'
            f'{p.product_id}"><div class="str-item-card__property-title"><span class="str-text-span">'
            f'{esc(p.title)}</span></div><div class="str-item-card__property-displayPrice">'
            f'<span class="str-text-span">${p.price:,.2f}</span></div></a></article>'
            for p in seller.products if p.exists(day)
        )
        + '</section><section class="str-about-description"><section class="str-about-description__seller-info">'
        '<span><span class="str-text-span SECONDARY">Location:&nbsp;</span>'
        f'<span class="str-text-span BOLD">{COUNTRY_NAMES[business.country]}</span></span>'
        '<span><span class="str-text-span SECONDARY">Member since:&nbsp;</span>'
        f'<span class="str-text-span BOLD">{since}</span></span>'
        '<span><span class="str-text-span SECONDARY">Seller:&nbsp;</span>'
        f'<span class="str-text-span BOLD">{username}</span></span></section></section>'
        '<section class="str-business-details"><h2 class="str-business-details__title">Business details</h2>'
        '<div class="str-business-details__seller-info">'
        '<span><span class="str-text-span SECONDARY">Business name:&nbsp;</span>'
        f'<span class="str-text-span BOLD">{esc(business.legal_name)}</span></span>'
        '<span><span class="str-text-span SECONDARY">Address:&nbsp;</span>'
        f'<span class="str-text-span BOLD">{esc(address)}</span></span>'
        f'{ebay_rows(business)}</div></section>'
        '<section class="str-feedback"><div class="fdbk-detail-list"><h2 class="fdbk-detail-list__title">'
        f'<span class="PSEUDOLINK">{username}</span> <span class="SECONDARY">({seller.lifetime_count[day]:,})</span>'
        f'</h2><a href="https://www.ebay.com/fdbk/feedback_profile/{path}">See all feedback</a></div></section>'
        "</main></body></html>"
    )


def render_oauth_error() -> str:
    """The identity service's answer to missing or malformed client credentials."""
    return dump_json({"error": "invalid_client", "error_description": "client authentication failed"})


def render_auth_error() -> str:
    """The Browse API's answer to a missing or unknown bearer token."""
    return dump_json({"errors": [{"errorId": 1001, "domain": "OAuth", "category": "REQUEST",
                                  "message": "Invalid access token",
                                  "longMessage": "Invalid access token. Check the value of the Authorization "
                                                 "HTTP request header."}]})


def render_captcha() -> str:
    """eBay's "Pardon Our Interruption" bot wall, served with HTTP 200."""
    return ('<!DOCTYPE html><html lang="en"><head><title>Pardon Our Interruption...</title></head><body>'
            '<div class="pgHeading"><h1>Pardon Our Interruption...</h1></div><p>As you were browsing something '
            "about your browser made us think you were a bot.</p>"
            '<a href="https://www.ebay.com/splashui/captcha?ap=1">Continue</a></body></html>')


DRIFT = {"itemSummaries": "itemSummariesV2", '"seller"': '"sellerDetails"', "sellerInfo": "sellerData",
         "searchResult": "searchResults", "str-seller-card": "str-merchant-card"}
