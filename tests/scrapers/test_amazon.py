"""Amazon parsers: golden facts of the real captures, hand-made fixtures per layout and site, bot walls, drift.

Product pages have their own file (test_amazon_product.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest

from scrapers import amazon
from scrapers.errors import BlockedError, ParseError, UnknownSiteError
from scrapers.records import Offer, RankingEntry, SellerProfile
from tests.helpers import fixture_text, real_page

OLP_2020 = "amazon/offer_listing_B07L6P7J2M.html"
OLP_2015 = "amazon/offer_listing_2015_0135157862_NEW_1.html"
BESTSELLERS_2022 = "amazon/bestsellers_com_tools_2022.html"

AOD_COM = "amazon/aod_com_B0B7CPSN2K.html"
AOD_FR = "amazon/aod_fr_B0C4T9LM2Q.html"
PRODUCT_COM = "amazon/product_com_B0B7CPSN2K.html"
PRODUCT_DE = "amazon/product_de_B09V3KXJPB.html"
SELLER_COM = "amazon/seller_com_A2SXMCQ1R7PZ4Y.html"
SELLER_DE = "amazon/seller_de_A1HK4XW8ZP3QNT.html"
SELLER_FR = "amazon/seller_fr_A3OQ8EUX4JY1MB.html"
BESTSELLERS_DE_2020 = "amazon/bestsellers_de_kitchen_2020.html"
BESTSELLERS_COM_2017 = "amazon/bestsellers_com_electronics_2017.html"


def offers_of(text: str, url: str | None = None) -> list[Offer]:
    records = amazon.parse(text, "offers", url).records
    assert all(isinstance(r, Offer) for r in records)
    return records  # type: ignore[return-value]


def ranking_of(text: str, url: str | None = None) -> list[RankingEntry]:
    records = amazon.parse(text, "ranking", url).records
    assert all(isinstance(r, RankingEntry) for r in records)
    return records  # type: ignore[return-value]


def seller_of(text: str, url: str | None = None) -> SellerProfile:
    (profile,) = amazon.parse(text, "seller", url).records
    assert isinstance(profile, SellerProfile)
    return profile


# --- real captures: best sellers 2022 -----------------------------------------------------------------------


def test_bestsellers_2022_lists_thirty_ranks_in_order() -> None:
    entries = ranking_of(real_page(BESTSELLERS_2022))
    assert [e.rank for e in entries] == list(range(1, 31))
    assert len({e.product_id for e in entries}) == 30


def test_bestsellers_2022_top_three_golden() -> None:
    first, second, third = ranking_of(real_page(BESTSELLERS_2022))[:3]
    assert (first.product_id, first.stars, first.rating_count, first.price, first.currency) == (
        "B08N5NQ869", 4.6, 132_223, Decimal("59.99"), "USD")
    assert first.title is not None and first.title.startswith("Ring Video Doorbell")
    assert first.url == "https://www.amazon.com/dp/B08N5NQ869"
    assert (second.product_id, second.stars, second.rating_count, second.price) == (
        "B089DR29T6", 4.7, 527_720, Decimal("12.99"))
    assert second.title is not None and second.title.startswith("Amazon Smart Plug")
    assert third.product_id == "B0932M1666"
    assert third.title is not None and third.title.startswith("Tenmiro")


def test_bestsellers_2022_site_comes_from_the_page() -> None:
    page = amazon.parse(real_page(BESTSELLERS_2022), "ranking")
    assert page.site == "amazon.com"
    assert page.marketplace == "amazon" and page.kind == "ranking"


def test_bestsellers_2022_every_entry_has_figures() -> None:
    entries = ranking_of(real_page(BESTSELLERS_2022))
    assert all(e.stars is not None and e.rating_count and e.price and e.currency == "USD" for e in entries)


# --- real captures: offer listings ---------------------------------------------------------------------------


def test_offer_listing_2020_golden() -> None:
    offers = offers_of(real_page(OLP_2020))
    facts = [(o.name, o.seller_id, o.price, o.positive_pct, o.rating_count, o.is_platform) for o in offers]
    assert facts == [
        ("Oasis1270", "A1WNZAYT9WQDYM", Decimal("19.99"), 97.0, 1720, False),
        ("RULTO", "APF0ST32AI5H2", Decimal("24.99"), 92.0, 26, False),
        ("Novilex", "AYDAPDJLLWM0W", Decimal("29.99"), 97.0, 515, False),
    ]
    assert {o.product_id for o in offers} == {"B07L6P7J2M"}
    assert {o.currency for o in offers} == {"USD"}
    assert offers[0].url == "https://www.amazon.com/sp?seller=A1WNZAYT9WQDYM"
    assert [o.seller_url for o in offers] == [f"https://www.amazon.com/sp?seller={o.seller_id}" for o in offers]


def test_offer_listing_2020_ignores_fba_shipping_links_to_amazon() -> None:
    # Each FBA offer links Amazon's shipping rates with seller=ATVPDKIKX0DER; that is not the seller.
    assert all(o.seller_id != "ATVPDKIKX0DER" for o in offers_of(real_page(OLP_2020)))


def test_offer_listing_2015_all_ten_offers_in_order() -> None:
    offers = offers_of(real_page(OLP_2015))
    assert [(o.name, o.seller_id, o.price, o.positive_pct, o.rating_count) for o in offers] == [
        ("Amazon", "ATVPDKIKX0DER", Decimal("49.52"), None, None),
        ("collegebooksdirect", "A2DIRKU079H2QT", Decimal("46.38"), 94.0, 217_514),
        ("TOTAL BOOKS", "A1DKTB3FGMXCS3", Decimal("46.39"), 90.0, 103_072),
        ("Maria Pelagio", "ANSJJXK5BX8ET", Decimal("50.00"), 100.0, 1),
        ("---SuperBookDeals", "AHNEEZ9CVAP3Q", Decimal("56.77"), 90.0, 406_141),
        ("pbshopus", "A2E9OWRCF7T08Y", Decimal("58.39"), 95.0, 411_228),
        ("allnewbooks", "A1KIF2Y9A1PQYE", Decimal("59.39"), 88.0, 220_415),
        ("profnath", "A2E1ZC9J7JOJBQ", Decimal("60.83"), 90.0, 20_350),
        ("the_book_depository_", "A3TJVJMBQL014A", Decimal("62.93"), 96.0, 649_724),
        ("-Daily Deals-", "A317YISDMRJIZA", Decimal("73.15"), 96.0, 574_806),
    ]
    assert {o.product_id for o in offers} == {"0135157862"}


def test_offer_listing_2015_amazon_logo_offer_is_the_platform() -> None:
    amazon_offer, *others = offers_of(real_page(OLP_2015))
    assert amazon_offer.is_platform and amazon_offer.name == "Amazon"
    assert amazon_offer.seller_id == "ATVPDKIKX0DER"
    assert amazon_offer.url is None and amazon_offer.seller_url is None  # Amazon's own offer: no profile
    assert not any(o.is_platform for o in others)


def test_offer_listing_2015_singular_rating_count() -> None:
    maria = next(o for o in offers_of(real_page(OLP_2015)) if o.name == "Maria Pelagio")
    assert (maria.positive_pct, maria.rating_count) == (100.0, 1)


def test_offer_listing_2015_title_without_subheading() -> None:
    offer = offers_of(real_page(OLP_2015))[1]
    assert offer.title == "The Meaning of Sociology: A Reader (9th Edition) (Paperback)"


# --- AOD panel (hand-made, no capture) -----------------------------------------------------------------------


def test_aod_com_pinned_amazon_offer_then_listed_offers() -> None:
    offers = offers_of(fixture_text(AOD_COM))
    assert [(o.name, o.seller_id, o.price, o.is_platform) for o in offers] == [
        ("Amazon", "ATVPDKIKX0DER", Decimal("21.49"), True),
        ("Hearth & Harbor", "A2SXMCQ1R7PZ4Y", Decimal("19.95"), False),
        ("Glowmart US", "A3K8W0ZT5E2RQN", Decimal("22.80"), False),
        ("NovaTrail Goods", "A1QZP7YV3HX6LB", Decimal("24.00"), False),
        ("Amazon Resale", "A2L77EE7U53NWQ", Decimal("15.82"), True),
    ]
    assert {o.product_id for o in offers} == {"B0B7CPSN2K"}
    assert offers[0].title is not None and offers[0].title.startswith("Hearthside Electric Kettle")


def test_aod_com_seller_ratings() -> None:
    _, harbor, glowmart, nova, _ = offers_of(fixture_text(AOD_COM))
    assert (harbor.positive_pct, harbor.rating_count, harbor.stars) == (96.0, 1842, 4.5)
    assert (glowmart.positive_pct, glowmart.rating_count, glowmart.stars) == (89.0, 38, 4.0)
    assert (nova.positive_pct, nova.rating_count, nova.stars) == (None, None, None)  # "Just launched"


def test_aod_fr_decimal_commas_and_french_ratings() -> None:
    url = "https://www.amazon.fr/gp/aod/ajax?asin=B0C4T9LM2Q&pc=dp"
    page = amazon.parse(fixture_text(AOD_FR), "offers", url)
    assert page.site == "amazon.fr"
    own, maison, pro = page.records
    assert isinstance(own, Offer) and isinstance(maison, Offer) and isinstance(pro, Offer)
    assert (own.is_platform, own.seller_id, own.price, own.currency) == (
        True, "A1X6FK5RDHNB96", Decimal("29.99"), "EUR")
    assert (maison.name, maison.price, maison.positive_pct, maison.rating_count, maison.stars) == (
        "Maison Lumière FR", Decimal("24.99"), 57.0, 466, 3.0)
    assert (pro.price, pro.positive_pct, pro.rating_count, pro.stars) == (Decimal("1049.00"), 98.0, 12_304, 4.8)
    assert maison.url == "https://www.amazon.fr/sp?seller=A1F3R7KQ0ZP2XW"


def test_aod_fr_site_guessed_from_french_labels_without_url() -> None:
    assert amazon.parse(fixture_text(AOD_FR), "offers").site == "amazon.fr"


# --- seller profiles (hand-made, no capture) ----------------------------------------------------------------


def test_seller_com_profile() -> None:
    profile = seller_of(fixture_text(SELLER_COM), "https://www.amazon.com/sp?ie=UTF8&seller=A2SXMCQ1R7PZ4Y")
    assert profile == SellerProfile(
        seller_id="A2SXMCQ1R7PZ4Y",
        name="Hearth & Harbor",
        positive_pct=96.0,
        rating_count=1842,
        lifetime_rating_count=9517,
        business_name="Brightline Goods LLC",
        business_address="1200 Commerce Dr Ste 210, Austin, TX, 78701, US",
        country="US",
        rating_window_days=365,
        stars=4.6,
        url="https://www.amazon.com/sp?seller=A2SXMCQ1R7PZ4Y",
        contact_labels=(("business_name", "Business Name"), ("business_address", "Business Address"),
                        ("country", "Business Address")),  # the US INFORM Consumers Act block
    )


def test_seller_de_profile_german_numbers_and_labels() -> None:
    profile = seller_of(fixture_text(SELLER_DE))
    assert (profile.seller_id, profile.name) == ("A1HK4XW8ZP3QNT", "Hansen Haushaltswaren")
    assert (profile.positive_pct, profile.rating_count, profile.rating_window_days) == (97.0, 92_284, 365)
    assert profile.lifetime_rating_count == 310_455
    assert profile.business_name == "Hansen Haushaltswaren GmbH"
    assert profile.business_address == "Industriestraße 12, Bielefeld, Nordrhein-Westfalen, 33609, DE"
    assert profile.country == "DE"
    assert profile.vat_number == "DE281934705"  # "UStID:"; the "Handelsregisternummer" is not a VAT id
    assert (profile.trade_register, profile.business_type) == ("HRB 48213", "Privatunternehmen")
    assert (profile.phone, profile.email) == ("+49 521 9876540", "service@hansen-haushaltswaren.de")
    assert profile.customer_service_address == "Postfach 1120, 33602 Bielefeld, DE"
    assert dict(profile.contact_labels) == {
        "business_name": "Geschäftsname", "business_type": "Geschäftsart", "trade_register": "Handelsregisternummer",
        "vat_number": "UStID", "phone": "Telefonnummer", "email": "E-Mail", "business_address": "Geschäftsadresse",
        "customer_service_address": "Kundendienstadresse", "country": "Geschäftsadresse"}


def test_seller_fr_profile_french_labels_and_narrow_spaces() -> None:
    page = amazon.parse(fixture_text(SELLER_FR), "seller")
    assert page.site == "amazon.fr"
    (profile,) = page.records
    assert isinstance(profile, SellerProfile)
    assert (profile.seller_id, profile.name) == ("A3OQ8EUX4JY1MB", "Éclairage Pro Europe")
    assert (profile.positive_pct, profile.rating_count, profile.lifetime_rating_count) == (98.0, 12_304, 48_911)
    assert profile.stars == 4.8
    assert profile.business_name == "Shenzhen Lumiwell Technology Co., Ltd."
    assert profile.business_address == (
        "Bantian Street, Longgang District, Room 1203, Building B, Shenzhen, Guangdong, 518129, CN")
    assert profile.country == "CN"
    assert profile.vat_number == "FR47912384501"  # "Numéro de TVA :": a Chinese company registered in France


def test_seller_without_detailed_information_keeps_feedback() -> None:
    html = fixture_text(SELLER_COM)
    start = html.index('<div id="page-section-detail-seller-info"')
    html = html[:start] + html[html.index('<div id="page-section-feedback"'):]
    profile = seller_of(html)
    assert (profile.business_name, profile.business_address, profile.country) == (None, None, None)
    assert profile.vat_number is None
    assert (profile.positive_pct, profile.rating_count) == (96.0, 1842)


# --- legacy best-seller layouts (hand-made) ------------------------------------------------------------------


def test_bestsellers_de_2020_zg_item_immersion_with_german_numbers() -> None:
    page = amazon.parse(fixture_text(BESTSELLERS_DE_2020), "ranking")
    assert page.site == "amazon.de"
    first, second, _, fourth = page.records
    assert isinstance(first, RankingEntry) and isinstance(second, RankingEntry) and isinstance(fourth, RankingEntry)
    assert (first.rank, first.product_id, first.stars, first.rating_count, first.price, first.currency) == (
        1, "B00X4SCCFG", 4.7, 92_284, Decimal("27.99"), "EUR")
    assert second.price == Decimal("1049.00")
    # "Derzeit nicht verfügbar": no price and no reviews yet, so None rather than 0.
    assert (fourth.rank, fourth.stars, fourth.rating_count, fourth.price) == (4, None, None, None)


def test_bestsellers_com_2017_zg_item_immersion_ranks() -> None:
    entries = ranking_of(fixture_text(BESTSELLERS_COM_2017))
    assert [(e.rank, e.product_id, e.rating_count, e.price) for e in entries] == [
        (1, "B00I8BICB2", 28_341, Decimal("21.99")),
        (2, "B00ZV9RDKK", 102_569, Decimal("39.99")),
        (3, "B01DFKC2SO", 61_275, Decimal("49.99")),
    ]


# --- bot walls -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["captcha_com.html", "robot_check_2016.html", "dogs_503_com.html"])
@pytest.mark.parametrize("kind", ["ranking", "offers", "product", "seller"])
def test_blocked_pages_raise_blocked_error(name: str, kind: str) -> None:
    with pytest.raises(BlockedError) as caught:
        amazon.parse(fixture_text(f"amazon/{name}"), kind, "https://www.amazon.com/dp/B07L6P7J2M")
    assert caught.value.marketplace == "amazon"


def test_blocked_page_is_recognised_from_its_url() -> None:
    assert amazon.detect(fixture_text("amazon/captcha_com.html"), "https://www.amazon.com/dp/B07L6P7J2M") == "product"


def test_real_pages_are_not_blocked() -> None:
    for name in (OLP_2015, OLP_2020, BESTSELLERS_2022):
        assert not amazon.is_blocked(real_page(name))


@pytest.mark.parametrize(
    ("name", "kind"),
    [("aod_fr_B0C4T9LM2Q.html", "offers"), ("bestsellers_de_kitchen_2020.html", "ranking"),
     ("seller_com_A2SXMCQ1R7PZ4Y.html", "seller"), ("product_de_B09V3KXJPB.html", "product")],
)
def test_a_page_that_yields_records_is_read_even_when_it_names_a_captcha(name: str, kind: str) -> None:
    # Bot-wall marks are looked for only when a reader finds nothing: a captcha page holds nothing to read.
    page = fixture_text(f"amazon/{name}") + "<!-- /errors/validateCaptcha -->"
    assert amazon.is_blocked(page)
    assert amazon.parse(page, kind).records == amazon.parse(fixture_text(f"amazon/{name}"), kind).records


# --- drift -----------------------------------------------------------------------------------------------


def test_drift_offer_listing_without_seller_column_raises() -> None:
    html = real_page(OLP_2020).replace("olpSellerName", "olpMerchantName")
    with pytest.raises(ParseError) as caught:
        amazon.parse(html, "offers")
    assert "olpSellerName" in caught.value.what_was_missing


def test_drift_offer_listing_without_offers_raises() -> None:
    with pytest.raises(ParseError):
        amazon.parse(real_page(OLP_2015).replace("olpOffer", "olpRow"), "offers")


def test_drift_aod_without_sold_by_raises() -> None:
    with pytest.raises(ParseError):
        amazon.parse(fixture_text(AOD_COM).replace("aod-offer-soldBy", "aod-offer-merchant"), "offers")


def test_drift_bestsellers_without_items_raises() -> None:
    html = real_page(BESTSELLERS_2022).replace('id="gridItemRoot"', 'id="gridItem"')
    with pytest.raises(ParseError) as caught:
        amazon.parse(html, "ranking")
    assert caught.value.page_type == "ranking"


def test_drift_legacy_bestsellers_empty_list_raises() -> None:
    html = fixture_text(BESTSELLERS_DE_2020)
    start, end = html.index("<li "), html.rindex("</li>") + len("</li>")
    with pytest.raises(ParseError):
        amazon.parse(html[:start] + html[end:], "ranking")


def test_drift_seller_without_name_raises() -> None:
    html = fixture_text(SELLER_DE).replace('id="sellerName"', 'id="x"')
    html = html.replace("page-section-detail-seller-info", "x-section")
    with pytest.raises(ParseError):
        amazon.parse(html, "seller")


def test_unsupported_kind_raises() -> None:
    with pytest.raises(ParseError):
        amazon.parse(fixture_text(PRODUCT_COM), "search")


# --- detect ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("loader", "name", "kind"),
    [
        (real_page, BESTSELLERS_2022, "ranking"),
        (real_page, OLP_2020, "offers"),
        (real_page, OLP_2015, "offers"),
        (fixture_text, AOD_COM, "offers"),
        (fixture_text, AOD_FR, "offers"),
        (fixture_text, PRODUCT_COM, "product"),
        (fixture_text, PRODUCT_DE, "product"),
        (fixture_text, SELLER_COM, "seller"),
        (fixture_text, SELLER_DE, "seller"),
        (fixture_text, SELLER_FR, "seller"),
        (fixture_text, BESTSELLERS_DE_2020, "ranking"),
        (fixture_text, BESTSELLERS_COM_2017, "ranking"),
    ],
)
def test_detect_each_page_kind_from_content(loader: Callable[[str], str], name: str, kind: str) -> None:
    assert amazon.detect(loader(name)) == kind


@pytest.mark.parametrize(
    "name",
    [
        "ebay/browse_search_iphone_bestmatch_100.json",
        "ebay/finding_findItemsAdvanced_motors_bmw_oilfilter_2.json",
        "walmart/affiliate_v1_search_iphone8.json",
        "walmart/search_nextdata_extract_2025.json",
        "etsy/search_extract_2025.json",
        "etsy/shops_jsonld_extract_2025.json",
        "mercadolibre/sites_MLA_search_televisor_50.json",
    ],
)
def test_detect_ignores_other_marketplaces_json(name: str) -> None:
    assert amazon.detect(real_page(name)) is None


@pytest.mark.parametrize(
    "html",
    [
        '<html><body><ul class="srp-results"><li class="s-item" data-view="mi:1686"><div class="s-item__info">'
        '<span class="s-item__seller-info-text">decluttr_store (3,377,752) 99%</span>'
        '<a href="https://www.amazon.com/dp/B07L6P7J2M">also on amazon.com</a></div></li></ul></body></html>',
        '<html><body><script id="__NEXT_DATA__" type="application/json">{"props":{"pageProps":{"initialData":'
        '{"searchResult":{"itemStacks":[{"items":[{"sellerName":"Walmart.com","id":"1"}]}]}}}}}</script>'
        '<h1 id="productTitle" class="data-section">compare with amazon.com</h1></body></html>',
        '<html><body><div data-search-results class="wt-grid"><a class="listing-link" data-shop-id="1">'
        '<span id="productTitle">Oakywood desk shelf</span></a>amazon.de</div></body></html>',
    ],
    ids=["ebay-html", "walmart-html", "etsy-html"],
)
def test_detect_ignores_other_marketplaces_html(html: str) -> None:
    assert amazon.detect(html) is None


def test_detect_uses_url_when_content_is_ambiguous() -> None:
    assert amazon.detect("<html><body></body></html>", "https://www.amazon.de/sp?seller=A1HK4XW8ZP3QNT") == "seller"
    assert amazon.detect("<html><body></body></html>", "https://www.ebay.com/sp?seller=x") is None


# --- sites and URL builders ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "site"),
    [
        ("https://www.amazon.com/dp/B07L6P7J2M", "amazon.com"),
        ("https://www.amazon.co.uk/gp/bestsellers/kitchen", "amazon.co.uk"),
        ("https://www.amazon.de/sp?seller=A1HK4XW8ZP3QNT", "amazon.de"),
        ("http://amazon.fr/dp/B0C4T9LM2Q", "amazon.fr"),
        ("www.amazon.es/dp/B0C4T9LM2Q", "amazon.es"),
        ("https://smile.amazon.it/dp/B0C4T9LM2Q", "amazon.it"),
        ("https://www.amazon.com.mx/dp/B0C4T9LM2Q", None),
        ("https://www.notamazon.com/dp/B0C4T9LM2Q", None),
        ("https://www.ebay.com/itm/1", None),
        (None, None),
    ],
)
def test_site_from_url(url: str | None, site: str | None) -> None:
    assert amazon.site_from_url(url) == site


def test_url_builders() -> None:
    assert amazon.product_url("amazon.de", "B09V3KXJPB") == "https://www.amazon.de/dp/B09V3KXJPB"
    assert amazon.seller_url("amazon.co.uk", "A1HK4XW8ZP3QNT") == "https://www.amazon.co.uk/sp?seller=A1HK4XW8ZP3QNT"
    assert amazon.bestsellers_url("amazon.com", "hi") == "https://www.amazon.com/gp/bestsellers/hi"
    assert amazon.bestsellers_url("amazon.fr", "kitchen/3224221031") == (
        "https://www.amazon.fr/gp/bestsellers/kitchen/3224221031")


@pytest.mark.parametrize("build", [amazon.bestsellers_url, amazon.product_url, amazon.seller_url])
def test_url_builders_reject_unknown_sites(build: Callable[[str, str], str]) -> None:
    with pytest.raises(UnknownSiteError):
        build("amazon.com.mx", "hi")


def test_site_url_overrides_page_hints() -> None:
    page = amazon.parse(fixture_text(AOD_COM), "offers", "https://www.amazon.co.uk/gp/aod/ajax?asin=B0B7CPSN2K")
    assert page.site == "amazon.co.uk"
    assert page.records[0] == Offer(
        seller_id="A3P5ROKL5A1OLE", name="Amazon", is_platform=True, price=Decimal("21.49"), currency="USD",
        product_id="B0B7CPSN2K", title=page.records[0].title,  # type: ignore[union-attr]
    )


@pytest.mark.parametrize(
    ("head", "site"),
    [
        ("<link rel=\"canonical\" href=\"https://www.amazon.co.uk/gp/bestsellers/kitchen\" />", "amazon.co.uk"),
        ("<script>var ue_sn = 'www.amazon.it';</script>", "amazon.it"),
        ("<link rel=\"canonical\" href=\"https://www.amazon.com.mx/dp/B0C4T9LM2Q\" />", None),
        ("<html lang=\"es-es\"><body>29,99 €</body></html>", "amazon.es"),
        ("<html lang=\"es-mx\"><body>$299.00</body></html>", None),
        ("<div>£12.99</div>", "amazon.co.uk"),
        ("<div>$12.99</div>", "amazon.com"),
        ("<div>12,99 €</div>", None),
    ],
    ids=["canonical", "ue_sn", "unsupported-mx", "lang", "lang-unsupported", "pound", "dollar", "euro-only"],
)
def test_detect_site_from_page_hints(head: str, site: str | None) -> None:
    assert amazon.detect_site(head) == site


@pytest.mark.parametrize(
    ("name", "kind"),
    [("captcha_com.html", "product"), ("robot_check_2016.html", "offers"), ("dogs_503_com.html", "product")],
)
def test_detect_claims_bot_walls_so_parse_reports_them(name: str, kind: str) -> None:
    # The captcha's amzn-r field keeps the path it replaced (/dp/…, /gp/offer-listing/…).
    text = fixture_text(f"amazon/{name}")
    assert amazon.detect(text) == kind
    with pytest.raises(BlockedError):
        amazon.parse(text, kind)


def test_typed_entry_points_match_parse() -> None:
    assert amazon.parse_offer_listing(real_page(OLP_2020)) == amazon.parse(real_page(OLP_2020), "offers").records
    assert amazon.parse_bestsellers(fixture_text(BESTSELLERS_COM_2017))[0].product_id == "B00I8BICB2"
    assert amazon.parse_product(fixture_text(PRODUCT_DE))[0].is_platform
    assert amazon.parse_seller_profile(fixture_text(SELLER_DE)).country == "DE"
    with pytest.raises(BlockedError):
        amazon.parse_seller_profile(fixture_text("amazon/captcha_com.html"))


def test_offer_listing_seller_name_with_digits_is_not_read_as_rating() -> None:
    html = real_page(OLP_2020).replace(">Oasis1270</a>", ">100% Books (2nd hand)</a>")
    first = offers_of(html)[0]
    assert (first.name, first.positive_pct, first.rating_count) == ("100% Books (2nd hand)", 97.0, 1720)


@pytest.mark.parametrize(
    ("loader", "name", "list_name"),
    [
        (real_page, BESTSELLERS_2022, "Tools & Home Improvement"),
        (fixture_text, BESTSELLERS_DE_2020, "Küche, Haushalt & Wohnen"),
        (fixture_text, BESTSELLERS_COM_2017, "Electronics"),
    ],
)
def test_bestsellers_list_name_is_the_category_the_page_names(
    loader: Callable[[str], str], name: str, list_name: str
) -> None:
    assert amazon.parse(loader(name), "ranking").list_name == list_name


def test_list_name_only_on_rankings() -> None:
    assert amazon.parse(fixture_text(SELLER_COM), "seller").list_name is None


def test_bestsellers_nested_items_read_once_from_the_innermost() -> None:
    item = ('<div class="zg-item-immersion"><span class="zg-badge-text">#{rank}</span>'
            '<a href="/dp/{asin}"><div class="p13n-sc-truncate">Item {rank}</div></a>'
            '<span class="p13n-sc-price">$1{rank}.00</span></div>')
    html = ('<html lang="en-us"><body><ol id="zg-ordered-list">'
            f'<li class="zg-item-immersion"><span>{item.format(rank=1, asin="B00I8BICB2")}</span></li>'
            f'<li class="zg-item-immersion">{item.format(rank=2, asin="B00ZV9RDKK")}</li>'
            '</ol></body></html>')
    entries = ranking_of(html)
    assert [(e.rank, e.product_id, e.title, e.price) for e in entries] == [
        (1, "B00I8BICB2", "Item 1", Decimal("11.00")), (2, "B00ZV9RDKK", "Item 2", Decimal("12.00"))]
