"""Idempotent upserts, snapshot history and provenance."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.archive import PageBody, archive_page, archive_pages, decompress
from db.engine import make_engine, session_scope
from db.models import OfferRecord, Page, RankingEntry, Seller, SellerSnapshot
from db.store import PageRecords, StoreCounts, store_parsed_page, store_parsed_pages
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.records import RankingEntry as Ranked
from tests.conftest import Databases

DAY1 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
URL = "https://www.amazon.de/sp?seller=A1EXAMPLE"


def _profile(**overrides: object) -> ParsedPage:
    values: dict[str, object] = dict(seller_id="A1EXAMPLE", name="Beispiel GmbH", positive_pct=97.0,
                                     rating_count=1720, lifetime_rating_count=9000, rating_window_days=365,
                                     business_name="Beispiel Handels GmbH", business_address="Hauptstr. 1, Berlin, DE",
                                     country="DE", vat_number="DE281934705")
    values.update(overrides)
    return ParsedPage("amazon", "seller", [SellerProfile(**values)], site="amazon.de")  # type: ignore[arg-type]


def _store(engine: Engine, parsed: ParsedPage, body: bytes, when: datetime, url: str = URL) -> None:
    with session_scope(engine) as session:
        page = archive_page(session, url=url, fingerprint=url, body=body, fetched_at=when)
        store_parsed_page(session, page, parsed, observed_at=when, parser_version="amazon/1")


def _counts(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as session:
        return {model.__name__: session.execute(select(func.count()).select_from(model)).scalar_one()
                for model in (Page, Seller, SellerSnapshot, RankingEntry, OfferRecord)}


def test_storing_the_same_page_twice_changes_nothing(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    first = _counts(engine)
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    assert _counts(engine) == first == {"Page": 1, "Seller": 1, "SellerSnapshot": 1, "RankingEntry": 0,
                                        "OfferRecord": 0}


def test_two_crawls_keep_two_snapshots_of_one_seller(engine: Engine) -> None:
    _store(engine, _profile(rating_count=1720), b"<html>day1</html>", DAY1)
    _store(engine, _profile(rating_count=1811), b"<html>day2</html>", DAY2)
    with session_scope(engine) as session:
        history = session.execute(select(SellerSnapshot.observed_at, SellerSnapshot.rating_count)
                                  .order_by(SellerSnapshot.observed_at)).all()
    assert [count for _, count in history] == [1720, 1811]
    assert [when for when, _ in history] == [DAY1, DAY2]
    assert _counts(engine)["Seller"] == 1


def test_every_figure_traces_to_url_fetch_time_and_parser_version(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    with session_scope(engine) as session:
        snapshot = session.execute(select(SellerSnapshot)).scalar_one()
        page = session.get(Page, snapshot.page_id)
    assert page is not None
    assert snapshot.source_url == page.url == URL
    assert snapshot.observed_at == page.fetched_at == DAY1
    assert snapshot.parser_version == "amazon/1"
    assert decompress(page.body) == b"<html>v1</html>"


def test_a_missing_figure_never_blanks_a_known_one(engine: Engine) -> None:
    _store(engine, _profile(), b"<html>v1</html>", DAY1)
    _store(engine, _profile(name=None, business_name=None, business_address=None, vat_number=None),
           b"<html>v2</html>", DAY2)
    with session_scope(engine) as session:
        seller = session.execute(select(Seller)).scalar_one()
    assert seller.name == "Beispiel GmbH"
    assert seller.business_name == "Beispiel Handels GmbH"
    assert seller.vat_number == "DE281934705"
    assert seller.first_seen == DAY1 and seller.last_seen == DAY2


def test_platform_offers_are_kept_as_the_platforms_own(engine: Engine) -> None:
    parsed = ParsedPage("amazon", "offers", [
        Offer(seller_id=None, name="Amazon", price=Decimal("49.52"), currency="USD", is_platform=True,
              product_id="0135157862"),
        Offer(seller_id="A2DIRKU079H2QT", name="collegebooksdirect", positive_pct=94.0, rating_count=217514,
              price=Decimal("46.38"), currency="USD", product_id="0135157862"),
    ], site="amazon.com")
    _store(engine, parsed, b"<html>offers</html>", DAY1, url="https://www.amazon.com/gp/offer-listing/0135157862")
    with session_scope(engine) as session:
        sellers = {s.seller_id: s for s in session.execute(select(Seller)).scalars()}
        offers = session.execute(select(OfferRecord)).scalars().all()
    assert sellers["amazon:platform"].is_platform is True
    assert sellers["A2DIRKU079H2QT"].is_platform is False
    assert sorted(o.price for o in offers if o.price is not None) == [46.38, 49.52]


def test_rankings_are_stored_per_page_and_rank(engine: Engine) -> None:
    parsed = ParsedPage("amazon", "ranking", [
        Ranked(rank=1, product_id="B08N5NQ869", title="Ring Video Doorbell", stars=4.6, rating_count=132223,
               price=Decimal("59.99"), currency="USD"),
        Ranked(rank=2, product_id="B089DR29T6", title="Amazon Smart Plug", stars=4.7, rating_count=527720),
    ], site="amazon.com")
    for _ in range(2):
        with session_scope(engine) as session:
            page = archive_page(session, url="https://www.amazon.com/zgbs/hi", fingerprint="f", body=b"x",
                                fetched_at=DAY1)
            store_parsed_page(session, page, parsed, observed_at=DAY1, parser_version="amazon/1", list_name="hi")
    with session_scope(engine) as session:
        rows = session.execute(select(RankingEntry).order_by(RankingEntry.rank)).scalars().all()
    assert [(r.rank, r.product_id, r.list_name) for r in rows] == [(1, "B08N5NQ869", "hi"), (2, "B089DR29T6", "hi")]


def _snapshot_rows(engine: Engine) -> list[tuple[object, ...]]:
    with session_scope(engine) as session:
        return [tuple(row) for row in session.execute(select(
            Seller.seller_id, Seller.name, Seller.business_name, SellerSnapshot.rating_count, SellerSnapshot.page_id)
            .join(Seller, Seller.id == SellerSnapshot.seller_pk).order_by(SellerSnapshot.id)).all()]


BATCH = [  # (url, body, page): the same seller on two pages, the second with a newer name and count
    (URL, b"<html>a</html>", _profile(rating_count=1720, business_name=None)),
    ("https://www.amazon.de/gp/offer-listing/B01", b"<html>b</html>", ParsedPage("amazon", "offers", [
        Offer(seller_id="A1EXAMPLE", name="Beispiel Shop", positive_pct=96.0, rating_count=1725,
              price=Decimal("9.99"), currency="EUR", product_id="B01"),
        Offer(seller_id="A2OTHER", name="Other GmbH", positive_pct=90.0, rating_count=12, price=Decimal("10.49"),
              currency="EUR", product_id="B01"),
    ], site="amazon.de")),
]


def _store_batch(engine: Engine) -> list[StoreCounts]:
    with session_scope(engine) as session:
        pages = archive_pages(session, [PageBody(url, url, body, DAY1) for url, body, _ in BATCH])
        return store_parsed_pages(session, [PageRecords(page, parsed, DAY1, "amazon/1")
                                            for page, (_, _, parsed) in zip(pages, BATCH, strict=True)])


def _store_one_by_one(engine: Engine) -> list[StoreCounts]:
    counts = []
    for url, body, parsed in BATCH:
        with session_scope(engine) as session:
            page = archive_page(session, url=url, fingerprint=url, body=body, fetched_at=DAY1)
            counts.append(store_parsed_page(session, page, parsed, observed_at=DAY1, parser_version="amazon/1"))
    return counts


def test_a_batch_of_pages_stores_what_storing_them_one_by_one_stores(engine: Engine,
                                                                     databases: Databases) -> None:
    batch_counts = _store_batch(engine)
    other = make_engine(databases.new("one-by-one"))
    assert batch_counts == _store_one_by_one(other)
    assert _snapshot_rows(engine) == _snapshot_rows(other)
    assert batch_counts[0] == StoreCounts(sellers_new=1, snapshots=1)
    assert batch_counts[1] == StoreCounts(sellers_new=1, sellers_updated=1, snapshots=2, offers=2)


def test_storing_a_batch_again_adds_nothing_and_counts_nothing(engine: Engine) -> None:
    _store_batch(engine)
    first = _counts(engine)
    assert _store_batch(engine) == [StoreCounts(), StoreCounts(offers=2)]  # offers: rows of the page, not new rows
    assert _counts(engine) == first
