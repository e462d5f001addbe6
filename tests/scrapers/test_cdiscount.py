"""Cdiscount: search results, marketplace offer lists, seller shop pages, French numbers, and the bot wall."""

from __future__ import annotations

from decimal import Decimal

import pytest

from scrapers import cdiscount
from scrapers.errors import BlockedError, ParseError
from scrapers.records import Offer, RankingEntry, SellerProfile
from tests.helpers import fixture_text, real_page

TITLE = "LG OLED65C44LA TV OLED 4K UHD 164 cm (65'') Smart TV - Dolby Vision - 4 x HDMI 2.1"
SEARCH = "cdiscount/search_page.html"
SEARCH_URL = "https://www.cdiscount.com/search/10/tv+oled+65+pouces.html"


def _entries(html: str) -> list[RankingEntry]:
    records = cdiscount.parse(html, "ranking", SEARCH_URL).records
    assert all(isinstance(r, RankingEntry) for r in records)
    return records  # type: ignore[return-value]


def test_search_page_ranks_results_in_page_order() -> None:
    entries = _entries(fixture_text(SEARCH))
    assert [(e.rank, e.product_id, e.price, e.currency) for e in entries] == [
        (1, "lg65c44la", Decimal("1199.99"), "EUR"),
        (2, "sam65s95dat", Decimal("2149.00"), "EUR"),
        (3, "phi65oled809", Decimal("1449.00"), "EUR"),  # the advert between them is not a result
    ]


def test_search_page_first_result() -> None:
    assert _entries(fixture_text(SEARCH))[0] == RankingEntry(
        rank=1,
        product_id="lg65c44la",
        title=TITLE,
        stars=4.6,
        rating_count=214,
        price=Decimal("1199.99"),
        currency="EUR",
        url="https://www.cdiscount.com/mp-1062-lg65c44la.html",
    )


def test_search_page_links_each_result_to_its_offers_list() -> None:
    assert [e.url for e in _entries(fixture_text(SEARCH))] == [
        "https://www.cdiscount.com/mp-1062-lg65c44la.html",
        "https://www.cdiscount.com/mp-1062-sam65s95dat.html",  # relative link made absolute
        "https://www.cdiscount.com/mp-1062-phi65oled809.html",  # no offers link: built from the /f-1062- node
    ]


def test_search_page_unrated_result_has_none_not_zero() -> None:
    philips = _entries(fixture_text(SEARCH))[2]
    assert (philips.stars, philips.rating_count) == (None, None)


def test_search_page_names_the_list_after_the_search_term() -> None:
    assert cdiscount.parse(fixture_text(SEARCH), "ranking", SEARCH_URL).list_name == "tv oled 65 pouces"


def test_search_page_without_result_list_is_drift() -> None:
    with pytest.raises(ParseError, match="lpBloc"):
        cdiscount.parse(fixture_text(SEARCH).replace('id="lpBloc"', 'id="searchResults"'), "ranking")


def test_search_page_without_titles_is_drift() -> None:
    with pytest.raises(ParseError, match="prdtBTit"):
        cdiscount.parse(fixture_text(SEARCH).replace("prdtBTit", "productTitle").replace(" title=", " data-t="),
                        "ranking")


def test_search_page_with_no_results_is_an_empty_ranking() -> None:
    html = ('<html><head><title>zzzz - Cdiscount</title></head><body><div id="lpContent"><ul id="lpBloc"></ul>'
            "<p>Aucun résultat ne correspond à votre recherche</p></div></body></html>")
    assert cdiscount.parse(html, "ranking").records == []


def test_offer_listing_reports_cdiscount_own_offer_as_platform() -> None:
    first = cdiscount.parse(fixture_text("cdiscount/offers_page.html"), "offers").records[0]
    assert first == Offer(
        seller_id=None,
        name="Cdiscount",
        price=Decimal("1199.99"),
        currency="EUR",
        is_platform=True,
        product_id="lg65c44la",
        title=TITLE,
        category="High-Tech > Téléviseurs",
    )


