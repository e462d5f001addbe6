"""Walmart: search pages and extracts (__NEXT_DATA__), Affiliate API v1, seller pages, bot wall, detection."""

from __future__ import annotations

import json
import re
from collections import Counter
from decimal import Decimal
from typing import Any

import pytest

from scrapers import walmart
from scrapers.errors import BlockedError, ParseError
from scrapers.records import Offer, SellerProfile
from tests.helpers import fixture_text, real_page

EXTRACT = "walmart/search_nextdata_extract_2025.json"
AFFILIATE = "walmart/affiliate_v1_search_iphone8.json"
SEARCH_PAGE = "walmart/search_laptop_nextdata.html"
SELLER_PAGE = "walmart/seller_brightline_nextdata.html"
BLOCKED = "walmart/blocked_robot_or_human.html"
WALMART_ID = "F55CDC31AB754BB68FE0B39041159D63"
_NEXT_DATA = re.compile(r'(<script id="__NEXT_DATA__" type="application/json">)(.*?)(</script>)', re.DOTALL)


def _offers(text: str) -> list[Offer]:
    records = walmart.parse(text, "search").records
    assert all(isinstance(r, Offer) for r in records)
    return records  # type: ignore[return-value]


def _with_next_data(html: str, change: Any) -> str:
    """The page with its __NEXT_DATA__ JSON passed through `change` (which edits it in place)."""
    match = _NEXT_DATA.search(html)
    assert match is not None
    data = json.loads(match.group(2))
    change(data)
    return html[: match.start(2)] + json.dumps(data) + html[match.end(2):]


# --- search extract (real capture: the item objects of live __NEXT_DATA__) ---------------------------------


def test_search_extract_yields_150_offers_from_53_sellers() -> None:
    offers = _offers(real_page(EXTRACT))
    assert len(offers) == 150  # 157 objects, 7 of them ad / tile placeholders
    assert all(o.seller_id and o.name for o in offers)
    assert len({o.seller_id for o in offers}) == 53


def test_search_extract_sellers_with_most_items() -> None:
    counts = Counter((o.name, o.seller_id) for o in _offers(real_page(EXTRACT)))
    assert counts.most_common(3)[:2] == [
        (("Walmart.com", WALMART_ID), 49),
        (("PCOnline US", "E3AC3CCD80E94D77A876ADE3B17D7B89"), 11),
    ]
    assert counts.most_common(3)[2][0][0] == "VLT Distributor"
    assert counts.most_common(3)[2][1] == 8


def test_search_extract_seller_url_is_the_catalog_seller_id_page() -> None:
    offers = _offers(real_page(EXTRACT))
    by_seller = {(o.name, o.seller_url) for o in offers if o.seller_url}
    assert ("PCOnline US", "https://www.walmart.com/seller/101032624") in by_seller
    assert ("VLT Distributor", "https://www.walmart.com/seller/101027287") in by_seller
    assert len(by_seller) == len({name for name, _ in by_seller})  # one page per seller
    assert all(o.seller_url is None for o in offers if o.is_platform)  # Walmart.com carries catalogSellerId "0"


def test_search_extract_walmart_own_items_are_platform_offers() -> None:
    offers = _offers(real_page(EXTRACT))
    platform = [o for o in offers if o.is_platform]
    assert len(platform) == 49
    assert {(o.seller_id, o.name) for o in platform} == {(WALMART_ID, "Walmart.com")}


def test_search_extract_offer_fields() -> None:
    first = _offers(real_page(EXTRACT))[0]
    assert first.product_id == "13737005799"
    assert (first.price, first.currency) == (Decimal("159.00"), "USD")
    assert first.title is not None and first.title.startswith("ASUS CX15 15.6 inch FHD IPS Chromebook")
    assert first.url is not None and first.url.startswith("https://www.walmart.com/ip/ASUS-CX15-")
    # averageRating 4.3 / numberOfReviews 686 rate the laptop, not Walmart.com as a seller
    assert (first.stars, first.rating_count, first.positive_pct) == (None, None, None)
    assert walmart.parse_item_ratings(real_page(EXTRACT))["13737005799"] == (4.3, 686)


