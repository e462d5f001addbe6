"""ms per page for Scout's parsers on the real captures, next to a bare lexbor parse (the floor) and BeautifulSoup.

Run: python benchmarks/parse.py [--repeat N]   (needs ../shared/pages or $SCOUT_REAL_PAGES; bs4 + lxml optional)
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scrapers.registry import detect_page, parse_page  # noqa: E402
from scrapers.util import load_json  # noqa: E402


def _cold(fn):  # type: ignore[no-untyped-def]
    """Time a parse from scratch: the JSON decode cache is emptied first."""
    def run() -> None:
        load_json.cache_clear()
        fn()
    return run


def _pages() -> Path:
    env = os.environ.get("SCOUT_REAL_PAGES")
    folder = Path(env) if env else ROOT.parent / "shared" / "pages"
    if not folder.is_dir():
        sys.exit(f"no captures at {folder}: set SCOUT_REAL_PAGES")
    return folder


def _best_ms(fn, repeat: int) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _measure(text: str, suffix: str, repeat: int, soup) -> tuple[float, float, float, str, float] | None:  # type: ignore[no-untyped-def]
    detected = detect_page(text)
    if detected is None:
        return None
    marketplace, kind = detected
    scout_ms = _best_ms(_cold(lambda: parse_page(text, marketplace, kind)), repeat)
    auto_ms = _best_ms(_cold(lambda: parse_page(text)), repeat)
    if suffix == ".html":
        floor_ms, floor_name = _best_ms(lambda: LexborHTMLParser(text).css("a"), repeat), "lexbor parse"
        bs_ms = _best_ms(lambda: soup(text, "lxml").find_all("a"), max(3, repeat // 5)) if soup else float("nan")
    else:
        floor_ms, floor_name, bs_ms = _best_ms(lambda: json.loads(text), repeat), "json.loads", float("nan")
    return scout_ms, auto_ms, floor_ms, floor_name, bs_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    try:
        from bs4 import BeautifulSoup
    except ImportError:
        BeautifulSoup = None  # noqa: N806
    rows = []
    for path in sorted(_pages().rglob("*")):
        if path.suffix not in (".html", ".json"):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        row = _measure(text, path.suffix, args.repeat, BeautifulSoup)
        if row is None:
            continue
        rows.append((str(path.relative_to(path.parents[1])), len(text) // 1024, *row))
    header = f"{'page':<52} {'KB':>5} {'scout ms':>9} {'+detect':>8} {'floor ms':>9} {'floor':<13} " \
             f"{'scout/floor':>11} {'bs4 ms':>8}"
    print(header)
    print("-" * len(header))
    for name, kb, scout_ms, auto_ms, floor_ms, floor_name, bs_ms in rows:
        print(f"{name:<52} {kb:>5} {scout_ms:>9.2f} {auto_ms:>8.2f} {floor_ms:>9.2f} {floor_name:<13} "
              f"{scout_ms / floor_ms:>10.2f}x {bs_ms:>8.1f}")


if __name__ == "__main__":
    main()
