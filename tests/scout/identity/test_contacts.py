"""A business's contacts: the latest value of each field per storefront, with where and when it was read."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from db.engine import session_scope
from db.models import Business, Seller, SellerContact
from scout.identity.contacts import Contact, business_contacts, storefront_contacts

DAY1 = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
DAY2 = datetime(2026, 11, 15, 9, 0, tzinfo=UTC)
URL = "https://www.amazon.de/sp?seller=A1EXAMPLE"


def _world(engine: Engine) -> tuple[int, int, int]:
    with session_scope(engine) as session:
        business = Business(name="Beispiel GmbH", normalized_name="beispiel")
        session.add(business)
        session.flush()
        amazon = Seller(marketplace="amazon", seller_id="A1EXAMPLE", business_id=business.id, url=URL,
                        last_seen=DAY2)
        ebay = Seller(marketplace="ebay", seller_id="beispiel", business_id=business.id,
                      url="https://www.ebay.de/str/beispiel", business_address="Hauptstr. 1, 10115 Berlin",
                      vat_number="DE281934705", country="DE", last_seen=DAY1)
        session.add_all([amazon, ebay])
        session.flush()
        assert amazon.id is not None and ebay.id is not None and business.id is not None
        session.add_all([
            SellerContact(seller_pk=amazon.id, field="phone", value="+49 30 1234567", label="Telefonnummer",
                          source_url=URL, observed_at=DAY1),
            SellerContact(seller_pk=amazon.id, field="phone", value="+49 30 7654321", label="Telefonnummer",
                          source_url=URL + "&v=2", observed_at=DAY2),
            SellerContact(seller_pk=amazon.id, field="legal_name", value="Beispiel Handels GmbH",
                          label="Geschäftsname", source_url=URL, observed_at=DAY1),
        ])
        return business.id, amazon.id, ebay.id


def test_the_latest_value_of_each_field_wins_with_its_label_and_page(engine: Engine) -> None:
    _, amazon, _ = _world(engine)
    with session_scope(engine) as session:
        contacts = storefront_contacts(session, amazon)
    assert contacts == [
        Contact("legal_name", "Beispiel Handels GmbH", "Geschäftsname", URL, DAY1, "amazon", amazon),
        Contact("phone", "+49 30 7654321", "Telefonnummer", URL + "&v=2", DAY2, "amazon", amazon),
    ]


def test_a_business_gathers_every_storefront_and_falls_back_to_the_seller_row(engine: Engine) -> None:
    business, amazon, ebay = _world(engine)
    with engine.connect() as conn:
        contacts = business_contacts(conn, business)
    assert [(c.seller_pk, c.field, c.marketplace) for c in contacts] == [
        (amazon, "legal_name", "amazon"), (amazon, "phone", "amazon"),
        (ebay, "address", "ebay"), (ebay, "vat_number", "ebay")]  # a seller row's country is no legal disclosure
    fallback = contacts[2]
    assert (fallback.label, fallback.source_url, fallback.observed_at) == (None, "https://www.ebay.de/str/beispiel",
                                                                          DAY1)


def test_an_unknown_business_has_no_contacts(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert business_contacts(session, 404) == []
