"""The six components of a storefront's score, each in [0, 1], and the weighted score over them.

- volume: percentile (mid-rank) of the estimated monthly GMV in the reporting currency among all storefronts, across
  marketplaces (scout.scoring.scores computes it from scout.scoring.revenue);
- quality: Wilson lower bound of the positive share, rescaled from `quality_floor` to 1 (stars map to a share
  as (stars − 1) ÷ 4), so 100 % of 3 ratings never beats 98 % of 40,000;
- momentum: rating-count growth per 30 days between the latest snapshot and the earlier one nearest
  `momentum_window_days` before it, relative to the earlier count: 0.5 + tanh(growth / scale) / 2 (0.5 = unknown);
- ranking: 1 − exp(−Σ 1/log2(1 + rank) / scale) over the best rank of each product on a best-seller list;
- breadth: half marketplaces of its business, half listings (log scale);
- fit: the best `category_weights` entry matching its ranking list names, else `fit_default`.

Pure functions over a storefront's snapshots and ranking hits: no database, no ORM.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from scout.settings import ScoringSettings

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
    recent_sales_count: int | None = None  # exact sales of the last `recent_sales_days` days
    recent_sales_days: int | None = None


@dataclass(frozen=True, slots=True)
class RankHit:
    """One of the seller's products on a best-seller list."""

    product_id: str
    rank: int
    list_name: str | None = None
    price: float | None = None
    currency: str | None = None




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


def exact_sales(snapshots: Sequence[Snapshot]) -> int | None:
    """The latest exact sales count, where the marketplace shows one."""
    return next((s.sales_count for s in reversed(snapshots) if s.sales_count is not None and s.sales_count_exact),
                None)


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
        if n is None:  # MercadoLibre shows a positive share of its exact sales and no rating count
            n = exact_sales(snapshots)
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
    earlier = [s for s in having[:-1] if days_between(s.observed_at, latest.observed_at) >= min_days]
    if not earlier:
        return None
    return min(earlier, key=lambda s: abs(days_between(s.observed_at, latest.observed_at) - window_days)), latest


def days_between(start: datetime, end: datetime) -> float:
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
        days = days_between(earlier.observed_at, latest.observed_at)
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
