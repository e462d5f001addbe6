"""Volume: orders from exact sales or feedback ÷ rate, monthly figures from the best evidence, the price basis, and
ranges combined in log space."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest

from scout.scoring.components import Momentum, Snapshot, score_momentum
from scout.scoring.revenue import PriceBasis, ReferencePrice, Span, combine, estimate_volume, median, price_basis
from scout.settings import ScoringSettings

T0 = datetime(2026, 10, 1, tzinfo=UTC)
S = ScoringSettings()
PRICE_20 = PriceBasis(Span(20.0, 20.0), 20.0, 5, "USD", False, "median of 5 observed prices")


def _snap(days: float = 0, **figures: object) -> Snapshot:
    return Snapshot(T0 + timedelta(days=days), **figures)  # type: ignore[arg-type]


def test_combined_ranges_multiply_midpoints_and_add_widths_in_quadrature() -> None:
    two_fold = Span(1.0, 2.0)
    result = combine(two_fold, two_fold)
    assert math.sqrt(result.low * result.high) == pytest.approx(2.0)  # midpoints √2 × √2
    assert result.high / result.low == pytest.approx(2 ** math.sqrt(2))  # not 4: widths add in quadrature
    assert combine(Span(3.0, 3.0), Span(2.0, 2.0)) == Span(pytest.approx(6.0), pytest.approx(6.0))  # type: ignore[arg-type]
    assert combine(Span(0.0, 0.0), two_fold) == Span(0.0, 0.0)


def test_lifetime_ratings_become_orders_through_the_feedback_rate() -> None:
    snapshots = [_snap(0, lifetime_rating_count=1000)]
    volume = estimate_volume("amazon", snapshots, PRICE_20, score_momentum(snapshots, S), (0.01, 0.05), S)
    assert (volume.orders.low, volume.orders.high) == pytest.approx((20_000, 100_000))  # type: ignore[union-attr]
    assert not volume.orders_exact and volume.period == "lifetime"
    assert volume.orders_basis == "ratings ÷ rate 1%-5%"
    # one snapshot, no opening date: lifetime ÷ an assumed age of 24-120 months, and the basis says so
    assert "assumed store age of 24-120 months" in (volume.month_basis or "")
    month = volume.orders_month
    assert month is not None and math.sqrt(month.low * month.high) == pytest.approx(
        math.sqrt(20_000 * 100_000) / math.sqrt(24 * 120))


def test_an_opening_date_replaces_the_assumed_age() -> None:
    snapshots = [_snap(0, sales_count=12_000, sales_count_exact=True)]
    volume = estimate_volume("etsy", snapshots, PRICE_20, Momentum(), (0.05, 0.2), S, opened=date(2024, 10, 1),
                             now=T0)
    assert volume.orders_exact and volume.orders_basis == "exact sales"
    assert volume.month_exact and volume.orders_month == Span(pytest.approx(12_000 / (730 / 30.44)),  # type: ignore[arg-type]
                                                              pytest.approx(12_000 / (730 / 30.44)))  # type: ignore[arg-type]
    assert "store age of 24 months (opened 2024-10-01)" in (volume.month_basis or "")


def test_mercadolibre_recent_exact_sales_give_the_monthly_figure() -> None:
    snapshots = [_snap(0, sales_count=286_701, sales_count_exact=True, recent_sales_count=74_239,
                       recent_sales_days=60, positive_pct=94.0)]
    volume = estimate_volume("mercadolibre", snapshots, PRICE_20, Momentum(), (0.01, 0.05), S)
    assert volume.orders == Span(286_701, 286_701) and volume.orders_exact
    assert volume.orders_month == Span(74_239 / 2, 74_239 / 2) and volume.month_exact
    assert volume.gmv_month == Span(pytest.approx(74_239 / 2 * 20), pytest.approx(74_239 / 2 * 20))  # type: ignore[arg-type]
    assert volume.month_basis == "exact sales of the last 60 days × 30/60"


def test_monthly_orders_from_feedback_growth_between_snapshots() -> None:
    snapshots = [_snap(0, lifetime_rating_count=1000), _snap(30, lifetime_rating_count=1100)]
    volume = estimate_volume("ebay", snapshots, PRICE_20, score_momentum(snapshots, S), (0.4, 0.6), S)
    assert volume.orders_month is not None
    assert (volume.orders_month.low, volume.orders_month.high) == pytest.approx((100 / 0.6, 100 / 0.4))
    assert volume.month_basis is not None and volume.month_basis.startswith("feedback gained over 30 days")


def test_a_windowed_count_gives_the_monthly_figure_of_its_window() -> None:
    snapshots = [_snap(0, rating_count=365, rating_window_days=365)]
    volume = estimate_volume("amazon", snapshots, PRICE_20, score_momentum(snapshots, S), (0.01, 0.05), S)
    assert volume.period == "last 365 days"
    assert volume.orders_month is not None
    assert (volume.orders_month.low, volume.orders_month.high) == pytest.approx((30 / 0.05, 30 / 0.01))


def test_no_price_means_orders_but_no_money() -> None:
    snapshots = [_snap(0, rating_count=500)]
    no_price = PriceBasis(None, None, 0, None, True, "no price observed")
    volume = estimate_volume("amazon", snapshots, no_price, Momentum(), (0.02, 0.04), S)
    assert volume.orders == Span(pytest.approx(12_500), pytest.approx(25_000))  # type: ignore[arg-type]
    assert volume.revenue is None and volume.gmv_month is None


REFERENCE = ReferencePrice(median=50.0, low=20.0, high=90.0, count=400, currency="USD", label="ebay electronics")


@pytest.mark.parametrize(("prices", "expected", "thin"), [
    ([10.0, 30.0, 20.0, 1000.0], (25.0, 25.0), False),  # the median, not the mean a single outlier would drag
    ([300.0], (50.0, 300.0), True),  # one price: widened with the reference median
    ([], (20.0, 90.0), True),  # none: the reference's middle half
])
def test_price_basis_is_the_median_widened_when_thin(prices: list[float], expected: tuple[float, float],
                                                      thin: bool) -> None:
    basis = price_basis(prices, "USD", REFERENCE, 1.0, thin_prices=3)
    assert basis.span is not None and (basis.span.low, basis.span.high) == pytest.approx(expected)
    assert basis.thin is thin and basis.count == len(prices)
    assert ("thin price basis" in basis.text) is thin


def test_a_reference_in_another_currency_is_converted() -> None:
    basis = price_basis([], "EUR", REFERENCE, 0.5, thin_prices=3)
    assert basis.span == Span(10.0, 45.0)


def test_median_of_even_and_odd_counts() -> None:
    assert median([3.0, 1.0, 2.0]) == 2.0 and median([4.0, 1.0, 2.0, 3.0]) == 2.5
