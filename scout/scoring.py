"""Explainable seller scores and revenue ranges, recomputed from the database by `scout score`.

A storefront's score is 100 × Σ weight·component / Σ weight over six components, each in [0, 1]:

- volume: percentile of log(rating count) among the sellers of its marketplace (mid-rank);
- quality: Wilson lower bound of the positive share, rescaled from `quality_floor` to 1 (stars map to a share
  as (stars − 1) ÷ 4), so 100 % of 3 ratings never beats 98 % of 40,000;
- momentum: rating-count growth per 30 days between the latest snapshot and the earlier one nearest
  `momentum_window_days` before it, relative to the earlier count: 0.5 + tanh(growth / scale) / 2 (0.5 = unknown);
- ranking: 1 − exp(−Σ 1/log2(1 + rank) / scale) over the best rank of each product on a best-seller list;
- breadth: half marketplaces of its business, half listings (log scale);
- fit: the best `category_weights` entry matching its ranking list names, else `fit_default`.

A storefront with no rating count, fewer than `min_ratings` ratings or no positive share is "insufficient data":
score 0, ranked last. A business scores as its best storefront with breadth taken over all of its storefronts;
a storefront not matched to a business (no business_id) is its own business, keyed "seller:<pk>".

The ORM models are imported by the functions that read or store scores only: `scout leads` needs the component
names and business keys from here without paying ~0.3 s for importing SQLModel.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, func, insert, select

from scout.identity import normalize_name as identity_normalize_name
from scout.settings import ScoringSettings

if TYPE_CHECKING:
    from sqlmodel import Session

COMPONENTS = ("volume", "quality", "momentum", "ranking", "breadth", "fit")
DAY_SECONDS = 86_400.0


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The figures of one seller snapshot that scoring reads."""

    observed_at: datetime
    rating_count: int | None = None
    rating_window_days: int | None = None
    lifetime_rating_count: int | None = None
    positive_pct: float | None = None
    stars: float | None = None
    sales_count: int | None = None
    sales_count_exact: bool = False
    listing_count: int | None = None


@dataclass(frozen=True, slots=True)
class RankHit:
    """One of the seller's products on a best-seller list."""

    product_id: str
    rank: int
    list_name: str | None = None
    price: float | None = None
    currency: str | None = None


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


def business_key(business_id: int | None, seller_pk: int) -> str:
    """"business:<id>" for a matched storefront, "seller:<pk>" for one that is its own business."""
    return f"business:{business_id}" if business_id is not None else f"seller:{seller_pk}"


def normalize_name(text: str | None) -> str | None:
    """The name as identity matching and suppression compare it ("AnkerDirect-US" → "anker"), or None."""
    return identity_normalize_name(text) or None


# Components


def wilson_lower_bound(share: float, n: int, z: float = 1.96) -> float:
    """Lower bound of the Wilson score interval for a positive share observed over n ratings."""
    if n <= 0:
        return 0.0
    share = min(max(share, 0.0), 1.0)
    z2 = z * z
    centre = share + z2 / (2 * n)
    spread = z * math.sqrt(share * (1 - share) / n + z2 / (4 * n * n))
    return max(0.0, (centre - spread) / (1 + z2 / n))


def stars_to_share(stars: float) -> float:
    """A star average (1-5) as a positive share: 1 star = 0, 5 stars = 1."""
    return min(max((stars - 1) / 4, 0.0), 1.0)


def percentile_ranks(values: Sequence[float]) -> list[float]:
    """Each value's mid-rank percentile (0-1) among `values`: ties share the middle of their span."""
    ordered = sorted(values)
    n = len(ordered)
    return [(bisect_left(ordered, v) + (bisect_right(ordered, v) - bisect_left(ordered, v)) / 2) / n
            for v in values]


def volume_count(snapshots: Sequence[Snapshot]) -> tuple[int | None, str | None]:
    """(rating count, "lifetime" or "<N>-day") of the latest snapshot that has one; lifetime preferred."""
    for snap in reversed(snapshots):
        if snap.lifetime_rating_count is not None:
            return snap.lifetime_rating_count, "lifetime"
        if snap.rating_count is not None:
            window = snap.rating_window_days
            return snap.rating_count, "lifetime" if window is None else f"{window}-day"
    return None, None


@dataclass(frozen=True, slots=True)
class Quality:
    """The quality component and the figures behind it."""

    value: float = 0.0
    share: float | None = None
    basis: str | None = None  # "positive_pct" or "stars"
    n: int | None = None
    wilson: float | None = None
    stars: float | None = None


