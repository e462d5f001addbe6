"""The seller_contact table: every public contact field a storefront's pages showed, with provenance (db.models
re-exports it; it lives apart only to keep db.models to the layout's size).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from scrapers.records import CONTACT_FIELDS

__all__ = ["CONTACT_FIELDS", "SellerContact"]


class SellerContact(SQLModel, table=True):
    """One public contact field of a storefront as one page showed it (legal disclosures: the EU Digital
    Services Act's trader information, Amazon's "Detailed Seller Information", eBay's sellerLegalInfo, the US
    INFORM Consumers Act block), with its provenance: the page, its URL, when, and the label the page printed.
    """

    __tablename__ = "seller_contact"
    __table_args__ = (UniqueConstraint("seller_pk", "page_id", "field", name="uq_seller_contact_page_field"),)

    id: int | None = Field(default=None, primary_key=True)
    seller_pk: int = Field(foreign_key="seller.id", index=True)
    snapshot_id: int | None = Field(default=None, foreign_key="sellersnapshot.id")
    page_id: int | None = Field(default=None, foreign_key="page.id")
    field: str  # one of CONTACT_FIELDS (legal_name, address, phone, email, website, vat_number, …)
    value: str
    label: str | None = None  # the label exactly as the page printed it ("Telefonnummer", "Business Name")
    source_url: str | None = None
    observed_at: datetime
