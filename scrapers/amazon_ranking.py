"""Amazon best-seller lists (`/gp/bestsellers/…`, `/zgbs/…`): the 2022 grid and the older `zg-item-immersion` list.

The grid (`#gridItemRoot`, `.zg-bdg-text`, `.p13n-sc-uncoverable-faceout[id=ASIN]`) is read from a real capture;
the older list (`li.zg-item-immersion` / `div.zg_itemImmersion`, `.zg-badge-text` / `.zg_rankNumber`,
`data-p13n-asin-metadata`) follows the markup that public best-seller scrapers of 2017-2021 select on.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.amazon_site import (
    MARKETPLACE,
    Locale,
    asin_from_href,
    check_site,
    descendants,
    first_text,
    is_asin,
    text_of,
)
from scrapers.errors import ParseError
from scrapers.numbers import parse_int, parse_stars
from scrapers.records import RankingEntry

_ITEMS = "#gridItemRoot, li.zg-item-immersion, div.zg_itemImmersion, div.zg-item-immersion"
_RANK = (".zg-bdg-text", ".zg-badge-text", ".zg_rankNumber")
_TITLE = ("[class*='line-clamp']", ".p13n-sc-truncate", ".p13n-sc-truncated", ".zg_title")
_PRICE = ("[class*='p13n-sc-price']", ".a-color-price", ".zg_price .price")
# One query per item finds what every field reads first; the later choices are queried only when it finds nothing.
# The rating count is the first `.a-size-small` in the item's first `.a-icon-row` (the row itself included).
_FIELDS = ", ".join((*_RANK, "[data-asin]", "[data-p13n-asin-metadata]", ".p13n-sc-uncoverable-faceout", _TITLE[0],
                     ".a-icon-alt", ".a-icon-row", _PRICE[0], ".a-icon-row .a-size-small", ".a-icon-row.a-size-small"))
_RANK_CLASSES = frozenset(name[1:] for name in _RANK)


_LIST_HEADING = re.compile(
    r"^(?:amazon\S*\s+)?(?:best\s*sellers?|bestseller|meilleures ventes|(?:los )?más vendidos)"
    r"\s*(?:in|en|dans|:)\s+(.+)$",
    re.IGNORECASE,
)


def product_url(site: str, asin: str) -> str:
    """The product page of an ASIN: `https://www.<site>/dp/<asin>`."""
    return f"https://www.{check_site(site)}/dp/{asin}"


def _item_fields(item: LexborNode) -> dict[str, list[LexborNode]]:
    """The nodes of an item that the first choice of each field selects, in document order, from one query."""
    fields: dict[str, list[LexborNode]] = {}
    for node in item.css(_FIELDS):
        attributes = node.attributes
        value = attributes.get("class") or ""
        classes = value.split()
        # Plain tests rather than a table of them: this runs for every node the query finds (0.15 ms a page, not 0.26).
        if not _RANK_CLASSES.isdisjoint(classes):
            fields.setdefault("rank", []).append(node)
        if "data-asin" in attributes:
            fields.setdefault("asin", []).append(node)
        if "data-p13n-asin-metadata" in attributes:
            fields.setdefault("metadata", []).append(node)
        if "p13n-sc-uncoverable-faceout" in classes:
            fields.setdefault("faceout", []).append(node)
        if "line-clamp" in value:
            fields.setdefault("title", []).append(node)
        if "a-icon-alt" in classes:
            fields.setdefault("stars", []).append(node)
        if "a-icon-row" in classes:
            fields.setdefault("row", []).append(node)
        if "p13n-sc-price" in value:
            fields.setdefault("price", []).append(node)
        if "a-size-small" in classes:
            fields.setdefault("small", []).append(node)
    return fields


def _first_text_of(nodes: list[LexborNode] | None) -> str | None:
    for node in nodes or ():
        value = text_of(node)
        if value:
            return value
    return None


def _item_asin(item: LexborNode, fields: dict[str, list[LexborNode]]) -> str | None:
    for node in fields.get("asin", ()):
        if is_asin(node.attributes.get("data-asin")):
            return node.attributes.get("data-asin")
    for node in fields.get("metadata", ()):
        try:
            asin = json.loads(node.attributes.get("data-p13n-asin-metadata") or "{}").get("asin")
        except (ValueError, AttributeError):
            continue
        if is_asin(asin):
            return str(asin)
    faceout = fields.get("faceout")
    if faceout and is_asin(faceout[0].attributes.get("id")):
        return faceout[0].attributes.get("id")
    for link in item.css("a[href]"):
        asin = asin_from_href(link.attributes.get("href"))
        if asin:
            return asin
    return None


def _item_title(item: LexborNode, fields: dict[str, list[LexborNode]]) -> str | None:
    title = _first_text_of(fields.get("title")) or first_text(item, *_TITLE[1:])
    if title:
        return title
    image = item.css_first("img[alt]")
    return (image.attributes.get("alt") or None) if image is not None else None


def _rating_count(fields: dict[str, list[LexborNode]]) -> int | None:
    """The count in the first non-empty `.a-size-small` of the item's first rating row (the row itself included)."""
    rows = fields.get("row")
    if not rows:
        return None
    row = rows[0]
    own = row.mem_id  # comparing ids: LexborNode's == costs as much as a query
    for node in fields.get("small", ()):
        if node.mem_id == own or _holds(row, node):
            value = text_of(node)
            if value:
                return parse_int(value)
    return None


