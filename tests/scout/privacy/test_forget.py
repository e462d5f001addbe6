"""`scout forget`: a business and everything about it erased, leaving one do-not-contact entry."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.archive import archive_page, decompress
from db.engine import session_scope
from db.models import (
    Business,
    FrontierEntry,
    LeadScore,
    OfferRecord,
    Outreach,
    Page,
    Seller,
    SellerScore,
    SellerSnapshot,
    Suppression,
)
from db.store import store_parsed_page
from scout.errors import InputError
from scout.privacy.forget import find_forget_target, forget, redact_body
from scrapers.records import Offer, ParsedPage
from tests.scout.scoring.test_leads import DAY2, build_leads_db


@pytest.fixture
def world(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    """The leads world (Alpha Küchen on Amazon and eBay, an offer sent), plus a page shared with another seller,
    a draft file, a drafts CSV and a suppression entry by seller id."""
    engine = build_leads_db(db_url)
    body = ('<div data-seller="A1">Alpha K\u00fcchen</div><a href="/sp?seller=A1">Alpha K&uuml;chen</a>'
            '<div data-seller="A9">Other Shop</div>').encode()
    draft = tmp_path / "1-alpha.md"
    draft.write_text("draft", encoding="utf-8")
    table = tmp_path / "drafts.csv"
    table.write_text("business_id,business\n1,Alpha\n2,Other\n", encoding="utf-8")
    with session_scope(engine) as session:
        page = archive_page(session, url="https://amazon.de/offers/P1", fingerprint="o", body=body, fetched_at=DAY2)
        store_parsed_page(session, page, ParsedPage("amazon", "offers", [
            Offer("A1", "Alpha Küchen", price=Decimal("20"), currency="EUR", product_id="P1"),
            Offer("A9", "Other Shop", price=Decimal("21"), currency="EUR", product_id="P1")]),
            observed_at=DAY2, parser_version="test/1")
        session.add(FrontierEntry(crawl_id=_crawl(session), url="https://amazon.de/sp?seller=A1&d=0", fingerprint="f",
                                  marketplace="amazon", kind="seller"))
        offer = session.execute(select(Outreach)).scalar_one()
        offer.draft_path = str(draft)
        session.add(Suppression(name="Alpha", normalized_name="alpha", marketplace="amazon", seller_id="A1",
                                reason="asked"))
    yield engine
    engine.dispose()


def _crawl(session: object) -> int:
    from db.models import Crawl

    crawl = Crawl(source="amazon")
    session.add(crawl)  # type: ignore[attr-defined]
    session.flush()  # type: ignore[attr-defined]
    assert crawl.id is not None
    return crawl.id


def _forget(engine: Engine, target: str) -> object:
    with session_scope(engine) as session:
        return forget(session, find_forget_target(session, target))


def test_forget_leaves_only_a_do_not_contact_entry(world: Engine, tmp_path: Path) -> None:
    with session_scope(world) as session:
        pks = list(session.execute(select(Seller.id).where(Seller.seller_id.in_(["A1", "alpha-kuechen"]))).scalars())
        other_offers = session.execute(select(func.count()).select_from(OfferRecord).where(
            OfferRecord.seller_pk.not_in(pks))).scalar_one()
    report = _forget(world, "amazon:A1")
    assert report.storefronts == 2 and report.outreach == 1  # type: ignore[attr-defined]
    with session_scope(world) as session:
        assert session.execute(select(Business)).first() is None
        assert session.execute(select(Seller).where(Seller.id.in_(pks))).first() is None
        for model in (SellerSnapshot, OfferRecord, SellerScore):
            assert session.execute(select(model).where(model.seller_pk.in_(pks))).first() is None
        assert session.execute(select(func.count()).select_from(OfferRecord)).scalar_one() == other_offers
        assert session.execute(select(LeadScore).where(LeadScore.name.contains("Alpha"))).first() is None
        assert session.execute(select(Outreach)).first() is None
        assert session.execute(select(Page).where(Page.url.contains("seller=A1"))).first() is None
        assert session.execute(select(FrontierEntry).where(FrontierEntry.url.contains("seller=A1"))).first() is None
        shared = session.execute(select(Page).where(Page.url == "https://amazon.de/offers/P1")).scalar_one()
        body = decompress(shared.body).decode()
        entries = session.execute(select(Suppression).where(Suppression.name.contains("Alpha"))).scalars().all()
        others = set(session.execute(select(Suppression.name).where(~Suppression.name.contains("Alpha"))).scalars())
    assert "Alpha" not in body and "K&uuml;chen" not in body and "Other Shop" in body
    assert [(e.name, e.kind, e.reason, e.domain, e.marketplace, e.seller_id) for e in entries] == [
        ("Alpha Küchen GmbH", "do_not_contact", "data-subject request", None, None, None)]
    assert others == {"Blocked Co", "whatever"}
    assert not (tmp_path / "1-alpha.md").exists()


def test_forget_removes_the_business_rows_from_a_drafts_csv(world: Engine, tmp_path: Path) -> None:
    with session_scope(world) as session:
        session.execute(select(Outreach)).scalar_one().draft_path = str(tmp_path / "drafts.csv")
        business_id = session.execute(select(Business.id)).scalar_one()
    assert business_id == 1
    _forget(world, "Alpha Küchen GmbH")
    with (tmp_path / "drafts.csv").open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [["business_id", "business"], ["2", "Other"]]


def test_forget_a_storefront_without_a_business(world: Engine) -> None:
    report = _forget(world, "etsy:42")
    assert report.storefronts == 1 and report.outreach == 0  # type: ignore[attr-defined]
    with session_scope(world) as session:
        assert session.execute(select(Seller).where(Seller.seller_id == "42")).first() is None
        assert session.execute(select(Page).where(Page.url.contains("etsy.com/shop"))).first() is None
        entry = session.execute(select(Suppression).where(Suppression.name == "Maker Studio")).scalar_one()
        assert (entry.reason, entry.seller_id) == ("data-subject request", None)
        assert session.execute(select(Business)).first() is not None  # Alpha untouched


def test_forget_an_unknown_business_is_an_input_error(world: Engine) -> None:
    with pytest.raises(InputError, match="no business named 'Nobody'"):
        _forget(world, "Nobody")


@pytest.mark.parametrize(("body", "needles", "expected"), [
    (b"<b>Alpha Shop</b> and Alpha Shopping", ["Alpha Shop"], b"<b>[erased]</b> and Alpha Shopping"),
    (b'{"name": "K\\u00fchne"}', ["Kühne"], b'{"name": "[erased]"}'),
    ("Kühne GmbH".encode("latin-1"), ["Kühne GmbH"], b"[erased]"),
    (b"/shop?name=Tom%20%26%20Co", ["Tom & Co"], b"/shop?name=[erased]"),
    (b"<p>K&uuml;hne &amp; Co</p><p>K&#252;hne &amp; Co</p>", ["Kühne & Co"], b"<p>[erased]</p><p>[erased]</p>"),
    (b"seller A1 and A12", ["A1"], b"seller A1 and A12"),  # too short to erase safely
])
def test_redact_body(body: bytes, needles: list[str], expected: bytes) -> None:
    assert redact_body(body, needles) == expected
