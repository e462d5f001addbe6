"""Leads are businesses ranked by stored score: filters, suppression, pipeline status, explanations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from db.archive import archive_page
from db.engine import make_engine, session_scope
from db.models import Business, LeadScore, Outreach, Seller, Suppression
from db.store import store_parsed_page
from scout.errors import InputError
from scout.identity.suppressed import business_facts, suppression_verdicts
from scout.scoring.leads import select_leads
from scout.scoring.stored import score_database
from scout.settings import ScoringSettings
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.records import RankingEntry as Ranked
from tests.conftest import Databases

DAY1 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 10, 31, 9, 0, tzinfo=UTC)
HOSTILE = "=HYPERLINK(\"http://evil.invalid\")\x1b[31m"


def _store(engine: Engine, parsed: ParsedPage, when: datetime, url: str, list_name: str | None = None) -> None:
    with session_scope(engine) as session:
        page = archive_page(session, url=url, fingerprint=url, body=f"{url}@{when}".encode(), fetched_at=when)
        store_parsed_page(session, page, parsed, observed_at=when, parser_version="test/1", list_name=list_name)


def _seller(engine: Engine, marketplace: str, when: datetime, url: str, **figures: object) -> None:
    _store(engine, ParsedPage(marketplace, "seller", [SellerProfile(**figures)]), when, url)  # type: ignore[arg-type]


def build_leads_db(db: str, *, scored: bool = True) -> Engine:
    """A small world: one business on Amazon and eBay, an Etsy shop with exact sales, a tiny shop, a hostile name,
    a suppressed-by-name and a suppressed-by-id seller, and an outreach already sent."""
    engine = make_engine(db)
    for day, when in enumerate((DAY1, DAY2)):
        _seller(engine, "amazon", when, f"https://amazon.de/sp?seller=A1&d={day}", seller_id="A1",
                name="Alpha Küchen", positive_pct=98.0, rating_count=40_000 + 800 * day, rating_window_days=365,
                lifetime_rating_count=90_000 + 2_000 * day, country="DE")
        _seller(engine, "amazon", when, f"https://amazon.de/sp?seller=A2&d={day}", seller_id="A2",
                name="Tiny Shop", positive_pct=100.0, rating_count=3, country="DE")
    _seller(engine, "ebay", DAY2, "https://ebay.de/usr/alpha", seller_id="alpha-kuechen", name="alpha-kuechen",
            positive_pct=99.5, rating_count=5_000, country="DE")
    _seller(engine, "etsy", DAY2, "https://etsy.com/shop/Maker", seller_id="42", name="Maker Studio", stars=4.9,
            rating_count=800, rating_window_days=365, sales_count=12_000, sales_count_exact=True, country="US",
            listing_count=120)
    _seller(engine, "amazon", DAY2, "https://amazon.fr/sp?seller=A3", seller_id="A3", name=HOSTILE,
            positive_pct=95.0, rating_count=2_000, country="FR")
    _seller(engine, "walmart", DAY2, "https://walmart.com/seller/9", seller_id="9", name="Blocked Co.",
            positive_pct=97.0, rating_count=10_000, country="US")
    _seller(engine, "ebay", DAY2, "https://ebay.com/usr/optout", seller_id="optout", name="Opt Out Store",
            positive_pct=99.0, rating_count=20_000, country="US")
    _store(engine, ParsedPage("amazon", "offers", [Offer("A1", "Alpha Küchen", price=Decimal("25.00"),
                                                         currency="EUR", product_id="P1")]), DAY2, "https://a/o")
    _store(engine, ParsedPage("amazon", "ranking", [Ranked(1, "P1", title="Chef Knife", price=Decimal("25"),
                                                           currency="EUR")]), DAY2, "https://a/r", list_name="Kitchen")
    _store(engine, ParsedPage("etsy", "search", [Offer("42", "Maker Studio", price=Decimal("30"), currency="USD",
                                                       product_id="L1")]), DAY2, "https://e/s")
    _store(engine, ParsedPage("walmart", "search", [Offer("9", "Blocked Co.", price=Decimal(p), currency="USD",
                                                          product_id=f"W{p}") for p in ("20", "30", "40")]),
           DAY2, "https://w/s")
    _store(engine, ParsedPage("ebay", "search", [Offer("optout", "Opt Out Store", price=Decimal(p), currency="USD",
                                                       product_id=f"E{p}") for p in ("15", "25", "35")]),
           DAY2, "https://eb/s")
    with session_scope(engine) as session:
        business = Business(name="Alpha Küchen GmbH", normalized_name="alpha kuchen gmbh", country="DE")
        session.add(business)
        session.flush()
        session.execute(update(Seller).where(Seller.seller_id.in_(["A1", "alpha-kuechen"]))  # type: ignore[attr-defined]
                        .values(business_id=business.id))
        session.add(Outreach(business_id=business.id, status="sent", offer_code="SCOUT-1"))
        session.add(Suppression(name="Blocked Co", normalized_name="blocked co"))
        session.add(Suppression(name="whatever", normalized_name="whatever", marketplace="ebay", seller_id="optout"))
    if scored:
        with session_scope(engine) as session:
            score_database(session, ScoringSettings(), DAY2)
    return engine


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_leads_db(db_url)
    yield engine
    engine.dispose()


def _leads(engine: Engine, **options: object) -> list:  # type: ignore[type-arg]
    with session_scope(engine) as session:
        return select_leads(session, **options)  # type: ignore[arg-type]


def test_leads_are_per_business_best_first_with_insufficient_data_last(engine: Engine) -> None:
    found = _leads(engine)
    names = [lead.name for lead in found]
    assert names[0] == "Alpha Küchen GmbH"
    assert found[0].marketplaces == ("amazon", "ebay") and found[0].storefronts == 2
    assert [lead.rank for lead in found] == list(range(1, len(found) + 1))
    assert [lead.score for lead in found] == sorted((lead.score for lead in found), reverse=True)
    assert names[-1] == "Tiny Shop" and found[-1].insufficient and found[-1].score == 0
    assert len(names) == len(set(names)) == 4  # Alpha, Maker, hostile, Tiny; two suppressed left out


def test_an_unmatched_storefront_is_its_own_business(engine: Engine) -> None:
    maker = next(lead for lead in _leads(engine) if lead.name == "Maker Studio")
    assert maker.business_id is None and maker.business_key.startswith("seller:")
    assert maker.status == "new"


def test_pipeline_status_comes_from_outreach(engine: Engine) -> None:
    assert _leads(engine)[0].status == "sent"


@pytest.mark.parametrize(("options", "expected"), [
    ({"marketplace": "etsy"}, ["Maker Studio"]),
    ({"marketplace": "ebay"}, ["Alpha Küchen GmbH"]),
    ({"category": "kitch"}, ["Alpha Küchen GmbH"]),
    ({"country": "fr"}, [HOSTILE]),
    ({"top": 1}, ["Alpha Küchen GmbH"]),
    ({"min_score": 99.9}, []),
])
def test_leads_filters(engine: Engine, options: dict[str, object], expected: list[str]) -> None:
    assert [lead.name for lead in _leads(engine, **options)] == expected


def test_min_score_leaves_out_insufficient_data(engine: Engine) -> None:
    assert all(not lead.insufficient for lead in _leads(engine, min_score=1))


def test_suppressed_businesses_match_by_name_and_by_seller_id(engine: Engine) -> None:
    with session_scope(engine) as session:
        keys = suppression_verdicts(session, [facts.key for facts in business_facts(session)])
    assert len(keys) == 2
    assert not {lead.name for lead in _leads(engine)} & {"Blocked Co.", "Opt Out Store"}


def test_a_suppression_entry_under_a_variant_name_still_hides_the_business(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(name="MakerStudio-US", normalized_name="makerstudio us", kind="onboarded"))
    assert "Maker Studio" not in {lead.name for lead in _leads(engine)}
    marked = {lead.name: lead for lead in _leads(engine, include_suppressed=True)}["Maker Studio"]
    assert marked.suppressed


def test_include_suppressed_lists_them_marked(engine: Engine) -> None:
    found = {lead.name: lead for lead in _leads(engine, include_suppressed=True)}
    assert found["Blocked Co."].suppressed and found["Opt Out Store"].suppressed
    assert not found["Alpha Küchen GmbH"].suppressed


@pytest.mark.parametrize(("options", "message"), [
    ({"top": -5}, "top must be at least 1"),
    ({"top": 0}, "top must be at least 1"),
    ({"marketplace": "amazin"}, "unknown marketplace"),
    ({"country": "Germany"}, "two-letter"),
    ({"min_score": 120}, "between 0 and 100"),
])
def test_bad_filters_are_input_errors(engine: Engine, options: dict[str, object], message: str) -> None:
    with pytest.raises(InputError, match=message):
        _leads(engine, **options)


def test_leads_before_scoring_ask_for_scout_score(databases: Databases) -> None:
    engine = build_leads_db(databases.new("unscored"), scored=False)
    with pytest.raises(InputError, match="scout score"):
        _leads(engine)


def test_a_lead_carries_its_storefronts_contact_details_main_storefront_first(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(Seller).where(Seller.seller_id == "A1").values(  # type: ignore[arg-type]
            business_name="Alpha Küchen GmbH", business_address="Hauptstr. 1, 10115 Berlin, DE", phone="+49 30 1",
            vat_number="DE281934705"))
        session.execute(update(Seller).where(Seller.seller_id == "alpha-kuechen").values(  # type: ignore[arg-type]
            phone="+49 30 2", email="info@alpha.example", website="https://www.alpha.example",
            trade_register="HRB 1", business_type="Business"))
    main = next(lead for lead in _leads(engine) if lead.name == "Alpha Küchen GmbH")
    with session_scope(engine) as session:
        main_pk = session.execute(select(LeadScore.main_seller_pk).where(
            LeadScore.business_key == main.business_key)).scalar_one()
        assert session.get(Seller, main_pk).seller_id == "A1"  # type: ignore[union-attr]  # Amazon is the main one
    assert (main.legal_name, main.address, main.vat_number) == ("Alpha Küchen GmbH", "Hauptstr. 1, 10115 Berlin, DE",
                                                                "DE281934705")
    assert main.phone == "+49 30 1"  # the main storefront's, though eBay shows another
    assert (main.email, main.website, main.trade_register, main.business_type) == (
        "info@alpha.example", "https://www.alpha.example", "HRB 1", "Business")
    tiny = next(lead for lead in _leads(engine) if lead.name == "Tiny Shop")
    assert (tiny.legal_name, tiny.phone, tiny.email) == (None, None, None)
