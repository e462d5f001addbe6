"""Small helpers shared by the marketplace parsers."""

from __future__ import annotations

import json
import re
import sys
from typing import Any, Generic, TypeVar

import msgspec
from selectolax.lexbor import LexborNode

from scrapers.errors import TooDeepError

# msgspec reads JSON 1.2-1.5x as fast as the json module and gives the same values (integers beyond 64 bits
# included, which orjson would turn into floats). What it refuses (NaN, Infinity, lone surrogates, very deep
# nesting) goes to json.loads, so every text yields what json.loads gives.
_DECODER = msgspec.json.Decoder()
_NOT_VAT = re.compile(r"[^0-9A-Z]")
_VAT = re.compile(r"[A-Z]{2}[0-9A-Z]{2,13}")  # the EU VIES format: a country prefix and 2-13 characters


def clean_text(text: str | None) -> str | None:
    """Whitespace folded and trimmed; None for empty."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")  # as re.sub did for JSON numbers
    # What folding re's \s+ and strip() did (both read str.isspace), a few times faster: called per field.
    # Every whitespace character but the ASCII space is unprintable, so a printable text without doubled,
    # leading or trailing spaces is already folded, and checking that is three times as fast as folding it.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text or None
    return " ".join(text.split()) or None


def vat_number(text: str | None, default_country: str | None = None) -> str | None:
    """A VAT id as `CC` + its characters, upper case, without spaces or punctuation ("DE 281 934 705" ->
    "DE281934705"); a bare number takes `default_country` (Allegro's NIP is Poland's). None when it is not one."""
    if not text:
        return None
    compact = _NOT_VAT.sub("", text.upper())
    if compact[:1].isdigit() and default_country:
        compact = default_country + compact
    # every VAT id has digits: a word ("pending", "keine") is no id however it fits the pattern
    return compact if _VAT.fullmatch(compact) and any(c.isdigit() for c in compact[2:]) else None


def node_text(node: LexborNode | None) -> str | None:
    """The folded text of a node, or None when the node is missing or empty."""
    if node is None:
        return None
    return clean_text(node.text(deep=True, separator=" "))


def _json_body(text: str) -> str | None:
    """`text` without its leading BOM and blanks when it is a JSON array or object, else None."""
    stripped = text.lstrip("\ufeff \t\r\n")
    return stripped if stripped and stripped[0] in "[{" else None


def _decode_json(text: str) -> Any | None:
    stripped = _json_body(text)
    if stripped is None:
        return None
    try:
        return _DECODER.decode(stripped)
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(stripped)
    except ValueError:
        return None
    except RecursionError:  # hostile nesting: refused, never a crash
        raise TooDeepError("json", sys.getrecursionlimit()) from None


class _RecentJson:
    """`load_json`: a few recent texts' parsed JSON, found again by identity."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._recent: list[tuple[str, Any]] = []

    def __call__(self, text: str) -> Any | None:
        for seen, data in self._recent:
            if seen is text:
                return data
        data = _decode_json(text)
        self._recent = [(text, data), *self._recent[: self._size - 1]]
        return data

    def cache_clear(self) -> None:
        """Forget every parsed text (benchmarks time cold parses)."""
        self._recent = []


# Parsed JSON, or None when `text` is not JSON (so callers can fall back to HTML). Remembered because detection
# asks every marketplace in turn about the same text: callers must not mutate the result. Matched by identity,
# not by hash: hashing a fresh megabyte-long str costs up to a tenth of parsing it.
load_json = _RecentJson(4)


# --- JSON read straight into the fields a parser reads ------------------------------------------------------

Scalar = str | int | float | bool | None  # a JSON value that is neither an object nor an array
T = TypeVar("T")


def array_of(struct: type) -> Any:
    """A JSON array whose objects decode as `struct`; every other item stays what json.loads makes of it."""
    return list[struct | Scalar | list[Any]]  # type: ignore[valid-type]


def any_or_array_of(struct: type) -> Any:
    """Any JSON value, an array of it decoding its objects as `struct` (see `array_of`)."""
    return array_of(struct) | Scalar | dict[str, Any]


class JsonShape(Generic[T]):
    """JSON decoded straight into Structs that name only the fields a parser reads.

    A large API response is mostly fields no parser reads: decoding into Structs builds only the named ones and
    no dict per object, so a search response's parse costs about what json.loads of it does (benchmarks/parse.py).
    The shape must accept every JSON array and object: Struct fields typed Any, `array_of(...)` or
    `any_or_array_of(...)`, each with a default, so that it yields what json.loads gives, limited to those fields.
    """

    def __init__(self, shape: Any) -> None:
        self._shape = shape
        self._decoder: msgspec.json.Decoder[T] = msgspec.json.Decoder(shape)

    def load(self, text: str) -> T | None:
        """`text` decoded into the shape, or None when it is not a JSON array or object."""
        stripped = _json_body(text)
        if stripped is None:
            return None
        try:
            return self._decoder.decode(stripped)
        except (ValueError, RecursionError):
            pass
        try:  # what msgspec refuses and json.loads reads (NaN, 1e400, lone surrogates): the same values
            data = json.loads(stripped)
        except ValueError:
            return None
        except RecursionError:  # hostile nesting: refused, never a crash
            raise TooDeepError("json", sys.getrecursionlimit()) from None
        result: T = msgspec.convert(data, self._shape)
        return result
