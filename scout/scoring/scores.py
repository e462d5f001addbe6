"""Explainable seller scores and revenue ranges, recomputed from the database by `scout score`.

A storefront's score is 100 × Σ weight·component / Σ weight over six components, each in [0, 1] (volume,
quality, momentum, ranking, breadth, fit: see scout.scoring.components); its revenue range comes from
scout.revenue.

A storefront with no rating count, fewer than `min_ratings` ratings or no positive share is "insufficient data":
score 0, ranked last. A business scores as its best storefront with breadth taken over all of its storefronts;
a storefront not matched to a business (no business_id) is its own business, keyed "seller:<pk>".

The ORM models are imported by the functions that read or store scores only: `scout leads` needs the component
names and business keys from here without paying ~0.3 s for importing SQLModel.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select

from scout.identity.keys import business_key
from scout.identity.names import normalize_name as identity_normalize_name
from scout.scoring.components import (
    COMPONENTS,
    Quality,
    RankHit,
    Snapshot,
    best_ranks,
    percentile_ranks,
    score_breadth,
    score_fit,
    score_momentum,
    score_quality,
    score_ranking,
    volume_count,
    weighted_score,
)
from scout.scoring.revenue import average_price, estimate_revenue
from scout.settings import ScoringSettings

if TYPE_CHECKING:
    from sqlmodel import Session


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
    offer_price: tuple[float, str | None, int] | None = None  # (average, currency, number of priced offers)
    products_seen: int = 0

    @property
    def business_key(self) -> str:
        """The lead's key: its business, or the storefront itself before `scout match` linked it."""
        return business_key(self.business_id, self.seller_pk)



def normalize_name(text: str | None) -> str | None:
    """The name as identity matching and suppression compare it ("AnkerDirect-US" → "anker"), or None."""
    return identity_normalize_name(text) or None


# Storefronts and businesses


@dataclass(slots=True)
class StorefrontScore:
    """A row of `seller_score`."""

    seller_pk: int
    business_key: str
    marketplace: str
    last_seen: datetime
    computed_at: datetime
    normalized_name: str | None = None
    normalized_legal_name: str | None = None
    score: float = 0.0
    insufficient: bool = False
    reason: str | None = None
    volume: float = 0.0
    quality: float = 0.0
    momentum: float = 0.5
    ranking: float = 0.0
    breadth: float = 0.0
    fit: float = 0.5
    rating_count: int | None = None
    count_basis: str | None = None
    positive_share: float | None = None
    quality_basis: str | None = None
    stars: float | None = None
    quality_n: int | None = None
    wilson: float | None = None
    momentum_series: str | None = None
    momentum_days: float | None = None
    growth_per_30d: float | None = None
    growth_rel: float | None = None
    ranked_products: int = 0
    best_rank: int | None = None
    categories: str | None = None
    listings: int | None = None
    marketplaces_count: int = 1
    avg_price: float | None = None
    currency: str | None = None
    price_source: str | None = None
    price_count: int = 0
    feedback_rate_low: float | None = None
    feedback_rate_high: float | None = None
    orders_low: float | None = None
    orders_high: float | None = None
    orders_exact: bool = False
    revenue_low: float | None = None
    revenue_high: float | None = None
    revenue_period: str | None = None
    gmv_month_low: float | None = None
    gmv_month_high: float | None = None
    gmv_basis: str | None = None

    def components(self) -> dict[str, float]:
        """The six component values by name."""
        return {name: getattr(self, name) for name in COMPONENTS}


@dataclass(slots=True)
class BusinessScore:
    """A row of `lead_score`."""

    business_key: str
    business_id: int | None
    main_seller_pk: int
    name: str
    marketplaces: str
    last_seen: datetime
    computed_at: datetime
    normalized_name: str | None = None
    storefronts: int = 1
    main_url: str | None = None
    country: str | None = None
    categories: str | None = None
    score: float = 0.0
    insufficient: bool = False
    reason: str | None = None
    volume: float = 0.0
    quality: float = 0.0
    momentum: float = 0.5
    ranking: float = 0.0
    breadth: float = 0.0
    fit: float = 0.5
    positive_pct: float | None = None
    rating_count: int | None = None
    revenue_low: float | None = None
    revenue_high: float | None = None
    currency: str | None = None
    revenue_exact: bool = False
    revenue_period: str | None = None
    gmv_month_low: float | None = None
    gmv_month_high: float | None = None
    growth_pct_30d: float | None = None