def score_quality(snapshots: Sequence[Snapshot], settings: ScoringSettings) -> Quality:
    """Wilson lower bound of the latest positive share (or star average mapped to a share), rescaled."""
    for snap in reversed(snapshots):
        if snap.positive_pct is None and snap.stars is None:
            continue
        basis = "positive_pct" if snap.positive_pct is not None else "stars"
        share = snap.positive_pct / 100 if snap.positive_pct is not None else stars_to_share(snap.stars or 0.0)
        n = snap.rating_count if snap.rating_count is not None else snap.lifetime_rating_count
        if n is None:
            n = volume_count(snapshots)[0]
        if not n:
            return Quality(0.0, share, basis, n, None, snap.stars)
        wilson = wilson_lower_bound(share, n, settings.wilson_z)
        value = max(0.0, (wilson - settings.quality_floor) / (1 - settings.quality_floor))
        return Quality(min(value, 1.0), share, basis, n, wilson, snap.stars)
    return Quality()


def momentum_pair(snapshots: Sequence[Snapshot], figure: str, *, window_days: float, min_days: float,
                  ) -> tuple[Snapshot, Snapshot] | None:
    """(earlier, latest) snapshots having `figure`: the earlier one nearest `window_days` before the latest."""
    having = [s for s in snapshots if getattr(s, figure) is not None]
    if figure == "rating_count" and having:  # a windowed count only compares with the same window
        having = [s for s in having if s.rating_window_days == having[-1].rating_window_days]
    if figure == "sales_count":
        having = [s for s in having if s.sales_count_exact]
    if len(having) < 2:
        return None
    latest = having[-1]
    earlier = [s for s in having[:-1] if _days(s.observed_at, latest.observed_at) >= min_days]
    if not earlier:
        return None
    return min(earlier, key=lambda s: abs(_days(s.observed_at, latest.observed_at) - window_days)), latest


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / DAY_SECONDS


@dataclass(frozen=True, slots=True)
class Momentum:
    """The momentum component and the figures behind it (value 0.5 when there is no snapshot pair)."""

    value: float = 0.5
    series: str | None = None
    days: float | None = None
    per_30d: float | None = None  # ratings gained per 30 days
    rel: float | None = None  # that gain relative to the earlier count
    lifetime: bool = False  # the series counts every rating ever, so its growth is a rating rate


def score_momentum(snapshots: Sequence[Snapshot], settings: ScoringSettings) -> Momentum:
    """Growth of the rating count per 30 days between the two most relevant snapshots, relative to size."""
    for figure in ("lifetime_rating_count", "rating_count"):
        pair = momentum_pair(snapshots, figure, window_days=settings.momentum_window_days,
                             min_days=settings.momentum_min_days)
        if pair is None:
            continue
        earlier, latest = pair
        before, after = getattr(earlier, figure), getattr(latest, figure)
        days = _days(earlier.observed_at, latest.observed_at)
        per_30d = (after - before) / days * 30
        lifetime = figure == "lifetime_rating_count" or latest.rating_window_days is None
        series = "lifetime ratings" if lifetime else f"{latest.rating_window_days}-day ratings"
        if before <= 0:
            return Momentum(0.5, series, days, per_30d, None, lifetime)
        rel = per_30d / before
        return Momentum(0.5 + math.tanh(rel / settings.momentum_scale) / 2, series, days, per_30d, rel, lifetime)
    return Momentum()


def best_ranks(hits: Sequence[RankHit]) -> dict[tuple[str | None, str], int]:
    """The best rank of each (list, product)."""
    best: dict[tuple[str | None, str], int] = {}
    for hit in hits:
        key = (hit.list_name, hit.product_id)
        best[key] = min(best.get(key, hit.rank), hit.rank)
    return best


def score_ranking(hits: Sequence[RankHit], scale: float) -> float:
    """Best-seller presence: 1 − exp(−Σ 1/log2(1 + rank) / scale); 0 with no ranked products."""
    points = sum(1 / math.log2(1 + max(rank, 1)) for rank in best_ranks(hits).values())
    return 1 - math.exp(-points / scale)


def score_breadth(marketplaces: int, listings: int | None, settings: ScoringSettings) -> float:
    """Half the marketplaces its business sells on (full at `breadth_marketplaces`), half listings (log scale)."""
    spread = min(1.0, max(marketplaces - 1, 0) / (settings.breadth_marketplaces - 1))
    stock = min(1.0, math.log1p(listings) / math.log1p(settings.breadth_listings)) if listings else 0.0
    return (spread + stock) / 2


def score_fit(categories: Sequence[str], weights: Mapping[str, float], default: float) -> float:
    """The best weight whose keyword occurs in one of the categories; `default` when none does."""
    matched = [weight for category in categories for keyword, weight in weights.items()
               if keyword.casefold() in category.casefold()]
    return min(1.0, max(matched)) if matched else default


