"""Amazon product pages (`/dp/ASIN`): the featured offer (the buy box), every "Other Sellers on Amazon" row, and the
category the page shows.

Read from real captures of amazon.com, .de and .ca: the 2018-2019 layout states the featured offer's seller in
`#merchant-info` as a sentence in the site's language with an at-a-glance link carrying `seller=`, and its `#mbc`
rows hold their seller's id only in the popover JSON (`…mbc-seller-information.html?…&me=ID`); the 2023 layout has
`#tabular-buybox` ("Sold by" / "Dispatches from" rows) and `#mbc` rows linking `/gp/aag/main?seller=ID` with
"(N ratings) P% positive over last 12 months". The newest offer-display features (`#merchantInfoFeature_feature_div`)
follow public scrapers. The sentences of sites without a capture (.co.uk, .fr, .es, .it) are worded as those sites
word them ("Dispatched from and sold by", "Expédié et vendu par", "Vendido y enviado por", "Venduto e spedito da").
A page whose product is unavailable or has no featured offer is a valid page without a buy-box seller.
"""

from __future__ import annotations

import json
import re
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.amazon_offers import make_offer
from scrapers.amazon_site import (
    MARKETPLACE,
    Locale,
    asin_from_href,
    first_text,
    is_amazon_name,
    is_asin,
    query_param,
    seller_id_from_href,
    text_of,
)
from scrapers.errors import ParseError
from scrapers.records import Offer

# The elements a product page is read from, found in one walk over the elements that have an id (each query of the
# whole tree costs a tenth of a millisecond on a 2 MB page, and misses are the common case).
_ANCHOR_IDS = frozenset({
    "productTitle", "title", "ASIN", "merchantID", "merchant-info", "tabular-buybox", "merchantInfoFeature_feature_div",
    "fulfillerInfoFeature_feature_div", "sellerProfileTriggerId", "mbc", "outOfStock", "unqualifiedBuyBox",
    "unqualified-buybox-olp", "buybox-see-all-buying-choices", "partialStateBuybox",
    "wayfinding-breadcrumbs_feature_div", "wayfinding-breadcrumbs_container", "SalesRank",
    "productDetails_detailBullets_sections1", "productDetails_db_sections", "detailBulletsWrapper_feature_div",
    "detailBullets_feature_div", "corePrice_feature_div", "corePriceDisplay_desktop_feature_div", "apex_desktop",
    "price_inside_buybox", "newBuyBoxPrice", "priceblock_ourprice", "priceblock_dealprice", "priceblock_saleprice",
    "buyNewSection",
})
# The featured offer's price: (element id, selector inside it or None for its own text), in order of preference.
_PRICE: tuple[tuple[str, str | None], ...] = (
    ("corePrice_feature_div", ".a-price .a-offscreen"),
    ("corePriceDisplay_desktop_feature_div", ".a-price .a-offscreen"), ("apex_desktop", ".priceToPay .a-offscreen"),
    ("price_inside_buybox", None), ("newBuyBoxPrice", None), ("priceblock_ourprice", None),
    ("priceblock_dealprice", None), ("priceblock_saleprice", None), ("buyNewSection", ".offer-price"),
    ("buyNewSection", ".a-color-price"),
)
# The labels of the buy box's rows in each site's language (2023 tabular buy box, offer-display features).
_SOLD_BY_LABELS = frozenset({"sold by", "verkäufer", "verkauft von", "verkauf durch", "vendu par", "vendido por",
                             "venduto da"})
_SHIPS_FROM_LABELS = frozenset({"ships from", "dispatches from", "shipper / seller", "versand", "versender",
                                "versand durch", "expédié par", "expéditeur", "enviado desde", "enviado por",
                                "spedito da", "spedizione"})
