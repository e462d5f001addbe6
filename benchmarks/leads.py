"""Ingest rate of Scout's store path vs raw sqlite3, and `scout leads --top 50` over a million scored sellers.

(1) rows/s of db.store.store_parsed_page (one transaction per page, as `scout ingest` stores files) for synthetic
    ParsedPage objects full of SellerProfile and Offer records, against raw sqlite3 executemany of the same rows
    into the same schema (target: Scout >= 0.5x raw).
(2) select_leads (the core) and the whole `scout leads --top 50` process over 1M sellers whose seller_score and
    lead_score rows are bulk-generated with raw executemany (target <= 1 s).
(3) `scout score` (score_database) over databases of growing size: seconds and peak resident memory, which stays
    bounded because storefronts are read, scored and written in chunks.

Run: python benchmarks/leads.py [--pages 200] [--per-page 250] [--sellers 1000000] [--score-sellers 100000 400000]
     [--keep DIR]
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from db.archive import archive_page  # noqa: E402
from db.engine import make_engine, session_scope  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.store import store_parsed_page  # noqa: E402
from scout.scoring.freshness import data_mark  # noqa: E402
from scout.scoring.leads import select_leads  # noqa: E402
from scrapers.records import Offer, ParsedPage, SellerProfile  # noqa: E402

WHEN = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
MARKETPLACES = ("amazon", "ebay", "walmart", "etsy", "allegro", "cdiscount", "mercadolibre")
COUNTRIES = ("DE", "US", "FR", "GB", "PL", "ES", "IT", "CN")
CATEGORIES = ("electronics", "kitchen", "toys", "beauty", "tools", "sports", "office", "pets")  # taxonomy keys


def synthetic_pages(pages: int, per_page: int) -> list[ParsedPage]:
    """Alternating seller-profile pages and offer pages, each record a distinct seller."""
    out: list[ParsedPage] = []
    for p in range(pages):
        if p % 2 == 0:
            records: list[object] = [SellerProfile(
                f"S{p:04d}{i:04d}", f"Seller {p}-{i} GmbH", positive_pct=95.0 + i % 5, rating_count=100 + i,
                lifetime_rating_count=1000 + i, rating_window_days=365, country="DE", business_name=f"Seller {i} GmbH")
                for i in range(per_page)]
        else:
            records = [Offer(f"S{p:04d}{i:04d}", f"Seller {p}-{i}", positive_pct=97.0, rating_count=50 + i,
                             price=Decimal("19.99"), currency="EUR", product_id=f"B{p:04d}{i:04d}",
                             title=f"Product {i}") for i in range(per_page)]
        out.append(ParsedPage("amazon", "seller" if p % 2 == 0 else "offers", records, site="amazon.de"))  # type: ignore[arg-type]
    return out


def store_with_scout(path: Path, parsed: list[ParsedPage]) -> int:
    """Store every page through archive_page + store_parsed_page; rows written."""
    engine = make_engine(str(path))
    upgrade(engine)
    rows = 0
    for n, page in enumerate(parsed):
        with session_scope(engine) as session:
            url = f"https://www.amazon.de/bench/{n}"
            archived = archive_page(session, url=url, fingerprint=url, body=url.encode(), fetched_at=WHEN)
            counts = store_parsed_page(session, archived, page, observed_at=WHEN, parser_version="bench/1")
            rows += 1 + counts.sellers_new + counts.snapshots + counts.offers
    engine.dispose()
    return rows


def store_raw(path: Path, parsed: list[ParsedPage]) -> int:
    """The same rows through sqlite3 executemany into the same schema (ids assigned up front, no upserts)."""
    engine = make_engine(str(path))
    upgrade(engine)
    engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    when = WHEN.strftime("%Y-%m-%d %H:%M:%S.%f")
    rows, seller_pk = 0, 0
    for n, page in enumerate(parsed):
        conn.execute("BEGIN IMMEDIATE")
        url = f"https://www.amazon.de/bench/{n}"
        page_id = conn.execute("INSERT INTO page (url, fingerprint, status, fetched_at, content_hash, body) "
                               "VALUES (?, ?, 200, ?, ?, ?)", (url, url, when, str(n), b"x")).lastrowid
        sellers, snaps, offers = [], [], []
        for record in page.records:
            seller_pk += 1
            assert isinstance(record, SellerProfile | Offer)
            sellers.append((seller_pk, "amazon", record.seller_id, record.name, "amazon.de", record.country,
                            getattr(record, "business_name", None), False, when, when))
            snaps.append((seller_pk, page_id, url, when, "bench/1", record.positive_pct, record.rating_count,
                           getattr(record, "rating_window_days", None),
                           getattr(record, "lifetime_rating_count", None), False))
            if isinstance(record, Offer):
                offers.append((page_id, seller_pk, record.product_id, record.title, float(record.price or 0),
                               record.currency, when))
        conn.executemany("INSERT INTO seller (id, marketplace, seller_id, name, site, country, business_name, "
                         "is_platform, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", sellers)
        conn.executemany("INSERT INTO sellersnapshot (seller_pk, page_id, source_url, observed_at, parser_version, "
                         "positive_pct, rating_count, rating_window_days, lifetime_rating_count, sales_count_exact) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", snaps)
        conn.executemany("INSERT INTO offer (page_id, seller_pk, product_id, title, price, currency, observed_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?)", offers)
        conn.execute("COMMIT")
        rows += 1 + len(sellers) + len(snaps) + len(offers)
    conn.close()
    return rows


def build_scored_db(path: Path, sellers: int) -> None:
    """A migrated database with `sellers` sellers, each its own business, with seller_score and lead_score rows."""
    engine = make_engine(str(path))
    upgrade(engine)
    engine.dispose()
    rng = random.Random(1)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    now = WHEN.strftime("%Y-%m-%d %H:%M:%S.%f")
    conn.executemany("INSERT INTO business (id, name, normalized_name, created_at) VALUES (?, ?, ?, ?)",
                     [(b, f"Business {b}", f"business {b}", now) for b in range(1, 1001)])
    batch = 100_000
    for start in range(1, sellers + 1, batch):
        ids = range(start, min(start + batch, sellers + 1))
        seller_rows, score_rows, lead_rows = [], [], []
        for pk in ids:
            mp = MARKETPLACES[pk % len(MARKETPLACES)]
            business = pk if pk <= 1000 else None
            key = f"business:{business}" if business else f"seller:{pk}"
            name = f"Seller {pk} Ltd"
            country = COUNTRIES[pk % len(COUNTRIES)]
            score = round(rng.random() * 100, 2)
            insufficient = rng.random() < 0.2
            score = 0.0 if insufficient else score
            seen = (WHEN - timedelta(days=pk % 30)).strftime("%Y-%m-%d %H:%M:%S.%f")
            count = rng.randint(0, 100_000)
            seller_rows.append((pk, mp, f"ID{pk}", name, country, business, False, seen, seen))
            score_rows.append((pk, key, mp, name.lower(), score, insufficient, count, 1 + pk // 7, seen, now))
            lead_rows.append((key, business, pk, name, name.lower(), mp, f"https://example.invalid/{pk}", country,
                              f",{CATEGORIES[pk % len(CATEGORIES)]},", score, insufficient, 0.5, 0.5, 0.5, 0.5, 0.5,
                              0.5, 97.5, count, count * 20.0, count * 100.0, "USD", False, seen, now))
        conn.executemany("INSERT INTO seller (id, marketplace, seller_id, name, country, business_id, is_platform, "
                         "first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", seller_rows)
        conn.executemany(
            "INSERT INTO seller_score (seller_pk, business_key, marketplace, normalized_name, score, insufficient, "
            "rating_count, volume, quality, momentum, ranking, breadth, fit, ranked_products, marketplaces_count, "
            "price_count, orders_exact, price_thin, gmv_exact, marketplace_rank, last_seen, computed_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, 0.5, 0.5, 0.5, 0, 0, 0.5, 0, 1, 0, 0, 0, 0, ?, ?, ?)", score_rows)
        conn.executemany(
            "INSERT INTO lead_score (business_key, business_id, main_seller_pk, name, normalized_name, marketplaces, "
            "main_url, country, categories, score, insufficient, volume, quality, momentum, ranking, breadth, fit, "
            "positive_pct, rating_count, revenue_low, revenue_high, currency, revenue_exact, storefronts, "
            "last_seen, computed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, "
            "?, ?)", lead_rows)
    conn.executemany("INSERT INTO suppression (name, normalized_name, marketplace, seller_id, kind, created_at) "
                     "VALUES (?, ?, ?, ?, 'do_not_contact', ?)",
                     [(f"Seller {pk} Ltd", f"seller {pk} ltd", None, None, now) for pk in range(1, 200)]
                     + [(f"x{pk}", f"x{pk}", MARKETPLACES[pk % 7], f"ID{pk}", now) for pk in range(200, 400)])
    conn.executemany("INSERT INTO outreach (business_id, status, offer_code, language, free_months, commission_pct, "
                     "created_at, updated_at) VALUES (?, 'sent', ?, 'en', 3, 5.0, ?, ?)",
                     [(b, f"CODE{b}", now, now) for b in range(1, 500)])
    conn.execute("COMMIT")
    conn.close()
    engine = make_engine(str(path))
    with engine.begin() as connection:  # the scores are as fresh as the data: `scout leads` trusts them
        connection.execute(text("INSERT INTO score_run (computed_at, storefronts, businesses, reporting_currency, "
                                "data_mark) VALUES (:at, :n, :n, 'USD', :mark)"),
                           {"at": now, "n": sellers, "mark": data_mark(connection)})
    engine.dispose()


def build_unscored_db(path: Path, sellers: int) -> None:
    """A migrated database of `sellers` storefronts, each with two snapshots a month apart and two priced offers."""
    engine = make_engine(str(path))
    upgrade(engine)
    engine.dispose()
    rng = random.Random(2)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    early, late = ((WHEN - timedelta(days=d)).strftime("%Y-%m-%d %H:%M:%S.%f") for d in (30, 0))
    conn.execute("INSERT INTO page (id, url, fingerprint, status, fetched_at, content_hash, body) "
                 "VALUES (1, 'bench', 'bench', 200, ?, 'x', x'00')", (late,))
    for start in range(1, sellers + 1, 50_000):
        ids = range(start, min(start + 50_000, sellers + 1))
        conn.executemany("INSERT INTO seller (id, marketplace, seller_id, name, is_platform, first_seen, last_seen) "
                         "VALUES (?, ?, ?, ?, 0, ?, ?)",
                         [(pk, MARKETPLACES[pk % 7], f"ID{pk}", f"Seller {pk}", early, late) for pk in ids])
        snaps = []
        for pk in ids:
            count = rng.randint(10, 200_000)
            for when, grown in ((early, count), (late, int(count * 1.03))):
                snaps.append((pk, 1, "bench", when, "bench/1", 97.0, grown, grown))
        conn.executemany("INSERT INTO sellersnapshot (seller_pk, page_id, source_url, observed_at, parser_version, "
                         "positive_pct, rating_count, lifetime_rating_count, sales_count_exact) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0)", snaps)
        conn.executemany("INSERT INTO offer (page_id, seller_pk, product_id, price, currency, category, observed_at) "
                         "VALUES (1, ?, ?, ?, ?, ?, ?)",
                         [(pk, f"P{pk}-{n}", round(rng.lognormvariate(3, 0.8), 2),
                           "EUR" if pk % 3 else "USD", CATEGORIES[(pk + n) % 8], late) for pk in ids for n in (0, 1)])
    conn.execute("COMMIT")
    conn.close()


SCORE_PROCESS = """
import resource, sys, time
from datetime import UTC, datetime
from db.engine import make_engine, session_scope
from scout.scoring.stored import score_database
from scout.settings import ScoringSettings
engine = make_engine(sys.argv[1])
start = time.perf_counter()
with session_scope(engine) as session:
    summary = score_database(session, ScoringSettings(), datetime.now(UTC))
