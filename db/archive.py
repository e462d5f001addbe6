"""The page archive: every fetched or ingested body, compressed, once per distinct content, and how parsing it went.

A page is archived once per (URL, content hash): archiving the same content again returns the same row, so a
crawl or ingest that meets an unchanged page stores no second copy (its observations still get a snapshot each).
"""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, update
from sqlmodel import Session

from db.bulk import dialect_insert, execute_many, max_id, select_in, sqlite_in
from db.models import Page

PAGE = Page.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PageBody:
    """A fetched (or saved) body to archive."""

    url: str
    fingerprint: str
    body: bytes
    fetched_at: datetime
    status: int = 200
    content_type: str | None = None
    crawl_id: int | None = None


@dataclass(frozen=True)
class ArchivedPage:
    """An archived page's row without its body: what storing its records needs."""

    id: int
    url: str
    fetched_at: datetime
    crawl_id: int | None = None
    new: bool = False  # archived just now, so nothing can have been stored from it yet


@dataclass(frozen=True)
class ParseVerdict:
    """How parsing an archived page went (noted on the page row)."""

    page_id: int
    status: str
    marketplace: str | None = None
    kind: str | None = None
    error: str | None = None
    parser_version: str | None = None


def _insert_pages(dialect: str) -> Any:
    return dialect_insert(dialect, PAGE).on_conflict_do_nothing(index_elements=["url", "content_hash"])


def _update_verdicts(dialect: str) -> Any:
    # bind names differ from the column names: SQLAlchemy reserves those for its own SET parameters
    return update(PAGE).where(PAGE.c.id == bindparam("v_page")).values(
        marketplace=bindparam("v_marketplace"), kind=bindparam("v_kind"), parse_status=bindparam("v_status"),
        parse_error=bindparam("v_error"), parser_version=bindparam("v_version"))



def compress(body: bytes) -> bytes:
    """Compress an archived body."""
    return zlib.compress(body, 6)


def decompress(body: bytes) -> bytes:
    """The original bytes of an archived body."""
    return zlib.decompress(body)


def content_hash(body: bytes) -> str:
    """The sha256 hex digest that identifies a body."""
    return hashlib.sha256(body).hexdigest()


def archive_pages(session: Session, bodies: Sequence[PageBody]) -> list[ArchivedPage]:
    """The archived page of each (url, body), created once: archiving the same content again returns its row.

    The compressed bodies just written are not read back: callers need the rows, not the blobs.
    """
    if not bodies:
        return []
    session.flush()
    conn = session.connection()
    digests = [content_hash(b.body) for b in bodies]
    before = max_id(conn, PAGE)
    execute_many(conn, _insert_pages, [
        dict(url=b.url, fingerprint=b.fingerprint, status=b.status, fetched_at=b.fetched_at, content_hash=digest,
             content_type=b.content_type, body=compress(b.body), crawl_id=b.crawl_id)
        for b, digest in zip(bodies, digests, strict=True)])
    urls = sorted({b.url for b in bodies})
    if conn.dialect.name == "sqlite":  # under SQLite's write lock, ids above `before` are the rows just written
        ids = {(url, digest): pk for pk, url, digest in sqlite_in(
            conn, "SELECT id, url, content_hash FROM page WHERE url IN ({})", urls)}
        written: dict[int, tuple[datetime, int | None]] = {}
        for b, digest in zip(bodies, digests, strict=True):
            if (pk := ids[b.url, digest]) > before:  # the first body of a page was the one inserted
                written.setdefault(pk, (b.fetched_at, b.crawl_id))
        older = sorted(set(ids.values()) - set(written))
        stored = {**written, **{pk: (fetched_at, crawl_id) for pk, fetched_at, crawl_id in select_in(
            conn, (PAGE.c.id, PAGE.c.fetched_at, PAGE.c.crawl_id), PAGE.c.id, older)}}
        by_key = {key: (pk, *stored[pk]) for key, pk in ids.items()}
    else:
        by_key = {(url, digest): (pk, fetched_at, crawl_id) for pk, url, digest, fetched_at, crawl_id in select_in(
            conn, (PAGE.c.id, PAGE.c.url, PAGE.c.content_hash, PAGE.c.fetched_at, PAGE.c.crawl_id), PAGE.c.url, urls)}
    archived = []
    for b, digest in zip(bodies, digests, strict=True):
        pk, fetched_at, crawl_id = by_key[b.url, digest]
        # new: written by this transaction (on PostgreSQL a concurrent writer's page may be taken for new;
        # that only skips the look-up of snapshots already stored, which ON CONFLICT DO NOTHING makes safe)
        archived.append(ArchivedPage(pk, b.url, fetched_at, crawl_id, new=pk > before))
    return archived


def archive_page(
    session: Session, *, url: str, fingerprint: str, body: bytes, fetched_at: datetime, status: int = 200,
    content_type: str | None = None, crawl_id: int | None = None,
) -> ArchivedPage:
    """The archived page for (url, body), created once: archiving the same content again returns the same row."""
    return archive_pages(session, [PageBody(url, fingerprint, body, fetched_at, status, content_type, crawl_id)])[0]


def record_parses(session: Session, verdicts: Sequence[ParseVerdict]) -> None:
    """Note on each archived page how parsing it went."""
    execute_many(session.connection(), _update_verdicts, [
        dict(v_page=v.page_id, v_marketplace=v.marketplace, v_kind=v.kind, v_status=v.status, v_error=v.error,
             v_version=v.parser_version) for v in verdicts])
