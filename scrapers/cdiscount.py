"""Cdiscount (France, EUR, decimal commas): search results, marketplace offer lists and seller shop pages.

No Cdiscount page was captured. The fixtures in tests/fixtures/cdiscount follow the structure public
scrapers read: search results (`/search/10/<term>.html`) as `ul#lpBloc > li[data-sku]` cards with the
title in `.prdtBILDetails a .prdtBTit`, the price in `.price` ("1 199€99") and the marketplace offers
link `a.lpSeeMoreOffers`; the offers list (`/mp-<node>-<sku>.html`) as `#fpmContent .fpTab` rows with the
seller in `.fpSlrName a.slrName` linking to `/mpv-<id>-<slug>.html` and the price in `p.price`; the shop page
(`/mpv-<id>-<slug>.html`) by its `TechnicalForm.SellerId` / `TechnicalForm.PageType=MARKETPLACE_SELLERSHOP`
inputs. Figures are read from their French wording ("4,6/5", "(12 345 avis)", "58 230 ventes"). A product's
category is the trail of a schema.org BreadcrumbList ("High-Tech > Téléviseurs", the home link left out).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any
from urllib.parse import quote_plus, unquote_plus, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.contacts import ContactFields
from scrapers.errors import BlockedError, ParseError
from scrapers.numbers import parse_int, parse_price, parse_stars
from scrapers.records import Offer, ParsedPage, RankingEntry, SellerProfile
from scrapers.util import node_text

MARKETPLACE = "cdiscount"
SITE = "cdiscount.com"
BASE = "https://www.cdiscount.com"
PLATFORM_NAME = "Cdiscount"

_SELLER_LINK = re.compile(r"/mpv-(\d+)-([^/?#.]+)\.html")
_PRODUCT = re.compile(r"/(?:mp|f)-\d+-([A-Za-z0-9]+)\.html")
_NODE = re.compile(r"/(?:mp|f)-(\d+)-[A-Za-z0-9]+\.html")
_SEARCH_PATH = re.compile(r"/search/10/([^/?#]+)\.html")
_STARS = re.compile(r"(\d(?:[.,]\d{1,2})?)\s*/\s*5\b")
_RATINGS = re.compile(r"(?<![\d/,.])(\d[\d\u00a0\u202f ]*)\s+avis\b")
_SALES = re.compile(r"(?<![\d/,.])(\d[\d\u00a0\u202f ]*)\s+ventes\b")
_SINCE = re.compile(r"depuis le\s+(\d{2})/(\d{2})/(\d{4})")
_EURO_CENTS = re.compile(r"(\d[\d\u00a0\u202f ]*)€\s*(\d{2})\b")
_BOT_WALL = ("trafic inhabituel", "captcha-delivery.com")


def offers_url(product_id: str, node_id: int | str = 0) -> str:
    """The marketplace offers list of a product (`/mp-<node>-<sku>.html`)."""
    return f"{BASE}/mp-{node_id}-{product_id}.html"


def search_url(term: str) -> str:
    """The search results of a term (`/search/10/<term>.html`)."""
    return f"{BASE}/search/10/{quote_plus(term)}.html"


def seller_url(seller_id: int | str, slug: str = "") -> str:
    """A seller's shop page (`/mpv-<id>-<slug>.html`)."""
    return f"{BASE}/mpv-{seller_id}-{slug}.html" if slug else f"{BASE}/mpv-{seller_id}.html"


def detect(text: str, url: str | None = None) -> str | None:
    """The kind of a Cdiscount page, or None when it is not Cdiscount's."""
    head = text[:400_000]
    # The JSON test first: lowering a whole API response only to find it is not Cdiscount's costs ~1 ms.
    if head.lstrip()[:1] in ("{", "[") or ("cdiscount" not in head and "cdiscount" not in head.lower()):
        return None
    if any(marker in head for marker in _BOT_WALL):
        return kind_from_url(url) or "offers"  # claimed so parse() can raise BlockedError
    if 'id="fpmContent"' in text:
        return "offers"
    if "MARKETPLACE_SELLERSHOP" in text or 'value="StoreSeller"' in text:
        return "seller"
    if 'id="lpBloc"' in text:
        return "ranking"
    return None


def kind_from_url(url: str | None) -> str | None:
    """The page kind a Cdiscount URL addresses (search → ranking, /mp- → offers, /mpv- → seller)."""
    if not url:
        return None
    if "/search/" in url:
        return "ranking"
    if "/mpv-" in url:
        return "seller"
    if "/mp-" in url:
        return "offers"
    return None


