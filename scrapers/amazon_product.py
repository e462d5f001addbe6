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

_PRICE = (
    "#corePrice_feature_div .a-price .a-offscreen", "#corePriceDisplay_desktop_feature_div .a-price .a-offscreen",
    "#apex_desktop .priceToPay .a-offscreen", ".priceToPay .a-offscreen", "#price_inside_buybox", "#newBuyBoxPrice",
    "#priceblock_ourprice", "#priceblock_dealprice", "#priceblock_saleprice", "#buyNewSection .offer-price",
    "#buyNewSection .a-color-price",
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
_NO_FEATURED = ("#outOfStock, #unqualifiedBuyBox, #unqualified-buybox-olp, #buybox-see-all-buying-choices, "
                "#partialStateBuybox")
_BREADCRUMBS = "#wayfinding-breadcrumbs_feature_div li a, #wayfinding-breadcrumbs_container li a"
_RANK_ROWS = ("#SalesRank, #productDetails_detailBullets_sections1 tr, #productDetails_db_sections tr, "
              "#detailBulletsWrapper_feature_div li, #detailBullets_feature_div li")
_RANK_LABEL = re.compile(r"best\s*sellers?\s*rank|bestseller-rang|classement des meilleures ventes|"
                         r"clasificación en los más vendidos|posizione nella classifica", re.IGNORECASE)
_RANK_IN = re.compile(r"\d[\d.,\u00a0\u202f ]*\s+(?:in|en|dans)\s+(?P<category>[^(#>]+?)\s*(?:\(|$|>)")
_STAR_CLASS = re.compile(r"\ba-star(?:-small|-mini|-medium)?-(\d)(?:-(\d))?\b")


def _product_asin(tree: LexborHTMLParser, url: str | None) -> str | None:
    for node in tree.css("input#ASIN, input[name='ASIN']"):
        if is_asin(node.attributes.get("value")):
            return node.attributes.get("value")
    canonical = tree.css_first("link[rel='canonical']")
    asin = asin_from_href(canonical.attributes.get("href")) if canonical is not None else None
    return asin or asin_from_href(url)


def _price(tree: LexborHTMLParser, locale: Locale) -> dict[str, Any]:
    for selector in _PRICE:
        price, currency = locale.price(text_of(tree.css_first(selector)))
        if price is not None:
            return {"price": price, "currency": currency}
    return {"price": None, "currency": None}


def _category(tree: LexborHTMLParser) -> str | None:
    """The breadcrumb path ("Books > Children's Books"), else the top category of the best-sellers rank."""
    crumbs: list[str] = []
    seen: set[int] = set()  # a link inside both containers is found twice
    for node in tree.css(_BREADCRUMBS):
        crumb = text_of(node)
        if crumb and node.mem_id not in seen:
            seen.add(node.mem_id)
            crumbs.append(crumb)
    if crumbs:
        return " > ".join(crumbs)
    for node in tree.css(_RANK_ROWS):
        text = text_of(node) or ""
        label = _RANK_LABEL.search(text)
        rank = _RANK_IN.search(text, label.end()) if label else None
        if rank:
            return rank.group("category").strip()
    return None


def _rows(tree: LexborHTMLParser) -> dict[str, LexborNode]:
    """The buy box's labelled rows by lower-case label: `tabular-attribute-name` (2023), offer-display features."""
    rows: dict[str, LexborNode] = {}
    for node in tree.css("#tabular-buybox .tabular-buybox-text[tabular-attribute-name]"):
        label = (node.attributes.get("tabular-attribute-name") or "").strip().lower()
        message = node.css_first(".tabular-buybox-text-message")
        if label and label not in rows and message is not None and text_of(message):
            rows[label] = message
    for feature, label in (("#merchantInfoFeature_feature_div", "sold by"),
                           ("#fulfillerInfoFeature_feature_div", "ships from")):
        value = (tree.css_first(f"{feature} .offer-display-feature-text .offer-display-feature-text-message")
                 or tree.css_first(f"{feature} .offer-display-feature-text"))
        if value is not None and text_of(value) and label not in rows:
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


def _featured_offer(tree: LexborHTMLParser, locale: Locale, fields: dict[str, Any]) -> Offer | None:
    """The buy box's offer (tabular buy box, offer-display features, `#merchant-info` or the seller trigger)."""
    merchant = tree.css_first("input#merchantID, input[name='merchantID']")
    merchant_id = (merchant.attributes.get("value") or None) if merchant is not None else None
    featured = {**fields, "buy_box": True}
    offer = _tabular_offer(_rows(tree), locale, featured, merchant_id)
    if offer is None:
        info = tree.css_first("#merchant-info")
        offer = _merchant_info_offer(info, locale, featured, merchant_id) if info is not None else None
    if offer is None:
        trigger = tree.css_first("#sellerProfileTriggerId")
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


def _stars(row: LexborNode) -> float | None:
    for node in row.css("i[class*='a-star']"):
        match = _STAR_CLASS.search(node.attributes.get("class") or "")
        if match:
            return int(match.group(1)) + int(match.group(2) or 0) / 10
    return None


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
    own = {**fields, "price": price, "currency": currency, "stars": _stars(row),
           "platform_fulfilled": _amazon_fulfilled(href)}
    return make_offer(locale, name, seller_id_from_href(href), own, feedback)


def _other_offers(tree: LexborHTMLParser, locale: Locale, fields: dict[str, Any]) -> list[Offer]:
    """Every "Other Sellers on Amazon" (`#mbc`) row, in page order."""
    box = tree.css_first("#mbc")
    if box is None:
        return []
    return [_other_offer(row, locale, fields, i) for i, row in enumerate(box.css(".mbc-offer-row"), start=1)]


def read_product(html: str, locale: Locale, url: str | None = None) -> list[Offer]:
    """The featured offer (`buy_box=True`, when the page has one), then every other seller the page lists."""
    tree = LexborHTMLParser(html)
    title = first_text(tree, "#productTitle", "#title")
    if not title:
        raise ParseError(MARKETPLACE, "product", "no product title (#productTitle)")
    fields: dict[str, Any] = {"product_id": _product_asin(tree, url), "title": title, "category": _category(tree)}
    featured = _featured_offer(tree, locale, {**fields, **_price(tree, locale)})
    others = _other_offers(tree, locale, fields)
    if featured is not None:
        return [featured, *others]
    if tree.css_first(_NO_FEATURED) is None:
        raise ParseError(MARKETPLACE, "product", "no buy box seller (#merchant-info, #tabular-buybox) and no sign "
                                                 "of an unavailable product (#outOfStock, #unqualifiedBuyBox)")
    return others
