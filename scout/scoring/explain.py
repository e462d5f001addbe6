"""`scout explain`: how a business's or storefront's stored score was made, component by component, and the
assumptions behind its revenue range. Reads the whole score rows, so it imports the ORM models where used."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select

from db.queries import lead_score, seller, seller_score
from scout.errors import InputError
from scout.identity.names import normalize_name
from scout.money import money_range
from scout.scoring.categories import category_name, split_keys
from scout.scoring.components import COMPONENTS, weighted_score
from scout.scoring.leads import NO_SCORES
from scout.settings import ScoringSettings
from scrapers.registry import MARKETPLACES

if TYPE_CHECKING:
    from sqlmodel import Session

    from db.models import SellerScore


@dataclass(frozen=True)
class ComponentLine:
    """One component of a score: its value, weight, share of the score, and what it rests on."""

    name: str
    value: float
    weight: float
    points: float  # contribution to the 0-100 score
    detail: str


@dataclass(frozen=True)
class Explanation:
    """Why a business or storefront scored what it did."""

    kind: str  # "business" or "storefront"
    key: str
    name: str
    score: float
    insufficient: bool
    reason: str | None
    combination: str
    components: list[ComponentLine]
    storefronts: list[tuple[str, str, float, bool]]  # (marketplace, name or seller id, score, insufficient)
    revenue: list[str]
    stale: bool
    computed_at: datetime


def component_details(row: SellerScore, settings: ScoringSettings) -> dict[str, str]:
    """What each component of a storefront's score rests on, in words."""
    if row.gmv_month_low_rc is None:
        volume = "no monthly GMV estimate (see the revenue estimate): 0"
    else:
        volume = (f"monthly GMV ~{money_range(row.gmv_month_low_rc, row.gmv_month_high_rc, row.reporting_currency)}: "
                  f"percentile {row.volume:.0%} among the storefronts of every marketplace")
        if row.marketplace_rank is not None:
            volume += f"; #{row.marketplace_rank:,} by monthly GMV within {row.marketplace}"
    details = {"volume": volume}
    if row.positive_share is None:
        details["quality"] = "no positive % or star rating"
    else:
        source = (f"{row.stars:g}/5 stars mapped to {row.positive_share:.1%} positive ((stars - 1) / 4)"
                  if row.quality_basis == "stars" else f"{row.positive_share:.1%} positive")
        bound = "no ratings" if row.wilson is None else f"Wilson lower bound {row.wilson:.1%}"
        over = "ratings" if row.rating_count is not None else "sales"
        details["quality"] = (f"{source} of {row.quality_n or 0:,} {over}: {bound}, "
                              f"scaled from {settings.quality_floor:.0%} (=0) to 100% (=1)")
    if row.momentum_series is None:
        details["momentum"] = "fewer than two snapshots far enough apart: neutral"
    else:
        relative = "n/a" if row.growth_rel is None else f"{row.growth_rel:+.1%}"
        details["momentum"] = (f"{row.momentum_series}: {row.growth_per_30d or 0:+,.1f} per 30 days over "
                               f"{row.momentum_days or 0:.0f} days, {relative} of the earlier count")
    details["ranking"] = ("no products on best-seller lists" if not row.ranked_products else
                          f"{row.ranked_products} ranked products, best rank #{row.best_rank}")
    details["breadth"] = (f"{row.marketplaces_count} marketplace(s) for its business, "
                          f"{'unknown' if row.listings is None else f'{row.listings:,}'} listings")
    names = ", ".join(category_name(k) for k in split_keys(row.categories))
    details["fit"] = (f"categories: {names}" if names else "no category known") + (
        "" if settings.category_weights else " (no [scoring] category_weights set: default fit)")
    return details


def _figure(value: float | None) -> str:
    return "unknown" if value is None else f"{value:,.0f}"


def _span(low: float | None, high: float | None, unit: str = "") -> str:
    if low is None or high is None:
        return "unknown"
    text = _figure(low) if round(low) == round(high) else f"{_figure(low)}-{_figure(high)}"
    return f"{text} {unit}".rstrip()


