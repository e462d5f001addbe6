"""Contact fields are stored per page with their provenance, never duplicated, never blanked by a page lacking one."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.archive import archive_page
from db.engine import session_scope
from db.models import Seller, SellerContact, SellerSnapshot
from db.store import store_parsed_page
from scrapers.records import ParsedPage, SellerProfile

DAY1 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
DAY3 = datetime(2026, 11, 29, 9, 0, tzinfo=UTC)
URL = "https://www.amazon.de/sp?seller=A1EXAMPLE"
LABELS = (("business_name", "Geschäftsname"), ("phone", "Telefonnummer"), ("email", "E-Mail"),
          ("vat_number", "USt-IdNr."), ("trade_register", "Handelsregisternummer"))


def _profile(**overrides: object) -> ParsedPage:
    values: dict[str, object] = dict(
        seller_id="A1EXAMPLE", name="Beispiel", rating_count=1720, business_name="Beispiel Handels GmbH",
        business_address="Hauptstr. 1, 10115 Berlin, DE", country="DE", vat_number="DE281934705",
        phone="+49 30 1234567", email="info@beispiel.de", website="https://www.beispiel.de/",
        trade_register="HRB 12345", business_type="Company", contact_labels=LABELS)
    values.update(overrides)
    return ParsedPage("amazon", "seller", [SellerProfile(**values)], site="amazon.de")  # type: ignore[arg-type]


def _store(engine: Engine, parsed: ParsedPage, body: bytes, when: datetime) -> None:
    with session_scope(engine) as session:
        page = archive_page(session, url=URL, fingerprint=URL, body=body, fetched_at=when)
        store_parsed_page(session, page, parsed, observed_at=when, parser_version="amazon/1")


def _rows(engine: Engine) -> list[SellerContact]:
    with session_scope(engine) as session:
        rows = list(session.execute(select(SellerContact).order_by(SellerContact.observed_at, SellerContact.id))
                    .scalars())
        session.expunge_all()
        return rows


def test_every_contact_field_is_stored_with_its_label_page_and_snapshot(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    rows = {row.field: row for row in _rows(engine)}
    assert sorted(rows) == ["address", "business_type", "country", "email", "legal_name", "phone",
                            "trade_register", "vat_number", "website"]
    assert (rows["phone"].value, rows["phone"].label, rows["phone"].source_url) == ("+49 30 1234567",
                                                                                    "Telefonnummer", URL)
    assert rows["address"].label is None  # the parser gave no label for it
    with session_scope(engine) as session:
        snapshot = session.execute(select(SellerSnapshot.id)).scalar_one()
    assert {row.snapshot_id for row in rows.values()} == {snapshot}
    assert {row.observed_at for row in rows.values()} == {DAY1}


def test_the_seller_row_keeps_the_latest_values(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    _store(engine, _profile(phone="+49 30 7654321"), b"<html>v2</html>", DAY2)
    with session_scope(engine) as session:
        seller = session.execute(select(Seller)).scalar_one()
        assert (seller.phone, seller.email, seller.website, seller.trade_register, seller.business_type) == (
            "+49 30 7654321", "info@beispiel.de", "https://www.beispiel.de/", "HRB 12345", "Company")


def test_a_page_without_a_field_never_blanks_it(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    _store(engine, _profile(phone=None, email=None, website=None, vat_number=None), b"<html>v2</html>", DAY2)
    with session_scope(engine) as session:
        seller = session.execute(select(Seller)).scalar_one()
        assert (seller.phone, seller.email, seller.vat_number) == ("+49 30 1234567", "info@beispiel.de",
                                                                   "DE281934705")
    assert sum(row.field == "phone" for row in _rows(engine)) == 1


def test_refetching_or_reparsing_a_page_never_duplicates_and_moves_to_the_latest_sight(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    first = len(_rows(engine))
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    assert len(_rows(engine)) == first
    _store(engine, _profile(), b"<html>v1</html>", DAY3)  # the same content fetched again later
    rows = _rows(engine)
    assert len(rows) == first and {row.observed_at for row in rows} == {DAY3}
    with session_scope(engine) as session:
        latest = session.execute(select(SellerSnapshot.id).where(SellerSnapshot.observed_at == DAY3)).scalar_one()
    assert {row.snapshot_id for row in rows} == {latest}


def test_each_page_keeps_its_own_observation(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    _store(engine, _profile(phone="+49 30 7654321"), b"<html>v2</html>", DAY2)
    with session_scope(engine) as session:
        phones = session.execute(select(SellerContact.value).where(SellerContact.field == "phone")
                                 .order_by(SellerContact.observed_at)).scalars().all()
        total = session.execute(select(func.count()).select_from(SellerContact)).scalar_one()
    assert phones == ["+49 30 1234567", "+49 30 7654321"] and total == 18


def test_a_profile_without_figures_still_stores_its_contacts(engine: Engine) -> None:
    _store(engine, _profile(rating_count=None), b"<html>v1</html>", DAY1)
    rows = _rows(engine)
    assert len(rows) == 9 and {row.snapshot_id for row in rows} == {None}
