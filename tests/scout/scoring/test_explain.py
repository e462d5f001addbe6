"""`scout explain`: every component of a stored score, its weight and what it rests on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from db.engine import session_scope
from scout.errors import InputError
from scout.scoring.explain import explain
from scout.settings import ScoringSettings
from tests.scout.scoring.test_leads import build_leads_db


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = build_leads_db(db_url)
    yield engine
    engine.dispose()


@pytest.mark.parametrize("target", ["Alpha Küchen GmbH", "alpha kuchen gmbh", "business:1", "küchen gmbh"])
def test_explain_a_business(engine: Engine, target: str) -> None:
    with session_scope(engine) as session:
        result = explain(session, target, ScoringSettings())
    assert result.kind == "business" and result.key == "business:1"
    assert [line.name for line in result.components] == ["volume", "quality", "momentum", "ranking", "breadth",
                                                         "fit"]
    assert sum(line.points for line in result.components) == pytest.approx(result.score, abs=0.01)
    assert "2 marketplace(s): amazon,ebay" in result.components[4].detail
    assert any("feedback rate 1%-5%" in line for line in result.revenue)
    assert not result.stale


def test_explain_a_storefront_by_marketplace_and_seller_id(engine: Engine) -> None:
    with session_scope(engine) as session:
        result = explain(session, "etsy:42", ScoringSettings())
    assert result.kind == "storefront"
    assert "4.9/5 stars mapped to 97.5% positive" in result.components[1].detail
    assert any("orders, lifetime: 12,000 (exact sales)" in line for line in result.revenue)


def test_explain_labels_every_money_figure_with_period_currency_and_basis(engine: Engine) -> None:
    with session_scope(engine) as session:
        result = explain(session, "business:1", ScoringSettings())
    money = [line for line in result.revenue if "revenue" in line or "GMV" in line]
    assert money and all(("lifetime" in line or "per month" in line) for line in money)
    assert any("(figures in EUR)" in line for line in result.revenue)
    assert any(line.startswith("business total in USD (each storefront converted, rates of 2024-12-31)")
               for line in result.revenue)
    assert any("(orders x price)" in line for line in result.revenue)


def test_explain_notices_changed_weights(engine: Engine) -> None:
    with session_scope(engine) as session:
        result = explain(session, "business:1", ScoringSettings(weight_volume=0.9))
    assert result.stale


@pytest.mark.parametrize(("target", "message"), [("Nobody GmbH", "no business or seller named"),
                                                 ("seller:999", "no storefront 'seller:999'"),
                                                 ("amazon:NOPE", "no storefront 'amazon:NOPE'")])
def test_explain_unknown_targets(engine: Engine, target: str, message: str) -> None:
    with session_scope(engine) as session, pytest.raises(InputError, match=message):
        explain(session, target, ScoringSettings())


def test_explain_a_storefront_stored_after_scoring_says_to_score(engine: Engine) -> None:
    from tests.scout.scoring.test_leads import DAY2, _seller

    _seller(engine, "ebay", DAY2, "https://ebay.com/usr/late", seller_id="late", name="Late Comer",
            positive_pct=99.0, rating_count=500)
    with session_scope(engine) as session, pytest.raises(InputError, match="after the last `scout score`"):
        explain(session, "ebay:late", ScoringSettings())
