"""Amazon (.com, .co.uk, .de, .fr, .es, .it, .ca): best-seller lists, offer listings, product pages, seller profiles.

Pure functions over page text. The site (and with it the default currency and decimal convention) comes from
the URL when given, else from the page (canonical link, `ue_sn`, `<html lang>`, currency). Amazon's own offers
are `is_platform=True` with Amazon's merchant id on that site (ATVPDKIKX0DER on amazon.com).
The parsers live in amazon_ranking / amazon_offers / amazon_product / amazon_seller; this module detects,
dispatches and builds URLs. A page's kind is told by its elements: a class or id counts only inside a start tag,
not in inline CSS or a script (a product page's CSS names `#aod-pinned-offer`, a panel it does not have).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from urllib.parse import quote

from scrapers.amazon_offers import read_offer_listing, seller_url
from scrapers.amazon_product import read_product
from scrapers.amazon_ranking import product_url, read_bestsellers, read_ranking
from scrapers.amazon_seller import read_seller_profile
from scrapers.amazon_site import (
    DOMAINS,
    MARKETPLACE,
    SITES,
    Locale,
    blocked_reason,
    check_site,
    detect_site,
    raise_if_blocked,
    site_from_url,
)
from scrapers.errors import ParseError
from scrapers.records import Offer, ParsedPage, RankingEntry, SellerProfile

PARSER_VERSION = 2  # 2: product pages of every era (merchant-info sentences, #mbc rows), amazon.ca

__all__ = [
    "MARKETPLACE", "SITES", "bestsellers_url", "detect", "detect_site", "is_blocked", "offer_listing_url", "parse",
    "parse_bestsellers", "parse_offer_listing", "parse_product", "parse_seller_profile", "product_url",
    "seller_url", "site_from_url",
]

# Each kind's content markers. A product page is told first (each mark looked for costs a scan of the page, and
# product pages are the largest), and one opened with ?aod=1 holds the offers panel: it is read as offers.
_PRODUCT_MARK = "id=\"productTitle\""
_OFFERS_MARKS = ("olpOffer", "id=\"aod-offer\"", "id=\"aod-pinned-offer\"", "id=\"aod-offer-list\"")
_KIND_MARKS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ranking", ("zg-bdg-text", "zg-item-immersion", "zg_itemImmersion", "zg-grid-general-faceout",
                 "zg-ordered-list")),
    ("offers", _OFFERS_MARKS),
    ("seller", ("id=\"seller-name\"", "id=\"sellerName\"", "page-section-detail-seller-info",
                "seller-feedback-summary", "seller-info-feedback-summary")),
)
_AMAZON_HOST = re.compile(rf"amazon\.(?:{DOMAINS})\b")
# Amazon's own page machinery: its client-side metrics globals, its AUI class names, its image hosts.
_AMAZON_MARK = re.compile(r"\bue_(?:id|sn)\s*=|class=[\"'][^\"']*\ba-(?:section|container|row)\b|"
                          r"images-amazon\.com/|media-amazon\.com/|/errors/validateCaptcha")
_LEADING_SPACE = re.compile(r"\s+")  # re's \s and str.lstrip() agree on whitespace
_RETURN_PATH = re.compile(r"name=[\"']amzn-r[\"'][^>]*value=[\"']([^\"']*)")
_URL_KINDS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"/gp/bestsellers|/zgbs/|/Best-Sellers"), "ranking"),
    (re.compile(r"/gp/offer-listing/|/gp/aod/|aodAjaxMain|[?&]aod=1"), "offers"),
    (re.compile(r"/sp\?|/gp/aag/main|/gp/help/seller/at-a-glance"), "seller"),
    (re.compile(r"/dp/|/gp/product/"), "product"),
)


def kind_from_url(url: str | None) -> str | None:
    """The page kind an Amazon URL addresses (zgbs/bestsellers → ranking, /dp/ → product, /sp → seller …)."""
    for pattern, kind in _URL_KINDS:
        if url and pattern.search(url):
            return kind
    return None


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of an Amazon page ("ranking", "offers", "product", "seller"), or None if not an Amazon page."""
    if _first_visible(text) in ("{", "["):
        return None  # Amazon pages are HTML; JSON belongs to API parsers
    from_url = site_from_url(url) is not None
    if not from_url and not (_AMAZON_HOST.search(text) and _AMAZON_MARK.search(text)):
        return None
    if _in_start_tag(text, _PRODUCT_MARK):
        return "offers" if any(_in_start_tag(text, mark) for mark in _OFFERS_MARKS) else "product"
    for kind, marks in _KIND_MARKS:
        if any(_in_start_tag(text, mark) for mark in marks):
            return kind
    if from_url_kind := kind_from_url(url):
        return from_url_kind
    if blocked_reason(text):
        # Claim the bot wall so parse() reports BlockedError: as the page its return path names, else a product.
        back = _RETURN_PATH.search(text)
        return (kind_from_url(unescape(back.group(1))) if back else None) or "product"
    return None


