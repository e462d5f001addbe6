"""The outreach pipeline: one offer per business, where it stands, and the side effects of a change (the
statuses and the moves between them: scout.outreach.statuses)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from db.models import (
    Business,
    Outreach,
    Seller,
)
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.lookup import business_label, resolve_business
from scout.identity.suppressed import suppression_verdicts
from scout.identity.suppression import add_suppression
from scout.outreach.statuses import ACTIVE, STATUSES, TRANSITIONS, check_status
from scout.sanitize import strip_control


def suppress_business(session: Session, business: Business, *, kind: str, reason: str) -> int:
    """Put a business on the suppression list by name and by each storefront's seller id; entries added."""
    sellers = session.execute(select(col(Seller.marketplace), col(Seller.seller_id)).where(
        col(Seller.business_id) == business.id)).all()
    added = [add_suppression(session, business.name, reason=reason, kind=kind, source="outreach")]
    added += [add_suppression(session, business.name, reason=reason, kind=kind, marketplace=mp, seller_id=sid,
                              source="outreach") for mp, sid in sellers]
    return sum(1 for entry in added if entry is not None)


@dataclass(frozen=True)
class MarkResult:
    """What `scout outreach mark` did."""

    business_id: int
    name: str
    before: str  # "new" when there was no offer
    after: str
    changed: bool
    suppressions_added: int = 0


def mark_offer(session: Session, target: str, status: str, *, now: datetime) -> MarkResult:
    """Move a business's offer to `status`; opted-out → do-not-contact, onboarded → suppression list."""
    check_status(status)
    business = resolve_business(session, target)
    assert business.id is not None
    record = session.execute(select(Outreach).where(col(Outreach.business_id) == business.id)).scalar_one_or_none()
    before = record.status if record is not None else "new"
    if status != before and status not in TRANSITIONS.get(before, frozenset()):
        if record is None:
            raise InputError(f"{business_label(business)} has no offer yet: run `scout outreach draft` first (only "
                             "opted-out can be recorded without one)")
        allowed = ", ".join(s for s in STATUSES if s in TRANSITIONS.get(before, frozenset()))
        raise InputError(f"{business_label(business)} cannot go from {before} to {status} "
                         f"(from {before}: {allowed or 'nothing, it is final'})")
    key = business_key(business.id, 0)
    if status == "sent" and before != "sent" and (why := suppression_verdicts(session, [key]).get(key)):
        raise InputError(f"{business_label(business)} is suppressed ({strip_control(why)}): not marked sent")
    if record is not None and before != status:
        record.status, record.updated_at = status, now
        session.add(record)
    code = f" (offer {record.offer_code})" if record is not None else ""
    added = 0
    if status == "opted-out":
        added = suppress_business(session, business, kind="do_not_contact", reason=f"opted out of outreach{code}")
    elif status == "onboarded":
        added = suppress_business(session, business, kind="onboarded", reason=f"onboarded{code}")
    session.flush()
    return MarkResult(business.id, strip_control(business.name), before, status, before != status, added)


@dataclass(frozen=True)
class ActiveOffer:
    """One offer still in play."""

    business_id: int
    name: str
    status: str
    offer_code: str
    language: str
    expires_on: date | None
    updated_at: datetime
    expired: bool


@dataclass(frozen=True)
class PipelineView:
    """Offers per status, and the active ones (replied first, then sent, then drafted; latest change first)."""

    counts: dict[str, int]
    active: list[ActiveOffer]


def pipeline_view(session: Session, *, today: date) -> PipelineView:
    """Counts per status and the list of active offers."""
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(session.execute(select(col(Outreach.status), func.count()).group_by(col(Outreach.status))).all())
    rows = session.execute(select(Outreach, col(Business.name)).join(Business, col(Business.id) == col(
        Outreach.business_id)).where(col(Outreach.status).in_(ACTIVE))).all()
    active = [ActiveOffer(o.business_id, strip_control(name), o.status, o.offer_code, o.language, o.expires_on,
                          o.updated_at, o.expires_on is not None and o.expires_on < today) for o, name in rows]
    active.sort(key=lambda a: (ACTIVE.index(a.status), -a.updated_at.timestamp(), a.business_id))
    return PipelineView(counts, active)
