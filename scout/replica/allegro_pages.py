"""Allegro: offer pages with serialized seller/price boxes, seller ratings pages, listing pages carrying
`__listing_StoreState`, and the DataDome wall, in the markup of the hand-made fixtures (Polish wording,
decimal commas).
"""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import quote

from scout.replica.catalog import SEARCH_TERMS
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
                 "FR": "Francja", "IT": "Włochy", "ES": "Hiszpania", "AR": "Argentyna"}
PAGE_SIZE = 60


def is_super_seller(seller: Storefront, day: int) -> bool:
    """Allegro's Super Sprzedawca badge: a high recommendation rate on enough ratings."""
    return seller.positive_pct[day] >= 98.5 and seller.rating_count[day] >= 100


def offer_path(product: Product) -> str:
    """`/oferta/<slug>-<id>`."""
    return f"/oferta/{slugify(product.title).lower()}-{product.product_id}"


def _pct(seller: Storefront, day: int) -> str:
    return f"{format_decimal(seller.positive_pct[day], 1, 'pl')}%"


def render_offer(world: World, product: Product, day: int) -> str:
    """An offer page (`/oferta/<slug>-<id>`)."""
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
        f"<p>{COUNTRY_NAMES[b.country]}</p>{nip}</div></section></main></body></html>"
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


def render_captcha() -> str:
    """DataDome's wall on allegro.pl, served with HTTP 200."""
    return ('<html lang="pl"><head><title>allegro.pl</title></head><body><p>Potwierdź, że jesteś człowiekiem</p>'
            '<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>')


DRIFT = {"sellerName": "merchantName", "data-serialize-box-id": "data-box-json", "Poleca": "Rekomenduje",
         " ocen ": " opinii ", "__listing_StoreState": "__listing_State"}
