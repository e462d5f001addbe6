"""The replica's sellers disclose contacts as their marketplaces do, and Scout's parsers read back exactly those."""

from __future__ import annotations

from collections import Counter

import pytest

from scout.replica import allegro_pages, amazon_pages, cdiscount_pages, ebay_pages, walmart_pages
from scout.replica.routes import route
from scout.replica.world import Storefront, World, build_world
from scrapers import allegro, amazon, cdiscount, ebay, walmart
from scrapers.records import SellerProfile


@pytest.fixture(scope="module")
def world() -> World:
    return build_world(seed=7, sellers=600)


def _profile(world: World, seller: Storefront) -> SellerProfile:
    if seller.marketplace == "amazon":
        page = amazon.parse(amazon_pages.render_seller(world, seller, 1), "seller",
                            f"https://www.amazon.{seller.site}/sp?seller={seller.seller_id}")
    elif seller.marketplace == "ebay":
        page = ebay.parse(ebay_pages.render_store(world, seller, 1), "seller")
    elif seller.marketplace == "allegro":
        page = allegro.parse(allegro_pages.render_seller(world, seller, 1), "seller")
    elif seller.marketplace == "cdiscount":
        page = cdiscount.parse(cdiscount_pages.render_seller(world, seller, 1), "seller")
    else:
        page = walmart.parse(walmart_pages.render_seller(world, seller, 1), "seller")
    (profile,) = page.records
    assert isinstance(profile, SellerProfile)
    return profile


def test_the_world_mixes_full_contacts_address_only_and_sole_traders(world: World) -> None:
    kinds = Counter(b.contact_kind for b in world.businesses)
    assert set(kinds) == {"full", "phone_email", "sole_trader", "address"}
    assert all(share > 0.04 for share in (n / len(world.businesses) for n in kinds.values()))
    countries = {b.country for b in world.businesses}
    assert {"DE", "AT", "PL", "FR", "US", "GB", "ES", "IT"} <= countries
    assert all(b.trade_register is None for b in world.businesses if b.sole_trader and b.country != "FR")
    assert all(b.phone is None and b.contact_email is None for b in world.businesses if b.contact_kind == "address")
    assert all(b.shown_website for b in world.businesses if b.contact_kind == "full")


@pytest.mark.parametrize("marketplace", ["amazon", "ebay", "allegro", "cdiscount", "walmart"])
def test_each_marketplaces_pages_read_back_to_the_businesss_contacts(world: World, marketplace: str) -> None:
    shown = Counter()
    for seller in world.storefronts_on(marketplace):
        if not seller.exists(1):
            continue
        business, profile = seller.business, _profile(world, seller)
        us_inform = marketplace == "amazon" and seller.site == "com"
        if marketplace == "amazon" and profile.business_name is None:  # one in ten shows no detailed information
            assert profile.contact_labels == ()
            continue
        assert profile.business_name == business.legal_name
        assert profile.phone == (None if us_inform else business.phone)
        assert profile.email == (None if us_inform else business.contact_email)
        if marketplace in ("allegro", "cdiscount", "walmart"):
            assert profile.website == business.shown_website
        shown.update(name for name in ("phone", "email", "website", "trade_register") if getattr(profile, name))
    assert shown["phone"] and shown["email"]


def test_amazon_com_shows_only_the_inform_acts_name_and_address(world: World) -> None:
    sellers = [s for s in world.storefronts_on("amazon", "com") if s.exists(1) and s.business.phone]
    assert sellers
    profiles = [profile for seller in sellers[:30] if (profile := _profile(world, seller)).business_address]
    assert profiles
    for profile in profiles:
        assert (profile.phone, profile.email, profile.business_type, profile.trade_register) == (None,) * 4
        assert set(dict(profile.contact_labels)) == {"business_name", "business_address", "country"}


def test_amazon_eu_sites_label_each_field_in_their_language(world: World) -> None:
    labels = {}
    for site in ("co.uk", "de", "fr", "es", "it"):
        seller = next(s for s in world.storefronts_on("amazon", site)
                      if s.exists(1) and s.business.phone and s.business.trade_register)
        labels[site] = dict(_profile(world, seller).contact_labels)
    assert labels["de"]["phone"] == "Telefonnummer" and labels["fr"]["phone"] == "Numéro de téléphone"
    assert labels["co.uk"]["trade_register"] == "Trade Register Number"
    assert labels["it"]["email"] == "Indirizzo e-mail" and labels["es"]["business_type"] == "Tipo de empresa"


def test_ebay_get_item_gives_a_business_sellers_legal_information(world: World) -> None:
    business_sellers = [s for s in world.storefronts_on("ebay") if s.exists(1) and s.products
                        and s.business.country in ebay_pages.EU_UK and s.business.vat_number]
    assert business_sellers
    seller = business_sellers[0]
    item = seller.products[0]
    page = route(world, "ebay", "api.ebay.com", f"{ebay_pages.ITEM_PATH}v1%7C{item.product_id}%7C0", {}, 1)
    assert page.status == 200
    (profile,) = ebay.parse(page.body, "seller", f"https://api.ebay.com{ebay_pages.ITEM_PATH}").records
    assert isinstance(profile, SellerProfile)
    assert (profile.seller_id, profile.business_type) == (seller.seller_id, "Business")
    assert (profile.vat_number, profile.trade_register) == (seller.business.vat_number, seller.business.trade_register)
    assert profile.country == seller.business.country
    us = next(s for s in world.storefronts_on("ebay") if s.exists(1) and s.products and s.business.country == "US")
    page = route(world, "ebay", "api.ebay.com", f"{ebay_pages.ITEM_PATH}v1%7C{us.products[0].product_id}%7C0", {}, 1)
    assert "sellerLegalInfo" not in page.body and "sellerAccountType" not in page.body


def test_an_unknown_item_is_not_found(world: World) -> None:
    assert route(world, "ebay", "api.ebay.com", f"{ebay_pages.ITEM_PATH}v1%7C000%7C0", {}, 1).status == 404
