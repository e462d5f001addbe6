"""Explainable storefront and business scores, from a storefront's figures (pure; the database side is
scout.scoring.store).

A storefront's score is 100 × Σ weight·component / Σ weight over six components, each in [0, 1] (volume,
quality, momentum, ranking, breadth, fit: see scout.scoring.components). Volume compares the estimated monthly GMV
in the reporting currency across every storefront of every marketplace (scout.scoring.revenue); the rank within
its own marketplace is kept beside it.

A storefront with neither a rating count nor an exact sales count, fewer than `min_ratings` of them, or no positive
share is "insufficient data": score 0, ranked last. A business scores as its best storefront with breadth over all of
its storefronts and volume from its total GMV; its money totals convert each storefront into the reporting currency
and add them up. A storefront not matched to a business (no business_id) is its own business, "seller:<pk>".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from scout.identity.keys import business_key
from scout.identity.names import normalize_name as identity_normalize_name
from scout.money import money_range
from scout.scoring.categories import classify_all, join_keys
from scout.scoring.components import (
    COMPONENTS,
    Quality,
    RankHit,
    Snapshot,
    best_ranks,
    exact_sales,
    percentile_ranks,
    score_breadth,
    score_fit,
    score_momentum,
    score_quality,
    score_ranking,
    volume_count,
    weighted_score,
)
from scout.scoring.prices import ReferencePrices
from scout.scoring.rates import Rates, reference_rates
from scout.scoring.revenue import Span, estimate_volume, price_basis
from scout.scoring.rows import BusinessScore, StorefrontScore
from scout.settings import ScoringSettings


@dataclass(slots=True)
class SellerInputs:
    """Everything scoring knows about one storefront."""

    seller_pk: int
    marketplace: str
    seller_id: str
    last_seen: datetime
    name: str | None = None
    legal_name: str | None = None
    url: str | None = None
    country: str | None = None
    business_id: int | None = None
    business_name: str | None = None
    business_country: str | None = None
    snapshots: list[Snapshot] = field(default_factory=list)  # oldest first
    ranks: list[RankHit] = field(default_factory=list)
    prices: list[tuple[float, str | None]] = field(default_factory=list)  # every offer price observed
    categories: list[str] = field(default_factory=list)  # the marketplace's own category codes (offers, profile)
    opened: str | None = None  # ISO date the store opened
    products_seen: int = 0

    @property
    def business_key(self) -> str:
        """The lead's key: its business, or the storefront itself before `scout match` linked it."""
        return business_key(self.business_id, self.seller_pk)


@dataclass(frozen=True)
class Context:
    """What every storefront is scored against: settings, exchange rates, the marketplaces' reference prices."""

    settings: ScoringSettings
    rates: Rates
    references: ReferencePrices
    now: datetime


def normalize_name(text: str | None) -> str | None:
    """The name as identity matching and suppression compare it ("AnkerDirect-US" → "anker"), or None."""
    return identity_normalize_name(text) or None


def _insufficient_reason(count: int | None, sales: int | None, quality: Quality, min_ratings: int) -> str | None:
    if count is None and sales is None:
        return "no rating or sales count"
    evidence, what = (count, "ratings") if count is not None else (sales, "sales")
    if (evidence or 0) < min_ratings:
        return f"only {evidence or 0:,} {what} (fewer than {min_ratings})"
    if quality.basis is None:
        return "no positive % or star rating"
    return None


def _own_prices(seller: SellerInputs, rates: Rates) -> tuple[list[float], str | None]:
    """The storefront's prices in its main currency (the one most of them are in); ranking prices when it has no
    offer prices."""
    observed = seller.prices or [(h.price, h.currency) for h in {(r.product_id, r.price, r.currency): r
                                                                 for r in seller.ranks}.values() if h.price]
    observed = [(p, c) for p, c in observed if p is not None and p > 0]
    if not observed:
        return [], None
    main = Counter(c for _, c in observed).most_common(1)[0][0]
    out = [p * f for p, c in observed if (f := rates.factor(c, main) if main else 1.0) is not None]
    return out, main


def _mid(low: float | None, high: float | None) -> float:
    """The geometric midpoint of a money range (NaN when unknown), what volume compares."""
    if low is None or high is None:
        return math.nan
    return math.sqrt(low * high) if low > 0 else high / 2


