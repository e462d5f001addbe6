"""`scout outreach draft`: drafts for the top leads, one active offer per business, written as md, eml or csv.

Re-drafting a business whose offer is still `drafted` keeps its offer code and expiry (renewed once past) and
rewrites its draft with today's figures, language and terms; an offer already sent, replied to or closed is left
alone. Every draft, and every follow-up (scout.outreach.followup), goes through `draft_business`, which applies the
suppression rule and the channel gate at drafting time. Nothing is ever sent: an .eml is addressed to the business's
public e-mail only where the gate allows e-mail (else `undisclosed-recipients:;`), and its internal notes travel in
X-Scout-* headers (not shown in the body; strip them if a tool sends the file as it is). A .md draft has the message
and the internal notes in two separate blocks.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from db.models import Business, LeadScore, Outreach, RankingEntry, Seller, SellerScore
from scout.errors import DatabaseError, InputError
from scout.identity.contacts import business_contacts
from scout.identity.keys import business_key
from scout.identity.names import fold_text
from scout.identity.suppressed import SuppressionList, business_facts
from scout.outreach.channels import Channel, ChannelRules, check_channel, choose_channel
from scout.outreach.drafts import (
    Draft,
    Economics,
    Offer,
    compose_draft,
    template_environment,
)
from scout.outreach.formats import FORMATS, draft_email, draft_markdown, write_drafts_csv
from scout.outreach.history import SYSTEM, offer_state, record_event
from scout.outreach.locale import LANGUAGES
from scout.outreach.recipient import Storefront, site_country
from scout.outreach.statuses import NO_OFFER
from scout.scoring.categories import classify, split_keys
from scout.scoring.leads import select_leads
from scout.settings import OutreachSettings

if TYPE_CHECKING:
    from jinja2.sandbox import SandboxedEnvironment

CSV_NAME = "drafts.csv"
FOLLOW_UPS_CSV = "follow-ups.csv"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_offer_code() -> str:
    """A fresh random offer code such as SC-7KQ4-M2XD."""
    part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
    return f"SC-{part[:4]}-{part[4:]}"


@dataclass(frozen=True)
class DraftOutcome:
    """One draft written."""

    draft: Draft
    path: Path
    refreshed: bool  # the business already had this (drafted) offer


@dataclass
class DraftReport:
    """What `scout outreach draft` did."""

    drafted: list[DraftOutcome] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (business, why)


def load_storefronts(session: Session, business_id: int) -> list[Storefront]:
    """A business's storefronts with their scored figures, best score first."""
    rows = session.execute(select(Seller, SellerScore).outerjoin(SellerScore, col(SellerScore.seller_pk) == col(
        Seller.id)).where(col(Seller.business_id) == business_id, col(Seller.is_platform).is_(False))).all()
    rows = sorted(rows, key=lambda r: (-(r[1].score if r[1] else -1), r[0].id or 0))
    return [Storefront(marketplace=s.marketplace, seller_id=s.seller_id, site=s.site, url=s.url, name=s.name,
                       business_name=s.business_name, country=s.country,
                       stars=score.stars if score else None,
                       positive_share=score.positive_share if score else None,
                       rating_count=score.rating_count if score else None,
                       categories=tuple(split_keys(score.categories)) if score else ())
            for s, score in rows]


def load_ranks(session: Session, business_id: int) -> list[tuple[int, str]]:
    """(best rank, category key) of the business's products on best-seller lists, best first; a list whose name
    maps to no category of the shared taxonomy is left out (no raw code reaches a draft)."""
    best = func.min(col(RankingEntry.rank))
    rows = session.execute(select(best, col(RankingEntry.marketplace), col(RankingEntry.list_name)).join(
        Seller, col(Seller.id) == col(RankingEntry.seller_pk)).where(
        col(Seller.business_id) == business_id, col(RankingEntry.list_name).is_not(None))
        .group_by(col(RankingEntry.marketplace), col(RankingEntry.list_name))
        .order_by(best, col(RankingEntry.list_name)).limit(10)).all()
    found: dict[str, int] = {}
    for rank, marketplace, name in rows:
        key = classify(str(marketplace), str(name))
        if key is not None and key not in found:
            found[key] = int(rank)
    return sorted(((rank, key) for key, rank in found.items()))[:3]


def claim_offer(session: Session, business_id: int, *, new_code: Callable[[], str], now: datetime,
                settings: OutreachSettings) -> Outreach:
    """The business's offer record, created (status new, no draft yet) when it has none; safe when two people
    draft or assign at once."""
    for _ in range(5):
        record = session.execute(select(Outreach).where(col(Outreach.business_id) == business_id)
                                 ).scalar_one_or_none()
        if record is not None:
            return record
        record = Outreach(business_id=business_id, status=NO_OFFER, offer_code=new_code(),
                          free_months=settings.free_months, commission_pct=settings.commission_pct, created_at=now,
                          updated_at=now)
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return record
        except IntegrityError:  # another drafter took the business, or the code clashed: look again
            continue
    raise DatabaseError(f"could not create an offer for business:{business_id} (offer codes keep clashing)")


