"""Amazon seller profiles (`/sp?seller=…`): name, 12-month feedback, lifetime count, "Detailed Seller Information".

No capture of this page type exists here: the parser follows the ids public scrapers select on
(`#seller-name`/`#sellerName`, `#seller-info-feedback-summary`/`#seller-feedback-summary`,
`#effective-timeperiod-rating-year-description`, `#rating-365d-num`, `#rating-lifetime-num`,
`#feedback-summary-table`, `#page-section-detail-seller-info` with its `indent-left` address lines). The detailed
information lists what the law makes Amazon publish (EU Digital Services Act, UK, and the US INFORM Consumers Act's
"Business Name"/"Business Address"): business name and type, trade register number, VAT id, phone, e-mail, business
and customer-services addresses, labelled in each site's language (scrapers.contacts names the labels and the
public documentation they follow); hand-made fixtures show them for amazon.com, .de, .fr, .it, .es, .co.uk, .nl,
.pl, .se and .com.be.
"""

from __future__ import annotations

import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.amazon_site import MARKETPLACE, Locale, descendants, first_text, seller_id_from_href, text_of
from scrapers.contacts import ContactFields, address_country, attribute_of
from scrapers.errors import ParseError
from scrapers.numbers import parse_int, parse_stars
from scrapers.records import SellerProfile

_ADDRESSES = ("business_address", "customer_service_address")
_TWELVE_MONTHS = re.compile(r"\b12\b")


def _label_value(row: LexborNode) -> tuple[str | None, str | None]:
    """("Business Name:", "ACME GmbH") from a `Label: value` row (bold label span, then the value)."""
    text = text_of(row) or ""
    label_node = row.css_first(".a-text-bold")
    label = text_of(label_node) if label_node is not None else text.split(":", 1)[0]
    value = text[len(label or ""):] if label and text.startswith(label) else text.partition(":")[2]
    return label, (value.strip(" :\u00a0") or None)


def _detail_info(tree: LexborHTMLParser) -> tuple[ContactFields, list[str]]:
    """The contact fields of the "Detailed Seller Information" section, and the business address's lines.

    Each field is a `Label: value` row; an address's lines follow its label row as `indent-left` rows.
    """
    fields = ContactFields()
    section = tree.css_first("#page-section-detail-seller-info")
    if section is None:
        return fields, []
    lines: dict[str, list[str]] = {name: [] for name in _ADDRESSES}
    labels: dict[str, str | None] = {}
    current: str | None = None
    for row in section.css(".a-row"):
        if descendants(row, ".a-row"):
            continue  # a wrapper row: its own rows come next
        if "indent-left" in (row.attributes.get("class") or "").split():
            if current in lines and text_of(row):
                lines[current].append(text_of(row) or "")
            continue
        label, value = _label_value(row)
        current = attribute_of(label)
        if current in lines:
            labels[current] = label
            if value:
                lines[current].append(value)
        elif current is not None:
            fields.add(current, value, label)
    for name in _ADDRESSES:
        fields.add(name, ", ".join(lines[name]), labels.get(name))
    return fields, lines["business_address"]


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
    contacts, lines = _detail_info(tree)
    business_name = contacts.values.get("business_name")
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
        rating_window_days=window if count is not None or positive is not None else None,
        stars=stars,
        url=f"https://www.{locale.site}/sp?seller={seller_id}" if locale.site and seller_id else None,
        **_with_country(contacts, lines),
    )


def _with_country(contacts: ContactFields, lines: list[str]) -> dict[str, Any]:
    """The contact fields, with the country the business address ends on (labelled as the address is)."""
    country = address_country(lines)
    if country is not None:
        label = dict(contacts.labels).get("business_address")
        contacts.add("country", country, label)
    return contacts.profile_fields()
