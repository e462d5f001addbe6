"""Benchmark `scout match`: precision/recall against the replica's ground truth, and blocking against brute force.

Quality is pairwise: every pair of storefronts put in one business is a predicted link; a true link is a pair the
replica's ground truth (`export_ground_truth`) gives one business_id. Precision = correct predicted links / predicted
links, recall = correct predicted links / true links. "Businesses exactly right" is the cluster-level view: the share
of true businesses whose storefronts form exactly one predicted business.

Speed compares candidate search on the distinct normalised names of a world: brute force scores every name against
every other with the same scorer and cutoff (rapidfuzz `process.extract` per name, one core: `process.cdist` needs
numpy, which Scout does not depend on); blocking scores only names sharing a block. Brute force grows with the square
of the names, so without `--full` it runs on a smaller world (`--brute-sellers`) and its time is extrapolated by
(big names / small names)^2; "matches kept" is then measured on that smaller world. `--full` runs it on the big one.

Usage: python benchmarks/match.py [--sellers 52000] [--brute-sellers 10000] [--seed 7] [--full]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from itertools import combinations

from rapidfuzz import process
from rapidfuzz.distance import Indel
from rich.console import Console
from rich.table import Table

from scout.identity.blocks import similar_pairs
from scout.identity.linking import CATEGORY_BONUS, Cluster, SellerFacts, link_storefronts
from scout.identity.names import name_keys
from scout.identity.rules import MATCH_THRESHOLD
from scout.replica.world import World, build_world, export_ground_truth, stable_random

CUTOFF = MATCH_THRESHOLD - CATEGORY_BONUS  # the lowest name similarity `scout match` looks at
NO_DETAIL_SHARE = 0.1  # the replica's Amazon profiles without "Detailed Seller Information"


def facts_from_world(world: World) -> tuple[list[SellerFacts], dict[int, str]]:
    """What Scout's parsers store for each storefront of the world, and its true business (by pk)."""
    facts: list[SellerFacts] = []
    truth: dict[int, str] = {}
    for pk, row in enumerate(export_ground_truth(world), start=1):
        front = world.sellers[(row["marketplace"], row["seller_id"])]
        b = front.business
        legal: str | None = b.legal_name
        address: str | None = f"{b.street}, {b.postcode} {b.city}"
        country: str | None = b.country
        vat: str | None = b.vat_number if front.marketplace in ("allegro", "cdiscount") else None
        if front.marketplace == "amazon":
            address = ", ".join(b.address_lines)
            vat = b.vat_number if front.site != "com" else None  # EU sites print it with the detailed information
            if stable_random(front.seller_id, "detail").random() < NO_DETAIL_SHARE:
                legal = address = country = vat = None
        elif front.marketplace == "etsy":
            legal = address = None
        elif front.marketplace == "mercadolibre":
            legal, address = None, f"{b.city}, {b.postcode}"
        facts.append(SellerFacts(pk=pk, marketplace=front.marketplace, site=front.site, name=front.name,
                                 business_name=legal, business_address=address, country=country, vat_number=vat))
        truth[pk] = row["business_id"]
    return facts, truth


def score_clusters(clusters: list[Cluster], truth: dict[int, str]) -> tuple[float, float, float, int, int]:
    """Pairwise (precision, recall), the share of businesses exactly right, predicted and true links."""
    by_business: dict[str, list[int]] = defaultdict(list)
    for pk, business in truth.items():
        by_business[business].append(pk)
    predicted = _pairs([list(c.pks) for c in clusters])
    actual = _pairs(list(by_business.values()))
    correct = len(predicted & actual)
    exact = {c.pks for c in clusters} & {tuple(sorted(pks)) for pks in by_business.values()}
    return (correct / max(1, len(predicted)), correct / max(1, len(actual)), len(exact) / len(by_business),
            len(predicted), len(actual))


def _pairs(groups: list[list[int]]) -> set[tuple[int, int]]:
    return {(a, b) if a < b else (b, a) for g in groups for a, b in combinations(g, 2)}


