"""The outreach pipeline: one offer per business, where it stands, its note and next step, and the side effects of
a change. The statuses and the moves between them are scout.outreach.statuses; every change is one row of the offer
history (scout.outreach.history), which is how `scout outreach undo` can take it back.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import Business, Outreach, Seller
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.lookup import business_label, resolve_business
from scout.identity.suppressed import suppression_verdicts
from scout.identity.suppression import add_suppression
from scout.outreach.history import SYSTEM, offer_state, record_event
from scout.outreach.statuses import (
    ACTIVE,
    EXPIRED,
    FINAL,
    NO_OFFER,
    STATUSES,
    TRANSITIONS,
    check_status,
    check_status_filter,
)
from scout.sanitize import csv_safe, strip_control

MAX_NOTE = 1000  # characters of one note


class Keep(Enum):
    """Leave a field as it is (a next step not given on the command line)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def suppress_business(session: Session, business: Business, *, kind: str, reason: str) -> tuple[int, ...]:
    """Put a business on the suppression list by name and by each storefront's seller id; the ids of entries added."""
    sellers = session.execute(select(col(Seller.marketplace), col(Seller.seller_id)).where(
        col(Seller.business_id) == business.id)).all()
    added = [add_suppression(session, business.name, reason=reason, kind=kind, source="outreach")]
    added += [add_suppression(session, business.name, reason=reason, kind=kind, marketplace=mp, seller_id=sid,
                              source="outreach") for mp, sid in sellers]
    return tuple(entry.id for entry in added if entry is not None and entry.id is not None)


def clean_note(note: str | None) -> str | None:
    """A note as one line without control characters; None when empty; InputError when too long."""
    text = strip_control(note or "").strip()
    if len(text) > MAX_NOTE:
        raise InputError(f"a note holds at most {MAX_NOTE} characters, this one has {len(text)}")
    return text or None


@dataclass(frozen=True)
class MarkResult:
    """What `scout outreach mark` did."""

    business_id: int
    name: str
    before: str  # "new" when there was no offer
    after: str
    changed: bool  # the status changed
    suppressions_added: int = 0
    note: str | None = None
    next_step_on: date | None = None  # the next step after the change
    next_changed: bool = False
    recorded: bool = False  # anything changed, so the history gained a row


def mark_offer(session: Session, target: str, status: str | None, *, now: datetime, by: str = SYSTEM,
               note: str | None = None, next_step: date | None | Keep = KEEP, source: str = "cli") -> MarkResult:
    """Move the offer of the business `target` names to `status` (None: keep it) with an optional note and next step."""
    return mark_business(session, resolve_business(session, target), status, now=now, by=by, note=note,
                         next_step=next_step, source=source)


def mark_business(session: Session, business: Business, status: str | None, *, now: datetime, by: str = SYSTEM,
                  note: str | None = None, next_step: date | None | Keep = KEEP, source: str = "cli") -> MarkResult:
    """Move a business's offer to `status`; opted-out → do-not-contact, onboarded → suppression list; recorded."""
    assert business.id is not None
    label = business_label(business)
    record = session.execute(select(Outreach).where(col(Outreach.business_id) == business.id)).scalar_one_or_none()
    before = record.status if record is not None else NO_OFFER
    after = before if status is None else check_status(status)
    text = clean_note(note)
    if (after != before and after not in TRANSITIONS.get(before, frozenset())) or (
            before == NO_OFFER and after == before and (text or next_step is not KEEP)):
        if before == NO_OFFER:
            raise InputError(f"{label} has no offer yet: run `scout outreach draft` first (only opted-out can be "
                             "recorded without one)")
        allowed = ", ".join(s for s in STATUSES if s in TRANSITIONS.get(before, frozenset()))
        raise InputError(f"{label} cannot go from {before} to {after} "
                         f"(from {before}: {allowed or 'nothing, it is final'})")
    key = business_key(business.id, 0)
    if after == "sent" and before != "sent" and (why := suppression_verdicts(session, [key]).get(key)):
        raise InputError(f"{label} is suppressed ({strip_control(why)}): not marked sent")
    state = offer_state(record)
    next_changed = False
    if record is not None:
        if after != before:
            record.status = after
            if after == "sent":  # a fresh send: follow-ups count from here
                record.sent_at, record.follow_ups, record.followed_up_at = now, 0, None
        wanted = None if after in FINAL else (record.next_step_on if next_step is KEEP else next_step)
        next_changed, record.next_step_on = wanted != record.next_step_on, wanted
        record.note = text or record.note
    code = f" (offer {record.offer_code})" if record is not None else ""
    added: tuple[int, ...] = ()
    if after == "opted-out":
        added = suppress_business(session, business, kind="do_not_contact", reason=f"opted out of outreach{code}")
    elif after == "onboarded":
        added = suppress_business(session, business, kind="onboarded", reason=f"onboarded{code}")
    recorded = after != before or bool(text) or next_changed or bool(added)
    if recorded:
        if record is not None:
            record.updated_at = now
            session.add(record)
        record_event(session, business.id, action="mark", by=by, at=now, before=state, after=offer_state(record),
                     offer_code=record.offer_code if record is not None else None, from_status=before,
                     to_status=after, note=text, source=source, suppression_ids=added)
    session.flush()
    return MarkResult(business.id, strip_control(business.name), before, after, after != before, len(added), text,
                      record.next_step_on if record is not None else None, next_changed, recorded)