def load_economics(session: Session, business_id: int, settings: OutreachSettings) -> Economics:
    """What the offer to a business costs us, from its stored lead score (unknown before `scout score`)."""
    row = session.execute(select(col(LeadScore.gmv_month_low), col(LeadScore.gmv_month_high),
                                 col(LeadScore.currency), col(LeadScore.gmv_basis), col(LeadScore.rate_date),
                                 col(LeadScore.storefront_gmv)).where(col(LeadScore.business_id) == business_id)
                          ).first()
    low, high, currency, basis, rate_date, storefronts = row if row is not None else (None,) * 6
    return Economics(low, high, currency, settings.free_months, settings.commission_pct, basis=basis,
                     rate_date=rate_date, storefronts=storefronts)


def gate_channel(session: Session, business: Business, storefronts: Sequence[Storefront],
                 settings: OutreachSettings, *, wanted: str | None = None, override: str | None = None) -> Channel:
    """The channel the gate allows for a business, from its storefronts' public contacts (InputError when a
    `wanted` channel is impossible or refused without an `override`)."""
    assert business.id is not None
    country = business.country or next((s.country for s in storefronts if s.country), None) or next(
        (c for s in storefronts if (c := site_country(s.site))), None)
    return choose_channel(business_contacts(session, business.id), country, ChannelRules.of(settings),
                          wanted=wanted, override=override)


def draft_business(session: Session, env: SandboxedEnvironment, settings: OutreachSettings, *, business: Business,
                   record: Outreach, suppressions: SuppressionList, economics: Economics, language: str = "auto",
                   include_suppressed: bool = False, kind: str = "offer", channel: str | None = None,
                   override: str | None = None) -> Draft | str:
    """The one drafting step offers and follow-ups share: the draft, or why the business may not get one now.

    Suppression is checked here, at drafting time, with the one rule (scout.identity.suppressed), and so is the
    channel gate (scout.outreach.channels): any other check on whether and how a business may be written to
    belongs here too, so that it holds for follow-ups as well.
    """
    assert business.id is not None and record.expires_on is not None
    key = business_key(business.id, 0)
    why = suppressions.verdicts(business_facts(session, [key])).get(key) if len(suppressions) else None
    if why and not include_suppressed:
        return f"suppressed: {why}"
    storefronts = load_storefronts(session, business.id)
    try:
        gated = gate_channel(session, business, storefronts, settings, wanted=channel, override=override)
    except InputError as err:
        return str(err)
    offer = Offer(record.offer_code, record.expires_on, settings.free_months, settings.commission_pct)
    return compose_draft(env, settings, business_id=business.id, business_name=business.name,
                         business_country=business.country, storefronts=storefronts,
                         ranks=load_ranks(session, business.id), offer=offer, economics=economics, language=language,
                         suppressed=why, status=record.status if record.status != NO_OFFER else "drafted", kind=kind,
                         channel=gated)


def slug(name: str) -> str:
    """A file-name-safe form of a business name."""
    return re.sub(r"[^a-z0-9]+", "-", fold_text(name).lower()).strip("-")[:40].strip("-") or "business"


def prepare_out_dir(out_dir: Path) -> None:
    """Create the drafts folder (InputError when it is a file or cannot be made)."""
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file, not a folder for drafts")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create {out_dir}: {err.strerror or err}") from None


def check_draft_options(language: str, fmt: str, settings: OutreachSettings) -> None:
    """Raise InputError or ConfigError for options or settings no draft can be written with."""
    if language != "auto" and language not in LANGUAGES:
        raise InputError(f"unknown language {language!r} (known: auto, {', '.join(LANGUAGES)})")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    settings.check()


def draft_path(out_dir: Path, draft: Draft, fmt: str) -> Path:
    """Where a draft goes: its own file, or the run's CSV (follow-ups named as such)."""
    follow_up = draft.kind == "followup"
    if fmt == "csv":
        return out_dir / (FOLLOW_UPS_CSV if follow_up else CSV_NAME)
    return out_dir / f"{draft.business_id}-{slug(draft.business_name)}{'-follow-up' if follow_up else ''}.{fmt}"


def write_drafts(drafts: Sequence[Draft], out_dir: Path, fmt: str, settings: OutreachSettings, now: datetime,
                 *, csv_name: str = CSV_NAME) -> None:
    """Write a run's drafts; a folder that cannot be written leaves none of them behind (InputError)."""
    prepare_out_dir(out_dir)
    written: list[Path] = []
    try:
        for draft in drafts if fmt != "csv" else ():
            path = draft_path(out_dir, draft, fmt)
            write_draft(draft, path, fmt, settings, now)
            written.append(path)
        if fmt == "csv":
            write_drafts_csv(drafts, out_dir / csv_name)
    except OSError as err:
        for path in written:
            path.unlink(missing_ok=True)
        raise InputError(f"cannot write drafts in {out_dir}: {err.strerror or err}") from None


