"""Allegro: offer and listing pages in two layouts mixed within one world, seller ratings pages and the DataDome
wall (Polish wording, decimal commas).

Listing and offer pages follow the real 2021 captures in shared/pages/allegro for about half of the queries and
products (the listing state as a JSON string inside the box JSON; brand zones; click-tracking links of sponsored
offers; an offer page's main box with offerTitle / sellerLogo / metaData.dataLayer / schema), the newer layout that
public scrapers read (scrapfly's allegro-scraper) for the others. Seller ratings pages follow the hand-made
fixtures: no capture of them exists.
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote, urlencode

from scout.replica.catalog import SEARCH_TERMS
from scout.replica.contact_markup import allegro_lines
from scout.replica.render import (
    NBSP,
    dump_json,
    esc,
    format_count,
    format_decimal,
    format_price,
    script_json,
    slugify,
)
from scout.replica.world import Product, Storefront, World, stable_random

COUNTRY_NAMES = {"PL": "Polska", "DE": "Niemcy", "CN": "Chiny", "US": "Stany Zjednoczone", "GB": "Wielka Brytania",
                 "FR": "Francja", "IT": "Włochy", "ES": "Hiszpania", "AR": "Argentyna", "AT": "Austria"}
PAGE_SIZE = 60


def is_super_seller(seller: Storefront, day: int) -> bool:
    """Allegro's Super Sprzedawca badge: a high recommendation rate on enough ratings."""
    return seller.positive_pct[day] >= 98.5 and seller.rating_count[day] >= 100


def offer_path(product: Product) -> str:
    """`/oferta/<slug>-<id>`."""
    return f"/oferta/{slugify(product.title).lower()}-{product.product_id}"


def _pct(seller: Storefront, day: int) -> str:
    return f"{format_decimal(seller.positive_pct[day], 1, 'pl')}%"


def is_2021(*key: object) -> bool:
    """Whether a page (a product's offer page, a query's listing page) is served in the 2021 layout."""
    return stable_random("allegro-era", *key).random() < 0.5


def render_offer(world: World, product: Product, day: int) -> str:
    """An offer page (`/oferta/<slug>-<id>`), in the 2021 layout or the newer one."""
    if is_2021(world.seed, product.product_id):
        return render_offer_2021(world, product, day)
    seller = product.seller
    assert seller is not None
    login = quote(seller.seller_id)
    price = format_price(product.price, "PLN", "pl").replace(".", NBSP)
    url = f"https://allegro.pl{offer_path(product)}"
    seller_box = {"sellerName": seller.seller_id, "sellerRating": _pct(seller, day),
                  "isSuperSeller": is_super_seller(seller, day),
                  "sellerListingUrl": f"https://allegro.pl/uzytkownik/{login}", "sellerId": str(seller.numeric_id)}
    price_box = {"price": {"formattedPrice": price, "currency": "PLN", "amount": f"{product.price:.2f}"}}
    return (
        '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8">'
        f"<title>{esc(product.title)} - Allegro.pl</title>"
        f'<meta property="og:title" content="{esc(product.title)}"><meta property="og:url" content="{url}">'
        f'<link rel="canonical" href="{url}"></head><body>'
        f'<div data-box-name="allegro.showoffer.header"><h1>{esc(product.title)}</h1></div>'
        f'<div data-box-name="allegro.showoffer.price" data-box-id="price{product.product_id}">'
        f'<div aria-label="cena {esc(price)}">{esc(price)}</div>'
        f'<script type="application/json" data-serialize-box-id="price{product.product_id}">{dump_json(price_box)}'
        "</script></div>"
        f'<div data-box-name="allegro.showoffer.sellerInfoHeader" data-box-id="seller{product.product_id}">'
        f'<a href="https://allegro.pl/uzytkownik/{login}">{esc(seller.seller_id)}</a>'
        f'<div><a href="https://allegro.pl/uzytkownik/{login}/oceny">Poleca {_pct(seller, day)} kupujących</a></div>'
        f'<script type="application/json" data-serialize-box-id="seller{product.product_id}">'
        f"{dump_json(seller_box).replace('<', chr(92) + 'u003c')}</script></div></body></html>"
    )


