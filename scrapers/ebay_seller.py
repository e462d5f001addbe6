"""eBay store pages (/str/) and member profiles (/usr/): the seller card, the About tab, business details.

Store and profile markup has no capture: the fixtures in tests/fixtures/ebay follow the 2024-25 selectors
public scrapers rely on (`.str-seller-card__store-name h1`, `.str-seller-card__store-stats-content > div`
with a `.BOLD` figure, `.str-about-description__seller-info > span` label/value rows,
`.str-business-details__seller-info`, `input.str-search__input[placeholder]`, `.fdbk-detail-list__title`). The
business details list what the EU Digital Services Act makes eBay show for business sellers: name, address, phone,
e-mail, VAT id, trade register number (labels: scrapers.contacts).
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.contacts import ContactFields
from scrapers.errors import ParseError
from scrapers.numbers import parse_float, parse_int, parse_percent
from scrapers.records import SellerProfile
from scrapers.util import node_text, vat_number

MARKETPLACE = "ebay"
_COMPACT = re.compile(r"(\d[\d.,\u00a0\u202f ]*)(?:\s*(K|M|B|Tsd\.?|Mio\.?|Mrd\.?)(?![a-z]))?", re.IGNORECASE)
_MULTIPLIERS = {"k": 1_000, "tsd": 1_000, "m": 1_000_000, "mio": 1_000_000, "b": 10**9, "mrd": 10**9}
_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "mär": 3, "apr": 4, "may": 5, "mai": 5, "jun": 6, "jul": 7,
    "aug": 8, "sep": 9, "oct": 10, "okt": 10, "nov": 11, "dec": 12, "dez": 12,
}
_DATE_MDY = re.compile(r"([A-Za-zä]{3})[a-zä]*\.?\s+(\d{1,2}),?\s+(\d{4})")
_DATE_DMY = re.compile(r"(\d{1,2})\.?\s+([A-Za-zä]{3})[a-zä]*\.?\s+(\d{4})")
# Location names eBay prints on About tabs (English and German sites), as ISO codes.
_COUNTRIES = {
    "united states": "US", "vereinigte staaten": "US", "usa": "US", "germany": "DE", "deutschland": "DE",
    "united kingdom": "GB", "vereinigtes königreich": "GB", "großbritannien": "GB", "china": "CN",
    "hong kong": "HK", "hongkong": "HK", "canada": "CA", "kanada": "CA", "australia": "AU",
    "australien": "AU", "france": "FR", "frankreich": "FR", "italy": "IT", "italien": "IT",
    "spain": "ES", "spanien": "ES", "japan": "JP", "austria": "AT", "österreich": "AT",
    "switzerland": "CH", "schweiz": "CH", "netherlands": "NL", "niederlande": "NL", "poland": "PL",
    "polen": "PL",
}
_LABELS = {
    "location": ("location", "standort"),
    "member_since": ("member since", "mitglied seit"),
    "seller": ("seller", "verkäufer"),
}


def parse_seller_page(html: str, url: str | None = None) -> SellerProfile:
    """A store (`/str/`) or member profile (`/usr/`) page in the 2024-25 `str-*` layout."""
    tree = LexborHTMLParser(html)
    card = tree.css_first(".str-seller-card")
    if card is None:
        raise ParseError(MARKETPLACE, "seller", "no .str-seller-card (store / profile header)")
    name = node_text(card.css_first(".str-seller-card__store-name h1")) or node_text(
        card.css_first(".str-seller-card__store-name")
    )
    positive_pct, sales_count, followers = _card_stats(card)
    if name is None and positive_pct is None and sales_count is None:
        raise ParseError(MARKETPLACE, "seller", "seller card without a name or stats")
    about = _labelled_rows(tree.css(".str-about-description__seller-info > span"))
    business = _business_details(tree.css(".str-business-details__seller-info > span"))
    location = about.get("location")
    search_box = tree.css_first("input.str-search__input")
    placeholder = search_box.attributes.get("placeholder") if search_box is not None else None
    feedback_score = parse_int(node_text(tree.css_first(".fdbk-detail-list__title .SECONDARY")))
    return SellerProfile(
        seller_id=about.get("seller") or _username(tree, url),
        name=name,
        positive_pct=positive_pct,
        rating_count=feedback_score,
        lifetime_rating_count=feedback_score,  # eBay's feedback score counts every rating ever received
        sales_count=sales_count,
        listing_count=parse_int(placeholder),
        followers=followers,
        created=_iso_date(about.get("member_since")),
        url=url,
        **_with_country(business, location),
    )


def parse_item_seller(data: dict[str, Any]) -> SellerProfile:
    """The seller of a Buy Browse `item/{item_id}` (getItem) response: its username, account type and, for an EU or
    UK business seller, `sellerLegalInfo` (name, e-mail, phone, registrationNumber, vatDetails,
    sellerProvidedLegalAddress), the fields the eBay developer documentation lists for SellerLegalInfo.

    No figures are read: the seller's profile page is their source, so one crawl keeps one snapshot per seller.
    The legal contact's first and last name (a person's) are not read; a field's label is its JSON path.
    """
    seller = data.get("seller")
    if not isinstance(seller, dict) or not seller.get("username"):
        raise ParseError(MARKETPLACE, "seller", "getItem response without seller.username")
    fields = ContactFields()
    account = seller.get("sellerAccountType")
    fields.add("business_type", account.title() if isinstance(account, str) else None, "seller.sellerAccountType")
    legal = seller.get("sellerLegalInfo")
    if isinstance(legal, dict):
        for key, attribute in (("name", "business_name"), ("email", "email"), ("phone", "phone"),
                               ("registrationNumber", "trade_register")):
            fields.add(attribute, legal.get(key), f"sellerLegalInfo.{key}")
        for detail in legal.get("vatDetails") or []:
            if isinstance(detail, dict) and isinstance(detail.get("vatId"), str):
                fields.add("vat_number", vat_number(detail["vatId"], detail.get("issuingCountry")),
                           "sellerLegalInfo.vatDetails.vatId")
        address = legal.get("sellerProvidedLegalAddress")
        if isinstance(address, dict):
            label = "sellerLegalInfo.sellerProvidedLegalAddress"
            town = " ".join(str(address[k]) for k in ("postalCode", "city") if address.get(k))
            parts = [address.get("addressLine1"), address.get("addressLine2"), town, address.get("stateOrProvince"),
                     address.get("countryName") or address.get("country")]
            fields.add("business_address", ", ".join(str(p) for p in parts if p), label)
            fields.add("country", address.get("country"), f"{label}.country")
    username = str(seller["username"])
    return SellerProfile(seller_id=username, name=username, **fields.profile_fields())


def _business_details(rows: list[LexborNode]) -> ContactFields:
    """The business seller's details (`Label: value` rows as the About tab's): every contact field eBay shows
    under the EU Digital Services Act, labelled in the site's language (scrapers.contacts)."""
    fields = ContactFields()
    for row in rows:
        fields.add_labelled(node_text(row.css_first(".SECONDARY")), node_text(row.css_first(".BOLD")))
    return fields


