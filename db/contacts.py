"""Storing the public contact fields pages show (seller_contact), one row per (storefront, page, field).

A page's contact row carries its provenance (the page, its URL, the label the page printed, the snapshot of
that observation). Fetching the same content again, or re-parsing it, updates the page's row rather than adding
one: its value and label are what the parser now reads, its time and snapshot those of the latest observation.
A field a page lacks writes no row, so it never hides a value an earlier page showed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import case, func
from sqlalchemy.engine import Connection

from db.bulk import dialect_insert, execute_many, select_in
from db.contact_models import SellerContact
from db.models import SellerSnapshot
from scrapers.records import CONTACT_ATTRIBUTES, SellerProfile

CONTACT = SellerContact.__table__  # type: ignore[attr-defined]
SNAPSHOT = SellerSnapshot.__table__  # type: ignore[attr-defined]

PageContacts = dict[str, tuple[str, str | None]]  # contact field -> (value, label as printed)


def profile_contacts(record: SellerProfile, into: PageContacts) -> None:
    """Add the record's contact fields to a page's (the first value a page shows for a field wins)."""
    labels = dict(record.contact_labels)
    for attribute, name in CONTACT_ATTRIBUTES.items():
        value = getattr(record, attribute)
        if isinstance(value, str) and value.strip() and name not in into:
            into[name] = (value.strip(), labels.get(attribute))


def _upsert_contacts(dialect: str) -> Any:
    stmt = dialect_insert(dialect, CONTACT)
    table, new = stmt.table.c, stmt.excluded
    later = func.max if dialect == "sqlite" else func.greatest
    newer = new.observed_at >= table.observed_at
    return stmt.on_conflict_do_update(index_elements=["seller_pk", "page_id", "field"], set_={
        "value": new.value, "label": new.label, "source_url": new.source_url,
        "observed_at": later(new.observed_at, table.observed_at),
        "snapshot_id": func.coalesce(case((newer, new.snapshot_id), else_=None), table.snapshot_id)})


def store_contacts(conn: Connection, rows: Sequence[dict[str, Any]]) -> int:
    """Write contact rows (seller_pk, page_id, field, value, label, source_url, observed_at), each linked to the
    snapshot of its storefront on that page at that time, where the page gave one; rows written."""
    if not rows:
        return 0
    wanted = {(row["seller_pk"], row["page_id"], row["observed_at"]) for row in rows}
    snapshots: dict[tuple[int, int, datetime], int] = {}
    for snapshot_id, seller_pk, page_id, observed_at in select_in(
            conn, (SNAPSHOT.c.id, SNAPSHOT.c.seller_pk, SNAPSHOT.c.page_id, SNAPSHOT.c.observed_at),
            SNAPSHOT.c.page_id, sorted({page_id for _, page_id, _ in wanted})):
        if (seller_pk, page_id, observed_at) in wanted:
            snapshots[seller_pk, page_id, observed_at] = snapshot_id
    unique: dict[tuple[int, int, str], dict[str, Any]] = {}  # one row per key: one statement may not touch a row twice
    for row in rows:
        key = (row["seller_pk"], row["page_id"], row["field"])
        if key not in unique or row["observed_at"] >= unique[key]["observed_at"]:
            unique[key] = row
    return execute_many(conn, _upsert_contacts, [
        dict(row, snapshot_id=snapshots.get((row["seller_pk"], row["page_id"], row["observed_at"])))
        for row in unique.values()])
