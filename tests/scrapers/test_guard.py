"""The nesting-depth guard every parse runs under: hostile nesting is refused, every real capture still parses."""

from __future__ import annotations

import gzip
import os
import time
from pathlib import Path

import pytest

from scrapers.errors import TooDeepError
from scrapers.guard import MAX_DEPTH, check_html_depth
from scrapers.registry import parse_page

PAGES = Path(os.environ.get("SCOUT_REAL_PAGES", "/work/shared/pages"))


def test_html_nested_deeper_than_the_limit_is_refused_at_once() -> None:
    hostile = "<html><body>" + "<div>" * 180_000 + "x" + "</div>" * 180_000 + "</body></html>"  # 2 MB
    started = time.monotonic()
    with pytest.raises(TooDeepError, match="html nested more than 2000 levels deep"):
        parse_page(hostile, marketplace="amazon", kind="seller")
    assert time.monotonic() - started < 2  # lexbor alone would spend minutes building that tree


def test_tags_that_never_nest_and_markup_inside_scripts_do_not_count() -> None:
    flat = "<ul>" + "<li><p><br><img src=x>" * 5000 + "</ul><script>" + "<div>" * 5000 + "</script>"
    check_html_depth(flat)
    with pytest.raises(TooDeepError):
        check_html_depth("<span>" * (MAX_DEPTH + 1))


@pytest.mark.skipif(not PAGES.is_dir(), reason="real captures not available (set SCOUT_REAL_PAGES)")
def test_every_real_capture_passes_the_guard() -> None:
    checked = 0
    for path in sorted(PAGES.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".json", ".gz", ".htm"):
            data = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
            check_html_depth(data.decode("utf-8", "replace"))
            checked += 1
    assert checked > 20
