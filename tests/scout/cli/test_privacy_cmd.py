"""`scout forget` as a user runs it: it asks first, erases everywhere, and says what it did."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CliDatabase
from tests.scout.cli_runner import assert_one_error_line, run_scout, write_sender
from tests.scout.outreach.test_drafts import build_outreach_db


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> CliDatabase:
    build_outreach_db(db_url).dispose()
    write_sender(tmp_path)
    return CliDatabase(db_url, tmp_path)


def _ok(db: CliDatabase, *args: str, input_text: str | None = None) -> str:
    result = run_scout("--db", db.url, *args, cwd=db.folder, input_text=input_text)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_forget_asks_first_then_erases_the_business_and_its_drafts(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--out", "drafts")
    declined = run_scout("--db", db.url, "forget", "amazon:A1ALPHA", cwd=db.folder, input_text="n\n")
    assert declined.returncode != 0 and "Erase business:1 (Alpha Küchen GmbH), 2 storefront(s)" in declined.stdout
    assert any(p.name.startswith("1-") for p in (db.folder / "drafts").iterdir())
    out = _ok(db, "forget", "amazon:A1ALPHA", "--yes")
    assert "forgot Alpha Küchen GmbH" in out and "seller" in out and "2 row(s) deleted" in out
    assert "file deleted" in out and "drafts.csv" not in out.split("file rewritten")[0].split("file deleted")[0]
    assert not any(p.name.startswith("1-") for p in (db.folder / "drafts").iterdir())
    assert "Alpha" not in (db.folder / "drafts" / "drafts.csv").read_text(encoding="utf-8") \
        if (db.folder / "drafts" / "drafts.csv").exists() else True
    assert_one_error_line(run_scout("--db", db.url, "outreach", "mark", "1", "sent", cwd=db.folder),
                          "no business with id 1")


def test_forget_an_unknown_business_is_one_error_line(db: CliDatabase) -> None:
    assert_one_error_line(run_scout("--db", db.url, "forget", "Nobody Here", "--yes", cwd=db.folder),
                          "no business named 'Nobody Here'")
