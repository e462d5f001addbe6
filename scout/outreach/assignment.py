"""Who works which lead: `scout outreach assign BUSINESS --owner NAME` and `scout leads --assign-to NAME` or
`--owners a,b,c` (round-robin down the list). An owner lives on the business's offer record, made (status new, no
draft yet) when the business has none; every assignment is one row of the offer history.

A suppressed business is never assigned, nor one whose offer is closed (onboarded, opted-out). `scout leads` assigns
only leads nobody owns yet: a lead someone already works keeps its owner, and a storefront not matched to a business
yet is skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Business, Outreach
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.lookup import business_label
from scout.identity.suppressed import suppression_verdicts
from scout.outreach.history import SYSTEM, offer_state, record_event
from scout.outreach.run import claim_offer, new_offer_code
from scout.outreach.statuses import FINAL
from scout.sanitize import strip_control
from scout.scoring.leads import Lead
from scout.settings import OutreachSettings

MAX_OWNER = 64


def check_owner(name: str) -> str:
    """An owner name as stored: one line, no commas (they separate `--owners`), at most MAX_OWNER characters."""
    text = " ".join(strip_control(name).split())
    if not text:
        raise InputError("an owner needs a name")
    if "," in text or len(text) > MAX_OWNER:
        raise InputError(f"owner {text!r} must be a name of at most {MAX_OWNER} characters without commas")
    return text


def parse_owners(text: str) -> list[str]:
    """`a,b,c` as a list of owner names, in order, each once."""
    owners = list(dict.fromkeys(check_owner(part) for part in text.split(",") if part.strip()))
    if not owners:
        raise InputError("--owners needs at least one name, e.g. --owners ana,ben")
    return owners


@dataclass(frozen=True)
class Assignment:
    """One owner change."""

    business_id: int
    name: str
    before: str | None
    after: str | None

    @property
    def changed(self) -> bool:
        """Whether the owner is another one now."""
        return self.before != self.after


def assign_business(session: Session, business: Business, owner: str | None, *, settings: OutreachSettings,
                    now: datetime, by: str = SYSTEM, source: str = "cli",
                    new_code: Callable[[], str] = new_offer_code) -> Assignment:
    """Give a business's offer an owner (None: take it away); recorded in its history when it changes."""
    assert business.id is not None
    wanted = None if owner is None else check_owner(owner)
    key = business_key(business.id, 0)
    if wanted is not None and (why := suppression_verdicts(session, [key]).get(key)):
        raise InputError(f"{business_label(business)} is suppressed ({strip_control(why)}): not assigned")
    existed = session.execute(select(col(Outreach.id)).where(col(Outreach.business_id) == business.id)
                              ).first() is not None
    record = claim_offer(session, business.id, new_code=new_code, now=now, settings=settings)
    if record.status in FINAL and wanted is not None:
        raise InputError(f"{business_label(business)} is {record.status}: its offer is closed, nobody can own it")
    before = record.owner
    if before != wanted:
        state = offer_state(record) if existed else None  # None: undoing this assignment removes the record again
        record.owner, record.updated_at = wanted, now
        session.add(record)
        record_event(session, business.id, action="assign", by=by, at=now, before=state, after=offer_state(record),
                     offer_code=record.offer_code, source=source)
    session.flush()
    return Assignment(business.id, strip_control(business.name), before, wanted)


@dataclass
class LeadAssignments:
    """What `scout leads --assign-to/--owners` did: leads given an owner, and leads left as they were."""

    assigned: list[Assignment] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (business, why)

    def owners(self) -> dict[int, str]:
        """Business id -> its new owner."""
        return {a.business_id: a.after for a in self.assigned if a.after is not None}


def assign_leads(session: Session, leads: Sequence[Lead], owners: Sequence[str], *, settings: OutreachSettings,
                 now: datetime, by: str = SYSTEM) -> LeadAssignments:
    """Give the leads nobody owns an owner, round-robin over `owners` in the leads' order."""
    names = [check_owner(name) for name in owners]
    if not names:
        raise InputError("name at least one owner")
    report = LeadAssignments()
    turn = 0
    for lead in leads:
        if lead.business_id is None:
            report.skipped.append((lead.name, "not matched to a business yet: run `scout match`, then `scout score`"))
            continue
        if lead.suppressed:
            report.skipped.append((lead.name, f"suppressed: {lead.suppressed}"))
            continue
        if lead.owner:
            report.skipped.append((lead.name, f"already owned by {lead.owner}"))
            continue
        if lead.status in FINAL:
            report.skipped.append((lead.name, f"offer is {lead.status}"))
            continue
        business = session.get(Business, lead.business_id)
        if business is None:
            report.skipped.append((lead.name, "its business no longer exists: run `scout score` again"))
            continue
        report.assigned.append(assign_business(session, business, names[turn % len(names)], settings=settings,
                                               now=now, by=by, source="leads"))
        turn += 1
    return report
