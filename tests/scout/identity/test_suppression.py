"""The suppression list: importing our sellers, do-not-contact entries, and matching them against businesses."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.engine import make_engine, session_scope
from db.models import Seller, Suppression
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.linking import match_businesses
from scout.identity.suppressed import business_facts, list_catches, suppression_verdicts
from scout.identity.suppression import add_suppression, import_suppressions, read_suppression_csv


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        session.add_all([
            Seller(id=1, marketplace="amazon", seller_id="A1", site="com", name="AnkerDirect-US",
                   business_name="Anker Innovations Ltd", business_address="Kowloon Bay 1, Hong Kong, HK",
                   country="HK"),
            Seller(id=2, marketplace="ebay", seller_id="anker_official", name="anker_official", country="HK"),
            Seller(id=3, marketplace="walmart", seller_id="W7", name="Nordic Home LLC", country="US",
                   url="https://www.nordichome.com"),
            Seller(id=4, marketplace="etsy", seller_id="CafeCreme", name="CafeCreme", country="FR"),
            Seller(id=5, marketplace="amazon", seller_id="A9", site="de", name="Voltix Official", country="DE"),
        ])
    with session_scope(engine) as session:
        match_businesses(session)
    yield engine
    engine.dispose()


def _business_of(engine: Engine, pk: int) -> int:
    with session_scope(engine) as session:
        business_id = session.get(Seller, pk).business_id  # type: ignore[union-attr]
    assert business_id is not None
    return business_id


def _verdicts(engine: Engine) -> dict[str, str]:
    """Why each business the list catches must not be contacted, over every business and lone storefront."""
    with session_scope(engine) as session:
        return suppression_verdicts(session, [facts.key for facts in business_facts(session)])


def _key(engine: Engine, pk: int) -> str:
    return business_key(_business_of(engine, pk), pk)


def _write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_import_reads_bom_and_any_header_case(engine: Engine, tmp_path: Path) -> None:
    csv_file = _write(tmp_path / "ours.csv", "\ufeffName,DOMAIN, Seller_ID ,Marketplace\n"
                                             "Anker,,,\nSomething Else,else.com,,\n,,,\n")
    with session_scope(engine) as session:
        result = import_suppressions(session, csv_file)
    assert (result.added, result.duplicates, result.blank) == (2, 0, 1)
    with session_scope(engine) as session:
        rows = session.execute(select(col(Suppression.name), col(Suppression.kind), col(Suppression.domain),
                                      col(Suppression.source)).order_by(col(Suppression.id))).all()
    assert [tuple(r) for r in rows] == [("Anker", "existing_seller", None, "ours.csv"),
                                        ("Something Else", "existing_seller", "else.com", "ours.csv")]


def test_import_same_file_twice_adds_nothing(engine: Engine, tmp_path: Path) -> None:
    csv_file = _write(tmp_path / "ours.csv", "name,domain\nAnker,anker.com\nCafé Crème,\n")
    with session_scope(engine) as session:
        import_suppressions(session, csv_file)
    with session_scope(engine) as session:
        again = import_suppressions(session, csv_file)
        count = session.execute(select(func.count(col(Suppression.id)))).scalar_one()
    assert (again.added, again.duplicates, count) == (0, 2, 2)


@pytest.mark.parametrize(("content", "needle"), [
    (b"company,domain\nAnker,anker.com\n", "no 'name' column in its header (found: 'company', 'domain')"),
    (b"", "is empty"),
    (b"name\n\xff\xfeAnker\n", "is not UTF-8"),
    (b'name\n"Anker\n', "malformed CSV"),
])
def test_read_bad_csv_is_an_input_error_naming_the_problem(tmp_path: Path, content: bytes, needle: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match="bad.csv") as err:
        read_suppression_csv(path)
    assert needle in str(err.value)


def test_read_missing_file_or_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_suppression_csv(tmp_path / "missing.csv")
    with pytest.raises(InputError, match="is a folder"):
        read_suppression_csv(tmp_path)


def test_add_do_not_contact_once(engine: Engine) -> None:
    with session_scope(engine) as session:
        entry = add_suppression(session, "Voltix", reason="asked us to stop")
        again = add_suppression(session, "VOLTIX", reason="again")
    assert entry is not None and entry.kind == "do_not_contact" and entry.source == "manual"
    assert again is None


@pytest.mark.parametrize(("name", "kwargs"), [("  ", {}), ("Voltix", {"kind": "maybe"})])
def test_add_rejects_empty_name_or_unknown_kind(engine: Engine, name: str, kwargs: dict[str, str]) -> None:
    with session_scope(engine) as session, pytest.raises(InputError):
        add_suppression(session, name, reason="x", **kwargs)


def test_suppressed_business_by_fuzzy_name_covers_all_its_storefronts(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_suppression(session, "Anker Official Store", reason="asked us to stop")
    anker = _key(engine, 1)
    assert _key(engine, 2) == anker
    assert _verdicts(engine) == {anker: "do_not_contact (Anker Official Store): asked us to stop"}
    with session_scope(engine) as session:
        [catch] = list_catches(session)
    assert [facts.key for facts in catch.businesses] == [anker] and catch.storefronts == 2


def test_suppressed_by_seller_id_and_by_domain(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_suppression(session, "Some other name", reason="on our marketplace", kind="existing_seller",
                        seller_id="A9", marketplace="Amazon")
        add_suppression(session, "NH", reason="lawyer letter", domain="https://nordichome.com/contact")
    assert set(_verdicts(engine)) == {_key(engine, 5), _key(engine, 3)}


def test_a_domain_entry_catches_a_storefront_by_the_website_or_email_its_pages_show(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.execute(update(Seller).where(col(Seller.id) == 4).values(website="https://www.cafe-creme.fr/"))
        session.execute(update(Seller).where(col(Seller.id) == 5).values(email="vertrieb@Voltix.de"))
    with session_scope(engine) as session:
        add_suppression(session, "Cafe", reason="asked us to stop", domain="cafe-creme.fr")
        add_suppression(session, "V", reason="already onboarded", kind="onboarded", domain="https://www.voltix.de")
    assert set(_verdicts(engine)) == {_key(engine, 4), _key(engine, 5)}


def test_a_mailbox_providers_domain_is_no_suppression_entry(engine: Engine) -> None:
    with session_scope(engine) as session, pytest.raises(InputError, match="mailbox provider"):
        add_suppression(session, "Anyone", reason="x", domain="gmail.com")


def test_a_seller_id_without_marketplace_catches_it_on_any_marketplace(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_suppression(session, "Zzz", reason="asked us to stop", seller_id="anker_official")
    assert set(_verdicts(engine)) == {_key(engine, 2)}


def test_seller_id_on_another_marketplace_does_not_match(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_suppression(session, "Zzz", reason="x", seller_id="A9", marketplace="ebay")
    assert _verdicts(engine) == {}


def test_lookalike_name_is_not_suppressed(engine: Engine) -> None:
    with session_scope(engine) as session:
        add_suppression(session, "Ankora", reason="x")
        add_suppression(session, "Nordic House", reason="x")
    assert _verdicts(engine) == {}


def test_storefront_without_business_is_checked_on_its_own(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Seller(id=9, marketplace="allegro", seller_id="KUHL_PL", name="KUHL_PL"))
        add_suppression(session, "Kühl GmbH", reason="x", kind="existing_seller")
    assert _verdicts(engine) == {"seller:9": "existing_seller (Kühl GmbH): x"}


def test_the_strongest_entry_says_why(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        import_suppressions(session, _write(tmp_path / "ours.csv", "name\ncafe-creme\n"))
        add_suppression(session, "Café Crème", reason="asked us to stop")
    cafe, voltix = _key(engine, 4), _key(engine, 5)
    with session_scope(engine) as session:
        verdicts = suppression_verdicts(session, [cafe, voltix])
    assert verdicts == {cafe: "do_not_contact (Café Crème): asked us to stop"}


def test_list_counts_businesses_per_entry(engine: Engine, tmp_path: Path) -> None:
    with session_scope(engine) as session:
        import_suppressions(session, _write(tmp_path / "ours.csv", "name\nAnker\nNobody Like This\n"))
        rows = list_catches(session)
    assert [(m.entry.name, len(m.businesses), m.storefronts) for m in rows] == [
        ("Anker", 1, 2), ("Nobody Like This", 0, 0)]
