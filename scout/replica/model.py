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
SOLE_TRADER_COUNTRIES = frozenset({"DE", "AT", "PL", "FR", "IT", "ES", "GB"})
PHONE_SHAPES = {  # a public number per country, filled with ten stable digits
    "DE": "+49 30 {0}{1}{2}{3}{4}{5}{6}", "AT": "+43 1 {0}{1}{2}{3}{4}{5}{6}",
    "PL": "+48 22 {0}{1}{2} {3}{4} {5}{6}", "FR": "+33 1 {0}{1} {2}{3} {4}{5} {6}{7}",
    "IT": "+39 02 {0}{1}{2}{3} {4}{5}{6}{7}", "ES": "+34 91 {0}{1}{2} {3}{4} {5}{6}",
    "GB": "+44 20 7946 {0}{1}{2}{3}", "CN": "+86 755 {0}{1}{2}{3} {4}{5}{6}{7}",
    "AR": "+54 11 {0}{1}{2}{3}-{4}{5}{6}{7}",
}
REGISTER_SHAPES = {  # trade register entries as each country writes them
    "DE": "HRB {digits:.5}, Amtsgericht {city}", "AT": "FN {digits:.6}a, Handelsgericht {city}",
    "PL": "KRS 0000{digits:.6}", "FR": "{digits:.14}", "IT": "REA {digits:.7}", "ES": "Registro Mercantil de {city}, "
    "Hoja {digits:.6}", "GB": "Company number 0{digits:.7}",
}


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
                  "PL": f"PL{digits[:10]}", "GB": f"GB{digits[:9]}", "AT": f"ATU{digits[:8]}"}
        return shapes.get(self.country)

    @property
    def contact_kind(self) -> str:
        """How much its pages disclose beyond name and address, drawn once per business (not from the world's
        stream): "full" (phone, e-mail, website), "phone_email", "sole_trader" (an EU or UK sole trader: phone
        and e-mail, no register entry) or "address" (name and address only, as the US INFORM Act asks)."""
        draw = stable_random(self.business_id, "contact").random()
        if self.website is not None:
            return "full" if draw < 0.6 else "phone_email" if draw < 0.8 else "address"
        if draw < 0.3:
            return "phone_email"
        return "sole_trader" if draw < 0.55 and self.country in SOLE_TRADER_COUNTRIES else "address"

    @property
    def phone(self) -> str | None:
        """Its public phone number in its country's format, unless it shows name and address only."""
        if self.contact_kind == "address":
            return None
        rng = stable_random(self.business_id, "phone")
        digits = "".join(str(rng.randrange(10)) for _ in range(10))
        return PHONE_SHAPES.get(self.country, "+1 {0}{1}{2}-555-{6}{7}{8}{9}").format(*digits)

    @property
    def contact_email(self) -> str | None:
        """Its public e-mail: the one at its own domain, else a mailbox provider's; None for name and address only."""
        if self.contact_kind == "address":
            return None
        if self.email is not None:
            return self.email
        handle = "".join(ch for ch in fold_ascii(self.brand).lower() if ch.isalnum())[:20] or "shop"
        provider = {"DE": "web.de", "AT": "gmx.at", "PL": "wp.pl", "FR": "orange.fr", "IT": "libero.it"}
        return f"{handle}.shop@{provider.get(self.country, 'gmail.com')}"

    @property
    def shown_website(self) -> str | None:
        """Its website where its pages show one."""
        return self.website if self.contact_kind == "full" else None

    @property
    def sole_trader(self) -> bool:
        """Whether it trades as a sole trader (no company, no register entry)."""
        return self.contact_kind == "sole_trader"

    @property
    def trade_register(self) -> str | None:
        """Its trade register entry as its country writes it (a French sole trader has a SIRET too)."""
        if self.country not in REGISTER_SHAPES or (self.sole_trader and self.country != "FR"):
            return None
        rng = stable_random(self.business_id, "register")
        digits = "".join(str(rng.randrange(10)) for _ in range(14))
        return REGISTER_SHAPES[self.country].format(digits=digits, city=self.city)

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
