"""Idempotent writes: archived pages, sellers, snapshots, rankings and offers.

Every write is an INSERT … ON CONFLICT on a natural key, so storing the same page twice changes nothing,
and a figure missing from a page never overwrites one already known (COALESCE on update).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import defer
from sqlmodel import Session, col

from db.models import OfferRecord, Page, RankingEntry, Seller, SellerSnapshot
from scrapers.records import Offer, ParsedPage, SellerProfile
from scrapers.records import RankingEntry as RankedRecord

SNAPSHOT_FIGURES = ("positive_pct", "rating_count", "rating_window_days", "lifetime_rating_count", "stars",
                    "sales_count", "listing_count", "followers")
SELLER_FIELDS = ("name", "site", "url", "country", "business_name", "business_address")


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


def dialect_insert(session: Session, model: Any) -> Any:
    dialect = session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(model.__table__)


def _build_statement(dialect: str, name: str) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    if name == "upsert_sellers":
        stmt = module.insert(Seller.__table__)  # type: ignore[attr-defined]
        updates: dict[str, Any] = {field: func.coalesce(getattr(stmt.excluded, field), stmt.table.c[field])
                                   for field in SELLER_FIELDS}
        later, earlier = (func.max, func.min) if dialect == "sqlite" else (func.greatest, func.least)
        updates["last_seen"] = later(stmt.excluded.last_seen, stmt.table.c.last_seen)
        updates["first_seen"] = earlier(stmt.excluded.first_seen, stmt.table.c.first_seen)
        return stmt.on_conflict_do_update(index_elements=["marketplace", "seller_id"], set_=updates)
    model, key = {"snapshots": (SellerSnapshot, ["seller_pk", "page_id", "observed_at"]),
                  "offers": (OfferRecord, ["page_id", "seller_pk", "product_id", "observed_at"]),
                  "rankings": (RankingEntry, ["page_id", "rank", "observed_at"])}[name]
    return module.insert(model.__table__).on_conflict_do_nothing(index_elements=key)  # type: ignore[attr-defined]


_STATEMENTS: dict[tuple[str, str], Any] = {}
_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[str, ...], tuple[tuple[int, Any], ...]]] = {}


def _insert_many(conn: Connection, name: str, rows: Sequence[dict[str, Any]]) -> None:
    """Run the INSERT … ON CONFLICT statement `name` for many rows (all with the same keys).

    Statements are built once per dialect. On SQLite each is compiled once per key set, and the rows go to the
    driver's executemany with the columns' bind processors (datetimes) applied here, memoised: SQLAlchemy's own
    per-row parameter handling, and the ORM bulk layer before it, cost several times what SQLite spends writing
    the rows (benchmarks/leads.py).
    """
    if not rows:
        return
    dialect = conn.dialect.name
    stmt = _STATEMENTS.get((dialect, name))
    if stmt is None:
        stmt = _STATEMENTS[dialect, name] = _build_statement(dialect, name)
    if dialect != "sqlite":
        conn.execute(stmt, list(rows))
        return
    cache_key = (name, tuple(rows[0]), id(conn.dialect))
    if cache_key not in _COMPILED:
        compiled = stmt.compile(dialect=conn.dialect, column_keys=list(rows[0]))
        order = tuple(compiled.positiontup or ())
        found = [(i, stmt.table.c[key].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))
                 for i, key in enumerate(order)]
        _COMPILED[cache_key] = (str(compiled), order, tuple((i, proc) for i, proc in found if proc))
    sql, order, processors = _COMPILED[cache_key]
    columns = [[row[key] for row in rows] for key in order]
    for i, proc in processors:
        memo: dict[Any, Any] = {None: None}
        columns[i] = [memo[v] if v in memo else memo.setdefault(v, proc(v)) for v in columns[i]]
    params = list(zip(*columns, strict=True))
    conn.exec_driver_sql(sql, params)


def compress(body: bytes) -> bytes:
    """Compress an archived body."""
    return zlib.compress(body, 6)


def decompress(body: bytes) -> bytes:
    """The original bytes of an archived body."""
    return zlib.decompress(body)


def content_hash(body: bytes) -> str:
    """The sha256 hex digest that identifies a body."""
    return hashlib.sha256(body).hexdigest()


def archive_page(
    session: Session, *, url: str, fingerprint: str, body: bytes, fetched_at: datetime, status: int = 200,
    content_type: str | None = None, crawl_id: int | None = None,
) -> Page:
    """The archived page for (url, body), created once: archiving the same content again returns the same row."""
    digest = content_hash(body)
    values = dict(url=url, fingerprint=fingerprint, status=status, fetched_at=fetched_at, content_hash=digest,
                  content_type=content_type, body=compress(body), crawl_id=crawl_id)
    stmt = dialect_insert(session, Page).values(**values).on_conflict_do_nothing(index_elements=["url", "content_hash"])
    session.connection().execute(stmt)
    # the compressed body just written is not read back: callers need the row, not the blob
    return session.execute(select(Page).options(defer(Page.body)).where(  # type: ignore[arg-type]
        col(Page.url) == url, col(Page.content_hash) == digest)).scalar_one()


def record_parse(session: Session, page: Page, *, marketplace: str | None, kind: str | None, status: str,
                 error: str | None, parser_version: str | None) -> None:
    """Note on the archived page how parsing it went."""
    page.marketplace, page.kind, page.parse_status = marketplace, kind, status
    page.parse_error, page.parser_version = error, parser_version
    session.add(page)


_FIGURES_OF = {kind: tuple(name for name in SNAPSHOT_FIGURES if name in {f.name for f in fields(kind)})
               for kind in (Offer, SellerProfile)}


def _seller_key(marketplace: str, record: Offer | SellerProfile) -> str | None:
    if record.seller_id:
        return record.seller_id
    if isinstance(record, Offer) and record.is_platform:
        return f"{marketplace}:platform"
    return None


def upsert_sellers(
    session: Session, marketplace: str, rows: Sequence[dict[str, Any]]
) -> tuple[dict[str, int], set[str]]:
    """Insert or refresh sellers; ({seller_id: pk}, ids that were new). Known values are never blanked."""
    if not rows:
        return {}, set()
    ids = [row["seller_id"] for row in rows]
    conn = session.connection()
    existing = set(_seller_pks(conn, marketplace, ids))
    _insert_many(conn, "upsert_sellers", [dict(row, marketplace=marketplace) for row in rows])
    return _seller_pks(conn, marketplace, ids), set(ids) - existing


def _seller_pks(conn: Connection, marketplace: str, ids: Sequence[str]) -> dict[str, int]:
    """{seller_id: pk} of the given sellers that exist (plain SQL on SQLite: an expanding IN costs more to build)."""
    if conn.dialect.name != "sqlite":
        table = Seller.__table__  # type: ignore[attr-defined]
        return dict(conn.execute(select(table.c.seller_id, table.c.id).where(
            table.c.marketplace == marketplace, table.c.seller_id.in_(ids))).all())
    found: dict[str, int] = {}
    for start in range(0, len(ids), 900):
        chunk = ids[start:start + 900]
        found.update(conn.exec_driver_sql(
            f"SELECT seller_id, id FROM seller WHERE marketplace = ? AND seller_id IN ({', '.join('?' * len(chunk))})",
            (marketplace, *chunk)).all())
    return found


def _merge_seller_row(rows: dict[str, dict[str, Any]], key: str, values: dict[str, Any]) -> None:
    row = rows.setdefault(key, {"seller_id": key})
    for name, value in values.items():
        if value is not None and row.get(name) is None:
            row[name] = value


def store_parsed_page(
    session: Session, page: Page, parsed: ParsedPage, *, observed_at: datetime, parser_version: str,
    crawl_id: int | None = None, list_name: str | None = None, refresh: bool = False,
) -> StoreCounts:
    """Store what one parsed page showed, with provenance back to `page`. Idempotent per page.

    `refresh` (for re-parsing archived pages) lets a newer parser fill in or correct a page's snapshot figures;
    a figure the newer parser cannot read still never blanks one already stored.
    """
    counts = StoreCounts()
    session.flush()  # the inserts below go straight to the connection
    conn = session.connection()
    mp = parsed.marketplace
    seller_rows: dict[str, dict[str, Any]] = {}
    snapshots: dict[str, dict[str, Any]] = {}
    offers: list[tuple[str, Offer]] = []
    rankings: list[RankedRecord] = []
    for record in parsed.records:
        if isinstance(record, RankedRecord):
            rankings.append(record)
            if record.seller_id:
                _merge_seller_row(seller_rows, record.seller_id, {"name": record.seller_name, "site": parsed.site})
            continue
        key = _seller_key(mp, record)
        if key is None:
            continue
        base = {"name": record.name, "site": parsed.site, "country": record.country,
                "first_seen": observed_at, "last_seen": observed_at}
        if isinstance(record, SellerProfile):
            base.update(url=record.url, business_name=record.business_name, business_address=record.business_address)
        _merge_seller_row(seller_rows, key, base)
        if isinstance(record, Offer):
            seller_rows[key]["is_platform"] = record.is_platform
            offers.append((key, record))
        figures = [(name, value) for name in _FIGURES_OF[type(record)]
                   if (value := getattr(record, name)) is not None]
        if figures:
            snap = snapshots.get(key)
            if snap is None:
                snap = snapshots[key] = dict.fromkeys(SNAPSHOT_FIGURES)
            for name, value in figures:
                if snap[name] is None:
                    snap[name] = value
            if getattr(record, "sales_count_exact", False):
                snap["sales_count_exact"] = True
    for row in seller_rows.values():
        row.setdefault("first_seen", observed_at)
        row.setdefault("last_seen", observed_at)
        row.setdefault("is_platform", False)
        for name in SELLER_FIELDS:
            row.setdefault(name, None)
    pks, new_ids = upsert_sellers(session, mp, list(seller_rows.values()))
    counts.sellers_new = len(new_ids)
    if snapshots:
        rows = [dict(values, seller_pk=pks[key], page_id=page.id, crawl_id=crawl_id, source_url=page.url,
                     observed_at=observed_at, parser_version=parser_version,
                     sales_count_exact=values.get("sales_count_exact", False))
                for key, values in snapshots.items()]
        table = SellerSnapshot.__table__  # type: ignore[attr-defined]
        known = set(conn.execute(select(table.c.seller_pk).where(
            table.c.page_id == page.id, table.c.observed_at == observed_at)).scalars())
        _insert_many(conn, "snapshots", rows)
        inserted = {row["seller_pk"] for row in rows} - known
        if refresh:
            _refresh_snapshots(session, page, rows)
        counts.snapshots = len(inserted)
        new_pks = {pks[key] for key in new_ids}
        counts.sellers_updated = len(inserted - new_pks)
    if offers:
        offer_rows = {(pks[key], o.product_id or ""): dict(
            page_id=page.id, crawl_id=crawl_id, seller_pk=pks[key], product_id=o.product_id or "", title=o.title,
            price=float(o.price) if o.price is not None else None, currency=o.currency, observed_at=observed_at)
            for key, o in offers}
        _insert_many(conn, "offers", list(offer_rows.values()))
        counts.offers = len(offer_rows)
    if rankings:
        rows = [dict(page_id=page.id, crawl_id=crawl_id, marketplace=mp, site=parsed.site, list_name=list_name,
                     rank=r.rank, product_id=r.product_id, title=r.title, stars=r.stars, rating_count=r.rating_count,
                     price=float(r.price) if r.price is not None else None, currency=r.currency,
                     seller_pk=pks.get(r.seller_id) if r.seller_id else None, observed_at=observed_at)
                for r in rankings]
        _insert_many(conn, "rankings", _unique_by(rows, "rank"))
        counts.rankings = len(rows)
    return counts


def _refresh_snapshots(session: Session, page: Page, rows: list[dict[str, Any]]) -> None:
    """Let a newer parser fill in or correct every observation of this page; known figures are never blanked."""
    for row in rows:
        changes: dict[str, Any] = {name: row[name] for name in SNAPSHOT_FIGURES if row[name] is not None}
        changes["parser_version"] = row["parser_version"]
        session.execute(update(SellerSnapshot).where(SellerSnapshot.page_id == page.id,  # type: ignore[arg-type]
                                                      SellerSnapshot.seller_pk == row["seller_pk"]).values(**changes))


def _unique_by(rows: Iterable[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen.setdefault(row[key], row)
    return list(seen.values())
