"""`scout forget`: erase a business and everything about it (GDPR Art. 17), leaving a do-not-contact entry."""

from __future__ import annotations

import csv
import html
import io
import json
import re
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.entities import codepoint2name
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, Executable, delete, or_, select, update
from sqlmodel import Session, col

from db.archive import compress, content_hash, decompress
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
from scout.identity.lookup import lookup_target
from scout.identity.names import normalize_name
from scout.sanitize import strip_control

FORGET_REASON = "data-subject request"
REDACTED = b"[erased]"


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
    business, seller = lookup_target(session, target)
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
