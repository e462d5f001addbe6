"""The dashboard's figures: headline counts, leaderboard, per-marketplace stats, histogram, funnel, movers and
crawl health, aggregated from a database whose rows are known."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from db.archive import archive_page
from db.engine import make_engine, session_scope
from db.models import Business, Crawl, FrontierEntry, LeadScore, Outreach, Seller, Suppression
from db.store import store_parsed_page
from scout.crawl.summary import SourceSummary
from scout.dashboard.crawl_health import SourceHealth
from scout.dashboard.data import BoardEntry, DashboardData, load_dashboard
from scout.dashboard.options import check_dashboard_options
from scout.errors import InputError
from scout.scoring.leads import select_leads
from scout.scoring.stored import score_database
from scout.settings import ScoringSettings
from scrapers.records import ParsedPage, SellerProfile
from tests.conftest import Databases
from tests.scout.scoring.test_leads import DAY1, DAY2, HOSTILE, build_leads_db

MARKUP = "[bold red]x[/]"
FORMULA = "=cmd|' /C calc'!A0"
# outreach statuses of six more businesses (Alpha Küchen GmbH is already "sent")
OUTREACH = ("drafted", "drafted", "drafted", "replied", "onboarded", "declined")


def _profile(engine: Engine, marketplace: str, when: datetime, url: str, **figures: object) -> None:
    with session_scope(engine) as session:
        page = archive_page(session, url=url, fingerprint=url, body=f"{url}@{when}".encode(), fetched_at=when)
        store_parsed_page(session, page, ParsedPage(marketplace, "seller", [SellerProfile(**figures)]),  # type: ignore[arg-type]
                          observed_at=when, parser_version="test/1")


def build_dashboard_db(db: str, *, now: datetime = DAY2, scored: bool = True) -> Engine:
    """The leads world (tests/scout/test_leads.py) plus an Etsy shop with markup in its name whose 365-day rating
    count fell, an Allegro seller named like a spreadsheet formula, outreach in every stage, and crawls: Amazon
    healthy, eBay drifted, and a running crawl of Etsy and Walmart in which Walmart is blocked.

    Dates are shifted so that `now` plays the part of DAY2 (the second crawl day).
    """
    engine = build_leads_db(db, scored=False)
    for day, when in enumerate((DAY1, DAY2)):
        _profile(engine, "etsy", when, f"https://etsy.com/shop/Markup?d={day}", seller_id="77", name=MARKUP,
                 stars=4.8, rating_count=5_000 - 1_000 * day, rating_window_days=365, country="US")
    _profile(engine, "allegro", DAY2, "https://allegro.pl/uzytkownik/formula", seller_id="formula", name=FORMULA,
             positive_pct=99.0, rating_count=3_000, country="PL")
    shift = now - DAY2
    with session_scope(engine) as session:
        for seller in session.execute(select(Seller)).scalars():
            seller.first_seen += shift
            seller.last_seen += shift
        for i, status in enumerate(OUTREACH):
            business = Business(name=f"Prospect {i}", normalized_name=f"prospect {i}")
            session.add(business)
            session.flush()
            assert business.id is not None
            session.add(Outreach(business_id=business.id, status=status, offer_code=f"SCOUT-P{i}"))
        session.add(Crawl(source="amazon", status="finished", started_at=now - timedelta(days=9),
                          finished_at=now - timedelta(days=9), pages_ok=1, pages_blocked=50))
        session.add(Crawl(source="amazon", status="finished", started_at=now - timedelta(hours=3),
                          finished_at=now - timedelta(hours=2), pages_ok=120, pages_retried=3, pages_blocked=2,
                          pages_drifted=1))
        session.add(Crawl(source="ebay", status="finished", started_at=now - timedelta(days=1, hours=1),
                          finished_at=now - timedelta(days=1), pages_ok=10, pages_drifted=30))
        crawl = Crawl(source="all", status="running", started_at=now - timedelta(minutes=5),
                      options=json.dumps({"sources": ["etsy", "walmart"]}))
        session.add(crawl)
        session.flush()
        assert crawl.id is not None
        frontier = [("etsy", "done", 1), ("etsy", "done", 2), ("etsy", "done", 1), ("etsy", "pending", 0),
                    ("walmart", "blocked", 1), ("walmart", "blocked", 3), ("walmart", "done", 1)]
        for i, (marketplace, status, attempts) in enumerate(frontier):
            session.add(FrontierEntry(crawl_id=crawl.id, url=f"https://x.invalid/{i}", fingerprint=f"fp{i}",
                                      marketplace=marketplace, kind="seller", status=status, attempts=attempts))
    if scored:
        with session_scope(engine) as session:
            score_database(session, ScoringSettings(), now)
    return engine


def _load(engine: Engine, **options: object) -> DashboardData:
    with session_scope(engine) as session:
        return load_dashboard(session, now=DAY2, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engine(module_databases: Databases) -> Iterator[Engine]:
    engine = build_dashboard_db(module_databases.new("dashboard"))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def data(engine: Engine) -> DashboardData:
    return _load(engine)


def test_headline_figures_of_a_known_database(data: DashboardData) -> None:
    h = data.headline
    assert (h.sellers, h.businesses, h.drafts, h.onboarded, h.threshold) == (9, 7, 3, 1, 60)
    # first seen on DAY2: Alpha's eBay store, Maker Studio, the hostile Amazon seller, Blocked Co., Opt Out Store
    # and the formula seller; everyone else was first seen 30 days earlier
    assert h.new_this_week == 6
    assert h.leads == 1  # only Alpha Küchen GmbH scores 60 or more


@pytest.mark.parametrize("threshold", [0, 40, 45, 60, 100])
def test_leads_above_threshold_are_what_scout_leads_lists(engine: Engine, threshold: float) -> None:
    with session_scope(engine) as session:
        listed = select_leads(session, top=1000, min_score=threshold)
    expected = sum(1 for lead in listed if not lead.insufficient)
    assert _load(engine, threshold=threshold).headline.leads == expected


def test_leads_leave_out_suppressed_businesses(data: DashboardData, engine: Engine) -> None:
    with session_scope(engine) as session:
        above = session.execute(select(col(LeadScore.name)).where(col(LeadScore.score) >= 45)).scalars().all()
    assert {"Blocked Co.", "Opt Out Store"} <= set(above)
    assert _load(engine, threshold=45).headline.leads == len(above) - 2


def test_funnel_counts_every_business_that_reached_a_stage(data: DashboardData) -> None:
    assert data.funnel.stages == (("drafted", 7), ("sent", 4), ("replied", 3), ("onboarded", 1))
    assert (data.funnel.declined, data.funnel.opted_out) == (1, 0)


def test_leaderboard_is_best_first_without_suppressed_businesses(data: DashboardData) -> None:
    names = [entry.name for entry in data.leaderboard]
    assert names[0] == "Alpha Küchen GmbH" and data.leaderboard[0].marketplaces == ("amazon", "ebay")
    assert data.leaderboard[0].status == "sent" and data.leaderboard[0].trend == "up"
    assert not {"Blocked Co.", "Opt Out Store"} & set(names)
    assert {MARKUP, FORMULA, HOSTILE} <= set(names)
    assert names[-1] == "Tiny Shop" and data.leaderboard[-1].insufficient


def test_marketplace_rows_have_sellers_median_ratings_and_top_seller(data: DashboardData) -> None:
    rows = {row.marketplace: row for row in data.marketplaces}
    assert [row.marketplace for row in data.marketplaces] == ["amazon", "ebay", "etsy", "allegro", "walmart"]
    amazon = rows["amazon"]
    assert (amazon.sellers, amazon.median_ratings, amazon.top_seller) == (3, 2_000, "Alpha Küchen")  # 3, 2,000, 92,000
    assert rows["ebay"].median_ratings == (5_000 + 20_000) / 2
    assert rows["allegro"].top_seller == FORMULA


def test_histogram_counts_every_scored_business(data: DashboardData, engine: Engine) -> None:
    with session_scope(engine) as session:
        scores = session.execute(select(col(LeadScore.score), col(LeadScore.insufficient))).all()
    assert data.histogram.insufficient == 1
    assert sum(data.histogram.bins) + data.histogram.insufficient == len(scores)
    assert data.histogram.bins == tuple(sum(1 for s, low in scores if not low and 10 * i <= s < 10 * (i + 1))
                                        for i in range(10))


def test_movers_are_the_fastest_growing_and_falling_rating_counts(data: DashboardData) -> None:
    assert [(m.name, m.marketplace) for m in data.risers] == [("Alpha Küchen", "amazon")]
    (faller,) = data.fallers
    assert faller.name == MARKUP and faller.per_30d == pytest.approx(-1_000) and faller.growth_pct == pytest.approx(-20)


def test_crawl_health_takes_each_sources_last_crawl(data: DashboardData) -> None:
    health = {s.source: s for s in data.health}
    assert [s.source for s in data.health] == ["amazon", "ebay", "walmart", "etsy"]  # marketplace order
    amazon = health["amazon"]
    assert (amazon.ok, amazon.retried, amazon.blocked, amazon.drifted, amazon.alarm) == (120, 3, 2, 1, False)
    assert health["ebay"].alarm and health["ebay"].drifted == 30
    etsy, walmart = health["etsy"], health["walmart"]
    assert (etsy.ok, etsy.retried, etsy.status, etsy.alarm) == (3, 1, "running", False)
    assert (walmart.ok, walmart.blocked, walmart.retried, walmart.alarm) == (1, 2, 1, True)


def test_one_marketplace_narrows_every_panel(engine: Engine) -> None:
    data = _load(engine, marketplace="etsy")
    assert data.headline.sellers == 2 and [row.marketplace for row in data.marketplaces] == ["etsy"]
    assert {entry.name for entry in data.leaderboard} == {"Maker Studio", MARKUP}
    assert [s.source for s in data.health] == ["etsy"]
    assert data.funnel.stages[0] == ("drafted", 0)  # no etsy business has an offer


def test_empty_database_has_zeros_and_no_scores(db_url: str) -> None:
    empty = make_engine(db_url)
    data = _load(empty)
    empty.dispose()
    assert not data.has_sellers and not data.has_scores
    assert data.headline.leads is None and (data.headline.sellers, data.headline.drafts) == (0, 0)
    assert data.leaderboard == () and data.marketplaces == () and data.health == () and data.risers == ()


def test_unscored_database_has_sellers_but_no_score_figures(db_url: str) -> None:
    data = _load(build_dashboard_db(db_url, scored=False))
    assert data.has_sellers and not data.has_scores and data.headline.leads is None
    assert data.leaderboard == () and sum(data.histogram.bins) == 0
    assert all(row.median_ratings is None and row.top_seller is None for row in data.marketplaces)
    assert data.funnel.stages[0] == ("drafted", 7)


def test_score_figures_are_reused_until_scores_or_suppression_change(db_url: str) -> None:
    engine = build_dashboard_db(db_url)
    first = _load(engine)
    assert _load(engine, previous=first).scores is first.scores
    assert _load(engine, previous=first, threshold=40).scores is not first.scores
    with session_scope(engine) as session:
        session.add(Suppression(name="Maker Studio", normalized_name="maker studio"))
    after_suppress = _load(engine, previous=first)
    assert after_suppress.scores is not first.scores
    assert "Maker Studio" not in {e.name for e in after_suppress.leaderboard}
    with session_scope(engine) as session:
        score_database(session, ScoringSettings(), DAY2 + timedelta(hours=1))
    assert _load(engine, previous=after_suppress).scores is not after_suppress.scores


@pytest.mark.parametrize(("growth", "trend"), [(5.0, "up"), (1.0, "up"), (0.4, "flat"), (0.0, "flat"),
                                               (-0.99, "flat"), (-1.0, "down"), (-30.0, "down"), (None, None)])
def test_trend_from_growth_per_30_days(growth: float | None, trend: str | None) -> None:
    assert BoardEntry(1, "x", 50.0, ("ebay",), growth, False, "new").trend == trend


@pytest.mark.parametrize(("marketplace", "threshold", "watch", "message"), [
    ("amazin", 60, None, "unknown marketplace 'amazin'"),
    (None, 120, None, "threshold must be between 0 and 100"),
    (None, -1, None, "threshold must be between 0 and 100"),
    (None, 60, 0, "--watch must be at least 1 second"),
    (None, 60, -5, "--watch must be at least 1 second"),
    (None, 60, 0.5, "--watch must be at least 1 second"),
    (None, 60, float("nan"), "--watch must be at least 1 second"),
])
def test_bad_options_are_input_errors(marketplace: str | None, threshold: float, watch: float | None,
                                      message: str) -> None:
    with pytest.raises(InputError, match=message):
        check_dashboard_options(marketplace, threshold, watch)


@pytest.mark.parametrize(("ok", "blocked", "drifted", "failed"), [(5, 5, 0, 0), (4, 3, 3, 0), (9, 0, 0, 1),
                                                                 (0, 0, 0, 0), (2, 1, 1, 1)])
def test_the_dashboards_alarm_is_the_crawls_own_flag(ok: int, blocked: int, drifted: int, failed: int) -> None:
    health = SourceHealth("amazon", 1, "finished", DAY2, DAY2, ok, 0, blocked, drifted, 0, failed)
    summary = SourceSummary(ok=ok, blocked=blocked, drifted=drifted, failed=failed)
    assert health.alarm == summary.flagged == (blocked + drifted > (ok + blocked + drifted + failed) / 2)


def test_times_are_utc(data: DashboardData) -> None:
    assert data.generated_at == DAY2 and data.generated_at.tzinfo == UTC
    assert all(s.last_at.tzinfo is not None for s in data.health)


def test_pipeline_counts_owners_of_open_offers_and_what_is_due(db_url: str) -> None:
    engine = build_dashboard_db(db_url)
    with session_scope(engine) as session:
        offers = {name: offer for offer, name in session.execute(select(Outreach, col(Business.name)).join(
            Business, col(Business.id) == col(Outreach.business_id))).all()}
        offers["Prospect 0"].owner, offers["Prospect 0"].next_step_on = "ana", DAY2.date()  # due today
        offers["Prospect 1"].owner, offers["Prospect 1"].next_step_on = "ana", DAY2.date() + timedelta(days=1)
        offers["Prospect 3"].owner = "ben"  # replied: open
        offers["Prospect 4"].owner = "chris"  # onboarded: closed, not counted
        offers["Alpha Küchen GmbH"].sent_at = DAY2 - timedelta(days=8)  # sent a week ago, no reply
    funnel = _load(engine).funnel
    engine.dispose()
    assert funnel.owners == (("ana", 2), ("ben", 1)) and funnel.unowned == 2  # Prospect 2, Alpha
    assert (funnel.next_steps_due, funnel.follow_ups_due) == (1, 1)
