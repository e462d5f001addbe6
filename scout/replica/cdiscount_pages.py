"""Cdiscount: marketplace offer lists (`/mp-<node>-<sku>.html`), seller shop pages (`/mpv-<id>-<slug>.html`),
search pages (`ul#lpBloc` cards linking offer lists), and the "trafic inhabituel" wall, in the markup of the
hand-made fixtures.
"""

from __future__ import annotations

import re
from urllib.parse import quote_plus

from scout.replica.catalog import CDISCOUNT_BREADCRUMBS, SEARCH_TERMS
from scout.replica.contact_markup import cdiscount_items
from scout.replica.render import esc, format_count, format_decimal, format_price, slugify
from scout.replica.world import Product, Storefront, World, stable_random

COUNTRY_NAMES = {"FR": "France", "CN": "Chine", "DE": "Allemagne", "ES": "Espagne", "IT": "Italie",
                 "GB": "Royaume-Uni", "PL": "Pologne", "US": "États-Unis", "AR": "Argentine", "AT": "Autriche"}
NODE = 1062
SEARCH_PAGE_SIZE = 100


def slug(seller: Storefront) -> str:
    """The seller's URL slug (`HIFIVISION`)."""
    return re.sub(r"[^A-Za-z0-9]", "", seller.name.upper()) or "VENDEUR"


def seller_path(seller: Storefront) -> str:
    """`/mpv-<id>-<slug>.html`."""
    return f"/mpv-{seller.seller_id}-{slug(seller)}.html"


def offers_path(product: Product) -> str:
    """`/mp-<node>-<sku>.html`."""
    return f"/mp-{NODE}-{product.product_id}.html"


def offer_sellers(world: World, product: Product, day: int) -> list[Storefront | None]:
    """The product's seller, up to two other shops, sometimes Cdiscount itself (None) first."""
    rng = stable_random(world.seed, product.product_id, "cd-offers")
    pool = [s for s in world.storefronts_on("cdiscount", "com") if s.exists(day) and s is not product.seller]
    sellers: list[Storefront | None] = [None] if rng.random() < 0.25 else []
    sellers.append(product.seller)
    sellers += rng.sample(pool, min(len(pool), rng.randint(0, 2)))
    return sellers


def _figures(seller: Storefront, day: int) -> tuple[str, str, str]:
    stars = format_decimal(seller.stars[day], 1, "fr")
    return stars, format_count(seller.rating_count[day], "fr"), format_count(seller.sales_count[day], "fr")


def render_offers(world: World, product: Product, day: int) -> str:
    """A product's marketplace offers list, one `.fpTab` row per offer."""
    rows = []
    for index, seller in enumerate(offer_sellers(world, product, day)):
        price = esc(format_price(product.price + index, "EUR", "fr"))
        if seller is None:
            rows.append('<div class="fpTab fpFirstOffer"><div class="fpSlrName"><span class="slrName">Cdiscount</span>'
                        '<span class="slrType">Vendu et expédié par Cdiscount</span></div>'
                        f'<div class="fpSlrPrice"><p class="price">{price}</p></div></div>')
            continue
        stars, count, sales = _figures(seller, day)
        rows.append(
            f'<div class="fpTab"><div class="fpSlrName"><a class="slrName" href="https://www.cdiscount.com'
            f'{seller_path(seller)}" title="{esc(seller.name)}">{esc(seller.name)}</a>'
            '<span class="slrType">Vendeur professionnel</span></div>'
            f'<div class="fpSlrRating"><span class="fpStars" title="Note moyenne {stars}/5">{stars}/5</span> '
            f'<span class="fpNbRating">({count} avis)</span></div><div class="fpSlrSales">{sales} ventes</div>'
            f'<div class="fpSlrPrice"><p class="price">{price}</p></div></div>'
        )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{esc(product.title)} - Cdiscount</title>"
        f'<link rel="canonical" href="https://www.cdiscount.com{offers_path(product)}"></head><body>'
        '<div id="header"><a href="https://www.cdiscount.com/" title="Cdiscount">Cdiscount</a></div>'
        + _breadcrumb(product) +
        f'<div id="fpBlocProduct"><h1 class="MpProductTitle">{esc(product.title)}</h1>'
        f'<div class="WantButton" data-productid="{product.product_id.upper()}"></div></div>'
        f'<div id="fpmHeader"><span class="fpmNbOffers">{len(rows)} offres</span></div>'
        f'<form name="PageForm" method="post" action="{offers_path(product)}"><div id="fpmContent">'
        + "".join(rows) + "</div></form></body></html>"
    )


