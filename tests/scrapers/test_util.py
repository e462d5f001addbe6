"""The shared parser helpers give what the standard library gives, only faster."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrapers.amazon import _first_visible
from scrapers.etsy import _serialised_head_contains
from scrapers.util import clean_text, load_json

_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON_VALUES, st.booleans())
def test_load_json_matches_json_loads(value: object, ascii_only: bool) -> None:
    text = json.dumps([value], ensure_ascii=ascii_only)
    assert repr(load_json(text)) == repr(json.loads(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[NaN, Infinity, -Infinity]", "[nan, inf, -inf]"),  # refused by msgspec, read by json.loads
        ('["\\ud800"]', "['\\ud800']"),  # a lone surrogate escape
        ("[123456789012345678901234567890]", "[123456789012345678901234567890]"),  # beyond 64 bits, still exact
        ("[1e400]", "[inf]"),
        ("\ufeff {\"a\": 1}", "{'a': 1}"),
        ('{"a": 1, "a": 2}', "{'a': 2}"),
        ("[1, 2", "None"),
        ("<html>", "None"),
        ("", "None"),
    ],
)
def test_load_json_edge_cases_as_json_loads(text: str, expected: str) -> None:
    assert repr(load_json(text)) == expected


def test_load_json_deep_nesting_fails_as_json_loads() -> None:
    with pytest.raises(RecursionError):
        json.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(RecursionError):
        load_json("[" * 100_000 + "]" * 100_000)


def test_load_json_remembers_the_same_text_object() -> None:
    text = '{"items": [1, 2]}'
    assert load_json(text) is load_json(text)


@given(st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000ab"), max_size=20))
def test_clean_text_folds_as_regex(text: str) -> None:
    assert clean_text(text) == (re.sub(r"\s+", " ", text).strip() or None)


def test_clean_text_rejects_non_text() -> None:
    with pytest.raises(TypeError):
        clean_text(5)  # type: ignore[arg-type]


@given(st.text(alphabet=st.sampled_from(" \t\n\x85\u2028{[x"), max_size=12))
def test_first_visible_is_lstrip(text: str) -> None:
    assert _first_visible(text) == text.lstrip()[:1]


@given(_JSON_VALUES, st.integers(0, 60))
def test_serialised_head_contains_as_dumps(value: object, limit: int) -> None:
    for needle in ("a", "etsy.com/", '": ', "1"):
        assert _serialised_head_contains(value, needle, limit) == (needle in json.dumps(value)[:limit])