def test_search_extract_without_any_seller_is_parse_error() -> None:
    items = json.loads(real_page(EXTRACT))
    for item in items:
        item.pop("sellerName", None)
        item.pop("sellerId", None)
    with pytest.raises(ParseError, match="sellerName/sellerId"):
        walmart.parse(json.dumps(items), "search")


# --- search page (hand-made whole page around the same item shapes) ----------------------------------------


def test_search_page_offers() -> None:
    page = walmart.parse(fixture_text(SEARCH_PAGE), "search")
    assert page.site == "walmart.com"
    offers = page.records
    assert [(o.product_id, o.name, o.is_platform) for o in offers] == [  # type: ignore[union-attr]
        ("5089127734", "Walmart.com", True),
        ("7412398065", "Walmart.com", True),
        ("1623457780", "PCOnline US", False),
        ("3350981146", "VLT Distributor", False),
        ("9980413327", "PCOnline US", False),
    ]
    acer = offers[0]
    assert isinstance(acer, Offer)
    assert (acer.seller_id, acer.price, acer.currency) == (WALMART_ID, Decimal("279.00"), "USD")
    assert acer.url == (
        "https://www.walmart.com/ip/Acer-Aspire-3-15-6-FHD-Laptop-Intel-Core-i3-N305-8GB-128GB-SSD-Silver"
        "/5089127734?classType=VARIANT"
    )


def test_search_page_seller_urls_follow_catalog_seller_id() -> None:
    assert [o.seller_url for o in _offers(fixture_text(SEARCH_PAGE))] == [
        None,
        None,
        "https://www.walmart.com/seller/101032624",
        "https://www.walmart.com/seller/101187520",
        "https://www.walmart.com/seller/101032624",
    ]


def test_search_page_item_without_price_has_none_not_zero() -> None:
    dell = _offers(fixture_text(SEARCH_PAGE))[-1]
    assert (dell.product_id, dell.price, dell.currency) == ("9980413327", None, None)


def test_search_page_item_ratings_leave_unreviewed_items_unrated() -> None:
    ratings = walmart.parse_item_ratings(fixture_text(SEARCH_PAGE))
    assert ratings["5089127734"] == (4.4, 1287)
    assert ratings["9980413327"] == (None, 0)


def test_search_page_without_search_result_is_parse_error() -> None:
    def drop(data: dict[str, Any]) -> None:
        data["props"]["pageProps"]["initialData"].pop("searchResult")

    html = _with_next_data(fixture_text(SEARCH_PAGE), drop)
    with pytest.raises(ParseError, match="searchResult.itemStacks"):
        walmart.parse(html, "search")


def test_search_page_without_next_data_is_parse_error() -> None:
    html = fixture_text(SEARCH_PAGE).replace('id="__NEXT_DATA__"', 'id="__OTHER__"')
    with pytest.raises(ParseError, match="__NEXT_DATA__"):
        walmart.parse(html, "search")


def test_search_page_with_zero_results_is_an_empty_search() -> None:
    def empty(data: dict[str, Any]) -> None:
        result = data["props"]["pageProps"]["initialData"]["searchResult"]
        result["aggregatedCount"] = 0
        result["itemStacks"][0]["meta"]["totalItemCount"] = 0
        result["itemStacks"][0]["items"] = []

    assert _offers(_with_next_data(fixture_text(SEARCH_PAGE), empty)) == []


def test_search_page_with_results_but_no_products_is_parse_error() -> None:
    def drop_products(data: dict[str, Any]) -> None:
        stack = data["props"]["pageProps"]["initialData"]["searchResult"]["itemStacks"][0]
        stack["items"] = [i for i in stack["items"] if i["__typename"] != "Product"]

    with pytest.raises(ParseError, match="no product items"):
        walmart.parse(_with_next_data(fixture_text(SEARCH_PAGE), drop_products), "search")


# --- Affiliate / Open API v1 search (real capture) ---------------------------------------------------------


def test_affiliate_search_sellers() -> None:
    offers = _offers(real_page(AFFILIATE))
    assert len(offers) == 10
    third_party = Counter(o.name for o in offers if not o.is_platform)
    assert third_party == {
        "BREED": 2, "JemJem Certified": 2, "Taylor Wireless, LLC - CA Corp": 1, "Quick Wireless": 1, "MyWIT": 1,
    }
    assert sum(third_party.values()) == 7


