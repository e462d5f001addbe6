"""`scout score` on the database, in bounded memory: storefronts are read, scored and written in chunks of
`CHUNK` sellers; only a few numbers per storefront stay in memory (arrays of floats for the volume percentiles).

1. the marketplaces' reference prices, streamed from every observed offer and ranking price;
2. storefronts in chunks of consecutive ids: their snapshots, prices, categories and ranked products, scored and
   inserted (volume still 0);
3. volume: every storefront's monthly GMV percentile across marketplaces and its rank within its marketplace,
   written back with the final score;
4. businesses, streamed in business-key order from the stored storefront rows, inserted in batches;
5. a `score_run` row noting how far the data reached, so commands can tell when the scores are stale.
"""

from __future__ import annotations

import math
from array import array
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from scout.scoring.categories import classify
from scout.scoring.components import RankHit, Snapshot
from scout.scoring.freshness import data_mark
from scout.scoring.prices import ReferencePrices
from scout.scoring.rates import Rates, reference_rates
from scout.scoring.rows import BusinessScore, StorefrontScore
from scout.scoring.scores import (
    BusinessFacts,
    Context,
    SellerInputs,
    marketplace_ranks,
    score_business,
    score_storefront,
    storefront_gmv,
    volume_percentiles,
)
from scout.settings import ScoringSettings

if TYPE_CHECKING:
    from sqlmodel import Session

CHUNK = 20_000
SNAPSHOT_FIGURES = ("observed_at", "rating_count", "rating_window_days", "lifetime_rating_count", "positive_pct",
                    "stars", "sales_count", "sales_count_exact", "listing_count", "recent_sales_count",
                    "recent_sales_days")


@dataclass(frozen=True)
class ScoreSummary:
    """What `scout score` computed, per marketplace: (storefronts, insufficient, best score)."""

    storefronts: int
    insufficient: int
    businesses: int
    by_marketplace: dict[str, tuple[int, int, float]]
    currency: str = "USD"


def reference_prices(conn: Connection, settings: ScoringSettings, rates: Rates) -> ReferencePrices:
    """Every observed offer and ranking price, per marketplace and category, in the reporting currency."""
    from db.models import OfferRecord, RankingEntry, Seller

    offer, seller, rank = OfferRecord.__table__, Seller.__table__, RankingEntry.__table__  # type: ignore[attr-defined]
    references = ReferencePrices(settings.currency)
    queries = (select(seller.c.marketplace, offer.c.price, offer.c.currency, offer.c.category)
               .join(seller, seller.c.id == offer.c.seller_pk).where(offer.c.price.is_not(None),
                                                                      seller.c.is_platform.is_(False)),
               select(rank.c.marketplace, rank.c.price, rank.c.currency, rank.c.list_name)
               .where(rank.c.price.is_not(None)))
    for query in queries:
        for marketplace, price, currency, code in conn.execute(query.execution_options(yield_per=CHUNK)):
            references.add(marketplace, classify(marketplace, code), rates.convert(price, currency,
                                                                                   settings.currency))
    return references


