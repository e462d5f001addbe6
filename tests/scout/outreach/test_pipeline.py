"""The outreach pipeline: one offer per business, legal transitions and their side effects."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from db.engine import session_scope
from db.models import (
    Business,
    Outreach,
    Suppression,
)
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.lookup import resolve_business
from scout.identity.suppressed import suppression_verdicts
from scout.outreach.pipeline import STATUSES, mark_offer, pipeline_view
from tests.scout.outreach.test_drafts import NOW, build_outreach_db, codes, run_draft

LATER = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str, tmp_path: Path) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    run_draft(engine, tmp_path / "drafts", top=5)  # Alpha, Maison, Casa, Bottega, Maker: drafted
    yield engine
    engine.dispose()


def _mark(engine: Engine, target: str, status: str) -> object:
    with session_scope(engine) as session:
        return mark_offer(session, target, status, now=LATER)


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
    assert view.counts == {"drafted": 2, "sent": 1, "replied": 1, "onboarded": 0, "declined": 0, "opted-out": 1}
    assert list(view.counts) == list(STATUSES)
    assert [(a.name, a.status) for a in view.active] == [
        ("Casa Verde S.L.", "replied"), ("Maker Studio LLC", "sent"), ("Alpha Küchen GmbH", "drafted"),
        ("Maison Lumière SARL", "drafted")]
    assert not any(a.expired for a in view.active)
    with session_scope(engine) as session:
        assert all(a.expired for a in pipeline_view(session, today=datetime(2027, 1, 1).date()).active)
