"""The synthetic world: deterministic, heavy-tailed, growing between days, with ground truth to match on."""

from __future__ import annotations

import csv
import io
import json
import statistics
import time

from scout.replica.catalog import HOSTILE_NAMES
from scout.replica.world import build_world, export_ground_truth


def test_world_same_seed_same_world() -> None:
    assert export_ground_truth(build_world(3, sellers=400)) == export_ground_truth(build_world(3, sellers=400))


def test_world_other_seed_other_world() -> None:
    assert export_ground_truth(build_world(3, sellers=400)) != export_ground_truth(build_world(4, sellers=400))


def test_world_rating_counts_are_heavy_tailed() -> None:
    counts = sorted(s.lifetime_count[0] for s in build_world(5, sellers=3000).storefronts if s.first_day == 0)
    median, top = statistics.median(counts), counts[-1]
    assert top > 100 * median  # a few giants, many small sellers
    assert sum(counts[-len(counts) // 100:]) > 0.25 * sum(counts)  # the top 1% hold a large share


def test_world_positive_percentages_are_skewed_high() -> None:
    pcts = [s.positive_pct[0] for s in build_world(5, sellers=2000).storefronts]
    assert sum(85 <= p <= 100 for p in pcts) / len(pcts) > 0.9
    assert statistics.median(pcts) >= 95


def test_world_grows_from_day_0_to_day_1() -> None:
    world = build_world(6, sellers=1500)
    fronts = world.storefronts
    assert all(s.lifetime_count[1] >= s.lifetime_count[0] for s in fronts)
    assert sum(s.lifetime_count[1] > s.lifetime_count[0] for s in fronts) > len(fronts) / 2
    assert any(s.positive_pct[1] < s.positive_pct[0] for s in fronts)
    new = [s for s in fronts if s.first_day == 1]
    assert new and all(not s.exists(0) and s.exists(1) for s in new)
    assert all(world.seller(s.marketplace, s.seller_id, day=0) is None for s in new)


def test_world_businesses_own_storefronts_under_varied_names() -> None:
    world = build_world(8, sellers=1500)
    multi = [b for b in world.businesses if len(b.storefronts) >= 3]
    assert multi
    assert any(len({s.name for s in b.storefronts}) > 1 for b in multi)
    assert any(b.lookalike_of for b in world.businesses)  # hard negatives
    assert {b.brand for b in world.businesses if b.hostile} == set(HOSTILE_NAMES)
    assert {s.marketplace for s in world.storefronts} == {
        "amazon", "ebay", "walmart", "etsy", "allegro", "cdiscount", "mercadolibre"}


def test_world_ground_truth_rows_are_json_and_csv_ready() -> None:
    world = build_world(9, sellers=300)
    rows = export_ground_truth(world)
    assert len(rows) == len(world.storefronts)
    json.dumps(rows)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    first = world.storefronts[0]
    assert rows[0]["business_id"] == first.business.business_id and rows[0]["seller_id"] == first.seller_id
    assert len({(r["marketplace"], r["seller_id"]) for r in rows}) == len(rows)


def test_world_rankings_order_products_by_sales() -> None:
    world = build_world(10, sellers=800)
    ranked = world.ranking("amazon", "com", "electronics", 0)
    assert [world.rank_of(p, 0) for p in ranked[:5]] == [1, 2, 3, 4, 5]
    assert all(a.sales_score[0] >= b.sales_score[0] for a, b in zip(ranked, ranked[1:], strict=False))


def test_world_builds_thousands_of_storefronts_quickly() -> None:
    start = time.perf_counter()
    world = build_world(12, sellers=5000)
    assert len(world.storefronts) > 9000
    assert time.perf_counter() - start < 5
