"""Allegro: offer pages and extracts, search extracts, seller ratings pages, and the captcha wall."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrapers import allegro
from scrapers.allegro_site import amount
from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import parse_price
from scrapers.records import Offer, SellerProfile
from tests.helpers import fixture_text, real_page

OFFER = "allegro/offer_extract_2026.json"
SEARCH = "allegro/search_extract_2026.json"
LISTING = "allegro/listing_page.html"
LISTING_2021 = "allegro/listing_kabel_2021.html.gz"
OFFER_FIFTYONEPL_2021 = "allegro/offer_fiftyonepl_2021.html.gz"
OFFER_ALARMZONE_2021 = "allegro/offer_AlarmZone_2021.html.gz"


def _search_offers() -> list[Offer]:
    return [r for r in allegro.parse(real_page(SEARCH), "search").records if isinstance(r, Offer)]


def test_offer_extract_reads_seller_box() -> None:
    page = allegro.parse(real_page(OFFER), "product")
    assert [
        (o.seller_id, o.positive_pct, o.badge, o.price, o.currency) for o in page.records if isinstance(o, Offer)
    ] == [
        ("X-KOM_PL", 98.8, "SuperSeller", Decimal("609.00"), "PLN"),
        ("Elektromaniak_", 97.7, "SuperSeller", Decimal("533.85"), "PLN"),
    ]


def test_offer_extract_product_rating_is_not_the_seller_rating_count() -> None:
    first = allegro.parse(real_page(OFFER), "offers").records[0]
    assert isinstance(first, Offer)
    assert first.rating_count is None  # the 36 ratings are the product's, not the seller's
    assert first.title == "Płyta główna Socket AM5 ASUS B650E MAX GAMING WIFI ATX"


def test_search_extract_yields_offers_for_rows_with_sellers() -> None:
    offers = _search_offers()
    assert len(offers) == 194  # 198 rows less 4 banners (BEST_PRICE_GUARANTEE_BANNER, assistantInterline)
    assert len({o.seller_id for o in offers}) == 65
    assert len({o.product_id for o in offers}) == 186
    assert all(o.currency == "PLN" and o.price is not None for o in offers)


def test_search_extract_sellers_with_most_offers() -> None:
    assert Counter(o.seller_id for o in _search_offers()).most_common(3) == [
        ("A-PRESS", 35),
        ("Natan1920", 30),
        ("ejama_pl", 12),
    ]


def test_search_extract_first_offer() -> None:
    assert _search_offers()[0] == Offer(
        seller_id="GEOINF",
        name="GEOINF",
        price=Decimal("92.98"),
        currency="PLN",
        product_id="18023243417",
        title="Deepcool CPU cooler AG400 black, Intel, AMD, CPU A",
        url="https://allegro.pl/oferta/18023243417",
        seller_url="https://allegro.pl/uzytkownik/GEOINF/oceny",
    )


def test_offer_page_html_reads_serialized_boxes() -> None:
    page = allegro.parse(fixture_text("allegro/offer_page.html"), "product")
    assert page.records == [
        Offer(
            seller_id="ELEKTRO-BAZA_PL",
            name="ELEKTRO-BAZA_PL",
            positive_pct=98.8,
            price=Decimal("1249.00"),
            currency="PLN",
            product_id="17508432337",
            title="Karta graficzna MSI GeForce RTX 4060 VENTUS 2X BLACK 8GB OC",
            badge="SuperSeller",
            url="https://allegro.pl/oferta/karta-graficzna-msi-geforce-rtx-4060-ventus-2x-black-8gb-oc-17508432337",
            seller_url="https://allegro.pl/uzytkownik/ELEKTRO-BAZA_PL/oceny",
            seller_numeric_id=page.records[0].seller_numeric_id,  # type: ignore[union-attr]
        )
    ]


def test_offer_extract_seller_urls_are_ratings_pages() -> None:
    assert [o.seller_url for o in allegro.parse(real_page(OFFER), "product").records if isinstance(o, Offer)] == [
        "https://allegro.pl/uzytkownik/X-KOM_PL/oceny",
        "https://allegro.pl/uzytkownik/Elektromaniak_/oceny",
    ]


# --- real pages of 2021: the listing state as a JSON string, the offer page's main box ----------------------


def test_listing_2021_names_the_seller_of_sixty_nine_offers() -> None:
    offers = _listing_offers(real_page(LISTING_2021))
    assert len(offers) == 69  # 70 elements less the "Oferty promowane" label
    assert len({o.seller_id for o in offers}) == len({o.name for o in offers}) == 28
    assert Counter(o.name for o in offers).most_common(4) == [
        ("Oficjalny sklep UGREEN", 8), ("mkelektronikpl", 7), ("Interlook_pl", 6), ("GoLevel", 5)]


def test_listing_2021_first_offer_golden() -> None:
    first = _listing_offers(real_page(LISTING_2021))[0]
    assert (first.seller_id, first.name, first.seller_numeric_id, first.positive_pct, first.price, first.currency) \
        == ("fiftyonepl", "fiftyonepl", "99878084", 100.0, Decimal("14.99"), "PLN")
    assert (first.is_company, first.badge, first.product_id, first.title) == (
        True, None, "10757269825", "Kabel 3w1 micro")
    assert first.url == "https://allegro.pl/oferta/kabel-3w1-micro-10757269825"  # not the click-tracking link
    assert first.seller_url == "https://allegro.pl/uzytkownik/fiftyonepl/oceny"
    assert first.category == "Elektronika > Telefony i Akcesoria"


def test_listing_2021_every_seller_has_id_feedback_company_and_super_seller_flags() -> None:
    offers = _listing_offers(real_page(LISTING_2021))
    assert all(o.seller_numeric_id and o.seller_numeric_id.isdecimal() for o in offers)
    assert all(o.positive_pct is not None and o.is_company is not None for o in offers)
    assert all(o.price is not None and o.currency == "PLN" and o.product_id for o in offers)
    assert {o.badge for o in offers} == {"SuperSeller", None}


def test_listing_2021_brand_zone_seller_is_keyed_by_the_login_its_link_names() -> None:
    ugreen = [o for o in _listing_offers(real_page(LISTING_2021)) if o.name == "Oficjalny sklep UGREEN"]
    assert {(o.seller_id, o.seller_numeric_id, o.positive_pct, o.badge) for o in ugreen} == {
        ("UGREEN_STORE", "70576964", 99.6, "SuperSeller")}
    assert {o.seller_url for o in ugreen} == {"https://allegro.pl/uzytkownik/UGREEN_STORE/oceny"}


@pytest.mark.parametrize(
    ("path", "login", "numeric_id", "rating", "price", "offer_id", "category"),
    [
        (OFFER_FIFTYONEPL_2021, "fiftyonepl", "99878084", 100.0, Decimal("14.99"), "10757269825",
         "Elektronika > Telefony i Akcesoria > Akcesoria GSM > Kable > Zestawy kabli"),
        (OFFER_ALARMZONE_2021, "AlarmZone", "50093989", 99.3, Decimal("8.00"), "9462727229",
         "Elektronika > Telefony i Akcesoria > Akcesoria GSM > Kable > Pojedyncze kable"),
    ],
    ids=["fiftyonepl-100%", "AlarmZone-99,3%"],
)
def test_offer_page_2021_golden(path: str, login: str, numeric_id: str, rating: float, price: Decimal,
                                offer_id: str, category: str) -> None:
    (offer,) = allegro.parse(real_page(path), "product").records
    assert isinstance(offer, Offer)
    assert (offer.seller_id, offer.name, offer.seller_numeric_id, offer.positive_pct) == (
        login, login, numeric_id, rating)
    assert (offer.price, offer.currency, offer.product_id, offer.category) == (price, "PLN", offer_id, category)
    assert offer.seller_url == f"https://allegro.pl/uzytkownik/{login}/oceny"
    assert offer.url is not None and offer.url.endswith(f"-{offer_id}")


def test_offer_page_2021_without_the_seller_name_is_drift() -> None:
    with pytest.raises(ParseError, match="sellerName"):
        allegro.parse(real_page(OFFER_ALARMZONE_2021).replace('"sellerName"', '"merchantName"'), "product")


def test_listing_2021_without_seller_logins_is_drift() -> None:
    with pytest.raises(ParseError, match="seller.login"):
        allegro.parse(real_page(LISTING_2021).replace('\\"login\\":', '\\"userName\\":'), "search")


# --- listing page HTML (hand-made around __listing_StoreState, as public scrapers read it) -------------------


def _listing_offers(html: str) -> list[Offer]:
    return [r for r in allegro.parse(html, "search").records if isinstance(r, Offer)]


def test_listing_page_reads_listing_state_elements() -> None:
    offers = _listing_offers(fixture_text(LISTING))
    assert [(o.seller_id, o.product_id, o.price, o.currency, o.badge) for o in offers] == [
        ("GEOINF", "18023243417", Decimal("92.98"), "PLN", None),
        ("X-KOM_PL", "15377519821", Decimal("119.00"), "PLN", "SuperSeller"),  # promoted offers are offers too
        ("Elektromaniak_", "16820098744", Decimal("1049.99"), "PLN", "SuperSeller"),
        ("GEOINF", "17244011870", Decimal("24.90"), "PLN", None),
    ]


def test_listing_page_first_offer() -> None:
    assert _listing_offers(fixture_text(LISTING))[0] == Offer(
        seller_id="GEOINF",
        name="GEOINF",
        price=Decimal("92.98"),
        currency="PLN",
        product_id="18023243417",
        title="Deepcool chłodzenie CPU AG400 czarne, Intel, AMD",
        url="https://allegro.pl/oferta/deepcool-chlodzenie-cpu-ag400-czarne-intel-amd-18023243417",
        seller_url="https://allegro.pl/uzytkownik/GEOINF/oceny",
        seller_numeric_id="5342117",
        is_company=True,
    )


def test_listing_page_offer_id_falls_back_to_the_offer_url() -> None:
    html = fixture_text(LISTING).replace('"eventData":{"offer_id":"18023243417",', '"eventData":{')
    assert _listing_offers(html)[0].product_id == "18023243417"


def test_listing_page_without_seller_logins_is_drift() -> None:
    html = fixture_text(LISTING).replace('"login":', '"userName":')
    with pytest.raises(ParseError, match="seller.login"):
        allegro.parse(html, "search")


def test_listing_page_without_listing_state_is_drift() -> None:
    html = fixture_text(LISTING).replace("__listing_StoreState", "__listing_State")
    with pytest.raises(ParseError, match="__listing_StoreState"):
        allegro.parse(html, "search", "https://allegro.pl/listing?string=ch%C5%82odzenie")


def test_listing_page_that_found_nothing_is_an_empty_search() -> None:
    html = fixture_text(LISTING)
    start = html.index('{"__listing_StoreState"')
    end = html.index("</script>", start)
    html = html[:start] + '{"__listing_StoreState":{"items":{"elements":[]}}}' + html[end:]
    assert allegro.parse(html.replace('"totalCount":6034', '"totalCount":0'), "search").records == []
    with pytest.raises(ParseError):
        allegro.parse(html, "search")  # no elements while the header counts 6034 results


def test_seller_ratings_page() -> None:
    page = allegro.parse(fixture_text("allegro/seller_ratings_page.html"), "seller")
    assert page.records == [
        SellerProfile(
            seller_id="ELEKTRO-BAZA_PL",
            name="ELEKTRO-BAZA_PL",
            positive_pct=98.8,
            rating_count=152384,
            business_name="Elektro-Baza sp. z o.o.",
            business_address="ul. Przemysłowa 14, 60-101 Poznań",
            country="PL",
            vat_number="PL7792450016",  # "NIP: 7792450016": Poland's VAT id
            rating_window_days=365,
            badge="SuperSeller",
            url="https://allegro.pl/uzytkownik/ELEKTRO-BAZA_PL/oceny",
            trade_register="0000402117",  # KRS; REGON is a statistics number, not read
            email="sklep@elektro-baza.pl",
            phone="+48 61 852 40 10",
            website="https://www.elektro-baza.pl",
            contact_labels=(("vat_number", "NIP"), ("trade_register", "KRS"), ("email", "E-mail"),
                            ("phone", "Telefon"), ("website", "Strona www")),
        )
    ]


@pytest.mark.parametrize(("line", "attribute", "value"), [
    ("Adres e-mail: biuro@sklep.pl", "email", "biuro@sklep.pl"),
    ("Numer telefonu: 600 100 200", "phone", "600 100 200"),
    ("Tel.: +48 22 100 20 30", "phone", "+48 22 100 20 30"),
    ("Numer KRS: 0000123456", "trade_register", "0000123456"),
    ("Strona internetowa: sklep.pl", "website", "sklep.pl"),
])
def test_seller_ratings_page_reads_each_labelled_company_line(line: str, attribute: str, value: str) -> None:
    html = fixture_text("allegro/seller_ratings_page.html")
    start = html.index("<p>KRS:")
    html = html[:start] + f"<p>{line}</p>" + html[html.index("</div>", start):]
    (profile,) = allegro.parse(html, "seller").records
    assert getattr(profile, attribute) == value
    assert (profile.business_address, profile.country) == ("ul. Przemysłowa 14, 60-101 Poznań", "PL")


def test_captcha_page_is_blocked() -> None:
    with pytest.raises(BlockedError):
        allegro.parse(fixture_text("allegro/datadome_captcha.html"), "product")


def test_offer_page_without_seller_box_is_drift() -> None:
    html = fixture_text("allegro/offer_page_without_seller_box.html")
    assert allegro.detect(html) == "product"  # known by its /oferta/ canonical URL
    with pytest.raises(ParseError, match="sellerName"):
        allegro.parse(html, "product")


def test_seller_page_without_rating_is_drift() -> None:
    with pytest.raises(ParseError, match="Poleca"):
        allegro.parse(fixture_text("allegro/seller_ratings_page_without_rating.html"), "seller")


def test_search_extract_without_sellers_is_drift() -> None:
    data = json.loads(real_page(SEARCH))
    for row in data["products"]:
        row["seller"] = ""
    with pytest.raises(ParseError):
        allegro.parse(json.dumps(data), "search")


def test_offer_extract_without_seller_names_is_drift() -> None:
    data = json.loads(real_page(OFFER))
    for item in data:
        item["seller"]["name"] = None
    with pytest.raises(ParseError):
        allegro.parse(json.dumps(data), "product")


def test_unsupported_kind_is_parse_error() -> None:
    with pytest.raises(ParseError):
        allegro.parse(real_page(SEARCH), "ranking")


@pytest.mark.parametrize(("path", "kind"), [(OFFER, "product"), (SEARCH, "search"), (LISTING_2021, "search"),
                                            (OFFER_FIFTYONEPL_2021, "product"), (OFFER_ALARMZONE_2021, "product")])
def test_detect_captures(path: str, kind: str) -> None:
    assert allegro.detect(real_page(path)) == kind


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("allegro/offer_page.html", "product"),
        ("allegro/seller_ratings_page.html", "seller"),
        ("allegro/datadome_captcha.html", "product"),
        ("allegro/listing_page.html", "search"),
    ],
)
def test_detect_fixtures(path: str, kind: str) -> None:
    assert allegro.detect(fixture_text(path)) == kind


@pytest.mark.parametrize(
    "path",
    [
        "ebay/browse_search_iphone_bestmatch_100.json",
        "ebay/finding_findItemsAdvanced_motors_bmw_oilfilter_2.json",
        "walmart/affiliate_v1_search_iphone8.json",
        "walmart/search_nextdata_extract_2025.json",
        "amazon/offer_listing_B07L6P7J2M.html",
        "amazon/bestsellers_com_tools_2022.html",
        "etsy/search_extract_2025.json",
        "etsy/shops_jsonld_extract_2025.json",
        "mercadolibre/sites_MLA_search_televisor_50.json",
    ],
)
def test_detect_ignores_other_marketplaces(path: str) -> None:
    assert allegro.detect(real_page(path)) is None


@pytest.mark.parametrize(
    "path",
    [
        "etsy/datadome_captcha.html",
        "etsy/shop_page_jsonld.html",
        "cdiscount/offers_page.html",
        "cdiscount/search_page.html",
    ],
)
def test_detect_ignores_other_marketplaces_fixtures(path: str) -> None:
    assert allegro.detect(fixture_text(path)) is None


def test_url_builders() -> None:
    assert allegro.offer_url("18023243417") == "https://allegro.pl/oferta/18023243417"
    assert allegro.search_url("chłodzenie procesora") == ("https://allegro.pl/listing?string=ch%C5%82odzenie+procesora")
    assert allegro.seller_url("X-KOM_PL") == "https://allegro.pl/uzytkownik/X-KOM_PL/oceny"


@given(st.text(alphabet=st.sampled_from("0123456789.٣²a ,\n"), max_size=8))
def test_amount_reads_what_the_plain_amount_regex_fullmatches_exactly(text: str) -> None:
    stripped = text.strip()
    if not text:
        expected = None
    elif re.fullmatch(r"\d+(?:\.\d+)?", stripped):
        expected = Decimal(stripped)
    else:
        expected = parse_price(stripped, "PLN", decimal_comma=True)[0]
    assert amount(text) == expected
