"""Idempotent writes of what pages show: sellers, snapshots, rankings and offers (the bodies: db.archive).

Every write is an INSERT … ON CONFLICT on a natural key, so storing the same page twice changes nothing,
and a figure missing from a page never overwrites one already known (COALESCE on update).

Writes come in batches (a crawl stores up to 16 pages per transaction): each table gets one executemany per
batch, not one statement per page or per row, because per-statement overhead (SQLAlchemy's and SQLite's) is
most of what storing costs (benchmarks/leads.py, benchmarks/crawl.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from operator import attrgetter
from typing import Any

import msgspec
from sqlalchemy import func, update
from sqlalchemy.engine import Connection
from sqlmodel import Session

from db.archive import ArchivedPage
from db.bulk import dialect_insert, execute_many, max_id, select_in, sqlite_in
from db.contacts import PageContacts, profile_contacts, store_contacts
from db.models import DoNotCollect, OfferRecord, RankingEntry, Seller, SellerSnapshot
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.records import RankingEntry as RankedRecord

SNAPSHOT_FIGURES = ("positive_pct", "rating_count", "rating_window_days", "lifetime_rating_count", "stars",
                    "sales_count", "listing_count", "followers", "recent_sales_count", "recent_sales_days")
SELLER_FIELDS = ("name", "site", "url", "country", "business_name", "business_address", "vat_number", "category",
                 "opened_on", "phone", "email", "website", "trade_register", "business_type")

SELLER = Seller.__table__  # type: ignore[attr-defined]
SNAPSHOT = SellerSnapshot.__table__  # type: ignore[attr-defined]
DO_NOT_COLLECT = DoNotCollect.__table__  # type: ignore[attr-defined]
REDACTED = "[erased]"  # what `scout forget` writes where a forgotten business's names and ids were


@dataclass
class StoreCounts:
    """What storing one or more pages added."""

    sellers_new: int = 0
    sellers_updated: int = 0
    snapshots: int = 0
    rankings: int = 0
    offers: int = 0

    def add(self, other: StoreCounts) -> None:
        """Accumulate another page's counts."""
        for name in ("sellers_new", "sellers_updated", "snapshots", "rankings", "offers"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass(frozen=True)
class PageRecords:
    """What one parsed page showed, to be stored with provenance back to `page`."""

    page: ArchivedPage
    parsed: ParsedPage
    observed_at: datetime
    parser_version: str
    crawl_id: int | None = None
    list_name: str | None = None


def _upsert_sellers(dialect: str) -> Any:
    stmt = dialect_insert(dialect, SELLER)
    updates: dict[str, Any] = {name: func.coalesce(getattr(stmt.excluded, name), stmt.table.c[name])
                               for name in SELLER_FIELDS}
    later, earlier = (func.max, func.min) if dialect == "sqlite" else (func.greatest, func.least)
    updates["last_seen"] = later(stmt.excluded.last_seen, stmt.table.c.last_seen)
    updates["first_seen"] = earlier(stmt.excluded.first_seen, stmt.table.c.first_seen)
    return stmt.on_conflict_do_update(index_elements=["marketplace", "seller_id"], set_=updates)


def _insert_sellers(dialect: str) -> Any:
    return dialect_insert(dialect, SELLER)


def _insert_snapshots(dialect: str) -> Any:
    return dialect_insert(dialect, SNAPSHOT).on_conflict_do_nothing(
        index_elements=["seller_pk", "page_id", "observed_at"])


def _insert_offers(dialect: str) -> Any:
    return dialect_insert(dialect, OfferRecord.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
        index_elements=["page_id", "seller_pk", "product_id", "observed_at"])


def _insert_rankings(dialect: str) -> Any:
    return dialect_insert(dialect, RankingEntry.__table__).on_conflict_do_nothing(  # type: ignore[attr-defined]
        index_elements=["page_id", "rank", "observed_at"])


# --- sellers, snapshots, offers, rankings ---------------------------------------------------------------------


_FIGURES_OF = {kind: (names, attrgetter(*names)) for kind in (Offer, SellerProfile)
               for names in [tuple(name for name in SNAPSHOT_FIGURES if name in kind.__struct_fields__)]}
_NO_FIGURES = dict.fromkeys(SNAPSHOT_FIGURES)


@dataclass
class _PageRows:
    """One page's records as table rows (sellers keyed by seller id, not yet by primary key)."""

    item: PageRecords
    sellers: dict[str, dict[str, Any]] = field(default_factory=dict)
    snapshots: dict[str, dict[str, Any]] = field(default_factory=dict)
    offers: list[tuple[str, Offer]] = field(default_factory=list)
    rankings: list[RankedRecord] = field(default_factory=list)
    contacts: dict[str, PageContacts] = field(default_factory=dict)


def _seller_key(marketplace: str, record: Offer | SellerProfile) -> str | None:
    if record.seller_id:
        return record.seller_id
    if isinstance(record, Offer) and record.is_platform:
        return f"{marketplace}:platform"
    return None


def _merge_seller_row(rows: dict[str, dict[str, Any]], key: str, defaults: dict[str, Any],
                      values: dict[str, Any]) -> dict[str, Any]:
    """The page's row for seller `key`, filled in with `values` where it has no value yet."""
    row = rows.get(key)
    if row is None:  # every field of `values` defaults to None, so a page's first sight of a seller is the row
        row = rows[key] = {**defaults, **values, "seller_id": key}
        return row
    for name, value in values.items():
        if value is not None and row[name] is None:
            row[name] = value
    return row


def _page_rows(item: PageRecords) -> _PageRows:
    """Sellers (merged: the first value a page shows for a field wins), snapshots, offers and rankings of a page."""
    out = _PageRows(item)
    parsed, observed_at = item.parsed, item.observed_at
    site = parsed.site
    defaults = {**dict.fromkeys(SELLER_FIELDS), "marketplace": parsed.marketplace, "first_seen": observed_at,
                "last_seen": observed_at, "is_platform": False}
    for record in parsed.records:
        if isinstance(record, RankedRecord):
            out.rankings.append(record)
            if record.seller_id:
                _merge_seller_row(out.sellers, record.seller_id, defaults, {"name": record.seller_name, "site": site})
            continue
        key = _seller_key(parsed.marketplace, record)
        if key is None:
            continue
        values = {"name": record.name, "site": site, "country": record.country}
        if isinstance(record, SellerProfile):
            values.update(url=record.url, business_name=record.business_name, business_address=record.business_address,
                          vat_number=record.vat_number, category=record.category, opened_on=record.created,
                          phone=record.phone, email=record.email, website=record.website,
                          trade_register=record.trade_register, business_type=record.business_type)
            profile_contacts(record, out.contacts.setdefault(key, {}))
        row = _merge_seller_row(out.sellers, key, defaults, values)
        if isinstance(record, Offer):
            row["is_platform"] = record.is_platform
            out.offers.append((key, record))
        names, read = _FIGURES_OF[type(record)]
        figures = read(record)
        if figures.count(None) < len(figures):
            snap = out.snapshots.get(key)
            if snap is None:  # the figures not on this record stay None (all snapshot figures default to None)
                snap = out.snapshots[key] = {**_NO_FIGURES, **dict(zip(names, figures, strict=True))}
            else:
                for name, value in zip(names, figures, strict=True):
                    if value is not None and snap[name] is None:
                        snap[name] = value
            if getattr(record, "sales_count_exact", False):
                snap["sales_count_exact"] = True
    return out


def upsert_sellers(conn: Connection, rows: Sequence[dict[str, Any]]) -> tuple[dict[tuple[str, str], int], set[int]]:
    """Insert or refresh sellers, rows applied in order; ({(marketplace, seller_id): pk}, pks that are new).

    Known values are never blanked.
    """
    if not rows:
        return {}, set()
    keys = {(row["marketplace"], row["seller_id"]) for row in rows}
    by_marketplace: dict[str, list[str]] = {}
    for marketplace, seller_id in keys:
        by_marketplace.setdefault(marketplace, []).append(seller_id)
    if conn.dialect.name == "sqlite":
        return _write_sellers_sqlite(conn, rows, by_marketplace)
    existing = {pk for marketplace, ids in by_marketplace.items() for _, pk in _seller_pks(conn, marketplace, ids)}
    execute_many(conn, _upsert_sellers, rows)
    pks = {(marketplace, seller_id): pk for marketplace, ids in by_marketplace.items()
           for seller_id, pk in _seller_pks(conn, marketplace, ids)}
    return pks, set(pks.values()) - existing


def _write_sellers_sqlite(conn: Connection, rows: Sequence[dict[str, Any]], by_marketplace: dict[str, list[str]]
                          ) -> tuple[dict[tuple[str, str], int], set[int]]:
    """upsert_sellers on SQLite: new sellers by plain INSERT with ids assigned here, known ones by the upsert.

    The transaction holds SQLite's write lock (BEGIN IMMEDIATE), so the ids above the largest are free: a new
    seller needs neither the upsert's conflict handling nor a look-up of its id afterwards. A seller's first row
    is its insert and its later rows update it, in order, as the upsert alone would.
    """
    known = {(marketplace, seller_id): pk for marketplace, ids in by_marketplace.items()
             for seller_id, pk in _seller_pks(conn, marketplace, ids)}
    pks = dict(known)
    next_id = max_id(conn, SELLER)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for row in rows:
        key = (row["marketplace"], row["seller_id"])
        if key in pks:
            updates.append(row)
        else:
            next_id += 1
            pks[key] = next_id
            inserts.append({**row, "id": next_id})
    execute_many(conn, _insert_sellers, inserts)
    execute_many(conn, _upsert_sellers, updates)
    return pks, set(pks.values()) - set(known.values())


def _seller_pks(conn: Connection, marketplace: str, ids: Sequence[str]) -> list[tuple[str, int]]:
    """(seller_id, pk) of the given sellers that exist."""
    if conn.dialect.name != "sqlite":
        return [(sid, pk) for sid, pk in select_in(conn, (SELLER.c.seller_id, SELLER.c.id), SELLER.c.seller_id,
                                                    ids, SELLER.c.marketplace == marketplace)]
    return sqlite_in(conn, "SELECT seller_id, id FROM seller WHERE marketplace = ? AND seller_id IN ({})", ids,
                      marketplace)


def store_parsed_pages(session: Session, items: Sequence[PageRecords], *, refresh: bool = False) -> list[StoreCounts]:
    """Store what each parsed page showed, with provenance back to its page; idempotent per page.

    Each table gets one executemany for the whole batch, rows in page order, so the result is the same as
    storing the pages one after another. `refresh` (for re-parsing archived pages) lets a newer parser fill in or
    correct a page's snapshot figures; a figure it cannot read still never blanks one already stored.
    """
    session.flush()  # the statements below go straight to the connection
    conn = session.connection()
    forgotten = _forgotten(conn, items)
    pages = [_page_rows(_without(item, forgotten) if forgotten else item) for item in items]
    pks, new_pks = upsert_sellers(conn, [row for page in pages for row in page.sellers.values()])
    counts = [StoreCounts() for _ in pages]
    seen: set[int] = set()  # sellers an earlier page of this batch showed
    new_on: list[set[int]] = []  # per page: the sellers it is the first to show
    snapshots: list[dict[str, Any]] = []
    offers: list[dict[str, Any]] = []
    rankings: list[dict[str, Any]] = []
    contacts: list[dict[str, Any]] = []
    for page, count in zip(pages, counts, strict=True):
        item, mp = page.item, page.item.parsed.marketplace
        page_pks = {pks[mp, key] for key in page.sellers}
        new_on.append((page_pks & new_pks) - seen)
        count.sellers_new = len(new_on[-1])
        seen |= page_pks
        snapshots.extend(dict(values, seller_pk=pks[mp, key], page_id=item.page.id, crawl_id=item.crawl_id,
                              source_url=item.page.url, observed_at=item.observed_at,
                              parser_version=item.parser_version,
                              sales_count_exact=values.get("sales_count_exact", False))
                         for key, values in page.snapshots.items())
        page_offers = {(pks[mp, key], o.product_id or ""): dict(
            page_id=item.page.id, crawl_id=item.crawl_id, seller_pk=pks[mp, key], product_id=o.product_id or "",
            title=o.title, price=float(o.price) if o.price is not None else None, currency=o.currency,
            category=o.category, observed_at=item.observed_at) for key, o in page.offers}
        offers.extend(page_offers.values())
        count.offers = len(page_offers)
        page_rankings = _unique_by((dict(
            page_id=item.page.id, crawl_id=item.crawl_id, marketplace=mp, site=item.parsed.site,
            list_name=item.list_name, rank=r.rank, product_id=r.product_id, title=r.title, stars=r.stars,
            rating_count=r.rating_count, price=float(r.price) if r.price is not None else None, currency=r.currency,
            seller_pk=pks.get((mp, r.seller_id)) if r.seller_id else None, observed_at=item.observed_at)
            for r in page.rankings), "rank")
        rankings.extend(page_rankings)
        count.rankings = len(page.rankings)
        contacts.extend(dict(seller_pk=pks[mp, key], page_id=item.page.id, field=name, value=value, label=label,
                             source_url=item.page.url, observed_at=item.observed_at)
                        for key, fields in page.contacts.items() for name, (value, label) in fields.items())
    known = _stored_snapshots(conn, [p.item for p in pages if p.snapshots and not p.item.page.new])
    execute_many(conn, _insert_snapshots, snapshots)
    execute_many(conn, _insert_offers, offers)
    execute_many(conn, _insert_rankings, rankings)
    store_contacts(conn, contacts)  # after the snapshots: each row links the snapshot of its observation
    for page, count, page_new in zip(pages, counts, new_on, strict=True):
        item, mp = page.item, page.item.parsed.marketplace
        inserted = {pks[mp, key] for key in page.snapshots} - known.get((item.page.id, item.observed_at), set())
        count.snapshots = len(inserted)
        count.sellers_updated = len(inserted - page_new)
    if refresh:
        _refresh_snapshots(session, snapshots)
    return counts


def store_parsed_page(
    session: Session, page: ArchivedPage, parsed: ParsedPage, *, observed_at: datetime, parser_version: str,
    crawl_id: int | None = None, list_name: str | None = None, refresh: bool = False,
) -> StoreCounts:
    """Store what one parsed page showed, with provenance back to `page` (see store_parsed_pages)."""
    return store_parsed_pages(session, [PageRecords(page, parsed, observed_at, parser_version, crawl_id, list_name)],
                              refresh=refresh)[0]


def collect_key(marketplace: str, seller_id: str) -> str:
    """The hashed form in which a do-not-collect entry keeps a storefront's id."""
    return hashlib.sha256(f"{marketplace}:{seller_id}".encode()).hexdigest()


def _forgotten(conn: Connection, items: Sequence[PageRecords]) -> set[tuple[str, str]]:
    """(marketplace, seller id) of the storefronts on these pages that must not be stored: forgotten ones (on the
    do-not-collect list), and ids that are forget's own redaction mark."""
    keys = {(item.parsed.marketplace, record.seller_id) for item in items for record in item.parsed.records
            if record.seller_id}
    found = {key for key in keys if REDACTED in key[1]}
    if keys and conn.exec_driver_sql("SELECT 1 FROM do_not_collect LIMIT 1").first() is not None:
        by_hash = {collect_key(*key): key for key in keys}
        found |= {by_hash[h] for h, in select_in(conn, (DO_NOT_COLLECT.c.key_hash,), DO_NOT_COLLECT.c.key_hash,
                                                   sorted(by_hash))}
    return found


def _without(item: PageRecords, forgotten: set[tuple[str, str]]) -> PageRecords:
    """The page's records without the forgotten storefronts (a ranking keeps its product, not their seller)."""
    marketplace = item.parsed.marketplace
    records: list[Any] = []
    for record in item.parsed.records:
        if (marketplace, record.seller_id or "") not in forgotten:
            records.append(record)
        elif isinstance(record, RankedRecord):
            records.append(msgspec.structs.replace(record, seller_id=None, seller_name=None))
    return replace(item, parsed=replace(item.parsed, records=records))


def _stored_snapshots(conn: Connection, items: Sequence[PageRecords]) -> dict[tuple[int, datetime], set[int]]:
    """{(page id, observed at): seller pks} of the snapshots already stored from these pages."""
    if not items:
        return {}
    wanted = {(item.page.id, item.observed_at) for item in items}
    found: dict[tuple[int, datetime], set[int]] = {}
    for page_id, observed_at, seller_pk in select_in(
            conn, (SNAPSHOT.c.page_id, SNAPSHOT.c.observed_at, SNAPSHOT.c.seller_pk), SNAPSHOT.c.page_id,
            sorted({page_id for page_id, _ in wanted})):
        if (page_id, observed_at) in wanted:
            found.setdefault((page_id, observed_at), set()).add(seller_pk)
    return found


def _refresh_snapshots(session: Session, rows: list[dict[str, Any]]) -> None:
    """Let a newer parser fill in or correct every observation of these pages; known figures are never blanked."""
    for row in rows:
        changes: dict[str, Any] = {name: row[name] for name in SNAPSHOT_FIGURES if row[name] is not None}
        changes["parser_version"] = row["parser_version"]
        session.execute(update(SellerSnapshot).where(SellerSnapshot.page_id == row["page_id"],
                                                      SellerSnapshot.seller_pk == row["seller_pk"]).values(**changes))


def _unique_by(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())
