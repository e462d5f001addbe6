"""The one table of contact labels and the cleaning of contact values every parser shares."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scrapers.contacts import (
    ContactFields,
    attribute_of,
    clean_email,
    clean_phone,
    clean_website,
    country_code,
    printed_label,
)


@pytest.mark.parametrize(("label", "attribute"), [
    ("Telefonnummer:", "phone"), ("Numéro de téléphone\u00a0:", "phone"), ("Tel.:", "phone"),
    ("E-Mail", "email"), ("Correo electrónico", "email"), ("E-post:", "email"),
    ("UStID:", "vat_number"), ("N° TVA", "vat_number"), ("Btw-nummer", "vat_number"), ("NIP", "vat_number"),
    ("Handelsregisternummer", "trade_register"), ("SIRET", "trade_register"), ("KRS", "trade_register"),
    ("Nome dell’azienda:", "business_name"), ("Raison sociale", "business_name"),
    ("Geschäftsart", "business_type"), ("Forme juridique", "business_type"),
    ("Kundendienstadresse", "customer_service_address"), ("Customer Services Address:", "customer_service_address"),
    ("Geschäftsadresse", "business_address"), ("Strona www", "website"), ("Pays", "country"),
    ("REGON", None), ("Member since", None), ("", None), (None, None),
])
def test_labels_name_their_field_in_every_language(label: str | None, attribute: str | None) -> None:
    assert attribute_of(label) == attribute


def test_the_printed_label_keeps_its_case_and_apostrophe() -> None:
    assert printed_label("Nome dell’azienda\u00a0: ") == "Nome dell’azienda"
    assert printed_label("  :") is None


@pytest.mark.parametrize(("raw", "email"), [
    ("info@example.de", "info@example.de"), ("mailto:sav@vendeur.fr", "sav@vendeur.fr"),
    ("Kundendienst: service@shop.example (Mo-Fr)", "service@shop.example"), ("n/a", None), ("a@b", None),
])
def test_an_email_is_the_address_in_the_value(raw: str, email: str | None) -> None:
    assert clean_email(raw) == email


@pytest.mark.parametrize(("raw", "phone"), [
    ("+49 30 1234567", "+49 30 1234567"), ("(949) 555-0186", "(949) 555-0186"), ("03 20 12 34 56", "03 20 12 34 56"),
    ("tel:+48600100200", "+48600100200"), ("call us", None), ("12", None),
])
def test_a_phone_number_is_kept_as_printed(raw: str, phone: str | None) -> None:
    assert clean_phone(raw) == phone


@pytest.mark.parametrize(("raw", "website"), [
    ("https://www.example.de/", "https://www.example.de/"), ("www.müller-shop.de", "www.müller-shop.de"),
    ("example.fr", "example.fr"), ("info@example.de", None), ("keine", None),
])
def test_a_website_is_a_url_or_a_domain(raw: str, website: str | None) -> None:
    assert clean_website(raw) == website


@pytest.mark.parametrize(("raw", "code"), [("DE", "DE"), ("Deutschland", "DE"), ("Polska", "PL"),
                                           ("Autriche", "AT"), ("Atlantis", None), (None, None)])
def test_country_code(raw: str | None, code: str | None) -> None:
    assert country_code(raw) == code


def test_the_first_value_of_a_field_wins_with_its_label() -> None:
    fields = ContactFields()
    assert fields.add_line("Telefon: +48 22 100 20 30") and fields.add_line("Tel.: +48 600 100 200")
    assert not fields.add_line("ul. Przemysłowa 14")
    assert fields.profile_fields() == {"phone": "+48 22 100 20 30", "contact_labels": (("phone", "Telefon"),)}


@given(st.text(max_size=60), st.text(max_size=60))
def test_any_text_yields_a_clean_value_or_nothing(label: str, value: str) -> None:
    fields = ContactFields()
    attribute = fields.add_labelled(label, value)
    kept = fields.values.get(attribute or "")
    assert kept is None or (kept == kept.strip() and kept)
