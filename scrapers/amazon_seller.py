"""Amazon seller profiles (`/sp?seller=…`): name, 12-month feedback, lifetime count, "Detailed Seller Information".

No capture of this page type exists here: the parser follows the ids public scrapers select on
(`#seller-name`/`#sellerName`, `#seller-info-feedback-summary`/`#seller-feedback-summary`,
`#effective-timeperiod-rating-year-description`, `#rating-365d-num`, `#rating-lifetime-num`,
`#feedback-summary-table`, `#page-section-detail-seller-info` with its `indent-left` address lines). EU sites list
the VAT id there too ("UStID:", "Numéro de TVA :", "VAT Number:"), as in the hand-made DE and FR fixtures.
"""

from __future__ import annotations

import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.amazon_site import MARKETPLACE, Locale, descendants, first_text, seller_id_from_href, text_of
from scrapers.errors import ParseError
from scrapers.numbers import parse_int, parse_stars
from scrapers.records import SellerProfile
from scrapers.util import vat_number

_NAME_LABELS = ("business name", "geschäftsname", "nom commercial", "nombre de la empresa",
                "nome dell'azienda", "nome commerciale", "ragione sociale", "nombre comercial")
_VAT_LABELS = ("ustid", "ust-id", "umsatzsteuer", "vat", "numéro de tva", "n° de tva", "tva", "partita iva",
               "numero di partita iva", "número de iva", "numero de iva", "nif")
_ADDRESS_LABELS = ("business address", "geschäftsadresse", "adresse commerciale", "dirección comercial",
                   "indirizzo dell'azienda", "indirizzo commerciale", "dirección de la empresa")
_COUNTRY_NAMES = {
    "germany": "DE", "deutschland": "DE", "allemagne": "DE", "alemania": "DE", "germania": "DE",
    "china": "CN", "chine": "CN", "cina": "CN", "united states": "US", "usa": "US", "états-unis": "US",
    "vereinigte staaten": "US", "united kingdom": "GB", "uk": "GB", "vereinigtes königreich": "GB",
    "royaume-uni": "GB", "france": "FR", "frankreich": "FR", "francia": "FR", "italy": "IT", "italia": "IT",
    "italien": "IT", "italie": "IT", "spain": "ES", "spanien": "ES", "españa": "ES", "espagne": "ES",
    "hong kong": "HK", "japan": "JP", "poland": "PL", "polen": "PL", "netherlands": "NL", "niederlande": "NL",
}
_ISO2 = re.compile(r"^[A-Z]{2}$")
_TWELVE_MONTHS = re.compile(r"\b12\b")


def _label_value(row: LexborNode) -> tuple[str, str | None]:
    """("business name", "ACME GmbH") from a `Label: value` row (bold label span, then the value)."""
    text = text_of(row) or ""
    label_node = row.css_first(".a-text-bold")
    label = text_of(label_node) if label_node is not None else text.split(":", 1)[0]
    value = text[len(label or ""):] if label and text.startswith(label) else text.partition(":")[2]
    return (label or "").rstrip(" :\u00a0").strip().lower(), (value.strip(" :\u00a0") or None)


def _detail_info(tree: LexborHTMLParser) -> tuple[str | None, list[str], str | None]:
    """(business name, address lines, VAT id) from the "Detailed Seller Information" section."""
    section = tree.css_first("#page-section-detail-seller-info")
    if section is None:
        return None, [], None
    business_name: str | None = None
    vat: str | None = None
    lines: list[str] = []
    in_address = False
    for row in section.css(".a-row"):
        classes = (row.attributes.get("class") or "").split()
        if descendants(row, ".a-row"):
            continue  # a wrapper row: its own rows come next
        if "indent-left" in classes:
            if in_address and text_of(row):
                lines.append(text_of(row) or "")
            continue
        label, value = _label_value(row)
        in_address = any(label.startswith(word) for word in _ADDRESS_LABELS)
        if any(label.startswith(word) for word in _NAME_LABELS):
            business_name = value
        elif any(label.startswith(word) for word in _VAT_LABELS):
            vat = vat_number(value)
        elif in_address and value:
            lines.append(value)
    return business_name, lines, vat


def _country(lines: list[str]) -> str | None:
    """The ISO code of the address's last line ("DE", "CN"), also when written as a country name."""
    if not lines:
        return None
    last = lines[-1].strip().rstrip(".")
    if _ISO2.match(last):
        return last
    return _COUNTRY_NAMES.get(last.lower())


def _seller_id(tree: LexborHTMLParser, url: str | None) -> str | None:
    from_url = seller_id_from_href(url)
    if from_url:
        return from_url
    for node in tree.css("link[rel='canonical'], #seller-profile-container a[href], a[href*='seller='], "
                         "a[href*='me=']"):
        seller_id = seller_id_from_href(node.attributes.get("href"))
        if seller_id:
            return seller_id
    return None


def _lifetime_count(tree: LexborHTMLParser) -> int | None:
    count = parse_int(first_text(tree, "#rating-lifetime-num .ratings-reviews-count", "#rating-lifetime-num"))
    if count is not None:
        return count
    for row in tree.css("#feedback-summary-table tr"):
        cells = [text_of(cell) or "" for cell in row.css("td")]
        # The count row is the one without percentages; "Lifetime" is the last column.
        if len(cells) >= 2 and not any("%" in cell for cell in cells) and parse_int(cells[-1]) is not None:
            return parse_int(cells[-1])
    return None


def read_seller_profile(html: str, locale: Locale, url: str | None = None) -> SellerProfile:
    """The seller profile of an `/sp?seller=…` page."""
    tree = LexborHTMLParser(html)
    name = first_text(tree, "#seller-name", "#sellerName", "#sellerName-rd")
    business_name, lines, vat = _detail_info(tree)
    if not name and not business_name:
        raise ParseError(MARKETPLACE, "seller", "no seller name (#seller-name) nor detailed seller information")
    summary = first_text(tree, "#seller-info-feedback-summary", "#seller-feedback-summary",
                         "#feedback-summary-content")
    year = first_text(tree, "#effective-timeperiod-rating-year-description")
    positive = locale.percent(summary) or locale.percent(year)
    stars = parse_stars(year, locale.decimal_comma) if year and "%" not in year else None
    count = locale.paren_count(summary)
    window: int | None = 365
    if count is None:
        count = parse_int(first_text(tree, "#rating-365d-num .ratings-reviews-count", "#rating-365d-num"))
    elif not _TWELVE_MONTHS.search(summary or ""):
        window = None  # the summary states lifetime figures ("… lifetime (5 ratings)")
    lifetime = _lifetime_count(tree)
    if window is None and lifetime is None:
        lifetime = count
    seller_id = _seller_id(tree, url)
    return SellerProfile(
        seller_id=seller_id,
        name=name or business_name,
        positive_pct=positive,
        rating_count=count,
        lifetime_rating_count=lifetime,
        business_name=business_name,
        business_address=", ".join(lines) or None,
        country=_country(lines),
        vat_number=vat,
        rating_window_days=window if count is not None or positive is not None else None,
        stars=stars,
        url=f"https://www.{locale.site}/sp?seller={seller_id}" if locale.site and seller_id else None,
    )
