"""The page archive: one row per distinct body of a URL, whatever fetched it and when."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from db.archive import PageBody, archive_pages, compress, decompress
from db.engine import session_scope

DAY1 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
URL = "https://www.amazon.de/sp?seller=A1EXAMPLE"


def test_archiving_tells_new_pages_from_pages_already_archived(engine: Engine) -> None:
    with session_scope(engine) as session:
        first = archive_pages(session, [PageBody(URL, URL, b"v1", DAY1)])
    with session_scope(engine) as session:
        again = archive_pages(session, [PageBody(URL, URL, b"v1", DAY2), PageBody(URL, URL, b"v2", DAY2)])
    assert first[0].new and not again[0].new and again[1].new
    assert again[0].id == first[0].id and again[0].fetched_at == DAY1  # the archived page keeps its own time
    assert again[1].id != first[0].id


def test_an_archived_body_reads_back_byte_for_byte() -> None:
    body = "Verkäufer: Beispiel GmbH \x00\xff".encode("latin-1") * 1000
    assert decompress(compress(body)) == body and len(compress(body)) < len(body)
