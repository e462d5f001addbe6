"""The offer history: every change to a business's offer as one append-only row (who, when, from what to what, the
note), and `scout outreach undo`, which reverts the last change still in effect by adding a row, never by editing or
deleting one.

Each row keeps the offer's tracked fields as they were before the change (`state_before`) and the ids of the
suppression entries the change added, so an undo restores the one and removes the other: an `onboarded` or
`opted-out` mark takes its entries with it. Undoing an opt-out needs `confirm`, since it makes a business
contactable again. A draft (the offer's creation) is not undone: mark the offer declined or opted-out instead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from db.models import Business, OfferEvent, Outreach, Suppression
from scout.errors import InputError
from scout.identity.lookup import business_label
from scout.outreach.statuses import NO_OFFER
from scout.sanitize import strip_control

SYSTEM = "scout"  # `by` of changes made by code rather than a person at the command line
_DATES = ("next_step_on",)
_TIMES = ("sent_at", "followed_up_at")
TRACKED = ("status", "owner", "next_step_on", "note", "sent_at", "follow_ups", "followed_up_at")


def offer_state(record: Outreach | None) -> dict[str, Any] | None:
    """The offer's tracked fields as JSON-ready values; None when the business has no offer record."""
    if record is None:
        return None
    state: dict[str, Any] = {name: getattr(record, name) for name in TRACKED}
    for name in (*_DATES, *_TIMES):
        state[name] = None if state[name] is None else state[name].isoformat()
    return state


def restore_state(record: Outreach, state: dict[str, Any]) -> None:
    """Put the tracked fields back as `offer_state` saved them."""
    for name in TRACKED:
        value = state.get(name)
        if value is not None and name in _DATES:
            value = date.fromisoformat(value)
        elif value is not None and name in _TIMES:
            value = datetime.fromisoformat(value)
        setattr(record, name, value if name != "follow_ups" else int(value or 0))


def record_event(session: Session, business_id: int, *, action: str, by: str, at: datetime,
                 before: dict[str, Any] | None, after: dict[str, Any] | None, offer_code: str | None,
                 from_status: str | None = None, to_status: str | None = None, note: str | None = None,
                 source: str | None = None, suppression_ids: tuple[int, ...] = (), draft_path: str | None = None,
                 undoes: int | None = None) -> OfferEvent:
    """Append one change; the statuses default to those of `before` and `after` (new when there is no record)."""
    old, new = before or {}, after or {}
    event = OfferEvent(
        business_id=business_id, offer_code=offer_code, at=at, by=by, action=action,
        from_status=from_status or old.get("status", NO_OFFER), to_status=to_status or new.get("status", NO_OFFER),
        from_owner=old.get("owner"), to_owner=new.get("owner"),
        from_next_on=_day(old.get("next_step_on")), to_next_on=_day(new.get("next_step_on")), note=note,
        source=source, draft_path=draft_path, suppression_ids=",".join(map(str, suppression_ids)) or None,
        state_before=None if before is None else json.dumps(before, sort_keys=True), undoes=undoes)
    session.add(event)
    session.flush()
    return event


def _day(value: str | None) -> date | None:
    return None if value is None else date.fromisoformat(value)


@dataclass(frozen=True)
class HistoryEntry:
    """One change as `scout outreach history` lists it."""

    id: int
    at: datetime
    by: str
    action: str
    from_status: str | None
    to_status: str | None
    from_owner: str | None
    to_owner: str | None
    from_next_on: date | None
    to_next_on: date | None
    note: str | None
    source: str | None
    suppressions: int  # suppression entries the change added (or, for an undo, removed)
    undoes: int | None = None
    undone_by: int | None = None

    def describe(self) -> str:
        """What changed, in a few words: `drafted -> sent; owner - -> ana; next step - -> 2026-11-20`."""
        parts = []
        if self.from_status != self.to_status:
            parts.append(f"{self.from_status} -> {self.to_status}")
        if self.from_owner != self.to_owner:
            parts.append(f"owner {self.from_owner or '-'} -> {self.to_owner or '-'}")
        if self.from_next_on != self.to_next_on:
            parts.append(f"next step {_iso(self.from_next_on)} -> {_iso(self.to_next_on)}")
        if self.suppressions:
            parts.append(f"{self.suppressions} suppression entry(ies) {'removed' if self.undoes else 'added'}")
        return "; ".join(parts) or f"{self.to_status} (unchanged)"