def _insufficient_reason(count: int | None, quality: Quality, min_ratings: int) -> str | None:
    if count is None:
        return "no rating count"
    if count < min_ratings:
        return f"only {count:,} ratings (fewer than {min_ratings})"
    if quality.basis is None:
        return "no positive % or star rating"
    return None


def score_storefront(seller: SellerInputs, volume_pct: float, marketplaces: int, settings: ScoringSettings,
                     now: datetime) -> StorefrontScore:
    """One storefront's components, score and revenue range."""
    count, basis = volume_count(seller.snapshots)
    quality = score_quality(seller.snapshots, settings)
    momentum = score_momentum(seller.snapshots, settings)
    categories = sorted({hit.list_name for hit in seller.ranks if hit.list_name})
    listings = next((s.listing_count for s in reversed(seller.snapshots) if s.listing_count is not None),
                    seller.products_seen or None)
    price, currency, price_source, price_count = average_price(seller.offer_price, seller.ranks)
    rates = settings.feedback_range(seller.marketplace)
    revenue = estimate_revenue(seller.snapshots, price, momentum, rates, settings)
    ranks = best_ranks(seller.ranks)
    row = StorefrontScore(
        seller_pk=seller.seller_pk, business_key=seller.business_key, marketplace=seller.marketplace,
        last_seen=seller.last_seen, computed_at=now, normalized_name=normalize_name(seller.name),
        normalized_legal_name=normalize_name(seller.legal_name),
        volume=volume_pct if count is not None else 0.0, quality=quality.value, momentum=momentum.value,
        ranking=score_ranking(seller.ranks, settings.ranking_scale),
        breadth=score_breadth(marketplaces, listings, settings),
        fit=score_fit(categories, settings.category_weights, settings.fit_default),
        rating_count=count, count_basis=basis, positive_share=quality.share, quality_basis=quality.basis,
        stars=quality.stars, quality_n=quality.n, wilson=quality.wilson, momentum_series=momentum.series,
        momentum_days=momentum.days, growth_per_30d=momentum.per_30d, growth_rel=momentum.rel,
        ranked_products=len(ranks), best_rank=min(ranks.values()) if ranks else None,
        categories="; ".join(categories) or None, listings=listings, marketplaces_count=marketplaces,
        avg_price=price, currency=currency, price_source=price_source, price_count=price_count,
        feedback_rate_low=revenue.rate_low, feedback_rate_high=revenue.rate_high, orders_low=revenue.orders_low,
        orders_high=revenue.orders_high, orders_exact=revenue.exact, revenue_low=revenue.revenue_low,
        revenue_high=revenue.revenue_high, revenue_period=revenue.period, gmv_month_low=revenue.gmv_month_low,
        gmv_month_high=revenue.gmv_month_high, gmv_basis=revenue.gmv_basis)
    row.reason = _insufficient_reason(count, quality, settings.min_ratings)
    row.insufficient = row.reason is not None
    row.score = 0.0 if row.insufficient else weighted_score(row.components(), settings.weights())
    return row