def _in_start_tag(text: str, mark: str) -> bool:
    """True when `mark` occurs inside an element's start tag that is not markup quoted in a script."""
    at = text.find(mark)
    while at >= 0:
        opened = text.rfind("<", 0, at)
        if (opened > text.rfind(">", 0, at) and text[opened + 1:opened + 2].isalpha()
                and text.rfind("<script", 0, opened) <= text.rfind("</script", 0, opened)):
            return True
        at = text.find(mark, at + len(mark))
    return False


def _first_visible(text: str) -> str:
    """`text.lstrip()[:1]` without copying a page that starts with whitespace."""
    match = _LEADING_SPACE.match(text)
    return text[match.end():match.end() + 1] if match else text[:1]


def bestsellers_url(site: str, category: str) -> str:
    """A best-seller list: `https://www.<site>/gp/bestsellers/<category>` (e.g. "hi", "electronics")."""
    return f"https://www.{check_site(site)}/gp/bestsellers/{quote(category.strip('/'), safe='/')}"


def offer_listing_url(site: str, asin: str) -> str:
    """The offer listing of an ASIN (robots.txt disallows it on amazon.com: a polite crawler uses /dp/)."""
    return f"https://www.{check_site(site)}/gp/offer-listing/{asin}"


def parse_bestsellers(html: str, url: str | None = None) -> list[RankingEntry]:
    """The ranked products of a best-seller page."""
    with _bot_wall_check(html):
        return read_bestsellers(html, Locale.of(detect_site(html, url)))


def parse_offer_listing(html: str, url: str | None = None) -> list[Offer]:
    """Every offer of an offer listing or AOD panel, Amazon's own included."""
    with _bot_wall_check(html):
        return read_offer_listing(html, Locale.of(detect_site(html, url)), url)


def parse_product(html: str, url: str | None = None) -> list[Offer]:
    """The featured offer of a product page (if it has one), then its other sellers."""
    with _bot_wall_check(html):
        return read_product(html, Locale.of(detect_site(html, url)), url)


def parse_seller_profile(html: str, url: str | None = None) -> SellerProfile:
    """A seller's profile page."""
    with _bot_wall_check(html):
        return read_seller_profile(html, Locale.of(detect_site(html, url)), url)


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse one Amazon page of a known kind; BlockedError for bot walls, ParseError for drift/unsupported kinds."""
    if kind not in ("ranking", "offers", "product", "seller"):
        raise ParseError(MARKETPLACE, kind, "Amazon parsers read ranking, offers, product and seller pages")
    site = detect_site(text, url)
    locale = Locale.of(site)
    records: list[Offer] | list[RankingEntry] | list[SellerProfile]
    list_name = None
    with _bot_wall_check(text):
        if kind == "ranking":
            records, list_name = read_ranking(text, locale)
        elif kind == "offers":
            records = read_offer_listing(text, locale, url)
        elif kind == "product":
            records = read_product(text, locale, url)
        else:
            records = [read_seller_profile(text, locale, url)]
    return ParsedPage(marketplace=MARKETPLACE, kind=kind, records=list(records), site=site, list_name=list_name)


@contextmanager
def _bot_wall_check(text: str) -> Iterator[None]:
    """Turn a reader's ParseError into BlockedError when the page is a bot wall.

    A captcha or throttling page holds nothing any reader looks for, so every reader fails on it: looking for
    the bot wall's marks only then spares every good page a scan of its first 200,000 characters (a quarter
    of a millisecond, a fifth of an offer listing's parse).
    """
    try:
        yield
    except ParseError:
        raise_if_blocked(text)
        raise


def is_blocked(text: str) -> bool:
    """True when the page is Amazon's captcha or throttling page."""
    return blocked_reason(text) is not None
