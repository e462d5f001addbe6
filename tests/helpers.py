"""Test helpers: the real captured pages (skipped cleanly when absent) and hand-made fixtures."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def real_pages_dir() -> Path | None:
    """`$SCOUT_REAL_PAGES`, else `../shared/pages` next to the repository; None when neither exists."""
    env = os.environ.get("SCOUT_REAL_PAGES")
    candidates = [Path(env)] if env else []
    candidates.append(REPO.parent / "shared" / "pages")
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None


def real_page(relative: str) -> str:
    """The text of a real captured page (`.gz` ones decompressed); skips the test when the captures are not on this
    machine."""
    folder = real_pages_dir()
    if folder is None or not (folder / relative).is_file():
        pytest.skip(f"real capture {relative} not available (set SCOUT_REAL_PAGES)")
    body = (folder / relative).read_bytes()
    return (gzip.decompress(body) if relative.endswith(".gz") else body).decode("utf-8", errors="replace")


def fixture_text(relative: str) -> str:
    """The text of a hand-made fixture under tests/fixtures/."""
    return (FIXTURES / relative).read_text(encoding="utf-8")