def test_offer_listing_category_is_the_breadcrumb_trail_without_home() -> None:
    records = cdiscount.parse(fixture_text("cdiscount/offers_page.html"), "offers").records
    assert {r.category for r in records} == {"High-Tech > Téléviseurs"}


def test_offer_listing_third_party_sellers() -> None:
    records = cdiscount.parse(fixture_text("cdiscount/offers_page.html"), "offers").records[1:]
    offers = [o for o in records if isinstance(o, Offer)]
    assert [(o.seller_id, o.name, o.stars, o.rating_count, o.sales_count, o.price) for o in offers] == [
        ("4617", "HIFI-VISION", 4.6, 12345, 58230, Decimal("1234.56")),
        ("120458", "MEDIA-STORE FR", 4.2, 876, 3412, Decimal("1249.00")),
        ("231907", "GLOBAL TECH HK", 3.8, 1, 95, Decimal("1189.90")),
    ]
    assert len(offers) == len(records)
    assert all(not o.is_platform and o.currency == "EUR" for o in offers)
    assert offers[0].url == "https://www.cdiscount.com/mpv-4617-HIFIVISION.html"
    assert [o.seller_url for o in offers] == [
        "https://www.cdiscount.com/mpv-4617-HIFIVISION.html",
        "https://www.cdiscount.com/mpv-120458-MEDIASTOREFR.html",
        "https://www.cdiscount.com/mpv-231907-GLOBALTECHHK.html",
    ]


def test_seller_shop_page() -> None:
    page = cdiscount.parse(fixture_text("cdiscount/seller_shop_page.html"), "seller")
    assert page.records == [
        SellerProfile(
            seller_id="4617",
            name="HIFI-VISION",
            rating_count=12345,
            business_name="HIFI VISION DISTRIBUTION SAS",
            business_address="12 rue de la Gare, 59000 Lille",
            country="FR",
            vat_number="FR41812345678",  # "N° TVA :"
            stars=4.6,
            sales_count=58230,
            created="2012-03-14",
            badge="Vendeur professionnel",
            url="https://www.cdiscount.com/mpv-4617-HIFIVISION.html",
            business_type="SAS",
            trade_register="81234567800029",  # "SIRET :"
            phone="03 20 12 34 56",
            email="contact@hifi-vision.fr",
            website="www.hifi-vision.fr",
            contact_labels=(("business_name", "Raison sociale"), ("business_type", "Forme juridique"),
                            ("business_address", "Adresse"), ("country", "Pays"), ("trade_register", "SIRET"),
                            ("vat_number", "N° TVA"), ("phone", "Téléphone"), ("email", "E-mail"),
                            ("website", "Site web")),
        )
    ]


@pytest.mark.parametrize(("label", "value", "attribute", "expected"), [
    ("Numéro RCS", "RCS Lille 812 345 678", "trade_register", "RCS Lille 812 345 678"),
    ("Adresse e-mail", "mailto:sav@vendeur.fr", "email", "sav@vendeur.fr"),
    ("Numéro de téléphone", "+33 3 20 12 34 56", "phone", "+33 3 20 12 34 56"),
    ("Site internet", "https://vendeur.fr/", "website", "https://vendeur.fr/"),
    ("Pays", "Chine", "country", "CN"),
])
def test_seller_shop_page_reads_each_legal_information_label(label: str, value: str, attribute: str,
                                                              expected: str) -> None:
    html = fixture_text("cdiscount/seller_shop_page.html")
    start = html.index('<ul class="slrLegal">') + len('<ul class="slrLegal">')
    html = html[:start] + f"<li><span>{label} :</span> {value}</li>" + html[html.index("</ul>", start):]
    (profile,) = cdiscount.parse(html, "seller").records
    assert getattr(profile, attribute) == expected
    assert dict(profile.contact_labels)[attribute] == label


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("1\u00a0234,56\u00a0€", Decimal("1234.56")),
        ("1 234€56", Decimal("1234.56")),
        ("599€99", Decimal("599.99")),
        ("19,99 €", Decimal("19.99")),
        ("Gratuit", None),
    ],
)
def test_parse_euro_price_reads_both_cdiscount_notations(text: str, amount: Decimal | None) -> None:
    assert cdiscount.parse_euro_price(text) == amount