def write_draft(draft: Draft, path: Path, fmt: str, settings: OutreachSettings, now: datetime) -> None:
    """One draft as a .md or .eml file (a CSV holds all of a run's drafts: write_drafts_csv)."""
    if fmt == "md":
        path.write_text(draft_markdown(draft, settings), encoding="utf-8")
    elif fmt == "eml":
        path.write_bytes(draft_email(draft, settings, now))


def draft_offers(session: Session, settings: OutreachSettings, *, out_dir: Path, now: datetime, top: int = 50,
                 language: str = "auto", fmt: str = "md", include_suppressed: bool = False,
                 include_low_data: bool = False, new_code: Callable[[], str] = new_offer_code,
                 by: str = SYSTEM, channel: str | None = None, override: str | None = None,
                 max_drafts: int | None = None, new_only: bool = False) -> DraftReport:
    """Draft offers for the top leads (as `scout leads --top N`; businesses with too little data only when
    `include_low_data`) and write them to `out_dir`; a folder that cannot be written records no offer.

    Each draft goes by the channel the gate allows; `channel` asks for one (businesses it is impossible or refused
    for are skipped, saying why), `override` records the reason to use it where the gate refuses. `max_drafts`
    stops after that many drafts; `new_only` leaves businesses that already have a draft alone."""
    check_draft_options(language, fmt, settings)
    if override is not None and channel is None:
        raise InputError("--override needs --channel: the channel the team decided to use")
    if channel is not None:
        check_channel(channel)
    env = template_environment(settings.templates_dir)
    leads = select_leads(session, top=top, include_suppressed=include_suppressed, include_low_data=include_low_data)
    suppressions = SuppressionList.load(session)
    report = DraftReport()
    pending: list[tuple[Draft, Outreach, bool]] = []
    for lead in leads:
        if max_drafts is not None and len(pending) >= max_drafts:
            break
        if lead.business_id is None:
            report.skipped.append((lead.name, "not matched to a business yet: run `scout match`, then `scout score`"))
            continue
        if lead.suppressed and not include_suppressed:
            report.skipped.append((lead.name, f"suppressed: {lead.suppressed}"))
            continue
        business = session.get(Business, lead.business_id)
        if business is None:
            report.skipped.append((lead.name, "its business no longer exists: run `scout score` again"))
            continue
        existed = session.execute(select(col(Outreach.id)).where(col(Outreach.business_id) == lead.business_id)
                                  ).first() is not None
        record = claim_offer(session, lead.business_id, new_code=new_code, now=now, settings=settings)
        if new_only and record.status != NO_OFFER:
            continue
        if record.status not in (NO_OFFER, "drafted"):
            report.skipped.append((lead.name, f"offer {record.offer_code} is {record.status}: left alone"))
            continue
        if record.status == NO_OFFER or record.expires_on is None or record.expires_on < now.date():
            record.expires_on = now.date() + timedelta(days=settings.offer_valid_days)
        economics = Economics(lead.gmv_month_low, lead.gmv_month_high, lead.currency, settings.free_months,
                              settings.commission_pct, basis=lead.gmv_basis, rate_date=lead.rate_date,
                              storefronts=lead.storefront_gmv)
        draft = draft_business(session, env, settings, business=business, record=record, suppressions=suppressions,
                               economics=economics, language=language, include_suppressed=include_suppressed,
                               channel=channel, override=override)
        if isinstance(draft, str):
            report.skipped.append((lead.name, draft))
            if not existed:
                session.delete(record)
            continue
        pending.append((draft, record, existed))
    write_drafts([d for d, _, _ in pending], out_dir, fmt, settings, now)
    for draft, record, existed in pending:
        path = draft_path(out_dir, draft, fmt)
        state = offer_state(record)
        record.language, record.free_months, record.commission_pct = (draft.language, draft.offer.free_months,
                                                                      draft.offer.commission_pct)
        record.draft_path, record.updated_at = str(path.resolve()), now
        gated = draft.channel
        overridden = gated is not None and gated.override and gated.override != record.channel_override
        note = f"channel {gated.channel} by override: {gated.override}" if overridden and gated else None
        if gated is not None:
            record.channel, record.channel_rule, record.channel_override = (gated.channel, gated.rule,
                                                                            gated.override)
        refreshed = record.status == "drafted"
        if not refreshed or note:  # the offer's first draft (new or assigned -> drafted), or a new override
            record.status = "drafted"
            record_event(session, record.business_id, action="draft", by=by, at=now, before=state if existed else
                         None, after=offer_state(record), offer_code=record.offer_code, source="draft",
                         draft_path=record.draft_path, note=note)
        session.add(record)
        report.drafted.append(DraftOutcome(draft, path, refreshed))
    session.flush()
    return report
