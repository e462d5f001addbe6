"""`scout forget`: a business and everything about it erased from the database, the archive, the drafts and exports
Scout wrote and its backups, leaving one do-not-contact entry and a do-not-collect entry per storefront."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text, update
from sqlalchemy.engine import Engine

from db.archive import archive_page, decompress
from db.engine import make_engine, session_scope
from db.migrate import copy_sqlite
from db.models import (
    Business,
    Crawl,
    DoNotCollect,
    FrontierEntry,
    LeadScore,
    OfferEvent,
    OfferRecord,
    Outreach,
    Page,
    RankingEntry,
    Seller,
    SellerContact,
    SellerScore,
    SellerSnapshot,
    Suppression,
)
from db.store import store_parsed_page
from scout.errors import InputError
from scout.identity.suppressed import hashed_name, suppression_verdicts
from scout.outputs import Output, record_output, recorded_outputs
from scout.pages.reparse import reparse_pages
from scout.privacy import registry
from scout.privacy.forget import ForgetReport, find_forget_target, forget
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.records import RankingEntry as Ranked
from tests.scout.scoring.test_leads import DAY2, build_leads_db

VAT = "DE281934705"
ADDRESS = "Hauptstraße 5, 10115 Berlin"
# How the business may appear anywhere: its names (raw and as HTML), its eBay id, its Amazon id in a URL or
# attribute, its VAT id and its street.
TRACES = ("Alpha Küchen", "Alpha K&uuml;chen", "alpha-kuechen", "seller=A1&", 'seller="A1"', 'value="A1"', VAT,
          "Hauptstraße 5", "Hauptstra&szlig;e 5")


def _store(session: object, url: str, body: str, parsed: ParsedPage, list_name: str | None = None) -> None:
    page = archive_page(session, url=url, fingerprint=url, body=body.encode(), fetched_at=DAY2)  # type: ignore[arg-type]
    store_parsed_page(session, page, parsed, observed_at=DAY2, parser_version="test/1",  # type: ignore[arg-type]
                      list_name=list_name)


@pytest.fixture
def state(tmp_path: Path) -> Path:
    return tmp_path / "state"


@pytest.fixture
def world(db_url: str, tmp_path: Path, state: Path) -> Iterator[Engine]:
    """The leads world (Alpha Küchen GmbH on Amazon and eBay, an offer sent) with Alpha's address and VAT id, plus:
    an offer listing shared with another seller, a best-seller list naming Alpha's product, a captcha page that
    names its id, a crawl's options and frontier, drafts and a leads export Scout recorded writing, and a file an
    outreach row points at outside any recorded folder."""
    engine = build_leads_db(db_url)
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "1-alpha-kuchen-gmbh.md").write_text("Dear Alpha Küchen GmbH, ...", encoding="utf-8")
    (drafts / "2-other.md").write_text("Dear Other Shop, ...", encoding="utf-8")
    (drafts / "drafts.csv").write_text("business_id,business\n1,Alpha Küchen GmbH\n2,Other Shop\n", encoding="utf-8")
    export = tmp_path / "leads.csv"
    export.write_text(f"rank,business,vat\n1,Alpha Küchen GmbH,{VAT}\n2,Other Shop,\n", encoding="utf-8-sig")
    elsewhere = tmp_path / "not-scouts" / "notes.md"
    elsewhere.parent.mkdir()
    elsewhere.write_text("Alpha Küchen GmbH: call back", encoding="utf-8")
    record_output(state, drafts, "drafts")
    record_output(state, export, "export")
    with session_scope(engine) as session:
        session.execute(update(Seller).where(Seller.seller_id == "A1").values(  # type: ignore[arg-type]
            business_address=ADDRESS, vat_number=VAT))
        _store(session, "https://www.amazon.de/gp/offer-listing/P1",
               '<div data-seller="A1">Alpha K\u00fcchen</div><a href="/sp?seller=A1&amp;x=1">Alpha K&uuml;chen</a>'
               '<div data-seller="A9">Other Shop</div>',
               ParsedPage("amazon", "offers", [
                   Offer("A1", "Alpha Küchen", price=Decimal("20"), currency="EUR", product_id="P1"),
                   Offer("A9", "Other Shop", price=Decimal("21"), currency="EUR", product_id="P1")]))
        _store(session, "https://www.amazon.de/gp/bestsellers/kitchen",
               '<li><a href="/dp/P1">Alpha Küchen Chef Knife</a></li><li><a href="/dp/P2">Other Knife</a></li>',
               ParsedPage("amazon", "ranking", [Ranked(1, "P1", title="Alpha Küchen Chef Knife"),
                                                Ranked(2, "P2", title="Other Knife")]), list_name="kitchen")
        blocked = archive_page(session, url="https://www.amazon.de/sp?seller=A1&ref=x", fingerprint="b",
                               body=b'<form action="/errors/validateCaptcha"><input name="seller" value="A1"></form>'
                                    b"<p>Impressum: Hauptstra&szlig;e 5, 10115 Berlin, USt-IdNr. DE281934705</p>",
                               fetched_at=DAY2)
        crawl = Crawl(source="amazon", options='{"seeds": ["https://www.amazon.de/sp?seller=A1&tag=1"]}')
        session.add(crawl)
        session.flush()
        session.add(FrontierEntry(crawl_id=crawl.id, url="https://www.amazon.de/sp?seller=A1&d=9",  # type: ignore
                                  fingerprint="f", marketplace="amazon", kind="seller"))
        session.add(FrontierEntry(crawl_id=crawl.id, url="https://www.amazon.de/sp?seller=A9",  # type: ignore
                                  fingerprint="g", marketplace="amazon", kind="seller", status="done",
                                  page_id=blocked.id, error="captcha for seller=A1&x"))
        session.execute(select(Outreach)).scalar_one().draft_path = str(elsewhere)
        session.add(Suppression(name="Alpha", normalized_name="alpha", marketplace="amazon", seller_id="A1",
                                reason="asked"))
    yield engine
    engine.dispose()


def _forget(engine: Engine, target: str, state: Path) -> ForgetReport:
    with session_scope(engine) as session:
        return forget(session, find_forget_target(session, target), outputs=recorded_outputs(state))


def _everything(engine: Engine, folders: list[Path]) -> str:
    """Every text value in every table, every archived body, and every file under `folders`, as one text."""
    parts: list[str] = []
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.execute(text(f"SELECT * FROM {table}")):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(decompress(bytes(value)).decode("utf-8", "replace") if table == "page"
                                     else bytes(value).decode("utf-8", "replace"))
                    elif value is not None:
                        parts.append(str(value))
    for folder in folders:
        parts += [p.read_text("utf-8", "replace") for p in folder.rglob("*") if p.is_file()]
    return "\n".join(parts)


def test_forget_deletes_the_business_and_its_storefronts_and_keeps_everyone_else(world: Engine, state: Path) -> None:
    with session_scope(world) as session:
        pks = list(session.execute(select(Seller.id).where(Seller.seller_id.in_(["A1", "alpha-kuechen"]))).scalars())
        others = session.execute(select(func.count()).select_from(OfferRecord).where(
            OfferRecord.seller_pk.not_in(pks))).scalar_one()
    report = _forget(world, "amazon:A1", state)
    assert report.storefronts == 2 and report.outreach == 1
    with session_scope(world) as session:
        assert session.execute(select(Business)).first() is None
        for model in (SellerSnapshot, OfferRecord, SellerScore):
            assert session.execute(select(model).where(model.seller_pk.in_(pks))).first() is None
        assert session.execute(select(func.count()).select_from(OfferRecord)).scalar_one() == others
        assert session.execute(select(LeadScore).where(LeadScore.name.contains("Alpha"))).first() is None
        assert session.execute(select(Outreach)).first() is None
        assert session.execute(select(func.count()).select_from(RankingEntry)).scalar_one() == 3  # titles redacted
        shared = session.execute(select(Page).where(Page.url.contains("offer-listing"))).scalar_one()
        assert "Other Shop" in decompress(shared.body).decode()
        entries = session.execute(select(Suppression).where(Suppression.reason == "data-subject request")).all()
        names = set(session.execute(select(Suppression.name)).scalars())
        hashes = session.execute(select(func.count()).select_from(DoNotCollect)).scalar_one()
    assert len(entries) == 1 and names == {"Blocked Co", "whatever", "[erased]"} and hashes == 2


def test_no_trace_is_left_in_the_database_the_archive_or_the_recorded_files(world: Engine, state: Path,
                                                                           tmp_path: Path) -> None:
    folders = [tmp_path / "drafts", tmp_path / "leads.csv"]
    before = _everything(world, [tmp_path / "drafts"]) + (tmp_path / "leads.csv").read_text("utf-8")
    assert all(trace in before for trace in TRACES)
    _forget(world, "Alpha Küchen GmbH", state)
    after = _everything(world, [tmp_path / "drafts"]) + (tmp_path / "leads.csv").read_text("utf-8-sig")
    found = [trace for trace in TRACES if trace in after]
    assert found == [], re.findall(r".{0,40}(?:" + "|".join(map(re.escape, found)) + r").{0,40}", after)[:5]
    assert "[erased]" in after and "Other Shop" in after and "Other Knife" in after  # others untouched
    assert all(p.exists() for p in folders)


def test_drafts_are_deleted_and_csv_rows_removed_only_inside_recorded_folders(world: Engine, state: Path,
                                                                            tmp_path: Path) -> None:
    report = _forget(world, "Alpha Küchen GmbH", state)
    drafts = tmp_path / "drafts"
    assert sorted(p.name for p in drafts.iterdir()) == ["2-other.md", "drafts.csv"]
    with (drafts / "drafts.csv").open(encoding="utf-8", newline="") as fh:
        assert list(csv.reader(fh)) == [["business_id", "business"], ["2", "Other Shop"]]
    assert (tmp_path / "not-scouts" / "notes.md").exists()  # the outreach row named it; Scout never wrote there
    assert str(drafts / "1-alpha-kuchen-gmbh.md") in report.files_deleted
    assert str(tmp_path / "leads.csv") in report.files_rewritten


def test_the_offer_history_and_follow_up_drafts_go_too(world: Engine, state: Path, tmp_path: Path) -> None:
    follow_up = tmp_path / "drafts" / "1-alpha-kuchen-gmbh-follow-up-1.md"
    follow_up.write_text("Dear Alpha Küchen GmbH, a reminder ...", encoding="utf-8")
    with session_scope(world) as session:
        offer = session.execute(select(Outreach)).scalars().first()
        assert offer is not None
        mark = OfferEvent(business_id=offer.business_id, by="ana", action="mark", from_status="drafted",
                          to_status="sent", note="called Alpha Küchen's owner")
        session.add(mark)
        session.flush()
        session.add(OfferEvent(business_id=offer.business_id, by="ana", action="follow-up", from_status="sent",
                               to_status="sent", draft_path=str(follow_up)))
        session.add(OfferEvent(business_id=offer.business_id, by="ben", action="undo", undoes=mark.id))
    report = _forget(world, "Alpha Küchen GmbH", state)
    with session_scope(world) as session:
        assert session.execute(select(OfferEvent)).first() is None
    assert not follow_up.exists() and report.database.rows_deleted.get("offer_event") == 3


def test_a_storefront_without_a_business(world: Engine, state: Path) -> None:
    report = _forget(world, "etsy:42", state)
    assert report.storefronts == 1 and report.outreach == 0
    with session_scope(world) as session:
        assert session.execute(select(Seller).where(Seller.seller_id == "42")).first() is None
        entry = session.execute(select(Suppression).where(Suppression.source == "forget")).scalar_one()
        assert (entry.name, entry.reason, entry.seller_id) == ("[erased]", "data-subject request", None)
        assert entry.normalized_name == hashed_name("Maker Studio")
        assert session.execute(select(Business)).first() is not None  # Alpha untouched


def test_the_same_business_found_again_elsewhere_is_still_not_contacted(world: Engine, state: Path) -> None:
    _forget(world, "Alpha Küchen GmbH", state)
    with session_scope(world) as session:
        session.add(Seller(marketplace="walmart", seller_id="W77", name="Alpha Küchen GmbH"))
        session.flush()
        pk = session.execute(select(Seller.id).where(Seller.seller_id == "W77")).scalar_one()
        verdicts = suppression_verdicts(session, [f"seller:{pk}"])
    assert verdicts == {f"seller:{pk}": "do_not_contact ([erased]): data-subject request"}


def test_an_unknown_business_is_an_input_error(world: Engine) -> None:
    with session_scope(world) as session, pytest.raises(InputError, match="no business named 'Nobody'"):
        find_forget_target(session, "Nobody")


def test_reparsing_the_archive_afterwards_brings_no_one_back(world: Engine, state: Path) -> None:
    _forget(world, "Alpha Küchen GmbH", state)
    with session_scope(world) as session:
        sellers_before = session.execute(select(func.count()).select_from(Seller)).scalar_one()
    reparse_pages(world)
    with session_scope(world) as session:
        names = set(session.execute(select(Seller.name)).scalars())
        assert session.execute(select(func.count()).select_from(Seller)).scalar_one() == sellers_before
    assert not any(name and ("[erased]" in name or "Alpha" in name) for name in names)


def test_a_later_ingest_does_not_store_a_forgotten_storefront(world: Engine, state: Path, tmp_path: Path) -> None:
    _forget(world, "Alpha Küchen GmbH", state)
    saved = tmp_path / "seller.json"
    saved.write_text('{"id": 1, "nickname": "x"}', encoding="utf-8")
    with session_scope(world) as session:
        page = archive_page(session, url="file:///again", fingerprint="again", body=b"again", fetched_at=DAY2)
        counts = store_parsed_page(session, page, ParsedPage("amazon", "seller", [
            SellerProfile("A1", "Alpha Küchen", positive_pct=99.0, rating_count=5),
            SellerProfile("A7", "Someone Else", positive_pct=98.0, rating_count=7)]),
            observed_at=DAY2 + timedelta(days=1), parser_version="test/1")
        ids = set(session.execute(select(Seller.seller_id)).scalars())
    assert counts.sellers_new == 1 and "A7" in ids and "A1" not in ids


def test_a_backup_the_upgrade_made_is_erased_too(world: Engine, state: Path, tmp_path: Path,
                                                 backend: str) -> None:
    if backend != "sqlite":
        pytest.skip("`scout db upgrade` backs up SQLite files only")
    backup = tmp_path / "scout.db.before-0099.bak"
    copy_sqlite(Path(str(world.url.database)), backup)
    record_output(state, backup, "backup")
    report = _forget(world, "Alpha Küchen GmbH", state)
    assert report.backups_cleaned == [str(backup)]
    copy = make_engine(str(backup))
    found = [trace for trace in TRACES if trace in _everything(copy, [])]
    copy.dispose()
    assert found == []


def test_a_column_added_to_the_registry_is_reached(world: Engine, state: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    with world.begin() as conn:
        conn.execute(text("ALTER TABLE ranking_entry ADD COLUMN analyst_note VARCHAR"))
        conn.execute(text("UPDATE ranking_entry SET analyst_note = 'ask Alpha Küchen GmbH about P1'"))
    monkeypatch.setitem(registry.FREE_TEXT, "ranking_entry", (*registry.FREE_TEXT["ranking_entry"], "analyst_note"))
    try:
        report = _forget(world, "Alpha Küchen GmbH", state)
        with world.connect() as conn:
            notes = set(conn.execute(text("SELECT analyst_note FROM ranking_entry")).scalars())
    finally:  # the pooled test database keeps its schema
        with world.begin() as conn:
            conn.execute(text("ALTER TABLE ranking_entry DROP COLUMN analyst_note"))
    assert notes == {"ask [erased] about P1"}
    assert report.database.rows_redacted["ranking_entry.analyst_note"] == 3


def test_nothing_outside_the_recorded_outputs_is_touched(world: Engine, tmp_path: Path) -> None:
    stray = tmp_path / "drafts" / "1-alpha-kuchen-gmbh.md"
    with session_scope(world) as session:
        forget(session, find_forget_target(session, "Alpha Küchen GmbH"), outputs=[
            Output(tmp_path / "missing", "drafts", "")])
    assert stray.exists()


def test_every_contact_value_its_pages_ever_showed_is_erased_everywhere(world: Engine, state: Path) -> None:
    old_phone, new_phone, mail = "+49 30 1111111", "+49 30 2222222", "vertrieb@alpha-kuechen.example"
    with session_scope(world) as session:
        for day, phone in enumerate((old_phone, new_phone)):
            url = f"https://www.amazon.de/sp?seller=A1&v={day}"
            page = archive_page(session, url=url, fingerprint=url, body=f"<p>{phone}</p>".encode(),
                                fetched_at=DAY2 + timedelta(days=day))
            store_parsed_page(session, page, ParsedPage("amazon", "seller", [SellerProfile(
                "A1", "Alpha Küchen", phone=phone, email=mail if day else None, business_type="Company",
                contact_labels=(("phone", "Telefonnummer"),))]), observed_at=DAY2 + timedelta(days=day),
                parser_version="test/1")
        _store(session, "https://www.amazon.de/sp?seller=A9", f"<p>Other Shop, not {old_phone}</p>",
               ParsedPage("amazon", "seller", [SellerProfile("A9", "Other Shop", phone="+33 1 23 45 67 89")]))
        session.add(Crawl(source="amazon", options=f'{{"note": "call {old_phone} or {mail}"}}'))
        pk = session.execute(select(Seller.id).where(Seller.seller_id == "A1")).scalar_one()
        assert session.get(Seller, pk).phone == new_phone  # type: ignore[union-attr]  # only the contact row keeps the old
    _forget(world, "amazon:A1", state)
    after = _everything(world, [])
    assert old_phone not in after and new_phone not in after and mail not in after
    with session_scope(world) as session:
        rows = session.execute(select(SellerContact.seller_pk, SellerContact.value)).all()
        other = session.execute(select(Seller.id).where(Seller.seller_id == "A9")).scalar_one()
    assert [(seller_pk, value) for seller_pk, value in rows if value.startswith("+")] == [(other, "+33 1 23 45 67 89")]
    assert "Company" not in {value for _, value in rows}  # a business type names no one: erased with its rows only
