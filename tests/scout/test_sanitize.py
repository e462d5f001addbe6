"""Hostile scraped text reaches terminals and JSON output inert; passwords never reach the screen."""

from __future__ import annotations

import json

import pytest

from db.engine import hide_password
from scout.sanitize import dumps_json, strip_control

HOSTILE = "Evil\u202eemaN\x85 \u2066x\u2069\u200b\x7f\x1b[31mred\u2028end"


def test_json_output_escapes_every_control_bidi_and_zero_width_character() -> None:
    text = dumps_json({"name": HOSTILE, "ok": "Küchen Å"})
    assert all(ch.isprintable() and ch not in "\u202e\u2066\u2069\u200b\u2028" for ch in text), ascii(text)
    assert json.loads(text) == {"name": HOSTILE, "ok": "Küchen Å"}  # the value survives, only inert
    assert "Küchen Å" in text  # other text stays readable


def test_strip_control_drops_bidi_overrides_and_escapes() -> None:
    assert strip_control(HOSTILE) == "EvilemaN xredend"


@pytest.mark.parametrize(("raw", "shown"), [
    ("postgresql+psycopg://scout:hunter2@db.internal:5432/scout", "postgresql+psycopg://scout:***@db.internal:5432/scout"),
    ("postgresql://u:p%40ss@h/d?sslmode=require", "postgresql://u:***@h/d?sslmode=require"),
    ("postgresql://u:unescaped@at@h/d", "postgresql://u:***@h/d"),
    ("postgresql://u@h/d", "postgresql://u@h/d"),
    ("scout.db", "scout.db"),
])
def test_a_database_urls_password_is_hidden(raw: str, shown: str) -> None:
    assert hide_password(raw) == shown
