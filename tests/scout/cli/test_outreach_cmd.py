"""`scout outreach draft|mark` and `scout pipeline` as a user runs them, including bad input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import CliDatabase
from tests.scout.cli_runner import assert_one_error_line, run_scout
from tests.scout.outreach.test_drafts import build_outreach_db


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> CliDatabase:
    build_outreach_db(db_url).dispose()
    return CliDatabase(db_url, tmp_path)


def _ok(db: CliDatabase, *args: str, input_text: str | None = None) -> str:
    result = run_scout("--db", db.url, *args, cwd=db.folder, input_text=input_text)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def test_draft_writes_one_file_per_business_and_summarises(db: CliDatabase) -> None:
    out = _ok(db, "outreach", "draft", "--top", "10", "--out", "drafts")
    files = sorted(p.name for p in (db.folder / "drafts").iterdir())
    assert len(files) == 7 and all(name.endswith(".md") for name in files)
    assert "7 draft(s) in drafts" in out and "sole trader? person-like name" in out  # the review column
    assert "skipped Lonely Seller: not matched to a business yet" in out
    assert "\x1b" not in out and "[bold]" in out  # the hostile name shows literally


def test_draft_csv_and_eml_formats(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--format", "csv", "--out", "csv", "--lang", "fr")
    with (db.folder / "csv" / "drafts.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 7 and {row["language"] for row in rows} == {"fr"}
    out = _ok(db, "outreach", "draft", "--format", "eml", "--out", "eml")
    assert "7 existing offer(s) kept their code" in out
    assert len(list((db.folder / "eml").glob("*.eml"))) == 7


def test_mark_moves_an_offer_and_pipeline_shows_it(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--out", "drafts")
    assert "business:5 Maker Studio LLC: drafted -> sent" in _ok(db, "outreach", "mark", "etsy:4242", "sent")
    assert "added 2 do-not-contact entry(ies)" in _ok(db, "outreach", "mark", "Maria Pelagio", "opted-out")
    out = _ok(db, "pipeline")
    assert "drafted" in out and "opted-out" in out and "Maker Studio LLC" in out
    assert "\x1b" not in out and "{{ 7*7 }}" in out and "[bold]" in out
    lines = out.splitlines()
    counts = lines[lines.index(next(line for line in lines if "drafted" in line and "sent" in line)) + 2].split()
    assert counts == ["5", "1", "0", "0", "0", "1"]


@pytest.mark.parametrize(("args", "needles"), [
    (["outreach", "mark", "Maker Studio LLC", "won"], ["unknown status 'won'", "opted-out"]),
    (["outreach", "mark", "Nobody Here", "sent"], ["no business named 'Nobody Here'"]),
    (["outreach", "mark", "S.", "sent"], ["is ambiguous", "business:3 (Casa Verde S.L.)"]),
    (["outreach", "mark", "Maker Studio LLC", "onboarded"], ["has no offer yet"]),
    (["outreach", "draft", "--out", "x", "--lang", "xx"], ["unknown language 'xx'"]),
    (["outreach", "draft", "--out", "x", "--format", "pdf"], ["unknown format 'pdf'"]),
    (["outreach", "draft", "--out", "x", "--top", "0"], ["top must be at least 1"]),
])
def test_bad_input_is_one_error_line(db: CliDatabase, args: list[str], needles: list[str]) -> None:
    assert_one_error_line(run_scout("--db", db.url, *args, cwd=db.folder), *needles)


def test_illegal_transition_is_one_error_line(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--out", "drafts")
    result = run_scout("--db", db.url, "outreach", "mark", "1", "onboarded", cwd=db.folder)
    assert_one_error_line(result, "cannot go from drafted to onboarded")


def test_a_non_compliant_team_template_is_one_error_line(db: CliDatabase) -> None:
    folder = db.folder / "tpl"
    folder.mkdir()
    (folder / "offer_en.txt.j2").write_text("Hi {{ business_name }}, {{ offer_code }}\n", encoding="utf-8")
    result = run_scout("--db", db.url, "outreach", "draft", "--out", "d", cwd=db.folder,
                       env={"SCOUT_OUTREACH_TEMPLATES_DIR": str(folder)})
    assert_one_error_line(result, "offer_en.txt.j2 leaves out: sender name")


