"""Erasing one business from a database, driven by scout.privacy.registry: its own rows deleted, every mention of
its names and ids redacted, archived page bodies included.

Works on the tables as they are in the database (reflected), so the same code erases the business from a backup
that `scout db upgrade` left at an older schema.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, delete, or_, select, update
from sqlalchemy.engine import Connection

from db.archive import compress, content_hash, decompress
from scout.identity.keys import business_key
from scout.privacy.redact import like_terms, mentions, redact_body, redact_text
from scout.privacy.registry import FREE_TEXT, IDENTIFYING, IDENTIFYING_CONTACT_FIELDS, OWNED

IN_CHUNK = 500
PAGE_BATCH = 200
REFERENCING_PAGES = ("sellersnapshot", "offer", "ranking_entry", "seller_contact")  # rows keeping a page's figures


@dataclass
class Erasure:
    """What erasing one business from one database did."""

    rows_deleted: dict[str, int] = field(default_factory=dict)  # table -> rows
    rows_unlinked: dict[str, int] = field(default_factory=dict)
    rows_redacted: dict[str, int] = field(default_factory=dict)  # "table.column" -> rows
    pages_deleted: int = 0
    pages_redacted: int = 0

    def count(self, where: dict[str, int], key: str, n: int) -> None:
        if n:
            where[key] = where.get(key, 0) + n


@dataclass(frozen=True)
class Subject:
    """The business to erase as a database knows it: its storefronts and business, and the values naming it."""

    seller_pks: tuple[int, ...]
    business_ids: tuple[int, ...]
    values: tuple[str, ...]  # every identifying value, for redaction everywhere else

    @property
    def keys(self) -> dict[str, list[Any]]:
        """The values each kind of owner column holds for this business."""
        return {"seller_pk": list(self.seller_pks), "business_id": list(self.business_ids),
                "business_key": [business_key(b, 0) for b in self.business_ids]
                + [business_key(None, pk) for pk in self.seller_pks]}


def reflect(conn: Connection) -> dict[str, Table]:
    """The database's own tables, as they are."""
    metadata = MetaData()
    metadata.reflect(conn)
    return dict(metadata.tables)


def find_subject(conn: Connection, tables: dict[str, Table], storefronts: Sequence[tuple[str, str]],
                 business_ids: Sequence[int], extra_values: Sequence[str]) -> Subject:
    """The business in this database: its storefronts by (marketplace, seller id), their business, and the
    identifying values of all their rows (IDENTIFYING in the registry, and every identifying contact value their
    pages showed) plus `extra_values`."""
    seller, business = tables["seller"], tables.get("business")
    pks: set[int] = set()
    owners = set(business_ids)
    for marketplace, seller_id in storefronts:
        for pk, owner in conn.execute(select(seller.c.id, seller.c.business_id).where(
                seller.c.marketplace == marketplace, seller.c.seller_id == seller_id)):
            pks.add(pk)
            if owner is not None:
                owners.add(owner)
    if owners:
        pks |= set(conn.execute(select(seller.c.id).where(seller.c.business_id.in_(sorted(owners)))).scalars())
    values = set(extra_values)
    for table, ids in ((seller, pks), (business, owners)):
        if table is None or not ids:
            continue
        columns = [table.c[name] for name in IDENTIFYING.get(table.name, ()) if name in table.c]
        for row in conn.execute(select(*columns).where(table.c.id.in_(sorted(ids)))):
            values |= {str(value) for value in row if value}
    contacts = tables.get("seller_contact")
    if contacts is not None and pks:
        values |= {str(value) for value in conn.execute(select(contacts.c.value).where(
            contacts.c.seller_pk.in_(sorted(pks)), contacts.c.field.in_(IDENTIFYING_CONTACT_FIELDS))).scalars()
            if value}
    return Subject(tuple(sorted(pks)), tuple(sorted(owners)), tuple(sorted(values)))


