"""A deterministic synthetic world of businesses, their storefronts and products, for the replica.

Everything derives from one seed through `random.Random` (never `hash()`, which is salted per process),
so the same seed gives the same world in every run.
"""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import accumulate
from math import exp
from typing import Any

from scout.replica.catalog import (
    ACCENTED_PREFIXES,
    CATEGORIES,
    CATEGORY_NOUNS,
    CITIES,
    COUNTRY_WEIGHTS,
    HOSTILE_NAMES,
    LEGAL_SUFFIXES,
    MARKETPLACE_WEIGHTS,
    NAME_MIDS,
    NAME_PREFIXES,
    NAME_SUFFIXES,
    NAME_WORDS,
    PCT_DECIMALS,
    PRODUCT_ADJECTIVES,
    SITE_CURRENCY,
    SITES,
    STREETS,
)
from scout.replica.model import DAYS, Business, Product, Storefront, World, fold_ascii, stable_random

__all__ = ["DAYS", "Business", "Product", "Storefront", "World", "build_world", "export_ground_truth",
           "fold_ascii", "stable_random"]

_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_COUNTRIES = list(COUNTRY_WEIGHTS)
_COUNTRY_CUM = list(accumulate(COUNTRY_WEIGHTS.values()))


class _Builder:
    """Holds the generator state while a world is made; `build_world` is the entry point."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.brands: set[str] = set()
        self.ids: set[tuple[str, str]] = set()
        self.numeric: set[tuple[str, int]] = set()
        self.product_ids: set[tuple[str, str]] = set()

    def brand(self, country: str) -> str:
        rng = self.rng
        for attempt in range(50):
            prefixes = ACCENTED_PREFIXES.get(country) if rng.random() < 0.35 else None
            head = rng.choice(prefixes or NAME_PREFIXES)
            name = head + rng.choice(NAME_MIDS) + rng.choice(NAME_SUFFIXES)
            if rng.random() < 0.45 or attempt > 3:
                name += " " + rng.choice(NAME_WORDS)
            if attempt > 20:
                name += f" {rng.randint(2, 99)}"
            if name not in self.brands:
                self.brands.add(name)
                return name
        raise RuntimeError("could not make a unique brand name")

    def lookalike(self, brand: str) -> str:
        rng = self.rng
        for _ in range(50):
            chars = list(brand)
            i = rng.randrange(1, max(2, len(brand.split(" ")[0]) - 1))
            edit = rng.random()
            if edit < 0.35 and chars[i].isalpha():
                chars[i] = rng.choice("aeiouyrnlt")
            elif edit < 0.6:
                chars.insert(i, chars[i] if chars[i].isalpha() else "e")
            elif edit < 0.8:
                chars = list(brand.split(" ")[0] + " " + rng.choice(NAME_WORDS))
            else:
                chars = list(brand + "s")
            name = "".join(chars)
            if name not in self.brands and name.lower() != brand.lower():
                self.brands.add(name)
                return name
        return self.brand("US")

    def unique_id(self, marketplace: str, make: Any) -> str:
        while True:
            candidate = make()
            if (marketplace, candidate) not in self.ids:
                self.ids.add((marketplace, candidate))
                return str(candidate)

    def unique_number(self, marketplace: str, low: int, high: int) -> int:
        while True:
            candidate = self.rng.randint(low, high)
            if (marketplace, candidate) not in self.numeric:
                self.numeric.add((marketplace, candidate))
                return candidate

    def business(self, index: int, lookalike_of: Business | None, hostile: str | None) -> Business:
        rng = self.rng
        country = rng.choices(_COUNTRIES, cum_weights=_COUNTRY_CUM)[0]
        if hostile is not None:
            brand = hostile
        elif lookalike_of is not None:
            brand = self.lookalike(lookalike_of.brand)
        else:
            brand = self.brand(country)
        legal = f"{brand} {rng.choice(LEGAL_SUFFIXES[country])}"
        postcode, city = rng.choice(CITIES[country])
        if country == "CN" and rng.random() < 0.7:
            legal = f"{city} {brand} Technology Co., Ltd."
        street = f"{rng.choice(STREETS[country])} {rng.randint(1, 240)}"
        if country in ("US", "GB", "CN", "AR", "MX"):
            street = f"{rng.randint(1, 9800)} {rng.choice(STREETS[country])}"
        slug = "".join(ch for ch in fold_ascii(brand).lower() if ch.isalnum())[:24] or f"shop{index}"
        website = email = None
        if rng.random() < 0.4:
            tld = {"US": "com", "GB": "co.uk", "DE": "de", "FR": "fr", "ES": "es", "IT": "it", "PL": "pl"}
            domain = f"{slug}.{tld.get(country, 'com')}"
            website = f"https://www.{domain}"
            email = f"{rng.choice(('info', 'contact', 'sales', 'hello'))}@{domain}"
        return Business(
            business_id=f"BIZ{index:06d}",
            brand=brand,
            legal_name=legal,
            country=country,
            street=street,
            postcode=postcode,
            city=city,
            category=rng.choice(CATEGORIES),
            website=website,
            email=email,
            lookalike_of=lookalike_of.business_id if lookalike_of else None,
            hostile=hostile is not None,
        )

    def placements(self, business: Business) -> list[tuple[str, str]]:
        rng = self.rng
        count = rng.choices((1, 2, 3, 4, 5, 6), weights=(52, 25, 12, 6, 3, 2))[0]
        weights = dict(MARKETPLACE_WEIGHTS[business.country])
        if business.hostile:
            weights = {("amazon", "com"): 1.0, ("amazon", "de"): 1.0, ("walmart", "com"): 1.0,
                       ("mercadolibre", "MLA"): 1.0, ("cdiscount", "com"): 1.0}
        chosen: list[tuple[str, str]] = []
        for _ in range(count * 3):
            if len(chosen) == count or not weights:
                break
            pick = rng.choices(list(weights), weights=list(weights.values()))[0]
            chosen.append(pick)
            del weights[pick]
        return chosen

    def display_name(self, business: Business, marketplace: str, site: str) -> str:
        rng = self.rng
        brand, legal = business.brand, business.legal_name
        if business.hostile:
            return brand
        handle = "".join(ch for ch in fold_ascii(brand) if ch.isalnum() or ch == " ").strip() or "shop"
        squashed = handle.replace(" ", "")
        cc = {"com": "US", "co.uk": "UK", "MLA": "AR", "pl": "PL"}.get(site, site.upper())
        if marketplace == "amazon":
            options = [brand, f"{brand} Direct", f"{squashed}-{cc}", f"{brand} Official", legal,
                       brand.upper(), f"{brand} Store", f"{brand}-EU", f"{squashed}Direct"]
        elif marketplace == "ebay":
            low = squashed.lower()
            options = [f"{low}_official", f"{low}-{cc.lower()}", f"{low}direct", f"{low}.store",
                       f"{low}{rng.randint(1, 999)}", low]
        elif marketplace == "etsy":
            options = [squashed[:20], (squashed + "Studio")[:20], (squashed + "Co")[:20],
                       (squashed + "Shop")[:20]]
        elif marketplace == "allegro":
            options = [f"{squashed.upper()}_PL", f"{handle.lower().replace(' ', '-')}", f"{squashed}_Official",
                       squashed]
        elif marketplace == "mercadolibre":
            options = [handle.upper(), f"{squashed.upper()}_AR", f"{handle.upper()} OFICIAL"]
        elif marketplace == "cdiscount":
            options = [brand, f"{brand} France", legal, brand.upper()]
        else:  # walmart
            options = [brand, legal, f"{brand} Inc", f"{brand} Direct LLC"]
        name = rng.choice(options)
        if marketplace in ("amazon", "walmart", "cdiscount") and rng.random() < 0.08:
            name = name.lower()
        return name

    def seller_id(self, marketplace: str, name: str) -> tuple[str, int]:
        rng = self.rng
        if marketplace == "amazon":
            return self.unique_id(marketplace, lambda: "A" + _base36(rng.getrandbits(72), 12 + rng.getrandbits(1))), 0
        if marketplace == "walmart":
            number = self.unique_number(marketplace, 100_000_000, 102_999_999)
            return self.unique_id(marketplace, lambda: f"{rng.getrandbits(128):032X}"), number
        if marketplace in ("ebay", "etsy", "allegro"):
            base = name if marketplace != "ebay" else name.lower()
            sid = self.unique_id(marketplace, lambda: base if (marketplace, base) not in self.ids
                                 else f"{base}{rng.randint(2, 9999)}")
            number = self.unique_number(marketplace, 10_000_000, 59_999_999)
            return sid, number
        number = self.unique_number(marketplace, 1_000_000, 999_999_999)
        return str(number), number

    def storefront(self, business: Business, marketplace: str, site: str, new_on_day1: bool) -> Storefront:
        rng = self.rng
        name = self.display_name(business, marketplace, site)
        if marketplace == "etsy" and len(name) < 4:
            name = (name + "Shop")[:20]
        seller_id, number = self.seller_id(marketplace, name)
        if marketplace in ("ebay", "etsy", "allegro"):
            name = seller_id
        lifetime0 = 0 if new_on_day1 else min(5_000_000, max(1, int(exp(rng.gauss(4.6, 1.9)))))
        window = rng.uniform(0.15, 0.6) if marketplace == "amazon" else 1.0
        recent0 = max(1, int(lifetime0 * window)) if lifetime0 else 0
        growth = exp(rng.gauss(-4.6, 1.0))
        gained = int(round(max(lifetime0, 20) * growth)) + (rng.randint(1, 30) if new_on_day1 else 0)
        lifetime = (lifetime0, lifetime0 + gained)
        recent = (recent0, recent0 + gained) if marketplace == "amazon" else lifetime
        deficit = min(40.0, exp(rng.gauss(0.9, 0.9)))
        decimals = PCT_DECIMALS[marketplace]
        pct0 = round(100.0 - deficit, decimals) if decimals else float(round(100.0 - deficit))
        pct1 = pct0
        if rng.random() < 0.12:
            pct1 = round(max(50.0, pct0 - rng.uniform(0.6, 4.0)), decimals)
            pct1 = pct1 if decimals else float(round(pct1))
        stars = tuple(round(min(5.0, max(1.0, 5.0 - (100 - p) * 0.06 - rng.uniform(0.0, 0.3))), 1)
                      for p in (pct0, pct1))
        sales_factor = rng.uniform(2.5, 8.0)
        year = rng.randint(2004, 2024) if not new_on_day1 else 2025
        return Storefront(
            business=business,
            marketplace=marketplace,
            site=site,
            seller_id=seller_id,
            name=name,
            category=business.category if rng.random() < 0.8 else rng.choice(CATEGORIES),
            rating_count=recent,
            lifetime_count=lifetime,
            positive_pct=(pct0, pct1),
            stars=(stars[0], stars[1]),
            sales_count=(int(lifetime[0] * sales_factor), int(lifetime[1] * sales_factor)),
            listing_count=max(1, int(exp(rng.gauss(3.2, 1.2)))),
            followers=int(lifetime0 * rng.uniform(0.05, 0.6)),
            created=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            first_day=1 if new_on_day1 else 0,
            numeric_id=number,
        )

    def product_id(self, marketplace: str) -> str:
        bits = self.rng.getrandbits
        while True:
            if marketplace == "amazon":
                candidate = "B0" + _base36(bits(42), 8)
            elif marketplace == "cdiscount":
                candidate = "auc" + _base36(bits(83), 16).lower()
            elif marketplace == "mercadolibre":
                candidate = f"MLA{800_000_000 + bits(30)}"
            else:
                low, width = _NUMERIC_PRODUCT_IDS[marketplace]
                candidate = str(low + bits(width))
            if (marketplace, candidate) not in self.product_ids:
                self.product_ids.add((marketplace, candidate))
                return candidate

    def product(self, marketplace: str, site: str, category: str, seller: Storefront | None,
                brand: str, first_day: int) -> Product:
        rng = self.rng
        gauss = rng.gauss
        nouns, base_price = CATEGORY_NOUNS[category]
        bits = rng.getrandbits(32)
        title = f"{brand} {PRODUCT_ADJECTIVES[(bits >> 3) % len(PRODUCT_ADJECTIVES)]} {nouns[bits & 7]}"
        variant = (bits >> 8) % 12
        if variant < len(_VARIANTS):
            title += f", {_VARIANTS[variant]}"
        currency = SITE_CURRENCY[(marketplace, site)]
        price = base_price * exp(gauss(0.0, 0.6)) * _PRICE_SCALE.get(currency, 1.0)
        amount = Decimal(max(1, int(price))) + _CENTS[(bits >> 12) & 3]
        ratings0 = int(exp(gauss(5.0, 1.8)))
        score0 = exp(gauss(0.0, 1.4)) * (1 + (seller.lifetime_count[0] if seller else 5000) ** 0.3)
        grow = exp(gauss(-4.0, 1.0))
        return Product(
            product_id=self.product_id(marketplace),
            marketplace=marketplace,
            site=site,
            category=category,
            title=title,
            price=amount,
            stars=round(3.4 + 1.6 * rng.random(), 1),
            rating_count=(0 if first_day else ratings0, int(ratings0 * (1 + grow)) + ((bits >> 14) % 6)),
            sales_score=(0.0 if first_day else score0, score0 * exp(gauss(0.0, 0.15))),
            seller=seller,
            first_day=first_day,
        )


_VARIANTS = ("2 Pack", "Black", "White", "XL", "Set of 4", "2025 Edition")
_CENTS = (Decimal("0.99"), Decimal("0.95"), Decimal("0.49"), Decimal("0.00"))
_PRICE_SCALE = {"ARS": 900.0, "PLN": 4.0}
_NUMERIC_PRODUCT_IDS = {"ebay": (110_000_000_000, 38), "walmart": (10_000_000, 33),
                        "etsy": (1_000_000_000, 31), "allegro": (10_000_000_000, 33)}


def _base36(number: int, width: int) -> str:
    out = []
    for _ in range(width):
        number, digit = divmod(number, 36)
        out.append(_ALNUM[digit])
    return "".join(out)


PLATFORM_SHARE = {"amazon": 0.15, "walmart": 0.3}


AT_CITIES = (("1010", "Wien"), ("8010", "Graz"), ("4020", "Linz"), ("5020", "Salzburg"), ("6020", "Innsbruck"))


def _registered_in_austria(business: Business) -> None:
    """One in five German-speaking businesses selling on amazon.de is registered in Austria: Vienna, Graz …"""
    draw = stable_random(business.business_id, "austria")
    if business.country != "DE" or business.hostile or draw.random() >= 0.2:
        return
    business.country = "AT"
    business.postcode, business.city = AT_CITIES[draw.randrange(len(AT_CITIES))]
    if business.website and business.website.endswith(".de"):
        business.website = business.website.removesuffix(".de") + ".at"
    if business.email and business.email.endswith(".de"):
        business.email = business.email.removesuffix(".de") + ".at"


def build_world(seed: int = 7, sellers: int = 3000, products_per_seller: float = 2.0) -> World:
    """A world of `sellers` businesses (each with 1..6 storefronts), deterministic for a seed."""
    builder = _Builder(seed)
    rng = builder.rng
    hostile_at = dict(zip(rng.sample(range(sellers), min(len(HOSTILE_NAMES), sellers)), HOSTILE_NAMES,
                          strict=False))
    businesses: list[Business] = []
    storefronts: list[Storefront] = []
    products: list[Product] = []
    for index in range(sellers):
        twin = businesses[rng.randrange(len(businesses))] if businesses and rng.random() < 0.06 else None
        business = builder.business(index, twin, hostile_at.get(index))
        businesses.append(business)
        for marketplace, site in builder.placements(business):
            new = rng.random() < 0.02
            front = builder.storefront(business, marketplace, site, new)
            business.storefronts.append(front)
            storefronts.append(front)
            size = front.lifetime_count[1]
            count = max(1, min(8, int(products_per_seller * rng.uniform(0.3, 1.2) * (1 + size ** 0.12) / 2)))
            for _ in range(count):
                category = front.category if rng.random() < 0.8 else rng.choice(CATEGORIES)
                item = builder.product(marketplace, site, category, front, business.brand, front.first_day)
                front.products.append(item)
                products.append(item)
    for business in businesses:  # after every draw of the world's stream, which stays as it was
        _registered_in_austria(business)
    for (marketplace, site), share in _platform_sites():
        own = [s for s in storefronts if (s.marketplace, s.site) == (marketplace, site)]
        for _ in range(int(len(own) * products_per_seller * share) + len(CATEGORIES)):
            category = rng.choice(CATEGORIES)
            products.append(builder.product(marketplace, site, category, None,
                                            rng.choice(("Amazon Basics", "Mainstays", "Onn", "Great Value"))
                                            if marketplace == "walmart" or rng.random() < 0.5
                                            else "Amazon Basics", 0))
    return World(
        seed=seed,
        businesses=businesses,
        storefronts=storefronts,
        products=products,
        sellers={s.key: s for s in storefronts},
        product_index={(p.marketplace, p.product_id): p for p in products},
        numeric_sellers={(s.marketplace, s.numeric_id): s for s in storefronts if s.numeric_id},
    )


def _platform_sites() -> list[tuple[tuple[str, str], float]]:
    return [((m, s), PLATFORM_SHARE[m]) for m, sites in SITES.items() if m in PLATFORM_SHARE for s in sites]


def export_ground_truth(world: World) -> list[dict[str, Any]]:
    """One JSON/CSV-ready row per storefront: which business owns it, under which name."""
    return [
        {
            "business_id": s.business.business_id,
            "business_name": s.business.legal_name,
            "brand": s.business.brand,
            "country": s.business.country,
            "marketplace": s.marketplace,
            "site": s.site,
            "seller_id": s.seller_id,
            "name": s.name,
            "first_day": s.first_day,
            "lookalike_of": s.business.lookalike_of or "",
            "website": s.business.website or "",
        }
        for s in world.storefronts
    ]
