"""Allegro's whole pages: offer pages, listing pages and seller ratings pages, in every layout Scout has seen.

Offer and listing pages carry their content as JSON in `<script data-serialize-box-id>` boxes.
- Listing pages (`/listing?string=`) hold their state under `__listing_StoreState`. In the 2021 pages (real
  capture) it is a JSON string inside the box's JSON, decoded twice; each offer element names its seller as
  `seller.{id, login, userListingUrl, positiveFeedbackPercent, company, superSeller}` (a brand zone's `login` is its
  display name, "Oficjalny sklep UGREEN", and its link has the login), its price as `price.normal`, its id as
  `id` and its category as `categoryPath` ids. The newer layout, as scrapfly's allegro-scraper reads it, nests the
  state as an object with `seller.login`, `price.mainPrice`, `eventData.offer_id` and `name`.
- Offer pages (`/oferta/…`): in 2021 (real capture) one box holds `offerTitle.{sellerName, sellerRating "99,3%",
  sellerUrl, superSellerActive}`, `metaData.dataLayer.{sellerId, idItem, headNavigation, department}` and a
  schema.org offer (`schema.{price, priceCurrency}`); the newer layout has a seller box with `sellerName`,
  `sellerRating`, `isSuperSeller`, `sellerListingUrl` and a price box with `price.formattedPrice`.
- Seller ratings pages (`/uzytkownik/<login>/oceny`): no capture; read from their wording ("Poleca 98,8%
  kupujących", "… ocen z ostatnich 12 miesięcy", "Dane sprzedającego": the company's name and address, then the
  labelled lines the EU Digital Services Act makes Allegro show: NIP (Poland's VAT id), KRS (the court register
  number), E-mail, Telefon, Strona www; labels as scrapers.contacts names them).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.allegro_site import (
    LOGIN,
    MARKETPLACE,
    OFFER_ID,
    SUPER_SELLER,
    amount,
    json_object,
    login_from_url,
    offer_url,
    seller_box_offer,
    seller_url,
)
from scrapers.contacts import ContactFields, attribute_of, country_code
from scrapers.errors import ParseError
from scrapers.numbers import parse_int, parse_percent
from scrapers.records import Offer, SellerProfile
from scrapers.util import clean_text, load_json, node_text, vat_number

LISTING_STATE = "__listing_StoreState"
_SELLER_PAGE = re.compile(r"^https://allegro\.pl/uzytkownik/[^/?#\"\s]+/oceny")
_RECOMMENDS = re.compile(r"Poleca\s+(\d{1,3}(?:[.,]\d+)?)\s*%")
_RATING_COUNT = re.compile(r"(?<![\d/,.])(\d[\d\u00a0\u202f ]*)\s+ocen(?:a|y)?\b")
_TWELVE_MONTHS = re.compile(r"ostatnich\s+12\s+miesi")
_NIP_LINE = re.compile(r"^NIP\b\s*:?\s*", re.IGNORECASE)
_REGISTRY_LINE = re.compile(r"^(NIP|REGON|KRS|BDO|E-?mail|Tel|Telefon|Strona)\b", re.IGNORECASE)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --- offer pages ---------------------------------------------------------------------------------------------


def parse_offer_page(html: str, url: str | None = None) -> Offer:
    """The selling offer of an offer page, from its serialized boxes (2021 offer box, or seller and price boxes)."""
    tree = LexborHTMLParser(html)
    seller_box: dict[str, Any] = {}
    price_box: dict[str, Any] = {}
    for script in tree.css("script[data-serialize-box-id]"):
        raw = script.text(deep=True)
        if '"sellerName"' in raw and not seller_box:
            box = json_object(raw)
            if isinstance(_dict(box.get("offerTitle")).get("sellerName"), str):
                return _offer_box_2021(box, url)
            seller_box = box
        elif '"formattedPrice"' in raw and not price_box:
            price_box = _dict(json_object(raw).get("price"))
    if not seller_box.get("sellerName"):
        raise ParseError(MARKETPLACE, "product", "offer page without the serialized seller box (sellerName)")
    seller = {
        "name": seller_box.get("sellerName"),
        "login": login_from_url(seller_box.get("sellerListingUrl")),
        "rating": seller_box.get("sellerRating"),
        "isSuperSeller": seller_box.get("isSuperSeller"),
    }
    numeric = seller_box.get("sellerId")
    return seller_box_offer(seller, price_box, _meta(tree, "og:title"), url or _meta(tree, "og:url"),
                            seller_numeric_id=str(numeric) if numeric else None)


def _offer_box_2021(box: dict[str, Any], url: str | None) -> Offer:
    """The offer of a 2021 offer page's main box (offerTitle, metaData.dataLayer, schema)."""
    title = _dict(box.get("offerTitle"))
    layer = _dict(_dict(box.get("metaData")).get("dataLayer"))
    schema = _dict(box.get("schema"))
    name = title.get("sellerName")
    login = login_from_url(_dict(box.get("sellerLogo")).get("sellerUrl")) or login_from_url(title.get("sellerUrl"))
    numeric = layer.get("sellerId") or _dict(_dict(box.get("transactionSection")).get("precartData")).get("sellerId")
    page_url = url or _dict(box.get("metaData")).get("canonicalUrl") or schema.get("url")
    offer_id = layer.get("idItem") or schema.get("sku")
    path = [part for part in str(layer.get("headNavigation") or "").split("|") if part]
    if layer.get("department") and path:
        path.insert(0, str(layer["department"]))
    return Offer(
        seller_id=login or name,
        name=name,
        positive_pct=parse_percent(title.get("sellerRating"), decimal_comma=True),
        price=amount(schema.get("price") or layer.get("price")),
        currency=schema.get("priceCurrency") or "PLN",
        product_id=str(offer_id) if offer_id else None,
        title=clean_text(title.get("title") or schema.get("name")),
        badge=SUPER_SELLER if title.get("superSellerActive") is True else None,
        url=page_url if isinstance(page_url, str) else None,
        seller_url=seller_url(login or name),
        category=" > ".join(path) or None,
        seller_numeric_id=str(numeric) if numeric else None,
    )


