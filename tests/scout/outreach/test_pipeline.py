"""The outreach pipeline: one offer per business, legal transitions and their side effects, and forgetting."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

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
from db.store import archive_page, decompress, store_parsed_page
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.suppressed import suppression_verdicts
from scout.outreach.pipeline import (
    STATUSES,
    find_forget_target,
    forget,
    mark_offer,
    pipeline_view,
    redact_body,
    resolve_business,
)
from scrapers.records import Offer, ParsedPage
from tests.scout.outreach.test_drafts import NOW, build_outreach_db, codes, run_draft
from tests.scout.scoring.test_leads import DAY2, build_leads_db

LATER = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(tmp_path: Path) -> Engine:
    engine = build_outreach_db(tmp_path / "pipeline.db")
    run_draft(engine, tmp_path / "drafts", top=5)  # Alpha, Maison, Casa, Bottega, Maker: drafted
    return engine


def _mark(engine: Engine, target: str, status: str) -> object:
    with session_scope(engine) as session:
        return mark_offer(session, target, status, now=LATER)


def _status(engine: Engine, name: str) -> str | None:
    with session_scope(engine) as session:
        return session.execute(select(Outreach.status).join(Business).where(Business.name == name)).scalar()


def _why(session: Session, business_id: int | None) -> str:
    """Why the suppression list catches this business ("" when it does not)."""
    key = business_key(business_id, 0)
    return suppression_verdicts(session, [key]).get(key, "")


@pytest.mark.parametrize("path", [
    ["sent", "replied", "onboarded"],
    ["sent", "onboarded"],
    ["sent", "declined", "drafted", "sent"],
    ["sent", "replied", "declined"],
    ["opted-out"],
    ["sent", "replied", "opted-out"],
])
def test_legal_transitions(engine: Engine, path: list[str]) -> None:
    for status in path:
        _mark(engine, "Maker Studio LLC", status)
    assert _status(engine, "Maker Studio LLC") == path[-1]


@pytest.mark.parametrize(("path", "message"), [
    (["onboarded"], "cannot go from drafted to onboarded (from drafted: sent, opted-out)"),
    (["replied"], "cannot go from drafted to replied"),
    (["declined"], "cannot go from drafted to declined"),
    (["sent", "drafted"], "cannot go from sent to drafted"),
    (["opted-out", "sent"], "cannot go from opted-out to sent (from opted-out: nothing, it is final)"),
    (["sent", "onboarded", "declined"], "cannot go from onboarded to declined"),
])
def test_illegal_transitions_are_clear_errors(engine: Engine, path: list[str], message: str) -> None:
    for status in path[:-1]:
        _mark(engine, "Maker Studio LLC", status)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _mark(engine, "Maker Studio LLC", path[-1])


def test_unknown_status_is_an_input_error(engine: Engine) -> None:
    with pytest.raises(InputError, match="unknown status 'won'"):
        _mark(engine, "Maker Studio LLC", "won")


def test_marking_the_current_status_again_changes_nothing(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    result = _mark(engine, "Maker Studio LLC", "sent")
    assert (result.before, result.after, result.changed) == ("sent", "sent", False)  # type: ignore[attr-defined]


def test_opted_out_puts_the_business_on_do_not_contact_at_once(engine: Engine, tmp_path: Path) -> None:
    result = _mark(engine, "amazon:A1ALPHA", "opted-out")
    assert result.suppressions_added == 3  # type: ignore[attr-defined]  # by name, and each of 2 storefronts' ids
    with session_scope(engine) as session:
        alpha = resolve_business(session, "Alpha Küchen GmbH").id
        why = _why(session, alpha)
    assert why.startswith("do_not_contact (Alpha Küchen GmbH): opted out of outreach (offer SC-TEST-")
    report = run_draft(engine, tmp_path / "again", new_code=codes("AGAIN"))
    assert "Alpha Küchen GmbH" not in {o.draft.business_name for o in report.drafted}


def test_opted_out_can_be_recorded_before_any_offer(engine: Engine) -> None:
    result = _mark(engine, "Maria Pelagio", "opted-out")
    assert (result.before, result.after) == ("new", "opted-out")  # type: ignore[attr-defined]
    assert _status(engine, "Maria Pelagio") is None
    with session_scope(engine) as session:
        assert _why(session, resolve_business(session, "Maria Pelagio").id)


def test_other_statuses_need_an_offer_first(engine: Engine) -> None:
    with pytest.raises(InputError, match="has no offer yet: run `scout outreach draft` first"):
        _mark(engine, "Maria Pelagio", "sent")


def test_onboarded_goes_on_the_suppression_list(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    _mark(engine, "Maker Studio LLC", "onboarded")
    with session_scope(engine) as session:
        kinds = set(session.execute(select(Suppression.kind).where(Suppression.name == "Maker Studio LLC")).scalars())
        maker = resolve_business(session, "Maker Studio LLC").id
        assert kinds == {"onboarded"}
        assert _why(session, maker).startswith("onboarded")


def test_a_suppressed_business_cannot_be_marked_sent(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(name="Maker Studio", normalized_name="maker studio", reason="asked"))
    with pytest.raises(InputError, match=r"is suppressed \(do_not_contact \(Maker Studio\): asked\): not marked sent"):
        _mark(engine, "Maker Studio LLC", "sent")


@pytest.mark.parametrize("target", ["1", "business:1", "amazon:A1ALPHA", "ebay:alpha-kuechen", "Alpha Küchen GmbH",
                                    "alpha küchen gmbh", "Alpha Küchen", "küchen"])
def test_business_is_found_by_id_storefront_or_name(engine: Engine, target: str) -> None:
    with session_scope(engine) as session:
        assert resolve_business(session, target).name == "Alpha Küchen GmbH"


@pytest.mark.parametrize(("target", "message"), [
    ("999", "no business with id 999"),
    ("amazon:NOPE", "no amazon seller with id 'NOPE'"),
    ("ebay:lonely", "storefront ebay:lonely is not linked to a business yet: run `scout match` first"),
    ("Nobody Here", "no business named 'Nobody Here'"),
    ("", "name a business"),
    ("S.", "'S.' is ambiguous: business:3 (Casa Verde S.L.), business:4 (Bottega Rossi S.r.l.)"),
])
def test_unknown_or_ambiguous_business_is_an_input_error(engine: Engine, target: str, message: str) -> None:
    with session_scope(engine) as session, pytest.raises(InputError) as err:
        resolve_business(session, target)
    assert message in str(err.value)


def test_pipeline_counts_statuses_and_lists_active_offers(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    _mark(engine, "Casa Verde S.L.", "sent")
    _mark(engine, "Casa Verde S.L.", "replied")
    _mark(engine, "Bottega Rossi S.r.l.", "opted-out")
    with session_scope(engine) as session:
        view = pipeline_view(session, today=NOW.date())
    assert view.counts == {"drafted": 2, "sent": 1, "replied": 1, "onboarded": 0, "declined": 0, "opted-out": 1}
    assert list(view.counts) == list(STATUSES)
    assert [(a.name, a.status) for a in view.active] == [
        ("Casa Verde S.L.", "replied"), ("Maker Studio LLC", "sent"), ("Alpha Küchen GmbH", "drafted"),
        ("Maison Lumière SARL", "drafted")]
    assert not any(a.expired for a in view.active)
    with session_scope(engine) as session:
        assert all(a.expired for a in pipeline_view(session, today=datetime(2027, 1, 1).date()).active)


# Forget


@pytest.fixture
def world(tmp_path: Path) -> Engine:
    """The leads world (Alpha Küchen on Amazon and eBay, an offer sent), plus a page shared with another seller,
    a draft file, a drafts CSV and a suppression entry by seller id."""
    engine = build_leads_db(tmp_path / "forget.db")
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
    return engine


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
