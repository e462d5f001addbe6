"""Storefront and business scores: insufficient data, per-marketplace volume, aggregation, settings, storage."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.models import LeadScore, SellerScore
from scout.errors import ConfigError
from scout.scoring.components import Snapshot, score_breadth
from scout.scoring.rates import reference_rates
from scout.scoring.scores import BusinessScore, SellerInputs, StorefrontScore, compute_scores, normalize_name
from scout.settings import ScoringSettings, load_settings
from tests.scout.scoring.test_leads import build_leads_db

T0 = datetime(2026, 10, 1, tzinfo=UTC)
S = ScoringSettings()


def _snap(days: float = 0, **figures: object) -> Snapshot:
    return Snapshot(T0 + timedelta(days=days), **figures)  # type: ignore[arg-type]


def _seller(pk: int, count: int | None, marketplace: str = "amazon", business_id: int | None = None,
            **figures: object) -> SellerInputs:
    snapshots = [_snap(0, rating_count=count, positive_pct=97.0, **figures)] if count is not None else []
    return SellerInputs(pk, marketplace, f"S{pk}", T0, name=f"Seller {pk}", business_id=business_id,
                        snapshots=snapshots)


@pytest.mark.parametrize(("seller", "reason"), [
    (_seller(1, None), "no rating or sales count"),
    (_seller(1, 19), "only 19 ratings"),
    (SellerInputs(1, "amazon", "S1", T0, snapshots=[_snap(0, rating_count=5000)]), "no positive % or star rating"),
])
def test_insufficient_data_scores_zero_and_ranks_last(seller: SellerInputs, reason: str) -> None:
    big = [_seller(pk, 50 + pk) for pk in range(2, 6)]
    storefronts, businesses = compute_scores([seller, *big], S, T0)
    assert storefronts[0].insufficient and reason in (storefronts[0].reason or "")
    assert storefronts[0].score == 0.0 < min(s.score for s in storefronts[1:])
    assert businesses[0].insufficient and businesses[0].score == 0.0


def test_volume_compares_monthly_gmv_across_marketplaces_and_keeps_the_rank_within_each() -> None:
    # a 1,263-rating Cdiscount shop no longer outranks an Amazon seller with 20k ratings at the same prices
    amazon = [_seller(1, 20_000, "amazon"), _seller(2, 2_000, "amazon")]
    cdiscount = [_seller(3, 1_263, "cdiscount")]
    for seller in (*amazon, *cdiscount):
        seller.prices = [(25.0, "EUR")] * 3
    storefronts, _ = compute_scores([*amazon, *cdiscount], S, T0)
    by_pk = {s.seller_pk: s for s in storefronts}
    assert by_pk[1].volume > by_pk[3].volume and by_pk[1].volume > by_pk[2].volume
    assert [by_pk[pk].marketplace_rank for pk in (1, 2, 3)] == [1, 2, 1]
    assert by_pk[3].marketplace_volume == 0.5  # alone on its marketplace


def test_business_is_its_best_storefront_with_breadth_over_all() -> None:
    sellers = [_seller(1, 50_000, "amazon", business_id=7), _seller(2, 300, "ebay", business_id=7),
               _seller(3, 1000, "amazon")]
    storefronts, businesses = compute_scores(sellers, S, T0)
    business = next(b for b in businesses if b.business_key == "business:7")
    best = storefronts[0]
    assert business.main_seller_pk == 1 and business.marketplaces == "amazon,ebay" and business.storefronts == 2
    assert business.quality == best.quality
    assert business.breadth == score_breadth(2, None, S) > 0
    assert business.score >= best.score
    assert next(b for b in businesses if b.business_key == "seller:3").storefronts == 1


def test_a_multi_currency_business_total_is_the_sum_of_its_converted_storefronts() -> None:
    euro, dollar, zloty = (_seller(1, 1000, "amazon", business_id=1), _seller(2, 1000, "ebay", business_id=1),
                           _seller(3, 1000, "allegro", business_id=1))
    euro.prices = [(10.0, "EUR")] * 3
    dollar.prices = [(10.0, "USD")] * 3
    zloty.prices = [(40.0, "PLN")] * 3
    storefronts, (business,) = compute_scores([euro, dollar, zloty], S, T0)
    rates = reference_rates()
    assert business.currency == "USD" and {s.currency for s in storefronts} == {"EUR", "USD", "PLN"}
    for row in storefronts:  # each storefront keeps its own currency, and its figure in USD beside it
        factor = rates.factor(row.currency, "USD")
        assert row.rate == factor and row.rate_date == "2024-12-31"
        assert row.gmv_month_low_rc == pytest.approx((row.gmv_month_low or 0) * (factor or 0), abs=0.01)
    assert business.gmv_month_low == pytest.approx(sum(s.gmv_month_low_rc or 0 for s in storefronts), abs=0.02)
    assert business.gmv_month_high == pytest.approx(sum(s.gmv_month_high_rc or 0 for s in storefronts), abs=0.02)
    assert business.revenue_low == pytest.approx(sum(s.revenue_low_rc or 0 for s in storefronts), abs=0.02)
    assert business.rate_date == "2024-12-31" and "PLN per month" in (business.storefront_gmv or "")


def test_the_reporting_currency_and_rates_come_from_scout_toml(tmp_path: Path) -> None:
    config = tmp_path / "scout.toml"
    config.write_text('[scoring]\ncurrency = "EUR"\nexchange_rates = { PLN = 4.0 }\n'
                      'exchange_rates_date = "2026-06-30"\n', encoding="utf-8")
    settings = load_settings(config, environ={}).scoring
    zloty = _seller(1, 1000, "allegro")
    zloty.prices = [(40.0, "PLN")] * 3
    (row,), (business,) = compute_scores([zloty], settings, T0)
    assert business.currency == "EUR" and row.rate_date == "2026-06-30"
    assert row.rate == pytest.approx(0.25 / 1.0389)  # 1 PLN = 1/4 USD, and 1 EUR = 1.0389 USD on the table
    assert row.gmv_month_low_rc == pytest.approx((row.gmv_month_low or 0) * (row.rate or 0), abs=0.01)


def test_weights_and_rates_come_from_scout_toml(tmp_path: Path) -> None:
    config = tmp_path / "scout.toml"
    config.write_text("[scoring]\nweight_fit = 0.5\ncategory_weights = { kitchen = 1.0 }\n"
                      "feedback_rates = { ebay = [0.1, 0.5] }\n", encoding="utf-8")
    settings = load_settings(config, environ={"SCOUT_SCORING_MIN_RATINGS": "5"}).scoring
    assert settings.weights()["fit"] == 0.5 and settings.category_weights == {"kitchen": 1.0}
    assert settings.feedback_range("ebay") == (0.1, 0.5) and settings.feedback_range("amazon") == (0.01, 0.05)
    assert settings.feedback_source("ebay") == "scout.toml / scout calibrate"
    assert settings.feedback_source("amazon").startswith("Marketplace Pulse")
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


def test_scores_from_real_snapshot_pairs_in_a_database(db_url: str) -> None:
    engine = build_leads_db(db_url)
    with session_scope(engine) as session:
        rows = {row.marketplace + ":" + str(row.seller_pk): row for row in session.execute(select(SellerScore))
                .scalars()}
        alpha = next(r for r in rows.values() if r.normalized_name == "alpha kuchen")
        lead = session.execute(select(LeadScore).where(LeadScore.business_key == alpha.business_key)).scalar_one()
    assert alpha.momentum_series == "lifetime ratings" and alpha.momentum_days == 30
    assert alpha.growth_per_30d == pytest.approx(2000) and alpha.growth_rel == pytest.approx(2000 / 90_000)
    assert alpha.momentum > 0.5
    assert alpha.quality_n == 40_800 and alpha.rating_count == 92_000
    assert alpha.ranked_products == 1 and alpha.best_rank == 1 and alpha.categories == ",kitchen,"
    assert alpha.price_median == 25.0 and alpha.price_thin and "thin price basis" in (alpha.price_basis or "")
    assert alpha.gmv_basis is not None and "gained over 30 days" in alpha.gmv_basis
    assert lead.storefronts == 2 and lead.growth_pct_30d == pytest.approx(100 * 2000 / 90_000, abs=0.01)


@pytest.mark.parametrize(("computed", "table"), [(StorefrontScore, SellerScore), (BusinessScore, LeadScore)])
def test_computed_scores_carry_every_column_of_their_table(computed: type, table: type) -> None:
    # rows are built as plain dataclasses (a million SQLModel objects cost far more) and inserted by field name:
    # a column the dataclass lacked would silently keep its default
    columns = set(table.__table__.columns.keys()) - {"id"}  # type: ignore[attr-defined]
    assert {f.name for f in fields(computed)} == columns
