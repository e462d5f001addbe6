"""Amazon pages in the markup of the real captures (best-seller grid 2022, offer listing 2020) and of the
hand-made fixtures and public scrapers (`/sp?seller=` profile, captcha), in each site's language and number
format. Product pages, of which real captures exist, are rendered in amazon_product_pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from scout.replica.catalog import AMAZON_CATEGORY_SLUGS, CATEGORIES
from scout.replica.contact_markup import amazon_rows
from scout.replica.render import esc, format_count, format_decimal, format_price, script_json, slugify
from scout.replica.world import Product, Storefront, World, stable_random

PAGE_SIZE = 50
DEPTH = 100  # Amazon lists the top 100 of a category, 50 a page

AMAZON_IDS = {"com": "ATVPDKIKX0DER", "co.uk": "A3P5ROKL5A1OLE", "de": "A3JWKAKR8XB7XF",
              "fr": "A1X6FK5RDHNB96", "es": "A1AT7YVPFBWXBL", "it": "A11IL2PNWYJU7H"}


@dataclass(frozen=True, slots=True)
class _Words:
    lang: str
    locale: str
    best_in: str
    stars: str  # "{} out of 5 stars"
    sold_by: str
    ships_from: str
    amazon: str
    summary: str  # "{pct} positive in the last 12 months ({count} ratings)"
    olp_rating: str
    business_name: str
    business_address: str
    vat: str
    detail_title: str
    lifetime: str
    categories: dict[str, str]


EN_CATEGORIES = {"electronics": "Electronics", "tools": "Tools & Home Improvement", "kitchen": "Kitchen & Dining",
                  "toys": "Toys & Games", "beauty": "Beauty & Personal Care", "sports": "Sports & Outdoors",
                  "office": "Office Products", "pets": "Pet Supplies"}

WORDS: dict[str, _Words] = {
    "com": _Words("en-us", "en", "Best Sellers in {}", "{} out of 5 stars", "Sold by", "Ships from",
                  "Amazon.com", "{pct}% positive in the last 12 months ({count} ratings)",
                  "<b>{pct}% positive</b> over the past 12 months. ({count} total ratings)",
                  "Business Name:", "Business Address:", "VAT Number:", "Detailed Seller Information", "Lifetime",
                  EN_CATEGORIES),
    "co.uk": _Words("en-gb", "en", "Best Sellers in {}", "{} out of 5 stars", "Sold by", "Dispatches from",
                    "Amazon", "{pct}% positive in the last 12 months ({count} ratings)",
                    "<b>{pct}% positive</b> over the past 12 months. ({count} total ratings)",
                    "Business Name:", "Business Address:", "VAT Number:", "Detailed Seller Information",
                    "Lifetime", EN_CATEGORIES),
    "de": _Words("de-de", "de", "Bestseller in {}", "{} von 5 Sternen", "Verkäufer", "Versender", "Amazon",
                 "{pct} % positiv in den letzten 12 Monaten ({count} Bewertungen)",
                 "<b>{pct} % positiv</b> in den letzten 12 Monaten. ({count} Bewertungen insgesamt)",
                 "Geschäftsname:", "Geschäftsadresse:", "UStID:", "Detaillierte Verkäuferinformationen", "Gesamt",
                 {"electronics": "Elektronik & Foto", "tools": "Baumarkt", "kitchen": "Küche, Haushalt & Wohnen",
                  "toys": "Spielzeug", "beauty": "Beauty", "sports": "Sport & Freizeit",
                  "office": "Bürobedarf & Schreibwaren", "pets": "Haustier"}),
    "fr": _Words("fr-fr", "fr", "Meilleures ventes en {}", "{} sur 5 étoiles", "Vendu par", "Expédié par",
                 "Amazon", "{pct}\u00a0% d'évaluations positives au cours des 12 derniers mois ({count} évaluations)",
                 "<b>{pct}\u00a0% positives</b> au cours des 12 derniers mois. ({count} évaluations au total)",
                 "Nom commercial\u00a0:", "Adresse commerciale\u00a0:", "Numéro de TVA\u00a0:",
                 "Informations détaillées sur le vendeur",
                 "À vie",
                 {"electronics": "High-Tech", "tools": "Bricolage", "kitchen": "Cuisine & Maison",
                  "toys": "Jeux et Jouets", "beauty": "Beauté et Parfum", "sports": "Sports et Loisirs",
                  "office": "Fournitures de bureau", "pets": "Animalerie"}),
    "es": _Words("es-es", "es", "Los más vendidos en {}", "{} de 5 estrellas", "Vendido por", "Enviado desde",
                 "Amazon", "{pct}\u00a0% positivas en los últimos 12 meses ({count} valoraciones)",
                 "<b>{pct}\u00a0% positivas</b> en los últimos 12 meses. ({count} valoraciones en total)",
                 "Nombre de la empresa:", "Dirección comercial:", "Número de IVA:",
                 "Información detallada del vendedor",
                 "Total",
                 {"electronics": "Electrónica", "tools": "Bricolaje y herramientas", "kitchen": "Hogar y cocina",
                  "toys": "Juguetes y juegos", "beauty": "Belleza", "sports": "Deportes y aire libre",
                  "office": "Oficina y papelería", "pets": "Productos para mascotas"}),
    "it": _Words("it-it", "it", "Bestseller in {}", "{} su 5 stelle", "Venduto da", "Spedito da", "Amazon",
                 "{pct}% positivo negli ultimi 12 mesi ({count} valutazioni)",
                 "<b>{pct}% positivo</b> negli ultimi 12 mesi. ({count} valutazioni totali)",
                 "Nome dell'azienda:", "Indirizzo dell'azienda:", "Partita IVA:",
                 "Informazioni dettagliate sul venditore",
                 "Sempre",
                 {"electronics": "Elettronica", "tools": "Fai da te", "kitchen": "Casa e cucina",
                  "toys": "Giochi e giocattoli", "beauty": "Bellezza", "sports": "Sport e tempo libero",
                  "office": "Cancelleria e prodotti per ufficio", "pets": "Prodotti per animali domestici"}),
}


def host(site: str) -> str:
    """`www.amazon.de` for site `de`."""
    return f"www.amazon.{site}"


def category_of_slug(site: str, slug: str) -> str | None:
    """The world category behind an Amazon best-seller slug (`ce-de` on amazon.de -> electronics)."""
    for category, value in AMAZON_CATEGORY_SLUGS.get(site, {}).items():
        if value == slug:
            return category
    return None


def page_head(site: str, title: str, canonical: str, lang: str | None = None, style: str = "") -> str:
    """An Amazon page's head and the start of its body, in the site's language (or `lang`)."""
    w = WORDS[site]
    return (
        f'<!doctype html><html lang="{lang or w.lang}" class="a-no-js"><head><meta charset="utf-8"/>'
        f"<script>var ue_sn = 'www.amazon.{site}', ue_id = 'REPLICA00000000000000';</script>"
        f"<title>{esc(title)}</title>"
        f'<link rel="canonical" href="{esc(canonical)}"/>'
        '<link rel="stylesheet" href="https://images-na.ssl-images-amazon.com/images/I/11EIQ5IGqaL.css"/>'
        f'{style}</head><body class="a-m-{site.replace(".", "-")} a-aui_72554-c"><div id="a-page">'
        '<header id="navbar-main"><a href="/" class="nav-logo-link" aria-label="Amazon"></a></header>'
    )


PAGE_TAIL = "</div></body></html>"


def _stars(site: str, value: float) -> str:
    return WORDS[site].stars.format(format_decimal(value, 1, WORDS[site].locale))


def _star_class(value: float) -> str:
    whole = int(value)
    return f"a-star-small-{whole}-5" if value - whole >= 0.5 else f"a-star-small-{whole}"


def product_path(product: Product) -> str:
    """`/Brand-Title-Slug/dp/ASIN`: the path Amazon links products with."""
    return f"/{slugify(product.title)}/dp/{product.product_id}"


def render_bestsellers(world: World, site: str, slug: str, day: int, page: int = 1) -> str | None:
    """A best-seller page (2022 grid), 50 products a page, top 100; None for unknown categories/pages."""
    category = category_of_slug(site, slug)
    if category is None or page not in (1, 2):
        return None
    w = WORDS[site]
    ranked = world.ranking("amazon", site, category, day)[:DEPTH]
    start = (page - 1) * PAGE_SIZE
    items = ranked[start:start + PAGE_SIZE]
    if page > 1 and not items:
        return None  # a short list has no second page
    heading = w.best_in.format(w.categories[category])
    recs = [{"id": p.product_id, "metadataMap": {"render.zg.rank": str(start + i + 1)}, "linkParameters": {}}
            for i, p in enumerate(items)]
    parts = [page_head(site, f"Amazon {heading}", f"https://www.amazon.{site}/gp/bestsellers/{slug}"),
             '<div id="zg" class="a-section"><div class="_cDEzb_card-title_2sYgw">'
             f'<h1 class="a-size-large a-spacing-medium a-text-bold">{esc(heading)}</h1></div>'
             '<div class="a-cardui _cDEzb_card_1L-Yx" data-a-card-type="basic">'
             f'<div class="p13n-desktop-grid" data-client-recs-list="{esc(script_json(recs))}" '
             f'data-index-offset="{start}" data-reftag="zg_bs_{esc(slug)}">'
             '<div class="p13n-gridRow _cDEzb_grid-row_3Cywl">']
    for i, product in enumerate(items):
        rank = start + i + 1
        href = f"{product_path(product)}/ref=zg_bs_{esc(slug)}_sccl_{rank}?psc=1"
        title = esc(product.title)
        stars = _stars(site, product.stars)
        parts.append(
            '<div id="gridItemRoot" class="a-column a-span12 a-text-center _cDEzb_grid-column_2hIsc">'
            f'<div id="p13n-asin-index-{i}" class="a-cardui _cDEzb_grid-cell_1uMOS expandableGrid p13n-grid-content">'
            '<div class="a-section zg-bdg-ctr"><div class="a-section zg-bdg-body zg-bdg-clr-body aok-float-left">'
            f'<span class="zg-bdg-text">#{rank}</span></div></div><div class="zg-grid-general-faceout">'
            f'<div id="{product.product_id}" class="p13n-sc-uncoverable-faceout">'
            f'<a class="a-link-normal" tabindex="-1" href="{href}" role="link"><div class="a-section a-spacing-mini">'
            f'<img alt="{title}" src="https://images-na.ssl-images-amazon.com/images/I/{product.product_id}.jpg" '
            'class="a-dynamic-image p13n-sc-dynamic-image p13n-product-image" height="200px"/></div></a>'
            f'<a class="a-link-normal" href="{href}" role="link"><span>'
            f'<div class="_cDEzb_p13n-sc-css-line-clamp-3_g3dy1">{title}</div></span></a>'
            f'<div class="a-row"><div class="a-icon-row"><a class="a-link-normal" title="{esc(stars)}" '
            f'href="/product-reviews/{product.product_id}/ref=zg_bs_{esc(slug)}_cr_sccl_{rank}">'
            f'<i class="a-icon a-icon-star-small {_star_class(product.stars)} aok-align-top">'
            f'<span class="a-icon-alt">{esc(stars)}</span></i> '
            f'<span class="a-size-small">{format_count(product.rating_count[day], w.locale)}</span></a></div></div>'
            f'<div class="a-row"><a class="a-link-normal a-text-normal" href="{href}" role="link">'
            '<div class="a-row"><span class="a-size-base a-color-price">'
            f'<span class="_cDEzb_p13n-sc-price_3mJ9Z">{esc(format_price(product.price, product.currency, w.locale))}'
            "</span></span></div></a></div></div></div></div></div>"
        )
    parts.append('</div></div><div id="endOfList"></div></div>')
    parts.append(_pagination(slug, page, len(ranked)))
    parts.append("</div>" + PAGE_TAIL)
    return "".join(parts)


def _pagination(slug: str, page: int, total: int) -> str:
    pages = max(1, min(2, -(-total // PAGE_SIZE)))
    items = []
    for number in range(1, pages + 1):
        css = "a-selected" if number == page else "a-normal"
        items.append(f'<li class="{css}"><a href="/gp/bestsellers/{esc(slug)}/ref=zg_bs_pg_{number}'
                     f'?ie=UTF8&amp;pg={number}">{number}</a></li>')
    if page < pages:
        items.append(f'<li class="a-last"><a href="/gp/bestsellers/{esc(slug)}/ref=zg_bs_pg_{page + 1}'
                     f'?ie=UTF8&amp;pg={page + 1}">Next page</a></li>')
    else:
        items.append('<li class="a-disabled a-last">Next page</li>')
    return f'<div class="a-text-center" role="navigation"><ul class="a-pagination">{"".join(items)}</ul></div>'


def offer_sellers(world: World, product: Product, day: int) -> list[Storefront | None]:
    """Who offers a product on the offer listing: its seller, up to three resellers, sometimes Amazon (None)."""
    rng = stable_random(world.seed, product.product_id, "offers")
    pool = [s for s in world.storefronts_on("amazon", product.site) if s.exists(day)]
    sellers: list[Storefront | None] = [product.seller]
    if pool:
        for candidate in rng.sample(pool, min(len(pool), rng.randint(0, 3))):
            if candidate not in sellers:
                sellers.append(candidate)
    if product.seller is not None and rng.random() < 0.2:
        sellers.append(None)
    return sellers


def offer_price(product: Product, index: int) -> Decimal:
    """The price of the `index`-th offer: the listing's price, resellers a little dearer."""
    return product.price + Decimal(index) * Decimal("1.50")


