"""Amazon's "Detailed Seller Information": every contact field in every site's language.

The label table below is hand-made (no capture of these rows exists): the field list is Amazon Seller Central's
"Detailed Seller Information" (Business Name, Business Type, Trade Register Number, VAT Number, Phone number,
Email, Business Address, Customer Services Address), the US INFORM Consumers Act block (Business Name, Business
Address), and each site's translation of those names. Rows are set into the hand-made amazon.de profile's layout.
"""

from __future__ import annotations

import pytest

from scrapers import amazon
from scrapers.records import SellerProfile
from tests.helpers import fixture_text

FIELDS = ("business_name", "business_type", "trade_register", "vat_number", "phone", "email", "business_address",
          "customer_service_address")
LOCALES: dict[str, tuple[str, ...]] = {
    "co.uk": ("Business Name", "Business Type", "Trade Register Number", "VAT Number", "Phone number", "Email",
              "Business Address", "Customer Services Address"),
    "de": ("Geschäftsname", "Geschäftsart", "Handelsregisternummer", "UStID", "Telefonnummer", "E-Mail",
           "Geschäftsadresse", "Kundendienstadresse"),
    "fr": ("Nom commercial", "Type d'entreprise", "Numéro du registre du commerce", "Numéro de TVA",
           "Numéro de téléphone", "Adresse e-mail", "Adresse commerciale", "Adresse du service client"),
    "it": ("Nome dell'azienda", "Tipo di attività", "Numero di iscrizione al registro delle imprese", "Partita IVA",
           "Numero di telefono", "Indirizzo e-mail", "Indirizzo dell'azienda", "Indirizzo del servizio clienti"),
    "es": ("Nombre de la empresa", "Tipo de empresa", "Número de registro mercantil", "Número de IVA",
           "Número de teléfono", "Correo electrónico", "Dirección de la empresa",
           "Dirección del servicio de atención al cliente"),
    "nl": ("Bedrijfsnaam", "Bedrijfstype", "KvK-nummer", "Btw-nummer", "Telefoonnummer", "E-mailadres",
           "Bedrijfsadres", "Adres klantenservice"),
    "pl": ("Nazwa firmy", "Rodzaj działalności", "Numer w rejestrze handlowym", "Numer VAT", "Numer telefonu",
           "Adres e-mail", "Adres firmy", "Adres obsługi klienta"),
    "se": ("Företagsnamn", "Företagstyp", "Organisationsnummer", "Momsregistreringsnummer", "Telefonnummer",
           "E-post", "Företagsadress", "Kundtjänstadress"),
    "com.be": ("Nom de l’entreprise", "Type d’entreprise", "Numéro du registre du commerce", "N° de TVA",
               "Numéro de téléphone", "Adresse e-mail", "Adresse commerciale", "Adresse du service clientèle"),
}
VAT = {"co.uk": "GB123456789", "de": "DE281934705", "fr": "FR47912384501", "it": "IT01234567890",
       "es": "ESB12345678", "nl": "NL123456789B01", "pl": "PL5260250274", "se": "SE556677889901",
       "com.be": "BE0123456789"}
COUNTRY = {"co.uk": "GB", "com.be": "BE", "se": "SE"}


def _page(rows: list[tuple[str, str | list[str]]]) -> str:
    html = fixture_text("amazon/seller_de_A1HK4XW8ZP3QNT.html")
    cells = []
    for label, value in rows:
        if isinstance(value, list):
            cells.append(f'<div class="a-row a-spacing-none"><span class="a-text-bold">{label}:</span></div>')
            cells += [f'<div class="a-row a-spacing-none indent-left"><span>{line}</span></div>' for line in value]
        else:
            cells.append(f'<div class="a-row a-spacing-none"><span class="a-text-bold">{label}:</span>'
                         f'<span>{value}</span></div>')
    start = html.index('<div id="page-section-detail-seller-info"')
    end = html.index('<div id="navFooter"')
    return (html[:start] + '<div id="page-section-detail-seller-info" class="a-section"><div class="a-box">'
            + "".join(cells) + "</div></div></div>" + html[end:])


def _profile(html: str, site: str) -> SellerProfile:
    (profile,) = amazon.parse(html, "seller", f"https://www.amazon.{site}/sp?seller=A1HK4XW8ZP3QNT").records
    assert isinstance(profile, SellerProfile)
    return profile


@pytest.mark.parametrize("site", sorted(LOCALES))
def test_every_contact_field_is_read_under_the_sites_labels(site: str) -> None:
    country = COUNTRY.get(site, site.upper())
    values: dict[str, str | list[str]] = {
        "business_name": "Beispiel Trading Ltd", "business_type": "Company", "trade_register": "HRB 48213",
        "vat_number": VAT[site], "phone": "+44 20 7946 0958", "email": "sales@beispiel.example",
        "business_address": ["1 High Street", "London", "EC1A 1BB", country],
        "customer_service_address": ["PO Box 12", "London", country]}
    labels = dict(zip(FIELDS, LOCALES[site], strict=True))
    profile = _profile(_page([(labels[name], values[name]) for name in FIELDS]), site)
    for name in FIELDS:
        expected = values[name]
        assert getattr(profile, name) == (", ".join(expected) if isinstance(expected, list) else expected), name
    assert profile.country == country
    assert dict(profile.contact_labels) == {**labels, "country": labels["business_address"]}


def test_the_us_inform_block_gives_name_and_address_only() -> None:
    profile = _profile(_page([("Business Name", "Brightline Goods LLC"),
                              ("Business Address", ["1200 Commerce Dr", "Austin", "TX", "78701", "US"])]), "com")
    assert (profile.business_name, profile.business_address, profile.country) == (
        "Brightline Goods LLC", "1200 Commerce Dr, Austin, TX, 78701, US", "US")
    assert (profile.phone, profile.email, profile.trade_register, profile.vat_number) == (None, None, None, None)


def test_a_value_that_is_not_its_kind_is_dropped() -> None:
    profile = _profile(_page([("Business Name", "A Ltd"), ("Phone number", "call us"), ("Email", "n/a"),
                              ("VAT Number", "pending")]), "co.uk")
    assert (profile.phone, profile.email, profile.vat_number) == (None, None, None)
    assert dict(profile.contact_labels) == {"business_name": "Business Name"}


def test_a_mailto_link_and_hostile_text_stay_plain_values() -> None:
    profile = _profile(_page([("Business Name", "=HYPERLINK(&quot;x&quot;)"),
                              ("Email", '<a href="mailto:info@a.example">info@a.example</a>')]), "co.uk")
    assert profile.email == "info@a.example"
    assert profile.business_name == '=HYPERLINK("x")'  # kept as printed; every output neutralises it
