"""Small helpers shared by the marketplace parsers."""

from __future__ import annotations

import json
from typing import Any

import msgspec
from selectolax.lexbor import LexborNode

# msgspec reads JSON 1.2-1.5x as fast as the json module and gives the same values (integers beyond 64 bits
# included, which orjson would turn into floats). What it refuses (NaN, Infinity, lone surrogates, very deep
# nesting) goes to json.loads, so every text yields what json.loads gives.
_DECODER = msgspec.json.Decoder()


def clean_text(text: str | None) -> str | None:
    """Whitespace folded and trimmed; None for empty."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")  # as re.sub did for JSON numbers
    # What folding re's \s+ and strip() did (both read str.isspace), a few times faster: called per field.
    return " ".join(text.split()) or None


def node_text(node: LexborNode | None) -> str | None:
    """The folded text of a node, or None when the node is missing or empty."""
    if node is None:
        return None
    return clean_text(node.text(deep=True, separator=" "))


def _decode_json(text: str) -> Any | None:
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return _DECODER.decode(stripped)
    except (ValueError, RecursionError):
        pass
    try:
        return json.loads(stripped)
    except ValueError:
        return None


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
