"""Amazon best-seller lists (`/gp/bestsellers/…`, `/zgbs/…`): the 2022 grid and the older `zg-item-immersion` list.

The grid (`#gridItemRoot`, `.zg-bdg-text`, `.p13n-sc-uncoverable-faceout[id=ASIN]`) is read from a real capture;
the older list (`li.zg-item-immersion` / `div.zg_itemImmersion`, `.zg-badge-text` / `.zg_rankNumber`,
`data-p13n-asin-metadata`) follows the markup that public best-seller scrapers of 2017-2021 select on.
"""

from __future__ import annotations

import json
import re

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scout.errors import ParseError
from scrapers.amazon_site import (
    MARKETPLACE,
    Locale,
    asin_from_href,
    check_site,
    descendants,
    first_text,
    is_asin,
)
from scrapers.numbers import parse_int, parse_stars
from scrapers.records import RankingEntry

_ITEMS = "#gridItemRoot, li.zg-item-immersion, div.zg_itemImmersion, div.zg-item-immersion"
_RANK = ".zg-bdg-text, .zg-badge-text, .zg_rankNumber"
_TITLE = ("[class*='line-clamp']", ".p13n-sc-truncate", ".p13n-sc-truncated", ".zg_title")
_PRICE = ("[class*='p13n-sc-price']", ".a-color-price", ".zg_price .price")


_LIST_HEADING = re.compile(
    r"^(?:amazon\S*\s+)?(?:best\s*sellers?|bestseller|meilleures ventes|(?:los )?más vendidos)"
    r"\s*(?:in|en|dans|:)\s+(.+)$",
    re.IGNORECASE,
)


def product_url(site: str, asin: str) -> str:
    """The product page of an ASIN: `https://www.<site>/dp/<asin>`."""
    return f"https://www.{check_site(site)}/dp/{asin}"


def _item_asin(item: LexborNode) -> str | None:
    for node in item.css("[data-asin]"):
        if is_asin(node.attributes.get("data-asin")):
            return node.attributes.get("data-asin")
    for node in item.css("[data-p13n-asin-metadata]"):
        try:
            asin = json.loads(node.attributes.get("data-p13n-asin-metadata") or "{}").get("asin")
        except (ValueError, AttributeError):
            continue
        if is_asin(asin):
            return str(asin)
    faceout = item.css_first(".p13n-sc-uncoverable-faceout")
    if faceout is not None and is_asin(faceout.attributes.get("id")):
        return faceout.attributes.get("id")
    for link in item.css("a[href]"):
        asin = asin_from_href(link.attributes.get("href"))
        if asin:
            return asin
    return None


def _item_title(item: LexborNode) -> str | None:
    title = first_text(item, *_TITLE)
    if title:
        return title
    image = item.css_first("img[alt]")
    return (image.attributes.get("alt") or None) if image is not None else None


def _rating_count(item: LexborNode) -> int | None:
    row = item.css_first(".a-icon-row")
    if row is None:
        return None
    return parse_int(first_text(row, ".a-size-small"))


def _entry(item: LexborNode, locale: Locale, rank: int) -> RankingEntry | None:
    asin = _item_asin(item)
    if asin is None:
        return None
    price, currency = locale.price(first_text(item, *_PRICE))
    link = item.css_first("a[href*='/dp/'], a[href*='/gp/product/']")
    href = link.attributes.get("href") if link is not None else None
    url = product_url(locale.site, asin) if locale.site else href
    return RankingEntry(
        rank=rank,
        product_id=asin,
        title=_item_title(item),
        stars=parse_stars(first_text(item, ".a-icon-alt"), locale.decimal_comma),
        rating_count=_rating_count(item),
        price=price,
        currency=currency,
        url=url,
    )


def _list_name(tree: LexborHTMLParser) -> str | None:
    """The category a best-seller page ranks ("Tools & Home Improvement"), as the page names it."""
    heading = first_text(tree, "#zg_banner_text_wrapper .category", "#zg_listTitle .category",
                         "#zg_banner_text_wrapper", "#zg_listTitle", "h1")
    if not heading:
        return None
    match = _LIST_HEADING.match(heading)
    return match.group(1).strip() if match else heading


def read_bestsellers(html: str, locale: Locale) -> list[RankingEntry]:
    """Every product of a best-seller page, with its rank as printed ("#1", "1.")."""
    return read_ranking(html, locale)[0]


def read_ranking(html: str, locale: Locale) -> tuple[list[RankingEntry], str | None]:
    """(every ranked product, the list's category) of a best-seller page."""
    tree = LexborHTMLParser(html)
    items = [item for item in tree.css(_ITEMS) if not descendants(item, _ITEMS)]
    entries: list[RankingEntry] = []
    for item in items:
        printed = parse_int(first_text(item, _RANK))
        rank = printed if printed is not None else (entries[-1].rank + 1 if entries else 1)
        entry = _entry(item, locale, rank)
        if entry is not None:
            entries.append(entry)
    if not entries:
        missing = "ranked products (#gridItemRoot / .zg-item-immersion)" if not items else "ASINs in ranked items"
        raise ParseError(MARKETPLACE, "ranking", f"no {missing}")
    return entries, _list_name(tree)