def erase_subject(conn: Connection, tables: dict[str, Table], subject: Subject) -> Erasure:
    """Delete the business's own rows, redact every mention of it, and clean the page archive."""
    done = Erasure()
    linked = _linked_pages(conn, tables, subject)
    for place in OWNED:
        table = tables.get(place.table)
        wanted = subject.keys[place.key]
        if table is None or place.column not in table.c or not wanted:
            continue
        for start in range(0, len(wanted), IN_CHUNK):
            where = table.c[place.column].in_(wanted[start:start + IN_CHUNK])
            if place.unlink:
                done.count(done.rows_unlinked, place.table, _touched(conn, update(table).where(where).values(
                    {place.column: None})))
            else:
                done.count(done.rows_deleted, place.table, _touched(conn, delete(table).where(where)))
    if "frontier" in tables:  # URLs of its pages waiting to be fetched: never fetched again
        done.count(done.rows_deleted, "frontier", _delete_mentions(conn, tables["frontier"], "url", subject.values))
    _clean_pages(conn, tables, subject, linked, done)
    for name, columns in FREE_TEXT.items():
        text_table = tables.get(name)
        if text_table is None:
            continue
        for column in columns:
            if column in text_table.c:
                done.count(done.rows_redacted, f"{name}.{column}",
                           _redact_column(conn, text_table, column, subject.values))
    return done


def _linked_pages(conn: Connection, tables: dict[str, Table], subject: Subject) -> set[int]:
    pages: set[int] = set()
    for name in REFERENCING_PAGES:
        table = tables.get(name)
        if table is not None and subject.seller_pks and {"page_id", "seller_pk"} <= set(table.c.keys()):
            pages |= set(conn.execute(select(table.c.page_id).where(
                table.c.seller_pk.in_(list(subject.seller_pks)))).scalars())
    return pages


def _clean_pages(conn: Connection, tables: dict[str, Table], subject: Subject, linked: set[int],
                 done: Erasure) -> None:
    """Pages only about the business are deleted; every other page that names it is redacted."""
    page, frontier = tables.get("page"), tables.get("frontier")
    if page is None:
        return
    still_used = set()
    for name in REFERENCING_PAGES:
        table = tables.get(name)
        if table is not None and linked:
            still_used |= set(conn.execute(select(table.c.page_id).where(table.c.page_id.in_(sorted(linked))))
                              .scalars())
    only_about = sorted(linked - still_used)
    for start in range(0, len(only_about), IN_CHUNK):
        chunk = only_about[start:start + IN_CHUNK]
        if frontier is not None and "page_id" in frontier.c:
            conn.execute(delete(frontier).where(frontier.c.page_id.in_(chunk)))
        done.pages_deleted += _touched(conn, delete(page).where(page.c.id.in_(chunk)))
    last = 0
    while True:  # every archived page, linked or not: best-seller lists, blocked and drifted pages too
        rows = conn.execute(select(page.c.id, page.c.body).where(page.c.id > last).order_by(page.c.id)
                            .limit(PAGE_BATCH)).all()
        if not rows:
            return
        last = rows[-1][0]
        for page_id, stored in rows:
            raw = decompress(stored)
            if not mentions(raw, subject.values):
                continue
            redacted = redact_body(raw, subject.values)
            values: dict[str, Any] = {"body": compress(redacted)}
            if "content_hash" in page.c:  # unique with the URL: the redacted body is a content of its own
                values["content_hash"] = f"{content_hash(redacted)}-erased-{page_id}"
            conn.execute(update(page).where(page.c.id == page_id).values(values))
            done.pages_redacted += 1


def _candidates(conn: Connection, table: Table, column: str, values: Sequence[str]) -> list[Any]:
    terms = like_terms(values)
    rows: list[Any] = []
    for start in range(0, len(terms), 50):
        condition = or_(*(table.c[column].contains(term, autoescape=True) for term in terms[start:start + 50]))
        rows += conn.execute(select(table.c.id, table.c[column]).where(condition)).all()
    return list(dict.fromkeys(rows))


def _redact_column(conn: Connection, table: Table, column: str, values: Sequence[str]) -> int:
    changed = 0
    for row_id, text in _candidates(conn, table, column, values):
        redacted = redact_text(str(text), values)
        if redacted != text:
            conn.execute(update(table).where(table.c.id == row_id).values({column: redacted}))
            changed += 1
    return changed


def _delete_mentions(conn: Connection, table: Table, column: str, values: Sequence[str]) -> int:
    ids = [row_id for row_id, text in _candidates(conn, table, column, values)
           if mentions(str(text).encode("utf-8"), values)]
    return sum(_touched(conn, delete(table).where(table.c.id.in_(ids[start:start + IN_CHUNK])))
               for start in range(0, len(ids), IN_CHUNK))


def _touched(conn: Connection, statement: Any) -> int:
    return int(conn.execute(statement).rowcount or 0)