def score_business(sellers: Sequence[SellerInputs], rows: Sequence[StorefrontScore], settings: ScoringSettings,
                   now: datetime) -> BusinessScore:
    """A business: its best storefront's components, with breadth over all its storefronts; revenue summed."""
    sufficient = [r for r in rows if not r.insufficient]
    main = (max(sufficient, key=lambda r: (r.score, r.rating_count or 0)) if sufficient
            else max(rows, key=lambda r: r.rating_count or 0))
    seller = next(s for s in sellers if s.seller_pk == main.seller_pk)
    marketplaces = sorted({r.marketplace for r in rows})
    listings = sum(r.listings or 0 for r in rows)
    components = dict(main.components(), breadth=score_breadth(len(marketplaces), listings, settings))
    same = [r for r in rows if r.currency == main.currency and r.revenue_low is not None]
    name = seller.business_name or seller.name or seller.legal_name or seller.seller_id
    categories = sorted({c for r in rows if r.categories for c in r.categories.split("; ")})
    return BusinessScore(
        business_key=main.business_key, business_id=seller.business_id, main_seller_pk=main.seller_pk, name=name,
        marketplaces=",".join(marketplaces), last_seen=max(r.last_seen for r in rows), computed_at=now,
        normalized_name=normalize_name(name), storefronts=len(rows), main_url=seller.url,
        country=seller.business_country or seller.country or next((s.country for s in sellers if s.country), None),
        categories="; ".join(categories) or None,
        score=0.0 if main.insufficient else weighted_score(components, settings.weights()),
        insufficient=main.insufficient, reason=main.reason, **components,
        positive_pct=None if main.positive_share is None else round(main.positive_share * 100, 2),
        rating_count=main.rating_count,
        revenue_low=sum(r.revenue_low or 0.0 for r in same) if same else None,
        revenue_high=sum(r.revenue_high or 0.0 for r in same) if same else None,
        currency=main.currency if same else None, revenue_exact=bool(same) and all(r.orders_exact for r in same),
        revenue_period=main.revenue_period if len({r.revenue_period for r in same}) <= 1 else "mixed",
        gmv_month_low=sum(r.gmv_month_low or 0.0 for r in same) if same else None,
        gmv_month_high=sum(r.gmv_month_high or 0.0 for r in same) if same else None,
        growth_pct_30d=None if main.growth_rel is None else round(main.growth_rel * 100, 2))


def compute_scores(sellers: Sequence[SellerInputs], settings: ScoringSettings, now: datetime,
                   ) -> tuple[list[StorefrontScore], list[BusinessScore]]:
    """Score every storefront (volume compared within its marketplace) and every business."""
    settings.check()
    counts: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for i, seller in enumerate(sellers):
        count = volume_count(seller.snapshots)[0]
        if count is not None:
            counts[seller.marketplace].append((i, math.log1p(count)))
    volume_pct = [0.0] * len(sellers)
    for pairs in counts.values():
        for (i, _), pct in zip(pairs, percentile_ranks([v for _, v in pairs]), strict=True):
            volume_pct[i] = pct
    groups: dict[str, list[int]] = defaultdict(list)
    for i, seller in enumerate(sellers):
        groups[seller.business_key].append(i)
    storefronts: list[StorefrontScore] = [None] * len(sellers)  # type: ignore[list-item]
    businesses: list[BusinessScore] = []
    for members in groups.values():
        marketplaces = len({sellers[i].marketplace for i in members})
        for i in members:
            storefronts[i] = score_storefront(sellers[i], volume_pct[i], marketplaces, settings, now)
        businesses.append(score_business([sellers[i] for i in members], [storefronts[i] for i in members],
                                         settings, now))
    return storefronts, businesses


# The database