# "Ships from and sold by X." / "Sold by X and Fulfilled by Amazon." in each site's words.
_SOLD_BY_SENTENCE = re.compile(
    r"(?:ships from and sold by|dispatched from and sold by|sold by|verkauf und versand durch|verkauf durch|"
    r"expédié et vendu par|vendu par|vendido y enviado por|vendido por|venduto e spedito da|venduto da)\s+"
    r"(?P<name>.+?)\s*(?:\.(?:\s|$)|\s(?:and|und|et|y|e)\s+(?:fulfilled|dispatched|shipped|ships|versand|"
    r"expédié|enviado|gestionado|spedito)\b|$)",
    re.IGNORECASE,
)
_SELF_SHIPPED = re.compile(r"ships from and sold by|dispatched from and sold by|verkauf und versand durch|"
                           r"expédié et vendu par|vendido y enviado por|venduto e spedito da", re.IGNORECASE)
_AMAZON_SHIPS = re.compile(r"(?:fulfilled|dispatched|shipped)\s+by\s+amazon|ships from amazon|versand durch amazon|"
                           r"expédié par amazon|(?:enviado|gestionado) por amazon|spedito da amazon", re.IGNORECASE)
_SELLER_PAGE = re.compile(r"/gp/help/seller/|/gp/aag/|/sp\?|mbc-seller-information")
# Elements by which a page says it has no featured offer: unavailable, or "See All Buying Options" only.
_NO_FEATURED = ("outOfStock", "unqualifiedBuyBox", "unqualified-buybox-olp", "buybox-see-all-buying-choices",
                "partialStateBuybox")
# Where the best-sellers rank is printed: (element id, its rows or None for the element itself).
_RANK_ROWS: tuple[tuple[str, str | None], ...] = (
    ("SalesRank", None), ("productDetails_detailBullets_sections1", "tr"), ("productDetails_db_sections", "tr"),
    ("detailBulletsWrapper_feature_div", "li"), ("detailBullets_feature_div", "li"),
)
_RANK_LABEL = re.compile(r"best\s*sellers?\s*rank|bestseller-rang|classement des meilleures ventes|"
                         r"clasificación en los más vendidos|posizione nella classifica", re.IGNORECASE)
_RANK_IN = re.compile(r"\d[\d.,\u00a0\u202f ]*\s+(?:in|en|dans)\s+(?P<category>[^(#>]+?)\s*(?:\(|$|>)")


Anchors = dict[str, LexborNode]


def _anchors(tree: LexborHTMLParser) -> Anchors:
    """The first element of each id the parser reads."""
    found: Anchors = {}
    for node in tree.css("[id]"):
        element_id = node.id
        if element_id in _ANCHOR_IDS and element_id not in found:
            found[element_id] = node
    return found


def _product_asin(tree: LexborHTMLParser, anchors: Anchors, url: str | None) -> str | None:
    field = anchors.get("ASIN") or tree.css_first("input[name='ASIN']")
    if field is not None and is_asin(field.attributes.get("value")):
        return field.attributes.get("value")
    canonical = tree.css_first("link[rel='canonical']")
    asin = asin_from_href(canonical.attributes.get("href")) if canonical is not None else None
    return asin or asin_from_href(url)


def _price(anchors: Anchors, locale: Locale) -> dict[str, Any]:
    for anchor, inner in _PRICE:
        node = anchors.get(anchor)
        if node is not None and inner is not None:
            node = node.css_first(inner)
        price, currency = locale.price(text_of(node))
        if price is not None:
            return {"price": price, "currency": currency}
    return {"price": None, "currency": None}


def _category(anchors: Anchors) -> str | None:
    """The breadcrumb path ("Books > Children's Books"), else the top category of the best-sellers rank."""
    trail = anchors.get("wayfinding-breadcrumbs_feature_div") or anchors.get("wayfinding-breadcrumbs_container")
    crumbs = [crumb for crumb in (text_of(node) for node in trail.css("li a")) if crumb] if trail is not None else []
    if crumbs:
        return " > ".join(crumbs)
    for anchor, rows in _RANK_ROWS:
        node = anchors.get(anchor)
        for row in (node.css(rows) if rows else [node]) if node is not None else ():
            text = text_of(row) or ""
            label = _RANK_LABEL.search(text)
            rank = _RANK_IN.search(text, label.end()) if label else None
            if rank:
                return rank.group("category").strip()
    return None