def score_storefront(seller: SellerInputs, ctx: Context, marketplaces: int) -> StorefrontScore:
    """One storefront's components, score and volume; `volume` itself is set by `assign_volumes`."""
    settings, rates = ctx.settings, ctx.rates
    count, basis = volume_count(seller.snapshots)
    quality = score_quality(seller.snapshots, settings)
    momentum = score_momentum(seller.snapshots, settings)
    keys = classify_all(seller.marketplace, [*seller.categories, *(h.list_name for h in seller.ranks)])
    listings = next((s.listing_count for s in reversed(seller.snapshots) if s.listing_count is not None),
                    seller.products_seen or None)
    prices, currency = _own_prices(seller, rates)
    reference = ctx.references.lookup(seller.marketplace, keys[0] if keys else None)
    currency = currency or (reference.currency if reference else None)
    price = price_basis(prices, currency, reference, None if reference is None or currency is None else
                        rates.factor(reference.currency, currency), settings.thin_prices)
    rate_range = settings.feedback_range(seller.marketplace)
    opened = _date(seller.opened)
    volume = estimate_volume(seller.marketplace, seller.snapshots, price, momentum, rate_range, settings,
                             opened=opened, now=ctx.now)
    to_rc = rates.factor(currency, settings.currency)
    ranks = best_ranks(seller.ranks)
    row = StorefrontScore(
        seller_pk=seller.seller_pk, business_key=seller.business_key, marketplace=seller.marketplace,
        last_seen=seller.last_seen, computed_at=ctx.now, normalized_name=normalize_name(seller.name),
        normalized_legal_name=normalize_name(seller.legal_name), quality=quality.value, momentum=momentum.value,
        ranking=score_ranking(seller.ranks, settings.ranking_scale),
        breadth=score_breadth(marketplaces, listings, settings),
        fit=score_fit([*keys, *(h.list_name or "" for h in seller.ranks)], settings.category_weights,
                      settings.fit_default),
        rating_count=count, count_basis=basis, positive_share=quality.share, quality_basis=quality.basis,
        stars=quality.stars, quality_n=quality.n, wilson=quality.wilson, momentum_series=momentum.series,
        momentum_days=momentum.days, growth_per_30d=momentum.per_30d, growth_rel=momentum.rel,
        ranked_products=len(ranks), best_rank=min(ranks.values()) if ranks else None, categories=join_keys(keys),
        raw_categories="; ".join(dict.fromkeys(c for c in [*seller.categories, *(h.list_name for h in seller.ranks)]
                                               if c))[:500] or None,
        listings=listings, marketplaces_count=marketplaces, currency=currency, price_median=price.median,
        price_count=price.count, price_low=price.span.low if price.span else None,
        price_high=price.span.high if price.span else None, price_thin=price.thin, price_basis=price.text,
        feedback_rate_low=rate_range[0], feedback_rate_high=rate_range[1],
        feedback_source=settings.feedback_source(seller.marketplace), orders_exact=volume.orders_exact,
        orders_basis=volume.orders_basis, revenue_period=volume.period, gmv_exact=volume.month_exact and (
            price.span is not None and price.span.exact and not price.thin),
        gmv_basis=None if volume.month_basis is None else f"{volume.month_basis}; × {price.text}",
        reporting_currency=settings.currency, rate=to_rc,
        rate_date=None if to_rc is None else rates.date_of(currency, settings.currency))
    _fill_spans(row, volume.orders, volume.orders_month, volume.revenue, volume.gmv_month, to_rc)
    row.reason = _insufficient_reason(count, exact_sales(seller.snapshots), quality, settings.min_ratings)
    row.insufficient = row.reason is not None
    return row


def _fill_spans(row: StorefrontScore, orders: Span | None, month: Span | None, revenue: Span | None,
                gmv: Span | None, to_rc: float | None) -> None:
    row.orders_low, row.orders_high = (orders.low, orders.high) if orders else (None, None)
    row.orders_month_low, row.orders_month_high = (month.low, month.high) if month else (None, None)
    row.revenue_low, row.revenue_high = (round(revenue.low, 2), round(revenue.high, 2)) if revenue else (None, None)
    row.gmv_month_low, row.gmv_month_high = (round(gmv.low, 2), round(gmv.high, 2)) if gmv else (None, None)
    if to_rc is not None:
        row.revenue_low_rc = None if revenue is None else round(revenue.low * to_rc, 2)
        row.revenue_high_rc = None if revenue is None else round(revenue.high * to_rc, 2)
        row.gmv_month_low_rc = None if gmv is None else round(gmv.low * to_rc, 2)
        row.gmv_month_high_rc = None if gmv is None else round(gmv.high * to_rc, 2)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def storefront_gmv(row: StorefrontScore) -> float:
    """What volume compares for a storefront: the midpoint of its monthly GMV in the reporting currency."""
    return _mid(row.gmv_month_low_rc, row.gmv_month_high_rc)


