"""What `scout dashboard` accepts: light enough for `--help`, checked before the database is opened."""

from __future__ import annotations

from scout.errors import InputError
from scrapers.registry import MARKETPLACES

DEFAULT_THRESHOLD = 60.0  # a lead is a business scoring at least this
MIN_WATCH_SECONDS = 1.0


def check_dashboard_options(marketplace: str | None, threshold: float, watch: float | None) -> None:
    """Raise InputError for an option that can never be right."""
    if marketplace is not None and marketplace not in MARKETPLACES:
        raise InputError(f"unknown marketplace {marketplace!r} (known: {', '.join(MARKETPLACES)})")
    if not 0 <= threshold <= 100:
        raise InputError(f"threshold must be between 0 and 100, got {threshold:g}")
    if watch is not None and not watch >= MIN_WATCH_SECONDS:
        raise InputError(f"--watch must be at least {MIN_WATCH_SECONDS:g} second, got {watch:g}")