def load_scoring_inputs(session: Session) -> list[SellerInputs]:
    """Every storefront (platforms excluded) with its snapshots, ranked products, prices and business."""
    from sqlmodel import col

    from db.models import Business, OfferRecord, RankingEntry, Seller, SellerSnapshot

    businesses = {bid: (name, country) for bid, name, country in session.execute(
        select(col(Business.id), col(Business.name), col(Business.country))).all()}
    sellers: dict[int, SellerInputs] = {}
    for pk, mp, sid, name, legal, url, country, bid, last_seen in session.execute(select(
            col(Seller.id), col(Seller.marketplace), col(Seller.seller_id), col(Seller.name),
            col(Seller.business_name), col(Seller.url), col(Seller.country), col(Seller.business_id),
            col(Seller.last_seen)).where(col(Seller.is_platform).is_(False))):
        bname, bcountry = businesses.get(bid, (None, None))
        sellers[pk] = SellerInputs(pk, mp, sid, last_seen, name, legal, url, country, bid, bname, bcountry)
    snap = SellerSnapshot
    for pk, *figures in session.execute(select(*(col(c) for c in (
            snap.seller_pk, snap.observed_at, snap.rating_count, snap.rating_window_days,
            snap.lifetime_rating_count, snap.positive_pct, snap.stars, snap.sales_count, snap.sales_count_exact,
            snap.listing_count))).order_by(col(snap.seller_pk), col(snap.observed_at))):
        if pk in sellers:
            sellers[pk].snapshots.append(Snapshot(*figures))
    rank = RankingEntry
    rank_cols = [col(c) for c in (rank.product_id, rank.rank, rank.list_name, rank.price, rank.currency)]
    direct = select(col(rank.seller_pk), *rank_cols).where(col(rank.seller_pk).is_not(None))
    via_offers = select(col(OfferRecord.seller_pk), *rank_cols).distinct().join(
        OfferRecord, col(OfferRecord.product_id) == col(rank.product_id)).join(
        Seller, col(Seller.id) == col(OfferRecord.seller_pk)).where(
        col(Seller.marketplace) == col(rank.marketplace), col(OfferRecord.product_id) != "")
    for query in (direct, via_offers):
        for pk, *hit in session.execute(query):
            if pk in sellers:
                sellers[pk].ranks.append(RankHit(*hit))
    for seller in sellers.values():
        seller.ranks = list(dict.fromkeys(seller.ranks))
    price = col(OfferRecord.price)
    priced = session.execute(select(col(OfferRecord.seller_pk), col(OfferRecord.currency), func.avg(price),
                                    func.count(price)).where(price.is_not(None))
                             .group_by(col(OfferRecord.seller_pk), col(OfferRecord.currency)))
    for pk, currency, avg, n in priced:
        found = sellers.get(pk)
        if found is not None and (found.offer_price is None or n > found.offer_price[2]):
            found.offer_price = (float(avg), currency, int(n))
    products = select(col(OfferRecord.seller_pk), func.count(func.distinct(col(OfferRecord.product_id))))
    for pk, n in session.execute(products.where(col(OfferRecord.product_id) != "")
                                 .group_by(col(OfferRecord.seller_pk))):
        if pk in sellers:
            sellers[pk].products_seen = int(n)
    return list(sellers.values())


@dataclass(frozen=True)
class ScoreSummary:
    """What `scout score` computed, per marketplace: (storefronts, insufficient, best score)."""

    storefronts: int
    insufficient: int
    businesses: int
    by_marketplace: dict[str, tuple[int, int, float]]


def score_database(session: Session, settings: ScoringSettings, now: datetime) -> ScoreSummary:
    """Recompute every storefront's and business's score from the database and replace the stored scores."""
    from db.models import LeadScore, SellerScore

    storefronts, businesses = compute_scores(load_scoring_inputs(session), settings, now)
    session.execute(delete(LeadScore))
    session.execute(delete(SellerScore))
    _insert_rows(session, SellerScore, storefronts)
    _insert_rows(session, LeadScore, businesses)
    by_marketplace: dict[str, tuple[int, int, float]] = {}
    for row in storefronts:
        n, bad, best = by_marketplace.get(row.marketplace, (0, 0, 0.0))
        by_marketplace[row.marketplace] = (n + 1, bad + row.insufficient, max(best, row.score))
    return ScoreSummary(len(storefronts), sum(r.insufficient for r in storefronts), len(businesses),
                        dict(sorted(by_marketplace.items())))


def _insert_rows(session: Session, table: Any, rows: Sequence[Any], batch: int = 5000) -> None:
    names = [f.name for f in fields(rows[0])] if rows else []
    for start in range(0, len(rows), batch):
        session.execute(insert(table), [{n: getattr(r, n) for n in names} for r in rows[start:start + batch]])
