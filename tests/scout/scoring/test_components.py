"""Each score component in [0, 1]: quality by Wilson bound, volume, momentum, ranking, breadth and fit."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from scout.scoring.components import (
    Momentum,
    RankHit,
    Snapshot,
    percentile_ranks,
    score_breadth,
    score_fit,
    score_momentum,
    score_quality,
    score_ranking,
    stars_to_share,
    volume_count,
    wilson_lower_bound,
)
from scout.settings import ScoringSettings

T0 = datetime(2026, 10, 1, tzinfo=UTC)
S = ScoringSettings()


def _snap(days: float = 0, **figures: object) -> Snapshot:
    return Snapshot(T0 + timedelta(days=days), **figures)  # type: ignore[arg-type]


@pytest.mark.parametrize(("share", "n", "expected"), [
    (0.5, 100, 0.4038),
    (1.0, 3, 0.4385),
    (0.98, 40_000, 0.9786),
    (1.0, 0, 0.0),
    (0.0, 50, 0.0),
])
def test_wilson_lower_bound(share: float, n: int, expected: float) -> None:
    assert wilson_lower_bound(share, n) == pytest.approx(expected, abs=1e-4)


def test_wilson_puts_98_percent_of_40000_above_100_percent_of_3() -> None:
    assert wilson_lower_bound(0.98, 40_000) > wilson_lower_bound(1.0, 3)
    few = score_quality([_snap(positive_pct=100.0, rating_count=3)], S)
    many = score_quality([_snap(positive_pct=98.0, rating_count=40_000)], S)
    assert many.value > few.value == 0.0


@pytest.mark.parametrize(("stars", "share"), [(5.0, 1.0), (1.0, 0.0), (3.0, 0.5), (4.8, 0.95), (0.0, 0.0)])
def test_stars_map_to_a_positive_share(stars: float, share: float) -> None:
    assert stars_to_share(stars) == pytest.approx(share)


def test_quality_from_stars_says_so() -> None:
    quality = score_quality([_snap(stars=4.9, rating_count=800)], S)
    assert quality.basis == "stars" and quality.share == pytest.approx(0.975) and quality.n == 800


@pytest.mark.parametrize(("values", "expected"), [
    ([1, 2, 3, 4], [0.125, 0.375, 0.625, 0.875]),
    ([5, 5], [0.5, 0.5]),
    ([7], [0.5]),
    ([math.log1p(10), math.log1p(10_000), math.log1p(100)], [1 / 6, 5 / 6, 0.5]),
])
def test_percentile_ranks(values: list[float], expected: list[float]) -> None:
    assert percentile_ranks(values) == pytest.approx(expected)


@pytest.mark.parametrize(("snapshots", "expected"), [
    ([_snap(rating_count=100, lifetime_rating_count=900, rating_window_days=365)], (900, "lifetime")),
    ([_snap(rating_count=100, rating_window_days=365)], (100, "365-day")),
    ([_snap(rating_count=100)], (100, "lifetime")),
    ([_snap(rating_count=5), _snap(1, positive_pct=99.0)], (5, "lifetime")),
    ([_snap(positive_pct=99.0)], (None, None)),
])
def test_volume_count_prefers_the_lifetime_count(snapshots: list[Snapshot], expected: tuple[object, ...]) -> None:
    assert volume_count(snapshots) == expected


@pytest.mark.parametrize(("snapshots", "series", "per_30d", "above_half"), [
    ([_snap(0, lifetime_rating_count=1000), _snap(30, lifetime_rating_count=1100)], "lifetime ratings", 100.0, True),
    ([_snap(0, rating_count=1000), _snap(15, rating_count=950)], "lifetime ratings", -100.0, False),
    ([_snap(0, rating_count=400, rating_window_days=365), _snap(30, rating_count=440, rating_window_days=365)],
     "365-day ratings", 40.0, True),
    # the earlier snapshot nearest 30 days before the latest is compared, not the oldest
    ([_snap(0, lifetime_rating_count=100), _snap(60, lifetime_rating_count=1000),
      _snap(90, lifetime_rating_count=1300)], "lifetime ratings", 300.0, True),
])
def test_momentum_compares_the_two_most_relevant_snapshots(snapshots: list[Snapshot], series: str, per_30d: float,
                                                           above_half: bool) -> None:
    momentum = score_momentum(snapshots, S)
    assert momentum.series == series
    assert momentum.per_30d == pytest.approx(per_30d)
    assert (momentum.value > 0.5) is above_half


@pytest.mark.parametrize("snapshots", [
    [_snap(0, rating_count=1000)],
    [_snap(0, rating_count=1000), _snap(0.5, rating_count=1010)],  # closer than momentum_min_days
    [_snap(0, rating_count=10, rating_window_days=365), _snap(30, rating_count=20, rating_window_days=90)],
])
def test_momentum_without_a_usable_pair_is_neutral(snapshots: list[Snapshot]) -> None:
    assert score_momentum(snapshots, S) == Momentum()


def test_momentum_is_relative_to_size() -> None:
    small = score_momentum([_snap(0, rating_count=100), _snap(30, rating_count=200)], S)
    large = score_momentum([_snap(0, rating_count=100_000), _snap(30, rating_count=100_100)], S)
    assert small.per_30d == large.per_30d and small.value > large.value


@pytest.mark.parametrize(("hits", "expected"), [
    ([], 0.0),
    ([RankHit("P1", 1)], 1 - math.exp(-1)),
    ([RankHit("P1", 1), RankHit("P1", 3)], 1 - math.exp(-1)),  # one product counts once, at its best rank
    ([RankHit("P1", 1), RankHit("P2", 3)], 1 - math.exp(-1.5)),
    ([RankHit("P1", 1, "Kitchen"), RankHit("P1", 1, "Home")], 1 - math.exp(-2)),
])
def test_ranking_presence(hits: list[RankHit], expected: float) -> None:
    assert score_ranking(hits, 1.0) == pytest.approx(expected)


@pytest.mark.parametrize(("marketplaces", "listings", "expected"), [
    (1, None, 0.0), (2, None, 0.25), (3, None, 0.5), (7, None, 0.5), (1, 1000, 0.5), (3, 5000, 1.0),
])
def test_breadth(marketplaces: int, listings: int | None, expected: float) -> None:
    assert score_breadth(marketplaces, listings, S) == pytest.approx(expected)


@pytest.mark.parametrize(("categories", "expected"), [
    (["Küche, Haushalt & Kitchen"], 1.0), (["Books"], 0.2), (["Books", "Kitchen"], 1.0), (["Toys"], 0.5), ([], 0.5),
])
def test_fit_uses_category_weights(categories: list[str], expected: float) -> None:
    assert score_fit(categories, {"kitchen": 1.0, "books": 0.2}, 0.5) == expected
