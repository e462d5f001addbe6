"""The volume estimates on the real captured pages in ../shared/pages: ingested, scored, checked against what the
largest marketplace sellers plausibly sell (skipped when the captures are absent)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from db.engine import make_engine, session_scope
from db.models import LeadScore, Seller, SellerScore
from scout.pages.ingest import ingest_files
from scout.scoring.explain import explain
from scout.scoring.stored import score_database
from scout.settings import ScoringSettings
from tests.helpers import real_pages_dir

WHEN = datetime(2026, 11, 1, tzinfo=UTC)
MONTHLY_CEILING_USD = 100_000_000  # > 1 billion USD a year for one storefront would be a defect


@pytest.fixture
def scored(db_url: str) -> Iterator[Engine]:
    folder = real_pages_dir()
    if folder is None:
        pytest.skip("real captures not available (set SCOUT_REAL_PAGES)")
    engine = make_engine(db_url)
    ingest_files(engine, [folder], as_of=WHEN)
    with session_scope(engine) as session:
        score_database(session, ScoringSettings(), WHEN)
    yield engine
    engine.dispose()


def _rows(engine: Engine, marketplace: str) -> list[tuple[str, SellerScore]]:
    with session_scope(engine) as session:
        rows = session.execute(select(Seller.name, SellerScore).join(  # type: ignore[call-overload]
            SellerScore, SellerScore.seller_pk == Seller.id).where(Seller.marketplace == marketplace)).all()
        session.expunge_all()
    return [(name, row) for name, row in rows]


@pytest.mark.parametrize("marketplace", ["ebay", "amazon"])
def test_no_ebay_or_amazon_storefront_sells_over_100m_usd_a_month(scored: Engine, marketplace: str) -> None:
    rows = _rows(scored, marketplace)
    assert rows
    highs = {name: row.gmv_month_high_rc for name, row in rows if row.gmv_month_high_rc is not None}
    assert highs and max(highs.values()) <= MONTHLY_CEILING_USD, max(highs.items(), key=lambda kv: kv[1])


def test_decluttr_store_is_estimated_from_feedback_at_ebays_rate(scored: Engine) -> None:
    (row,) = [row for name, row in _rows(scored, "ebay") if name == "decluttr_store"]
    assert row.rating_count == 3_377_752 and (row.feedback_rate_low, row.feedback_rate_high) == (0.4, 0.6)
    assert row.orders_basis == "feedback ÷ rate 40%-60%" and row.price_thin
    assert row.categories == ",electronics,"
    assert 1_000_000 < (row.gmv_month_low_rc or 0) < (row.gmv_month_high_rc or 0) <= MONTHLY_CEILING_USD


def test_every_mercadolibre_seller_is_scored_on_its_exact_transactions(scored: Engine) -> None:
    rows = _rows(scored, "mercadolibre")
    assert len(rows) == 30
    assert all(not row.insufficient and row.orders_exact and row.orders_basis == "exact sales" for _, row in rows)
    libercam = next(row for name, row in rows if name == "LIBERCAM")
    assert libercam.orders_low == libercam.orders_high == 286_701
    assert libercam.orders_month_low == libercam.orders_month_high == pytest.approx(74_239 / 2)
    assert libercam.currency == "ARS" and libercam.reporting_currency == "USD" and libercam.rate is not None
    assert libercam.categories == ",electronics,"


def test_explain_labels_the_real_figures(scored: Engine) -> None:
    with session_scope(scored) as session:
        result = explain(session, "LIBERCAM", ScoringSettings())
        lead = session.execute(select(LeadScore).where(LeadScore.name == "LIBERCAM")).scalar_one()
    text = "\n".join(result.revenue)
    assert "orders, lifetime: 286,701 (exact sales)" in text
    assert "orders per month: 37,120 (exact sales of the last 60 days × 30/60)" in text
    assert "GMV per month" in text and "ARS" in text and "reference rate of 2024-12-31" in text
    assert lead.currency == "USD" and lead.gmv_month_low is not None and lead.marketplace_rank is not None


def test_categories_reach_every_marketplace_with_item_categories(scored: Engine) -> None:
    for marketplace in ("ebay", "walmart", "mercadolibre"):  # Amazon and Allegro pages: issue 13 parses theirs
        assert any(row.categories for _, row in _rows(scored, marketplace)), marketplace
