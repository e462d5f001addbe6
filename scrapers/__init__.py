"""Pure parsers, one module per marketplace: text in, typed records out. No network, no database, nothing from
`scout/`. The public face (records, MARKETPLACES, detect_page, parse_page) is imported on first use, so
importing `scrapers.errors` or one marketplace's module does not load the others."""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {"Offer": "records", "ParsedPage": "records", "RankingEntry": "records", "SellerProfile": "records",
            "MARKETPLACES": "registry", "detect_page": "registry", "parse_page": "registry"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'scrapers' has no attribute {name!r}")
    return getattr(importlib.import_module(f"scrapers.{_EXPORTS[name]}"), name)
