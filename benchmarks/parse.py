"""ms per page for Scout's parsers on the real captures, next to a bare lexbor parse (the floor) and BeautifulSoup.

Gzip-compressed captures (`.html.gz`) are timed on their decompressed text, as Scout parses them.

Run: python benchmarks/parse.py [--repeat N]   (needs ../shared/pages or $SCOUT_REAL_PAGES; bs4 + lxml optional)
"""

from __future__ import annotations

import argparse
import gzip
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
    """Time a parse from scratch: the JSON decode cache is emptied first, before the clock starts (freeing what
    the previous run left there is that run's cost, not this one's)."""
    fn.setup = load_json.cache_clear
    return fn


def _nothing() -> None:
    pass


def _pages() -> Path:
    env = os.environ.get("SCOUT_REAL_PAGES")
    folder = Path(env) if env else ROOT.parent / "shared" / "pages"
    if not folder.is_dir():
        sys.exit(f"no captures at {folder}: set SCOUT_REAL_PAGES")
    return folder


def _best_ms(fns, text: str, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    """Best time of each `fn(copy of text)`, the functions taking turns within every round.

    A new str each run, as a crawl hands every parser a freshly decoded one: re-using one str object would
    flatter whatever caches on it (its hash, the UTF-8 copy that C decoders such as msgspec keep on a str).
    Taking turns puts the parser and its floor in the same allocator state: the same lexbor parse of one page
    takes 0.9 ms or 1.6 ms depending on what the process ran before.
    """
    best = [float("inf")] * len(fns)
    for _ in range(repeat):
        for index, fn in enumerate(fns):
            fresh = (text + " ")[:-1]
            getattr(fn, "setup", _nothing)()
            start = time.perf_counter()
            fn(fresh)
            best[index] = min(best[index], time.perf_counter() - start)
    return [seconds * 1000 for seconds in best]


def _measure(text: str, suffix: str, repeat: int, soup) -> tuple[float, float, float, str, float] | None:  # type: ignore[no-untyped-def]
    detected = detect_page(text)
    if detected is None:
        return None
    marketplace, kind = detected
    if suffix == ".html":
        floor, floor_name = (lambda fresh: LexborHTMLParser(fresh).css("a")), "lexbor parse"
    else:
        floor, floor_name = json.loads, "json.loads"
    scout_ms, auto_ms, floor_ms = _best_ms(
        [_cold(lambda fresh: parse_page(fresh, marketplace, kind)), _cold(lambda fresh: parse_page(fresh)), floor],
        text, repeat,
    )
    bs_ms = float("nan")
    if suffix == ".html" and soup:
        bs_ms = _best_ms([lambda fresh: soup(fresh, "lxml").find_all("a")], text, max(3, repeat // 5))[0]
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
        suffix = path.suffix if path.suffix != ".gz" else Path(path.stem).suffix  # product.html.gz: .html
        if suffix not in (".html", ".json"):
            continue
        body = path.read_bytes()
        text = (gzip.decompress(body) if path.suffix == ".gz" else body).decode("utf-8", errors="replace")
        row = _measure(text, suffix, args.repeat, BeautifulSoup)
        if row is None:
            continue
        rows.append((str(path.relative_to(_pages())), len(text) // 1024, *row))
    header = f"{'page':<52} {'KB':>5} {'scout ms':>9} {'+detect':>8} {'floor ms':>9} {'floor':<13} " \
             f"{'scout/floor':>11} {'bs4 ms':>8}"
    print(header)
    print("-" * len(header))
    for name, kb, scout_ms, auto_ms, floor_ms, floor_name, bs_ms in rows:
        print(f"{name:<52} {kb:>5} {scout_ms:>9.3f} {auto_ms:>8.3f} {floor_ms:>9.3f} {floor_name:<13} "
              f"{scout_ms / floor_ms:>10.2f}x {bs_ms:>8.1f}")


if __name__ == "__main__":
    main()