def test_bot_protection_page_is_blocked() -> None:
    with pytest.raises(BlockedError):
        cdiscount.parse(fixture_text("cdiscount/blocked_trafic_inhabituel.html"), "offers")


def test_offer_listing_without_rows_is_drift() -> None:
    with pytest.raises(ParseError, match="fpTab"):
        cdiscount.parse(fixture_text("cdiscount/offers_page_without_rows.html"), "offers")


def test_offer_rows_without_seller_names_are_drift() -> None:
    html = fixture_text("cdiscount/offers_page.html").replace('class="slrName"', 'class="sellerLabel"')
    with pytest.raises(ParseError, match="slrName"):
        cdiscount.parse(html, "offers")


def test_seller_page_without_figures_is_drift() -> None:
    with pytest.raises(ParseError):
        cdiscount.parse(fixture_text("cdiscount/seller_shop_page_without_figures.html"), "seller")


def test_unsupported_kind_is_parse_error() -> None:
    with pytest.raises(ParseError):
        cdiscount.parse(fixture_text("cdiscount/offers_page.html"), "search")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("cdiscount/offers_page.html", "offers"),
        ("cdiscount/seller_shop_page.html", "seller"),
        ("cdiscount/blocked_trafic_inhabituel.html", "offers"),
        ("cdiscount/search_page.html", "ranking"),
    ],
)
def test_detect_fixtures(path: str, kind: str) -> None:
    assert cdiscount.detect(fixture_text(path)) == kind


def test_detect_blocked_page_takes_kind_from_url() -> None:
    html = fixture_text("cdiscount/blocked_trafic_inhabituel.html")
    assert cdiscount.detect(html, "https://www.cdiscount.com/mpv-4617-HIFIVISION.html") == "seller"
    assert cdiscount.detect(html, SEARCH_URL) == "ranking"
    with pytest.raises(BlockedError):
        cdiscount.parse(html, "ranking", SEARCH_URL)


@pytest.mark.parametrize(
    "path",
    [
        "amazon/offer_listing_B07L6P7J2M.html",
        "amazon/offer_listing_2015_0135157862_NEW_1.html",
        "amazon/bestsellers_com_tools_2022.html",
        "ebay/browse_search_iphone_bestmatch_100.json",
        "walmart/affiliate_v1_search_iphone8.json",
        "walmart/search_nextdata_extract_2025.json",
        "etsy/search_extract_2025.json",
        "allegro/search_extract_2026.json",
        "mercadolibre/sites_MLA_search_televisor_50.json",
    ],
)
def test_detect_ignores_other_marketplaces(path: str) -> None:
    assert cdiscount.detect(real_page(path)) is None


@pytest.mark.parametrize(
    "path",
    [
        "etsy/datadome_captcha.html",
        "allegro/datadome_captcha.html",
        "allegro/offer_page.html",
        "allegro/listing_page.html",
    ],
)
def test_detect_ignores_other_marketplaces_fixtures(path: str) -> None:
    assert cdiscount.detect(fixture_text(path)) is None


def test_url_builders() -> None:
    assert cdiscount.offers_url("lg65c44la", 1062) == "https://www.cdiscount.com/mp-1062-lg65c44la.html"
    assert cdiscount.seller_url(4617, "HIFIVISION") == "https://www.cdiscount.com/mpv-4617-HIFIVISION.html"
    assert cdiscount.search_url("tv oled 65 pouces") == SEARCH_URL