def render_seller(world: World, seller: Storefront, day: int) -> str:
    """A seller's ratings page (`/uzytkownik/<login>/oceny`)."""
    b = seller.business
    login = quote(seller.seller_id)
    badge = '<span class="mgn2_13">Super Sprzedawca</span>' if is_super_seller(seller, day) else ""
    # A Polish company's NIP is its VAT id without "PL"; a foreign one shows its own VAT id there.
    vat = b.vat_number
    nip = f"<p>NIP: {vat.removeprefix('PL') if vat.startswith('PL') else vat}</p>" if vat else ""
    return (
        '<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8">'
        f"<title>{esc(seller.seller_id)} - oceny sprzedającego - Allegro</title>"
        f'<link rel="canonical" href="https://allegro.pl/uzytkownik/{login}/oceny"></head><body><main>'
        f'<div data-box-name="SellerRatingsHeader"><div><h1>{esc(seller.seller_id)}</h1>{badge}</div>'
        f"<p><strong>Poleca {_pct(seller, day)} kupujących</strong></p>"
        f"<p>Na podstawie {format_count(seller.rating_count[day], 'fr')} ocen z ostatnich 12 miesięcy</p>"
        f"<p>Na Allegro od {seller.created[:4]} roku</p></div>"
        '<section data-box-name="SellerInfoCompany"><h2>Dane sprzedającego</h2><div>'
        f"<p>{esc(b.legal_name)}</p><p>{esc(b.street)}</p><p>{esc(b.postcode)} {esc(b.city)}</p>"
        f"<p>{COUNTRY_NAMES[b.country]}</p>{nip}{allegro_lines(b)}</div></section></main></body></html>"
    )


def search_products(world: World, query: str, day: int) -> list[Product]:
    """Listing results of a phrase: a category's ranking for its keyword, else title matches."""
    q = query.strip().lower()
    for category, term in SEARCH_TERMS.items():
        if q in (term, category):
            return world.ranking("allegro", "pl", category, day)
    words = q.split()
    return [p for p in world.products if p.marketplace == "allegro" and p.exists(day)
            and words and all(w in p.title.lower() for w in words)]


def _element(product: Product, day: int) -> dict[str, Any]:
    """One offer of the listing state, shaped as public scrapers read `__listing_StoreState.items.elements`."""
    seller = product.seller
    assert seller is not None
    uid = str(uuid.UUID(int=stable_random("allegro-product", product.product_id).getrandbits(128), version=4))
    return {"id": uid, "type": "offer", "context": "REGULAR", "name": product.title, "alt": product.title,
            "url": f"https://allegro.pl{offer_path(product)}",
            "mainThumbnail": f"https://a.allegroimg.com/s180/{product.product_id[-6:]}/{slugify(product.title)}",
            "seller": {"id": str(seller.numeric_id), "login": seller.seller_id, "company": True,
                       "superSeller": is_super_seller(seller, day)},
            "price": {"mainPrice": {"amount": f"{product.price:.2f}", "currency": "PLN"}},
            "deliveryInfo": {"text": "dostawa za darmo"},
            "eventData": {"offer_id": product.product_id, "product_id": uid}}


