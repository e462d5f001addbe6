"""eBay: Browse/Finding API search responses, store and profile pages, bot walls, detection."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest

from scrapers import ebay, ebay_seller
from scrapers.errors import BlockedError, ParseError
from scrapers.records import Offer, SellerProfile
from tests.helpers import fixture_text, real_page

BROWSE = "ebay/browse_search_iphone_bestmatch_100.json"
FINDING = "ebay/finding_findItemsAdvanced_motors_bmw_oilfilter_2.json"
STORE_US = "ebay/store_gadgetoutletpro.html"
STORE_DE = "ebay/store_de_autoteilemueller.html"
PROFILE = "ebay/usr_vintagefindsoh.html"


def _offers(text: str) -> list[Offer]:
    records = ebay.parse(text, "search").records
    assert all(isinstance(r, Offer) for r in records)
    return records  # type: ignore[return-value]


def _profile(text: str, url: str | None = None) -> SellerProfile:
    (record,) = ebay.parse(text, "seller", url).records
    assert isinstance(record, SellerProfile)
    return record


# --- Buy Browse item_summary/search (real capture) ---------------------------------------------------------


def test_browse_search_capture_yields_100_offers_from_38_sellers() -> None:
    offers = _offers(real_page(BROWSE))
    assert len(offers) == 100
    assert len({o.seller_id for o in offers}) == 38


def test_browse_search_capture_highest_feedback_scores() -> None:
    by_seller = {o.seller_id: o for o in _offers(real_page(BROWSE))}
    top = sorted(by_seller.values(), key=lambda o: o.rating_count or 0, reverse=True)[:3]
    assert [(o.seller_id, o.rating_count, o.positive_pct) for o in top] == [
        ("decluttr_store", 3_377_752, 99.0),
        ("bigdeals", 436_692, 100.0),
        ("bidallies", 343_031, 99.3),
    ]


def test_browse_search_capture_sellers_with_most_listings() -> None:
    counts = Counter(o.seller_id for o in _offers(real_page(BROWSE)))
    assert counts.most_common(3) == [("supplytronics", 27), ("bidallies", 6), ("ltdealsdirect", 4)]


def test_browse_search_capture_zero_feedback_is_a_real_zero_not_missing() -> None:
    lowest = min(_offers(real_page(BROWSE)), key=lambda o: o.rating_count or 0)
    assert (lowest.seller_id, lowest.rating_count, lowest.positive_pct) == ("zaloc_3", 0, 0.0)


def test_browse_search_capture_offer_fields() -> None:
    first = _offers(real_page(BROWSE))[0]
    assert first.seller_id == first.name == "cocosprinkles"
    assert (first.positive_pct, first.rating_count) == (99.9, 31327)
    assert (first.price, first.currency) == (Decimal("189.99"), "USD")
    assert first.product_id == "334691749565"  # legacyItemId: the /itm/ id the Finding API also uses
    assert first.title == "2020 Apple iPhone SE 2nd Gen (Great Condition) Unlocked Verizon ATT TMobile"
    assert first.url is not None and first.url.startswith("https://www.ebay.com/itm/334691749565")
    assert first.badge == "Top Rated"  # topRatedBuyingExperience: a Top Rated Plus listing
    assert first.country == "US"
    assert first.is_platform is False
    assert first.seller_url == "https://www.ebay.com/usr/cocosprinkles"


def test_browse_search_item_without_legacy_id_falls_back_to_item_id() -> None:
    data = json.loads(real_page(BROWSE))
    data["itemSummaries"] = data["itemSummaries"][:1]
    del data["itemSummaries"][0]["legacyItemId"]
    assert _offers(json.dumps(data))[0].product_id == "v1|334691749565|543843548440"


def test_browse_search_empty_response_with_total_zero_is_an_empty_search() -> None:
    assert _offers(fixture_text("ebay/browse_search_empty.json")) == []


def test_browse_search_api_error_is_parse_error_naming_it() -> None:
    with pytest.raises(ParseError, match="API error: The value of limit is not valid.*12001"):
        ebay.parse(fixture_text("ebay/browse_search_error.json"), "search")


def test_browse_search_items_without_seller_is_parse_error() -> None:
    data = json.loads(real_page(BROWSE))
    for item in data["itemSummaries"]:
        del item["seller"]
    with pytest.raises(ParseError, match=r"itemSummaries\[0\] has no seller.username"):
        ebay.parse(json.dumps(data), "search")


def test_browse_search_missing_item_summaries_with_results_is_parse_error() -> None:
    data = json.loads(real_page(BROWSE))
    del data["itemSummaries"]
    with pytest.raises(ParseError, match="without itemSummaries"):
        ebay.parse(json.dumps(data), "search")


def test_search_json_of_unknown_shape_is_parse_error() -> None:
    with pytest.raises(ParseError):
        ebay.parse('{"href": "https://api.ebay.com/buy/browse/v1/item/1"}', "search")


# --- Finding API findItemsAdvanced (real capture) ----------------------------------------------------------


def test_finding_search_capture_sellers() -> None:
    liy, germanparts = _offers(real_page(FINDING))
    assert (liy.seller_id, liy.rating_count, liy.positive_pct) == ("liy-3761", 102, 100.0)
    assert liy.badge == "Top Rated; Turquoise star"
    assert (germanparts.seller_id, germanparts.rating_count, germanparts.positive_pct) == (
        "all_germanparts", 477, 96.2
    )
    assert germanparts.badge == "Turquoise star"  # topRatedSeller false
    assert (liy.seller_url, germanparts.seller_url) == (
        "https://www.ebay.com/usr/liy-3761", "https://www.ebay.com/usr/all_germanparts"
    )


def test_finding_search_capture_offer_fields() -> None:
    liy = _offers(real_page(FINDING))[0]
    assert (liy.price, liy.currency, liy.product_id) == (Decimal("9.6"), "USD", "333396909000")
    assert liy.title == "Engine Oil Filter Kit For BMW 11427566327"
    assert liy.country == "CN"


def test_finding_search_wrapped_in_its_response_key_parses_the_same() -> None:
    body = json.loads(real_page(FINDING))
    wrapped = json.dumps({"findItemsAdvancedResponse": [body]})
    assert ebay.detect(wrapped) == "search"
    assert _offers(wrapped) == _offers(real_page(FINDING))


def test_finding_search_empty_response_with_count_zero_is_an_empty_search() -> None:
    assert _offers(fixture_text("ebay/finding_findItemsAdvanced_empty.json")) == []


def test_finding_search_failure_is_parse_error_naming_it() -> None:
    with pytest.raises(ParseError, match=r"API error: Invalid category ID. \(errorId 18\)"):
        ebay.parse(fixture_text("ebay/finding_findItemsAdvanced_error.json"), "search")


def test_finding_search_without_seller_info_is_parse_error() -> None:
    body = json.loads(real_page(FINDING))
    for item in body["searchResult"][0]["item"]:
        del item["sellerInfo"]
    with pytest.raises(ParseError, match="outputSelector=SellerInfo"):
        ebay.parse(json.dumps(body), "search")


# --- store and profile pages (hand-made fixtures) ----------------------------------------------------------


def test_store_page_us() -> None:
    url = "https://www.ebay.com/str/gadgetoutletpro"
    page = ebay.parse(fixture_text(STORE_US), "seller", url)
    assert page.site == "ebay.com"
    assert page.records == [
        SellerProfile(
            seller_id="gadgetoutlet_pro",
            name="Gadget Outlet Pro",
            positive_pct=99.8,
            rating_count=123_456,
            lifetime_rating_count=123_456,
            business_name="Gadget Outlet Pro LLC",
            business_address="1200 Commerce Pkwy, Suite 4, Reno, NV 89502, United States",
            country="US",
            sales_count=1_200_000,
            listing_count=8_412,
            followers=34_000,
            created="2006-03-14",
            url=url,
            phone="+1 775-555-0142",
            email="support@gadgetoutletpro.example",
            contact_labels=(("business_name", "Business name"), ("business_address", "Address"),
                            ("phone", "Phone number"), ("email", "Email")),
        )
    ]


def test_store_page_without_about_tab_takes_username_from_feedback_link() -> None:
    html = fixture_text(STORE_US).replace("str-about-description__seller-info", "str-about-removed")
    profile = _profile(html)
    assert profile.seller_id == "gadgetoutlet_pro"
    assert (profile.country, profile.created) == ("US", None)  # the business address's country instead


def test_member_profile_page() -> None:
    profile = _profile(fixture_text(PROFILE))
    assert (profile.seller_id, profile.name) == ("vintage.finds.oh", "vintage.finds.oh")
    assert (profile.positive_pct, profile.sales_count, profile.followers) == (100.0, 12_000, 845)
    assert (profile.rating_count, profile.listing_count) == (3_210, 316)
    assert (profile.country, profile.created) == ("US", "2011-09-02")
    assert profile.business_name is None and profile.business_address is None


def test_store_page_de_reads_german_labels_and_numbers() -> None:
    page = ebay.parse(fixture_text(STORE_DE), "seller")
    assert page.site == "ebay.de"  # from the canonical link when no URL is given
    (profile,) = page.records
    assert isinstance(profile, SellerProfile)
    assert (profile.seller_id, profile.name) == ("autoteile-mueller", "Autoteile Müller")
    assert profile.positive_pct == 99.8  # "99,8 % positive Bewertungen"
    assert profile.sales_count == 12_345  # "12.345 verkaufte Artikel"
    assert profile.followers == 1_234  # "1.234 Follower"
    assert (profile.rating_count, profile.listing_count) == (15_678, 2_345)
    assert (profile.country, profile.created) == ("DE", "2009-01-05")
    assert profile.business_name == "Autoteile Müller GmbH"
    assert profile.business_address == "Industriestraße 12, 70565 Stuttgart, Deutschland"
    assert (profile.phone, profile.vat_number) == ("+49 711 5550123", "DE123456789")
    assert dict(profile.contact_labels)["vat_number"] == "Umsatzsteuer-Identifikationsnummer"


def test_store_page_without_seller_card_is_parse_error() -> None:
    html = fixture_text(STORE_US).replace('class="str-seller-card"', 'class="str-renamed-card"')
    with pytest.raises(ParseError, match="str-seller-card"):
        ebay.parse(html, "seller")


def test_store_page_with_empty_seller_card_is_parse_error() -> None:
    html = fixture_text(STORE_US)
    start = html.index('<div class="str-seller-card__store-name">')
    end = html.index('<div class="str-seller-card__actions">')
    with pytest.raises(ParseError, match="without a name or stats"):
        ebay.parse(html[:start] + html[end:], "seller")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.2M", 1_200_000), ("12K", 12_000), ("34K followers", 34_000), ("845", 845), ("1,234", 1_234),
        ("12.345", 12_345), ("1,2 Mio.", 1_200_000), ("1.234 Follower", 1_234), ("2,5 Tsd.", 2_500), ("", None),
    ],
)
def test_parse_compact_count_expands_suffixes(text: str, expected: int | None) -> None:
    assert ebay_seller.parse_compact_count(text) == expected


# --- bot walls ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", ["ebay/pardon_our_interruption.html", "ebay/splashui_captcha.html"])
@pytest.mark.parametrize("kind", ["seller", "search"])
def test_bot_wall_is_blocked_error(fixture: str, kind: str) -> None:
    with pytest.raises(BlockedError):
        ebay.parse(fixture_text(fixture), kind)


def test_captcha_redirect_url_is_blocked_error() -> None:
    url = "https://www.ebay.com/splashui/captcha?ap=1&appName=orch&ru=https%3A%2F%2Fwww.ebay.com%2Fusr%2Fx"
    assert ebay.detect("<html><body>Please verify yourself</body></html>", url) == "seller"
    with pytest.raises(BlockedError):
        ebay.parse("<html><body>Please verify yourself</body></html>", "seller", url)


# --- detection and dispatch --------------------------------------------------------------------------------


@pytest.mark.parametrize(("capture", "kind"), [(BROWSE, "search"), (FINDING, "search")])
def test_detect_captures(capture: str, kind: str) -> None:
    assert ebay.detect(real_page(capture)) == kind


@pytest.mark.parametrize(
    ("fixture", "kind"),
    [
        (STORE_US, "seller"), (STORE_DE, "seller"), (PROFILE, "seller"),
        ("ebay/pardon_our_interruption.html", "seller"), ("ebay/splashui_captcha.html", "seller"),
        ("ebay/browse_search_empty.json", "search"), ("ebay/browse_search_error.json", "search"),
        ("ebay/finding_findItemsAdvanced_empty.json", "search"),
        ("ebay/finding_findItemsAdvanced_error.json", "search"),
    ],
)
def test_detect_fixtures(fixture: str, kind: str) -> None:
    assert ebay.detect(fixture_text(fixture)) == kind


@pytest.mark.parametrize(
    "capture",
    [
        "etsy/search_extract_2025.json", "etsy/shops_jsonld_extract_2025.json",
        "amazon/offer_listing_B07L6P7J2M.html", "amazon/bestsellers_com_tools_2022.html",
        "walmart/affiliate_v1_search_iphone8.json", "walmart/search_nextdata_extract_2025.json",
        "mercadolibre/sites_MLA_search_televisor_50.json", "allegro/offer_extract_2026.json",
    ],
)
def test_detect_other_marketplaces_is_none(capture: str) -> None:
    assert ebay.detect(real_page(capture)) is None


@pytest.mark.parametrize(
    "fixture",
    ["walmart/search_laptop_nextdata.html", "walmart/seller_brightline_nextdata.html",
     "walmart/blocked_robot_or_human.html"],
)
def test_detect_walmart_fixtures_is_none(fixture: str) -> None:
    assert ebay.detect(fixture_text(fixture)) is None


def test_parse_unsupported_kind_is_parse_error() -> None:
    with pytest.raises(ParseError, match="ranking"):
        ebay.parse(fixture_text(STORE_US), "ranking")


def test_parse_seller_kind_given_json_is_parse_error() -> None:
    with pytest.raises(ParseError, match="or a getItem response"):
        ebay.parse(fixture_text("ebay/browse_search_empty.json"), "seller")


# --- URL builders ------------------------------------------------------------------------------------------


def test_browse_search_url() -> None:
    assert ebay.browse_search_url("iphone 13", limit=100) == (
        "https://api.ebay.com/buy/browse/v1/item_summary/search?q=iphone+13&limit=100"
    )
    assert ebay.browse_search_url("iphone", "EBAY_DE", limit=50, offset=100).endswith("limit=50&offset=100")
    assert ebay.browse_headers("EBAY_DE") == {"X-EBAY-C-MARKETPLACE-ID": "EBAY_DE"}


@pytest.mark.parametrize("bad", [{"marketplace_id": "EBAY_XX"}, {"limit": 0}, {"limit": 201}])
def test_browse_search_url_rejects_bad_arguments(bad: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        ebay.browse_search_url("iphone", **bad)  # type: ignore[arg-type]


def test_store_and_seller_urls() -> None:
    assert ebay.store_url("gadgetoutletpro") == "https://www.ebay.com/str/gadgetoutletpro"
    assert ebay.store_url("autoteilemueller", site="ebay.de") == "https://www.ebay.de/str/autoteilemueller"
    assert ebay.seller_url("vintage.finds.oh") == "https://www.ebay.com/usr/vintage.finds.oh"
    assert ebay.seller_url("a b/c") == "https://www.ebay.com/usr/a%20b%2Fc"


def test_browse_items_carry_their_category_path_top_level_first() -> None:
    categories = Counter(o.category for o in _offers(real_page(BROWSE)))
    assert categories == {"15032 Cell Phones & Accessories > 9355 Cell Phones & Smartphones": 100}


def test_finding_items_carry_their_primary_category() -> None:
    page = ebay.parse(real_page(FINDING), "search")
    assert {o.seller_id: o.category for o in page.records if isinstance(o, Offer)}["liy-3761"] == "33661 Oil Filters"


# --- getItem: an EU business seller's sellerLegalInfo (hand-made fixture) ---------------------------------------

GET_ITEM = "ebay/browse_get_item_business_de.json"
GET_ITEM_URL = "https://api.ebay.com/buy/browse/v1/item/v1%7C204587123456%7C0"


def test_get_item_reads_the_business_sellers_legal_information() -> None:
    text = fixture_text(GET_ITEM)
    assert ebay.detect(text) == "seller" and ebay.kind_from_url(GET_ITEM_URL) == "seller"
    (profile,) = ebay.parse(text, "seller", GET_ITEM_URL).records
    assert profile == SellerProfile(
        seller_id="autoteile-mueller", name="autoteile-mueller", business_name="Autoteile Müller GmbH",
        business_address="Industriestraße 12, 70565 Stuttgart, Baden-Württemberg, Deutschland", country="DE",
        vat_number="DE123456789", email="info@autoteile-mueller.example", phone="+49 711 5550123",
        trade_register="HRB 723456, Amtsgericht Stuttgart", business_type="Business",
        contact_labels=(("business_type", "seller.sellerAccountType"), ("business_name", "sellerLegalInfo.name"),
                        ("email", "sellerLegalInfo.email"), ("phone", "sellerLegalInfo.phone"),
                        ("trade_register", "sellerLegalInfo.registrationNumber"),
                        ("vat_number", "sellerLegalInfo.vatDetails.vatId"),
                        ("business_address", "sellerLegalInfo.sellerProvidedLegalAddress"),
                        ("country", "sellerLegalInfo.sellerProvidedLegalAddress.country")))
    assert "Hans" not in repr(profile)  # the legal contact's own name is a person's: not read


def test_get_item_of_an_individual_seller_has_no_legal_information() -> None:
    data = json.loads(fixture_text(GET_ITEM))
    data["seller"] = {"username": "privat123", "sellerAccountType": "INDIVIDUAL"}
    (profile,) = ebay.parse(json.dumps(data), "seller").records
    assert isinstance(profile, SellerProfile)
    assert (profile.business_type, profile.business_name, profile.email) == ("Individual", None, None)


def test_get_item_without_a_seller_is_drift() -> None:
    data = json.loads(fixture_text(GET_ITEM))
    del data["seller"]
    with pytest.raises(ParseError, match="seller.username"):
        ebay.parse(json.dumps(data), "seller")


def test_browse_search_says_which_sellers_are_businesses() -> None:
    body = {"total": 2, "itemSummaries": [
        {"itemId": "v1|1|0", "legacyItemId": "1", "title": "A", "price": {"value": "1.00", "currency": "EUR"},
         "seller": {"username": "firma", "feedbackScore": 5, "sellerAccountType": "BUSINESS"}},
        {"itemId": "v1|2|0", "legacyItemId": "2", "title": "B", "price": {"value": "1.00", "currency": "EUR"},
         "seller": {"username": "privat", "feedbackScore": 5}}]}
    offers = ebay.parse(json.dumps(body), "search").records
    assert [o.is_company for o in offers] == [True, None]  # type: ignore[union-attr]
    assert ebay.item_url("1") == "https://api.ebay.com/buy/browse/v1/item/v1%7C1%7C0"