def test_affiliate_search_walmart_own_items_are_platform_offers_never_dropped() -> None:
    platform = [o for o in _offers(real_page(AFFILIATE)) if o.is_platform]
    assert [o.product_id for o in platform] == ["504312210", "413777183", "542541305"]
    assert {(o.seller_id, o.name) for o in platform} == {(WALMART_ID, "Walmart.com")}


def test_affiliate_search_offer_fields() -> None:
    quick = next(o for o in _offers(real_page(AFFILIATE)) if o.name == "Quick Wireless")
    assert quick.seller_id is None  # API v1 names marketplace sellers but gives no id
    assert (quick.price, quick.currency, quick.product_id) == (Decimal("349.99"), "USD", "49053769")
    assert quick.url == "https://www.walmart.com/ip/49053769"
    # customerRating "3.0" / numReviews 6 rate the phone, not Quick Wireless
    assert (quick.stars, quick.rating_count, quick.positive_pct) == (None, None, None)
    assert walmart.parse_item_ratings(real_page(AFFILIATE))["49053769"] == (3.0, 6)


def test_affiliate_search_empty_response_is_an_empty_search() -> None:
    empty = {"query": "zzqqxx", "sort": "relevance", "responseGroup": "base", "totalResults": 0, "start": 1,
             "numItems": 0, "items": []}
    assert walmart.detect(json.dumps(empty)) == "search"
    assert _offers(json.dumps(empty)) == []


def test_affiliate_search_api_error_is_parse_error_naming_it() -> None:
    error = json.dumps({"errors": [{"code": 4003, "message": "Invalid API key"}]})
    with pytest.raises(ParseError, match=r"API error: Invalid API key \(code 4003\)"):
        walmart.parse(error, "search")


def test_affiliate_search_items_without_item_id_is_parse_error() -> None:
    data = json.loads(real_page(AFFILIATE))
    for item in data["items"]:
        del item["itemId"]
    with pytest.raises(ParseError, match="itemId"):
        walmart.parse(json.dumps(data), "search")


# --- seller page (hand-made fixture) -----------------------------------------------------------------------


def test_seller_page_profile() -> None:
    page = walmart.parse(fixture_text(SELLER_PAGE), "seller")
    assert page.records == [
        SellerProfile(
            seller_id="7A1C3E5B9D2F4A6C8E0B1D3F5A7C9E1B",
            name="Brightline Electronics",
            rating_count=2156,
            stars=4.6,
            business_name="Brightline Electronics Inc.",
            business_address="1450 Tech Park Dr, Suite 200, Irvine, CA 92618, US",
            country="US",
            badge="Pro Seller",
            url="https://www.walmart.com/seller/101234567",
            phone="(949) 555-0186",
            email="support@brightline.example",
            contact_labels=(("business_name", "sellerName"), ("business_address", "address1"),
                            ("country", "country"), ("phone", "csPhone"), ("email", "csEmail")),
        )
    ]


def test_seller_page_reads_a_nested_address_and_the_website() -> None:
    def nest(data: dict[str, Any]) -> None:
        seller = data["props"]["pageProps"]["initialData"]["data"]["seller"]
        seller["address"] = {key: seller.pop(key) for key in ("address1", "address2", "city", "state", "zip",
                                                               "country")}
        seller["sellerWebsite"] = "https://www.brightline.example"
        seller["csPhone"] = "not listed"

    (profile,) = walmart.parse(_with_next_data(fixture_text(SELLER_PAGE), nest), "seller").records
    assert isinstance(profile, SellerProfile)
    assert profile.business_address == "1450 Tech Park Dr, Suite 200, Irvine, CA 92618, US"
    assert (profile.website, profile.phone) == ("https://www.brightline.example", None)
    assert dict(profile.contact_labels)["business_address"] == "address.address1"


def test_seller_page_without_seller_object_is_parse_error() -> None:
    html = _with_next_data(fixture_text(SELLER_PAGE), lambda d: d["props"]["pageProps"]["initialData"].pop("data"))
    with pytest.raises(ParseError, match="initialData.data.seller"):
        walmart.parse(html, "seller")