def load_chunk(conn: Connection, after: int, limit: int = CHUNK) -> list[SellerInputs]:
    """Up to `limit` storefronts (platforms excluded) with ids above `after`: snapshots, prices, categories, ranks."""
    from db.models import Business, OfferRecord, RankingEntry, Seller, SellerSnapshot

    seller, business = Seller.__table__, Business.__table__  # type: ignore[attr-defined]
    offer, rank, snap = (OfferRecord.__table__, RankingEntry.__table__,  # type: ignore[attr-defined]
                         SellerSnapshot.__table__)  # type: ignore[attr-defined]
    rows = conn.execute(select(
        seller.c.id, seller.c.marketplace, seller.c.seller_id, seller.c.last_seen, seller.c.name,
        seller.c.business_name, seller.c.url, seller.c.country, seller.c.business_id, business.c.name,
        business.c.country, seller.c.category, seller.c.opened_on).outerjoin(
        business, business.c.id == seller.c.business_id).where(
        seller.c.id > after, seller.c.is_platform.is_(False)).order_by(seller.c.id).limit(limit)).all()
    sellers = {r[0]: SellerInputs(r[0], r[1], r[2], r[3], name=r[4], legal_name=r[5], url=r[6], country=r[7],
                                  business_id=r[8], business_name=r[9], business_country=r[10],
                                  categories=[r[11]] if r[11] else [], opened=r[12]) for r in rows}
    if not sellers:
        return []
    low, high = min(sellers), max(sellers)
    between = lambda c: c.between(low, high)  # noqa: E731 - one range condition for every table
    for pk, *figures in conn.execute(select(snap.c.seller_pk, *(snap.c[n] for n in SNAPSHOT_FIGURES)).where(
            between(snap.c.seller_pk)).order_by(snap.c.seller_pk, snap.c.observed_at)):
        if pk in sellers:
            sellers[pk].snapshots.append(Snapshot(*figures))
    products: dict[int, set[str]] = defaultdict(set)
    for pk, product, price, currency, code in conn.execute(select(
            offer.c.seller_pk, offer.c.product_id, offer.c.price, offer.c.currency, offer.c.category).where(
            between(offer.c.seller_pk))):
        found = sellers.get(pk)
        if found is None:
            continue
        if price is not None:
            found.prices.append((float(price), currency))
        if code and code not in found.categories:
            found.categories.append(code)
        if product:
            products[pk].add(product)
    hit = (rank.c.product_id, rank.c.rank, rank.c.list_name, rank.c.price, rank.c.currency)
    direct = select(rank.c.seller_pk, *hit).where(between(rank.c.seller_pk))
    via_offers = select(offer.c.seller_pk, *hit).distinct().join(
        offer, offer.c.product_id == rank.c.product_id).join(seller, seller.c.id == offer.c.seller_pk).where(
        between(offer.c.seller_pk), seller.c.marketplace == rank.c.marketplace, offer.c.product_id != "")
    for query in (direct, via_offers):
        for pk, *values in conn.execute(query):
            if pk in sellers:
                sellers[pk].ranks.append(RankHit(*values))
    for pk, found in sellers.items():
        found.ranks = list(dict.fromkeys(found.ranks))
        found.products_seen = len(products.get(pk, ()))
    return list(sellers.values())


def _marketplace_counts(conn: Connection) -> dict[int, int]:
    """How many marketplaces each matched business sells on."""
    from db.models import Seller

    seller = Seller.__table__  # type: ignore[attr-defined]
    return dict(conn.execute(select(seller.c.business_id, func.count(func.distinct(seller.c.marketplace))).where(
        seller.c.business_id.is_not(None), seller.c.is_platform.is_(False)).group_by(seller.c.business_id)).all())


def _chunks(conn: Connection) -> Iterator[list[SellerInputs]]:
    after = 0
    while chunk := load_chunk(conn, after):
        yield chunk
        after = chunk[-1].seller_pk


def _insert(conn: Connection, table: Any, rows: Sequence[Any]) -> None:
    if rows:
        names = [f.name for f in fields(rows[0])]
        conn.execute(insert(table), [{n: getattr(r, n) for n in names} for r in rows])


def score_database(session: Session, settings: ScoringSettings, now: datetime) -> ScoreSummary:
    """Recompute every storefront's and business's score from the database and replace the stored scores."""
    from db.models import LeadScore, ScoreRun, SellerScore

    settings.check()
    rates = reference_rates(settings.exchange_rates, settings.exchange_rates_date)
    session.flush()
    conn = session.connection()
    ctx = Context(settings, rates, reference_prices(conn, settings, rates), now)
    conn.execute(delete(LeadScore))
    conn.execute(delete(SellerScore))
    counts = _marketplace_counts(conn)
    weights = settings.weights()
    pks, gmv, partial, flags, markets = array("q"), array("d"), array("d"), array("b"), array("b")
    names: dict[str, int] = {}
    for chunk in _chunks(conn):
        rows = [score_storefront(s, ctx, counts.get(s.business_id, 1) if s.business_id else 1) for s in chunk]
        _insert(conn, SellerScore.__table__, rows)  # type: ignore[attr-defined]
        for row in rows:
            pks.append(row.seller_pk)
            gmv.append(storefront_gmv(row))
            partial.append(sum(weights[n] * v for n, v in row.components().items() if n != "volume"))
            flags.append(row.insufficient)
            markets.append(names.setdefault(row.marketplace, len(names)))
    summary = _finish_storefronts(conn, pks, gmv, partial, flags, [list(names)[i] for i in markets], weights)
    businesses = _score_businesses(conn, settings, now)
    conn.execute(insert(ScoreRun.__table__).values(  # type: ignore[attr-defined]
        computed_at=now, storefronts=len(pks), businesses=businesses, reporting_currency=settings.currency,
        data_mark=data_mark(conn)))
    return ScoreSummary(len(pks), sum(flags), businesses, summary, settings.currency)


