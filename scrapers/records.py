"""Typed records that every marketplace parser returns.

Field names are the public contract of `scout parse --json`; a missing figure is None, never 0.

Records are frozen msgspec Structs rather than frozen dataclasses: the same immutable, hashable, comparable
values, built about ten times as fast (a frozen dataclass sets each field through object.__setattr__, which was
most of an API search response's parse time). Nothing is validated or converted on construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

import msgspec

Kind = Literal["offers", "search", "ranking", "product", "seller"]
KINDS: tuple[str, ...] = ("offers", "search", "ranking", "product", "seller")


class Offer(msgspec.Struct, frozen=True, gc=False):
    """One seller's offer for a product (offer listings, product buy boxes, search results, API items)."""

    seller_id: str | None
    name: str | None
    positive_pct: float | None = None
    rating_count: int | None = None
    price: Decimal | None = None
    currency: str | None = None
    is_platform: bool = False
    product_id: str | None = None
    title: str | None = None
    stars: float | None = None  # average star rating of the seller (0-5) where shown instead of a positive %
    sales_count: int | None = None  # items sold / transactions, where the marketplace shows it
    badge: str | None = None  # e.g. eBay "Top Rated", MercadoLibre "platinum", Allegro "SuperSeller"
    country: str | None = None
    url: str | None = None
    seller_url: str | None = None  # the seller's profile/store page, where the page links it
    category: str | None = None  # the category the page shows, as it names it ("Books > Children's Books")
    buy_box: bool = False  # the product page's featured offer (Amazon's buy box), not one of its other sellers
    platform_fulfilled: bool | None = None  # the marketplace itself ships the order (Fulfilled by Amazon), if shown
    seller_numeric_id: str | None = None  # the marketplace's numeric user id beside the login keying the seller
    is_company: bool | None = None  # the seller is a business rather than a private person, where the page says
    sales_count_exact: bool = False  # True where sales_count is an exact count (MercadoLibre transactions)
    recent_sales_count: int | None = None  # the seller's exact sales of the last recent_sales_days days
    recent_sales_days: int | None = None


class RankingEntry(msgspec.Struct, frozen=True, gc=False):
    """One product on a best-seller (or equivalent) list."""

    rank: int
    product_id: str
    title: str | None = None
    stars: float | None = None
    rating_count: int | None = None
    price: Decimal | None = None
    currency: str | None = None
    url: str | None = None
    seller_id: str | None = None
    seller_name: str | None = None


class SellerProfile(msgspec.Struct, frozen=True, gc=False):
    """A seller's public profile or storefront."""

    seller_id: str | None
    name: str | None
    positive_pct: float | None = None
    rating_count: int | None = None  # ratings within `rating_window_days`, or lifetime when the window is None
    lifetime_rating_count: int | None = None
    business_name: str | None = None
    business_address: str | None = None
    country: str | None = None
    vat_number: str | None = None  # the business's VAT id as the page prints it, normalised: "DE281934705"
    rating_window_days: int | None = None
    stars: float | None = None
    sales_count: int | None = None
    sales_count_exact: bool = False  # True where the marketplace states an exact count (Etsy transaction_sold_count)
    listing_count: int | None = None
    followers: int | None = None
    created: str | None = None  # ISO date the store opened, where shown
    badge: str | None = None
    url: str | None = None
    category: str | None = None  # the category the page shows for the seller, as it names it
    recent_sales_count: int | None = None  # exact sales of the last recent_sales_days days, where shown
    recent_sales_days: int | None = None
    # public contact details (legal disclosures: EU Digital Services Act trader information, Amazon's "Detailed
    # Seller Information", eBay's sellerLegalInfo, the US INFORM Consumers Act block), as the page prints them
    phone: str | None = None
    email: str | None = None
    website: str | None = None
    trade_register: str | None = None
    business_type: str | None = None  # "Company", "Sole trader", "Einzelunternehmen", as the page states it
    customer_service_address: str | None = None
    # (attribute name, the label exactly as the page printed it) of every contact attribute it read, including
    # business_name, business_address, country and vat_number: ("phone", "Telefonnummer") (CONTACT_ATTRIBUTES)
    contact_labels: tuple[tuple[str, str], ...] = ()


Record = Offer | RankingEntry | SellerProfile

# the SellerProfile attributes that are public contact details -> the field name seller_contact stores them under
# (contact_labels name the attribute: ("business_name", "Geschäftsname"))
CONTACT_ATTRIBUTES: dict[str, str] = {
    "business_name": "legal_name", "business_type": "business_type", "business_address": "address",
    "customer_service_address": "customer_service_address", "country": "country", "phone": "phone",
    "email": "email", "website": "website", "vat_number": "vat_number", "trade_register": "trade_register"}
CONTACT_FIELDS: tuple[str, ...] = tuple(CONTACT_ATTRIBUTES.values())


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """What one page or API response yielded."""

    marketplace: str
    kind: str
    records: list[Record] = field(default_factory=list)
    site: str | None = None  # e.g. "amazon.de", where the page says which site it came from
    list_name: str | None = None  # the category of a ranking list, where the page names it


def record_to_dict(record: Record) -> dict[str, Any]:
    """A JSON-ready dict (Decimal prices become JSON numbers with the same digits)."""
    out: dict[str, Any] = {}
    for name in record.__struct_fields__:
        value = getattr(record, name)
        out[name] = float(value) if isinstance(value, Decimal) else value
    return out