def render_offer_listing(world: World, product: Product, day: int) -> str:
    """The 2020 `/gp/offer-listing/ASIN` page: every offer with seller name, id, positive % and count."""
    site = product.site
    w = WORDS[site]
    rows = []
    for index, seller in enumerate(offer_sellers(world, product, day)):
        price = esc(format_price(offer_price(product, index), product.currency, w.locale))
        if seller is None:
            column = (f'<h3 class="a-spacing-none olpSellerName"><img alt="{esc(w.amazon)}" '
                      'src="https://images-na.ssl-images-amazon.com/images/I/01dXM-J1oeL.gif" height="17" width="90"/>'
                      "</h3>")
            merchant = AMAZON_IDS[site]
        else:
            link = (f"/gp/aag/main/ref=olp_merch_name_{index + 1}?ie=UTF8&amp;asin={product.product_id}"
                    f"&amp;isAmazonFulfilled=1&amp;seller={seller.seller_id}")
            rating = w.olp_rating.format(pct=int(seller.positive_pct[day]),
                                         count=format_count(seller.rating_count[day], w.locale))
            column = (f'<h3 class="a-spacing-none olpSellerName"><span class="a-size-medium a-text-bold">'
                      f'<a href="{link}">{esc(seller.name)}</a></span></h3><p class="a-spacing-small">'
                      f'<i class="a-icon a-icon-star a-star-5"><span class="a-icon-alt">'
                      f'{esc(_stars(site, seller.stars[day]))}</span></i> <a href="{link}">{rating}</a><br></p>')
            merchant = seller.seller_id
        rows.append(
            '<hr class="a-spacing-mini a-divider-normal"><div class="a-row a-spacing-mini olpOffer" role="row">'
            '<div class="a-column a-span2 olpPriceColumn" role="gridcell">'
            f'<span class="a-size-large a-color-price olpOfferPrice a-text-bold">{price}</span></div>'
            '<div class="a-column a-span3 olpConditionColumn" role="gridcell"><span class="a-size-medium '
            'olpCondition a-text-bold">New</span></div>'
            '<div class="a-column a-span3 olpDeliveryColumn" role="gridcell"></div>'
            f'<div class="a-column a-span2 olpSellerColumn" role="gridcell">{column}</div>'
            '<div class="a-column a-span2 olpBuyColumn a-span-last" role="gridcell">'
            f'<form method="post" action="/gp/item-dispatch/ref=olp_atc_new_{index + 1}">'
            f'<input type="hidden" name="merchantID" value="{merchant}">'
            f'<input type="hidden" name="canonicalAsin.0" value="{product.product_id}"></form></div></div>'
        )
    return "".join((
        page_head(site, f"Amazon.{site}: Buying Choices: {product.title}",
              f"https://www.amazon.{site}/gp/offer-listing/{product.product_id}"),
        '<div id="olpProduct" class="a-section a-spacing-none"><div class="a-section a-spacing-mini">',
        f'<a href="https://www.amazon.{site}/dp/{product.product_id}/ref=olp_product_details?_encoding=UTF8&amp;me=" '
        'id="olpDetailPageLink">Return to product information</a></div>',
        '<div id="olpProductDetails" class="a-fixed-left-grid-col a-col-right">',
        f'<h1 class="a-size-large a-spacing-none" role="main">{esc(product.title)}</h1></div></div>',
        '<div id="olpOfferList" class="a-section olpOfferList"><div aria-label="More buying choices" role="grid">',
        "".join(rows),
        "</div></div>",
        PAGE_TAIL,
    ))


