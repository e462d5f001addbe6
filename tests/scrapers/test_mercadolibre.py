"""MercadoLibre: `/sites/{site}/search` results and `/users/{id}` profiles from the public API."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest

from scrapers import mercadolibre
from scrapers.errors import BlockedError, ParseError
from scrapers.records import Offer, SellerProfile
from tests.helpers import fixture_text, real_page

SEARCH = "mercadolibre/sites_MLA_search_televisor_50.json"


def _offers() -> list[Offer]:
    return [r for r in mercadolibre.parse(real_page(SEARCH), "search").records if isinstance(r, Offer)]


def _by_seller() -> dict[str, Offer]:
    return {o.seller_id: o for o in _offers() if o.seller_id is not None}


def test_search_yields_one_offer_per_result() -> None:
    offers = _offers()
    assert len(offers) == 50
    assert len(_by_seller()) == 30
    assert all(o.currency == "ARS" and o.price is not None for o in offers)


def test_search_power_seller_status_per_distinct_seller() -> None:
    assert Counter(o.badge for o in _by_seller().values()) == {"platinum": 27, "gold": 2, "silver": 1}


def test_search_most_transactions() -> None:
    top = sorted(_by_seller().values(), key=lambda o: -(o.sales_count or 0))[:3]
    assert [(o.name, o.seller_id, o.sales_count) for o in top] == [
        ("LIBERCAM", "13647702", 286701),
        ("ELECTRO LAND", "188316739", 218754),
        ("SALES COM", "37133205", 183804),
    ]


def test_search_first_result_fields() -> None:
    first = _offers()[0]
    assert first == Offer(
        seller_id="96270679",
        name="LAMEJORSOLUCION",
        positive_pct=96.0,
        price=Decimal("4770"),
        currency="ARS",
        product_id="MLA832079323",
        title="Google Chromecast 3rd Generation Full Hd Carbón",
        sales_count=35711,
        badge="platinum",
        country="AR",
        url="https://www.mercadolibre.com.ar/google-chromecast-3rd-generation-full-hd-carbon/p/MLA13841393",
        seller_url="https://api.mercadolibre.com/users/96270679",
        category="MLA352001 STREAMING_MEDIA_DEVICES",
        sales_count_exact=True,
        recent_sales_count=9038,
        recent_sales_days=60,
    )


def test_search_sales_are_exact_with_the_last_60_days_beside_them() -> None:
    libercam = _by_seller()["13647702"]
    assert (libercam.sales_count, libercam.sales_count_exact) == (286_701, True)
    assert (libercam.recent_sales_count, libercam.recent_sales_days) == (74_239, 60)
    assert libercam.category == "MLA41925 TV_AND_MONITOR_MOUNTS"


def test_search_names_sellers_without_eshop_from_their_profile_link() -> None:
    sellers = _by_seller()
    assert sellers["154314631"].name == "OFICIAL ARGENTINA"  # permalink .../OFICIAL+ARGENTINA, no eshop
    assert sellers["353507185"].name == "AMERICAN-GAMING"
    assert all(o.name for o in sellers.values())


def test_search_positive_pct_is_ratings_positive_times_100() -> None:
    assert _by_seller()["13647702"].positive_pct == 94.0
    assert _by_seller()["13647702"].rating_count is None  # the API gives fractions, not a count


def test_user_profile() -> None:
    page = mercadolibre.parse(fixture_text("mercadolibre/users_13647702.json"), "seller")
    assert page.site == "mercadolibre.com.ar"
    assert page.records == [
        SellerProfile(
            seller_id="13647702",
            name="LIBERCAM",
            positive_pct=94.0,
            business_address="Boedo, AR-C",
            country="AR",
            sales_count=286701,
            sales_count_exact=True,
            created="2011-12-13",
            badge="platinum",
            url="http://perfil.mercadolibre.com.ar/LIBERCAM",
        )
    ]


def test_api_refusal_is_blocked() -> None:
    with pytest.raises(BlockedError):
        mercadolibre.parse(fixture_text("mercadolibre/api_forbidden.json"), "search")


def test_detect_claims_api_refusal_only_from_the_api_url() -> None:
    body = fixture_text("mercadolibre/api_forbidden.json")
    assert mercadolibre.detect(body) is None
    assert mercadolibre.detect(body, mercadolibre.user_api_url(13647702)) == "seller"


def test_search_without_results_is_drift() -> None:
    data = json.loads(real_page(SEARCH))
    data["results"] = []
    with pytest.raises(ParseError, match="no results"):
        mercadolibre.parse(json.dumps(data), "search")


def test_search_results_without_sellers_are_drift() -> None:
    data = json.loads(real_page(SEARCH))
    for result in data["results"]:
        del result["seller"]
    with pytest.raises(ParseError, match="seller"):
        mercadolibre.parse(json.dumps(data), "search")


def test_user_without_reputation_is_drift() -> None:
    user = json.loads(fixture_text("mercadolibre/users_13647702.json"))
    del user["seller_reputation"]
    with pytest.raises(ParseError):
        mercadolibre.parse(json.dumps(user), "seller")


def test_html_is_not_parsed() -> None:
    with pytest.raises(ParseError):
        mercadolibre.parse("<html><body>Mercado Libre</body></html>", "search")


def test_unsupported_kind_is_parse_error() -> None:
    with pytest.raises(ParseError):
        mercadolibre.parse(real_page(SEARCH), "ranking")


def test_detect_capture_and_fixture() -> None:
    assert mercadolibre.detect(real_page(SEARCH)) == "search"
    assert mercadolibre.detect(fixture_text("mercadolibre/users_13647702.json")) == "seller"


@pytest.mark.parametrize(
    "path",
    [
        "ebay/browse_search_iphone_bestmatch_100.json",
        "ebay/finding_findItemsAdvanced_motors_bmw_oilfilter_2.json",
        "walmart/affiliate_v1_search_iphone8.json",
        "walmart/search_nextdata_extract_2025.json",
        "amazon/offer_listing_B07L6P7J2M.html",
        "etsy/search_extract_2025.json",
        "etsy/shops_jsonld_extract_2025.json",
        "allegro/offer_extract_2026.json",
        "allegro/search_extract_2026.json",
    ],
)
def test_detect_ignores_other_marketplaces(path: str) -> None:
    assert mercadolibre.detect(real_page(path)) is None


@pytest.mark.parametrize(
    "path",
    ["etsy/shop_api_getShop.json", "etsy/shop_api_findShops.json", "etsy/listings_api_findAllListingsActive.json"],
)
def test_detect_ignores_etsy_api_fixtures(path: str) -> None:
    assert mercadolibre.detect(fixture_text(path)) is None


def test_url_builders() -> None:
    assert mercadolibre.search_api_url("MLA", "televisor 50") == (
        "https://api.mercadolibre.com/sites/MLA/search?q=televisor+50&offset=0&limit=50"
    )
    assert mercadolibre.user_api_url(13647702) == "https://api.mercadolibre.com/users/13647702"


def test_search_with_total_zero_is_an_empty_search_not_drift() -> None:
    empty = '{"site_id": "MLA", "paging": {"total": 0, "offset": 0, "limit": 50}, "results": []}'
    page = mercadolibre.parse(empty, "search")
    assert page.records == []


def test_search_without_paging_or_results_is_drift() -> None:
    with pytest.raises(ParseError):
        mercadolibre.parse('{"site_id": "MLA", "results": []}', "search")
