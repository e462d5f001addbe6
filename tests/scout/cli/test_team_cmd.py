"""`scout outreach assign|history|undo|import` and `scout leads --owners/--assign-to/--crm` as a team runs them:
a week of work on a shared database, and bad input as one error line."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update

from db.engine import make_engine
from db.models import Outreach
from tests.conftest import CliDatabase
from tests.scout.cli_runner import assert_one_error_line, run_scout, write_sender
from tests.scout.outreach.test_drafts import build_outreach_db


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> CliDatabase:
    build_outreach_db(db_url).dispose()
    write_sender(tmp_path)
    return CliDatabase(db_url, tmp_path)


def _ok(db: CliDatabase, *args: str) -> str:
    result = run_scout("--db", db.url, *args, cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def _backdate_sends(db: CliDatabase, days: int) -> None:
    """Pretend the offers marked sent went out `days` ago (the command line has no clock to turn)."""
    engine = make_engine(db.url)
    with engine.begin() as conn:
        conn.execute(update(Outreach).where(Outreach.status == "sent").values(  # type: ignore[arg-type]
            sent_at=datetime.now(UTC) - timedelta(days=days)))
    engine.dispose()


def test_a_week_of_a_teams_workflow(db: CliDatabase) -> None:
    # Monday: share the top leads, draft them, send the first ones
    shared = _ok(db, "leads", "--top", "4", "--owners", "ana,ben", "--by", "lead")
    assert "assigned 4 lead(s): ana 2, ben 2" in shared
    _ok(db, "outreach", "draft", "--top", "4", "--out", "drafts", "--by", "ana")
    assert "Maison Lumière SARL" in _ok(db, "pipeline", "--owner", "ben")
    _ok(db, "outreach", "mark", "Alpha Küchen GmbH", "sent", "--next", "+7d", "--by", "ana")
    _ok(db, "outreach", "mark", "Maison Lumière SARL", "sent", "--by", "ben")
    # Wednesday: a reply comes in, recorded from a CSV; a wrong mark is undone
    (db.folder / "marks.csv").write_text("business,status,note,date\n"
                                         "Maison Lumière SARL,replied,wants a call,+1d\n", encoding="utf-8")
    dry = _ok(db, "outreach", "import", "marks.csv", "--dry-run", "--by", "ben")
    assert "line 2: business:2 Maison Lumière SARL: sent -> replied" in dry and "dry run: nothing written" in dry
    assert "0 offer(s): status replied" in _ok(db, "pipeline", "--status", "replied")
    assert "1 of 1 row(s) changed an offer" in _ok(db, "outreach", "import", "marks.csv", "--by", "ben")
    _ok(db, "outreach", "mark", "Casa Verde S.L.", "opted-out", "--by", "ana")  # meant Casa's neighbour
    assert_one_error_line(run_scout("--db", db.url, "outreach", "undo", "Casa Verde S.L.", cwd=db.folder),
                          "add --confirm")
    undone = _ok(db, "outreach", "undo", "Casa Verde S.L.", "--confirm", "--by", "ana")
    assert "drafted -> opted-out" in undone and "back to drafted" in undone
    assert "removed 2 suppression entry(ies) it had added" in undone
    # next Monday: follow up what went unanswered, hand over to the CRM
    _backdate_sends(db, 8)
    follow = _ok(db, "outreach", "follow-up", "--after", "7d", "--out", "follow-ups", "--by", "ana")
    assert "1 follow-up(s) in follow-ups" in follow and "Alpha Küchen GmbH" in follow  # Maison replied
    assert "no offer is due a follow-up" in _ok(db, "outreach", "follow-up", "--after", "7d")
    history = _ok(db, "outreach", "history", "Casa Verde S.L.")
    assert "mark (undone by #" in history and "opted-out -> drafted" in history
    crm = _ok(db, "leads", "--top", "4", "--crm", "hubspot", "hubspot.csv")
    assert "wrote 4 lead(s) to hubspot.csv for hubspot import" in crm
    with (db.folder / "hubspot.csv").open(encoding="utf-8", newline="") as fh:
        owners = {row["Company name"]: row["Company owner"] for row in csv.DictReader(fh)}
    assert owners == {"Alpha Küchen GmbH": "ana", "Maison Lumière SARL": "ben", "Casa Verde S.L.": "ana",
                      "Bottega Rossi S.r.l.": "ben"}


def test_assign_by_hand_then_clear(db: CliDatabase) -> None:
    assert "owner - -> ana" in _ok(db, "outreach", "assign", "etsy:4242", "--owner", "ana", "--by", "lead")
    assert "already owned by ana" in _ok(db, "outreach", "assign", "etsy:4242", "--owner", "ana")
    assert "owner ana -> -" in _ok(db, "outreach", "assign", "etsy:4242", "--clear")
    history = _ok(db, "outreach", "history", "etsy:4242")
    assert "owner - -> ana" in history and "owner ana -> -" in history and "lead" in history
    assert "no changes recorded yet" in _ok(db, "outreach", "history", "Maria Pelagio")


def test_leads_assign_to_one_owner_shows_the_owner(db: CliDatabase) -> None:
    out = _ok(db, "leads", "--top", "2", "--assign-to", "chris")
    assert "assigned 2 lead(s): chris 2" in out and out.count("chris") >= 3


@pytest.mark.parametrize(("args", "needles"), [
    (["outreach", "assign", "1"], ["give --owner NAME, or --clear"]),
    (["outreach", "assign", "1", "--owner", "a,b"], ["without commas"]),
    (["outreach", "undo", "1"], ["has no change to undo"]),
    (["outreach", "history", "Nobody Here"], ["no business named 'Nobody Here'"]),
    (["outreach", "import", "missing.csv"], ["cannot read missing.csv"]),
    (["leads", "--assign-to", "ana", "--owners", "ben,chris"], ["either --assign-to NAME or --owners a,b,c"]),
    (["leads", "--owners", ","], ["--owners needs at least one name"]),
    (["leads", "--crm", "zoho", "z.csv"], ["unknown CRM 'zoho'"]),
])
def test_bad_input_is_one_error_line(db: CliDatabase, args: list[str], needles: list[str]) -> None:
    assert_one_error_line(run_scout("--db", db.url, *args, cwd=db.folder), *needles)


def test_an_import_with_a_bad_row_is_one_error_line_and_writes_nothing(db: CliDatabase) -> None:
    _ok(db, "outreach", "draft", "--top", "2", "--out", "drafts")
    (db.folder / "marks.csv").write_text("business,status\n1,sent\n2,onboarded\n", encoding="utf-8")
    result = run_scout("--db", db.url, "outreach", "import", "marks.csv", cwd=db.folder)
    assert_one_error_line(result, "marks.csv: 1 bad row(s), nothing imported: line 3:", "drafted to onboarded")
    assert "0 offer(s): status sent" in _ok(db, "pipeline", "--status", "sent")