def _meta(tree: LexborHTMLParser, prop: str) -> str | None:
    node = tree.css_first(f'meta[property="{prop}"]')
    return clean_text(node.attributes.get("content")) if node is not None else None


# --- listing pages -------------------------------------------------------------------------------------------


def parse_listing_page(html: str) -> list[Offer]:
    """Offers from a listing page's `__listing_StoreState.items.elements`; banners without a seller are skipped."""
    tree = LexborHTMLParser(html)
    state = _listing_state(tree)
    items = _dict(state.get("items"))
    elements = items.get("elements")
    if not isinstance(elements, list):
        raise ParseError(MARKETPLACE, "search", f"listing page without {LISTING_STATE}.items.elements")
    names = _category_names(tree, items)
    offers = [offer for offer in (_element_offer(e, names) for e in elements if isinstance(e, dict)) if offer]
    if not offers:
        if not elements and _search_total(tree, items) == 0:
            return []  # the listing says it found nothing
        raise ParseError(MARKETPLACE, "search", "no listing element names a seller (seller.login)")
    return offers


def _listing_state(tree: LexborHTMLParser) -> dict[str, Any]:
    for script in tree.css("script"):
        raw = script.text(deep=True)
        if LISTING_STATE in raw:
            state = json_object(raw).get(LISTING_STATE)
            if isinstance(state, str):  # 2021: the state is a JSON string inside the box's JSON
                state = load_json(state)
            return _dict(state)
    raise ParseError(MARKETPLACE, "search", f"listing page without a {LISTING_STATE} script")


def _category_names(tree: LexborHTMLParser, items: dict[str, Any]) -> dict[str, str]:
    """Category ids to the names the listing page gives them (its suggested path, its category filter)."""
    names: dict[str, str] = {}
    suggested = _dict(_dict(items.get("searchMeta")).get("filtersSuggestedCategory")).get("path")
    for entry in [*(suggested if isinstance(suggested, list) else []), *_category_filter(tree)]:
        if isinstance(entry, dict) and entry.get("id") and isinstance(entry.get("name"), str):
            names.setdefault(str(entry["id"]), entry["name"])
    return names


def _category_filter(tree: LexborHTMLParser) -> list[Any]:
    for script in tree.css("script[data-serialize-box-id]"):
        raw = script.text(deep=True)
        if raw.startswith('{"baseUrl"') and '"categories"' in raw:
            found = json_object(raw).get("categories")
            return found if isinstance(found, list) else []
    return []


def _category(path: Any, names: dict[str, str]) -> str | None:
    """The named part of an element's `categoryPath` ids ("Elektronika > Telefony i Akcesoria")."""
    if not isinstance(path, list) or not names:
        return None
    known: list[str] = []
    for category_id in path:
        name = names.get(str(category_id))
        if name is None and known:
            break
        if name is not None:
            known.append(name)
    return " > ".join(known) or None


def _unwrap(url: str | None) -> str | None:
    """A sponsored offer's click-tracking link (`/events/clicks?…&redirect=<offer URL>`) as the offer URL."""
    if not url or "/events/clicks" not in url:
        return url
    target = parse_qs(urlsplit(url).query).get("redirect", [""])[0]
    return target.split("?", 1)[0] or None