def render_seller(world: World, seller: Storefront, day: int) -> str:
    """A seller profile (`/sp?seller=`): 12-month positive % and count, lifetime count, detailed information."""
    site = seller.site
    w = WORDS[site]
    count = format_count(seller.rating_count[day], w.locale)
    lifetime = format_count(seller.lifetime_count[day], w.locale)
    stars = esc(_stars(site, seller.stars[day]))
    summary = w.summary.format(pct=int(seller.positive_pct[day]), count=count)
    business = seller.business
    detail = ""
    if stable_random(seller.seller_id, "detail").random() >= 0.1:
        # EU sites list the VAT id of a seller registered for VAT in Europe (amazon.com shows none)
        vat = (f'<div class="a-row a-spacing-none"><span class="a-text-bold">{esc(w.vat)}</span>'
               f"<span>{business.vat_number}</span></div>") if business.vat_number and site != "com" else ""
        lines = "".join(f'<div class="a-row a-spacing-none indent-left"><span>{esc(line)}</span></div>'
                        for line in business.address_lines)
        before, after = amazon_rows(business, site)  # type, register number; phone, e-mail, service address
        detail = (
            '<div id="page-section-detail-seller-info" class="a-section a-spacing-none"><div class="a-box">'
            f'<div class="a-box-inner"><h3>{esc(w.detail_title)}</h3>'
            f'<div class="a-row a-spacing-none"><span class="a-text-bold">{esc(w.business_name)}</span>'
            f"<span>{esc(business.legal_name)}</span></div>"
            f"{before}{vat}"
            f'<div class="a-row a-spacing-none"><span class="a-text-bold">{esc(w.business_address)}</span></div>'
            f"{lines}{after}</div></div></div>"
        )
    return "".join((
        page_head(site, f"Amazon.{site} Seller Profile: {seller.name}",
              f"https://www.amazon.{site}/sp?seller={seller.seller_id}"),
        '<div id="seller-profile-container" class="a-section spp-redesigned">',
        f'<div id="seller-name-section"><h1 id="seller-name" class="a-size-extra-large">{esc(seller.name)}</h1>',
        f'<a id="seller-storefront-link" href="/s?me={seller.seller_id}&amp;marketplaceID={AMAZON_IDS[site]}">',
        "Storefront</a></div>",
        '<div id="seller-info-feedback-summary" class="a-section"><i class="a-icon a-icon-star">',
        f'<span class="a-icon-alt">{stars}</span></i> <span class="a-size-base">',
        f'<a class="a-link-normal feedback-detail-description" href="#">{esc(summary)}</a></span></div>',
        '<div id="rating-365d" class="a-section"><span id="effective-timeperiod-rating-year-description" ',
        f'class="ratings-reviews">{stars}</span><span id="rating-365d-num">',
        f'<span class="ratings-reviews-count">{count}</span></span></div>',
        '<div id="rating-lifetime" class="a-section"><span id="effective-timeperiod-rating-lifetime-description">',
        f'{esc(w.lifetime)}</span><span id="rating-lifetime-num"><span class="ratings-reviews-count">{lifetime}',
        "</span></span></div>",
        detail,
        "</div>",
        PAGE_TAIL,
    ))


