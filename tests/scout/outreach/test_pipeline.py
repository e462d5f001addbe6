"""The outreach pipeline: one offer per business, legal transitions and their side effects, notes and next steps,
and the pipeline view with its filters, expiry and CSV export."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.engine import session_scope
from db.models import (
    Business,
    OfferEvent,
    Outreach,
    Suppression,
)
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.lookup import resolve_business
from scout.identity.suppressed import suppression_verdicts
from scout.outreach.pipeline import CSV_HEADERS, KEEP, STATUSES, mark_offer, pipeline_view, write_pipeline_csv
from tests.scout.outreach.test_drafts import NOW, build_outreach_db, codes, run_draft

LATER = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    run_draft(engine, tmp_path / "drafts", top=5)  # Alpha, Maison, Casa, Bottega, Maker: drafted
    yield engine
    engine.dispose()


def _mark(engine: Engine, target: str, status: str | None, **options: object) -> object:
    with session_scope(engine) as session:
        return mark_offer(session, target, status, now=LATER, by="ana", **options)  # type: ignore[arg-type]


def _events(engine: Engine) -> int:
    with session_scope(engine) as session:
        return len(session.execute(select(OfferEvent.id)).all())


def _next_step(engine: Engine, name: str) -> date | None:
    with session_scope(engine) as session:
        return session.execute(select(Outreach.next_step_on).join(Business).where(Business.name == name)).scalar()


def _status(engine: Engine, name: str) -> str | None:
    with session_scope(engine) as session:
        return session.execute(select(Outreach.status).join(Business).where(Business.name == name)).scalar()


def _why(session: Session, business_id: int | None) -> str:
    """Why the suppression list catches this business ("" when it does not)."""
    key = business_key(business_id, 0)
    return suppression_verdicts(session, [key]).get(key, "")


@pytest.mark.parametrize("path", [
    ["sent", "replied", "onboarded"],
    ["sent", "onboarded"],
    ["sent", "declined", "drafted", "sent"],
    ["sent", "replied", "declined"],
    ["opted-out"],
    ["sent", "replied", "opted-out"],
])
def test_legal_transitions(engine: Engine, path: list[str]) -> None:
    for status in path:
        _mark(engine, "Maker Studio LLC", status)
    assert _status(engine, "Maker Studio LLC") == path[-1]


@pytest.mark.parametrize(("path", "message"), [
    (["onboarded"], "cannot go from drafted to onboarded (from drafted: sent, opted-out)"),
    (["replied"], "cannot go from drafted to replied"),
    (["declined"], "cannot go from drafted to declined"),
    (["sent", "drafted"], "cannot go from sent to drafted"),
    (["opted-out", "sent"], "cannot go from opted-out to sent (from opted-out: nothing, it is final)"),
    (["sent", "onboarded", "declined"], "cannot go from onboarded to declined"),
])
def test_illegal_transitions_are_clear_errors(engine: Engine, path: list[str], message: str) -> None:
    for status in path[:-1]:
        _mark(engine, "Maker Studio LLC", status)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        _mark(engine, "Maker Studio LLC", path[-1])


def test_unknown_status_is_an_input_error(engine: Engine) -> None:
    with pytest.raises(InputError, match="unknown status 'won'"):
        _mark(engine, "Maker Studio LLC", "won")


def test_marking_the_current_status_again_changes_nothing(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    result = _mark(engine, "Maker Studio LLC", "sent")
    assert (result.before, result.after, result.changed) == ("sent", "sent", False)  # type: ignore[attr-defined]


def test_opted_out_puts_the_business_on_do_not_contact_at_once(engine: Engine, tmp_path: Path) -> None:
    result = _mark(engine, "amazon:A1ALPHA", "opted-out")
    assert result.suppressions_added == 3  # type: ignore[attr-defined]  # by name, and each of 2 storefronts' ids
    with session_scope(engine) as session:
        alpha = resolve_business(session, "Alpha Küchen GmbH").id
        why = _why(session, alpha)
    assert why.startswith("do_not_contact (Alpha Küchen GmbH): opted out of outreach (offer SC-TEST-")
    report = run_draft(engine, tmp_path / "again", new_code=codes("AGAIN"))
    assert "Alpha Küchen GmbH" not in {o.draft.business_name for o in report.drafted}


def test_opted_out_can_be_recorded_before_any_offer(engine: Engine) -> None:
    result = _mark(engine, "Maria Pelagio", "opted-out")
    assert (result.before, result.after) == ("new", "opted-out")  # type: ignore[attr-defined]
    assert _status(engine, "Maria Pelagio") is None
    with session_scope(engine) as session:
        assert _why(session, resolve_business(session, "Maria Pelagio").id)


def test_other_statuses_need_an_offer_first(engine: Engine) -> None:
    with pytest.raises(InputError, match="has no offer yet: run `scout outreach draft` first"):
        _mark(engine, "Maria Pelagio", "sent")


def test_onboarded_goes_on_the_suppression_list(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    _mark(engine, "Maker Studio LLC", "onboarded")
    with session_scope(engine) as session:
        kinds = set(session.execute(select(Suppression.kind).where(Suppression.name == "Maker Studio LLC")).scalars())
        maker = resolve_business(session, "Maker Studio LLC").id
        assert kinds == {"onboarded"}
        assert _why(session, maker).startswith("onboarded")


def test_a_suppressed_business_cannot_be_marked_sent(engine: Engine) -> None:
    with session_scope(engine) as session:
        session.add(Suppression(name="Maker Studio", normalized_name="maker studio", reason="asked"))
    with pytest.raises(InputError, match=r"is suppressed \(do_not_contact \(Maker Studio\): asked\): not marked sent"):
        _mark(engine, "Maker Studio LLC", "sent")


def test_pipeline_counts_statuses_and_lists_active_offers(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    _mark(engine, "Casa Verde S.L.", "sent")
    _mark(engine, "Casa Verde S.L.", "replied")
    _mark(engine, "Bottega Rossi S.r.l.", "opted-out")
    with session_scope(engine) as session:
        view = pipeline_view(session, today=NOW.date())
    assert view.counts == {"new": 0, "drafted": 2, "sent": 1, "replied": 1, "onboarded": 0, "declined": 0,
                           "opted-out": 1, "expired": 0}
    assert list(view.counts)[1:-1] == list(STATUSES)
    assert [(a.name, a.status) for a in view.offers] == [
        ("Casa Verde S.L.", "replied"), ("Maker Studio LLC", "sent"), ("Alpha Küchen GmbH", "drafted"),
        ("Maison Lumière SARL", "drafted")]
    assert not any(a.expired for a in view.offers)


def test_offers_past_their_expiry_show_as_expired(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    _mark(engine, "Casa Verde S.L.", "sent")
    _mark(engine, "Casa Verde S.L.", "declined")  # closed: never shown as expired
    later = date(2027, 1, 1)  # the drafts of NOW expire on 2026-12-02
    with session_scope(engine) as session:
        view = pipeline_view(session, today=later)
        expired = pipeline_view(session, today=later, status="expired")
        declined = pipeline_view(session, today=later, status="declined")
    assert view.counts["expired"] == 4 and all(o.expired for o in view.offers)
    assert {o.shown_status for o in view.offers} == {"sent, expired", "drafted, expired"}
    assert [o.name for o in expired.offers] == [o.name for o in view.offers]
    assert [(o.name, o.expired) for o in declined.offers] == [("Casa Verde S.L.", False)]


def test_mark_records_a_note_and_a_next_step(engine: Engine) -> None:
    result = _mark(engine, "Maker Studio LLC", "sent", note="sent from the shared inbox", next_step=date(2026, 11, 12))
    assert (result.before, result.after, result.note, result.next_step_on) == (  # type: ignore[attr-defined]
        "drafted", "sent", "sent from the shared inbox", date(2026, 11, 12))
    with session_scope(engine) as session:
        record = session.execute(select(Outreach).join(Business).where(Business.name == "Maker Studio LLC")
                                 ).scalar_one()
        event = session.execute(select(OfferEvent).where(OfferEvent.action == "mark")).scalar_one()
    assert (record.note, record.sent_at) == ("sent from the shared inbox", LATER)
    assert (event.by, event.from_status, event.to_status, event.note, event.to_next_on) == (
        "ana", "drafted", "sent", "sent from the shared inbox", date(2026, 11, 12))


def test_a_note_on_the_same_status_is_recorded_without_a_move(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent")
    before = _events(engine)
    result = _mark(engine, "Maker Studio LLC", None, note="called, left a voicemail", next_step=date(2026, 11, 9))
    assert (result.changed, result.recorded, result.after) == (False, True, "sent")  # type: ignore[attr-defined]
    assert _events(engine) == before + 1 and _next_step(engine, "Maker Studio LLC") == date(2026, 11, 9)
    _mark(engine, "Maker Studio LLC", "sent")  # nothing new: nothing recorded
    assert _events(engine) == before + 1
    _mark(engine, "Maker Studio LLC", "sent", next_step=KEEP)
    assert _next_step(engine, "Maker Studio LLC") == date(2026, 11, 9)
    _mark(engine, "Maker Studio LLC", "sent", next_step=None)
    assert _next_step(engine, "Maker Studio LLC") is None


def test_a_final_status_clears_the_next_step(engine: Engine) -> None:
    _mark(engine, "Maker Studio LLC", "sent", next_step=date(2026, 11, 9))
    _mark(engine, "Maker Studio LLC", "onboarded", next_step=date(2026, 11, 20))
    assert _next_step(engine, "Maker Studio LLC") is None


def test_a_note_needs_an_offer(engine: Engine) -> None:
    with pytest.raises(InputError, match="has no offer yet"):
        _mark(engine, "Maria Pelagio", None, note="met at a fair")


def test_a_note_of_control_characters_is_cleaned_and_a_long_one_refused(engine: Engine) -> None:
    result = _mark(engine, "Maker Studio LLC", "sent", note="\x1b[31mcalled\x07 back\n")
    assert result.note == "called back"  # type: ignore[attr-defined]
    with pytest.raises(InputError, match="at most 1000 characters"):
        _mark(engine, "Maker Studio LLC", None, note="x" * 1001)


def test_pipeline_filters_by_status_owner_and_due(engine: Engine) -> None:
    with session_scope(engine) as session:
        for name, owner in (("Maker Studio LLC", "Ana"), ("Casa Verde S.L.", "ben"), ("Alpha Küchen GmbH", "ana")):
            session.execute(select(Outreach).join(Business).where(Business.name == name)).scalar_one().owner = owner
    _mark(engine, "Maker Studio LLC", "sent", next_step=date(2026, 11, 1))  # overdue on NOW (2026-11-02)
    _mark(engine, "Casa Verde S.L.", "sent", next_step=date(2026, 11, 2))  # due today
    _mark(engine, "Alpha Küchen GmbH", "sent", next_step=date(2026, 11, 3))  # tomorrow: not due
    with session_scope(engine) as session:
        def names(**filters: object) -> list[str]:
            return [o.name for o in pipeline_view(session, today=NOW.date(), **filters).offers]  # type: ignore[arg-type]

        assert names(owner="ana") == ["Alpha Küchen GmbH", "Maker Studio LLC"]  # latest change first
        assert names(status="sent", owner="BEN") == ["Casa Verde S.L."]
        assert names(due=True) == ["Maker Studio LLC", "Casa Verde S.L."]  # most overdue first
        assert names(status="drafted") == ["Maison Lumière SARL", "Bottega Rossi S.r.l."]
        assert names(owner="nobody") == []
        with pytest.raises(InputError, match="unknown status 'won'"):
            pipeline_view(session, today=NOW.date(), status="won")


def test_pipeline_csv_lists_the_offers_formula_safe(engine: Engine, tmp_path: Path) -> None:
    _mark(engine, "Maker Studio LLC", "sent", note="=HYPERLINK(\"http://evil\")", next_step=date(2026, 11, 1))
    path = tmp_path / "pipeline.csv"
    with session_scope(engine) as session:
        written = write_pipeline_csv(pipeline_view(session, today=NOW.date()).offers, path)
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert written == len(rows) == 5 and tuple(rows[0]) == CSV_HEADERS
    maker = next(row for row in rows if row["business"] == "Maker Studio LLC")
    assert (maker["status"], maker["due"], maker["next_step_on"]) == ("sent", "yes", "2026-11-01")
    assert maker["note"].startswith("'=HYPERLINK")
