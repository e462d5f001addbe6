"""The outreach pipeline: one offer per business, its status, the side effects of a change, and `forget`.

    drafted ──> sent ──> replied ──> onboarded      (final: the business goes on the suppression list)
       │          │         │
       │          ├─────────┴──────> declined ──> drafted   (a later, fresh offer)
       │          └────────────────> onboarded
       └──────────┴─────────┴──────> opted-out      (final: do-not-contact, from any state, even with no offer)

An offer is sent before it can be replied to, declined or accepted; `drafted → onboarded` is refused (a seller who
joined on their own belongs on the suppression list: `scout suppress add … --kind onboarded`). Marking the
current status again changes nothing. A suppressed business cannot be marked sent.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from html.entities import codepoint2name
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, func, or_, select, update
from sqlmodel import Session, col

from db.models import (
    Business,
    FrontierEntry,
    LeadScore,
    OfferRecord,
    Outreach,
    Page,
    RankingEntry,
    Seller,
    SellerScore,
    SellerSnapshot,
    Suppression,
)
from db.store import compress, content_hash, decompress
from scout.errors import InputError
from scout.identity.keys import business_key
from scout.identity.names import normalize_name
from scout.identity.suppressed import suppression_verdicts
from scout.identity.suppression import add_suppression
from scout.sanitize import strip_control
from scrapers.registry import MARKETPLACES

STATUSES = ("drafted", "sent", "replied", "onboarded", "declined", "opted-out")
ACTIVE = ("replied", "sent", "drafted")  # an active offer blocks a second one; listed in this order
TRANSITIONS: dict[str, frozenset[str]] = {
    "new": frozenset({"opted-out"}),  # no offer yet: only an opt-out can be recorded
    "drafted": frozenset({"sent", "opted-out"}),
    "sent": frozenset({"replied", "onboarded", "declined", "opted-out"}),
    "replied": frozenset({"onboarded", "declined", "opted-out"}),
    "declined": frozenset({"drafted", "opted-out"}),
    "onboarded": frozenset(),
    "opted-out": frozenset(),
}
FORGET_REASON = "data-subject request"
REDACTED = b"[erased]"


def check_status(status: str) -> str:
    """The status, or an InputError naming the known ones."""
    if status not in STATUSES:
        raise InputError(f"unknown status {status!r} (known: {', '.join(STATUSES)})")
    return status


def _label(business: Business) -> str:
    return f"business:{business.id} ({strip_control(business.name)})"


def _lookup(session: Session, target: str) -> tuple[Business | None, Seller | None]:
    """The business (and the storefront, when the target names one) a command line argument means."""
    text = strip_control(target).strip()
    if not text:
        raise InputError("name a business: its id, marketplace:seller_id, or its name")
    by_id = re.fullmatch(r"(?:business:)?(\d+)", text)
    if by_id:
        business = session.get(Business, int(by_id.group(1)))
        if business is None:
            raise InputError(f"no business with id {by_id.group(1)}")
        return business, None
    marketplace, sep, seller_id = text.partition(":")
    if sep and marketplace.lower() in MARKETPLACES:
        seller = session.execute(select(Seller).where(col(Seller.marketplace) == marketplace.lower(),
                                                      col(Seller.seller_id) == seller_id)).scalar_one_or_none()
        if seller is None:
            raise InputError(f"no {marketplace.lower()} seller with id {seller_id!r}")
        business = session.get(Business, seller.business_id) if seller.business_id is not None else None
        return business, seller
    found = list(session.execute(select(Business).where(or_(
        col(Business.normalized_name) == normalize_name(text), func.lower(col(Business.name)) == text.lower()))
        .order_by(col(Business.id))).scalars())
    if not found:
        found = list(session.execute(select(Business).where(func.lower(col(Business.name)).contains(text.lower()))
                                     .order_by(col(Business.id)).limit(6)).scalars())
    if len(found) == 1:
        return found[0], None
    if found:
        names = ", ".join(_label(b) for b in found[:5])
        raise InputError(f"{text!r} is ambiguous: {names}{' ...' if len(found) > 5 else ''}; use the business id")
    sellers = list(session.execute(select(Seller).where(func.lower(col(Seller.name)) == text.lower()).limit(2))
                   .scalars())
    if len(sellers) == 1:
        seller = sellers[0]
        return (session.get(Business, seller.business_id) if seller.business_id is not None else None), seller
    raise InputError(f"no business named {text!r} (use a business id, marketplace:seller_id, or a name)")


def resolve_business(session: Session, target: str) -> Business:
    """The business a BUSINESS argument names: an id, a storefront `marketplace:seller_id`, or a name."""
    business, seller = _lookup(session, target)
    if business is None:
        assert seller is not None
        raise InputError(f"storefront {seller.marketplace}:{strip_control(seller.seller_id)} is not linked to a "
                         "business yet: run `scout match` first")
    return business


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
            raise InputError(f"{_label(business)} has no offer yet: run `scout outreach draft` first (only "
                             "opted-out can be recorded without one)")
        allowed = ", ".join(s for s in STATUSES if s in TRANSITIONS.get(before, frozenset()))
        raise InputError(f"{_label(business)} cannot go from {before} to {status} "
                         f"(from {before}: {allowed or 'nothing, it is final'})")
    key = business_key(business.id, 0)
    if status == "sent" and before != "sent" and (why := suppression_verdicts(session, [key]).get(key)):
        raise InputError(f"{_label(business)} is suppressed ({strip_control(why)}): not marked sent")
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


# Forgetting a business (GDPR Art. 17)


@dataclass(frozen=True)
class ForgetTarget:
    """What `scout forget` is about to erase."""

    business_id: int | None
    seller_pks: tuple[int, ...]
    name: str  # kept on the do-not-contact entry

    @property
    def label(self) -> str:
        """`business:12 (Alpha GmbH), 2 storefronts`."""
        head = f"business:{self.business_id}" if self.business_id is not None else "storefront"
        return f"{head} ({strip_control(self.name)}), {len(self.seller_pks)} storefront(s)"


@dataclass
class ForgetReport:
    """What was erased."""

    name: str
    storefronts: int = 0
    snapshots: int = 0
    offers: int = 0
    rankings_unlinked: int = 0
    pages_deleted: int = 0
    pages_redacted: int = 0
    scores: int = 0
    outreach: int = 0
    suppressions_replaced: int = 0
    draft_files: list[str] = field(default_factory=list)


def find_forget_target(session: Session, target: str) -> ForgetTarget:
    """The business (with all its storefronts) or the lone storefront a BUSINESS_OR_SELLER argument names."""
    business, seller = _lookup(session, target)
    if business is None:
        assert seller is not None and seller.id is not None
        return ForgetTarget(None, (seller.id,), seller.business_name or seller.name or seller.seller_id)
    pks = tuple(session.execute(select(col(Seller.id)).where(col(Seller.business_id) == business.id)
                                .order_by(col(Seller.id))).scalars())
    return ForgetTarget(business.id, pks, business.name)


def redact_body(body: bytes, needles: Sequence[str | None]) -> bytes:
    """`body` with each needle (raw; HTML-, JSON- or URL-escaped; UTF-8 or Latin-1) replaced by "[erased]"."""
    forms: set[bytes] = set()
    for text in filter(None, needles):
        if len(text.strip()) < 4:  # too short to replace without erasing unrelated text
            continue
        escaped = html.escape(text, quote=False)
        named = "".join(f"&{codepoint2name[ord(c)]};" if ord(c) > 127 and ord(c) in codepoint2name else c
                        for c in escaped)
        numeric = "".join(f"&#{ord(c)};" if ord(c) > 127 else c for c in escaped)
        for variant in {text, html.escape(text), escaped, named, numeric, json.dumps(text)[1:-1],
                        json.dumps(text, ensure_ascii=False)[1:-1], urllib.parse.quote(text),
                        urllib.parse.quote_plus(text)}:
            for encoding in ("utf-8", "latin-1"):
                try:
                    forms.add(variant.encode(encoding))
                except UnicodeEncodeError:
                    continue
    for form in sorted(forms, key=len, reverse=True):
        body = re.sub(rb"(?<![A-Za-z0-9])" + re.escape(form) + rb"(?![A-Za-z0-9])", REDACTED, body)
    return body


def _drop_draft(path: Path, business_id: int) -> bool:
    """Delete a draft file, or this business's rows of a drafts CSV; whether anything was removed."""
    if not path.is_file():
        return False
    if path.suffix.lower() != ".csv":
        path.unlink()
        return True
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    kept = [row for i, row in enumerate(rows) if i == 0 or not row or row[0] != str(business_id)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(kept)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return len(kept) != len(rows)


def _rows(session: Session, statement: Executable) -> int:
    """Run a bulk DELETE or UPDATE; how many rows it touched."""
    return int(cast(CursorResult[Any], session.execute(statement)).rowcount)


def forget(session: Session, target: ForgetTarget) -> ForgetReport:
    """Erase a business, its storefronts and everything about them; leave one do-not-contact entry (name only).

    Pages only about it are deleted; pages shared with other sellers (offer listings, search results, best-seller
    lists) keep their body for the others' figures, with its ids, names and address replaced by "[erased]".
    """
    report = ForgetReport(name=strip_control(target.name))
    pks, bid = list(target.seller_pks), target.business_id
    sellers = list(session.execute(select(Seller).where(col(Seller.id).in_(pks))).scalars()) if pks else []
    business = session.get(Business, bid) if bid is not None else None
    needles = [business.name if business else None] + [v for s in sellers for v in (
        s.seller_id, s.name, s.business_name, s.business_address, s.url)]
    pages: set[int] = set()
    for model in (SellerSnapshot, OfferRecord, RankingEntry):
        pages.update(session.execute(select(col(model.page_id)).where(col(model.seller_pk).in_(pks))).scalars())
    keys = [f"seller:{pk}" for pk in pks] + ([f"business:{bid}"] if bid is not None else [])
    report.scores = _rows(session, delete(LeadScore).where(or_(
        col(LeadScore.business_key).in_(keys), col(LeadScore.business_id) == bid,
        col(LeadScore.main_seller_pk).in_(pks))))
    report.scores += _rows(session, delete(SellerScore).where(or_(
        col(SellerScore.seller_pk).in_(pks), col(SellerScore.business_key).in_(keys))))
    report.snapshots = _rows(session, delete(SellerSnapshot).where(col(SellerSnapshot.seller_pk).in_(pks)))
    report.offers = _rows(session, delete(OfferRecord).where(col(OfferRecord.seller_pk).in_(pks)))
    report.rankings_unlinked = _rows(session, update(RankingEntry).where(col(RankingEntry.seller_pk).in_(pks))
                                     .values(seller_pk=None))
    urls = {s.url for s in sellers if s.url}
    for page_id in sorted(pages):
        in_use = any(session.execute(select(col(model.id)).where(col(model.page_id) == page_id).limit(1)).first()
                     for model in (SellerSnapshot, OfferRecord, RankingEntry))
        page = session.get(Page, page_id)
        if page is None:
            continue
        if not in_use:
            urls.add(page.url)
            session.execute(delete(FrontierEntry).where(col(FrontierEntry.page_id) == page_id))
            session.delete(page)
            report.pages_deleted += 1
            continue
        raw = decompress(page.body)
        redacted = redact_body(raw, needles)
        if redacted != raw:
            page.body, page.content_hash = compress(redacted), f"{content_hash(redacted)}-erased-{page_id}"
            session.add(page)
            report.pages_redacted += 1
    if urls:  # URLs of its pages still waiting in a crawl's frontier
        session.execute(delete(FrontierEntry).where(col(FrontierEntry.url).in_(sorted(urls)),
                                                    col(FrontierEntry.page_id).is_(None)))
    paths: list[str] = []
    if bid is not None:
        for offer in session.execute(select(Outreach).where(col(Outreach.business_id) == bid)).scalars():
            paths += [offer.draft_path] if offer.draft_path else []
            session.delete(offer)
            report.outreach += 1
    names = {n for n in (normalize_name(target.name), *(normalize_name(s.name) for s in sellers)) if n}
    ids = [(s.marketplace, s.seller_id) for s in sellers]
    for entry in list(session.execute(select(Suppression)).scalars()):
        if entry.normalized_name in names or normalize_name(entry.name) in names or (
                (entry.marketplace, entry.seller_id) in ids):
            session.delete(entry)
            report.suppressions_replaced += 1
    session.flush()
    session.execute(delete(Seller).where(col(Seller.id).in_(pks)))
    report.storefronts = len(sellers)
    if business is not None:
        session.delete(business)
    session.flush()
    session.add(Suppression(name=report.name, normalized_name=normalize_name(report.name), kind="do_not_contact",
                            reason=FORGET_REASON, source="forget"))
    session.flush()
    for path in dict.fromkeys(paths):
        if bid is not None and _drop_draft(Path(path), bid):
            report.draft_files.append(path)
    return report