def weighted_score(components: Mapping[str, float], weights: Mapping[str, float]) -> float:
    """100 × Σ weight·component / Σ weight."""
    total = sum(weights.values())
    return round(100 * sum(weights[name] * components[name] for name in COMPONENTS) / total, 2)


# Revenue


@dataclass(frozen=True, slots=True)
class Revenue:
    """Orders, revenue and monthly GMV as ranges, with what they rest on."""

    rate_low: float
    rate_high: float
    orders_low: float | None = None
    orders_high: float | None = None
    exact: bool = False
    revenue_low: float | None = None
    revenue_high: float | None = None
    period: str | None = None
    gmv_month_low: float | None = None
    gmv_month_high: float | None = None
    gmv_basis: str | None = None


def average_price(offer_price: tuple[float, str | None, int] | None, hits: Sequence[RankHit],
                  ) -> tuple[float | None, str | None, str | None, int]:
    """(average price, currency, "offers" or "rankings", how many prices) — offers first, else ranking prices."""
    if offer_price is not None:
        return offer_price[0], offer_price[1], "offers", offer_price[2]
    by_currency: dict[str | None, list[float]] = defaultdict(list)
    for _, hit_price, currency in {(h.product_id, h.price, h.currency) for h in hits if h.price is not None}:
        by_currency[currency].append(float(hit_price or 0.0))
    if not by_currency:
        return None, None, None, 0
    currency, prices = max(by_currency.items(), key=lambda item: len(item[1]))
    return sum(prices) / len(prices), currency, "rankings", len(prices)


def estimate_revenue(snapshots: Sequence[Snapshot], price: float | None, momentum: Momentum,
                     rates: tuple[float, float], settings: ScoringSettings) -> Revenue:
    """Orders ≈ ratings ÷ feedback rate (or the exact sales count) × average price; monthly GMV likewise.

    Monthly GMV, in order of preference: exact sales gained per 30 days between two snapshots; lifetime ratings
    gained per 30 days ÷ feedback rate; a windowed count × 30 ÷ window ÷ feedback rate; lifetime orders ÷ an
    assumed store age of `store_age_months_low`-`store_age_months_high` months.
    """
    low_rate, high_rate = rates
    count, basis = volume_count(snapshots)
    exact_sales = next((s.sales_count for s in reversed(snapshots)
                        if s.sales_count is not None and s.sales_count_exact), None)
    if exact_sales is not None:
        orders_low = orders_high = float(exact_sales)
        exact, period = True, "lifetime"
    elif count is not None:
        orders_low, orders_high = count / high_rate, count / low_rate
        exact, period = False, "lifetime" if basis == "lifetime" else f"last {(basis or '').split('-')[0]} days"
        floor = next((s.sales_count for s in reversed(snapshots) if s.sales_count is not None), None)
        if floor is not None and basis == "lifetime":  # a rounded "10K+ sold" is a lower bound on orders
            orders_low, orders_high = max(orders_low, floor), max(orders_high, floor)
    else:
        return Revenue(low_rate, high_rate)
    month_low, month_high, gmv_basis = _monthly_orders(snapshots, momentum, orders_low, orders_high, period,
                                                       rates, settings)
    def money(orders: float) -> float | None:
        return None if price is None else round(orders * price, 2)

    return Revenue(low_rate, high_rate, orders_low, orders_high, exact, money(orders_low), money(orders_high),
                   period, money(month_low), money(month_high), gmv_basis)


def _monthly_orders(snapshots: Sequence[Snapshot], momentum: Momentum, orders_low: float, orders_high: float,
                    period: str, rates: tuple[float, float], settings: ScoringSettings,
                    ) -> tuple[float, float, str]:
    low_rate, high_rate = rates
    sales = momentum_pair(snapshots, "sales_count", window_days=settings.momentum_window_days,
                          min_days=settings.momentum_min_days)
    if sales is not None:
        earlier, latest = sales
        days = _days(earlier.observed_at, latest.observed_at)
        per_30d = max(0, (latest.sales_count or 0) - (earlier.sales_count or 0)) / days * 30
        return per_30d, per_30d, f"exact sales gained over {days:.0f} days, per 30 days"
    if momentum.lifetime and momentum.per_30d is not None:
        per_30d = max(momentum.per_30d, 0.0)
        return (per_30d / high_rate, per_30d / low_rate,
                f"{momentum.series} gained over {momentum.days:.0f} days, per 30 days, ÷ feedback rate")
    if period.startswith("last "):
        window = float(period.split()[1])
        return (orders_low * 30 / window, orders_high * 30 / window,
                f"ratings of the last {window:.0f} days × 30/{window:.0f}, ÷ feedback rate")
    age_low, age_high = settings.store_age_months_low, settings.store_age_months_high
    return (orders_low / age_high, orders_high / age_low,
            f"lifetime orders ÷ assumed store age of {age_low:g}-{age_high:g} months")


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