def _with_country(business: ContactFields, location: str | None) -> dict[str, Any]:
    """The business details with the seller's country: its location's, else its business address's."""
    country = _country(location)
    if country is not None:
        business.values.setdefault("country", country)
    else:
        address = business.values.get("business_address", "")
        business.add("country", address.rsplit(",", 1)[-1], dict(business.labels).get("business_address"))
    return business.profile_fields()


def parse_compact_count(text: str | None) -> int | None:
    """A count eBay may abbreviate: `1.2M` → 1200000, `12K` → 12000, `1,2 Mio.` → 1200000, `12.345` → 12345."""
    if not text:
        return None
    match = _COMPACT.search(text)
    if match is None:
        return None
    number, suffix = match.group(1), match.group(2)
    if not suffix:
        return parse_int(number)
    value = parse_float(number)
    if value is None:
        return None
    return round(value * _MULTIPLIERS[suffix.lower().rstrip(".")])


def _card_stats(card: LexborNode) -> tuple[float | None, int | None, int | None]:
    positive_pct = sales_count = followers = None
    for row in card.css(".str-seller-card__store-stats-content > div"):
        text = (node_text(row) or "").lower()
        figure = node_text(row.css_first(".BOLD")) or text
        if "%" in text:
            positive_pct = parse_percent(figure)
        elif "sold" in text or "verkauft" in text:
            sales_count = parse_compact_count(figure)
        elif "follower" in text:
            followers = parse_compact_count(figure)
    return positive_pct, sales_count, followers


def _labelled_rows(rows: list[LexborNode]) -> dict[str, str]:
    """`Location: United States` rows (a `.SECONDARY` label span, a `.BOLD` value span) by field."""
    out: dict[str, str] = {}
    for row in rows:
        label = (node_text(row.css_first(".SECONDARY")) or "").rstrip(": ").lower()
        value = node_text(row.css_first(".BOLD"))
        for field, names in _LABELS.items():
            if value and label in names:
                out[field] = value
    return out


def _username(tree: LexborHTMLParser, url: str | None) -> str | None:
    if url:
        match = re.search(r"/usr/([^/?#]+)", url)
        if match:
            return match.group(1)
    for link in tree.css("a[href*='/usr/'], a[href*='feedback_profile/']"):
        match = re.search(r"(?:/usr/|feedback_profile/)([^/?#\"]+)", link.attributes.get("href") or "")
        if match:
            return match.group(1)
    return None


def _country(location: str | None) -> str | None:
    if not location:
        return None
    last = location.rsplit(",", 1)[-1].strip()
    return _COUNTRIES.get(last.lower(), last)  # unknown names are kept as printed


def _iso_date(text: str | None) -> str | None:
    """`Jan 05, 2005` / `05. Jan. 2005` as `2005-01-05`."""
    if not text:
        return None
    match = _DATE_MDY.search(text)
    if match:
        month, day, year = match.group(1), match.group(2), match.group(3)
    else:
        match = _DATE_DMY.search(text)
        if match is None:
            return None
        day, month, year = match.group(1), match.group(2), match.group(3)
    number = _MONTHS.get(month.lower())
    return f"{year}-{number:02d}-{int(day):02d}" if number else None
