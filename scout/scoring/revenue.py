"""Revenue ranges: orders from ratings ÷ a feedback rate (or an exact sales count) × the average price, and
monthly GMV from the growth between snapshots. Pure functions, like the score components they build on.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from scout.scoring.components import Momentum, RankHit, Snapshot, days_between, momentum_pair, volume_count
from scout.settings import ScoringSettings


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
        days = days_between(earlier.observed_at, latest.observed_at)
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
