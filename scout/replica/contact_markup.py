"""The contact details a replica seller page discloses, in each marketplace's markup and each site's language.

Hand-made: no capture of these blocks exists in /work/shared/pages. The fields follow what the law makes the
marketplaces publish (the EU Digital Services Act's trader information: name, address, phone, e-mail, trade
register number, VAT id; the US INFORM Consumers Act: name and address) as public documentation names them:
Amazon Seller Central's "Detailed Seller Information" (Business Name, Business Type, Trade Register Number, VAT
Number, Phone number, Email, Business Address, Customer Services Address), eBay's Browse API SellerLegalInfo, the
sellers' legal-information blocks of Allegro ("Dane sprzedającego") and Cdiscount ("Informations légales").
"""

from __future__ import annotations

from typing import Any

from scout.replica.model import Business
from scout.replica.render import esc

# Amazon site -> labels of Business Type, Trade Register Number, Phone number, Email, Customer Services Address
AMAZON_LABELS: dict[str, tuple[str, str, str, str, str]] = {
    "co.uk": ("Business Type:", "Trade Register Number:", "Phone number:", "Email:", "Customer Services Address:"),
    "de": ("Geschäftsart:", "Handelsregisternummer:", "Telefonnummer:", "E-Mail:", "Kundendienstadresse:"),
    "fr": ("Type d'entreprise\u00a0:", "Numéro du registre du commerce\u00a0:", "Numéro de téléphone\u00a0:",
           "Adresse e-mail\u00a0:", "Adresse du service client\u00a0:"),
    "es": ("Tipo de empresa:", "Número de registro mercantil:", "Número de teléfono:", "Correo electrónico:",
           "Dirección del servicio de atención al cliente:"),
    "it": ("Tipo di attività:", "Numero di iscrizione al registro delle imprese:", "Numero di telefono:",
           "Indirizzo e-mail:", "Indirizzo del servizio clienti:"),
}
# site language -> (company, sole trader) as Amazon's Business Type states it
BUSINESS_TYPES = {"co.uk": ("Company", "Sole trader"), "de": ("Kapitalgesellschaft", "Einzelunternehmen"),
                  "fr": ("Société", "Entreprise individuelle"), "es": ("Sociedad", "Empresario individual"),
                  "it": ("Società", "Ditta individuale")}


def _row(label: str, value: str) -> str:
    return (f'<div class="a-row a-spacing-none"><span class="a-text-bold">{esc(label)}</span>'
            f"<span>{esc(value)}</span></div>")


def _lines(label: str, lines: tuple[str, ...]) -> str:
    return (f'<div class="a-row a-spacing-none"><span class="a-text-bold">{esc(label)}</span></div>'
            + "".join(f'<div class="a-row a-spacing-none indent-left"><span>{esc(line)}</span></div>'
                      for line in lines))


def amazon_rows(business: Business, site: str) -> tuple[str, str]:
    """(rows before the business address, rows after it) of a seller's "Detailed Seller Information": amazon.com
    shows name and address only (the INFORM Act's disclosure), the EU and UK sites every field the business has."""
    labels = AMAZON_LABELS.get(site)
    if labels is None:
        return "", ""
    kind, register, phone, email, service = labels
    company, sole = BUSINESS_TYPES[site]
    before = _row(kind, sole if business.sole_trader else company)
    if business.trade_register:
        before += _row(register, business.trade_register)
    after = ""
    if business.phone:
        after += _row(phone, business.phone)
    if business.contact_email:
        after += _row(email, business.contact_email)
    if business.contact_kind == "full":
        after += _lines(service, business.address_lines)
    return before, after


def ebay_rows(business: Business) -> str:
    """The `Label: value` rows of an eBay store's business details, beyond name and address (English site)."""
    fields = [("Phone number", business.phone), ("Email", business.contact_email),
              ("VAT number", business.vat_number), ("Trade register number", business.trade_register)]
    return "".join(
        '<span><span class="str-text-span SECONDARY">' + label + ':&nbsp;</span>'
        f'<span class="str-text-span BOLD">{esc(value)}</span></span>' for label, value in fields if value)


def ebay_legal_info(business: Business, country_name: str) -> dict[str, Any] | None:
    """eBay Browse `seller.sellerLegalInfo` of an EU or UK business seller (None for others)."""
    if business.vat_number is None:
        return None
    info: dict[str, Any] = {
        "name": business.legal_name, "registrationNumber": business.trade_register,
        "vatDetails": [{"issuingCountry": business.country, "vatId": business.vat_number}],
        "sellerProvidedLegalAddress": {"addressLine1": business.street, "city": business.city,
                                       "postalCode": business.postcode, "country": business.country,
                                       "countryName": country_name}}
    if business.phone:
        info["phone"] = business.phone
    if business.contact_email:
        info["email"] = business.contact_email
    return {key: value for key, value in info.items() if value is not None}


def allegro_lines(business: Business) -> str:
    """The labelled lines of Allegro's "Dane sprzedającego" after the NIP: KRS, e-mail, phone, website."""
    krs = business.trade_register.removeprefix("KRS ") if business.trade_register and business.country == "PL" \
        else None
    fields = [("KRS", krs), ("E-mail", business.contact_email), ("Telefon", business.phone),
              ("Strona www", business.shown_website)]
    return "".join(f"<p>{label}: {esc(value)}</p>" for label, value in fields if value)


def cdiscount_items(business: Business) -> tuple[str, str]:
    """(items before the address, items after the VAT id) of Cdiscount's "Informations légales"."""
    form = "Entreprise individuelle" if business.sole_trader else "Société"
    register = business.trade_register if business.country == "FR" else None
    after = [("SIRET", register), ("Téléphone", business.phone), ("E-mail", business.contact_email),
             ("Site web", business.shown_website)]
    return (f"<li><span>Forme juridique :</span> {form}</li>",
            "".join(f"<li><span>{label} :</span> {esc(value)}</li>" for label, value in after if value))


def walmart_fields(business: Business) -> dict[str, str]:
    """The customer-service phone and e-mail and the website of a Walmart seller object, where it has them."""
    fields = {"csPhone": business.phone, "csEmail": business.contact_email, "sellerWebsite": business.shown_website}
    return {key: value for key, value in fields.items() if value}
