"""Etsy: Open API v3 shops/listings, shop-page JSON-LD, search extracts, and the DataDome bot wall."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest

from scrapers import etsy
from scrapers.errors import BlockedError, ParseError
from scrapers.records import Offer, SellerProfile
from tests.helpers import fixture_text, real_page

SEARCH = "etsy/search_extract_2025.json"
SHOPS = "etsy/shops_jsonld_extract_2025.json"


def _search_offers() -> list[Offer]:
    return [r for r in etsy.parse(real_page(SEARCH), "search").records if isinstance(r, Offer)]


def test_search_extract_yields_one_offer_per_row() -> None:
    offers = _search_offers()
    assert len(offers) == 134
    assert len({o.seller_id for o in offers}) == 124


def test_search_extract_most_reviewed_sellers() -> None:
    best: dict[str, Offer] = {}
    for offer in _search_offers():
        assert offer.seller_id is not None
        if offer.rating_count is not None and (
            offer.seller_id not in best or offer.rating_count > (best[offer.seller_id].rating_count or 0)
        ):
            best[offer.seller_id] = offer
    top = sorted(best.values(), key=lambda o: -(o.rating_count or 0))[:3]
    assert [(o.name, o.rating_count, o.stars) for o in top] == [
        ("FalkelDesign", 1750, 4.9),
        ("BKGift", 1130, 4.8),
        ("mcs3Dstudios", 879, 5.0),
    ]


def test_search_extract_first_row_fields() -> None:
    first = _search_offers()[0]
    assert first == Offer(
        seller_id="WoodTodayEU",
        name="WoodTodayEU",
        rating_count=20,
        price=Decimal("19.00"),
        currency="USD",
        product_id="1330259870",
        title=first.title,
        stars=4.6,
        url="https://www.etsy.com/listing/1330259870",
        seller_url="https://www.etsy.com/shop/WoodTodayEU",
    )


def test_search_extract_missing_rating_is_none_not_zero() -> None:
    unrated = [o for o in _search_offers() if o.stars is None]
    assert len(unrated) == 15
    assert all(o.rating_count is None for o in unrated)


def test_shops_jsonld_extract_listing_counts() -> None:
    page = etsy.parse(real_page(SHOPS), "seller")
    assert [(p.seller_id, p.name, p.listing_count, p.url) for p in page.records if isinstance(p, SellerProfile)] == [
        ("Oakywood", "Oakywood", 104, "https://www.etsy.com/shop/Oakywood"),
        ("JoshuaHouseCrafts", "JoshuaHouseCrafts", 168, "https://www.etsy.com/shop/JoshuaHouseCrafts"),
        ("FalkelDesign", "FalkelDesign", 54, "https://www.etsy.com/shop/FalkelDesign"),
    ]


def test_shop_page_html_reads_jsonld_and_header() -> None:
    page = etsy.parse(fixture_text("etsy/shop_page_jsonld.html"), "seller")
    assert page.records == [
        SellerProfile(
            seller_id="NorthwindWoodcraft",
            name="NorthwindWoodcraft",
            rating_count=3127,
            stars=4.9,
            sales_count=48713,
            sales_count_exact=True,
            listing_count=212,
            url="https://www.etsy.com/shop/NorthwindWoodcraft",
        )
    ]


def test_get_shop_api_maps_documented_fields() -> None:
    page = etsy.parse(fixture_text("etsy/shop_api_getShop.json"), "seller")
    assert page.records == [
        SellerProfile(
            seller_id="27481930",
            name="NorthwindWoodcraft",
            rating_count=3127,
            rating_window_days=365,
            country="PL",
            stars=4.9,
            sales_count=48713,
            sales_count_exact=True,
            listing_count=212,
            followers=18342,
            created="2016-03-01",
            url="https://www.etsy.com/shop/NorthwindWoodcraft",
        )
    ]


def test_find_shops_api_yields_every_result() -> None:
    page = etsy.parse(fixture_text("etsy/shop_api_findShops.json"), "seller")
    profiles = [p for p in page.records if isinstance(p, SellerProfile)]
    assert [(p.seller_id, p.name, p.sales_count, p.country) for p in profiles] == [
        ("27481930", "NorthwindWoodcraft", 48713, "PL"),
        ("31877204", "NorthwindPrints", 40043, "RO"),  # no shipping_from_country_iso: shop location
    ]
    assert profiles[1].created == "2020-05-19"


def test_find_all_listings_active_yields_offers_by_shop_id() -> None:
    page = etsy.parse(fixture_text("etsy/listings_api_findAllListingsActive.json"), "search")
    assert [(o.seller_id, o.name, o.price, o.currency, o.product_id) for o in page.records if isinstance(o, Offer)] == [
        ("27481930", None, Decimal("45.00"), "USD", "1330259870"),
        ("31877204", None, Decimal("6.50"), "USD", "1586319476"),
        ("27481930", None, Decimal("129.99"), "USD", "4356045979"),
    ]
    assert {o.category for o in page.records if isinstance(o, Offer)} == {"1027"}  # the listing's taxonomy_id
    assert [o.seller_url for o in page.records if isinstance(o, Offer)] == [
        "https://openapi.etsy.com/v3/application/shops/27481930",
        "https://openapi.etsy.com/v3/application/shops/31877204",
        "https://openapi.etsy.com/v3/application/shops/27481930",
    ]


def test_datadome_page_is_blocked() -> None:
    with pytest.raises(BlockedError):
        etsy.parse(fixture_text("etsy/datadome_captcha.html"), "seller")


def test_shop_page_without_itemlist_is_drift() -> None:
    with pytest.raises(ParseError, match="ItemList"):
        etsy.parse(fixture_text("etsy/shop_page_without_itemlist.html"), "seller")


@pytest.mark.parametrize("missing", ["shop_id", "shop_name"])
def test_shop_api_without_identity_is_drift(missing: str) -> None:
    shop = json.loads(fixture_text("etsy/shop_api_getShop.json"))
    del shop[missing]
    with pytest.raises(ParseError, match="shop_id/shop_name"):
        etsy.parse(json.dumps(shop), "seller")


def test_search_rows_without_sellers_are_drift() -> None:
    with pytest.raises(ParseError):
        etsy.parse(json.dumps([{"productLink": "https://www.etsy.com/listing/1", "seller": None}]), "search")


def test_unsupported_kind_is_parse_error() -> None:
    with pytest.raises(ParseError):
        etsy.parse(fixture_text("etsy/shop_api_getShop.json"), "ranking")


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("etsy/shop_api_getShop.json", "seller"),
        ("etsy/shop_api_findShops.json", "seller"),
        ("etsy/listings_api_findAllListingsActive.json", "search"),
        ("etsy/shop_page_jsonld.html", "seller"),
        ("etsy/datadome_captcha.html", "seller"),
    ],
)
def test_detect_fixtures(path: str, kind: str) -> None:
    assert etsy.detect(fixture_text(path)) == kind


@pytest.mark.parametrize(("path", "kind"), [(SEARCH, "search"), (SHOPS, "seller")])
def test_detect_captures(path: str, kind: str) -> None:
    assert etsy.detect(real_page(path)) == kind


@pytest.mark.parametrize(
    "path",
    [
        "ebay/browse_search_iphone_bestmatch_100.json",
        "ebay/finding_findItemsAdvanced_motors_bmw_oilfilter_2.json",
        "walmart/affiliate_v1_search_iphone8.json",
        "walmart/search_nextdata_extract_2025.json",
        "amazon/offer_listing_B07L6P7J2M.html",
        "amazon/bestsellers_com_tools_2022.html",
        "allegro/offer_extract_2026.json",
        "allegro/search_extract_2026.json",
        "mercadolibre/sites_MLA_search_televisor_50.json",
    ],
)
def test_detect_ignores_other_marketplaces(path: str) -> None:
    assert etsy.detect(real_page(path)) is None


@pytest.mark.parametrize(
    "path",
    ["allegro/datadome_captcha.html", "allegro/seller_ratings_page.html", "cdiscount/seller_shop_page.html"],
)
def test_detect_ignores_other_marketplaces_fixtures(path: str) -> None:
    assert etsy.detect(fixture_text(path)) is None


def test_url_builders() -> None:
    assert etsy.shop_api_url(27481930) == "https://openapi.etsy.com/v3/application/shops/27481930"
    assert etsy.find_shops_url("Oakywood") == (
        "https://openapi.etsy.com/v3/application/shops?shop_name=Oakywood&limit=25&offset=0"
    )
    assert etsy.shop_url("Oakywood") == "https://www.etsy.com/shop/Oakywood"


def test_search_extract_seller_with_most_listings() -> None:
    counts = Counter(o.seller_id for o in _search_offers())
    assert counts.most_common(2) == [("thehrdwoodltd", 11), ("WoodTodayEU", 1)]
