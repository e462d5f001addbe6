"""Volume in orders and money: lifetime orders, orders per month, the price basis, lifetime revenue and monthly GMV.

Each marketplace is read for what it shows. An exact sales count (Etsy's transaction_sold_count, MercadoLibre's
transactions) is used as it is; a rating or feedback count becomes orders through the marketplace's feedback rate
range. Monthly figures come, in order of preference, from exact sales of a recent window (MercadoLibre's last 60
days), exact sales gained between snapshots, ratings gained between snapshots, a windowed rating count (Amazon's
30/90/365 days), and only when nothing better exists from lifetime orders ÷ the store's age (its opening date, or
an assumed range), which the basis then says.

Every uncertain factor is a range (feedback rate, store age, price). A product of ranges is combined in log space
as independent uncertainties: the geometric midpoints multiply and the half-widths add in quadrature, so a range
is not the product of every factor's extreme (which would make a 75-fold range of three 5-fold factors).
Pure functions, like the score components they build on.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from scout.scoring.components import Momentum, Snapshot, days_between, exact_sales, momentum_pair, volume_count
from scout.settings import ScoringSettings

DAYS_PER_MONTH = 30.44
COUNT_WORDS = {"ebay": "feedback", "etsy": "reviews"}


@dataclass(frozen=True, slots=True)
class Span:
    """A range of a non-negative quantity (low == high when it is known exactly)."""

    low: float
    high: float

    @property
    def exact(self) -> bool:
        """Whether the range is a single value."""
        return self.low == self.high

    def scaled(self, factor: float) -> Span:
        """The range times a known factor."""
        return Span(self.low * factor, self.high * factor)


def combine(*spans: Span) -> Span:
    """The product of independent ranges: log midpoints added, log half-widths added in quadrature."""
    if any(s.high == 0 for s in spans):
        return Span(0.0, 0.0)
    if any(s.low <= 0 for s in spans):  # a range reaching 0 has no log midpoint: the plain extremes instead
        return Span(math.prod(s.low for s in spans), math.prod(s.high for s in spans))
    mid = sum(math.log(s.low) + math.log(s.high) for s in spans) / 2
    half = math.sqrt(sum(((math.log(s.high) - math.log(s.low)) / 2) ** 2 for s in spans))
    return Span(math.exp(mid - half), math.exp(mid + half))


@dataclass(frozen=True, slots=True)
class ReferencePrice:
    """A marketplace's (or one of its categories') typical price, in some currency."""

    median: float
    low: float  # lower quartile
    high: float  # upper quartile
    count: int
    currency: str
    label: str  # e.g. "ebay electronics"


@dataclass(frozen=True, slots=True)
class PriceBasis:
    """The price that turns orders into money: the storefront's own median, widened when it is thin."""

    span: Span | None
    median: float | None  # the median of the storefront's own prices
    count: int  # how many prices it rests on
    currency: str | None
    thin: bool
    text: str


