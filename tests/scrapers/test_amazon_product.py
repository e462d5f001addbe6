"""Amazon product pages: every fact of the real 2018-2019 and 2023 captures, each site's buy-box wording, the
"Other Sellers on Amazon" rows of both eras, pages without a featured offer, and drift."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scrapers import amazon
from scrapers.errors import ParseError
from scrapers.records import Offer
from tests.helpers import fixture_text, real_page

COM_UXCELL = "amazon/product/com_B01LW7X0JJ_2018.html.gz"
COM_BOOK = "amazon/product/com_0062796984_2018.html.gz"
COM_NO_OFFER = "amazon/product/com_B00004YS4O_2018.html.gz"
DE_NITZ = "amazon/product/de_0131103628_2019.html.gz"
DE_BOOK = "amazon/product/de_0062796984_2019.html.gz"
DE_UNAVAILABLE = "amazon/product/de_B01GAWQSFW_2019.html.gz"
CA_COUSIN = "amazon/product/ca_B07H57DNVV_2018.html.gz"
CA_MEDIA = "amazon/product/ca_B00004YS4O_2018.html.gz"
DE_EN_2023 = "amazon/product/de-en_B0BG6843GX_2023.html.gz"
SITE_OF = {"com": "amazon.com", "de": "amazon.de", "de-en": "amazon.de", "ca": "amazon.ca"}  # by file-name prefix
CAPTURES = (COM_UXCELL, COM_BOOK, COM_NO_OFFER, DE_NITZ, DE_BOOK, DE_UNAVAILABLE, CA_COUSIN, CA_MEDIA, DE_EN_2023)

PRODUCT_COM = "amazon/product_com_B0B7CPSN2K.html"
PRODUCT_DE = "amazon/product_de_B09V3KXJPB.html"


def offers_of(text: str, url: str | None = None) -> list[Offer]:
    records = amazon.parse(text, "product", url).records
    assert all(isinstance(r, Offer) for r in records)
    return records  # type: ignore[return-value]


def featured(offers: list[Offer]) -> Offer | None:
    found = [o for o in offers if o.buy_box]
    assert len(found) <= 1 and (not found or offers[0] is found[0])  # the featured offer comes first
    return found[0] if found else None


def others(offers: list[Offer]) -> list[tuple[str | None, str | None, bool, Decimal | None, str | None]]:
    return [(o.name, o.seller_id, o.is_platform, o.price, o.currency) for o in offers if not o.buy_box]


# --- real captures: the facts of shared/pages/README.md -----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "name", "seller_id", "price", "currency", "fulfilled"),
    [
        (COM_UXCELL, "uxcell", "A1THAZDOWP300U", Decimal("7.99"), "USD", True),
        (DE_NITZ, "NITZ OVERSEAS", "A3UEOLL2J0FBMC", Decimal("39.43"), "EUR", True),
        (CA_COUSIN, "Cousin Floyd", "A3R342797AGDDU", Decimal("14.95"), "CAD", True),
        (CA_MEDIA, "M and N Media Canada", "AP3WACSRLZS7T", Decimal("154.71"), "CAD", False),
    ],
    ids=["com-sold-by-fulfilled-by-amazon", "de-verkauf-durch-versand-durch-amazon", "ca-sold-by-fulfilled",
         "ca-ships-from-and-sold-by"],
)
def test_capture_third_party_holds_the_buy_box(path: str, name: str, seller_id: str, price: Decimal, currency: str,
                                               fulfilled: bool) -> None:
    offer = featured(offers_of(real_page(path)))
    assert offer is not None
    assert (offer.name, offer.seller_id, offer.is_platform) == (name, seller_id, False)
    assert (offer.price, offer.currency, offer.platform_fulfilled) == (price, currency, fulfilled)
    assert offer.seller_url == f"https://www.{SITE_OF[path.split('/')[-1].split('_')[0]]}/sp?seller={seller_id}"


def test_capture_com_book_sold_by_amazon_with_three_other_sellers() -> None:
    offers = offers_of(real_page(COM_BOOK))
    own = featured(offers)
    assert own is not None
    assert (own.is_platform, own.name, own.seller_id, own.price, own.seller_url) == (
        True, "Amazon", "ATVPDKIKX0DER", Decimal("10.62"), None)
    assert others(offers) == [
        ("SuperBookDeals---", "A3IHWHW38Z0N1B", False, Decimal("11.06"), "USD"),  # id only in the popover's me=
        ("bargainbookstores-", "A1KUFZLJ107W44", False, Decimal("15.63"), "USD"),
        ("tabletopart", "A30UH7RV1UCIV3", False, Decimal("12.02"), "USD"),
    ]
    assert {o.product_id for o in offers} == {"0062796984"}


def test_capture_de_third_party_buy_box_and_amazon_among_other_sellers() -> None:
    offers = offers_of(real_page(DE_NITZ))
    assert others(offers) == [("Amazon", "A3JWKAKR8XB7XF", True, Decimal("49.06"), "EUR")]


def test_capture_de_book_sold_by_amazon_with_three_other_sellers() -> None:
    offers = offers_of(real_page(DE_BOOK))
    own = featured(offers)
    assert own is not None and (own.is_platform, own.seller_id, own.price) == (True, "A3JWKAKR8XB7XF",
                                                                               Decimal("10.99"))
    assert others(offers) == [
        ("-PBShop UK-", "A16QHJ35RX3BFM", False, Decimal("11.51"), "EUR"),
        ("A Great Read DE", "A1179QB3UI4TV4", False, Decimal("6.66"), "EUR"),
        ("RAREWAVES-DE", "A2J3MHS8H5EIUE", False, Decimal("11.29"), "EUR"),
    ]


def test_capture_ca_amazon_ca_among_other_sellers_is_the_platform() -> None:
    assert others(offers_of(real_page(CA_COUSIN))) == [("Amazon", "A3DWYIK6Y9EEQB", True, Decimal("16.79"), "CAD")]


def test_capture_2023_tabular_buy_box_of_amazon_and_rated_other_sellers() -> None:
    page = amazon.parse(real_page(DE_EN_2023), "product")
    assert page.site == "amazon.de"
    offers: list[Offer] = page.records  # type: ignore[assignment]
    own = featured(offers)
    assert own is not None
    assert (own.is_platform, own.seller_id, own.price, own.currency) == (True, "A3JWKAKR8XB7XF", Decimal("431.55"),
                                                                         "EUR")
    jtc, pro = offers[1:]
    assert (jtc.name, jtc.seller_id, jtc.price, jtc.rating_count, jtc.positive_pct) == (
        "JTC Computer Store", "ABDLLGRID7Z9C", Decimal("470.16"), 717, 93.0)
    assert (pro.name, pro.seller_id, pro.price, pro.rating_count, pro.positive_pct) == (
        "ProComponentes", "A7P7EAUWU945G", Decimal("464.07"), 2109, 86.0)
    assert jtc.platform_fulfilled is False  # isAmazonFulfilled=0 on its /-/en/gp/aag/main link
    assert jtc.seller_url == "https://www.amazon.de/sp?seller=ABDLLGRID7Z9C"


@pytest.mark.parametrize("path", [COM_NO_OFFER, DE_UNAVAILABLE], ids=["see-all-buying-options", "nicht-verfuegbar"])
def test_capture_without_featured_offer_is_a_valid_page_without_sellers(path: str) -> None:
    page = amazon.parse(real_page(path), "product")
    assert page.records == []
    assert amazon.detect(real_page(path)) == "product"


def test_capture_2023_is_a_product_page_though_its_css_names_the_offers_panel() -> None:
    text = real_page(DE_EN_2023)
    assert "aod-pinned-offer" in text  # inline CSS only: no such element
    assert amazon.detect(text) == "product"


@pytest.mark.parametrize("path", CAPTURES)
def test_capture_every_page_is_a_product_page_of_its_site(path: str) -> None:
    text = real_page(path)
    assert amazon.detect(text) == "product"
    assert amazon.parse(text, "product").site == SITE_OF[path.split("/")[-1].split("_")[0]]
    assert not amazon.is_blocked(text)


@pytest.mark.parametrize(
    ("path", "category"),
    [
        (COM_BOOK, "Books > Children's Books > Growing Up & Facts of Life"),
        (DE_EN_2023, "Computer & Accessories > Components & Replacement Parts > Internal Components > CPUs"),
        (CA_COUSIN, "Music"),  # no breadcrumbs: the best-sellers rank's category
    ],
)
def test_capture_category_is_the_breadcrumb_path_else_the_best_sellers_rank(path: str, category: str) -> None:
    assert {o.category for o in offers_of(real_page(path))} == {category}


# --- each site's buy-box wording (2018-2019 #merchant-info) ---------------------------------------------------

_GLANCE = '<a href="/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8&amp;seller=A1SELLER0TEST{fba}">'
SENTENCES = {
    "com": ("Ships from and sold by {link}.", "Sold by {link} and Fulfilled by Amazon.", "Ships from and sold by "
            "Amazon.com."),
    "co.uk": ("Dispatched from and sold by {link}.", "Sold by {link} and Fulfilled by Amazon.",
              "Dispatched from and sold by Amazon."),
    "de": ("Verkauf und Versand durch {link}.", "Verkauf durch {link} und Versand durch Amazon.",
           "Verkauf und Versand durch Amazon."),
    "fr": ("Expédié et vendu par {link}.", "Vendu par {link} et expédié par Amazon.", "Expédié et vendu par Amazon."),
    "es": ("Vendido y enviado por {link}.", "Vendido por {link} y enviado por Amazon.",
           "Vendido y enviado por Amazon."),
    "it": ("Venduto e spedito da {link}.", "Venduto da {link} e spedito da Amazon.", "Venduto e spedito da Amazon."),
    "ca": ("Ships from and sold by {link}.", "Sold by {link} and Fulfilled by Amazon.",
           "Ships from and sold by Amazon.ca."),
}


def _page_2019(site: str, merchant_info: str, *, merchant_id: str = "", extra: str = "") -> str:
    return (f'<html lang="en"><head><link rel="canonical" href="https://www.amazon.{site}/x/dp/B07L6P7J2M"></head>'
            '<body><span id="productTitle"> AsaVea Teeth Whitening Pen </span><div id="buybox">'
            f'<input type="hidden" id="merchantID" name="merchantID" value="{merchant_id}">'
            '<span id="priceblock_ourprice" class="a-size-medium a-color-price">19,99</span>'
            f'<div id="merchant-info" class="a-section a-spacing-mini">\n    {merchant_info}\n'
            f'<span class="">Gift-wrap available.</span></div></div>{extra}</body></html>')


@pytest.mark.parametrize("site", list(SENTENCES))
@pytest.mark.parametrize("fba", [False, True], ids=["seller-ships", "fulfilled-by-amazon"])
def test_merchant_info_sentence_names_the_seller_on_every_site(site: str, fba: bool) -> None:
    link = _GLANCE.format(fba="&amp;isAmazonFulfilled=1" if fba else "") + "Zoë &amp; Söhne GmbH</a>"
    html = _page_2019(site, SENTENCES[site][int(fba)].format(link=link), merchant_id="A1SELLER0TEST")
    (offer,) = offers_of(html)
    assert (offer.name, offer.seller_id, offer.is_platform, offer.buy_box) == (
        "Zoë & Söhne GmbH", "A1SELLER0TEST", False, True)
    assert offer.platform_fulfilled is fba
    assert offer.seller_url == f"https://www.amazon.{site}/sp?seller=A1SELLER0TEST"


@pytest.mark.parametrize("site", list(SENTENCES))
def test_merchant_info_sentence_of_amazon_itself_is_the_platform(site: str) -> None:
    (offer,) = offers_of(_page_2019(site, SENTENCES[site][2]))
    assert (offer.name, offer.is_platform, offer.platform_fulfilled) == ("Amazon", True, True)
    assert offer.seller_id == amazon.SITES[f"amazon.{site}"].amazon_seller_id


def test_merchant_info_sentence_without_a_link_takes_the_merchant_id() -> None:
    (offer,) = offers_of(_page_2019("de", "Verkauf durch M und N Medien und Versand durch Amazon.",
                                    merchant_id="A2MUNDN0MEDIEN"))
    assert (offer.name, offer.seller_id, offer.platform_fulfilled) == ("M und N Medien", "A2MUNDN0MEDIEN", True)


def test_merchant_info_links_the_seller_among_other_links() -> None:
    info = ('Sold by <a href="/gp/help/customer/display.html?nodeId=201910360">Amazon Global</a> rules: '
            + SENTENCES["com"][1].format(link=_GLANCE.format(fba="") + "Oasis1270</a>"))
    (offer,) = offers_of(_page_2019("com", info))
    assert (offer.name, offer.seller_id) == ("Oasis1270", "A1SELLER0TEST")


# --- the 2023 tabular buy box in each site's labels -----------------------------------------------------------

TABULAR = {"com": ("Ships from", "Sold by"), "co.uk": ("Dispatches from", "Sold by"), "de": ("Versand", "Verkäufer"),
           "fr": ("Expédié par", "Vendu par"), "es": ("Enviado desde", "Vendido por"),
           "it": ("Spedito da", "Venduto da"), "ca": ("Ships from", "Sold by")}


def _page_2023(site: str, ships: str, sold: str) -> str:
    ships_label, sold_label = TABULAR[site]
    rows = "".join(
        f'<div class="tabular-buybox-label" tabular-attribute-name="{label}"><span>{label}</span></div>'
        f'<div class="tabular-buybox-text" tabular-attribute-name="{label}"><div class="tabular-buybox-text">'
        f'<span class="a-size-small tabular-buybox-text-message">{value}</span></div></div>'
        for label, value in ((ships_label, ships), (sold_label, sold)))
    return (f'<html><head><link rel="canonical" href="https://www.amazon.{site}/-/en/x/dp/B0BG6843GX"></head><body>'
            '<span id="productTitle">Intel Core i7-13700K</span><div id="corePrice_feature_div"><span class="a-price">'
            '<span class="a-offscreen">431,55 €</span></span></div>'
            f'<div id="tabular-buybox" class="a-section tabular-buybox">{rows}</div></body></html>')


@pytest.mark.parametrize("site", list(TABULAR))
def test_tabular_buy_box_third_party_on_every_site(site: str) -> None:
    link = ('<a id="sellerProfileTriggerId" href="/gp/help/seller/at-a-glance.html/ref=dp_merchant_link?ie=UTF8'
            '&amp;seller=A7P7EAUWU945G&amp;asin=B0BG6843GX">ProComponentes</a>')
    (offer,) = offers_of(_page_2023(site, "Amazon", link))
    assert (offer.name, offer.seller_id, offer.is_platform, offer.platform_fulfilled) == (
        "ProComponentes", "A7P7EAUWU945G", False, True)
    (own_ship,) = offers_of(_page_2023(site, "ProComponentes", link))
    assert own_ship.platform_fulfilled is False


@pytest.mark.parametrize("site", list(TABULAR))
def test_tabular_buy_box_of_amazon_is_the_platform(site: str) -> None:
    (offer,) = offers_of(_page_2023(site, "Amazon", "Amazon"))
    assert (offer.is_platform, offer.seller_id) == (True, amazon.SITES[f"amazon.{site}"].amazon_seller_id)


# --- other sellers: rows of both eras -------------------------------------------------------------------------


def test_other_sellers_2019_row_without_popover_link_keeps_the_name() -> None:
    row = ('<div class="a-box mbc-offer-row"><span class="a-color-price">EUR 12,00</span>'
           '<span class="mbcMerchantName">Buchhandel Nord</span></div>')
    offers = offers_of(_page_2019("de", SENTENCES["de"][2], extra=f'<div id="mbc">{row}</div>'))
    assert [(o.name, o.seller_id, o.price) for o in offers[1:]] == [("Buchhandel Nord", None, Decimal("12.00"))]


def test_other_sellers_row_without_a_name_is_drift() -> None:
    row = '<div class="a-box mbc-offer-row"><span class="a-color-price">EUR 12,00</span></div>'
    with pytest.raises(ParseError, match="mbcMerchantName"):
        amazon.parse(_page_2019("de", SENTENCES["de"][2], extra=f'<div id="mbc">{row}</div>'), "product")


def test_other_sellers_2023_stars_icon_is_not_a_figure() -> None:
    # The row shows a star icon rounded to halves (a-star-small-4-5), not the seller's average.
    assert [o.stars for o in offers_of(real_page(DE_EN_2023))[1:]] == [None, None]


def test_other_sellers_only_when_the_page_has_no_featured_offer() -> None:
    row = ('<div class="a-box mbc-offer-row"><span id="mbc-price-1" class="a-color-price">$18.93</span>'
           '<a href="/gp/aag/main?ie=UTF8&amp;seller=A3ROWSELLER01">Row Seller</a>'
           '<span class="mbcMerchantName">Row Seller</span></div>')
    html = ('<html lang="en-us"><head><link rel="canonical" href="https://www.amazon.com/dp/B00004YS4O"></head><body>'
            '<span id="productTitle">The Cars Live</span><div id="unqualifiedBuyBox">11 used &amp; new from $18.93'
            f'</div><div id="mbc">{row}</div></body></html>')
    (offer,) = offers_of(html)
    assert (offer.buy_box, offer.name, offer.seller_id, offer.price) == (False, "Row Seller", "A3ROWSELLER01",
                                                                         Decimal("18.93"))


# --- hand-made fixtures (layouts without a capture) ---------------------------------------------------------


def test_product_com_fixture_tabular_buy_box_third_party_seller() -> None:
    page = amazon.parse(fixture_text(PRODUCT_COM), "product")
    assert page.site == "amazon.com"
    (offer,) = page.records
    assert offer == Offer(
        seller_id="A2SXMCQ1R7PZ4Y",
        name="Hearth & Harbor",
        price=Decimal("19.95"),
        currency="USD",
        product_id="B0B7CPSN2K",
        title="Hearthside Electric Kettle, 1.7L Glass Tea Kettle with LED Indicator, Auto Shut-Off and "
        "Boil-Dry Protection, BPA-Free",
        url="https://www.amazon.com/sp?seller=A2SXMCQ1R7PZ4Y",
        seller_url="https://www.amazon.com/sp?seller=A2SXMCQ1R7PZ4Y",
        category="Home & Kitchen > Electric Kettles",
        buy_box=True,
        platform_fulfilled=True,
    )


def test_product_de_fixture_offer_display_features_sold_by_amazon() -> None:
    page = amazon.parse(fixture_text(PRODUCT_DE), "product")
    assert page.site == "amazon.de"
    (offer,) = page.records
    assert isinstance(offer, Offer)
    assert (offer.is_platform, offer.name, offer.seller_id) == (True, "Amazon", "A3JWKAKR8XB7XF")
    assert (offer.price, offer.currency, offer.product_id) == (Decimal("1299.00"), "EUR", "B09V3KXJPB")
    assert offer.title == "Nordlicht 55 Zoll QLED Fernseher (139 cm), 4K UHD, Smart TV, Triple-Tuner, Dolby Vision"


def test_product_de_fixture_older_merchant_info_line_alone() -> None:
    html = fixture_text(PRODUCT_DE)
    start = html.index('<div class="offer-display-features-container">')
    end = html.index('<div id="merchant-info"')
    html = html[:start] + html[end:]
    html = html.replace('<input type="hidden" id="merchantID" name="merchantID" value="A3JWKAKR8XB7XF">', "")
    (offer,) = offers_of(html)
    assert (offer.is_platform, offer.seller_id) == (True, "A3JWKAKR8XB7XF")


def test_product_out_of_stock_has_no_featured_offer() -> None:
    html = ('<html><head><link rel="canonical" href="https://www.amazon.com/dp/B07L6P7J2M"></head><body>'
            '<span id="productTitle">AsaVea Teeth Whitening Pen</span>'
            '<div id="outOfStock" class="a-box"><span class="a-color-price">Currently unavailable.</span></div>'
            '</body></html>')
    assert amazon.parse(html, "product").records == []


# --- drift ---------------------------------------------------------------------------------------------------


def test_drift_product_without_buy_box_raises() -> None:
    html = fixture_text(PRODUCT_COM)
    html = html.replace("sellerProfileTriggerId", "x").replace("tabular-buybox", "x-buybox")
    html = html.replace('name="merchantID"', 'name="x"')
    with pytest.raises(ParseError, match="buy box"):
        amazon.parse(html, "product")


@pytest.mark.parametrize("path", [COM_UXCELL, DE_EN_2023])
def test_drift_capture_without_buy_box_elements_raises(path: str) -> None:
    html = real_page(path).replace('id="merchant-info"', 'id="merchant-line"').replace("tabular-buybox", "tb-v2")
    with pytest.raises(ParseError, match="buy box"):
        amazon.parse(html, "product")


def test_drift_capture_without_title_raises() -> None:
    with pytest.raises(ParseError, match="productTitle"):
        html = real_page(DE_UNAVAILABLE).replace('id="productTitle"', 'id="productName"')
        amazon.parse(html.replace('id="title"', 'id="heading"'), "product")
