"""Public contact fields of a seller, read from `Label: value` pairs in every language the marketplaces use.

Marketplaces print them because the law makes them: the EU Digital Services Act (Art. 30/31: the trader's name,
address, phone, e-mail, trade register number, VAT id), the US INFORM Consumers Act (name and address of high-volume
sellers). No capture of these blocks exists in /work/shared/pages, so the labels follow public documentation of
the field lists (Amazon Seller Central's "Detailed Seller Information" help pages: Business Name, Business Type,
Trade Register Number, VAT Number, Phone number, Email, Business Address, Customer Services Address; Allegro's and
Cdiscount's seller legal-information sections; Walmart's seller contact block) and the site's own translations of
those field names; the hand-made fixtures under tests/fixtures say so in their first lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scrapers.util import clean_text, vat_number

# SellerProfile attribute -> the labels (lower case, without the colon) that name it, every locale together
LABELS: dict[str, tuple[str, ...]] = {
    "business_name": (
        "business name", "legal name", "seller legal name", "company name", "geschäftsname", "firmenname",
        "nom commercial", "raison sociale", "dénomination sociale", "nome dell'azienda", "nome commerciale",
        "ragione sociale", "nombre de la empresa", "nombre comercial", "razón social", "bedrijfsnaam",
        "nazwa firmy", "nazwa", "företagsnamn", "nom de l'entreprise"),
    "business_type": (
        "business type", "type of business", "geschäftsart", "unternehmensart", "rechtsform", "type d'entreprise",
        "type d'activité", "forme juridique", "tipo di attività", "tipo di azienda", "forma giuridica",
        "tipo de empresa", "tipo de negocio", "forma jurídica", "bedrijfstype", "rechtsvorm", "rodzaj działalności",
        "forma prawna", "företagstyp", "företagsform"),
    "trade_register": (
        "trade register number", "trade registry number", "company registration number", "registration number",
        "handelsregisternummer", "handelsregister", "registernummer", "numéro du registre du commerce",
        "numéro rcs", "rcs", "siret", "siren", "numéro siret", "numero di iscrizione al registro delle imprese",
        "numero rea", "rea", "número de registro mercantil", "registro mercantil", "kvk-nummer", "kvk nummer",
        "ondernemingsnummer", "numer w rejestrze handlowym", "krs", "numer krs", "organisationsnummer",
        "registreringsnummer"),
    "vat_number": (
        "vat number", "vat", "vat id", "vat registration number", "ustid", "ust-id", "ust-idnr", "ust-idnr.",
        "umsatzsteuer-id", "umsatzsteuer-identifikationsnummer", "numéro de tva", "n° de tva", "n° tva",
        "numéro tva", "tva",
        "numéro de tva intracommunautaire", "partita iva", "numero di partita iva", "p. iva", "número de iva",
        "numero de iva", "nif", "nif/cif", "cif", "btw-nummer", "btw nummer", "btw", "numer vat", "nip",
        "momsregistreringsnummer", "momsnummer", "vat-nummer"),
    "phone": (
        "phone number", "phone", "telephone", "telephone number", "contact phone", "telefonnummer", "telefon",
        "numéro de téléphone", "téléphone", "numero di telefono", "telefono", "número de teléfono", "teléfono",
        "telefoonnummer", "telefoon", "numer telefonu", "telefon kontaktowy", "tel", "tel.", "téléphone du vendeur"),
    "email": (
        "email", "e-mail", "email address", "e-mail address", "e-mail-adresse", "adresse e-mail", "adresse email",
        "courriel", "indirizzo e-mail", "indirizzo email", "correo electrónico", "dirección de correo electrónico",
        "e-mailadres", "adres e-mail", "e-post", "e-postadress"),
    "website": (
        "website", "web site", "webseite", "website url", "site web", "site internet", "sito web", "sitio web",
        "página web", "strona internetowa", "strona www", "webbplats", "webshop"),
    "business_address": (
        "business address", "registered address", "address", "geschäftsadresse", "firmenanschrift", "anschrift",
        "adresse", "adresse commerciale", "adresse du siège", "siège social", "indirizzo dell'azienda",
        "indirizzo commerciale", "indirizzo", "sede legale", "dirección comercial", "dirección de la empresa",
        "dirección", "domicilio social", "bedrijfsadres", "adres", "adres firmy", "siedziba", "företagsadress",
        "adress"),
    "country": ("country", "pays", "land", "paese", "país", "kraj", "country/region"),
    "customer_service_address": (
        "customer services address", "customer service address", "kundendienstadresse", "kundenservice-adresse",
        "adresse du service client", "adresse du service clientèle", "indirizzo del servizio clienti",
        "dirección del servicio de atención al cliente", "dirección de atención al cliente", "adres klantenservice",
        "klantenservice-adres", "adres obsługi klienta", "kundtjänstadress", "returns address", "return address"),
}
_ATTRIBUTE_OF = {label: attribute for attribute, labels in LABELS.items() for label in labels}
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "\u00a0": " ", "\u202f": " "})
_EMAIL = re.compile(r"[^\s@<>\"'(),;:]+@[^\s@<>\"'(),;:]+\.[^\s@<>\"'(),;:]+")
_WEBSITE = re.compile(r"^(?:https?://)?(?:[\w-]+\.)+[a-z\u00a1-\uffff]{2,}(?:[/?#]\S*)?$", re.IGNORECASE)
_PHONE = re.compile(r"^[+(]?[0-9][0-9 ()./\-]{4,}[0-9](?:\s*(?:ext\.?|x|Durchwahl)\s*[0-9]+)?$", re.IGNORECASE)


_COUNTRY_NAMES = {
    "germany": "DE", "deutschland": "DE", "allemagne": "DE", "alemania": "DE", "germania": "DE", "niemcy": "DE",
    "austria": "AT", "österreich": "AT", "autriche": "AT", "china": "CN", "chine": "CN", "cina": "CN",
    "united states": "US", "usa": "US", "états-unis": "US", "vereinigte staaten": "US", "united kingdom": "GB",
    "uk": "GB", "vereinigtes königreich": "GB", "royaume-uni": "GB", "france": "FR", "frankreich": "FR",
    "francia": "FR", "francja": "FR", "italy": "IT", "italia": "IT", "italien": "IT", "italie": "IT",
    "spain": "ES", "spanien": "ES", "españa": "ES", "espagne": "ES", "hong kong": "HK", "japan": "JP",
    "poland": "PL", "polen": "PL", "polska": "PL", "pologne": "PL", "netherlands": "NL", "niederlande": "NL",
    "nederland": "NL", "pays-bas": "NL", "belgium": "BE", "belgien": "BE", "belgië": "BE", "belgique": "BE",
    "sweden": "SE", "schweden": "SE", "sverige": "SE", "suède": "SE", "luxembourg": "LU", "portugal": "PT",
    "suisse": "CH", "schweiz": "CH", "switzerland": "CH", "irlande": "IE", "ireland": "IE", "argentina": "AR",
    "argentine": "AR", "argentyna": "AR", "chiny": "CN", "czechy": "CZ", "słowacja": "SK", "węgry": "HU",
    "stany zjednoczone": "US", "wielka brytania": "GB", "włochy": "IT", "hiszpania": "ES",
}
_ISO2 = re.compile(r"^[A-Z]{2}$")


def country_code(text: str | None) -> str | None:
    """The ISO code of a country as printed: "DE", "Deutschland", "Polska"; None for an unknown name."""
    name = (clean_text(text) or "").rstrip(".")
    if _ISO2.match(name):
        return name
    return _COUNTRY_NAMES.get(name.lower())


def address_country(lines: list[str]) -> str | None:
    """The ISO code of an address's last line ("DE", "CN"), also when written as a country name ("Polska")."""
    return country_code(lines[-1]) if lines else None


