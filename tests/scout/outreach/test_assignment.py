"""Owners: one lead per owner at a time, assigned by hand or round-robin down the leads list, each change in the
offer history; an assigned lead is drafted like any other and keeps its owner."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, OfferEvent, Outreach, Suppression
from scout.errors import InputError
from scout.identity.lookup import resolve_business
from scout.outreach.assignment import assign_business, assign_leads, check_owner, parse_owners
from scout.outreach.pipeline import mark_offer
from scout.scoring.leads import select_leads
from scout.settings import OutreachSettings
from tests.scout.outreach.test_drafts import SETTINGS, build_outreach_db, codes, run_draft

LATER = datetime(2026, 11, 5, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_outreach_db(db_url)
    yield engine
    engine.dispose()


def _assign(engine: Engine, target: str, owner: str | None) -> object:
    with session_scope(engine) as session:
        return assign_business(session, resolve_business(session, target), owner, settings=OutreachSettings(),
                               now=LATER, by="lead", new_code=codes("SC-OWN"))


def _owners(engine: Engine) -> dict[str, str | None]:
    with session_scope(engine) as session:
        return dict(session.execute(select(Business.name, Outreach.owner).join(Outreach)).all())


def test_assigning_a_lead_without_an_offer_reserves_one_in_status_new(engine: Engine) -> None:
    result = _assign(engine, "Maria Pelagio", "ana")
    assert (result.before, result.after, result.changed) == (None, "ana", True)  # type: ignore[attr-defined]
    with session_scope(engine) as session:
        record = session.execute(select(Outreach)).scalar_one()
        event = session.execute(select(OfferEvent)).scalar_one()
    assert (record.status, record.owner, record.offer_code, record.draft_path) == ("new", "ana", "SC-OWN-0001", None)
    assert (event.action, event.by, event.from_owner, event.to_owner, event.state_before) == (
        "assign", "lead", None, "ana", None)


def test_reassigning_and_clearing_are_recorded_and_a_repeat_is_not(engine: Engine) -> None:
    _assign(engine, "Maria Pelagio", "ana")
    _assign(engine, "Maria Pelagio", "ana")
    _assign(engine, "Maria Pelagio", "ben")
    _assign(engine, "Maria Pelagio", None)
    with session_scope(engine) as session:
        moves = session.execute(select(OfferEvent.from_owner, OfferEvent.to_owner).order_by(OfferEvent.id)).all()
    assert moves == [(None, "ana"), ("ana", "ben"), ("ben", None)]


def test_a_closed_offer_cannot_be_owned(engine: Engine, tmp_path: Path) -> None:
    run_draft(engine, tmp_path / "drafts", top=5)
    with session_scope(engine) as session:
        for status in ("sent", "onboarded"):
            mark_offer(session, "Maker Studio LLC", status, now=LATER)
    with pytest.raises(InputError, match="is suppressed|is onboarded: its offer is closed"):
        _assign(engine, "Maker Studio LLC", "ana")
    _assign(engine, "Maker Studio LLC", None)  # taking an owner away is always possible


def test_a_suppressed_business_is_not_assigned(engine: Engine) -> None:
    with session_scope(engine) as session:
        mark_offer(session, "Maria Pelagio", "opted-out", now=LATER)
    with pytest.raises(InputError, match=r"business:6 \(Maria Pelagio\) is suppressed \(do_not_contact"):
        _assign(engine, "Maria Pelagio", "ana")
    assert _owners(engine) == {}


def test_an_assigned_lead_is_drafted_and_keeps_its_owner(engine: Engine, tmp_path: Path) -> None:
    _assign(engine, "Maker Studio LLC", "ana")
    report = run_draft(engine, tmp_path / "drafts", top=5)
    maker = next(o for o in report.drafted if o.draft.business_name == "Maker Studio LLC")
    assert maker.draft.offer.code == "SC-OWN-0001" and not maker.refreshed
    with session_scope(engine) as session:
        record = session.execute(select(Outreach).where(Outreach.offer_code == "SC-OWN-0001")).scalar_one()
        draft = session.execute(select(OfferEvent).where(OfferEvent.action == "draft",
                                                         OfferEvent.offer_code == "SC-OWN-0001")).scalar_one()
    assert (record.status, record.owner, record.expires_on is not None) == ("drafted", "ana", True)
    assert (draft.from_status, draft.to_status, draft.from_owner, draft.to_owner) == ("new", "drafted", "ana", "ana")
    assert draft.state_before is not None  # undo knows the record existed before the draft


def test_leads_are_shared_round_robin_skipping_owned_suppressed_and_unmatched(engine: Engine) -> None:
    _assign(engine, "Casa Verde S.L.", "chris")
    with session_scope(engine) as session:
        session.add(Suppression(name="Bottega Rossi", normalized_name="bottega rossi", reason="existing seller"))
    with session_scope(engine) as session:
        leads = select_leads(session, top=10, include_suppressed=True)
        report = assign_leads(session, leads, ["ana", "ben"], settings=SETTINGS, now=LATER, by="lead")
    assert [(a.name, a.after) for a in report.assigned] == [
        ("Alpha Küchen GmbH", "ana"), ("Maison Lumière SARL", "ben"), ("Maker Studio LLC", "ana"),
        ("Maria Pelagio", "ben"), (report.assigned[4].name, "ana")]  # the hostile-named business
    assert [why.split(":")[0] for _, why in report.skipped] == [
        "already owned by chris", "suppressed", "not matched to a business yet"]
    owners = _owners(engine)
    assert owners["Casa Verde S.L."] == "chris" and "Bottega Rossi S.r.l." not in owners
    with session_scope(engine) as session:
        listed = {lead.name: lead.owner for lead in select_leads(session, top=3)}
    assert listed == {"Alpha Küchen GmbH": "ana", "Maison Lumière SARL": "ben", "Casa Verde S.L.": "chris"}


@pytest.mark.parametrize(("text", "expected"), [
    ("ana", ["ana"]), ("ana,ben, chris", ["ana", "ben", "chris"]), ("ana,,ana,ben", ["ana", "ben"]),
    (" Ana  Lopez ", ["Ana Lopez"]),
])
def test_owner_lists(text: str, expected: list[str]) -> None:
    assert parse_owners(text) == expected


@pytest.mark.parametrize(("name", "message"), [
    ("", "an owner needs a name"), ("   ", "an owner needs a name"), ("a,b", "without commas"),
    ("x" * 65, "at most 64 characters"),
])
def test_bad_owner_names(name: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_owner(name)


def test_an_owner_name_is_cleaned_of_control_characters() -> None:
    assert check_owner("\x1b[31mana\x07") == "ana"