@dataclass(frozen=True)
class PipelineOffer:
    """One business's offer as `scout pipeline` lists it."""

    business_id: int
    name: str
    status: str
    owner: str | None
    offer_code: str
    language: str
    expires_on: date | None
    next_step_on: date | None
    note: str | None
    follow_ups: int
    sent_at: datetime | None
    updated_at: datetime
    expired: bool  # still active (drafted, sent, replied) but past its expiry date
    due: bool  # its next step is today or overdue

    @property
    def shown_status(self) -> str:
        """The status, with `expired` when the offer ran out before it was answered."""
        return f"{self.status}, expired" if self.expired else self.status


@dataclass(frozen=True)
class PipelineView:
    """Offers per status (and the active ones past their expiry), and the offers the filters chose."""

    counts: dict[str, int]  # new (assigned, no draft yet), every status, then expired
    offers: list[PipelineOffer]


def pipeline_view(session: Session, *, today: date, status: str | None = None, owner: str | None = None,
                  due: bool = False) -> PipelineView:
    """Counts per status, and the offers of one status (the active ones by default), one owner, or due."""
    if status is not None:
        check_status_filter(status)
    counts = dict.fromkeys((NO_OFFER, *STATUSES), 0)
    counts.update(session.execute(select(col(Outreach.status), func.count()).group_by(col(Outreach.status))).all())
    active, expires = col(Outreach.status).in_(ACTIVE), col(Outreach.expires_on)
    counts[EXPIRED] = int(session.execute(select(func.count()).select_from(Outreach).where(
        active, expires < today)).scalar_one())
    fields = ("business_id", "status", "owner", "offer_code", "language", "expires_on", "next_step_on", "note",
              "follow_ups", "sent_at", "updated_at")  # plain columns: a large pipeline loads no ORM objects
    query = select(col(Business.name), *(getattr(Outreach, name) for name in fields)).join(
        Business, col(Business.id) == col(Outreach.business_id))
    if status == EXPIRED:
        query = query.where(active, expires < today)
    elif status is not None:
        query = query.where(col(Outreach.status) == status)
    elif not due:
        query = query.where(active)
    if owner is not None:
        query = query.where(func.lower(col(Outreach.owner)) == strip_control(owner).strip().lower())
    if due:
        query = query.where(col(Outreach.next_step_on) <= today)
    offers = [PipelineOffer(o.business_id, strip_control(o.name), o.status, o.owner, o.offer_code, o.language,
                            o.expires_on, o.next_step_on, o.note, o.follow_ups, o.sent_at, o.updated_at,
                            o.status in ACTIVE and o.expires_on is not None and o.expires_on < today,
                            o.next_step_on is not None and o.next_step_on <= today)
              for o in session.execute(query).all()]
    order = (*ACTIVE, NO_OFFER, *STATUSES)
    if due:  # most overdue first
        offers.sort(key=lambda o: (o.next_step_on or date.max, order.index(o.status), o.business_id))
    else:
        offers.sort(key=lambda o: (order.index(o.status), -o.updated_at.timestamp(), o.business_id))
    return PipelineView(counts, offers)


CSV_HEADERS = ("business_id", "business", "status", "expired", "owner", "offer_code", "language", "expires_on",
               "next_step_on", "due", "note", "follow_ups", "sent_at", "last_change")


def write_pipeline_csv(offers: list[PipelineOffer], path: Path) -> int:
    """The listed offers as CSV (UTF-8), every text cell spreadsheet-safe; how many rows were written."""
    def day(value: date | datetime | None) -> str:
        return "" if value is None else value.isoformat()

    try:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(CSV_HEADERS)
            writer.writerows([csv_safe(v) for v in (
                o.business_id, o.name, o.status, "yes" if o.expired else "no", o.owner or "", o.offer_code,
                o.language, day(o.expires_on), day(o.next_step_on), "yes" if o.due else "no", o.note or "",
                o.follow_ups, day(o.sent_at), day(o.updated_at))] for o in offers)
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror or err}") from None
    return len(offers)