def revenue_assumptions(row: SellerScore, label: str) -> list[str]:
    """A storefront's orders, price, lifetime revenue and monthly GMV, each with its period, currency and basis."""
    cur, rc = row.currency or "", row.reporting_currency or ""
    if row.orders_low is None and row.orders_month_low is None:
        return [f"{label}: no rating or sales count: volume not estimated"]
    lines = [f"{label} (figures in {cur or 'no currency'}):"]
    if row.orders_low is not None:
        count = "" if row.orders_exact else f" from {row.rating_count or 0:,} {row.count_basis} ratings"
        lines.append(f"  orders, {row.revenue_period}: {_span(row.orders_low, row.orders_high)}{count} "
                     f"({row.orders_basis})")
    if not row.orders_exact and row.feedback_rate_low is not None:
        lines.append(f"    feedback rate {row.feedback_rate_low:.0%}-{row.feedback_rate_high or 0:.0%}: "
                     f"{row.feedback_source}")
    if row.orders_month_low is not None:
        lines.append(f"  orders per month: {_span(row.orders_month_low, row.orders_month_high)} "
                     f"({(row.gmv_basis or '').split('; ×')[0]})")
    if row.price_low is None:
        lines.append("  price: none observed on this storefront or its marketplace: money not estimated")
        return lines
    lines.append(f"  price: {_span(row.price_low, row.price_high, cur)} ({row.price_basis})")
    lines.append(f"  revenue, {row.revenue_period or 'lifetime'}: {_span(row.revenue_low, row.revenue_high, cur)} "
                 f"(orders x price)")
    lines.append(f"  GMV per month: {_span(row.gmv_month_low, row.gmv_month_high, cur)} "
                 f"(orders per month x price)")
    if row.rate is None:
        lines.append(f"  no exchange rate from {cur} to {rc}: left out of {rc} totals and rankings")
    elif cur != rc:
        lines.append(f"  in {rc} at {row.rate:.6g} {rc}/{cur} (reference rate of {row.rate_date}): GMV per month "
                     f"{_span(row.gmv_month_low_rc, row.gmv_month_high_rc, rc)}, revenue, {row.revenue_period}, "
                     f"{_span(row.revenue_low_rc, row.revenue_high_rc, rc)}")
    return lines


def _resolve(session: Session, target: str) -> tuple[str, int | None]:
    """(business key, seller pk when the target names one storefront)."""
    text = target.strip()
    stored = select(seller_score.c.business_key, seller_score.c.seller_pk)
    keyed = re.fullmatch(r"(business|seller):(\d+)", text)
    if keyed:
        if keyed.group(1) == "business":
            return text, None
        found = session.execute(stored.where(seller_score.c.seller_pk == int(keyed.group(2)))).first()
        if found is None:
            raise InputError(_unscored(session, seller.c.id == int(keyed.group(2)), text))
        return found[0], found[1]
    mp, sep, seller_id = text.partition(":")
    if sep and mp in MARKETPLACES:
        row = session.execute(stored.join(seller, seller.c.id == seller_score.c.seller_pk).where(
            seller.c.marketplace == mp, seller.c.seller_id == seller_id)).first()
        if row is None:
            raise InputError(_unscored(session, (seller.c.marketplace == mp) & (seller.c.seller_id == seller_id), text))
        return row[0], row[1]
    name = normalize_name(text)
    leads = session.execute(select(lead_score.c.business_key).where(lead_score.c.normalized_name == name)
                            ).scalars().all()
    stores = session.execute(stored.where(or_(
        seller_score.c.normalized_name == name, seller_score.c.normalized_legal_name == name))).all()
    if not leads and not stores:  # no exact match: a unique business whose name contains the text
        leads = session.execute(select(lead_score.c.business_key).where(
            func.lower(lead_score.c.name).contains(text.lower())).limit(6)).scalars().all()
    if len(leads) == 1:
        return leads[0], None
    if not leads and len(stores) == 1:
        return stores[0][0], stores[0][1]
    candidates = sorted(set(leads) | {f"seller:{pk}" for _, pk in stores})
    if not candidates and session.execute(select(seller.c.id).where(func.lower(seller.c.name) == text.lower())
                                          .limit(1)).first() is not None:
        raise InputError(f"{target!r} was stored after the last `scout score`: run `scout score` first")
    if not candidates:
        raise InputError(f"no business or seller named {target!r} (try business:<id>, seller:<pk> or "
                         "marketplace:seller_id)")
    raise InputError(f"{target!r} is ambiguous: {', '.join(candidates[:5])}{' ...' if len(candidates) > 5 else ''}")