def label_key(label: str | None) -> str:
    """A printed label as LABELS names it: lower case, spaces folded, without the trailing colon."""
    text = clean_text((label or "").translate(_APOSTROPHES)) or ""
    return text.rstrip(" :").strip().lower()


def printed_label(label: str | None) -> str | None:
    """The label as the page printed it, without the colon and surrounding space: "Telefonnummer"."""
    text = clean_text((label or "").replace("\u00a0", " ").replace("\u202f", " "))
    return (text or "").rstrip(" :").strip() or None


def attribute_of(label: str | None) -> str | None:
    """The SellerProfile attribute a printed label names ("Telefonnummer:" -> "phone"), None for another label."""
    return _ATTRIBUTE_OF.get(label_key(label))


def clean_email(text: str | None) -> str | None:
    """The e-mail address in a value ("mailto:info@example.de", "info@example.de (Kundendienst)")."""
    match = _EMAIL.search((text or "").replace("mailto:", " "))
    return match.group(0).rstrip(".") if match else None


def clean_website(text: str | None) -> str | None:
    """A website as printed ("www.example.de", "https://example.de/shop"), None for anything else."""
    value = clean_text(text)
    return value if value and "@" not in value and _WEBSITE.match(value) else None


def clean_phone(text: str | None) -> str | None:
    """A phone number as printed, None for a value that is not one."""
    value = clean_text((text or "").replace("tel:", " "))
    return value if value and _PHONE.match(value) else None


_CLEAN = {"email": clean_email, "website": clean_website, "phone": clean_phone, "country": country_code,
          "vat_number": lambda text: vat_number(text)}


@dataclass
class ContactFields:
    """Contact fields read so far from one page, the first value of each winning, with their printed labels."""

    values: dict[str, str] = field(default_factory=dict)
    labels: list[tuple[str, str]] = field(default_factory=list)

    def add(self, attribute: str, value: Any, label: str | None = None) -> bool:
        """Keep `value` for `attribute` (cleaned for its kind) unless one is known; whether it was kept."""
        if attribute in self.values or not isinstance(value, str):
            return False
        cleaned = _CLEAN.get(attribute, clean_text)(value)
        if not cleaned:
            return False
        self.values[attribute] = cleaned
        printed = printed_label(label)
        if printed:
            self.labels.append((attribute, printed))
        return True

    def add_labelled(self, label: str | None, value: Any) -> str | None:
        """Keep a `Label: value` pair whose label names a contact field; the attribute it names, or None."""
        attribute = attribute_of(label)
        if attribute is not None:
            self.add(attribute, value, label)
        return attribute

    def add_line(self, text: str | None) -> bool:
        """Keep a `Label: value` line ("NIP: 7792450016", "E-mail: info@x.pl") whose label names a contact field;
        False for any other line (an address line, a label Scout does not read)."""
        label, sep, value = (text or "").partition(":")
        if not sep or attribute_of(label) is None:
            return False
        self.add_labelled(label, value)
        return True

    def profile_fields(self) -> dict[str, Any]:
        """Keyword arguments for SellerProfile: the values and `contact_labels`."""
        return {**self.values, "contact_labels": tuple(self.labels)}