def _breadcrumb(product: Product) -> str:
    """The product's category trail as schema.org BreadcrumbList microdata."""
    items = [(f"https://www.cdiscount.com/{'' if i == 0 else product.category + '/'}", name) for i, name in
             enumerate(("Accueil", *CDISCOUNT_BREADCRUMBS[product.category]))]
    return ('<ol id="bc" itemscope itemtype="https://schema.org/BreadcrumbList">' + "".join(
        f'<li itemprop="itemListElement" itemscope itemtype="https://schema.org/ListItem"><a itemprop="item" '
        f'href="{esc(href)}"><span itemprop="name">{esc(name)}</span></a><meta itemprop="position" '
        f'content="{n}"></li>' for n, (href, name) in enumerate(items, start=1)) + "</ol>")


def render_seller(world: World, seller: Storefront, day: int) -> str:
    """A seller's shop page."""
    b = seller.business
    legal_form, contacts = cdiscount_items(b)
    stars, count, sales = _figures(seller, day)
    year, month, dom = seller.created.split("-")
    items = "".join(
        f'<li data-sku="{p.product_id}"><a href="https://www.cdiscount.com{offers_path(p)}">'
        f'<div class="prdtBTit">{esc(p.title)}</div></a><div class="lpPrice">'
        f'{esc(format_price(p.price, "EUR", "fr"))}</div></li>'
        for p in seller.products if p.exists(day)
    )
    return (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>{esc(seller.name)} - Boutique Cdiscount</title>"
        f'<link rel="canonical" href="https://www.cdiscount.com{seller_path(seller)}"></head><body>'
        '<div id="header"><a href="https://www.cdiscount.com/" title="Cdiscount">Cdiscount</a></div>'
        f'<form name="TechnicalForm" method="get" action="{seller_path(seller)}">'
        f'<input type="hidden" name="TechnicalForm.SellerId" value="{seller.seller_id}">'
        '<input type="hidden" name="TechnicalForm.PageType" value="MARKETPLACE_SELLERSHOP"></form>'
        f'<div class="slrShopHeader"><h1 class="slrShopName">{esc(seller.name)}</h1><div class="slrShopRating">'
        f'<span class="fpStars" title="Note moyenne {stars}/5">{stars}/5</span> '
        f'<a href="#slrRatings" class="slrNbRating">({count} avis)</a></div><ul class="slrShopFacts">'
        f'<li class="slrType">Vendeur professionnel</li><li class="slrSales">{sales} ventes</li>'
        f'<li class="slrSince">Vendeur sur Cdiscount depuis le {dom}/{month}/{year}</li></ul></div>'
        '<div class="slrShopInfos" id="slrInfos"><h2>Informations légales</h2><ul class="slrLegal">'
        f"<li><span>Raison sociale :</span> {esc(b.legal_name)}</li>{legal_form}"
        f"<li><span>Adresse :</span> {esc(b.street)}, {esc(b.postcode)} {esc(b.city)}</li>"
        f"<li><span>Pays :</span> {COUNTRY_NAMES[b.country]}</li>"
        + (f"<li><span>N° TVA :</span> {b.vat_number}</li>" if b.vat_number else "")
        + f"{contacts}</ul></div>"
        f'<div id="lpContent"><ul>{items}</ul></div></body></html>'
    )