def volume_percentiles(values: Sequence[float]) -> list[float]:
    """Each value's mid-rank percentile among the known (non-NaN) values; 0 for an unknown one."""
    known = [(i, v) for i, v in enumerate(values) if not math.isnan(v)]
    out = [0.0] * len(values)
    for (i, _), pct in zip(known, percentile_ranks([v for _, v in known]), strict=True):
        out[i] = pct
    return out


def marketplace_ranks(marketplaces: Sequence[str], values: Sequence[float]) -> tuple[list[float | None],
                                                                                   list[int | None]]:
    """Each storefront's GMV percentile and rank (1 = largest) within its own marketplace."""
    groups: dict[str, list[int]] = defaultdict(list)
    for i, (mp, v) in enumerate(zip(marketplaces, values, strict=True)):
        if not math.isnan(v):
            groups[mp].append(i)
    pct: list[float | None] = [None] * len(values)
    rank: list[int | None] = [None] * len(values)
    for members in groups.values():
        for i, p in zip(members, percentile_ranks([values[i] for i in members]), strict=True):
            pct[i] = p
        for position, i in enumerate(sorted(members, key=lambda i: -values[i]), start=1):
            rank[i] = position
    return pct, rank


def finish_storefront(row: StorefrontScore, volume: float, mp_volume: float | None, mp_rank: int | None,
                      weights: Mapping[str, float]) -> None:
    """Set a storefront's volume, its place in its marketplace, and its score."""
    row.volume, row.marketplace_volume, row.marketplace_rank = volume, mp_volume, mp_rank
    row.score = 0.0 if row.insufficient else weighted_score(row.components(), weights)


def business_totals(rows: Sequence[StorefrontScore]) -> tuple[float | None, float | None]:
    """A business's monthly GMV range in the reporting currency: the sum over its converted storefronts."""
    known = [r for r in rows if r.gmv_month_low_rc is not None and r.gmv_month_high_rc is not None]
    if not known:
        return None, None
    return sum(r.gmv_month_low_rc or 0.0 for r in known), sum(r.gmv_month_high_rc or 0.0 for r in known)


@dataclass(frozen=True)
class BusinessFacts:
    """What a business's name, link and country come from: its main storefront's seller row and its business."""

    business_id: int | None
    name: str
    url: str | None
    country: str | None


