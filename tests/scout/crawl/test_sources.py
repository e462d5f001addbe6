"""How pages lead on: Amazon product pages to every seller's canonical profile, once each, on the same site."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.models import Page, SellerContact, SellerSnapshot
from scout.crawl.sources import SOURCES, CrawlScope, Request
from scout.replica.amazon_product_pages import FEATURED, product_view
from scout.replica.server import run_replica
from scout.replica.world import World, build_world
from scrapers.registry import parse_page
from tests.helpers import real_page
from tests.scout.crawl_helpers import crawl, new_db


def _follow(relative: str, url: str) -> list[Request]:
    parsed = parse_page(real_page(relative), "amazon", "product")
    return SOURCES["amazon"].follow(Request(url, "amazon", "product", depth=1), parsed)


def test_product_page_leads_to_every_other_seller_popover_id_included() -> None:
    found = _follow("amazon/product/com_0062796984_2018.html.gz", "https://www.amazon.com/dp/0062796984")
    assert [(r.url, r.kind, r.depth) for r in found] == [
        (f"https://www.amazon.com/sp?seller={seller}", "seller", 2)
        for seller in ("A3IHWHW38Z0N1B", "A1KUFZLJ107W44", "A30UH7RV1UCIV3")]  # not Amazon's own offer


def test_product_page_leads_to_the_buy_box_seller_and_aag_linked_sellers_on_the_same_site() -> None:
    assert [r.url for r in _follow("amazon/product/de-en_B0BG6843GX_2023.html.gz",
                                   "https://www.amazon.de/-/en/dp/B0BG6843GX")] == [
        "https://www.amazon.de/sp?seller=ABDLLGRID7Z9C", "https://www.amazon.de/sp?seller=A7P7EAUWU945G"]
    assert [r.url for r in _follow("amazon/product/ca_B07H57DNVV_2018.html.gz",
                                   "https://www.amazon.ca/dp/B07H57DNVV")] == [
        "https://www.amazon.ca/sp?seller=A3R342797AGDDU"]


def test_product_page_without_sellers_leads_nowhere() -> None:
    assert _follow("amazon/product/de_B01GAWQSFW_2019.html.gz", "https://www.amazon.de/dp/B01GAWQSFW") == []


def test_amazon_ca_is_a_host_the_crawl_stays_on() -> None:
    assert "www.amazon.ca" in SOURCES["amazon"].hosts


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=5, sellers=200)


def test_crawl_reads_product_pages_of_every_era_and_reaches_sellers_known_only_as_other_sellers(
        tmp_path: Path, world: World) -> None:
    with run_replica(world) as replica:
        engine = new_db(tmp_path / "s.db")
        summary = crawl(engine, replica.host_map, ["amazon"], scope=CrawlScope(categories=("electronics", "tools")))
        requested = {r.path for r in replica.requests if r.host == "www.amazon.com"}
    amazon = summary.sources["amazon"]
    assert amazon.drifted == amazon.blocked == amazon.failed == 0
    products = [p for p in world.products if p.marketplace == "amazon" and p.site == "com"
                and f"/dp/{p.product_id}" in requested]
    views = {p.product_id: product_view(world, p, 0) for p in products}
    assert {v.era for v in views.values()} == {"2019", "2023"}
    assert {v.state for v in views.values()} - {FEATURED}  # unavailable / no-offer pages were read, not drifted
    only_other = {s.seller_id for v in views.values() for s, _ in v.others if s is not None} - {
        v.featured.seller_id for v in views.values() if v.featured is not None}
    assert only_other and all(f"/sp?seller={seller}" in requested for seller in only_other)
    with session_scope(engine) as session:
        statuses = set(session.execute(select(Page.parse_status).where(Page.url.contains("/dp/"))).scalars())
    assert statuses == {"ok"}


def test_ebay_fetches_a_get_item_per_business_seller_for_its_legal_information(tmp_path: Path,
                                                                                 world: World) -> None:
    with run_replica(world) as replica:
        engine = new_db(tmp_path / "s.db")
        summary = crawl(engine, replica.host_map, ["ebay"], scope=CrawlScope())
        item_calls = [r.path for r in replica.requests if r.host == "api.ebay.com" and "/buy/browse/v1/item/" in r.path]
    assert summary.sources["ebay"].failed == summary.sources["ebay"].drifted == 0
    assert item_calls and len(item_calls) == len(set(item_calls))
    with session_scope(engine) as session:
        legal = session.execute(select(SellerContact.seller_pk, SellerContact.field, SellerContact.label).where(
            SellerContact.label.startswith("sellerLegalInfo"))).all()  # type: ignore[union-attr]
        sellers = {pk for pk, _, _ in legal}
        from_items = session.execute(select(func.count()).select_from(SellerSnapshot).where(
            SellerSnapshot.source_url.contains("/buy/browse/v1/item/"))).scalar_one()  # type: ignore[attr-defined]
    # one call per business seller and search page it appears on (the frontier knows URLs, not sellers)
    assert 0 < len(sellers) <= len(item_calls) <= 2 * len(sellers)
    assert {field for _, field, _ in legal} >= {"legal_name", "vat_number", "address", "country"}
    assert from_items == 0  # getItem adds contacts, never figures: the profile page is their source