def test_seller_page_seller_object_without_name_or_id_is_parse_error() -> None:
    def anonymise(data: dict[str, Any]) -> None:
        seller = data["props"]["pageProps"]["initialData"]["data"]["seller"]
        for key in ("sellerId", "catalogSellerId", "sellerName", "sellerDisplayName"):
            del seller[key]

    with pytest.raises(ParseError, match="without a name or id"):
        walmart.parse(_with_next_data(fixture_text(SELLER_PAGE), anonymise), "seller")


# --- bot wall ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["search", "seller"])
def test_robot_or_human_page_is_blocked_error(kind: str) -> None:
    with pytest.raises(BlockedError):
        walmart.parse(fixture_text(BLOCKED), kind)


def test_blocked_redirect_url_is_blocked_error() -> None:
    url = "https://www.walmart.com/blocked?url=L3NlbGxlci8xMDEyMzQ1Njc=&uuid=1f4c2e0a&vid=&g=b"
    with pytest.raises(BlockedError):
        walmart.parse("<html><body>Please wait</body></html>", "seller", url)


# --- detection and dispatch --------------------------------------------------------------------------------


@pytest.mark.parametrize("capture", [EXTRACT, AFFILIATE])
def test_detect_captures(capture: str) -> None:
    assert walmart.detect(real_page(capture)) == "search"


@pytest.mark.parametrize(
    ("fixture", "url", "kind"),
    [
        (SEARCH_PAGE, None, "search"),
        (SELLER_PAGE, None, "seller"),
        (BLOCKED, None, "search"),
        (BLOCKED, "https://www.walmart.com/seller/101234567", "seller"),
    ],
)
def test_detect_fixtures(fixture: str, url: str | None, kind: str) -> None:
    assert walmart.detect(fixture_text(fixture), url) == kind


@pytest.mark.parametrize(
    "capture",
    [
        "etsy/search_extract_2025.json", "etsy/shops_jsonld_extract_2025.json",
        "amazon/offer_listing_B07L6P7J2M.html", "amazon/offer_listing_2015_0135157862_NEW_1.html",
        "ebay/browse_search_iphone_bestmatch_100.json", "ebay/finding_findItemsAdvanced_motors_bmw_oilfilter_2.json",
        "mercadolibre/sites_MLA_search_televisor_50.json", "allegro/search_extract_2026.json",
    ],
)
def test_detect_other_marketplaces_is_none(capture: str) -> None:
    assert walmart.detect(real_page(capture)) is None


@pytest.mark.parametrize(
    "fixture", ["ebay/store_gadgetoutletpro.html", "ebay/pardon_our_interruption.html", "ebay/browse_search_empty.json"]
)
def test_detect_ebay_fixtures_is_none(fixture: str) -> None:
    assert walmart.detect(fixture_text(fixture)) is None


def test_parse_unsupported_kind_is_parse_error() -> None:
    with pytest.raises(ParseError, match="ranking"):
        walmart.parse(fixture_text(SEARCH_PAGE), "ranking")


def test_parse_seller_kind_given_json_is_parse_error() -> None:
    with pytest.raises(ParseError, match="got JSON"):
        walmart.parse(real_page(AFFILIATE), "seller")


# --- URL builders ------------------------------------------------------------------------------------------


def test_search_url() -> None:
    assert walmart.search_url("gaming laptop") == "https://www.walmart.com/search?q=gaming+laptop"
    assert walmart.search_url("laptop", page=3) == "https://www.walmart.com/search?q=laptop&page=3"


def test_seller_and_item_urls() -> None:
    assert walmart.seller_url("101032624") == "https://www.walmart.com/seller/101032624"
    assert walmart.item_url("13737005799") == "https://www.walmart.com/ip/13737005799"


def test_search_items_carry_their_department_path() -> None:
    offers = _offers(real_page(EXTRACT))
    assert all(o.category for o in offers)
    assert Counter(o.category.split(" > ")[0] for o in offers if o.category)["3944"] == 134  # Electronics


def test_affiliate_items_pair_category_ids_with_their_names() -> None:
    offers = walmart.parse(real_page(AFFILIATE), "search").records
    assert "1105910 Cell Phones > 1231203 Shop Phones by Operating System > 1231204 Apple iOS" in {
        o.category for o in offers if isinstance(o, Offer)}
