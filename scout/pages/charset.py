"""Decoding fetched or saved bodies to text, the same way for crawling, ingesting and re-parsing."""

from __future__ import annotations

import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)


def decode_body(body: bytes, content_type: str | None = None) -> str:
    """Decode a body by the charset in its Content-Type, else a <meta> charset in its first 4 KB, else UTF-8."""
    charset = None
    match = _HEADER_CHARSET.search(content_type or "")
    if match:
        charset = match.group(1)
    elif (meta := _META_CHARSET.search(body[:4096])) is not None:
        charset = meta.group(1).decode("ascii")
    if body.startswith(b"\xef\xbb\xbf"):
        charset = "utf-8-sig"
    try:
        return body.decode(charset or "utf-8", errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")