print(summary.storefronts, time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


def child_cpu(command: list[str], repeat: int = 3) -> float:
    """Median CPU seconds (user + system) of running `command` as a child process."""
    import resource

    times = []
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(command, check=True, capture_output=True)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        times.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(times)


def best_of(fn: Callable[[], object], repeat: int = 5) -> float:
    """Median wall time of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--per-page", type=int, default=250)
    parser.add_argument("--sellers", type=int, default=1_000_000)
    parser.add_argument("--score-sellers", type=int, nargs="*", default=[100_000, 400_000],
                        help="database sizes to time `scout score` and its peak memory on (0 to skip)")
    parser.add_argument("--keep", type=Path, help="folder to keep the databases in (default: a temporary one)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        parsed = synthetic_pages(args.pages, args.per_page)
        timings = {}
        for name, fn in (("scout store_parsed_page", store_with_scout), ("raw sqlite3 executemany", store_raw)):
            path = folder / f"ingest-{name.split()[0]}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            start = time.perf_counter()
            rows = fn(path, parsed)
            timings[name] = (rows, time.perf_counter() - start)
        print(f"(1) ingest: {args.pages} pages x {args.per_page} records (SellerProfile / Offer), "
              "one transaction per page\n")
        print(f"{'path':<28}{'rows':>10}{'seconds':>10}{'rows/s':>12}")
        for name, (rows, seconds) in timings.items():
            print(f"{name:<28}{rows:>10,}{seconds:>10.2f}{rows / seconds:>12,.0f}")
        scout_rate = timings["scout store_parsed_page"][0] / timings["scout store_parsed_page"][1]
        raw_rate = timings["raw sqlite3 executemany"][0] / timings["raw sqlite3 executemany"][1]
        print(f"{'ratio scout / raw':<28}{scout_rate / raw_rate:>32.2f}x  (target >= 0.5x)\n", flush=True)

        db = folder / "leads-1m.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        start = time.perf_counter()
        build_scored_db(db, args.sellers)
        print(f"(2) leads over {args.sellers:,} scored sellers (setup {time.perf_counter() - start:.0f} s)\n")
        engine = make_engine(str(db), write=False, must_exist=True)
        cases: dict[str, dict[str, object]] = {
            "--top 50": {}, "--top 50 --marketplace etsy": {"marketplace": "etsy"},
            "--top 50 --country DE": {"country": "DE"}, "--top 50 --category kitchen": {"category": "kitchen"},
            "--top 50 --min-score 99.9": {"min_score": 99.9},
            "--top 50 --include-suppressed": {"include_suppressed": True},
        }
        print(f"{'scout leads ...':<36}{'select_leads (ms)':>20}")
        for label, options in cases.items():
            def run(options: dict[str, object] = options) -> None:
                with session_scope(engine) as session:
                    assert len(select_leads(session, top=50, **options)) > 0  # type: ignore[arg-type]
            print(f"{label:<36}{best_of(run) * 1000:>20.1f}", flush=True)
        engine.dispose()
        cli = best_of(lambda: subprocess.run([sys.executable, "-m", "scout", "--db", str(db), "leads", "--top", "50"],
                                             check=True, capture_output=True), repeat=3)
        help_only = best_of(lambda: subprocess.run([sys.executable, "-m", "scout", "--version"], check=True,
                                                   capture_output=True), repeat=3)
        lean = best_of(lambda: subprocess.run([sys.executable, "-c", LEAN_PROCESS, str(db)], check=True,
                                              capture_output=True), repeat=3)
        cpu = child_cpu([sys.executable, "-m", "scout", "--db", str(db), "leads", "--top", "50"])
        print(f"{'whole process: scout leads --top 50':<36}{cli * 1000:>20.1f}  (target <= 1000 ms)")
        print(f"{'  its CPU time (user + system)':<36}{cpu * 1000:>20.1f}  (what a loaded machine cannot inflate)")
        print(f"{'  of which start-up (scout --version)':<36}{help_only * 1000:>20.1f}")
        print(f"{'process importing only what leads needs':<36}{lean * 1000:>20.1f}  (a lazily registered CLI)")
        sizes = [n for n in args.score_sellers if n > 0]
        if sizes:
            print("\n(3) scout score: storefronts with 2 snapshots and 2 priced offers each, one process per size\n")
            print(f"{'storefronts':>12}{'seconds':>10}{'storefronts/s':>15}{'peak RSS (MB)':>15}")
        for n in sizes:
            db = folder / f"score-{n}.db"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            build_unscored_db(db, n)
            out = subprocess.run([sys.executable, "-c", SCORE_PROCESS, str(db)], check=True, capture_output=True,
                                 text=True).stdout.split()
            scored, seconds, rss = int(out[0]), float(out[1]), int(out[2])
            print(f"{scored:>12,}{seconds:>10.1f}{scored / seconds:>15,.0f}{rss:>15,}", flush=True)


# What `scout leads` would cost if the CLI imported only the modules of the command it runs.
LEAN_PROCESS = """
import sys
from rich.console import Console
from rich.table import Table
from db.engine import connection_scope, make_engine
from db.migrate import require_current
from scout.scoring.leads import select_leads
engine = make_engine(sys.argv[1], write=False, must_exist=True)
require_current(engine)
with connection_scope(engine) as conn:
    leads = select_leads(conn, top=50)
table = Table()
for name in ("#", "business", "score"):
    table.add_column(name)
for lead in leads:
    table.add_row(str(lead.rank), lead.name, f"{lead.score:.1f}")
Console(width=120).print(table)
"""


if __name__ == "__main__":
    main()