def score_business(rows: Sequence[StorefrontScore], labels: Mapping[int, str], facts: Callable[[int], BusinessFacts],
                   volume: float, settings: ScoringSettings, now: datetime) -> BusinessScore:
    """A business: its best storefront's components, breadth over all storefronts, volume from its total GMV."""
    sufficient = [r for r in rows if not r.insufficient]
    main = (max(sufficient, key=lambda r: (r.score, r.rating_count or 0)) if sufficient
            else max(rows, key=lambda r: (r.rating_count or 0, r.orders_high or 0)))
    fact = facts(main.seller_pk)
    marketplaces = sorted({r.marketplace for r in rows})
    listings = sum(r.listings or 0 for r in rows)
    components = dict(main.components(), breadth=score_breadth(len(marketplaces), listings, settings),
                      volume=volume)
    converted = [r for r in rows if r.revenue_low_rc is not None]
    gmv_low, gmv_high = business_totals(rows)
    priced = [r for r in rows if r.gmv_month_low_rc is not None]
    categories = sorted({c for r in rows for c in (r.categories or "").split(",") if c})
    return BusinessScore(
        business_key=main.business_key, business_id=fact.business_id, main_seller_pk=main.seller_pk, name=fact.name,
        marketplaces=",".join(marketplaces), last_seen=max(r.last_seen for r in rows), computed_at=now,
        normalized_name=normalize_name(fact.name), storefronts=len(rows), main_url=fact.url, country=fact.country,
        categories=join_keys(categories),
        score=0.0 if main.insufficient else weighted_score(components, settings.weights()),
        insufficient=main.insufficient, reason=main.reason, **components,
        positive_pct=None if main.positive_share is None else round(main.positive_share * 100, 2),
        rating_count=main.rating_count,
        revenue_low=round(sum(r.revenue_low_rc or 0.0 for r in converted), 2) if converted else None,
        revenue_high=round(sum(r.revenue_high_rc or 0.0 for r in converted), 2) if converted else None,
        currency=settings.currency if priced or converted else None,
        revenue_exact=bool(converted) and all(r.orders_exact and r.revenue_low == r.revenue_high for r in converted),
        revenue_period=main.revenue_period if len({r.revenue_period for r in converted}) <= 1 else "mixed",
        revenue_basis="; ".join(dict.fromkeys(r.orders_basis for r in converted if r.orders_basis)) or None,
        gmv_month_low=None if gmv_low is None else round(gmv_low, 2),
        gmv_month_high=None if gmv_high is None else round(gmv_high, 2),
        gmv_basis="; ".join(dict.fromkeys(r.gmv_basis for r in priced if r.gmv_basis))[:500] or None,
        rate_date=", ".join(sorted({r.rate_date for r in priced if r.rate_date})) or None,
        storefront_gmv="; ".join(f"{labels.get(r.seller_pk, r.marketplace)}: "
                                 f"{money_range(r.gmv_month_low, r.gmv_month_high, r.currency)} per month"
                                 for r in priced)[:1000] or None,
        marketplace_rank=main.marketplace_rank,
        growth_pct_30d=None if main.growth_rel is None else round(main.growth_rel * 100, 2))


def compute_scores(sellers: Sequence[SellerInputs], settings: ScoringSettings, now: datetime,
                   references: ReferencePrices | None = None) -> tuple[list[StorefrontScore], list[BusinessScore]]:
    """Score every storefront (volume compared across marketplaces) and every business, in memory."""
    settings.check()
    rates = reference_rates(settings.exchange_rates, settings.exchange_rates_date)
    if references is None:
        references = reference_prices_of(sellers, settings, rates)
    ctx = Context(settings, rates, references, now)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, seller in enumerate(sellers):
        groups[seller.business_key].append(i)
    storefronts: list[StorefrontScore] = [None] * len(sellers)  # type: ignore[list-item]
    for members in groups.values():
        marketplaces = len({sellers[i].marketplace for i in members})
        for i in members:
            storefronts[i] = score_storefront(sellers[i], ctx, marketplaces)
    values = [storefront_gmv(r) for r in storefronts]
    volumes = volume_percentiles(values)
    mp_pct, mp_rank = marketplace_ranks([r.marketplace for r in storefronts], values)
    for i, row in enumerate(storefronts):
        finish_storefront(row, volumes[i], mp_pct[i], mp_rank[i], settings.weights())
    by_pk = {s.seller_pk: s for s in sellers}
    keys = list(groups)
    totals = volume_percentiles([_mid(*business_totals([storefronts[i] for i in groups[k]])) for k in keys])
    labels = {s.seller_pk: f"{s.marketplace} {s.name or s.seller_id}" for s in sellers}
    businesses = [score_business([storefronts[i] for i in groups[k]], labels, lambda pk: facts_of(by_pk[pk]),
                                 totals[n], settings, now) for n, k in enumerate(keys)]
    return storefronts, businesses


def facts_of(seller: SellerInputs) -> BusinessFacts:
    """A business's name, link and country from its main storefront."""
    return BusinessFacts(seller.business_id, seller.business_name or seller.name or seller.legal_name or
                         seller.seller_id, seller.url, seller.business_country or seller.country)


def reference_prices_of(sellers: Sequence[SellerInputs], settings: ScoringSettings, rates: Rates) -> ReferencePrices:
    """The marketplaces' reference prices from the storefronts' own prices (in-memory scoring)."""
    references = ReferencePrices(settings.currency)
    for seller in sellers:
        keys = classify_all(seller.marketplace, seller.categories)
        for price, currency in seller.prices:
            references.add(seller.marketplace, keys[0] if keys else None, rates.convert(price, currency,
                                                                                         settings.currency))
    return references


__all__ = ["COMPONENTS", "BusinessScore", "SellerInputs", "StorefrontScore", "compute_scores", "normalize_name"]
