"""The figures behind `scout dashboard`, aggregated in SQL into plain dataclasses (rendering is scout.dashboard.render).

Score figures come from what `scout score` stored. The figures that only change when scores are recomputed
(medians, top sellers, histogram, movers: full scans of the score tables) are kept in `ScoreStats` and reused
by the next frame while the stored scores are the same; the rest are indexed counts, small grouped scans and
row-limited queries, so `--watch` can refresh every few seconds on a large database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, literal, select
from sqlmodel import Session, col

from db.models import Business, LeadScore, Outreach, Seller, SellerScore, Suppression
from scout.dashboard.crawl_health import SourceHealth, crawl_health
from scout.dashboard.options import DEFAULT_THRESHOLD, check_dashboard_options
from scout.identity.suppressed import SuppressionList, business_facts
from scout.outreach.followup import DEFAULT_AFTER, follow_up_due
from scout.outreach.statuses import ACTIVE, NO_OFFER
from scout.scoring.leads import select_leads

NEW_WINDOW = timedelta(days=7)
HISTOGRAM_BINS = 10  # 0-10, 10-20, ... 90-100
FUNNEL_STAGES = ("drafted", "sent", "replied", "onboarded")
# The outreach statuses that mean a business got at least as far as each stage (a decline is a reply).
REACHED = {
    "drafted": ("drafted", "sent", "replied", "onboarded", "declined", "opted-out"),
    "sent": ("sent", "replied", "onboarded", "declined", "opted-out"),
    "replied": ("replied", "onboarded", "declined"),
    "onboarded": ("onboarded",),
}
GROWTH_FLAT = 1.0  # |growth| below this % per 30 days is shown as steady


@dataclass(frozen=True)
class Headline:
    """The figures across the top; `leads` is None before `scout score` has run."""

    sellers: int
    businesses: int
    new_this_week: int
    leads: int | None
    threshold: float
    drafts: int
    onboarded: int


@dataclass(frozen=True)
class BoardEntry:
    """One business on the leaderboard."""

    rank: int
    name: str
    score: float
    marketplaces: tuple[str, ...]
    growth_pct_30d: float | None
    insufficient: bool
    status: str

    @property
    def trend(self) -> str | None:
        """"up", "down" or "flat" from its rating growth per 30 days; None when unknown."""
        if self.growth_pct_30d is None:
            return None
        if self.growth_pct_30d >= GROWTH_FLAT:
            return "up"
        return "down" if self.growth_pct_30d <= -GROWTH_FLAT else "flat"


@dataclass(frozen=True)
class MarketplaceRow:
    """One marketplace: storefronts tracked, their median rating count, and its best-scored storefront."""

    marketplace: str
    sellers: int
    median_ratings: float | None = None
    top_seller: str | None = None
    top_score: float | None = None


@dataclass(frozen=True)
class Histogram:
    """Businesses per score bin (bin i holds scores from 10·i up to 10·(i+1); 100 goes in the last)."""

    bins: tuple[int, ...]
    insufficient: int


@dataclass(frozen=True)
class Funnel:
    """How many businesses reached each outreach stage, how many left the pipeline, who owns the open offers and
    what is due: next steps due today or overdue, and offers due a follow-up (scout.outreach.followup's rule)."""

    stages: tuple[tuple[str, int], ...]
    declined: int
    opted_out: int
    owners: tuple[tuple[str, int], ...] = ()  # open offers (new, drafted, sent, replied) per owner, most first
    unowned: int = 0  # open offers nobody owns
    next_steps_due: int = 0
    follow_ups_due: int = 0


@dataclass(frozen=True)
class Mover:
    """A storefront whose rating count grew or fell fastest between its snapshots."""

    name: str
    marketplace: str
    per_30d: float
    growth_pct: float | None
    ratings: int | None


@dataclass(frozen=True)
class ScoreStats:
    """What the stored scores say, kept while the scores, the suppression list and the options stay the same."""

    key: tuple[object, ...]  # (scores version, suppression version, marketplace, threshold)
    leads: int
    medians: dict[str, float]
    tops: dict[str, tuple[str, float]]
    histogram: Histogram
    risers: tuple[Mover, ...]
    fallers: tuple[Mover, ...]


EMPTY_HISTOGRAM = Histogram((0,) * HISTOGRAM_BINS, 0)


@dataclass(frozen=True)
class DashboardData:
    """Everything one dashboard frame shows."""

    generated_at: datetime
    marketplace: str | None
    headline: Headline
    leaderboard: tuple[BoardEntry, ...]
    marketplaces: tuple[MarketplaceRow, ...]
    funnel: Funnel
    health: tuple[SourceHealth, ...]
    scores: ScoreStats | None = None  # None before `scout score` has run

    @property
    def has_sellers(self) -> bool:
        """Whether any storefront is tracked (on the chosen marketplace)."""
        return self.headline.sellers > 0

    @property
    def has_scores(self) -> bool:
        """Whether `scout score` has stored scores."""
        return self.scores is not None

    @property
    def histogram(self) -> Histogram:
        """Businesses per score bin."""
        return self.scores.histogram if self.scores else EMPTY_HISTOGRAM

    @property
    def risers(self) -> tuple[Mover, ...]:
        """Storefronts gaining ratings fastest."""
        return self.scores.risers if self.scores else ()

    @property
    def fallers(self) -> tuple[Mover, ...]:
        """Storefronts losing ratings fastest."""
        return self.scores.fallers if self.scores else ()


def load_dashboard(session: Session, *, now: datetime, marketplace: str | None = None,
                   threshold: float = DEFAULT_THRESHOLD, top: int = 10, movers: int = 5,
                   previous: DashboardData | None = None) -> DashboardData:
    """One frame of the dashboard, for every marketplace or just one; `previous` lends its score figures."""
    check_dashboard_options(marketplace, threshold, None)
    version = scores_version(session)
    stats = None
    if version is not None:
        key = (version, _suppression_version(session), marketplace, threshold)
        stats = previous.scores if previous is not None else None
        if stats is None or stats.key != key:
            stats = load_score_stats(session, key, marketplace, threshold, movers)
    board: tuple[BoardEntry, ...] = ()
    if stats is not None:
        board = tuple(BoardEntry(lead.rank, lead.name, lead.score, lead.marketplaces, lead.growth_pct_30d,
                                 lead.insufficient, lead.status)
                      for lead in select_leads(session, top=top, marketplace=marketplace))
    sellers = _sellers_per_marketplace(session, marketplace)
    drafts, onboarded, funnel = _pipeline(session, marketplace, now)
    headline = Headline(
        sellers=sum(sellers.values()), businesses=_count_businesses(session, marketplace),
        new_this_week=_count_new_sellers(session, marketplace, since=now - NEW_WINDOW),
        leads=None if stats is None else stats.leads, threshold=threshold, drafts=drafts, onboarded=onboarded)
    rows = tuple(MarketplaceRow(mp, n, *_score_figures(stats, mp))
                 for mp, n in sorted(sellers.items(), key=lambda item: (-item[1], item[0])))
    return DashboardData(generated_at=now, marketplace=marketplace, headline=headline, leaderboard=board,
                         marketplaces=rows, funnel=funnel, health=crawl_health(session, marketplace), scores=stats)


def _score_figures(stats: ScoreStats | None, marketplace: str) -> tuple[float | None, str | None, float | None]:
    if stats is None:
        return None, None, None
    return (stats.medians.get(marketplace), *stats.tops.get(marketplace, (None, None)))


def scores_version(session: Session) -> tuple[int, datetime] | None:
    """(id, computed_at) of the newest stored business score: `scout score` replaces them all, so it changes."""
    row = session.execute(select(col(LeadScore.id), col(LeadScore.computed_at)).order_by(
        col(LeadScore.id).desc()).limit(1)).first()
    return None if row is None else (int(row[0]), row[1])


def _suppression_version(session: Session) -> tuple[int, int | None]:
    count, newest = session.execute(select(func.count(col(Suppression.id)), func.max(col(Suppression.id)))).one()
    return int(count), newest


def load_score_stats(session: Session, key: tuple[object, ...], marketplace: str | None, threshold: float,
                     movers: int = 5) -> ScoreStats:
    """Leads above the threshold, median rating counts, top sellers, the score histogram and the movers."""
    rated = _rated_counts(session, marketplace)
    risers, fallers = _movers(session, marketplace, movers)
    leads = _count_leads(session, marketplace, threshold)
    return ScoreStats(key, leads, _median_ratings(session, rated), _top_sellers(session, sorted(rated)),
                      _histogram(session, marketplace), risers, fallers)


# Headline and pipeline


def _sells_on(marketplace: str) -> ColumnElement[bool]:
    return (literal(",") + col(LeadScore.marketplaces) + literal(",")).contains(f",{marketplace},")


def _sellers_per_marketplace(session: Session, marketplace: str | None) -> dict[str, int]:
    """Storefronts per marketplace (one pass over the marketplace index)."""
    query = select(col(Seller.marketplace), func.count()).group_by(col(Seller.marketplace))
    if marketplace is not None:
        query = query.where(col(Seller.marketplace) == marketplace)
    return {mp: int(n) for mp, n in session.execute(query).all()}


def _count_new_sellers(session: Session, marketplace: str | None, since: datetime) -> int:
    query = select(func.count()).select_from(Seller).where(col(Seller.first_seen) >= since)
    if marketplace is not None:
        query = query.where(col(Seller.marketplace) == marketplace)
    return int(session.execute(query).scalar_one())


def _count_businesses(session: Session, marketplace: str | None) -> int:
    if marketplace is None:
        return int(session.execute(select(func.count(col(Business.id)))).scalar_one())
    return int(session.execute(select(func.count(func.distinct(col(Seller.business_id)))).where(
        col(Seller.marketplace) == marketplace, col(Seller.business_id).is_not(None))).scalar_one())


def _count_leads(session: Session, marketplace: str | None, threshold: float) -> int:
    """Businesses scoring at least `threshold` that `scout leads` would list (suppressed ones left out)."""
    conditions = [col(LeadScore.score) >= threshold]  # a count over the score index: too little data scores 0
    if threshold <= 0:
        conditions.append(col(LeadScore.insufficient).is_(False))
    if marketplace is not None:
        conditions.append(_sells_on(marketplace))
    total = int(session.execute(select(func.count()).select_from(LeadScore).where(*conditions)).scalar_one())
    entries = SuppressionList.load(session)
    if not len(entries):
        return total
    keys = session.execute(select(col(LeadScore.business_key)).where(*conditions)).scalars().all()
    return total - len(entries.verdicts(business_facts(session, keys)))


def _pipeline(session: Session, marketplace: str | None, now: datetime) -> tuple[int, int, Funnel]:
    """(drafts waiting, onboarded, the funnel) from the outreach statuses, owners and dates."""
    def on_marketplace(query: Any) -> Any:
        if marketplace is None:
            return query
        return query.where(col(Outreach.business_id).in_(
            select(col(Seller.business_id)).where(col(Seller.marketplace) == marketplace)))

    def count(*where: Any) -> int:
        return int(session.execute(on_marketplace(select(func.count()).select_from(Outreach).where(*where)))
                   .scalar_one())

    counts: dict[str, int] = {status: int(n) for status, n in session.execute(on_marketplace(
        select(col(Outreach.status), func.count()).group_by(col(Outreach.status)))).all()}
    stages = tuple((stage, sum(counts.get(s, 0) for s in REACHED[stage])) for stage in FUNNEL_STAGES)
    owned = session.execute(on_marketplace(select(col(Outreach.owner), func.count()).where(
        col(Outreach.status).in_((NO_OFFER, *ACTIVE))).group_by(col(Outreach.owner)))).all()
    owners = tuple(sorted(((o, int(n)) for o, n in owned if o is not None), key=lambda item: (-item[1], item[0])))
    funnel = Funnel(stages, counts.get("declined", 0), counts.get("opted-out", 0), owners,
                    sum(int(n) for o, n in owned if o is None), count(col(Outreach.next_step_on) <= now.date()),
                    count(follow_up_due(now, DEFAULT_AFTER)))
    return counts.get("drafted", 0), counts.get("onboarded", 0), funnel


# Scores


def _rated_counts(session: Session, marketplace: str | None) -> dict[str, int]:
    """Scored storefronts with a rating count, per marketplace."""
    query = select(col(SellerScore.marketplace), func.count(col(SellerScore.rating_count))).group_by(
        col(SellerScore.marketplace))
    if marketplace is not None:
        query = query.where(col(SellerScore.marketplace) == marketplace)
    return {mp: int(n) for mp, n in session.execute(query).all()}


def _median_ratings(session: Session, rated: dict[str, int]) -> dict[str, float]:
    """The median rating count of each marketplace's scored storefronts (`rated`: how many have one)."""
    known = col(SellerScore.rating_count).is_not(None)
    medians: dict[str, float] = {}
    for mp, n in rated.items():
        if n:
            middle = session.execute(select(col(SellerScore.rating_count)).where(
                known, col(SellerScore.marketplace) == mp).order_by(col(SellerScore.rating_count))
                .offset((n - 1) // 2).limit(2 - n % 2)).scalars().all()
            if middle:
                medians[mp] = sum(middle) / len(middle)
    return medians


def _top_sellers(session: Session, marketplaces: list[str]) -> dict[str, tuple[str, float]]:
    """Each marketplace's best-scored storefront with enough data: (name, score)."""
    tops: dict[str, tuple[str, float]] = {}
    for mp in marketplaces:
        row = session.execute(select(col(Seller.name), col(Seller.seller_id), col(SellerScore.score)).join(
            Seller, col(Seller.id) == col(SellerScore.seller_pk)).where(
            col(SellerScore.marketplace) == mp, col(SellerScore.insufficient).is_(False)).order_by(
            col(SellerScore.score).desc(), col(SellerScore.seller_pk).desc()).limit(1)).first()
        if row is not None:
            tops[mp] = (row[0] or row[1], float(row[2]))
    return tops


def _histogram(session: Session, marketplace: str | None) -> Histogram:
    """Businesses per score bin and with insufficient data, in one pass over `lead_score`."""
    score, low_data = col(LeadScore.score), col(LeadScore.insufficient)
    edges = [10.0 * i for i in range(HISTOGRAM_BINS)] + [float("inf")]
    sums: list[Any] = [func.sum(case((and_(low_data.is_(False), score >= lo, score < hi), 1), else_=0))
                       for lo, hi in zip(edges, edges[1:], strict=False)]
    sums.append(func.sum(case((low_data.is_(True), 1), else_=0)))
    query = select(*sums)
    if marketplace is not None:
        query = query.where(_sells_on(marketplace))
    *bins, insufficient = (int(n or 0) for n in session.execute(query).one())
    return Histogram(tuple(bins), insufficient)


def _movers(session: Session, marketplace: str | None, limit: int) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The storefronts whose rating count grew fastest, and those whose count fell most, per 30 days."""
    growth = col(SellerScore.growth_per_30d)
    base = select(col(Seller.name), col(Seller.seller_id), col(SellerScore.marketplace), growth,
                  col(SellerScore.growth_rel), col(SellerScore.rating_count)).join(
        Seller, col(Seller.id) == col(SellerScore.seller_pk))
    if marketplace is not None:
        base = base.where(col(SellerScore.marketplace) == marketplace)

    def movers(rows: Iterable[Any]) -> tuple[Mover, ...]:
        return tuple(Mover(name or seller_id, mp, float(per_30d), None if rel is None else 100 * rel, ratings)
                     for name, seller_id, mp, per_30d, rel, ratings in rows)

    risers = movers(session.execute(base.where(growth > 0).order_by(growth.desc()).limit(limit)).all())
    fallers = movers(session.execute(base.where(growth < 0).order_by(growth.asc()).limit(limit)).all())
    return risers, fallers