def render_captcha(site: str) -> str:
    """Amazon's "Robot Check" captcha page, served with HTTP 200 like the real one."""
    return (
        f'<!doctype html><html class="a-no-js" lang="{WORDS[site].lang}"><head><meta charset="utf-8">'
        f'<title dir="ltr">Amazon.{site}</title><script>var ue_sn = "opfcaptcha.amazon.{site}";</script></head>'
        '<body><div class="a-container a-padding-double-large"><div class="a-box a-alert a-alert-info">'
        "<h4>Enter the characters you see below</h4><p class=\"a-last\">Sorry, we just need to make sure you're "
        "not a robot. For best results, please make sure your browser is accepting cookies.</p></div>"
        '<form method="get" action="/errors/validateCaptcha" name=""><input type=hidden name="amzn" '
        'value="cmVwbGljYQ=="/><h4>Type the characters you see in this image:</h4>'
        '<img src="https://images-na.ssl-images-amazon.com/captcha/replica/Captcha_replica.jpg">'
        '<input autocomplete="off" placeholder="Type characters" id="captchacharacters" name="field-keywords" '
        'type="text"><button type="submit" class="a-button-text">Continue shopping</button></form></div>'
        "</body></html>"
    )


def category_slugs(site: str) -> list[str]:
    """The best-seller category slugs of a site, in the world's category order."""
    return [AMAZON_CATEGORY_SLUGS[site][c] for c in CATEGORIES]


# Key anchors a layout drift renames: parsers must then raise ParseError, not return nothing.
DRIFT = {
    "zg-bdg-text": "zg-rank-badge", "gridItemRoot": "gridItemCell", "p13n-sc-uncoverable-faceout": "p13n-faceout",
    "zg-grid-general-faceout": "zg-faceout-v2", "olpOffer": "olpOfferRow", "olpSellerName": "olpMerchant",
    "productTitle": "productTitleV2", "sellerProfileTriggerId": "sellerLinkV2", "tabular-buybox": "buybox-table",
    "merchantID": "merchantRef", "seller-name": "storefront-title", "page-section-detail-seller-info":
    "page-section-business", "seller-info-feedback-summary": "seller-summary-v2",
    "rating-365d-num": "rating-year-num", "data-client-recs-list": "data-recs", "/dp/": "/item/",
}
