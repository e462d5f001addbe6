"""One decoding for crawled, ingested and re-parsed bodies."""

from __future__ import annotations

import pytest

from scout.pages.charset import decode_body

LATIN1_PAGE = '<html><head><meta charset="iso-8859-1"></head><body>Müller Küchen</body></html>'.encode("latin-1")


@pytest.mark.parametrize(("body", "content_type", "expected"), [
    ("Crème".encode(), "text/html; charset=utf-8", "Crème"),
    ("Crème".encode("latin-1"), 'text/html; charset="ISO-8859-1"', "Crème"),
    (LATIN1_PAGE, None, "Müller Küchen"),  # a saved page whose only charset is its <meta>
    (b"\xef\xbb\xbf{}", "application/json", "{}"),  # a BOM is dropped
    (b"ok", "text/html; charset=no-such-codec", "ok"),
])
def test_decode_body(body: bytes, content_type: str | None, expected: str) -> None:
    assert expected in decode_body(body, content_type)
