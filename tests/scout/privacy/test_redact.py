"""A business's names and ids are found and erased in every form a page holds them, and nothing else is."""

from __future__ import annotations

import pytest

from scout.privacy.redact import mentions, redact_body, redact_text


@pytest.mark.parametrize(("body", "values", "expected"), [
    (b"<b>Alpha Shop</b> and Alpha Shopping", ["Alpha Shop"], b"<b>[erased]</b> and Alpha Shopping"),
    (b'{"name": "K\\u00fchne"}', ["Kühne"], b'{"name": "[erased]"}'),
    ("Kühne GmbH".encode("latin-1"), ["Kühne GmbH"], b"[erased]"),
    (b"/shop?name=Tom%20%26%20Co", ["Tom & Co"], b"/shop?name=[erased]"),
    (b"<p>K&uuml;hne &amp; Co</p><p>K&#252;hne &amp; Co</p>", ["Kühne & Co"], b"<p>[erased]</p><p>[erased]</p>"),
    (b"seller A1 and A12", ["A1"], b"seller A1 and A12"),  # a short id as a word of text: left alone
    (b'/sp?seller=A1&x=1 data-seller="A1" A12', ["A1"], b'/sp?seller=[erased]&x=1 data-seller="[erased]" A12'),
    (b'<a href="/usr/Bo">Bo</a> Bob', ["Bo"], b'<a href="/usr/[erased]">[erased]</a> Bob'),
    (b"VAT DE281934705.", ["DE281934705"], b"VAT [erased]."),
])
def test_redact_body(body: bytes, values: list[str], expected: bytes) -> None:
    assert redact_body(body, values) == expected
    assert mentions(body, values) == (body != expected)


def test_redact_text_keeps_what_is_not_the_business() -> None:
    assert redact_text("Alpha Küchen Chef Knife by Alphabet", ["Alpha Küchen"]) == "[erased] Chef Knife by Alphabet"


def test_the_erasure_mark_is_never_a_value_to_erase() -> None:
    assert redact_body(b"[erased] and x", ["[erased]", ""]) == b"[erased] and x"