def _iso(day: date | None) -> str:
    return "-" if day is None else day.isoformat()


def _entry(event: OfferEvent, undone_by: int | None) -> HistoryEntry:
    assert event.id is not None
    ids = [i for i in (event.suppression_ids or "").split(",") if i]
    return HistoryEntry(event.id, event.at, strip_control(event.by), event.action, event.from_status,
                        event.to_status, event.from_owner, event.to_owner, event.from_next_on, event.to_next_on,
                        None if event.note is None else strip_control(event.note), event.source, len(ids),
                        event.undoes, undone_by)


def load_history(session: Session, business_id: int) -> list[HistoryEntry]:
    """Every change to a business's offer, oldest first, each marked with the undo that reverted it (if any)."""
    events = list(session.execute(select(OfferEvent).where(col(OfferEvent.business_id) == business_id)
                                  .order_by(col(OfferEvent.id))).scalars())
    undone = {e.undoes: e.id for e in events if e.undoes is not None}
    return [_entry(e, undone.get(e.id)) for e in events]


@dataclass(frozen=True)
class UndoResult:
    """What `scout outreach undo` reverted."""

    business_id: int
    name: str
    undone: HistoryEntry  # the change reverted
    suppressions_removed: int
    record_removed: bool  # the change had created the offer record (an assignment): it is gone again
    draft_left: str | None  # an undone follow-up's draft file, left on disk


def last_change(session: Session, business_id: int) -> OfferEvent | None:
    """The newest change to a business's offer that no undo has reverted yet (undos themselves excepted)."""
    events = list(session.execute(select(OfferEvent).where(col(OfferEvent.business_id) == business_id)
                                  .order_by(col(OfferEvent.id).desc())).scalars())
    undone = {e.undoes for e in events if e.undoes is not None}
    return next((e for e in events if e.action != "undo" and e.id not in undone), None)


def undo_last(session: Session, business: Business, *, by: str, now: datetime, confirm: bool = False,
              source: str = "cli") -> UndoResult:
    """Revert the last change to a business's offer, with the suppression entries it added; history keeps both."""
    assert business.id is not None
    label = business_label(business)
    event = last_change(session, business.id)
    if event is None:
        raise InputError(f"{label} has no change to undo")
    if event.action == "draft":
        raise InputError(f"the last change to {label} is the draft of offer {event.offer_code}: a draft is not "
                         "undone (mark the offer declined or opted-out instead)")
    ids = [int(i) for i in (event.suppression_ids or "").split(",") if i]
    if event.to_status == "opted-out" and event.from_status != "opted-out" and not confirm:
        raise InputError(f"undoing the opt-out of {label} makes it contactable again and removes {len(ids)} "
                         "do-not-contact entry(ies): only if it was recorded by mistake; add --confirm")
    record = session.execute(select(Outreach).where(col(Outreach.business_id) == business.id)).scalar_one_or_none()
    before = None if event.state_before is None else json.loads(event.state_before)
    if (record is not None and record.status != event.to_status) or (record is None and before is not None):
        now_status = record.status if record is not None else NO_OFFER
        raise InputError(f"{label} is {now_status}, not {event.to_status} as its last recorded change left it: "
                         "not undone")
    current = offer_state(record)
    removed = tuple(session.execute(select(col(Suppression.id)).where(col(Suppression.id).in_(ids))).scalars()) \
        if ids else ()
    if removed:
        session.execute(delete(Suppression).where(col(Suppression.id).in_(removed)))
    record_removed = False
    if record is not None and before is None:
        session.delete(record)
        record_removed = True
    elif record is not None and before is not None:
        restore_state(record, before)
        record.updated_at = now
        session.add(record)
    try:
        with session.begin_nested():
            record_event(session, business.id, action="undo", by=by, at=now, before=current,
                         after=None if record_removed else offer_state(record), offer_code=event.offer_code,
                         from_status=event.to_status, to_status=event.from_status, source=source,
                         note=f"undid #{event.id} ({event.action} by {strip_control(event.by)}, "
                              f"{event.at:%Y-%m-%d %H:%M} UTC)", suppression_ids=removed, undoes=event.id)
    except IntegrityError:  # someone else undid the same change a moment ago
        raise InputError(f"the last change to {label} was just undone by someone else: see its history") from None
    return UndoResult(business.id, strip_control(business.name), _entry(event, None), len(removed), record_removed,
                      event.draft_path if event.action == "follow-up" else None)