def _finish_storefronts(conn: Connection, pks: array[int], gmv: array[float], partial: array[float],
                        flags: array[int], markets: list[str], weights: dict[str, float],
                        ) -> dict[str, tuple[int, int, float]]:
    """Write each storefront's volume, marketplace rank and final score; the per-marketplace summary."""
    from db.models import SellerScore

    table = SellerScore.__table__  # type: ignore[attr-defined]
    volumes = volume_percentiles(gmv)
    mp_pct, mp_rank = marketplace_ranks(markets, gmv)
    total = sum(weights.values())
    by_marketplace: dict[str, tuple[int, int, float]] = {}
    statement = update(table).where(table.c.seller_pk == bindparam("pk")).values(
        volume=bindparam("v"), marketplace_volume=bindparam("mv"), marketplace_rank=bindparam("mr"),
        score=bindparam("s"))
    pending: list[dict[str, Any]] = []
    for i, pk in enumerate(pks):
        score = 0.0 if flags[i] else round(100 * (partial[i] + weights["volume"] * volumes[i]) / total, 2)
        pending.append({"pk": pk, "v": volumes[i], "mv": mp_pct[i], "mr": mp_rank[i], "s": score})
        n, bad, best = by_marketplace.get(markets[i], (0, 0, 0.0))
        by_marketplace[markets[i]] = (n + 1, bad + flags[i], max(best, score))
        if len(pending) >= CHUNK:
            conn.execute(statement, pending)
            pending = []
    if pending:
        conn.execute(statement, pending)
    return dict(sorted(by_marketplace.items()))


def _member_rows(conn: Connection) -> Iterator[tuple[str, list[StorefrontScore], dict[int, BusinessFacts],
                                                     dict[int, str]]]:
    """Each business's stored storefront rows, with names and facts, streamed in business-key order."""
    from db.models import Business, Seller, SellerScore

    table, seller, business = (SellerScore.__table__, Seller.__table__,  # type: ignore[attr-defined]
                               Business.__table__)  # type: ignore[attr-defined]
    columns = [table.c[f.name] for f in fields(StorefrontScore)]
    query = select(*columns, seller.c.seller_id.label("s_id"), seller.c.name.label("s_name"),
                   seller.c.business_name.label("s_legal"), seller.c.url.label("s_url"),
                   seller.c.country.label("s_country"), seller.c.business_id.label("s_business"),
                   business.c.name.label("b_name"), business.c.country.label("b_country")).join(
        seller, seller.c.id == table.c.seller_pk).outerjoin(business, business.c.id == seller.c.business_id).order_by(
        table.c.business_key, table.c.seller_pk)
    names = [f.name for f in fields(StorefrontScore)]
    key: str | None = None
    rows: list[StorefrontScore] = []
    facts: dict[int, BusinessFacts] = {}
    labels: dict[int, str] = {}
    for record in conn.execute(query.execution_options(yield_per=CHUNK)):
        m = record._mapping
        if m["business_key"] != key and rows:
            yield key or "", rows, facts, labels
            rows, facts, labels = [], {}, {}
        key = m["business_key"]
        row = StorefrontScore(**{n: m[n] for n in names})
        rows.append(row)
        facts[row.seller_pk] = BusinessFacts(m["s_business"], m["b_name"] or m["s_name"] or m["s_legal"] or m["s_id"],
                                             m["s_url"], m["b_country"] or m["s_country"])
        labels[row.seller_pk] = f"{row.marketplace} {m['s_name'] or m['s_id']}"
    if rows:
        yield key or "", rows, facts, labels


def _score_businesses(conn: Connection, settings: ScoringSettings, now: datetime) -> int:
    """Score and insert every business; how many there are."""
    from db.models import LeadScore, SellerScore

    table = SellerScore.__table__  # type: ignore[attr-defined]
    totals = array("d")
    for low, high in conn.execute(
            select(func.sum(table.c.gmv_month_low_rc), func.sum(table.c.gmv_month_high_rc))
            .group_by(table.c.business_key).order_by(table.c.business_key).execution_options(yield_per=CHUNK)):
        totals.append(math.nan if low is None or high is None else
                      (math.sqrt(low * high) if low > 0 else high / 2))
    volumes = volume_percentiles(totals)
    batch: list[BusinessScore] = []
    n = 0
    for n, (_, rows, facts, labels) in enumerate(_member_rows(conn), start=1):
        batch.append(score_business(rows, labels, facts.__getitem__, volumes[n - 1], settings, now))
        if len(batch) >= CHUNK // 4:
            _insert(conn, LeadScore.__table__, batch)  # type: ignore[attr-defined]
            batch = []
    _insert(conn, LeadScore.__table__, batch)  # type: ignore[attr-defined]
    return n
