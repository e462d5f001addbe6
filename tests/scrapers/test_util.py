"""The shared parser helpers give what the standard library gives, only faster."""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrapers.amazon import _first_visible
from scrapers.errors import TooDeepError
from scrapers.etsy import _serialised_head_contains
from scrapers.util import JsonShape, any_or_array_of, array_of, clean_text, load_json, vat_number

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


def test_load_json_refuses_deep_nesting_where_json_loads_would_recurse_too_deep() -> None:
    with pytest.raises(RecursionError):
        json.loads("[" * 100_000 + "]" * 100_000)
    with pytest.raises(TooDeepError, match="json nested more than"):
        load_json("[" * 100_000 + "]" * 100_000)
    with pytest.raises(TooDeepError):  # a 2.4 KB body: small, and hostile all the same
        load_json("[" * 1200 + "]" * 1200)


def test_load_json_remembers_the_same_text_object() -> None:
    text = '{"items": [1, 2]}'
    assert load_json(text) is load_json(text)


@given(st.text(alphabet=st.sampled_from(" \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u3000abé\u0142"), max_size=20))
def test_clean_text_folds_as_regex(text: str) -> None:
    assert clean_text(text) == (re.sub(r"\s+", " ", text).strip() or None)


class _Row(msgspec.Struct):
    a: Any = None
    b: Any = None


class _Doc(msgspec.Struct):
    rows: any_or_array_of(_Row) = None  # type: ignore[valid-type]
    x: Any = msgspec.UNSET


_SHAPE: JsonShape[_Doc | list[Any]] = JsonShape(_Doc | array_of(_Row))


def _as_json_loads(shaped: object) -> object:
    """What json.loads gives for the fields a shape names (UNSET: the key was absent)."""
    if isinstance(shaped, _Row | _Doc):
        return {name: _as_json_loads(getattr(shaped, name)) for name in shaped.__struct_fields__
                if getattr(shaped, name) is not msgspec.UNSET}
    if isinstance(shaped, list):
        return [_as_json_loads(item) for item in shaped]
    return shaped


def _named_fields(value: object, names: tuple[str, ...]) -> object:
    """json.loads's value limited to the fields a shape names, with their defaults when absent."""
    if isinstance(value, dict):
        return {name: value.get(name) for name in names}
    return value


@given(_JSON_VALUES, _JSON_VALUES, st.booleans())
def test_json_shape_reads_the_named_fields_as_json_loads(value: object, other: object, ascii_only: bool) -> None:
    document = {"rows": [value, {"a": value, "b": other, "c": other}, other], "x": value, "y": other}
    text = json.dumps(document, ensure_ascii=ascii_only)
    expected = json.loads(text)
    rows = [_named_fields(row, ("a", "b")) for row in expected["rows"]]
    assert repr(_as_json_loads(_SHAPE.load(text))) == repr({"rows": rows, "x": expected["x"]})
    top_level_rows = json.dumps(document["rows"], ensure_ascii=ascii_only)
    assert repr(_as_json_loads(_SHAPE.load(top_level_rows))) == repr(rows)


@given(_JSON_VALUES)
def test_json_shape_keeps_a_field_of_any_value_as_json_loads(value: object) -> None:
    text = json.dumps({"rows": value})
    shaped = _SHAPE.load(text)
    assert isinstance(shaped, _Doc)
    expected = json.loads(text)["rows"]
    if isinstance(expected, list):
        expected = [_named_fields(item, ("a", "b")) for item in expected]
    assert repr(_as_json_loads(shaped.rows)) == repr(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"rows": [{"a": NaN, "b": 1e400}], "x": Infinity}', "{'rows': [{'a': nan, 'b': inf}], 'x': inf}"),
        ('{"rows": [{"a": 123456789012345678901234567890}]}', "{'rows': [{'a': 123456789012345678901234567890, "
                                                              "'b': None}]}"),
        ('\ufeff [{"a": "\\ud800"}]', "[{'a': '\\ud800', 'b': None}]"),
        ('{"x": 1, "x": 2}', "{'rows': None, 'x': 2}"),
        ("[1, 2", "None"),
        ("<html>", "None"),
        ("null", "None"),
    ],
)
def test_json_shape_edge_cases_as_json_loads(text: str, expected: str) -> None:
    assert repr(_as_json_loads(_SHAPE.load(text))) == expected


def test_json_shape_refuses_deep_nesting() -> None:
    with pytest.raises(TooDeepError):
        _SHAPE.load('{"x": ' + "[" * 100_000 + "]" * 100_000 + "}")


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


@pytest.mark.parametrize(("text", "country", "expected"), [
    ("DE281934705", None, "DE281934705"),
    ("FR 47 912 384 501", None, "FR47912384501"),
    ("de 281.934.705", None, "DE281934705"),
    ("7792450016", "PL", "PL7792450016"),  # Allegro's bare NIP
    ("7792450016", None, None),  # a bare number names no country
    ("NL123456789B01", None, "NL123456789B01"),
    ("DE", None, None),
    ("", None, None),
    (None, None, None),
])
def test_vat_number_is_country_prefix_and_characters(text: str | None, country: str | None,
                                                     expected: str | None) -> None:
    assert vat_number(text, country) == expected