def render_listing(world: World, query: str, page: int, day: int) -> str:
    """A listing page (`/listing?string=`): article cards plus the serialized `__listing_StoreState`."""
    found = [p for p in search_products(world, query, day) if p.seller is not None]
    products = found[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    if is_2021(world.seed, query.strip().lower(), page):
        return render_listing_2021(world, query, page, products, len(found), day)
    cards = "".join(
        f'<article data-analytics-view-value="{p.product_id}"><h2><a href="https://allegro.pl{offer_path(p)}">'
        f"{esc(p.title)}</a></h2><span>{esc(format_price(p.price, 'PLN', 'pl'))}</span></article>"
        for p in products
    )
    elements = [{"id": "BEST_PRICE_GUARANTEE_BANNER", "type": "banner", "context": "BANNER"}] if products else []
    state = {"__listing_StoreState": {"items": {"elements": elements + [_element(p, day) for p in products]}}}
    meta = {"props": {"searchMeta": {"lastAvailablePage": max(1, -(-len(found) // PAGE_SIZE)),
                                     "totalCount": len(found), "phrase": query}}}
    return (f'<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>{esc(query)} - Allegro.pl</title>'
            f'<link rel="canonical" href="https://allegro.pl/listing?string={quote(query)}"></head><body>'
            f'<div data-box-name="allegro.listing.header" data-box-id="hdr"><h1>{esc(query)}</h1>'
            f'<script type="application/json" data-serialize-box-id="hdr">{script_json(meta)}</script></div>'
            f'<div data-box-name="items container" data-box-id="items"><section>{cards}</section>'
            f'<script type="application/json" data-serialize-box-id="items">{script_json(state)}</script>'
            "</div></body></html>")


# The category each world category is listed under: (department id, department, category id, category).
CATEGORY_PATHS: dict[str, tuple[str, str, str, str]] = {
    "electronics": ("42540aec-367a-4e5e-b411-17c09b08e41f", "Elektronika", "4", "Telefony i Akcesoria"),
    "tools": ("d5cfa2b9-3a5f-4c3c-9b1a-6f1d2c7e9a10", "Dom i Ogród", "1536", "Narzędzia"),
    "kitchen": ("d5cfa2b9-3a5f-4c3c-9b1a-6f1d2c7e9a10", "Dom i Ogród", "5312", "Wyposażenie kuchni"),
    "toys": ("0a1f6c55-8c4d-4d59-a1f2-7e7b3c0e5d21", "Dziecko", "11818", "Zabawki"),
    "beauty": ("6a3b1f0e-2c9d-4a7e-8f15-3d0c9b2a4e67", "Uroda", "1429", "Pielęgnacja"),
    "sports": ("3f2e8d1c-7b6a-4c5d-9e0f-1a2b3c4d5e6f", "Sport i turystyka", "3919", "Fitness"),
    "office": ("9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "Firma i usługi", "64540", "Biuro"),
    "pets": ("d5cfa2b9-3a5f-4c3c-9b1a-6f1d2c7e9a10", "Dom i Ogród", "1532", "Zwierzęta"),
}


def category_path(product: Product) -> str:
    """The category path a 2021 listing names for a product ("Elektronika > Telefony i Akcesoria")."""
    _, department, _, category = CATEGORY_PATHS[product.category]
    return f"{department} > {category}"


def is_brand_zone(seller: Storefront, day: int) -> bool:
    """Some super sellers list as a brand zone: "Oficjalny sklep <brand>" in place of their login."""
    return is_super_seller(seller, day) and stable_random("allegro-brandzone", seller.seller_id).random() < 0.4


def _element_2021(product: Product, position: int, sponsored: bool, day: int) -> dict[str, Any]:
    """One offer of a 2021 listing state, shaped as in the capture (seller id, login, feedback %, company)."""
    seller = product.seller
    assert seller is not None
    url = f"https://allegro.pl{offer_path(product)}"
    if sponsored:
        url = "https://allegro.pl/events/clicks?" + urlencode({"type": "OFFER", "redirect": url + "?bi_s=ads"})
    department_id, _, category_id, _ = CATEGORY_PATHS[product.category]
    shown = f"Oficjalny sklep {seller.business.brand}" if is_brand_zone(seller, day) else seller.seller_id
    seller_json: dict[str, Any] = {
        "id": str(seller.numeric_id), "superSeller": is_super_seller(seller, day), "login": shown,
        "userListingUrl": f"https://allegro.pl/uzytkownik/{quote(seller.seller_id)}",
        "positiveFeedbackPercent": seller.positive_pct[day], "company": is_company(seller)}
    if shown != seller.seller_id:
        seller_json["brandzone"] = {"name": "Oficjalny sklep"}
    return {"id": product.product_id, "url": url, "vendor": "allegro",
            "title": {"text": product.title, "bold": False, "superSeller": seller_json["superSeller"]},
            "type": "buyNow", "categoryPath": [department_id, category_id, f"{category_id}{len(product.title)}"],
            "price": {"normal": {"amount": f"{product.price:.2f}", "currency": "PLN"}}, "position": position,
            "seller": seller_json, "isSponsored": sponsored}


def is_company(seller: Storefront) -> bool:
    """A seller registered as a business (most are; a few sell as private persons)."""
    return stable_random("allegro-company", seller.seller_id).random() >= 0.1


def render_listing_2021(world: World, query: str, page: int, products: list[Product], total: int, day: int) -> str:
    """A listing page as in the 2021 capture: the state is a JSON string inside the items box's JSON."""
    sponsored = min(2, len(products) // 10)
    elements: list[dict[str, Any]] = [{"type": "label", "text": "Oferty promowane"}] if sponsored else []
    elements += [_element_2021(p, i, i < sponsored, day) for i, p in enumerate(products)]
    paths = {CATEGORY_PATHS[p.category] for p in products}
    suggested = [{"id": d, "name": dn, "alias": ""} for d, dn, _, _ in sorted(paths)[:1]]
    facets = [{"id": c, "name": cn, "count": 1} for _, _, c, cn in sorted(paths)]
    departments = [{"id": d, "name": dn, "count": 1} for d, dn, _, _ in sorted(paths)]
    pages = max(1, -(-total // PAGE_SIZE))
    state = {"aboveTheFoldCount": 2, "items": {
        "elements": elements, "pageUrl": f"https://allegro.pl/listing?string={quote(query)}&p={page}",
        "searchMeta": {"availableCount": total, "totalCount": total, "lastAvailablePage": pages,
                       "filtersSuggestedCategory": {"path": suggested}},
        "searchPhrase": query, "listingType": "base"}}
    box = {"nonce": "REPLICA", "listingType": "base", "__listing_StoreState": dump_json(state)}
    meta = {"props": {"searchMeta": {"totalCount": total, "lastAvailablePage": pages}}}
    return (f'<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>{esc(query)} - Allegro.pl</title>'
            f'<link rel="canonical" href="https://allegro.pl/listing?string={quote(query)}"></head><body>'
            f'<script type="application/json" data-serialize-box-id="meta2021">{script_json(meta)}</script>'
            '<script type="application/json" data-serialize-box-id="categories2021">'
            f'{script_json({"baseUrl": "https://allegro.pl/listing", "categories": facets + departments})}</script>'
            f'<div data-box-name="Listing"><script type="application/json" data-serialize-box-id="items2021">'
            f"{script_json(box)}</script></div></body></html>")


def render_offer_2021(world: World, product: Product, day: int) -> str:
    """An offer page as in the 2021 capture: one main box (offerTitle, sellerLogo, metaData.dataLayer, schema)."""
    seller = product.seller
    assert seller is not None
    login = quote(seller.seller_id)
    url = f"https://allegro.pl{offer_path(product)}"
    department_id, department, category_id, category = CATEGORY_PATHS[product.category]
    whole, _, cents = f"{product.price:.2f}".partition(".")
    layer = {"idItem": product.product_id, "headNavigation": category, "categoryPath": f"{category_id}",
             "idCategory": category_id, "nameCategory": category, "sellerName": seller.seller_id,
             "price": float(product.price), "pageType": "detail", "department": department,
             "offerName": product.title, "sellerId": str(seller.numeric_id)}
    box = {"offerTitle": {"title": product.title, "sellerName": seller.seller_id,
                          "superSellerActive": is_super_seller(seller, day) or None, "sellerRating": _pct(seller, day),
                          "sellerUrl": f"https://allegro.pl/uzytkownik/{login}/sklep"},
           "price": {"priceInteger": whole, "priceFraction": cents},
           "sellerLogo": {"sellerUrl": f"https://allegro.pl/uzytkownik/{login}", "sellerName": seller.seller_id},
           "transactionSection": {"precartData": {"sellerId": str(seller.numeric_id), "price": whole + cents}},
           "schema": {"url": url, "name": product.title, "sku": product.product_id, "price": f"{product.price:.2f}",
                      "priceCurrency": "PLN"},
           "metaData": {"dataLayer": layer, "canonicalUrl": url}}
    return ('<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8">'
            f"<script>dataLayer=[{script_json(layer)}]</script><title>{esc(product.title)} - Allegro.pl</title>"
            f'<meta property="og:title" content="{esc(product.title)}">'
            f'<meta property="og:url" content="{url}?utm_medium=LikeButton&amp;utm_source=Facebook">'
            f'<link rel="canonical" href="{url}"></head><body><div data-box-name="showoffer.productHeader">'
            f'<h1>{esc(product.title)}</h1><script type="application/json" data-serialize-box-id="main{department_id}">'
            f"{script_json(box)}</script></div></body></html>")


def render_captcha() -> str:
    """DataDome's wall on allegro.pl, served with HTTP 200."""
    return ('<html lang="pl"><head><title>allegro.pl</title></head><body><p>Potwierdź, że jesteś człowiekiem</p>'
            '<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>')


DRIFT = {"sellerName": "merchantName", "data-serialize-box-id": "data-box-json", "Poleca": "Rekomenduje",
         " ocen ": " opinii ", "__listing_StoreState": "__listing_State", '"login"': '"userName"',
         '\\"login\\"': '\\"userName\\"'}