def median(values: Sequence[float]) -> float:
    """The median of a non-empty sequence."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def price_basis(prices: Sequence[float], currency: str | None, reference: ReferencePrice | None,
                reference_factor: float | None, thin_prices: int) -> PriceBasis:
    """The median of the storefront's prices; fewer than `thin_prices` of them are widened with the reference median
    (converted by `reference_factor` into the storefront's currency), none at all take the reference's quartiles."""
    own = median(prices) if prices else None
    ref = None if reference is None or reference_factor is None else (
        reference.median * reference_factor, reference.low * reference_factor, reference.high * reference_factor)
    if own is not None and len(prices) >= thin_prices:
        return PriceBasis(Span(own, own), own, len(prices), currency, False,
                          f"median of {len(prices):,} observed prices")
    if ref is None or reference is None:
        if own is None:
            return PriceBasis(None, None, 0, currency, True, "no price observed")
        return PriceBasis(Span(own, own), own, len(prices), currency, True,
                          f"thin price basis: median of {len(prices)} observed price(s), no marketplace median")
    if own is None:
        return PriceBasis(Span(ref[1], ref[2]), None, 0, currency, True,
                          f"thin price basis: no own price, the {reference.label} middle half "
                          f"({reference.count:,} prices)")
    return PriceBasis(Span(min(own, ref[0]), max(own, ref[0])), own, len(prices), currency, True,
                      f"thin price basis: median of {len(prices)} observed price(s) widened with the "
                      f"{reference.label} median {ref[0]:,.2f}")


@dataclass(frozen=True, slots=True)
class Volume:
    """Orders and money for one storefront, each with its period and what it rests on."""

    rate: tuple[float, float]
    orders: Span | None = None  # over `period`
    orders_exact: bool = False
    orders_basis: str | None = None
    period: str | None = None  # "lifetime" or "last 365 days"
    orders_month: Span | None = None
    month_exact: bool = False
    month_basis: str | None = None
    revenue: Span | None = None  # orders × price, over `period`
    gmv_month: Span | None = None  # orders per month × price


def _count_word(marketplace: str) -> str:
    return COUNT_WORDS.get(marketplace, "ratings")


def _rate_text(rates: tuple[float, float]) -> str:
    return f"rate {rates[0]:.0%}-{rates[1]:.0%}" if rates[0] != rates[1] else f"rate {rates[0]:.0%}"


def estimate_volume(marketplace: str, snapshots: Sequence[Snapshot], price: PriceBasis, momentum: Momentum,
                    rates: tuple[float, float], settings: ScoringSettings, *, opened: date | None = None,
                    now: datetime | None = None) -> Volume:
    """Lifetime (or windowed) orders, orders per month, revenue and monthly GMV of one storefront."""
    low_rate, high_rate = rates
    per_rating = Span(1 / high_rate, 1 / low_rate)
    word = _count_word(marketplace)
    count, basis = volume_count(snapshots)
    sold = exact_sales(snapshots)
    if sold is not None:
        orders, exact, period = Span(sold, sold), True, "lifetime"
        orders_basis = "exact sales"
        factors = [orders]
    elif count is not None:
        period = "lifetime" if basis == "lifetime" else f"last {(basis or '').split('-')[0]} days"
        orders, exact = combine(Span(count, count), per_rating), False
        orders_basis = f"{word} ÷ {_rate_text(rates)}"
        floor = next((s.sales_count for s in reversed(snapshots) if s.sales_count is not None), None)
        if floor is not None and basis == "lifetime" and floor > orders.low:  # "10K+ sold" bounds orders below
            orders = Span(floor, max(orders.high, floor))
            orders_basis += f", at least {floor:,} sold"
        factors = [orders]
    else:
        return _recent_only(marketplace, snapshots, price, rates)
    month, month_exact, month_basis = _monthly(marketplace, snapshots, momentum, factors, period, exact, rates,
                                               settings, opened, now)
    return Volume(rates, orders, exact, orders_basis, period, month, month_exact, month_basis,
                  None if price.span is None else combine(orders, price.span),
                  None if price.span is None or month is None else combine(month, price.span))


def _recent_only(marketplace: str, snapshots: Sequence[Snapshot], price: PriceBasis, rates: tuple[float, float],
                 ) -> Volume:
    recent = _recent_sales(snapshots)
    if recent is None:
        return Volume(rates)
    month, basis = recent
    return Volume(rates, None, False, None, None, month, True, basis, None,
                  None if price.span is None else combine(month, price.span))


def _recent_sales(snapshots: Sequence[Snapshot]) -> tuple[Span, str] | None:
    for snap in reversed(snapshots):
        if snap.recent_sales_count is not None and snap.recent_sales_days:
            per_month = snap.recent_sales_count * 30 / snap.recent_sales_days
            return Span(per_month, per_month), f"exact sales of the last {snap.recent_sales_days} days × 30/" \
                                               f"{snap.recent_sales_days}"
    return None


def _monthly(marketplace: str, snapshots: Sequence[Snapshot], momentum: Momentum, lifetime: list[Span], period: str,
             exact: bool, rates: tuple[float, float], settings: ScoringSettings, opened: date | None,
             now: datetime | None) -> tuple[Span | None, bool, str]:
    """(orders per month, exact, basis), from the best evidence there is."""
    recent = _recent_sales(snapshots)
    if recent is not None:
        return recent[0], True, recent[1]
    per_rating = Span(1 / rates[1], 1 / rates[0])
    word = _count_word(marketplace)
    sales = momentum_pair(snapshots, "sales_count", window_days=settings.momentum_window_days,
                          min_days=settings.momentum_min_days)
    if sales is not None:
        earlier, latest = sales
        days = days_between(earlier.observed_at, latest.observed_at)
        gained = max(0, (latest.sales_count or 0) - (earlier.sales_count or 0)) / days * 30
        return Span(gained, gained), True, f"exact sales gained over {days:.0f} days, per 30 days"
    if momentum.lifetime and momentum.per_30d is not None:
        gained = max(momentum.per_30d, 0.0)
        return (combine(Span(gained, gained), per_rating), False,
                f"{word} gained over {momentum.days:.0f} days, per 30 days, ÷ {_rate_text(rates)}")
    if period.startswith("last "):
        window = float(period.split()[1])
        return (lifetime[0].scaled(30 / window), False,
                f"{word} of the last {window:.0f} days × 30/{window:.0f} ÷ {_rate_text(rates)}")
    what = "exact lifetime sales" if exact else f"lifetime {word} ÷ {_rate_text(rates)}"
    if opened is not None and now is not None:
        months = max(1.0, (now.date() - opened).days / DAYS_PER_MONTH)
        return lifetime[0].scaled(1 / months), exact, f"{what} ÷ store age of {months:.0f} months (opened {opened})"
    age = Span(1 / settings.store_age_months_high, 1 / settings.store_age_months_low)
    return (combine(lifetime[0], age), False,
            f"{what} ÷ assumed store age of {settings.store_age_months_low:g}-{settings.store_age_months_high:g} "
            f"months (no recent window, growth or opening date)")
