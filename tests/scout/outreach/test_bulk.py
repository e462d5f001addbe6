"""Bulk marks from a CSV: all rows or none, each applied as `scout outreach mark` applies it, with a dry run that
reports exactly what would change and writes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, OfferEvent, Outreach, Suppression
from scout.errors import InputError
from scout.outreach.bulk import ImportReport, import_marks
from tests.scout.outreach.test_drafts import build_outreach_db, run_draft

LATER = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    run_draft(engine, tmp_path / "drafts", top=5)  # Alpha, Maison, Casa, Bottega, Maker: drafted (SC-TEST-0001…5)
    yield engine
    engine.dispose()


def _file(tmp_path: Path, text: str, name: str = "marks.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(engine: Engine, path: Path, dry_run: bool = False) -> ImportReport:
    with session_scope(engine) as session:
        return import_marks(session, path, now=LATER, by="ana", dry_run=dry_run)


def _snapshot(engine: Engine) -> tuple[dict[str, str], int, int]:
    """(status by business, suppression entries, history rows)."""
    with session_scope(engine) as session:
        statuses = dict(session.execute(select(Business.name, Outreach.status).join(Outreach)).all())
        entries = session.execute(select(func.count()).select_from(Suppression)).scalar_one()
        events = session.execute(select(func.count()).select_from(OfferEvent)).scalar_one()
    return statuses, entries, events


GOOD = ("business,status,note,date\n"
        "Maker Studio LLC,sent,sent from the shared inbox,2026-11-12\n"
        "Maker Studio LLC,replied,wants a call,+2d\n"
        "amazon:A3CASA,sent,,\n"
        "2,opted-out,asked us to stop,\n")


def test_an_import_applies_every_row_in_order(engine: Engine, tmp_path: Path) -> None:
    before = _snapshot(engine)
    report = _import(engine, _file(tmp_path, GOOD))
    statuses, entries, events = _snapshot(engine)
    assert [(line, r.name, r.before, r.after) for line, r in report.rows] == [
        (2, "Maker Studio LLC", "drafted", "sent"), (3, "Maker Studio LLC", "sent", "replied"),
        (4, "Casa Verde S.L.", "drafted", "sent"), (5, "Maison Lumière SARL", "drafted", "opted-out")]
    assert report.changed == 4 and not report.dry_run
    assert (statuses["Maker Studio LLC"], statuses["Casa Verde S.L."], statuses["Maison Lumière SARL"]) == (
        "replied", "sent", "opted-out")
    assert entries == before[1] + 2 and events == before[2] + 4
    with session_scope(engine) as session:
        maker = session.execute(select(Outreach).join(Business).where(Business.name == "Maker Studio LLC")).scalar_one()
        sources = set(session.execute(select(OfferEvent.source).where(OfferEvent.action == "mark")).scalars())
    assert (maker.note, maker.next_step_on) == ("wants a call", date(2026, 11, 7))
    assert sources == {"import marks.csv"}


def test_a_dry_run_reports_the_changes_and_writes_nothing(engine: Engine, tmp_path: Path) -> None:
    before = _snapshot(engine)
    report = _import(engine, _file(tmp_path, GOOD), dry_run=True)
    assert report.dry_run and report.changed == 4
    assert [r.after for _, r in report.rows] == ["sent", "replied", "sent", "opted-out"]
    assert report.rows[-1][1].suppressions_added == 2  # what the opt-out would add
    assert _snapshot(engine) == before


def test_one_bad_row_rolls_the_whole_import_back(engine: Engine, tmp_path: Path) -> None:
    before = _snapshot(engine)
    text = GOOD + "Maker Studio LLC,drafted,,\n" + "Bottega Rossi S.r.l.,onboarded,,\n"
    with pytest.raises(InputError) as caught:
        _import(engine, _file(tmp_path, text))
    message = str(caught.value)
    assert message.startswith("marks.csv: 2 bad row(s), nothing imported: line 6: ")
    assert "cannot go from replied to drafted" in message and "line 7: " in message
    assert "cannot go from drafted to onboarded" in message
    assert _snapshot(engine) == before  # not even the opt-out's suppression entries


def test_rows_by_offer_code_and_note_only_rows(engine: Engine, tmp_path: Path) -> None:
    _import(engine, _file(tmp_path, "Offer Code,Status,Note,Date\nsc-test-0005,sent,,\n"
                                    "SC-TEST-0005,,called back,tomorrow\n"))
    with session_scope(engine) as session:
        maker = session.execute(select(Outreach).where(Outreach.offer_code == "SC-TEST-0005")).scalar_one()
    assert (maker.status, maker.note, maker.next_step_on) == ("sent", "called back", date(2026, 11, 6))


@pytest.mark.parametrize(("text", "needles"), [
    ("business,status\nMaker Studio LLC,won\n,sent\nCasa Verde S.L.,sent\n",
     ["2 bad row(s)", "line 2: unknown status 'won'", "line 3: name a business or an offer code"]),
    ("business,status,date\nMaker Studio LLC,sent,next week\n", ["line 2: next step 'next week' is not a date"]),
    ("business,note\nMaker Studio LLC,x\n", ["has no 'status' column in its header"]),
    ("business,status\n\n", ["has no rows to import"]),
    ("business,status\nSC-NOPE,sent\n", ["line 2: no business named 'SC-NOPE'"]),
    ("offer_code,status\nSC-NOPE,sent\n", ["line 2: no offer with code 'SC-NOPE'"]),
    ("", ["is empty"]),
])
def test_bad_files_are_one_error_naming_every_bad_line(engine: Engine, tmp_path: Path, text: str,
                                                       needles: list[str]) -> None:
    before = _snapshot(engine)
    with pytest.raises(InputError) as caught:
        _import(engine, _file(tmp_path, text))
    for needle in needles:
        assert needle in str(caught.value)
    assert _snapshot(engine) == before


def test_a_file_with_many_bad_rows_names_the_first_few(engine: Engine, tmp_path: Path) -> None:
    text = "business,status\n" + "".join(f"Maker Studio LLC,bogus{i}\n" for i in range(8))
    with pytest.raises(InputError, match=r"8 bad row\(s\).*line 6: .*; and 3 more$"):
        _import(engine, _file(tmp_path, text))