def _rows(anchors: Anchors) -> dict[str, LexborNode]:
    """The buy box's labelled rows by lower-case label: `tabular-attribute-name` (2023), offer-display features."""
    rows: dict[str, LexborNode] = {}
    table = anchors.get("tabular-buybox")
    for node in table.css(".tabular-buybox-text[tabular-attribute-name]") if table is not None else ():
        label = (node.attributes.get("tabular-attribute-name") or "").strip().lower()
        message = node.css_first(".tabular-buybox-text-message")
        if label and label not in rows and message is not None and text_of(message):
            rows[label] = message
    for feature, label in (("merchantInfoFeature_feature_div", "sold by"),
                           ("fulfillerInfoFeature_feature_div", "ships from")):
        box = anchors.get(feature)
        if box is None or label in rows:
            continue
        value = (box.css_first(".offer-display-feature-text .offer-display-feature-text-message")
                 or box.css_first(".offer-display-feature-text"))
        if value is not None and text_of(value):
            rows[label] = value
    return rows


def _seller_link(scope: LexborNode | LexborHTMLParser) -> LexborNode | None:
    """The first link to a seller's page (at-a-glance, aag, /sp) whose `seller=` / `me=` is a merchant id."""
    for link in scope.css("a[href]"):
        href = link.attributes.get("href") or ""
        if _SELLER_PAGE.search(href) and seller_id_from_href(href):
            return link
    return None


def _amazon_fulfilled(href: str | None) -> bool | None:
    flag = query_param(href, "isAmazonFulfilled")
    return {"1": True, "0": False}.get(flag or "")


def _tabular_offer(rows: dict[str, LexborNode], locale: Locale, fields: dict[str, Any],
                   merchant_id: str | None) -> Offer | None:
    sold = next((node for label, node in rows.items() if label in _SOLD_BY_LABELS), None)
    if sold is None:
        return None
    ships = next((text_of(node) for label, node in rows.items() if label in _SHIPS_FROM_LABELS), None)
    link = _seller_link(sold)
    href = link.attributes.get("href") if link is not None else None
    name = text_of(link) if link is not None else text_of(sold)
    fulfilled = _amazon_fulfilled(href)
    if ships is not None:
        fulfilled = is_amazon_name(ships)
    seller_id = seller_id_from_href(href) or (merchant_id if not is_amazon_name(name) else None)
    return make_offer(locale, name, seller_id, {**fields, "platform_fulfilled": fulfilled})


def _merchant_info_offer(info: LexborNode, locale: Locale, fields: dict[str, Any],
                         merchant_id: str | None) -> Offer | None:
    """The featured offer of the 2018-2019 sentence ("Sold by X and Fulfilled by Amazon."), or None without one."""
    sentence = text_of(info)
    if not sentence:
        return None
    link = _seller_link(info)
    match = _SOLD_BY_SENTENCE.search(sentence)
    if link is not None:
        href = link.attributes.get("href")
        name, seller_id = text_of(link), seller_id_from_href(href)
        fulfilled = _amazon_fulfilled(href)
    elif match is not None:
        name = match.group("name").strip()
        seller_id, fulfilled = (None if is_amazon_name(name) else merchant_id), None
    else:
        return None
    if is_amazon_name(name) or _AMAZON_SHIPS.search(sentence):
        fulfilled = True
    elif fulfilled is None and _SELF_SHIPPED.search(sentence):
        fulfilled = False
    return make_offer(locale, name, seller_id, {**fields, "platform_fulfilled": fulfilled})


