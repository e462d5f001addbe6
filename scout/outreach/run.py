"""`scout outreach draft`: drafts for the top leads, one active offer per business, written as md, eml or csv.

Re-drafting a business whose offer is still `drafted` keeps its offer code and expiry (renewed once past) and
rewrites its draft with today's figures, language and terms; an offer already sent, replied to or closed is left
alone. Nothing is ever sent: an .eml is addressed to `undisclosed-recipients:;`, since marketplaces do not publish
sellers' e-mail addresses, and its internal notes travel in X-Scout-* headers (not shown in the body; strip them if
a tool sends the file as it is). A .md draft has the message and the internal notes in two separate blocks.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col

from db.models import Business, Outreach, RankingEntry, Seller, SellerScore
from scout.errors import DatabaseError, InputError
from scout.identity.names import fold_text
from scout.outreach.drafts import (
    Draft,
    Economics,
    Offer,
    compose_draft,
    template_environment,
)
from scout.outreach.formats import FORMATS, draft_email, draft_markdown, write_drafts_csv
from scout.outreach.locale import LANGUAGES
from scout.outreach.recipient import Storefront
from scout.scoring.categories import classify, split_keys
from scout.scoring.leads import select_leads
from scout.settings import OutreachSettings

CSV_NAME = "drafts.csv"
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
    """The business's offer record, created when it has none; safe when two people draft at once."""
    for _ in range(5):
        record = session.execute(select(Outreach).where(col(Outreach.business_id) == business_id)
                                 ).scalar_one_or_none()
        if record is not None:
            return record
        record = Outreach(business_id=business_id, status="drafted", offer_code=new_code(),
                          free_months=settings.free_months, commission_pct=settings.commission_pct,
                          expires_on=now.date() + timedelta(days=settings.offer_valid_days), created_at=now,
                          updated_at=now)
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return record
        except IntegrityError:  # another drafter took the business, or the code clashed: look again
            continue
    raise DatabaseError(f"could not create an offer for business:{business_id} (offer codes keep clashing)")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", fold_text(name).lower()).strip("-")[:40].strip("-") or "business"


def _draft_path(out_dir: Path, draft: Draft, fmt: str) -> Path:
    """Where a draft goes: its own file, or the run's drafts.csv."""
    return out_dir / (CSV_NAME if fmt == "csv" else f"{draft.business_id}-{_slug(draft.business_name)}.{fmt}")


def _prepare_out_dir(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} is a file, not a folder for drafts")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"cannot create {out_dir}: {err.strerror or err}") from None


def draft_offers(session: Session, settings: OutreachSettings, *, out_dir: Path, now: datetime, top: int = 50,
                 language: str = "auto", fmt: str = "md", include_suppressed: bool = False,
                 include_low_data: bool = False, new_code: Callable[[], str] = new_offer_code) -> DraftReport:
    """Draft offers for the top leads (as `scout leads --top N`; businesses with too little data only when
    `include_low_data`) and write them to `out_dir`."""
    if language != "auto" and language not in LANGUAGES:
        raise InputError(f"unknown language {language!r} (known: auto, {', '.join(LANGUAGES)})")
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r} (known: {', '.join(FORMATS)})")
    settings.check()
    env = template_environment(settings.templates_dir)
    leads = select_leads(session, top=top, include_suppressed=include_suppressed, include_low_data=include_low_data)
    report = DraftReport()
    pending: list[tuple[Draft, Outreach, bool]] = []
    for lead in leads:
        if lead.business_id is None:
            report.skipped.append((lead.name, "not matched to a business yet: run `scout match`, then `scout score`"))
            continue
        why = lead.suppressed
        if why and not include_suppressed:
            report.skipped.append((lead.name, f"suppressed: {why}"))
            continue
        business = session.get(Business, lead.business_id)
        if business is None:
            report.skipped.append((lead.name, "its business no longer exists: run `scout score` again"))
            continue
        existed = session.execute(select(col(Outreach.id)).where(col(Outreach.business_id) == lead.business_id)
                                  ).first() is not None
        record = claim_offer(session, lead.business_id, new_code=new_code, now=now, settings=settings)
        if record.status != "drafted":
            report.skipped.append((lead.name, f"offer {record.offer_code} is {record.status}: left alone"))
            continue
        if record.expires_on is None or record.expires_on < now.date():
            record.expires_on = now.date() + timedelta(days=settings.offer_valid_days)
        offer = Offer(record.offer_code, record.expires_on, settings.free_months, settings.commission_pct)
        economics = Economics(lead.gmv_month_low, lead.gmv_month_high, lead.currency, settings.free_months,
                              settings.commission_pct, basis=lead.gmv_basis, rate_date=lead.rate_date,
                              storefronts=lead.storefront_gmv)
        draft = compose_draft(env, settings, business_id=lead.business_id, business_name=business.name,
                              business_country=business.country, storefronts=load_storefronts(session, business.id
                                                                                             or 0),
                              ranks=load_ranks(session, lead.business_id), offer=offer, economics=economics,
                              language=language, suppressed=why)
        pending.append((draft, record, existed))
    _prepare_out_dir(out_dir)
    written: list[Path] = []
    try:
        for draft, _, _ in pending:
            path = _draft_path(out_dir, draft, fmt)
            if fmt == "md":
                path.write_text(draft_markdown(draft, settings), encoding="utf-8")
            elif fmt == "eml":
                path.write_bytes(draft_email(draft, settings, now))
            written.append(path)
        if fmt == "csv":
            write_drafts_csv([d for d, _, _ in pending], out_dir / CSV_NAME)
    except OSError as err:  # a folder that cannot be written: no half-written run, no offer recorded (rollback)
        for path in written:
            path.unlink(missing_ok=True)
        raise InputError(f"cannot write drafts in {out_dir}: {err.strerror or err}") from None
    for draft, record, existed in pending:
        path = _draft_path(out_dir, draft, fmt)
        record.language, record.free_months, record.commission_pct = (draft.language, draft.offer.free_months,
                                                                      draft.offer.commission_pct)
        record.draft_path, record.updated_at = str(path.resolve()), now
        session.add(record)
        report.drafted.append(DraftOutcome(draft, path, existed))
    session.flush()
    return report
