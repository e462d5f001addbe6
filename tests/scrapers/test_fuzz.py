"""Hostile and broken input: parsers return records or raise ParseError/BlockedError, nothing else."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scrapers.errors import BlockedError, ParseError
from scrapers.records import KINDS, ParsedPage
from scrapers.registry import MARKETPLACES, parse_page
from tests.helpers import FIXTURES, real_pages_dir

FUZZ = settings(max_examples=60, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _corpus() -> list[tuple[str, str]]:
    files = sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".json"))
    captures = real_pages_dir()
    if captures is not None:
        files += sorted(p for p in captures.rglob("*") if p.suffix in (".html", ".json"))
    return [(str(p.relative_to(p.parents[1])), p.read_text(encoding="utf-8", errors="replace")) for p in files]


CORPUS = _corpus()


def _parse_safely(text: str, marketplace: str | None = None, kind: str | None = None) -> None:
    try:
        result = parse_page(text, marketplace=marketplace, kind=kind)
    except (ParseError, BlockedError):
        return
    assert isinstance(result, ParsedPage)


@st.composite
def _mutation(draw: st.DrawFn, text: str) -> str:
    n = len(text)
    a = draw(st.integers(0, n))
    b = draw(st.integers(a, min(n, a + 5000)))
    op = draw(st.sampled_from(["truncate", "delete", "duplicate", "garble", "strip_tags", "swap_quotes"]))
    if op == "truncate":
        return text[:a]
    if op == "delete":
        return text[:a] + text[b:]
    if op == "duplicate":
        return text[:b] + text[a:b] + text[b:]
    if op == "garble":
        junk = draw(st.text(min_size=1, max_size=40))
        return text[:a] + junk + text[b:]
    if op == "strip_tags":
        return text.replace("<div", "<span").replace("</div>", "</span>")
    return text.replace('"', "'")


@pytest.mark.parametrize(("name", "text"), CORPUS, ids=[name for name, _ in CORPUS])
def test_mutated_pages_raise_only_scout_errors(name: str, text: str) -> None:
    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        mutated = data.draw(_mutation(text))
        _parse_safely(mutated)
        marketplace = data.draw(st.sampled_from(MARKETPLACES))
        _parse_safely(mutated, marketplace, data.draw(st.sampled_from(KINDS)))

    run()


_tags = st.sampled_from(["div", "span", "a", "table", "tr", "td", "script", "li", "h1", "p"])
_attrs = st.sampled_from(['id="olpOfferList"', 'class="a-size-medium olpSellerName"', 'id="__NEXT_DATA__"',
                          'type="application/ld+json"', 'id="seller-name"', 'class="zg-grid-general-faceout"',
                          'data-asin="B000000000"', 'href="/sp?seller=A1"', ""])
_html = st.recursive(
    st.text(max_size=30).map(lambda s: s.replace("<", "&lt;")),
    lambda inner: st.builds(lambda t, a, body: f"<{t} {a}>{''.join(body)}</{t}>", _tags, _attrs,
                            st.lists(inner, max_size=4)),
    max_leaves=30,
)


@FUZZ
@given(_html, st.sampled_from(MARKETPLACES), st.sampled_from(KINDS))
def test_random_html_raises_only_scout_errors(html: str, marketplace: str, kind: str) -> None:
    page = f"<html><body>{html}</body></html>"
    _parse_safely(page)
    _parse_safely(page, marketplace, kind)


@FUZZ
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(
                        st.sampled_from(["items", "itemSummaries", "seller", "results", "shop_id", "shop_name",
                                         "sellerInfo", "searchResult", "price", "count", "paging", "site_id",
                                         "transaction_sold_count", "productLink", "listing_id"]), inner, max_size=5),
                    max_leaves=25),
       st.sampled_from(MARKETPLACES), st.sampled_from(KINDS))
def test_random_json_raises_only_scout_errors(data: object, marketplace: str, kind: str) -> None:
    import json

    text = json.dumps(data, allow_nan=True)
    _parse_safely(text)
    _parse_safely(text, marketplace, kind)


def test_corpus_is_not_empty() -> None:
    assert len(CORPUS) >= 20
    assert all(isinstance(Path(name), Path) for name, _ in CORPUS)