def _unscored(session: Session, where: Any, target: str) -> str:
    """Why a storefront has no score: unknown, or stored after the last `scout score`."""
    if session.execute(select(seller.c.id).where(where).limit(1)).first() is not None:
        return f"{target!r} was stored after the last `scout score`: run `scout score` first"
    return f"no storefront {target!r}"


def explain(session: Session, target: str, settings: ScoringSettings) -> Explanation:
    """Explain a business's or storefront's stored score: components, weights, revenue assumptions."""
    from sqlmodel import col

    from db.models import LeadScore, Seller, SellerScore  # the ORM: only explanations need whole rows

    if session.execute(select(lead_score.c.id).limit(1)).first() is None:
        raise InputError(NO_SCORES)
    key, seller_pk = _resolve(session, target)
    lead = session.execute(select(LeadScore).where(col(LeadScore.business_key) == key)).scalar_one_or_none()
    if lead is None:
        raise InputError(f"no scored business {key!r}")
    stores = session.execute(select(SellerScore, col(Seller.name), col(Seller.seller_id)).join(
        Seller, col(Seller.id) == col(SellerScore.seller_pk)).where(col(SellerScore.business_key) == key)
        .order_by(col(SellerScore.score).desc())).all()
    labels = {s.seller_pk: f"{s.marketplace} {name or sid}" for s, name, sid in stores}
    weights = settings.weights()
    if seller_pk is not None:
        row = next(s for s, _, _ in stores if s.seller_pk == seller_pk)
        details = component_details(row, settings)
        values, subject, score = {n: getattr(row, n) for n in COMPONENTS}, row, row.score
        kind, name, combination = "storefront", labels[seller_pk], f"one storefront of {key}"
    else:
        main = next((s for s, _, _ in stores if s.seller_pk == lead.main_seller_pk), stores[0][0])
        details = component_details(main, settings)
        listings = sum(s.listings or 0 for s, _, _ in stores)
        details["breadth"] = (f"{len(lead.marketplaces.split(','))} marketplace(s): {lead.marketplaces}; "
                              f"{listings:,} listings over {lead.storefronts} storefront(s)")
        values = {n: getattr(lead, n) for n in COMPONENTS}
        subject, score, kind, name = lead, lead.score, "business", lead.name
        details["volume"] = (f"monthly GMV ~{money_range(lead.gmv_month_low, lead.gmv_month_high, lead.currency)} "
                             f"summed over its storefronts: percentile {lead.volume:.0%} among all businesses"
                             if lead.gmv_month_low is not None else "no monthly GMV estimate: 0")
        combination = (f"the best storefront ({labels.get(main.seller_pk, '?')}), with breadth over all "
                       f"{lead.storefronts} storefront(s) and volume from their total monthly GMV; money summed "
                       f"over storefronts each converted into {lead.currency or '-'} (rates of "
                       f"{lead.rate_date or '-'})")
    total = sum(weights.values())
    lines = [ComponentLine(n, values[n], weights[n], 100 * weights[n] * values[n] / total, details[n])
             for n in COMPONENTS]
    stale = not subject.insufficient and abs(weighted_score(values, weights) - score) > 0.01
    revenue = [line for s, _, _ in stores if seller_pk in (None, s.seller_pk)
               for line in revenue_assumptions(s, labels[s.seller_pk])]
    if seller_pk is None:
        revenue.append(f"business total in {lead.currency or '-'} (each storefront converted, rates of "
                       f"{lead.rate_date or '-'}): GMV per month {_span(lead.gmv_month_low, lead.gmv_month_high)}, "
                       f"revenue, {lead.revenue_period or 'lifetime'}, {_span(lead.revenue_low, lead.revenue_high)}")
    return Explanation(kind, key, name, score, subject.insufficient, subject.reason, combination, lines,
                       [(s.marketplace, labels[s.seller_pk], s.score, s.insufficient) for s, _, _ in stores],
                       revenue, stale, subject.computed_at)