def parse(text: str, kind: str, url: str | None = None) -> ParsedPage:
    """Parse a Cdiscount page of `kind` ("ranking" for search results, "offers" or "seller")."""
    check_blocked(text)
    list_name = None
    if kind == "ranking":
        records: list[Any] = parse_search_page(text, url)
        term = _SEARCH_PATH.search(url or "")
        list_name = unquote_plus(term.group(1)) if term else None
    elif kind == "offers":
        records = parse_offer_listing(text, url)
    elif kind == "seller":
        records = [parse_seller_page(text, url)]
    else:
        raise ParseError(MARKETPLACE, kind, "Cdiscount parsers read 'ranking' (search), 'offers' and 'seller' pages")
    return ParsedPage(marketplace=MARKETPLACE, kind=kind, records=records, site=SITE, list_name=list_name)


def check_blocked(text: str) -> None:
    """Raise BlockedError for Cdiscount's bot-protection page ("Nous avons détecté un trafic inhabituel")."""
    head = text[:400_000]
    if any(marker in head for marker in _BOT_WALL):
        raise BlockedError(MARKETPLACE, "bot protection page (trafic inhabituel)")


def parse_euro_price(text: str | None) -> Decimal | None:
    """A euro amount written `1 234,56 €` or Cdiscount's `1 234€56`."""
    if not text:
        return None
    cents = _EURO_CENTS.search(text)
    if cents:
        euros = re.sub(r"\D", "", cents.group(1))
        return Decimal(f"{euros}.{cents.group(2)}")
    return parse_price(text, "EUR", decimal_comma=True)[0]


def parse_search_page(html: str, url: str | None = None) -> list[RankingEntry]:
    """Search results in page order, each linking its marketplace offers list (`/mp-<node>-<sku>.html`)."""
    tree = LexborHTMLParser(html)
    results = tree.css_first("ul#lpBloc")
    cards = results.css("li[data-sku]") if results is not None else []
    if not cards:
        if results is not None and "Aucun résultat" in (node_text(tree.body) or ""):
            return []  # the page says the search found nothing
        raise ParseError(MARKETPLACE, "ranking", "no search results (ul#lpBloc li[data-sku])")
    entries = [_card_entry(card, position) for position, card in enumerate(cards, 1)]
    if not any(entry.title for entry in entries):
        raise ParseError(MARKETPLACE, "ranking", "search results without titles (.prdtBILDetails .prdtBTit)")
    return entries


def parse_offer_listing(html: str, url: str | None = None) -> list[Offer]:
    """One Offer per row of a product's marketplace offers list, Cdiscount's own offer included."""
    tree = LexborHTMLParser(html)
    rows = tree.css("#fpmContent .fpTab")
    if not rows:
        raise ParseError(MARKETPLACE, "offers", "no offer rows (#fpmContent .fpTab)")
    product_id = _product_id(tree, url)
    title = node_text(tree.css_first("h1"))
    category = breadcrumb(tree)
    offers, unnamed = [], 0
    for row in rows:
        offer = _row_offer(row, product_id, title, category)
        if offer is not None:
            offers.append(offer)
        elif row.css_first('a[href*="/mpv-"]') is not None:
            unnamed += 1
    if unnamed or not offers:
        raise ParseError(MARKETPLACE, "offers", "offer rows without a seller name (.fpSlrName .slrName)")
    return offers


def parse_seller_page(html: str, url: str | None = None) -> SellerProfile:
    """A SellerProfile from a seller's shop page (`/mpv-<id>-<slug>.html`)."""
    tree = LexborHTMLParser(html)
    seller_input = tree.css_first('input[name="TechnicalForm.SellerId"]')
    link = _SELLER_LINK.search(url or "")
    seller_id = (seller_input.attributes.get("value") if seller_input is not None else None) or (
        link.group(1) if link else None
    )
    name = node_text(tree.css_first("h1"))
    for node in tree.css("script, style, noscript"):
        node.decompose()
    text = tree.body.text(separator=" ") if tree.body else ""
    stars, ratings, sales = _STARS.search(text), _RATINGS.search(text), _SALES.search(text)
    if not name or not seller_id or (stars is None and sales is None):
        raise ParseError(MARKETPLACE, "seller", "shop page without seller name/id and rating or sales")
    since = _SINCE.search(text)
    canonical = tree.css_first('link[rel="canonical"]')
    page_url = url or (canonical.attributes.get("href") if canonical is not None else None)
    return SellerProfile(
        seller_id=seller_id,
        name=name,
        rating_count=parse_int(ratings.group(1)) if ratings else None,
        stars=parse_stars(stars.group(1), decimal_comma=True) if stars else None,
        sales_count=parse_int(sales.group(1)) if sales else None,
        created=f"{since.group(3)}-{since.group(2)}-{since.group(1)}" if since else None,
        badge="Vendeur professionnel" if "Vendeur professionnel" in text else None,
        url=page_url or seller_url(seller_id),
        **_legal_info(tree),
    )


