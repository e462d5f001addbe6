"""Amazon product pages (`/dp/ASIN`) in the structure of the real captures in shared/pages/amazon/product.

Each product is shown in one era, chosen per product so one world mixes them: the 2018-2019 layout (the seller in
`#merchant-info`'s sentence with an at-a-glance link, prices as "EUR 11,51", `#mbc` rows whose seller id sits only
in the popover JSON's `me=`, `#SalesRank`) or the 2023 layout (`#tabular-buybox`, `#corePrice_feature_div`, `#mbc`
rows linking `/gp/aag/main?seller=` with "(N ratings) P% positive over last 12 months", inline CSS naming
`#aod-pinned-offer`), in the site's language; some amazon.de pages of 2023 are served in English under `/-/en/`
links, as the capture is. Some products are unavailable or have no featured offer; on some third-party products
Amazon holds the buy box and the seller is among the other sellers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from scout.replica.amazon_pages import (
    AMAZON_IDS,
    EN_CATEGORIES,
    PAGE_TAIL,
    WORDS,
    offer_price,
    offer_sellers,
    page_head,
    product_path,
)
from scout.replica.render import esc, format_count, format_price, group_digits
from scout.replica.world import Product, Storefront, World, stable_random

ERAS = ("2019", "2023")
FEATURED, NO_FEATURED, UNAVAILABLE = "featured", "no featured offer", "unavailable"


@dataclass(frozen=True, slots=True)
class _DpWords:
    self_shipped: str  # "Ships from and sold by {seller}."
    fba: str  # "Sold by {seller} and {fulfilled}."
    fulfilled: str
    amazon: str  # Amazon's own sentence
    amazon_name: str  # Amazon's name in the other sellers' rows
    others: str
    sold_by: str  # the rows' "Sold by:"
    add: str
    unavailable: str
    see_all: str
    feedback: str  # "({count} ratings) {pct}% positive over last 12 months"
    rank_label: str
    rank: str  # "#{rank} in {category}"
    top: str  # "See Top 100 in {category}"
    gift: str
    labels: tuple[str, str]  # the tabular buy box's "Ships from", "Sold by"
    used_new: str  # "{count} used & new from {price}"




def _english(ships: str, amazon_name: str, add: str) -> _DpWords:
    """The English words, "Ships from" (amazon.com) or "Dispatched from" (amazon.co.uk, amazon.de in English)."""
    verb = "Ships from" if ships == "Ships from" else "Dispatched from"
    return _DpWords(f"{verb} and sold by {{seller}}.", "Sold by {seller} and {fulfilled}.", "Fulfilled by Amazon",
                    f"{verb} and sold by {amazon_name}.", amazon_name, "Other Sellers on Amazon", "Sold by:", add,
                    "Currently unavailable.", "See All Buying Options",
                    "({count} ratings) {pct}% positive over last 12 months", "Best Sellers Rank",
                    "#{rank} in {category}", "See Top 100 in {category}", "Gift-wrap available.", (ships, "Sold by"),
                    "{count} used & new from {price}")


DP_WORDS: dict[str, _DpWords] = {
    "com": _english("Ships from", "Amazon.com", "Add to Cart"),
    "co.uk": _english("Dispatches from", "Amazon", "Add to Basket"),
    "de-en": _english("Dispatches from", "Amazon", "Add to Basket"),
    "de": _DpWords("Verkauf und Versand durch {seller}.", "Verkauf durch {seller} und {fulfilled}.",
                   "Versand durch Amazon", "Verkauf und Versand durch Amazon.", "Amazon", "Andere Verkäufer auf Amazon",
                   "Verkauft von:", "In den Einkaufswagen", "Derzeit nicht verfügbar.", "Alle Angebote anzeigen",
                   "({count} Bewertungen) {pct} % positiv in den letzten 12 Monaten", "Amazon Bestseller-Rang",
                   "Nr. {rank} in {category}", "Siehe Top 100 in {category}", "Geschenkverpackung verfügbar.",
                   ("Versand", "Verkäufer"), "{count} neu & gebraucht ab {price}"),
    "fr": _DpWords("Expédié et vendu par {seller}.", "Vendu par {seller} et {fulfilled}.", "expédié par Amazon",
                   "Expédié et vendu par Amazon.", "Amazon", "Autres vendeurs sur Amazon", "Vendu par :",
                   "Ajouter au panier", "Actuellement indisponible.", "Voir toutes les offres",
                   "({count} évaluations) {pct} % positives au cours des 12 derniers mois",
                   "Classement des meilleures ventes d'Amazon", "{rank} en {category}",
                   "Voir les 100 premiers en {category}", "Emballage cadeau disponible.", ("Expédié par", "Vendu par"),
                   "{count} neufs & d'occasion à partir de {price}"),
    "es": _DpWords("Vendido y enviado por {seller}.", "Vendido por {seller} y {fulfilled}.", "enviado por Amazon",
                   "Vendido y enviado por Amazon.", "Amazon", "Otros vendedores en Amazon", "Vendido por:",
                   "Añadir a la cesta", "No disponible.", "Ver todas las opciones de compra",
                   "({count} valoraciones) {pct} % positivas en los últimos 12 meses",
                   "Clasificación en los más vendidos de Amazon", "nº{rank} en {category}",
                   "Ver el Top 100 en {category}", "Disponible para envolver para regalo.",
                   ("Enviado desde", "Vendido por"), "{count} nuevos y de segunda mano desde {price}"),
    "it": _DpWords("Venduto e spedito da {seller}.", "Venduto da {seller} e {fulfilled}.", "spedito da Amazon",
                   "Venduto e spedito da Amazon.", "Amazon", "Altri venditori su Amazon", "Venduto da:",
                   "Aggiungi al carrello", "Attualmente non disponibile.", "Visualizza tutte le offerte",
                   "({count} valutazioni) {pct}% positivo negli ultimi 12 mesi",
                   "Posizione nella classifica Bestseller di Amazon", "n. {rank} in {category}",
                   "Visualizza i Top 100 nella categoria {category}", "Confezione regalo disponibile.",
                   ("Spedito da", "Venduto da"), "{count} nuovi e usati da {price}"),
}
# The 2023 pages' inline CSS names the offers panel they do not have (as the capture's does).
_STYLE_2023 = ("<style>#all-offers-display #aod-pinned-offer .aod-delivery-morelink{display:none}"
               "#all-offers-display .aod-pinned-offer{top:0;z-index:1000000;background:#fff}</style>")


@dataclass(frozen=True, slots=True)
class ProductView:
    """How a product page shows a product on a day: era, language, state, the buy box and the other sellers."""

    era: str
    language: str  # a DP_WORDS key: the site, or "de-en" for amazon.de served in English
    state: str  # FEATURED, NO_FEATURED or UNAVAILABLE
    featured: Storefront | None = None  # the buy box's seller; None with FEATURED is Amazon itself
    fba: bool = False  # Amazon ships the featured offer
    others: list[tuple[Storefront | None, Decimal]] = field(default_factory=list)  # None: Amazon
    breadcrumbs: bool = True


def product_view(world: World, product: Product, day: int) -> ProductView:
    """The page a product gets: stable per product, so a world mixes eras, languages and states."""
    rng = stable_random(world.seed, product.product_id, "dp")
    era = ERAS[rng.random() >= 0.45]
    language = "de-en" if product.site == "de" and era == "2023" and rng.random() < 0.35 else product.site
    roll, amazon_wins, fba, crumbs = rng.random(), rng.random(), rng.random() < 0.6, rng.random() >= 0.15
    priced = [(seller, offer_price(product, i)) for i, seller in enumerate(offer_sellers(world, product, day))]
    if roll < 0.05:
        return ProductView(era, language, UNAVAILABLE, breadcrumbs=crumbs)
    if roll < 0.09:
        return ProductView(era, language, NO_FEATURED, others=priced, breadcrumbs=crumbs)
    if product.seller is not None and amazon_wins < 0.12:  # Amazon holds the buy box of a third party's product
        return ProductView(era, language, FEATURED, None, True, [p for p in priced if p[0] is not None], crumbs)
    featured = product.seller
    return ProductView(era, language, FEATURED, featured, fba or featured is None, priced[1:], crumbs)


def _price(amount: Decimal, currency: str, view: ProductView) -> str:
    """A price as the era and language print it: "EUR 11,51" (2019 euro sites), "€431.55" (English), "19,99 €"."""
    whole, _, cents = f"{amount:.2f}".partition(".")
    if currency == "EUR" and view.era == "2019":
        return f"EUR {group_digits(int(whole), '.')},{cents}"
    if currency == "EUR" and view.language == "de-en":
        return f"€{group_digits(int(whole), ',')}.{cents}"
    return format_price(amount, currency, _locale(view))


def _locale(view: ProductView) -> str:
    return WORDS[view.language].locale if view.language in WORDS else "en"


def _seller_href(view: ProductView, product: Product, seller_id: str, fba: bool | None, aag: bool = False) -> str:
    prefix = "/-/en" if view.language == "de-en" else ""
    path = "/gp/aag/main" if aag else "/gp/help/seller/at-a-glance.html/ref=dp_merchant_link"
    flag = "" if fba is None else f"&amp;isAmazonFulfilled={int(fba)}"
    return f"{prefix}{path}?ie=UTF8&amp;seller={seller_id}&amp;asin={product.product_id}{flag}"


def _category_name(product: Product, view: ProductView) -> str:
    return (EN_CATEGORIES if view.language == "de-en" else WORDS[product.site].categories)[product.category]


def _breadcrumbs(product: Product, view: ProductView) -> str:
    if not view.breadcrumbs:
        return ""
    return ('<div id="wayfinding-breadcrumbs_feature_div" class="a-section a-spacing-none a-padding-medium">'
            '<ul class="a-unordered-list a-horizontal a-size-small"><li><span class="a-list-item">'
            '<a class="a-link-normal a-color-tertiary" href="/b/ref=dp_bc_aui_C_1?ie=UTF8&amp;node=1">'
            f"{esc(_category_name(product, view))}</a></span></li></ul></div>")


def _sales_rank(world: World, product: Product, view: ProductView, day: int) -> str:
    w = DP_WORDS[view.language]
    category = esc(_category_name(product, view))
    rank = format_count(world.rank_of(product, day) or 1, _locale(view))
    line = f'{w.rank.format(rank=rank, category=category)} (<a href="/gp/bestsellers">' \
           f"{w.top.format(category=category)}</a>)"
    if view.era == "2019":
        return f'<ul><li id="SalesRank"><b>{esc(w.rank_label)}:</b> {line}</li></ul>'
    return (f'<table id="productDetails_detailBullets_sections1" class="a-keyvalue prodDetTable"><tr>'
            f'<th class="a-color-secondary a-size-base prodDetSectionEntry">{esc(w.rank_label)}</th>'
            f"<td><span><span>{line}</span></span></td></tr></table>")


def _featured_2019(product: Product, view: ProductView, price: str) -> str:
    w = DP_WORDS[view.language]
    seller = view.featured
    if view.state == UNAVAILABLE:
        return ('<div id="outOfStock" class="a-box a-alert-inline a-alert-inline-warning"><div class="a-box-inner">'
                f'<span class="a-color-price a-text-bold">{esc(w.unavailable)}</span></div></div>'
                '<div id="merchant-info" class="a-section a-spacing-mini">\n    \n<span class=""></span></div>')
    if view.state == NO_FEATURED:
        lowest = min((p for _, p in view.others), default=product.price)
        offers = w.used_new.format(count=len(view.others), price=_price(lowest, product.currency, view))
        return ('<div id="unqualifiedBuyBox" class="a-box"><div class="a-box-inner"><span class="a-color-price">'
                f"{esc(offers)}</span>"
                f'<span id="buybox-see-all-buying-choices" class="a-button"><a href="/gp/offer-listing/'
                f'{product.product_id}/ref=dp_olp_unqualified?ie=UTF8&amp;condition=all">{esc(w.see_all)}</a>'
                "</span></div></div>")
    if seller is None:
        sentence = esc(w.amazon)
    else:
        link = f'<a href="{_seller_href(view, product, seller.seller_id, True if view.fba else None)}">' \
               f"{esc(seller.name)}</a>"
        fulfilled = ('<a href="/gp/help/customer/display.html?ie=UTF8&amp;ref=dp_fulfillment&amp;nodeId=201021200" '
                     f'id="SSOFpopoverLink">{esc(w.fulfilled)}</a>')
        sentence = (w.fba if view.fba else w.self_shipped).format(seller=link, fulfilled=fulfilled)
    return (f'<span id="price_inside_buybox" class="a-size-medium a-color-price">{price}</span>'
            f'<div id="merchant-info" class="a-section a-spacing-mini">\n    {sentence}\n'
            f'<span class="">{esc(w.gift)}</span></div>')


def _row_label(label: str, value: str) -> str:
    return (f'<div class="tabular-buybox-label" tabular-attribute-name="{esc(label)}"><div class="a-spacing-none">'
            f'<span class="a-size-small a-color-tertiary">{esc(label)}</span></div></div>'
            f'<div class="tabular-buybox-text" tabular-attribute-name="{esc(label)}">'
            '<div class="tabular-buybox-text a-spacing-none">'
            f'<span class="a-size-small tabular-buybox-text-message">{value}</span></div></div>')


def _featured_2023(product: Product, view: ProductView) -> str:
    w = DP_WORDS[view.language]
    seller = view.featured
    if view.state == UNAVAILABLE:
        return (f'<div id="outOfStock" class="a-box-group"><span class="a-color-price a-text-bold">'
                f"{esc(w.unavailable)}</span></div>")
    if view.state == NO_FEATURED:
        return (f'<div id="buybox-see-all-buying-choices" class="a-button-stack"><span class="a-button">'
                f'<a href="/gp/offer-listing/{product.product_id}/ref=dp_olp_NEW_mbc?ie=UTF8&amp;condition=NEW" '
                f'class="a-button-text">{esc(w.see_all)}</a></span></div>')
    ships = "Amazon" if view.fba else esc(seller.name if seller else "Amazon")
    sold = "Amazon" if seller is None else (
        f'<a id="sellerProfileTriggerId" href="{_seller_href(view, product, seller.seller_id, view.fba)}">'
        f"{esc(seller.name)}</a>")
    ships_label, sold_label = w.labels
    return ('<div id="tabular-buybox" class="a-section a-spacing-base tabular-buybox">'
            '<div class="tabular-buybox-container">'
            f"{_row_label(ships_label, ships)}{_row_label(sold_label, sold)}</div></div>")


def _other_row_2019(index: int, product: Product, view: ProductView, seller: Storefront | None,
                    price: Decimal) -> str:
    w = DP_WORDS[view.language]
    name = w.amazon_name if seller is None else seller.name
    seller_id = AMAZON_IDS[product.site] if seller is None else seller.seller_id
    popover = {"cache": "true", "closeButton": "false", "name": name, "width": "280", "header": "",
               "position": "triggerLeft", "scrollable": "false",
               "url": f"/gp/product/du/mbc-seller-information.html/ref=dp_mbc_info_{index}?c=new&a="
                      f"{product.product_id}&me={seller_id}&brand=null&isUDP=1&isAGS=0"}
    return ('<div class="a-box mbc-offer-row pa_mbc_on_amazon_offer"><div class="a-box-inner a-padding-small">'
            f'<span class="a-declarative" data-action="a-popover" data-a-popover="{esc(json.dumps(popover))}">'
            f'<div class="a-row"><div class="a-section a-spacing-none"><span id="mbc-price-{index + 1}" '
            f'class="a-size-medium a-color-price">{_price(price, product.currency, view)}</span></div>'
            f'<div id="mbc-sold-by-{index + 1}" class="a-section a-spacing-none"><span class="a-size-small '
            f'a-color-secondary">{esc(w.sold_by)}</span><span class="a-size-small mbcMerchantName">{esc(name)}'
            "</span></div></div></span></div></div>")


def _other_row_2023(index: int, product: Product, view: ProductView, seller: Storefront | None, price: Decimal,
                    day: int) -> str:
    w = DP_WORDS[view.language]
    name = w.amazon_name if seller is None else seller.name
    seller_id = AMAZON_IDS[product.site] if seller is None else seller.seller_id
    feedback = "" if seller is None else (
        '<div id="mbc-seller-feedback-{buyingOptionIndex}" class="a-section a-spacing-none"><span>'
        + esc(w.feedback.format(count=format_count(seller.rating_count[day], _locale(view)),
                                pct=int(seller.positive_pct[day])))
        + "</span></div>")
    href = _seller_href(view, product, seller_id, seller is None, aag=True)
    return ('<div class="a-box mbc-offer-row pa_mbc_on_amazon_offer"><div class="a-box-inner a-padding-small">'
            f'<div class="a-row"><span id="mbc-price-{index + 1}" class="a-size-medium a-color-price">'
            f"{_price(price, product.currency, view)}</span>"
            f'<div id="mbc-sold-by-{index + 1}" class="a-section a-spacing-none"><span class="a-size-small '
            f'a-color-secondary">{esc(w.sold_by)}</span><span class="a-size-small mbcMerchantName">{esc(name)}'
            f'</span></div></div><div class="a-popover-preload" id="a-popover-MbcPopOver_{index}"><div class="a-row">'
            f'<a class="a-size-small a-link-normal a-text-bold" href="{href}&amp;ref_=dp_mbc_seller">{esc(name)}'
            f"</a>{feedback}</div></div></div></div>")


def _other_sellers(product: Product, view: ProductView, day: int) -> str:
    if not view.others:
        return ""
    w = DP_WORDS[view.language]
    rows = "".join(_other_row_2019(i, product, view, seller, price) if view.era == "2019"
                   else _other_row_2023(i, product, view, seller, price, day)
                   for i, (seller, price) in enumerate(view.others))
    return (f'<div id="mbc" class="a-box-group"><div class="a-box a-text-center"><div class="a-box-inner">'
            f"<h5><span>{esc(w.others)}</span></h5></div></div>{rows}</div>")


def render_product(world: World, product: Product, day: int) -> str:
    """A product page (`/dp/ASIN`) in its era's and language's markup."""
    view = product_view(world, product, day)
    site = product.site
    price = _price(product.price, product.currency, view)
    featured_id = ("" if view.state != FEATURED else
                   AMAZON_IDS[site] if view.featured is None else view.featured.seller_id)
    prefix = "/-/en" if view.language == "de-en" else ""
    head = page_head(site, f"Amazon.{site}: {product.title}", f"https://www.amazon.{site}{prefix}{product_path(product)}",
                     lang="en-gb" if view.language == "de-en" else None,
                     style=_STYLE_2023 if view.era == "2023" else "")
    title = ('<div id="title_feature_div"><h1 id="title" class="a-size-large a-spacing-none">'
             f'<span id="productTitle" class="a-size-large product-title-word-break">{esc(product.title)}</span>'
             "</h1></div>")
    core_price = "" if view.era == "2019" or view.state != FEATURED else (
        '<div id="corePrice_feature_div"><div class="a-section a-spacing-micro"><span class="a-price aok-align-center">'
        f'<span class="a-offscreen">{price}</span><span aria-hidden="true">{price}</span></span></div></div>')
    buy_box = _featured_2019(product, view, price) if view.era == "2019" else _featured_2023(product, view)
    return "".join((
        head,
        '<div id="dp" class="a-container">', _breadcrumbs(product, view),
        f'<div id="centerCol" class="centerColAlign">{title}{core_price}</div>',
        '<div id="rightCol"><div id="desktop_buybox"><div id="buybox" class="a-row a-spacing-medium">',
        '<form id="addToCart" method="post" action="/gp/product/handle-buy-box/ref=dp_start-bbf_1_glance">',
        f'<input type="hidden" id="ASIN" name="ASIN" value="{product.product_id}"/>',
        f'<input type="hidden" id="merchantID" name="merchantID" value="{featured_id}"/>',
        buy_box, "</form></div></div>", _other_sellers(product, view, day), "</div>",
        f'<div id="prodDetails">{_sales_rank(world, product, view, day)}</div></div>',
        PAGE_TAIL,
    ))


# Key anchors a layout drift renames: parsers must then raise ParseError, not return nothing.
DRIFT = {
    "productTitle": "productTitleV2", 'id="title"': 'id="title-v2"', "merchant-info": "merchant-line",
    "tabular-buybox": "buybox-table", "sellerProfileTriggerId": "sellerLinkV2", "merchantID": "merchantRef",
    "outOfStock": "stockNotice", "unqualifiedBuyBox": "buyingChoicesBox",
    "buybox-see-all-buying-choices": "see-choices", "mbcMerchantName": "mbcSellerName",
}
