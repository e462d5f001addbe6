"""Score components, insufficient data, revenue ranges and business aggregation."""

from __future__ import annotations

import math
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import LeadScore, SellerScore
from scout.errors import ConfigError
from scout.scoring import (
    BusinessScore,
    Momentum,
    RankHit,
    SellerInputs,
    Snapshot,
    StorefrontScore,
    compute_scores,
    estimate_revenue,
    normalize_name,
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
from scout.settings import ScoringSettings, load_settings
from tests.scout.test_leads import build_leads_db

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


def _seller(pk: int, count: int | None, marketplace: str = "amazon", business_id: int | None = None,
            **figures: object) -> SellerInputs:
    snapshots = [_snap(0, rating_count=count, positive_pct=97.0, **figures)] if count is not None else []
    return SellerInputs(pk, marketplace, f"S{pk}", T0, name=f"Seller {pk}", business_id=business_id,
                        snapshots=snapshots)


@pytest.mark.parametrize(("seller", "reason"), [
    (_seller(1, None), "no rating count"),
    (_seller(1, 19), "only 19 ratings"),
    (SellerInputs(1, "amazon", "S1", T0, snapshots=[_snap(0, rating_count=5000)]), "no positive % or star rating"),
])
def test_insufficient_data_scores_zero_and_ranks_last(seller: SellerInputs, reason: str) -> None:
    big = [_seller(pk, 50 + pk) for pk in range(2, 6)]
    storefronts, businesses = compute_scores([seller, *big], S, T0)
    assert storefronts[0].insufficient and reason in (storefronts[0].reason or "")
    assert storefronts[0].score == 0.0 < min(s.score for s in storefronts[1:])
    assert businesses[0].insufficient and businesses[0].score == 0.0


def test_volume_is_compared_within_the_marketplace() -> None:
    sellers = [_seller(1, 100, "amazon"), _seller(2, 10_000, "amazon"), _seller(3, 100, "etsy")]
    storefronts, _ = compute_scores(sellers, S, T0)
    assert [s.volume for s in storefronts] == [0.25, 0.75, 0.5]


def test_business_is_its_best_storefront_with_breadth_over_all() -> None:
    sellers = [_seller(1, 50_000, "amazon", business_id=7), _seller(2, 300, "ebay", business_id=7),
               _seller(3, 1000, "amazon")]
    storefronts, businesses = compute_scores(sellers, S, T0)
    business = next(b for b in businesses if b.business_key == "business:7")
    best = storefronts[0]
    assert business.main_seller_pk == 1 and business.marketplaces == "amazon,ebay" and business.storefronts == 2
    assert business.volume == best.volume and business.quality == best.quality
    assert business.breadth == score_breadth(2, None, S) > 0
    assert business.score >= best.score
    assert next(b for b in businesses if b.business_key == "seller:3").storefronts == 1


def test_business_revenue_sums_storefronts_in_the_main_currency() -> None:
    a, b = _seller(1, 1000, "amazon", business_id=1), _seller(2, 1000, "ebay", business_id=1)
    a.offer_price, b.offer_price = (10.0, "EUR", 3), (10.0, "EUR", 2)
    c = _seller(3, 1000, "etsy", business_id=1)
    c.offer_price = (10.0, "USD", 1)
    storefronts, (business,) = compute_scores([a, b, c], S, T0)
    assert business.currency == "EUR"
    assert business.revenue_low == storefronts[0].revenue_low + storefronts[1].revenue_low  # type: ignore[operator]


def test_weights_and_rates_come_from_scout_toml(tmp_path: Path) -> None:
    config = tmp_path / "scout.toml"
    config.write_text("[scoring]\nweight_fit = 0.5\ncategory_weights = { kitchen = 1.0 }\n"
                      "feedback_rates = { ebay = [0.1, 0.5] }\n", encoding="utf-8")
    settings = load_settings(config, environ={"SCOUT_SCORING_MIN_RATINGS": "5"}).scoring
    assert settings.weights()["fit"] == 0.5 and settings.category_weights == {"kitchen": 1.0}
    assert settings.feedback_range("ebay") == (0.1, 0.5) and settings.feedback_range("amazon") == (0.01, 0.05)
    assert settings.min_ratings == 5


@pytest.mark.parametrize(("overrides", "message"), [
    ({"weight_volume": 0, "weight_quality": 0, "weight_momentum": 0, "weight_ranking": 0, "weight_breadth": 0,
      "weight_fit": 0}, "must not all be 0"),
    ({"feedback_rate_low": 0.5, "feedback_rate_high": 0.1}, "feedback_rate_low/high"),
    ({"feedback_rates": {"ebay": (0.0, 0.5)}}, "feedback_rates.ebay"),
    ({"quality_floor": 1.0}, "quality_floor"),
])
def test_unusable_scoring_settings_are_config_errors(overrides: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        ScoringSettings(**overrides).check()  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "expected"), [("Müller & Co.", "muller"), ("  ALPHA-küchen ", "alpha kuchen"),
                                                ("\x1b[31mRed\x1b[0m Shop", "red"), ("", None), ("--", None)])
def test_normalize_name_is_identitys_so_scores_and_suppression_agree(text: str, expected: str | None) -> None:
    assert normalize_name(text) == expected


def test_scores_from_real_snapshot_pairs_in_a_database(tmp_path: Path) -> None:
    engine = build_leads_db(tmp_path / "s.db")
    with session_scope(engine) as session:
        rows = {row.marketplace + ":" + str(row.seller_pk): row for row in session.execute(select(SellerScore))
                .scalars()}
        alpha = next(r for r in rows.values() if r.normalized_name == "alpha kuchen")
        lead = session.execute(select(LeadScore).where(LeadScore.business_key == alpha.business_key)).scalar_one()
    assert alpha.momentum_series == "lifetime ratings" and alpha.momentum_days == 30
    assert alpha.growth_per_30d == pytest.approx(2000) and alpha.growth_rel == pytest.approx(2000 / 90_000)
    assert alpha.momentum > 0.5
    assert alpha.quality_n == 40_800 and alpha.rating_count == 92_000
    assert alpha.ranked_products == 1 and alpha.best_rank == 1 and alpha.categories == "Kitchen"
    assert alpha.avg_price == 25.0 and alpha.price_source == "offers"
    assert alpha.gmv_basis is not None and "gained over 30 days" in alpha.gmv_basis
    assert lead.storefronts == 2 and lead.growth_pct_30d == pytest.approx(100 * 2000 / 90_000, abs=0.01)


@pytest.mark.parametrize(("computed", "table"), [(StorefrontScore, SellerScore), (BusinessScore, LeadScore)])
def test_computed_scores_carry_every_column_of_their_table(computed: type, table: type) -> None:
    # rows are built as plain dataclasses (a million SQLModel objects cost far more) and inserted by field name:
    # a column the dataclass lacked would silently keep its default
    columns = set(table.__table__.columns.keys()) - {"id"}  # type: ignore[attr-defined]
    assert {f.name for f in fields(computed)} == columns
