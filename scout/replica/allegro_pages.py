"""Allegro: offer pages with serialized seller/price boxes, seller ratings pages, listing pages, and the
DataDome wall, in the markup of the hand-made fixtures (Polish wording, decimal commas).
"""

from __future__ import annotations

from urllib.parse import quote

from scout.replica.catalog import SEARCH_TERMS
from scout.replica.render import NBSP, dump_json, esc, format_count, format_decimal, format_price, slugify
from scout.replica.world import Product, Storefront, World

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
        f"<p>{COUNTRY_NAMES[b.country]}</p><p>NIP: {seller.numeric_id:010d}</p></div></section></main></body></html>"
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


def render_listing(world: World, query: str, page: int, day: int) -> str:
    """A listing page (`/listing?string=`): article cards linking offers (no parser reads it: links only)."""
    products = search_products(world, query, day)[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]
    cards = "".join(
        f'<article data-analytics-view-value="{p.product_id}"><h2><a href="https://allegro.pl{offer_path(p)}">'
        f"{esc(p.title)}</a></h2><span>{esc(format_price(p.price, 'PLN', 'pl'))}</span></article>"
        for p in products
    )
    return (f'<!DOCTYPE html><html lang="pl"><head><meta charset="utf-8"><title>{esc(query)} - Allegro</title>'
            f'</head><body><main><div data-box-name="Listing">{cards}</div></main></body></html>')


def render_captcha() -> str:
    """DataDome's wall on allegro.pl, served with HTTP 200."""
    return ('<html lang="pl"><head><title>allegro.pl</title></head><body><p>Potwierdź, że jesteś człowiekiem</p>'
            '<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>')


DRIFT = {"sellerName": "merchantName", "data-serialize-box-id": "data-box-json", "Poleca": "Rekomenduje",
         " ocen ": " opinii "}