def _featured_offer(tree: LexborHTMLParser, anchors: Anchors, locale: Locale, fields: dict[str, Any]) -> Offer | None:
    """The buy box's offer (tabular buy box, offer-display features, `#merchant-info` or the seller trigger)."""
    merchant = anchors.get("merchantID") or tree.css_first("input[name='merchantID']")
    merchant_id = (merchant.attributes.get("value") or None) if merchant is not None else None
    featured = {**fields, "buy_box": True}
    offer = _tabular_offer(_rows(anchors), locale, featured, merchant_id)
    if offer is None:
        info = anchors.get("merchant-info")
        offer = _merchant_info_offer(info, locale, featured, merchant_id) if info is not None else None
    if offer is None:
        trigger = anchors.get("sellerProfileTriggerId")
        if trigger is not None and text_of(trigger):
            href = trigger.attributes.get("href")
            offer = make_offer(locale, text_of(trigger), seller_id_from_href(href) or merchant_id,
                               {**featured, "platform_fulfilled": _amazon_fulfilled(href)})
    return offer


def _popover(row: LexborNode) -> dict[str, Any]:
    """The JSON of a row's seller popover (2018-2019: its `url` names the seller as `me=`)."""
    for node in row.css("[data-a-popover]"):
        try:
            data = json.loads(node.attributes.get("data-a-popover") or "{}")
        except ValueError:
            continue
        if isinstance(data, dict) and isinstance(data.get("url"), str) and "me=" in data["url"]:
            return data
    return {}


def _other_offer(row: LexborNode, locale: Locale, fields: dict[str, Any], index: int) -> Offer:
    name = text_of(row.css_first(".mbcMerchantName"))
    link = _seller_link(row)
    href = link.attributes.get("href") if link is not None else None
    popover = _popover(row) if link is None else {}
    href = href or popover.get("url")
    name = name or (text_of(link) if link is not None else None) or popover.get("name")
    if not name:
        raise ParseError(MARKETPLACE, "product", f"other seller #{index}: no seller name (.mbcMerchantName)")
    price, currency = locale.price(first_text(row, "[id^='mbc-price-']", ".a-color-price"))
    feedback = first_text(row, "[id^='mbc-seller-feedback']")
    own = {**fields, "price": price, "currency": currency, "platform_fulfilled": _amazon_fulfilled(href)}
    return make_offer(locale, name, seller_id_from_href(href), own, feedback)


def _other_offers(anchors: Anchors, locale: Locale, fields: dict[str, Any]) -> list[Offer]:
    """Every "Other Sellers on Amazon" (`#mbc`) row, in page order."""
    box = anchors.get("mbc")
    if box is None:
        return []
    return [_other_offer(row, locale, fields, i) for i, row in enumerate(box.css(".mbc-offer-row"), start=1)]


def read_product(html: str, locale: Locale, url: str | None = None) -> list[Offer]:
    """The featured offer (`buy_box=True`, when the page has one), then every other seller the page lists."""
    tree = LexborHTMLParser(html)
    anchors = _anchors(tree)
    title = text_of(anchors.get("productTitle")) or text_of(anchors.get("title"))
    if not title:
        raise ParseError(MARKETPLACE, "product", "no product title (#productTitle)")
    fields: dict[str, Any] = {"product_id": _product_asin(tree, anchors, url), "title": title,
                              "category": _category(anchors)}
    featured = _featured_offer(tree, anchors, locale, {**fields, **_price(anchors, locale)})
    others = _other_offers(anchors, locale, fields)
    if featured is not None:
        return [featured, *others]
    if not any(anchor in anchors for anchor in _NO_FEATURED):
        raise ParseError(MARKETPLACE, "product", "no buy box seller (#merchant-info, #tabular-buybox) and no sign "
                                                 "of an unavailable product (#outOfStock, #unqualifiedBuyBox)")
    return others