def _element_offer(element: dict[str, Any], names: dict[str, str]) -> Offer | None:
    seller = _dict(element.get("seller"))
    shown = seller.get("login")
    if not shown:
        return None
    login = login_from_url(seller.get("userListingUrl")) or str(shown)
    page_url = _unwrap(element.get("url") if isinstance(element.get("url"), str) else None)
    offer_id = _dict(element.get("eventData")).get("offer_id") or element.get("offerId")
    if not offer_id and page_url:
        from_url = OFFER_ID.search(page_url)
        offer_id = from_url.group(1) if from_url else None
    if not offer_id and str(element.get("id") or "").isdecimal():
        offer_id = element["id"]
    price = _dict(element.get("price"))
    main = _dict(price.get("mainPrice")) or _dict(price.get("normal"))
    title = element.get("name") or _dict(element.get("title")).get("text") or element.get("alt")
    numeric = seller.get("id")
    company = seller.get("company")
    positive = seller.get("positiveFeedbackPercent")
    return Offer(
        seller_id=login,
        name=str(shown),
        positive_pct=float(positive) if isinstance(positive, int | float) and not isinstance(positive, bool)
        and 0 <= positive <= 100 else None,
        price=amount(main.get("amount")),
        currency=main.get("currency") or ("PLN" if main.get("amount") else None),
        product_id=str(offer_id) if offer_id else None,
        title=clean_text(title) if isinstance(title, str) else None,
        badge=SUPER_SELLER if seller.get("superSeller") is True else None,
        url=page_url or (offer_url(str(offer_id)) if offer_id else None),
        seller_url=seller_url(login),
        category=_category(element.get("categoryPath"), names),
        seller_numeric_id=str(numeric) if numeric and str(numeric).isdecimal() else None,
        is_company=company if isinstance(company, bool) else None,
    )


def _search_total(tree: LexborHTMLParser, items: dict[str, Any]) -> int | None:
    total = _dict(items.get("searchMeta")).get("totalCount")
    if isinstance(total, int):
        return total
    for script in tree.css("script[data-serialize-box-id]"):
        raw = script.text(deep=True)
        if '"searchMeta"' in raw:
            meta = _dict(_dict(json_object(raw).get("props")).get("searchMeta"))
            total = meta.get("totalCount")
            return total if isinstance(total, int) else None
    return None


# --- seller ratings pages ------------------------------------------------------------------------------------


def is_seller_page(url: str) -> bool:
    """True for a seller's ratings page URL (`https://allegro.pl/uzytkownik/<login>/oceny`)."""
    return _SELLER_PAGE.match(url) is not None


def parse_seller_page(html: str, url: str | None = None) -> SellerProfile:
    """A SellerProfile from a seller's ratings page (`/uzytkownik/<login>/oceny`)."""
    tree = LexborHTMLParser(html)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    text = tree.body.text(separator=" ") if tree.body else ""
    recommends = _RECOMMENDS.search(text)
    count = _RATING_COUNT.search(text)
    if recommends is None and count is None:
        raise ParseError(MARKETPLACE, "seller", "ratings page without 'Poleca …%' or an 'ocen' count")
    canonical = tree.css_first('link[rel="canonical"]')
    canonical_href = (canonical.attributes.get("href") or "") if canonical is not None else ""
    login_match = LOGIN.search(url or "") or LOGIN.search(canonical_href)
    name = node_text(tree.css_first("h1"))
    login = unquote(login_match.group(1)) if login_match else name
    return SellerProfile(
        seller_id=login,
        name=name or login,
        positive_pct=parse_percent(recommends.group(1), decimal_comma=True) if recommends else None,
        rating_count=parse_int(count.group(1)) if count else None,
        rating_window_days=365 if _TWELVE_MONTHS.search(text) else None,
        badge=SUPER_SELLER if "Super Sprzedawca" in text else None,
        url=seller_url(login) if login else url,
        **_company(tree),
    )


def _company(tree: LexborHTMLParser) -> dict[str, Any]:
    """The contact fields of the "Dane sprzedającego" block: the company's name and address lines, then labelled
    lines (NIP, KRS, E-mail, Telefon, Strona www; REGON and BDO are read past)."""
    fields = ContactFields()
    heading = next((h for h in tree.css("h2, h3") if node_text(h) == "Dane sprzedającego"), None)
    block: LexborNode | None = heading.next if heading is not None else None
    while block is not None and block.tag == "-text":
        block = block.next
    if block is None:
        return fields.profile_fields()
    texts = [t for t in (node_text(p) for p in block.css("p, li")) if t]
    for text in texts:
        label, _, value = text.partition(":")
        if _NIP_LINE.match(text):  # a bare NIP is Poland's VAT id
            fields.add("vat_number", vat_number(_NIP_LINE.sub("", text), "PL"), label)
        else:
            fields.add_line(text)
    lines = [t for t in texts if not _REGISTRY_LINE.match(t) and attribute_of(t.partition(":")[0]) is None]
    if lines:
        country = country_code(lines[-1])
        address = lines[1:-1] if country else lines[1:]
        fields.add("business_name", lines[0])
        fields.add("business_address", ", ".join(address))
        fields.add("country", country)
    return fields.profile_fields()
