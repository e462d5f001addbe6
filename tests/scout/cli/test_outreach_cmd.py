"""`scout outreach draft|follow-up|mark` and `scout pipeline` as a user runs them, including bad input."""

from __future__ import annotations

import csv
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
    header = next(line for line in lines if "drafted" in line and "sent" in line)
    assert header.split() == ["new", "drafted", "sent", "replied", "onboarded", "declined", "opted-out", "expired"]
    assert lines[lines.index(header) + 2].split() == ["0", "5", "1", "0", "0", "0", "1", "0"]


@pytest.mark.parametrize(("args", "needles"), [
    (["outreach", "mark", "Maker Studio LLC", "won"], ["unknown status 'won'", "opted-out"]),
    (["outreach", "mark", "Nobody Here", "sent"], ["no business named 'Nobody Here'"]),
    (["outreach", "mark", "S.", "sent"], ["is ambiguous", "business:3 (Casa Verde S.L.)"]),
    (["outreach", "mark", "Maker Studio LLC", "onboarded"], ["has no offer yet"]),
    (["outreach", "draft", "--out", "x", "--lang", "xx"], ["unknown language 'xx'"]),
    (["outreach", "draft", "--out", "x", "--format", "pdf"], ["unknown format 'pdf'"]),
    (["outreach", "draft", "--out", "x", "--top", "0"], ["top must be at least 1"]),
    (["outreach", "mark", "Maker Studio LLC", "sent", "--next", "soon"], ["next step 'soon' is not a date"]),
    (["outreach", "follow-up", "--after", "a week"], ["'a week' is not a wait"]),
    (["outreach", "follow-up", "--format", "pdf"], ["unknown format 'pdf'"]),
    (["pipeline", "--status", "won"], ["unknown status 'won'", "expired"]),
    (["outreach", "draft", "--out", "x", "--channel", "fax"], ["unknown channel 'fax'", "email, letter, phone"]),
    (["outreach", "draft", "--out", "x", "--override", "consent"], ["--override needs --channel"]),
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


def test_mark_with_a_note_and_next_step_then_the_pipeline_lists_what_is_due(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--out", "drafts")
    out = _ok(db, "outreach", "mark", "etsy:4242", "sent", "--note", "sent from the shared inbox", "--next", "today",
              "--by", "ana")
    assert "drafted -> sent" in out and "note: sent from the shared inbox" in out and "next step: 20" in out
    again = _ok(db, "outreach", "mark", "etsy:4242", "sent", "--note", "called, left a voicemail")
    assert "is already sent" in again and "note: called, left a voicemail" in again
    due = _ok(db, "pipeline", "--due", "--csv", "due.csv")
    assert "1 offer(s): active, next step due" in due and "Maker Studio LLC" in due and "(due)" in due
    assert "Alpha Küchen" not in due and "wrote 1 offer(s) to due.csv" in due
    with (db.folder / "due.csv").open(encoding="utf-8", newline="") as fh:
        (row,) = list(csv.DictReader(fh))
    assert (row["business"], row["note"], row["due"]) == ("Maker Studio LLC", "called, left a voicemail", "yes")
    drafted = _ok(db, "pipeline", "--status", "drafted", "--limit", "2")
    assert "6 offer(s): status drafted (the first 2 shown: --limit 0 shows all)" in drafted
    assert sum(1 for line in drafted.splitlines() if " SC-" in line) == 2


def test_follow_up_drafts_nothing_before_the_wait_and_once_after_it(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--out", "drafts")
    _ok(db, "outreach", "mark", "etsy:4242", "sent")
    assert "no offer is due a follow-up" in _ok(db, "outreach", "follow-up", "--after", "7d")
    out = _ok(db, "outreach", "follow-up", "--after", "1h", "--out", "f")  # not yet an hour either
    assert "no offer is due a follow-up" in out and not (db.folder / "f").exists()


def test_drafts_refuse_the_placeholder_sender_outside_the_demo(db: CliDatabase) -> None:
    (db.folder / "scout.toml").unlink()
    for args in (["outreach", "draft", "--out", "drafts"], ["outreach", "follow-up", "--out", "f"]):
        result = run_scout("--db", db.url, *args, cwd=db.folder)
        assert_one_error_line(result, "drafts need your real sender: set outreach.sender_name, outreach.sender_email, "
                                      "outreach.company_name, outreach.postal_address in scout.toml")
    assert not (db.folder / "drafts").exists() and not (db.folder / "f").exists()


def test_each_draft_shows_its_channel_and_the_rules_applied(db: CliDatabase) -> None:
    out = _ok(db, "outreach", "draft", "--out", "drafts", "--format", "eml")
    assert "channel rules applied" in out and "email_rules DE = consent" in out and "letter" in out
    alpha = next((db.folder / "drafts").glob("1-*.eml")).read_text(encoding="utf-8")
    assert "To: undisclosed-recipients:;" in alpha  # a German business: a letter, never a cold e-mail
    refused = run_scout("--db", db.url, "outreach", "draft", "--out", "d2", "--top", "1", "--channel", "email",
                        cwd=db.folder)
    assert refused.returncode == 0 and "the gate refuses e-mail" in refused.stdout
    done = _ok(db, "outreach", "draft", "--out", "d3", "--top", "1", "--channel", "email", "--override",
               "consent received by phone")
    assert "override: consent received by phone" in done
    assert "To: info@alpha-kuechen.de" in next((db.folder / "d3").glob("1-*.md")).read_text(encoding="utf-8")