def search_products(world: World, query: str, day: int) -> list[Product]:
    """Search results of a keyword: a category's ranking for its keyword, else title matches."""
    q = query.strip().lower()
    for category, term in SEARCH_TERMS.items():
        if q in (term, category):
            return world.ranking("cdiscount", "com", category, day)
    words = q.split()
    return [p for p in world.products if p.marketplace == "cdiscount" and p.exists(day)
            and words and all(w in p.title.lower() for w in words)]


def product_path(product: Product) -> str:
    """`/<rayon>/<slug>/f-<node>-<sku>.html`: the product page a search card links."""
    return f"/{product.category}/{slugify(product.title).lower()}/f-{NODE}-{product.product_id}.html"


def _search_card(product: Product, day: int) -> str:
    url = f"https://www.cdiscount.com{product_path(product)}"
    count = product.rating_count[day]
    stars = format_decimal(product.stars, 1, "fr")
    rating = (f'<div class="prdtBStar"><span class="c-stars-rating" title="Note moyenne {stars}/5">'
              f'<span class="c-stars-rating__fill" style="width:{round(product.stars * 20)}%"></span></span>'
              f'<span class="prdtBStCount">({format_count(count, "fr")} avis)</span></div>') if count else ""
    whole, cents = f"{product.price:.2f}".split(".")
    sold_by = f"Vendu par {esc(product.seller.name)}" if product.seller else "Vendu et expédié par Cdiscount"
    return (
        f'<li data-sku="{product.product_id.upper()}" class="abLabel"><div class="prdtBloc">'
        '<form method="post" action="/Basket/AddToBasket">'
        f'<div class="prdtBILImg"><a href="{url}"><img class="prdtBImg" alt="{esc(product.title)}" '
        f'data-src="https://www.cdiscount.com/pdt2/300x300/{product.product_id}.jpg"></a></div>'
        f'<div class="prdtBILDetails"><a href="{url}" title="{esc(product.title)}">'
        f'<div class="prdtBTit">{esc(product.title)}</div></a>{rating}</div>'
        f'<div class="prdtBILPrice"><div class="prdtPrice"><span class="price priceColor">'
        f'{format_count(int(whole), "fr")}€<sup>{cents}</sup></span></div>'
        f'<span class="prdtSoldBy">{sold_by}</span></div>'
        f'<a class="lpSeeMoreOffers" href="https://www.cdiscount.com{offers_path(product)}">Voir les offres</a>'
        f'<input type="hidden" name="ProductId" value="{product.product_id.upper()}"></form></div></li>'
    )


def render_search(world: World, query: str, day: int) -> str:
    """A search page (`/search/10/<q>.html`): `ul#lpBloc` cards, each linking the product's offers list."""
    products = search_products(world, query, day)
    cards = "".join(_search_card(p, day) for p in products[:SEARCH_PAGE_SIZE])
    found = (f'<span class="lpNbResults">{format_count(len(products), "fr")} résultats</span>' if products
             else "<p>Aucun résultat ne correspond à votre recherche</p>")
    return (f'<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>{esc(query)} - Achat / Vente pas '
            f'cher | Cdiscount</title><link rel="canonical" href="https://www.cdiscount.com/search/10/'
            f'{quote_plus(query)}.html"></head><body>'
            '<div id="header"><a href="https://www.cdiscount.com/" title="Cdiscount">Cdiscount</a></div>'
            f'<div id="lpContent"><div class="lpTopBox"><h1 class="lpStTit">{esc(query)}</h1>{found}</div>'
            f'<div id="sContent" class="jsTab"><ul id="lpBloc">{cards}</ul></div></div></body></html>')


def render_captcha() -> str:
    """Cdiscount's bot-protection page, served with HTTP 200."""
    return ('<html lang="fr"><head><title>Cdiscount</title></head><body><h1>Nous avons détecté un trafic '
            'inhabituel depuis votre réseau</h1><script src="https://ct.captcha-delivery.com/c.js"></script>'
            "</body></html>")


DRIFT = {"fpmContent": "offersContainer", "slrName": "sellerLabel", "TechnicalForm.SellerId": "Tech.Seller",
         " avis)": " évaluations)", " ventes": " commandes", "/5<": "<",
         'id="lpBloc"': 'id="lpResults"'}
