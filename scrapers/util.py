"""Small helpers shared by the marketplace parsers."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from selectolax.lexbor import LexborNode

_WS = re.compile(r"\s+")


def clean_text(text: str | None) -> str | None:
    """Whitespace folded and trimmed; None for empty."""
    if text is None:
        return None
    folded = _WS.sub(" ", text).strip()
    return folded or None


def node_text(node: LexborNode | None) -> str | None:
    """The folded text of a node, or None when the node is missing or empty."""
    if node is None:
        return None
    return clean_text(node.text(deep=True, separator=" "))


@lru_cache(maxsize=4)
def load_json(text: str) -> Any | None:
    """Parsed JSON, or None when `text` is not JSON (so callers can fall back to HTML).

    Cached because detection asks every marketplace in turn about the same text: callers must not mutate
    the result.
    """
    stripped = text.lstrip("\ufeff \t\r\n")
    if not stripped or stripped[0] not in "[{":
        return None
    try:
        return json.loads(stripped)
    except ValueError:
        return None
