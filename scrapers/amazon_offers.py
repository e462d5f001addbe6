"""Amazon offer listings (2015 and 2020 `olpOffer` layouts, the "all offers display" panel) and the offer records
every Amazon page type makes (`make_offer`; product pages: amazon_product).

The olp layouts are read from real captures. The AOD panel (`#aod-offer`) has no capture here: its parser follows
the ids and classes that public scrapers of amazon.com / amazon.de / amazon.fr select on.

Amazon's own offers are reported as `Offer(is_platform=True, name="Amazon", seller_id=<Amazon's merchant id on
that site>)` — ATVPDKIKX0DER on amazon.com — so they key like any seller yet never pass for a third party.
Amazon-run sellers with their own storefronts ("Amazon Warehouse", "Amazon Resale") keep name and id and are
also `is_platform=True`.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.amazon_site import (
    AMAZON_SELLER_IDS,
    MARKETPLACE,
    Locale,
    amazon_seller_id,
    asin_from_href,
    check_site,
    first_text,
    is_amazon_name,
    is_amazon_run,
    is_asin,
    seller_id_from_href,
    text_of,
)
from scrapers.errors import ParseError
from scrapers.numbers import parse_stars
from scrapers.records import Offer

_SELLER_LINK = "a[href*='seller=']"
_PAGE_ASIN_LINKS = "#olpDetailPageLink, #olpProductImage a, #aod-asin-block a, link[rel='canonical']"
_STAR_ALT = ".a-icon-alt"


def seller_url(site: str, seller_id: str) -> str:
    """The public profile page of a seller: `https://www.<site>/sp?seller=<id>`."""
    return f"https://www.{check_site(site)}/sp?seller={seller_id}"


def make_offer(locale: Locale, name: str | None, seller_id: str | None, fields: dict[str, Any],
               rating_text: str | None = None) -> Offer:
    """One offer; Amazon's own becomes `is_platform=True, name="Amazon"` with Amazon's merchant id on the site."""
    if seller_id in AMAZON_SELLER_IDS or is_amazon_name(name):
        own_id = seller_id if seller_id in AMAZON_SELLER_IDS else amazon_seller_id(locale.site)
        return Offer(seller_id=own_id, name="Amazon", is_platform=True, **fields)
    profile = seller_url(locale.site, seller_id) if locale.site and seller_id else None
    return Offer(
        seller_id=seller_id,
        name=name,
        positive_pct=locale.percent(rating_text),
        rating_count=locale.paren_count(rating_text),
        is_platform=is_amazon_run(name),
        url=profile,
        seller_url=profile,
        **fields,
    )


# --- olp: /gp/offer-listing/ASIN (2015, 2020) ---------------------------------------------------------------


def _page_asin(tree: LexborHTMLParser, url: str | None) -> str | None:
    """The product an offers page is about: the URL, the product link, the `ASIN` input."""
    asin = asin_from_href(url)
    if asin:
        return asin
    # The first link usually names it, and css_first stops there; css() walks the whole page.
    first = tree.css_first(_PAGE_ASIN_LINKS)
    asin = asin_from_href(first.attributes.get("href")) if first is not None else None
    if asin:
        return asin
    for node in tree.css(_PAGE_ASIN_LINKS) if first is not None else ():
        asin = asin_from_href(node.attributes.get("href"))
        if asin:
            return asin
    for node in tree.css("input[name='ASIN'], input#ASIN, input[name='asin']"):
        if is_asin(node.attributes.get("value")):
            return node.attributes.get("value")
    return None


def _olp_title(tree: LexborHTMLParser) -> str | None:
    heading = tree.css_first("#olpProductDetails h1")
    if heading is None:
        return None
    sub = heading.css_first(".olpSubHeadingSection")
    if sub is not None:
        sub.decompose()
    return text_of(heading)


def _olp_offer(node: LexborNode, locale: Locale, asin: str | None, title: str | None, index: int) -> Offer:
    price, currency = locale.price(text_of(node.css_first(".olpOfferPrice")))
    name_node = node.css_first(".olpSellerName")
    if name_node is None:
        raise ParseError(MARKETPLACE, "offers", f"offer #{index}: no seller column (.olpSellerName)")
    link = name_node.css_first(_SELLER_LINK)
    fields: dict[str, Any] = {"price": price, "currency": currency, "product_id": asin, "title": title}
    if link is None:
        # Amazon's own offer shows its logo only; its merchant id sits in the buy form.
        name = text_of(name_node)
        if not name and name_node.css_first("img") is None:
            raise ParseError(MARKETPLACE, "offers", f"offer #{index}: seller column has no name nor logo")
        merchant = node.css_first("input[name='merchantID']")
        merchant_id = merchant.attributes.get("value") if merchant else None
        return make_offer(locale, name or "Amazon", merchant_id, fields)
    href = link.attributes.get("href")
    fields["product_id"] = asin_from_href(href) or asin
    name = text_of(link) or _logo_alt(link)
    # The rating line follows the name in the seller column; the name itself may hold digits ("100% Books").
    column = text_of(node.css_first(".olpSellerColumn")) or text_of(name_node.parent) or ""
    rating_text = column.replace(name, "", 1) if name else column
    return make_offer(locale, name, seller_id_from_href(href), fields, rating_text)


def _logo_alt(link: LexborNode) -> str | None:
    logo = link.css_first("img[alt]")
    return logo.attributes.get("alt") if logo is not None else None


def read_offer_listing(html: str, locale: Locale, url: str | None = None) -> list[Offer]:
    """Every offer of an offer-listing page (olp 2015/2020 layouts, or the AOD panel), in page order."""
    tree = LexborHTMLParser(html)
    if tree.css_first("#aod-offer, #aod-pinned-offer, #aod-offer-list") is not None:
        return _parse_aod(tree, locale, url)
    nodes = tree.css(".olpOffer")
    if not nodes:
        raise ParseError(MARKETPLACE, "offers", "no offers (.olpOffer / #aod-offer)")
    asin, title = _page_asin(tree, url), _olp_title(tree)
    return [_olp_offer(node, locale, asin, title, i) for i, node in enumerate(nodes, start=1)]


# --- AOD: the "all offers display" panel (/gp/aod/ajax, product page ?aod=1) ----------------------------------


def _aod_price(node: LexborNode, locale: Locale) -> tuple[Decimal | None, str | None]:
    scope = node.css_first("[id^='aod-price-']") or node
    for price_node in scope.css(".a-price .a-offscreen, .a-price .aok-offscreen"):
        amount, currency = locale.price(text_of(price_node))
        if amount is not None:
            return amount, currency
    whole, fraction = scope.css_first(".a-price-whole"), scope.css_first(".a-price-fraction")
    if whole is not None:
        symbol = text_of(scope.css_first(".a-price-symbol")) or ""
        sep = "," if locale.decimal_comma else "."
        digits = (text_of(whole) or "").rstrip(".,")
        return locale.price(f"{symbol}{digits}{sep}{text_of(fraction) or '00'}")
    return None, None


def _aod_offer(node: LexborNode, locale: Locale, asin: str | None, title: str | None, index: int) -> Offer:
    sold_by = node.css_first("#aod-offer-soldBy")
    if sold_by is None:
        raise ParseError(MARKETPLACE, "offers", f"AOD offer #{index}: no #aod-offer-soldBy")
    price, currency = _aod_price(node, locale)
    fields: dict[str, Any] = {"price": price, "currency": currency, "product_id": asin, "title": title}
    link = sold_by.css_first(_SELLER_LINK)
    if link is None:
        name = first_text(sold_by, ".a-col-right .a-size-small", ".a-col-right")
        if not name:
            raise ParseError(MARKETPLACE, "offers", f"AOD offer #{index}: sold-by names no seller")
        return make_offer(locale, name, None, fields)
    href = link.attributes.get("href")
    fields["product_id"] = asin_from_href(href) or asin
    rating = node.css_first("#aod-offer-seller-rating")
    if rating is not None:
        fields["stars"] = parse_stars(text_of(rating.css_first(_STAR_ALT)), locale.decimal_comma)
    rating_text = first_text(rating, "[id^='seller-rating-count']") if rating is not None else None
    return make_offer(locale, text_of(link), seller_id_from_href(href), fields, rating_text)


def _parse_aod(tree: LexborHTMLParser, locale: Locale, url: str | None) -> list[Offer]:
    # The pinned offer then every listed offer, in page order; the sticky header only repeats the pinned one.
    nodes = [n for n in tree.css("#aod-pinned-offer, #aod-offer")
             if not _inside(n, ("aod-sticky-pinned-offer", "aod-pinned-offer"))]
    if not nodes:
        raise ParseError(MARKETPLACE, "offers", "AOD panel without offers (#aod-offer)")
    asin = _page_asin(tree, url) or _atc_asin(tree)
    title = first_text(tree, "#aod-asin-title-text")
    return [_aod_offer(node, locale, asin, title, i) for i, node in enumerate(nodes, start=1)]


def _inside(node: LexborNode, ancestor_ids: tuple[str, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if parent.attributes.get("id") in ancestor_ids:
            return True
        parent = parent.parent
    return False


def _atc_asin(tree: LexborHTMLParser) -> str | None:
    for node in tree.css("[data-aod-atc-action]"):
        try:
            data = json.loads(node.attributes.get("data-aod-atc-action") or "{}")
        except ValueError:
            continue
        if isinstance(data, dict) and is_asin(data.get("asin")):
            return str(data["asin"])
    return None
