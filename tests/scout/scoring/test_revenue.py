"""Revenue ranges: orders from ratings or exact sales, times the average price; monthly GMV from growth."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from scout.scoring.components import Momentum, Snapshot, score_momentum
from scout.scoring.revenue import estimate_revenue
from scout.settings import ScoringSettings

T0 = datetime(2026, 10, 1, tzinfo=UTC)
S = ScoringSettings()


def _snap(days: float = 0, **figures: object) -> Snapshot:
    return Snapshot(T0 + timedelta(days=days), **figures)  # type: ignore[arg-type]


def test_revenue_from_ratings_is_a_range() -> None:
    snapshots = [_snap(0, lifetime_rating_count=1000)]
    revenue = estimate_revenue(snapshots, 20.0, score_momentum(snapshots, S), (0.01, 0.05), S)
    assert (revenue.orders_low, revenue.orders_high) == (20_000, 100_000)
    assert (revenue.revenue_low, revenue.revenue_high) == (400_000, 2_000_000)
    assert not revenue.exact and revenue.period == "lifetime"
    # one snapshot: monthly GMV from lifetime ÷ an assumed age of 12-60 months
    assert (revenue.gmv_month_low, revenue.gmv_month_high) == pytest.approx((400_000 / 60, 2_000_000 / 12))
    assert "assumed store age" in (revenue.gmv_basis or "")


def test_monthly_gmv_from_rating_growth_between_snapshots() -> None:
    snapshots = [_snap(0, lifetime_rating_count=1000), _snap(30, lifetime_rating_count=1100)]
    revenue = estimate_revenue(snapshots, 10.0, score_momentum(snapshots, S), (0.01, 0.05), S)
    assert (revenue.gmv_month_low, revenue.gmv_month_high) == pytest.approx((100 / 0.05 * 10, 100 / 0.01 * 10))


def test_windowed_count_gives_a_yearly_revenue_and_monthly_gmv() -> None:
    snapshots = [_snap(0, rating_count=365, rating_window_days=365)]
    revenue = estimate_revenue(snapshots, 1.0, score_momentum(snapshots, S), (0.01, 0.05), S)
    assert revenue.period == "last 365 days"
    assert (revenue.gmv_month_low, revenue.gmv_month_high) == pytest.approx((30 / 0.05, 30 / 0.01))


def test_etsy_exact_sales_are_used_and_shown_as_exact() -> None:
    snapshots = [_snap(0, stars=4.9, rating_count=800, rating_window_days=365, sales_count=12_000,
                       sales_count_exact=True),
                 _snap(30, stars=4.9, rating_count=810, rating_window_days=365, sales_count=12_300,
                       sales_count_exact=True)]
    revenue = estimate_revenue(snapshots, 30.0, score_momentum(snapshots, S), (0.01, 0.05), S)
    assert revenue.exact and revenue.orders_low == revenue.orders_high == 12_300
    assert revenue.revenue_low == revenue.revenue_high == 369_000
    assert revenue.gmv_month_low == revenue.gmv_month_high == pytest.approx(300 * 30.0)


def test_no_price_means_no_revenue_but_an_order_range() -> None:
    snapshots = [_snap(0, rating_count=500)]
    revenue = estimate_revenue(snapshots, None, Momentum(), (0.02, 0.04), S)
    assert (revenue.orders_low, revenue.orders_high) == (12_500, 25_000)
    assert revenue.revenue_low is None and revenue.gmv_month_low is None
