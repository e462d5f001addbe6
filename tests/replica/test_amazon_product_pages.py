"""The replica's Amazon product pages: built in the real captures' structure, mixed eras, languages and states,
and read back by Scout's parser to exactly the world's offers."""

from __future__ import annotations

from collections import Counter

import pytest
from selectolax.lexbor import LexborHTMLParser

from scout.errors import ParseError
from scout.replica.amazon_pages import AMAZON_IDS, WORDS
from scout.replica.amazon_product_pages import (
    DRIFT,
    FEATURED,
    NO_FEATURED,
    UNAVAILABLE,
    ProductView,
    product_view,
    render_product,
)
from scout.replica.faults import apply_drift
from scout.replica.world import Product, World, build_world
from scrapers.records import Offer
from scrapers.registry import detect_page, parse_page
from tests.helpers import real_page


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(13, sellers=900)


def _products(world: World) -> list[Product]:
    return [p for p in world.products if p.marketplace == "amazon"]


def _views(world: World) -> list[tuple[Product, ProductView]]:
    return [(p, product_view(world, p, 0)) for p in _products(world)]


def _first(world: World, era: str, state: str = FEATURED, others: bool = True) -> Product:
    return next(p for p, v in _views(world) if v.era == era and v.state == state and bool(v.others) == others
                and v.language == p.site and p.site == "com")


def test_one_world_mixes_eras_languages_and_states(world: World) -> None:
    views = _views(world)
    assert {v.era for _, v in views} == {"2019", "2023"}
    assert {v.state for _, v in views} == {FEATURED, NO_FEATURED, UNAVAILABLE}
    assert {v.language for _, v in views} == {"com", "co.uk", "de", "fr", "es", "it", "de-en"}
    amazon_holds = [p for p, v in views if v.state == FEATURED and v.featured is None and p.seller is not None]
    assert amazon_holds and all(product_view(world, p, 0).others for p in amazon_holds[:20])
    eras = Counter(v.era for _, v in views)
    assert min(eras.values()) > len(views) / 3


def test_every_product_page_parses_to_the_world_offers(world: World) -> None:
    for product, view in _views(world):
        url = f"https://www.amazon.{product.site}/dp/{product.product_id}"
        html = render_product(world, product, 0)
        assert detect_page(html) == ("amazon", "product")
        offers: list[Offer] = parse_page(html, "amazon", "product", url).records  # type: ignore[assignment]
        featured = [o for o in offers if o.buy_box]
        if view.state != FEATURED:
            assert featured == []
        else:
            (offer,) = featured
            seller = view.featured
            assert (offer.seller_id, offer.is_platform, offer.price, offer.currency) == (
                seller.seller_id if seller else AMAZON_IDS[product.site], seller is None, product.price,
                product.currency)
            assert (offer.name if seller else None, offer.platform_fulfilled) == (
                seller.name if seller else None, view.fba)
        others = [(o.seller_id, o.is_platform, o.price) for o in offers if not o.buy_box]
        assert others == [(s.seller_id if s else AMAZON_IDS[product.site], s is None, price)
                          for s, price in view.others]
        assert {o.product_id for o in offers} <= {product.product_id}
        assert {o.title for o in offers} <= {product.title}


def test_2023_other_sellers_carry_their_twelve_month_feedback(world: World) -> None:
    checked = 0
    for product, view in _views(world):
        if view.era != "2023" or not view.others:
            continue
        offers = parse_page(render_product(world, product, 0), "amazon", "product").records
        for offer, (seller, _) in zip([o for o in offers if not o.buy_box], view.others, strict=True):
            assert isinstance(offer, Offer)
            if seller is not None:
                assert (offer.positive_pct, offer.rating_count) == (seller.positive_pct[0], seller.rating_count[0])
                checked += 1
    assert checked > 50


def test_category_is_the_site_language_name_from_breadcrumbs_or_sales_rank(world: World) -> None:
    for product, view in _views(world)[:400]:
        categories = {o.category for o in parse_page(render_product(world, product, 0), "amazon", "product").records
                      if isinstance(o, Offer)}
        language = "com" if view.language == "de-en" else product.site
        assert categories <= {WORDS[language].categories[product.category]}


@pytest.mark.parametrize("state", [FEATURED, NO_FEATURED, UNAVAILABLE])
@pytest.mark.parametrize("era", ["2019", "2023"])
def test_drifted_product_page_raises_parse_error(world: World, era: str, state: str) -> None:
    product = next(p for p, v in _views(world) if v.era == era and v.state == state)
    html = render_product(world, product, 0)
    parse_page(html, "amazon", "product")
    with pytest.raises(ParseError):
        parse_page(apply_drift(html, DRIFT), "amazon", "product")


# --- the replica's markup is the captures' markup -----------------------------------------------------------

# What the parser reads on a page of each era, as CSS selectors that must match the capture and the replica alike.
ANCHORS = {
    "2019": ("amazon/product/com_0062796984_2018.html.gz", (
        "#productTitle", "input#ASIN", "input#merchantID", "#merchant-info", "#wayfinding-breadcrumbs_feature_div li a",
        "#mbc .mbc-offer-row [data-a-popover]", "#mbc .mbc-offer-row .mbcMerchantName", ".mbc-offer-row .a-color-price",
        "#SalesRank")),
    "2023": ("amazon/product/de-en_B0BG6843GX_2023.html.gz", (
        "#productTitle", "input#ASIN", "input#merchantID", "#corePrice_feature_div .a-price .a-offscreen",
        "#tabular-buybox .tabular-buybox-text[tabular-attribute-name] .tabular-buybox-text-message",
        "#mbc .mbc-offer-row .mbcMerchantName", "#mbc .mbc-offer-row a[href*='/gp/aag/main?']",
        "[id^='mbc-seller-feedback']", "#productDetails_detailBullets_sections1 th",
        "#wayfinding-breadcrumbs_feature_div li a")),
}


@pytest.mark.parametrize("era", ["2019", "2023"])
def test_replica_page_has_every_anchor_of_the_capture(world: World, era: str) -> None:
    capture, selectors = ANCHORS[era]
    real = LexborHTMLParser(real_page(capture))
    product = next(p for p, v in _views(world) if v.era == era and v.state == FEATURED and v.featured is None
                   and len(v.others) > 1 and v.breadcrumbs and (v.language == "de-en") == (era == "2023"))
    replica = LexborHTMLParser(render_product(world, product, 0))
    for selector in selectors:
        assert real.css_first(selector) is not None, f"capture lacks {selector}"
        assert replica.css_first(selector) is not None, f"replica lacks {selector}"


def test_replica_2023_page_names_the_offers_panel_in_css_only_as_the_capture_does(world: World) -> None:
    html = render_product(world, _first(world, "2023"), 0)
    assert "#aod-pinned-offer" in html and LexborHTMLParser(html).css_first("#aod-pinned-offer") is None