@lru_cache(maxsize=512)
def _rank(text: str | None) -> int | None:
    return parse_int(text)  # "#1", "12." — a small set of strings every best-seller page repeats


@lru_cache(maxsize=512)
def _stars(text: str | None, decimal_comma: bool | None) -> float | None:
    return parse_stars(text, decimal_comma)  # "4.6 out of 5 stars": as few strings as there are ratings


def _entry(item: LexborNode, locale: Locale, rank: int, fields: dict[str, list[LexborNode]]) -> RankingEntry | None:
    asin = _item_asin(item, fields)
    if asin is None:
        return None
    price, currency = locale.price(_first_text_of(fields.get("price")) or first_text(item, *_PRICE[1:]))
    url: str | None
    if locale.site:
        url = product_url(locale.site, asin)
    else:
        link = item.css_first("a[href*='/dp/'], a[href*='/gp/product/']")
        url = link.attributes.get("href") if link is not None else None
    return RankingEntry(
        rank=rank,
        product_id=asin,
        title=_item_title(item, fields),
        stars=_stars(_first_text_of(fields.get("stars")), locale.decimal_comma),
        rating_count=_rating_count(fields),
        price=price,
        currency=currency,
        url=url,
    )


def _holds(node: LexborNode, other: LexborNode) -> bool:
    """True when `other` lies inside `node`: its walk up meets `node` before any of node's own ancestors."""
    stops: set[int] = set()
    parent = node.parent
    while parent is not None and len(stops) < 3:
        stops.add(parent.mem_id)
        parent = parent.parent
    own = node.mem_id
    parent = other.parent
    while parent is not None:
        mem = parent.mem_id
        if mem == own:
            return True
        if mem in stops:
            return False
        parent = parent.parent
    return False


def _leaf_items(items: list[LexborNode]) -> list[LexborNode]:
    """The items that hold no other item (an item holding any holds the next one in document order)."""
    return [item for item, after in zip(items, items[1:], strict=False) if not _holds(item, after)] + items[-1:]


def _list_name(tree: LexborHTMLParser) -> str | None:
    """The category a best-seller page ranks ("Tools & Home Improvement"), as the page names it."""
    # One walk of the tree for the five places the name may be, read in order of preference.
    found = tree.css("#zg_banner_text_wrapper, #zg_listTitle, h1")
    banners = [node for node in found if node.id == "zg_banner_text_wrapper"]
    titles = [node for node in found if node.id == "zg_listTitle"]
    heading = (
        _first_text_of([category for node in banners for category in descendants(node, ".category")])
        or _first_text_of([category for node in titles for category in descendants(node, ".category")])
        or _first_text_of(banners)
        or _first_text_of(titles)
        or _first_text_of([node for node in found if node.tag == "h1"])
    )
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
    items = _leaf_items(tree.css(_ITEMS))
    entries: list[RankingEntry] = []
    for item in items:
        fields = _item_fields(item)
        printed = _rank(_first_text_of(fields.get("rank")))
        rank = printed if printed is not None else (entries[-1].rank + 1 if entries else 1)
        entry = _entry(item, locale, rank, fields)
        if entry is not None:
            entries.append(entry)
    if not entries:
        missing = "ranked products (#gridItemRoot / .zg-item-immersion)" if not items else "ASINs in ranked items"
        raise ParseError(MARKETPLACE, "ranking", f"no {missing}")
    return entries, _list_name(tree)
