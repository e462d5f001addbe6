"""Which business or storefront a command-line argument names: an id, `marketplace:seller_id`, or a name."""

from __future__ import annotations

import re

from sqlalchemy import func, or_, select
from sqlmodel import Session, col

from db.models import Business, Seller
from scout.errors import InputError
from scout.identity.names import normalize_name
from scout.sanitize import strip_control
from scrapers.registry import MARKETPLACES


def business_label(business: Business) -> str:
    """`business:12 (Alpha GmbH)`, as messages name a business."""
    return f"business:{business.id} ({strip_control(business.name)})"


def lookup_target(session: Session, target: str) -> tuple[Business | None, Seller | None]:
    """The business (and the storefront, when the target names one) a command line argument means."""
    text = strip_control(target).strip()
    if not text:
        raise InputError("name a business: its id, marketplace:seller_id, or its name")
    by_id = re.fullmatch(r"(?:business:)?(\d+)", text)
    if by_id:
        business = session.get(Business, int(by_id.group(1)))
        if business is None:
            raise InputError(f"no business with id {by_id.group(1)}")
        return business, None
    marketplace, sep, seller_id = text.partition(":")
    if sep and marketplace.lower() in MARKETPLACES:
        seller = session.execute(select(Seller).where(col(Seller.marketplace) == marketplace.lower(),
                                                      col(Seller.seller_id) == seller_id)).scalar_one_or_none()
        if seller is None:
            raise InputError(f"no {marketplace.lower()} seller with id {seller_id!r}")
        business = session.get(Business, seller.business_id) if seller.business_id is not None else None
        return business, seller
    found = list(session.execute(select(Business).where(or_(
        col(Business.normalized_name) == normalize_name(text), func.lower(col(Business.name)) == text.lower()))
        .order_by(col(Business.id))).scalars())
    if not found:
        found = list(session.execute(select(Business).where(func.lower(col(Business.name)).contains(text.lower()))
                                     .order_by(col(Business.id)).limit(6)).scalars())
    if len(found) == 1:
        return found[0], None
    if found:
        names = ", ".join(business_label(b) for b in found[:5])
        raise InputError(f"{text!r} is ambiguous: {names}{' ...' if len(found) > 5 else ''}; use the business id")
    sellers = list(session.execute(select(Seller).where(func.lower(col(Seller.name)) == text.lower()).limit(2))
                   .scalars())
    if len(sellers) == 1:
        seller = sellers[0]
        return (session.get(Business, seller.business_id) if seller.business_id is not None else None), seller
    raise InputError(f"no business named {text!r} (use a business id, marketplace:seller_id, or a name)")


def resolve_business(session: Session, target: str) -> Business:
    """The business a BUSINESS argument names: an id, a storefront `marketplace:seller_id`, or a name."""
    business, seller = lookup_target(session, target)
    if business is None:
        assert seller is not None
        raise InputError(f"storefront {seller.marketplace}:{strip_control(seller.seller_id)} is not linked to a "
                         "business yet: run `scout match` first")
    return business
