"""Each marketplace's (and each of its categories') typical price, the reference a thin price basis is widened with.

Prices are counted in the reporting currency in log-spaced bins 2 % wide, so a million offers need a few hundred
counters per group and the median and quartiles come out within 1 %.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from scout.scoring.revenue import ReferencePrice

BIN = math.log(1.02)
MIN_CATEGORY_PRICES = 5  # a category median needs this many prices, else the marketplace's is used


@dataclass
class PriceHistogram:
    """Prices in log-spaced bins."""

    bins: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    count: int = 0

    def add(self, price: float) -> None:
        """Count one price (> 0)."""
        self.bins[round(math.log(price) / BIN)] += 1
        self.count += 1

    def quantile(self, q: float) -> float:
        """The price below which a share `q` of the counted prices lie (the middle of its bin)."""
        target, seen = q * self.count, 0
        for key in sorted(self.bins):
            seen += self.bins[key]
            if seen >= target:
                return math.exp(key * BIN)
        return math.exp(max(self.bins) * BIN)


@dataclass
class ReferencePrices:
    """Price histograms per (marketplace, category key or None for the whole marketplace)."""

    currency: str
    groups: dict[tuple[str, str | None], PriceHistogram] = field(default_factory=lambda: defaultdict(PriceHistogram))

    def add(self, marketplace: str, category: str | None, price: float | None) -> None:
        """Count a price (in the reporting currency) for its marketplace and its category."""
        if price is None or not price > 0 or math.isinf(price):
            return
        self.groups[marketplace, None].add(price)
        if category is not None:
            self.groups[marketplace, category].add(price)

    def lookup(self, marketplace: str, category: str | None) -> ReferencePrice | None:
        """The category's reference price on a marketplace when it has enough prices, else the marketplace's."""
        for key, label in (((marketplace, category), f"{marketplace} {category}"), ((marketplace, None), marketplace)):
            if key[1] is None and label != marketplace:
                continue
            found = self.groups.get(key)
            if found is None or found.count == 0 or (key[1] is not None and found.count < MIN_CATEGORY_PRICES):
                continue
            return ReferencePrice(found.quantile(0.5), found.quantile(0.25), found.quantile(0.75), found.count,
                                  self.currency, label)
        return None
