"""Finding and erasing a business's names and ids in text and bytes, in every form a page or file may hold them.

A value is looked for raw, HTML-escaped (named or numeric entities), JSON-escaped and URL-encoded, in UTF-8 and
Latin-1. Values of four characters or more are erased wherever they stand as a whole word; shorter ones (a
three-letter shop name, a short seller id) only where they fill a markup or URL slot on their own (`seller=AB1`,
`"AB1"`, `>AB1<`), so that erasing "A1" never touches "A12" or an unrelated word.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from collections.abc import Iterable, Sequence
from functools import lru_cache
from html.entities import codepoint2name

from db.store import REDACTED

MIN_FREE = 4  # values this long or longer are erased wherever they stand as a whole word
_WORD_EDGE = rb"A-Za-z0-9"
_SLOT_OPEN = rb"[>\"'=/:]"
_SLOT_CLOSE = rb"[<\"'&/?#,;\s]"


def variants(value: str) -> set[str]:
    """The forms a value may take in a page: raw, HTML-escaped, JSON-escaped, URL-encoded."""
    escaped = html.escape(value, quote=False)
    named = "".join(f"&{codepoint2name[ord(c)]};" if ord(c) > 127 and ord(c) in codepoint2name else c
                    for c in escaped)
    numeric = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in escaped)
    return {value, html.escape(value), escaped, named, numeric, json.dumps(value)[1:-1],
            json.dumps(value, ensure_ascii=False)[1:-1], urllib.parse.quote(value), urllib.parse.quote_plus(value)}


@lru_cache(maxsize=64)
def _patterns(values: tuple[str, ...]) -> tuple[re.Pattern[bytes], ...]:
    long_forms: set[bytes] = set()
    short_forms: set[bytes] = set()
    for value in values:
        forms = long_forms if len(value.strip()) >= MIN_FREE else short_forms
        for variant in variants(value.strip()):
            for encoding in ("utf-8", "latin-1"):
                try:
                    forms.add(variant.encode(encoding))
                except UnicodeEncodeError:
                    continue
    patterns = []
    if long_forms:
        alternatives = b"|".join(re.escape(f) for f in sorted(long_forms, key=len, reverse=True))
        patterns.append(re.compile(rb"(?<![" + _WORD_EDGE + rb"])(?:" + alternatives + rb")(?![" + _WORD_EDGE
                                   + rb"])"))
    if short_forms:
        alternatives = b"|".join(re.escape(f) for f in sorted(short_forms, key=len, reverse=True))
        patterns.append(re.compile(rb"(?<=" + _SLOT_OPEN + rb")(?:" + alternatives + rb")(?=" + _SLOT_CLOSE
                                   + rb"|$)"))
    return tuple(patterns)


def _key(values: Iterable[str | None]) -> tuple[str, ...]:
    return tuple(sorted({v.strip() for v in values if v and v.strip() and REDACTED not in v}))


def redact_body(body: bytes, values: Sequence[str | None]) -> bytes:
    """`body` with every form of every value replaced by "[erased]"."""
    for pattern in _patterns(_key(values)):
        body = pattern.sub(REDACTED.encode(), body)
    return body


def redact_text(text: str, values: Sequence[str | None]) -> str:
    """`text` with every form of every value replaced by "[erased]"."""
    return redact_body(text.encode("utf-8"), values).decode("utf-8")


def mentions(body: bytes, values: Sequence[str | None]) -> bool:
    """Whether `body` holds any form of any value."""
    return any(pattern.search(body) for pattern in _patterns(_key(values)))


def like_terms(values: Sequence[str | None]) -> list[str]:
    """Substrings an SQL LIKE can look for to find rows that may mention a value (a superset of `mentions`)."""
    terms = {variant for value in _key(values) for variant in variants(value)}
    return sorted(terms)
