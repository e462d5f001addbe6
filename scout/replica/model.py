"""The records of the replica's synthetic world: businesses, storefronts, products and their indexes.

Day-dependent figures are (day 0, day 1) pairs so that growth between snapshots can be checked.
"""

from __future__ import annotations

import random
import unicodedata
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from scout.replica.catalog import (
    SITE_CURRENCY,
)

DAYS = (0, 1)


@dataclass(slots=True)
class Business:
    """One real-world company behind one or more storefronts."""

    business_id: str
    brand: str
    legal_name: str
    country: str
    street: str
    postcode: str
    city: str
    category: str
    website: str | None
    email: str | None
    lookalike_of: str | None = None
    hostile: bool = False
    storefronts: list[Storefront] = field(default_factory=list)

    @property
    def vat_number(self) -> str | None:
        """The VAT id of a business registered in the EU or the UK, in each country's shape, derived from its id
        (not drawn from the world's random stream, which would change every world built before)."""
        rng = stable_random(self.business_id, "vat")
        digits = "".join(str(rng.randrange(10)) for _ in range(11))
        shapes = {"DE": f"DE{digits[:9]}", "FR": f"FR{digits}", "IT": f"IT{digits}", "ES": f"ESB{digits[:8]}",
                  "PL": f"PL{digits[:10]}", "GB": f"GB{digits[:9]}"}
        return shapes.get(self.country)

    @property
    def address_lines(self) -> tuple[str, str, str]:
        """(street, `postcode city` or `city postcode` as the country writes it, ISO country)."""
        town = f"{self.city} {self.postcode}" if self.country in ("US", "GB") else f"{self.postcode} {self.city}"
        return self.street, town, self.country


@dataclass(slots=True, eq=False)
class Storefront:
    """A business's presence on one marketplace site; day-dependent figures are (day 0, day 1) pairs."""

    business: Business
    marketplace: str
    site: str
    seller_id: str
    name: str
    category: str
    rating_count: tuple[int, int]  # Amazon: last 12 months; elsewhere the lifetime count
    lifetime_count: tuple[int, int]
    positive_pct: tuple[float, float]
    stars: tuple[float, float]
    sales_count: tuple[int, int]
    listing_count: int
    followers: int
    created: str
    first_day: int = 0
    numeric_id: int = 0  # Etsy shop_id, MercadoLibre/Allegro user id, Walmart catalog seller id
    products: list[Product] = field(default_factory=list)

    def exists(self, day: int) -> bool:
        """Whether the storefront is live on `day` (new sellers appear on day 1)."""
        return day >= self.first_day

    @property
    def currency(self) -> str:
        """The ISO currency of the storefront's site."""
        return SITE_CURRENCY[(self.marketplace, self.site)]

    @property
    def key(self) -> tuple[str, str]:
        """(marketplace, seller_id): unique across the world."""
        return self.marketplace, self.seller_id


@dataclass(slots=True, eq=False)
class Product:
    """A listing on one marketplace site; `seller` is None when the platform itself sells it."""

    product_id: str
    marketplace: str
    site: str
    category: str
    title: str
    price: Decimal
    stars: float
    rating_count: tuple[int, int]
    sales_score: tuple[float, float]
    seller: Storefront | None
    first_day: int = 0

    def exists(self, day: int) -> bool:
        """Whether the product is listed on `day`."""
        return day >= self.first_day

    @property
    def currency(self) -> str:
        """The ISO currency of the product's site."""
        return SITE_CURRENCY[(self.marketplace, self.site)]


@dataclass(eq=False)
class World:
    """The whole synthetic world plus the indexes renderers need."""

    seed: int
    businesses: list[Business]
    storefronts: list[Storefront]
    products: list[Product]
    sellers: dict[tuple[str, str], Storefront]
    product_index: dict[tuple[str, str], Product]
    numeric_sellers: dict[tuple[str, int], Storefront]
    _rankings: dict[tuple[str, str, str, int], list[Product]] = field(default_factory=dict)

    def seller(self, marketplace: str, seller_id: str, day: int | None = None) -> Storefront | None:
        """The storefront with this id, or None (also None when it does not exist yet on `day`)."""
        found = self.sellers.get((marketplace, seller_id))
        if found is None or (day is not None and not found.exists(day)):
            return None
        return found

    def product(self, marketplace: str, product_id: str, day: int | None = None) -> Product | None:
        """The product with this id, or None (also None when it is not listed yet on `day`)."""
        found = self.product_index.get((marketplace, product_id))
        if found is None or (day is not None and not found.exists(day)):
            return None
        return found

    def ranking(self, marketplace: str, site: str, category: str, day: int) -> list[Product]:
        """Products of a category on a site, best seller first, as of `day`."""
        key = (marketplace, site, category, day)
        if key not in self._rankings:
            self._rankings[key] = sorted(
                (p for p in self._products_by_group.get((marketplace, site, category), ()) if p.exists(day)),
                key=lambda p: (-p.sales_score[day], p.product_id),
            )
        return self._rankings[key]

    def rank_of(self, product: Product, day: int) -> int | None:
        """1-based best-seller rank of a product in its category on `day`."""
        ranking = self.ranking(product.marketplace, product.site, product.category, day)
        try:
            return ranking.index(product) + 1
        except ValueError:
            return None

    def storefronts_on(self, marketplace: str, site: str | None = None) -> list[Storefront]:
        """Every storefront of a marketplace (and site), in world order."""
        if site is None:
            return [s for s in self.storefronts if s.marketplace == marketplace]
        return self._storefronts_by_site.get((marketplace, site), [])

    @cached_property
    def _storefronts_by_site(self) -> dict[tuple[str, str], list[Storefront]]:
        groups: dict[tuple[str, str], list[Storefront]] = {}
        for s in self.storefronts:
            groups.setdefault((s.marketplace, s.site), []).append(s)
        return groups

    @cached_property
    def _products_by_group(self) -> dict[tuple[str, str, str], list[Product]]:
        groups: dict[tuple[str, str, str], list[Product]] = {}
        for p in self.products:
            groups.setdefault((p.marketplace, p.site, p.category), []).append(p)
        return groups



def stable_random(*parts: object) -> random.Random:
    """A Random seeded from the parts' text, stable across processes (for lazily derived details)."""
    return random.Random(zlib.crc32("|".join(map(str, parts)).encode()))


def fold_ascii(text: str) -> str:
    """`Kühl Böhm` -> `Kuhl Bohm`: what marketplaces that only allow ASCII handles keep of a name."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
