"""`scout outreach follow-up`: one reminder for each offer sent and not answered after a wait.

An offer is due a follow-up when it is `sent` (a reply, decline or opt-out ends it), was marked sent at least
`after` ago, and has had no follow-up since; `again` also takes offers whose last follow-up is at least `after`
old. Follow-ups are drafted by the same step as offers (`draft_business`), so the suppression rule, and any other
check on whether a business may be written to, is applied at drafting time: a business suppressed since its offer
went out gets no follow-up. An offer past its expiry gets none either (its code no longer holds). Each follow-up is
one row of the offer history, and counted on the offer; nothing is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import ColumnElement, and_, or_, select
from sqlmodel import Session, col

from db.models import Business, Outreach
from scout.identity.suppressed import SuppressionList
from scout.outreach.drafts import Draft, template_environment
from scout.outreach.history import SYSTEM, offer_state, record_event
from scout.outreach.run import (
    FOLLOW_UPS_CSV,
    check_draft_options,
    draft_business,
    draft_path,
    load_economics,
    write_drafts,
)
from scout.settings import OutreachSettings

DEFAULT_AFTER = timedelta(days=7)


def follow_up_due(now: datetime, after: timedelta, *, again: bool = False) -> ColumnElement[bool]:
    """The rule of which offers are due a follow-up, as a condition on `outreach` (the dashboard counts with it)."""
    cutoff = now - after
    waited = and_(col(Outreach.status) == "sent", col(Outreach.sent_at).is_not(None),
                  col(Outreach.sent_at) <= cutoff)
    if not again:
        return and_(waited, col(Outreach.follow_ups) == 0)
    return and_(waited, or_(col(Outreach.follow_ups) == 0, col(Outreach.followed_up_at) <= cutoff))


@dataclass(frozen=True)
class FollowUp:
    """One follow-up draft written."""

    draft: Draft
    path: Path
    number: int  # 1 for the first follow-up of this send


@dataclass
class FollowUpReport:
    """What `scout outreach follow-up` did."""

    drafted: list[FollowUp] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (business, why)


def follow_up_offers(session: Session, settings: OutreachSettings, *, out_dir: Path, now: datetime,
                     after: timedelta = DEFAULT_AFTER, again: bool = False, language: str = "auto", fmt: str = "md",
                     by: str = SYSTEM) -> FollowUpReport:
    """Draft one follow-up for each offer sent without a reply for `after`, into `out_dir`."""
    check_draft_options(language, fmt, settings)
    env = template_environment(settings.templates_dir)
    suppressions = SuppressionList.load(session)
    rows = session.execute(select(Outreach, Business).join(Business, col(Business.id) == col(Outreach.business_id))
                           .where(follow_up_due(now, after, again=again))
                           .order_by(col(Outreach.sent_at), col(Outreach.id))).all()
    report = FollowUpReport()
    pending: list[tuple[Draft, Outreach]] = []
    for record, business in rows:
        if record.expires_on is None or record.expires_on < now.date():
            shown = "-" if record.expires_on is None else record.expires_on.isoformat()
            report.skipped.append((business.name, f"offer {record.offer_code} expired on {shown}: no follow-up "
                                                  "(mark it declined, then draft a fresh offer)"))
            continue
        draft = draft_business(session, env, settings, business=business, record=record, suppressions=suppressions,
                               economics=load_economics(session, record.business_id, settings),
                               language=record.language if language == "auto" else language, kind="followup",
                               channel=record.channel if record.channel_override else None,
                               override=record.channel_override)  # an override recorded on the offer holds
        if isinstance(draft, str):
            report.skipped.append((business.name, f"{draft}: no follow-up"))
            continue
        pending.append((draft, record))
    if pending:
        write_drafts([d for d, _ in pending], out_dir, fmt, settings, now, csv_name=FOLLOW_UPS_CSV)
    for draft, record in pending:
        path = draft_path(out_dir, draft, fmt)
        state = offer_state(record)
        record.follow_ups, record.followed_up_at, record.updated_at = record.follow_ups + 1, now, now
        session.add(record)
        record_event(session, record.business_id, action="follow-up", by=by, at=now, before=state,
                     after=offer_state(record), offer_code=record.offer_code, source="follow-up",
                     note=f"follow-up {record.follow_ups} drafted", draft_path=str(path.resolve()))
        report.drafted.append(FollowUp(draft, path, record.follow_ups))
    session.flush()
    return report
