"""Leads: businesses ranked by their stored score, filtered, with suppression and pipeline status.

Reads what `scout score` stored (`lead_score`, `seller_score`), so listing leads stays fast on large databases.
Listing reads through db.queries' Core tables; explanations need the ORM models, imported where they are used.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import literal, or_, select
from sqlalchemy.engine import Connection

from db.queries import lead_score, outreach, seller, seller_score
from scout.errors import InputError
from scout.identity.suppressed import SuppressionList, business_facts
from scout.scoring.categories import resolve_category
from scout.scoring.components import COMPONENTS
from scrapers.registry import MARKETPLACES

if TYPE_CHECKING:
    from sqlmodel import Session


NO_SCORES = "no scores yet: run `scout score` first"
MAX_TOP = 100_000  # leads in one list at most (a spreadsheet's worth; more is a typo)


@dataclass(frozen=True)
class Lead:
    """One business on the leads list."""

    rank: int
    business_key: str
    business_id: int | None
    name: str
    marketplaces: tuple[str, ...]
    storefronts: int
    main_url: str | None
    score: float
    components: dict[str, float]
    positive_pct: float | None
    rating_count: int | None
    revenue_low: float | None  # lifetime (or revenue_period), in `currency`, summed over storefronts
    revenue_high: float | None
    currency: str | None  # the reporting currency
    revenue_exact: bool
    revenue_period: str | None
    revenue_basis: str | None
    gmv_month_low: float | None  # per month, in `currency`
    gmv_month_high: float | None
    gmv_basis: str | None
    rate_date: str | None  # the exchange rates' date
    storefront_gmv: str | None  # each storefront's monthly GMV in its own currency
    marketplace_rank: int | None  # its main storefront's rank by monthly GMV within its marketplace
    growth_pct_30d: float | None
    country: str | None
    categories: str | None
    status: str  # the outreach pipeline status, "new" when there is none
    last_seen: datetime
    insufficient: bool = False
    reason: str | None = None
    suppressed: str | None = None  # why the suppression list catches it (listed only when asked)
    owner: str | None = None  # the team member working it (scout outreach assign)
    # the public contact details its storefronts' pages show (the main storefront's first, then the others')
    legal_name: str | None = None
    business_type: str | None = None
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    vat_number: str | None = None
    trade_register: str | None = None


def check_lead_filters(top: int, marketplace: str | None, country: str | None, min_score: float | None,
                       marketplace_top: int | None = None) -> None:
    """Raise InputError for a filter that can never be right."""
    if not 1 <= top <= MAX_TOP:
        raise InputError(f"top must be at least 1 and at most {MAX_TOP:,}, got {top}")
    if marketplace_top is not None and not 1 <= marketplace_top <= MAX_TOP:
        raise InputError(f"marketplace top must be at least 1 and at most {MAX_TOP:,}, got {marketplace_top}")
    if marketplace is not None and marketplace not in MARKETPLACES:
        raise InputError(f"unknown marketplace {marketplace!r} (known: {', '.join(MARKETPLACES)})")
    if country is not None and not re.fullmatch(r"[A-Za-z]{2}", country):
        raise InputError(f"country must be a two-letter code such as DE, got {country!r}")
    if min_score is not None and not 0 <= min_score <= 100:
        raise InputError(f"min score must be between 0 and 100, got {min_score:g}")


def select_leads(session: Connection | Session, *, top: int = 50, marketplace: str | None = None,
                 category: str | None = None, country: str | None = None, min_score: float | None = None,
                 include_suppressed: bool = False, marketplace_top: int | None = None,
                 include_low_data: bool = True) -> list[Lead]:
    """The best `top` businesses by stored score (insufficient data last); suppressed ones only if asked, marked.

    `category` is a taxonomy key or name (scout.scoring.categories); `marketplace_top` keeps businesses with a
    storefront among the N largest of its marketplace (of `marketplace` when given) by monthly GMV.
    """
    check_lead_filters(top, marketplace, country, min_score, marketplace_top)
    key = resolve_category(category) if category else None
    if session.execute(select(lead_score.c.id).limit(1)).first() is None:
        raise InputError(NO_SCORES)
    query = select(lead_score)
    if marketplace is not None:
        query = query.where((literal(",") + lead_score.c.marketplaces + literal(",")).contains(f",{marketplace},"))
    if key is not None:
        query = query.where(lead_score.c.categories.contains(f",{key},"))
    if marketplace_top is not None:
        ranked = select(seller_score.c.business_key).where(seller_score.c.marketplace_rank <= marketplace_top)
        if marketplace is not None:
            ranked = ranked.where(seller_score.c.marketplace == marketplace)
        query = query.where(lead_score.c.business_key.in_(ranked))
    if not include_low_data:
        query = query.where(lead_score.c.insufficient.is_(False))
    if country is not None:
        query = query.where(lead_score.c.country == country.upper())
    if min_score is not None:
        query = query.where(lead_score.c.score >= min_score)
    ordered = query.order_by(lead_score.c.score.desc(), lead_score.c.id.desc())
    entries = SuppressionList.load(session)
    suppressed: dict[str, str] = {}
    limit = 2 * top + 20
    while True:  # the suppression rule is applied to the best candidates; more are read when it caught too many
        candidates = session.execute(ordered.limit(limit)).all()
        if len(entries):
            suppressed = entries.verdicts(business_facts(session, [r.business_key for r in candidates]))
        kept = [r for r in candidates if include_suppressed or r.business_key not in suppressed]
        if len(kept) >= top or len(candidates) < limit:
            break
        limit *= 2
    rows = kept[:top]
    ids = [r.business_id for r in rows if r.business_id is not None]
    status = dict(session.execute(select(outreach.c.business_id, outreach.c.status)
                                  .where(outreach.c.business_id.in_(ids))).all()) if ids else {}
    owners = lead_owners(session, ids)
    contacts = lead_contacts(session, rows)
    return [Lead(
        rank=i, business_key=r.business_key, business_id=r.business_id, name=r.name,
        marketplaces=tuple(r.marketplaces.split(",")), storefronts=r.storefronts, main_url=r.main_url, score=r.score,
        components={name: getattr(r, name) for name in COMPONENTS}, positive_pct=r.positive_pct,
        rating_count=r.rating_count, revenue_low=r.revenue_low, revenue_high=r.revenue_high, currency=r.currency,
        revenue_exact=r.revenue_exact, revenue_period=r.revenue_period, revenue_basis=r.revenue_basis,
        gmv_month_low=r.gmv_month_low, gmv_month_high=r.gmv_month_high, gmv_basis=r.gmv_basis, rate_date=r.rate_date,
        storefront_gmv=r.storefront_gmv, marketplace_rank=r.marketplace_rank, growth_pct_30d=r.growth_pct_30d,
        country=r.country,
        categories=r.categories, status=status.get(r.business_id, "new"), last_seen=r.last_seen,
        insufficient=r.insufficient, reason=r.reason, suppressed=suppressed.get(r.business_key),
        owner=owners.get(r.business_id), **contacts.get(r.business_key, {}))
        for i, r in enumerate(rows, start=1)]


_LEAD_CONTACT = {"business_name": "legal_name", "business_type": "business_type", "business_address": "address",
                 "phone": "phone", "email": "email", "website": "website", "vat_number": "vat_number",
                 "trade_register": "trade_register"}  # seller column -> Lead field


def lead_contacts(session: Connection | Session, rows: Sequence[Any]) -> dict[str, dict[str, str]]:
    """Business key -> the contact details of its storefronts (Lead fields): each field from the main storefront
    when it shows one, else from the first other storefront that does."""
    main = {r.main_seller_pk: r.business_key for r in rows}
    by_business = {r.business_id: r.business_key for r in rows if r.business_id is not None}
    if not main:
        return {}
    columns = [seller.c[name] for name in _LEAD_CONTACT]
    query = select(seller.c.id, seller.c.business_id, *columns).where(or_(
        seller.c.id.in_(sorted(main)), seller.c.business_id.in_(sorted(by_business))))
    out: dict[str, dict[str, str]] = {}
    for row in sorted(session.execute(query).all(), key=lambda row: (row.id not in main, row.id)):
        key = main.get(row.id) or by_business.get(row.business_id)
        if key is None:
            continue
        found = out.setdefault(key, {})
        for name, field in _LEAD_CONTACT.items():
            value = row._mapping[name]
            if value and field not in found:
                found[field] = value
    return out


def lead_owners(session: Connection | Session, business_ids: list[int]) -> dict[int, str]:
    """Business id -> the owner of its offer, for those of these businesses someone owns."""
    if not business_ids:
        return {}
    return dict(session.execute(select(outreach.c.business_id, outreach.c.owner).where(
        outreach.c.business_id.in_(business_ids), outreach.c.owner.is_not(None))).all())