def breadcrumb(tree: LexborHTMLParser) -> str | None:
    """The category trail of a schema.org BreadcrumbList, home left out: `High-Tech > Téléviseurs`."""
    trail = tree.css_first('[itemtype$="schema.org/BreadcrumbList"]')
    if trail is None:
        return None
    names = [name for n in trail.css('[itemprop="itemListElement"] [itemprop="name"]')
             if (name := node_text(n)) and name.casefold() not in ("accueil", "cdiscount")]
    return " > ".join(names) or None


def _row_offer(row: LexborNode, product_id: str | None, title: str | None, category: str | None = None,
               ) -> Offer | None:
    seller = row.css_first(".fpSlrName .slrName")
    name = node_text(seller)
    row_text = node_text(row) or ""
    price = parse_euro_price(node_text(row.css_first(".fpSlrPrice .price") or row.css_first("p.price")))
    if (name and name.casefold() == PLATFORM_NAME.casefold()) or (not name and "expédié par Cdiscount" in row_text):
        return Offer(
            seller_id=None,
            name=PLATFORM_NAME,
            price=price,
            currency="EUR",
            is_platform=True,
            product_id=product_id,
            title=title,
            category=category,
        )
    if not name or seller is None:
        return None
    link = _SELLER_LINK.search(seller.attributes.get("href") or "")
    stars, ratings, sales = _STARS.search(row_text), _RATINGS.search(row_text), _SALES.search(row_text)
    return Offer(
        seller_id=link.group(1) if link else None,
        name=name,
        rating_count=parse_int(ratings.group(1)) if ratings else None,
        price=price,
        currency="EUR",
        product_id=product_id,
        title=title,
        stars=parse_stars(stars.group(1), decimal_comma=True) if stars else None,
        sales_count=parse_int(sales.group(1)) if sales else None,
        url=seller_url(link.group(1), link.group(2)) if link else None,
        seller_url=seller_url(link.group(1), link.group(2)) if link else None,
        category=category,
    )


def _card_entry(card: LexborNode, position: int) -> RankingEntry:
    sku = (card.attributes.get("data-sku") or "").lower()
    link = card.css_first(".prdtBILDetails a[href]")
    href = (link.attributes.get("href") or "") if link is not None else ""
    title = node_text(card.css_first(".prdtBTit")) or (link.attributes.get("title") if link is not None else None)
    offers = card.css_first("a.lpSeeMoreOffers[href]")
    node = _NODE.search(href)
    if offers is not None:
        url: str | None = urljoin(BASE + "/", offers.attributes.get("href") or "")
    else:
        url = offers_url(sku, node.group(1)) if node else (urljoin(BASE + "/", href) if href else None)
    stars_box = card.css_first(".prdtBStar")
    stars_text = " ".join(filter(None, [node_text(stars_box)] + [
        n.attributes.get("title") for n in (stars_box.css("[title]") if stars_box is not None else [])]))
    stars, ratings = _STARS.search(stars_text), _RATINGS.search(stars_text)
    price = parse_euro_price(node_text(card.css_first(".prdtPrice .price") or card.css_first(".price")))
    return RankingEntry(
        rank=position,
        product_id=sku,
        title=title,
        stars=parse_stars(stars.group(1), decimal_comma=True) if stars else None,
        rating_count=parse_int(ratings.group(1)) if ratings else None,
        price=price,
        currency="EUR" if price is not None else None,
        url=url,
    )


def _product_id(tree: LexborHTMLParser, url: str | None) -> str | None:
    from_url = _PRODUCT.search(url or "")
    if from_url:
        return from_url.group(1).lower()
    want = tree.css_first("div.WantButton[data-productid]")
    value = want.attributes.get("data-productid") if want is not None else None
    return value.lower() if value else None


def _legal_info(tree: LexborHTMLParser) -> dict[str, Any]:
    """The contact fields of the shop's "Informations légales" (`Label : value` items: Raison sociale, Forme
    juridique, Adresse, Pays, SIRET, N° TVA, Téléphone, E-mail, Site web; labels as scrapers.contacts names them)."""
    fields = ContactFields()
    for item in tree.css(".slrLegal li, #slrInfos li"):
        fields.add_line(node_text(item))
    return fields.profile_fields()
