"""The public contact details of a business's storefronts: the latest value of each field per storefront, with
where it was read (the page's URL, when, and the label the page printed).

Marketplaces publish them by law (the EU Digital Services Act's trader information, Amazon's "Detailed Seller
Information", eBay's sellerLegalInfo, the US INFORM Consumers Act block); db.store keeps every observation in
seller_contact. A storefront stored before Scout kept contact rows still has its registered name, address and
VAT id on the seller row: those are returned too (label None, the storefront's URL and last sighting as source).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from db.queries import CONTACT_COLUMNS, seller, seller_contact
from scrapers.records import CONTACT_ATTRIBUTES, CONTACT_FIELDS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

_ORDER = {name: i for i, name in enumerate(CONTACT_FIELDS)}
# a seller row's country may come from an offer ("ships from"), not from a legal disclosure: never a fallback
_FALLBACK = tuple((name, CONTACT_ATTRIBUTES[name]) for name in CONTACT_COLUMNS if name != "country")


@dataclass(frozen=True, slots=True)
class Contact:
    """One contact field of one storefront, as the latest page that showed it printed it."""

    field: str  # one of scrapers.records.CONTACT_FIELDS
    value: str
    label: str | None  # the label exactly as the page printed it ("Telefonnummer"); None where not known
    source_url: str | None
    observed_at: datetime | None
    marketplace: str  # of the storefront the contact came from
    seller_pk: int


def business_contacts(conn_or_session: Connection | Session, business_id: int) -> list[Contact]:
    """The latest value of each contact field of each storefront of the business, by storefront then field."""
    return _contacts(conn_or_session, seller.c.business_id == business_id)


def storefront_contacts(conn_or_session: Connection | Session, seller_pk: int) -> list[Contact]:
    """The latest value of each contact field of one storefront, in CONTACT_FIELDS order."""
    return _contacts(conn_or_session, seller.c.id == seller_pk)


def _contacts(conn: Connection | Session, where: Any) -> list[Contact]:
    sellers = {row.id: row for row in conn.execute(
        select(seller.c.id, seller.c.marketplace, seller.c.url, seller.c.last_seen,
               *(seller.c[name] for name in CONTACT_COLUMNS)).where(where))}
    if not sellers:
        return []
    latest: dict[tuple[int, str], Contact] = {}
    rows = conn.execute(
        select(seller_contact.c.seller_pk, seller_contact.c.field, seller_contact.c.value, seller_contact.c.label,
               seller_contact.c.source_url, seller_contact.c.observed_at)
        .join(seller, seller.c.id == seller_contact.c.seller_pk).where(where)
        .order_by(seller_contact.c.observed_at.desc(), seller_contact.c.id.desc()))
    for pk, name, value, label, url, observed_at in rows:
        latest.setdefault((pk, name), Contact(name, value, label, url, observed_at, sellers[pk].marketplace, pk))
    for pk, row in sellers.items():
        for column, name in _FALLBACK:
            value = row._mapping[column]
            if value and (pk, name) not in latest:
                latest[pk, name] = Contact(name, value, None, row.url, row.last_seen, row.marketplace, pk)
    return sorted(latest.values(), key=lambda c: (c.seller_pk, _ORDER.get(c.field, len(_ORDER))))
