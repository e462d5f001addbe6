"""The offer history and undo: every change is one append-only row; undo reverts the last change still in effect,
with the suppression entries it added, by adding a row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, OfferEvent, Outreach, Suppression
from scout.errors import DatabaseError, InputError
from scout.identity.keys import business_key
from scout.identity.lookup import resolve_business
from scout.identity.suppressed import suppression_verdicts
from scout.outreach.assignment import assign_business
from scout.outreach.history import load_history, record_event, undo_last
from scout.outreach.pipeline import mark_offer
from scout.settings import OutreachSettings
from tests.scout.outreach.test_drafts import build_outreach_db, run_draft

LATER = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)
MAKER = "Maker Studio LLC"


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    run_draft(engine, tmp_path / "drafts", top=5)  # Alpha, Maison, Casa, Bottega, Maker: drafted
    yield engine
    engine.dispose()


def _mark(engine: Engine, target: str, status: str | None, **options: object) -> None:
    with session_scope(engine) as session:
        mark_offer(session, target, status, now=LATER, by="ana", **options)  # type: ignore[arg-type]


def _undo(engine: Engine, target: str = MAKER, **options: object) -> object:
    with session_scope(engine) as session:
        return undo_last(session, resolve_business(session, target), by="ben", now=LATER,
                         **options)  # type: ignore[arg-type]


def _state(engine: Engine, name: str = MAKER) -> tuple[str | None, int, int]:
    """(status, suppression entries, history rows)."""
    with session_scope(engine) as session:
        status = session.execute(select(Outreach.status).join(Business).where(Business.name == name)).scalar()
        entries = session.execute(select(func.count()).select_from(Suppression)).scalar_one()
        events = session.execute(select(func.count()).select_from(OfferEvent)).scalar_one()
    return status, entries, events


def _suppressed(engine: Engine, name: str = MAKER) -> bool:
    with session_scope(engine) as session:
        key = business_key(resolve_business(session, name).id, 0)
        return key in suppression_verdicts(session, [key])


@pytest.mark.parametrize(("path", "last"), [
    ([], "sent"),
    (["sent"], "replied"),
    (["sent"], "declined"),
    (["sent"], "onboarded"),
    (["sent", "replied"], "onboarded"),
    (["sent", "replied"], "declined"),
    (["sent", "declined"], "drafted"),
    ([], "opted-out"),
    (["sent", "replied"], "opted-out"),
])
def test_undo_reverts_each_state_change(engine: Engine, path: list[str], last: str) -> None:
    for status in path:
        _mark(engine, MAKER, status)
    before = _state(engine)
    _mark(engine, MAKER, last, note="by mistake")
    undone = _undo(engine, confirm=last == "opted-out")
    status, entries, events = _state(engine)
    assert (status, entries) == before[:2]  # the status and the suppression list as they were
    assert events == before[2] + 2  # the change and its undo both stay in the history
    assert undone.undone.to_status == last  # type: ignore[attr-defined]
    assert not _suppressed(engine)


def test_undo_of_onboarded_removes_the_suppression_entries_it_added(engine: Engine) -> None:
    _mark(engine, MAKER, "sent")
    _mark(engine, MAKER, "onboarded")
    assert _suppressed(engine)
    result = _undo(engine)
    assert result.suppressions_removed == 2  # type: ignore[attr-defined]  # by name, and by the etsy seller id
    assert not _suppressed(engine) and _state(engine)[0] == "sent"


def test_an_opt_out_undo_needs_confirm_and_history_keeps_both(engine: Engine) -> None:
    _mark(engine, MAKER, "opted-out", note="asked us to stop")
    with pytest.raises(InputError, match="makes it contactable again .* add --confirm"):
        _undo(engine)
    assert _suppressed(engine)
    _undo(engine, confirm=True)
    assert not _suppressed(engine) and _state(engine)[0] == "drafted"
    with session_scope(engine) as session:
        history = load_history(session, resolve_business(session, MAKER).id or 0)
    opt_out, undo = history[-2:]
    assert (opt_out.action, opt_out.to_status, opt_out.note, opt_out.undone_by) == (
        "mark", "opted-out", "asked us to stop", undo.id)
    assert (undo.action, undo.by, undo.from_status, undo.to_status, undo.undoes) == (
        "undo", "ben", "opted-out", "drafted", opt_out.id)
    assert undo.describe() == "opted-out -> drafted; 2 suppression entry(ies) removed"


def test_an_opt_out_before_any_offer_can_be_undone_too(engine: Engine) -> None:
    _mark(engine, "Maria Pelagio", "opted-out")
    assert _suppressed(engine, "Maria Pelagio")
    _undo(engine, "Maria Pelagio", confirm=True)
    assert not _suppressed(engine, "Maria Pelagio") and _state(engine, "Maria Pelagio")[0] is None


def test_undo_restores_the_note_next_step_and_follow_up_count(engine: Engine) -> None:
    _mark(engine, MAKER, "sent", note="first", next_step=date(2026, 11, 12))
    _mark(engine, MAKER, None, note="second", next_step=date(2026, 11, 20))
    _undo(engine)
    with session_scope(engine) as session:
        record = session.execute(select(Outreach).join(Business).where(Business.name == MAKER)).scalar_one()
    assert (record.status, record.note, record.next_step_on, record.sent_at) == (
        "sent", "first", date(2026, 11, 12), LATER)


def test_repeated_undos_walk_back_through_the_changes(engine: Engine) -> None:
    for status in ("sent", "replied", "declined"):
        _mark(engine, MAKER, status)
    for expected in ("replied", "sent", "drafted"):
        _undo(engine)
        assert _state(engine)[0] == expected
    with pytest.raises(InputError, match="is the draft of offer SC-TEST-0005: a draft is not undone"):
        _undo(engine)


def test_a_business_without_changes_has_nothing_to_undo(engine: Engine) -> None:
    with pytest.raises(InputError, match=r"business:6 \(Maria Pelagio\) has no change to undo"):
        _undo(engine, "Maria Pelagio")


def test_undo_refuses_when_the_offer_moved_outside_scout(engine: Engine) -> None:
    _mark(engine, MAKER, "sent")
    with session_scope(engine) as session:
        session.execute(select(Outreach).join(Business).where(Business.name == MAKER)).scalar_one().status = "replied"
    with pytest.raises(InputError, match="is replied, not sent as its last recorded change left it"):
        _undo(engine)


def test_undoing_an_assignment_that_made_the_record_removes_it(engine: Engine) -> None:
    with session_scope(engine) as session:
        assign_business(session, resolve_business(session, "Maria Pelagio"), "ana", settings=OutreachSettings(),
                        now=LATER, by="lead")
    assert _state(engine, "Maria Pelagio")[0] == "new"
    result = _undo(engine, "Maria Pelagio")
    assert result.record_removed and _state(engine, "Maria Pelagio")[0] is None  # type: ignore[attr-defined]


def test_history_lists_who_when_from_to_and_the_note(engine: Engine) -> None:
    _mark(engine, MAKER, "sent", note="sent from the shared inbox", next_step=date(2026, 11, 12))
    with session_scope(engine) as session:
        history = load_history(session, resolve_business(session, MAKER).id or 0)
    draft, sent = history
    assert (draft.action, draft.by, draft.from_status, draft.to_status) == ("draft", "scout", "new", "drafted")
    assert (sent.at, sent.by, sent.note, sent.describe()) == (
        LATER, "ana", "sent from the shared inbox", "drafted -> sent; next step - -> 2026-11-12")


def test_a_change_is_undone_at_most_once(engine: Engine) -> None:
    _mark(engine, MAKER, "sent")
    with session_scope(engine) as session:
        business_id = resolve_business(session, MAKER).id or 0
        sent = session.execute(select(OfferEvent.id).where(OfferEvent.to_status == "sent")).scalar_one()
        record_event(session, business_id, action="undo", by="ben", at=LATER, before=None, after=None,
                     offer_code=None, undoes=sent)
    with pytest.raises(DatabaseError, match="UNIQUE|unique"), session_scope(engine) as session:
        record_event(session, business_id, action="undo", by="chris", at=LATER, before=None, after=None,
                     offer_code=None, undoes=sent)