def brute_force_pairs(names: list[str], cutoff: float) -> set[tuple[int, int]]:
    """Every pair of names scoring >= cutoff, by comparing each name with all the others."""
    found = set()
    for i, name in enumerate(names):
        for _, _, j in process.extract(name, names, scorer=Indel.normalized_similarity, score_cutoff=cutoff,
                                       limit=None):
            if j > i:
                found.add((i, j))
    return found


def world_names(facts: list[SellerFacts]) -> list[str]:
    """The distinct normalised names (display and registered) of a world's storefronts."""
    return sorted({key for f in facts for key in (*name_keys(f.name), *name_keys(f.business_name))})


def main() -> None:
    """Run the benchmark and print one table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sellers", type=int, default=52_000, help="businesses of the big world (~1.9 storefronts)")
    parser.add_argument("--quality-sellers", type=int, default=3_000, help="businesses of the two quality worlds")
    parser.add_argument("--brute-sellers", type=int, default=10_000, help="businesses of the brute-force world")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--full", action="store_true", help="brute force on the big world itself (minutes)")
    args = parser.parse_args()
    table = Table(title=f"scout match benchmark (threshold {MATCH_THRESHOLD}, candidate cutoff {CUTOFF:.2f})")
    for column in ("measure", "value", "on"):
        table.add_column(column, justify="right" if column == "value" else "left")

    def quality(facts: list[SellerFacts], truth: dict[int, str], where: str) -> float:
        started = time.perf_counter()
        clusters = link_storefronts(facts)
        elapsed = time.perf_counter() - started
        precision, recall, exact, predicted, actual = score_clusters(clusters, truth)
        where = f"{where}: {len(facts):,} storefronts, {actual:,} true links, {predicted:,} predicted"
        table.add_row("pairwise precision", f"{precision:.4f}", where)
        table.add_row("pairwise recall", f"{recall:.4f}", where)
        table.add_row("businesses exactly right", f"{exact:.4f}", where)
        return elapsed

    for seed in (args.seed, args.seed + 1):
        world = build_world(seed, sellers=args.quality_sellers, products_per_seller=0.1)
        quality(*facts_from_world(world), f"seed {seed}")
    facts, truth = facts_from_world(build_world(args.seed, sellers=args.sellers, products_per_seller=0.1))
    linked = quality(facts, truth, f"seed {args.seed}")
    size = f"{len(facts):,} storefronts"
    table.add_row("link_storefronts, all steps", f"{linked:.1f} s", f"{size} (normalise, block, score, cluster)")

    names = world_names(facts)
    started = time.perf_counter()
    blocked = similar_pairs(names, cutoff=CUTOFF)
    blocked_s = time.perf_counter() - started
    table.add_row("distinct normalised names", f"{len(names):,}", size)
    table.add_row("blocked candidate search", f"{blocked_s:.2f} s", f"{len(names):,} names: {len(blocked):,} pairs")
    small = names if args.full else world_names(facts_from_world(
        build_world(args.seed, sellers=args.brute_sellers, products_per_seller=0.1))[0])
    started = time.perf_counter()
    brute = brute_force_pairs(small, CUTOFF)
    brute_s = time.perf_counter() - started
    scale = (len(names) / len(small)) ** 2
    how = f"{len(names):,} names, " + ("measured" if args.full else
                                        f"measured {brute_s:.1f} s on {len(small):,} names x {scale:.1f}")
    table.add_row("brute-force candidate search", f"{brute_s * scale:.0f} s", how)
    table.add_row("speed-up", f"{brute_s * scale / blocked_s:.0f}x", "brute force / blocked")
    kept = brute & (set(blocked) if args.full else set(similar_pairs(small, cutoff=CUTOFF)))
    table.add_row("brute-force matches kept", f"{len(kept) / max(1, len(brute)):.4f}",
                  f"{len(small):,} names: {len(kept):,} of {len(brute):,} pairs")
    Console().print(table)


if __name__ == "__main__":
    main()
