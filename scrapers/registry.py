"""Which marketplace module reads a page, detected from the content itself when not told.

Each module in MARKETPLACES defines MARKETPLACE, `detect(text, url) -> kind | None`,
`kind_from_url(url) -> kind | None` and `parse(text, kind, url) -> ParsedPage`. `detect` also claims the
marketplace's own captcha and bot-wall pages, so that `parse` reports them as BlockedError rather than as
unrecognised content.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from scrapers.errors import ParseError
from scrapers.guard import check_html_depth
from scrapers.records import KINDS, ParsedPage

MARKETPLACES: tuple[str, ...] = ("amazon", "ebay", "walmart", "etsy", "allegro", "cdiscount", "mercadolibre")


def marketplace_module(name: str) -> ModuleType:
    """The parser module of marketplace `name` (each has MARKETPLACE, detect() and parse())."""
    if name not in MARKETPLACES:
        raise ParseError(name, "page", f"unknown marketplace (known: {', '.join(MARKETPLACES)})")
    return importlib.import_module(f"scrapers.{name}")


def parser_version(marketplace: str) -> str:
    """The version stamp stored with every figure a marketplace's parser produced (bump PARSER_VERSION on fixes)."""
    return f"{marketplace}/{getattr(marketplace_module(marketplace), 'PARSER_VERSION', 1)}"


def kind_of_url(marketplace: str, url: str) -> str | None:
    """The page kind a marketplace's URL addresses, from the URL alone (None when it does not say)."""
    kind: str | None = marketplace_module(marketplace).kind_from_url(url)
    return kind


def detect_page(text: str, url: str | None = None) -> tuple[str, str] | None:
    """(marketplace, kind) of a page or API response, or None when no parser recognises it."""
    for name in MARKETPLACES:
        kind = marketplace_module(name).detect(text, url)
        if kind is not None:
            return name, kind
    return None


def parse_page(
    text: str, marketplace: str | None = None, kind: str | None = None, url: str | None = None
) -> ParsedPage:
    """Parse one page or API response; raises ParseError (drift/unknown), BlockedError or TooDeepError."""
    check_html_depth(text)
    if kind is not None and kind not in KINDS:
        raise ParseError(marketplace or "?", kind, f"unknown page kind (known: {', '.join(KINDS)})")
    if marketplace is None or kind is None:
        if marketplace is not None:
            module = marketplace_module(marketplace)
            detected_kind = module.detect(text, url)
            if detected_kind is None:
                raise ParseError(marketplace, "page", "not a page type Scout recognises")
            kind = detected_kind
        else:
            detected = detect_page(text, url)
            if detected is None:
                raise ParseError("unknown", "page", "no marketplace parser recognises this content")
            marketplace, detected_kind = detected
            kind = kind or detected_kind
    result: ParsedPage = marketplace_module(marketplace).parse(text, kind, url)
    return result
