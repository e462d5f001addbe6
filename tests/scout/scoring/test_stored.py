"""`scout score` on the database: chunked storefronts give the same scores as one pass, and a score run is noted."""

from __future__ import annotations

import pytest
from sqlalchemy import select

import scout.scoring.stored as stored
from db.engine import connection_scope, session_scope
from db.models import LeadScore, ScoreRun, SellerScore
from scout.scoring.freshness import score_freshness
from tests.scout.scoring.test_leads import DAY2, _seller, build_leads_db


def _scores(db_url: str) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    engine = build_leads_db(db_url)
    with session_scope(engine) as session:
        sellers = [{k: v for k, v in asdict_row(r).items() if k != "computed_at"}
                   for r in session.execute(select(SellerScore).order_by(SellerScore.seller_pk)).scalars()]
        leads = [{k: v for k, v in asdict_row(r).items() if k not in ("computed_at", "id")}
                 for r in session.execute(select(LeadScore).order_by(LeadScore.business_key)).scalars()]
    engine.dispose()
    return sellers, leads


def asdict_row(row: object) -> dict[str, object]:
    return {c: getattr(row, c) for c in row.__table__.columns.keys()}  # type: ignore[attr-defined]


def test_scores_in_chunks_of_two_equal_scores_in_one_chunk(databases: object, monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    whole = _scores(databases.new())  # type: ignore[attr-defined]
    monkeypatch.setattr(stored, "CHUNK", 2)
    chunked = _scores(databases.new())  # type: ignore[attr-defined]
    assert chunked == whole and len(whole[0]) == 7 and len(whole[1]) == 6


def test_a_score_run_marks_the_data_and_new_data_makes_it_stale(db_url: str) -> None:
    engine = build_leads_db(db_url)
    with connection_scope(engine) as conn:
        fresh = score_freshness(conn)
    assert not fresh.stale and fresh.storefronts == 7 and fresh.warning() is None
    with session_scope(engine) as session:
        assert session.execute(select(ScoreRun.reporting_currency)).scalar_one() == "USD"
    _seller(engine, "ebay", DAY2, "https://ebay.com/usr/late", seller_id="late", name="Late", rating_count=50)
    with connection_scope(engine) as conn:
        state = score_freshness(conn)
    assert state.stale and "changed after the last `scout score`" in (state.warning() or "")
    engine.dispose()
