"""Amazon's sites, their number conventions, its own merchant ids, bot walls and small markup helpers."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scrapers.errors import BlockedError, UnknownSiteError
from scrapers.numbers import parse_int, parse_percent, parse_price

MARKETPLACE = "amazon"


@dataclass(frozen=True, slots=True)
class Site:
    """One Amazon storefront: its domain, default currency and decimal convention."""

    domain: str
    currency: str
    decimal_comma: bool
    amazon_seller_id: str  # Amazon's own merchant id on this site (its "sold by Amazon" offers)


SITES: dict[str, Site] = {
    "amazon.com": Site("amazon.com", "USD", False, "ATVPDKIKX0DER"),
    "amazon.co.uk": Site("amazon.co.uk", "GBP", False, "A3P5ROKL5A1OLE"),
    "amazon.de": Site("amazon.de", "EUR", True, "A3JWKAKR8XB7XF"),
    "amazon.fr": Site("amazon.fr", "EUR", True, "A1X6FK5RDHNB96"),
    "amazon.es": Site("amazon.es", "EUR", True, "A1AT7YVPFBWXBL"),
    "amazon.it": Site("amazon.it", "EUR", True, "A11IL2PNWYJU7H"),
    "amazon.ca": Site("amazon.ca", "CAD", False, "A3DWYIK6Y9EEQB"),
}
AMAZON_SELLER_IDS: frozenset[str] = frozenset(s.amazon_seller_id for s in SITES.values())
# The sites' domain suffixes as a regex alternation ("com|co\.uk|de|…"), longest first.
DOMAINS = "|".join(re.escape(d.removeprefix("amazon.")) for d in sorted(SITES, key=len, reverse=True))

# When neither the URL nor the page names its host, these words say which storefront wrote the page.
_LANG_SITES = {
    "de": "amazon.de", "de-de": "amazon.de", "fr": "amazon.fr", "fr-fr": "amazon.fr", "es": "amazon.es",
    "es-es": "amazon.es", "it": "amazon.it", "it-it": "amazon.it", "en-gb": "amazon.co.uk", "en-us": "amazon.com",
    "en-ca": "amazon.ca", "fr-ca": "amazon.ca",
}
_WORD_SITES = (
    ("Verkäufer", "amazon.de"), ("Bewertungen", "amazon.de"), ("Versand durch", "amazon.de"),
    ("Vendeur", "amazon.fr"), ("Expéditeur", "amazon.fr"), ("évaluations", "amazon.fr"),
    ("Vendedor", "amazon.es"), ("valoraciones", "amazon.es"), ("Venditore", "amazon.it"), ("valutazioni", "amazon.it"),
)
_SITE_IN_TEXT = re.compile(r"(?:ue_sn\s*=\s*['\"]|<link[^>]+rel=[\"']canonical[\"'][^>]+href=[\"']https?://)"
                           rf"(?:www\.)?(amazon\.(?:{DOMAINS}))(?![\w.-])")
_CANONICAL_FIRST = re.compile(rf"<link[^>]+href=[\"']https?://(?:www\.)?(amazon\.(?:{DOMAINS}))(?![\w.-])"
                              r"[^\"']*[\"'][^>]+rel=[\"']canonical[\"']")
_HTML_LANG = re.compile(r"<html[^>]*\blang=[\"']([a-zA-Z-]+)[\"']")

# Amazon itself, and the Amazon-run sellers that keep their own names and ids (Warehouse/Resale).
_AMAZON_NAME = re.compile(
    rf"^amazon(?:\.(?:{DOMAINS}))?(?:\s+(?:eu|us|uk|services|export sales)"
    r"(?:\s+(?:s\.?\s?[àa]\.?\s?r\.?\s?l|llc|inc|ltd)\.?)?)?\.?$",
    re.IGNORECASE,
)
_AMAZON_RUN = re.compile(rf"^amazon(?:\.(?:{DOMAINS}))?\s+(?:warehouse|resale)\b", re.IGNORECASE)

ASIN_IN_PATH = re.compile(r"/(?:dp|gp/product|gp/offer-listing|product-reviews|gp/aw/d)/([A-Z0-9]{10})(?=[/?#&]|$)")
_ASIN = re.compile(r"^[A-Z0-9]{10}$")
_SELLER_ID = re.compile(r"^[A-Z0-9]{8,20}$")
_PERCENT = re.compile(r"(\d{1,3}(?:[.,]\d+)?)\s*%")
_PAREN_COUNT = re.compile(r"\(\s*(\d[\d.,\s\u00a0\u202f]*)[^()]*\)")


def check_site(site: str) -> str:
    """`site` itself when Scout reads that storefront, else UnknownSiteError."""
    if site not in SITES:
        raise UnknownSiteError(f"unknown Amazon site {site!r} (known: {', '.join(SITES)})")
    return site


def site_from_url(url: str | None) -> str | None:
    """The Amazon site ("amazon.de") a URL belongs to, or None for other hosts."""
    if not url:
        return None
    host = urlsplit(url if "//" in url else f"//{url}").hostname or ""
    for domain in sorted(SITES, key=len, reverse=True):
        if host == domain or host.endswith("." + domain):
            return domain
    return None


def detect_site(text: str, url: str | None = None) -> str | None:
    """The site a page came from: the URL, else the canonical link / `ue_sn`, else language and currency hints."""
    site = site_from_url(url)
    if site:
        return site
    head = text[:400_000]
    match = _SITE_IN_TEXT.search(head) or _CANONICAL_FIRST.search(head)
    if match:
        return match.group(1)
    lang = _HTML_LANG.search(head[:5000])
    if lang:
        return _LANG_SITES.get(lang.group(1).lower())  # e.g. "es-mx", "en-au": a storefront Scout does not read
    if "CDN$" in head:
        return "amazon.ca"
    if "£" in head:
        return "amazon.co.uk"
    if "€" in head:
        for word, site in _WORD_SITES:
            if word in head:
                return site
        return None
    return "amazon.com" if "$" in head else None


@dataclass(frozen=True, slots=True)
class Locale:
    """How to read one page's numbers: its site (if known), default currency and decimal convention."""

    site: str | None
    currency: str | None
    decimal_comma: bool | None

    @classmethod
    def of(cls, site: str | None) -> Locale:
        """The locale of a site, or an unknown one that lets the number parser guess."""
        if site in SITES:
            info = SITES[site]
            return cls(site, info.currency, info.decimal_comma)
        return cls(None, None, None)

    def price(self, text: str | None) -> tuple[Decimal | None, str | None]:
        """(amount, ISO currency) of a printed price."""
        amount, currency = parse_price(text, self.currency, self.decimal_comma)
        return amount, (currency if amount is not None else None)

    def percent(self, text: str | None) -> float | None:
        """The first percentage written as `97%` / `97 %` in the text."""
        match = _PERCENT.search(text or "")
        return parse_percent(match.group(1), self.decimal_comma) if match else None

    def paren_count(self, text: str | None) -> int | None:
        """The count written in parentheses, e.g. `(1,720 total ratings)` or `(92.284 Bewertungen)`."""
        match = _PAREN_COUNT.search(text or "")
        return parse_int(match.group(1)) if match else None


def amazon_seller_id(site: str | None) -> str | None:
    """Amazon's own merchant id on a site (ATVPDKIKX0DER on amazon.com), None when the site is unknown."""
    return SITES[site].amazon_seller_id if site in SITES else None


def is_amazon_name(name: str | None) -> bool:
    """True when a seller name is Amazon itself ("Amazon.com", "Amazon", "Amazon EU S.à r.l.")."""
    return bool(name) and _AMAZON_NAME.match((name or "").strip()) is not None


def is_amazon_run(name: str | None) -> bool:
    """True for Amazon-run sellers with their own names and ids ("Amazon Warehouse", "Amazon Resale")."""
    return bool(name) and _AMAZON_RUN.match((name or "").strip()) is not None


def query_param(href: str | None, name: str) -> str | None:
    """One query parameter of a link (`seller=…`), or None."""
    if not href:
        return None
    values = _query(href).get(name)
    return values[0].strip() if values and values[0].strip() else None


@lru_cache(maxsize=256)
def _query(href: str) -> dict[str, list[str]]:
    # Several parameters are read from each seller link (seller, me, asin): parse_qs once per link.
    return parse_qs(urlsplit(href).query)


def seller_id_from_href(href: str | None) -> str | None:
    """The merchant id in a seller link (`/gp/aag/main?seller=…`, `/sp?seller=…`, `/s?me=…`)."""
    value = query_param(href, "seller") or query_param(href, "me")
    return value if value and _SELLER_ID.match(value) else None


def asin_from_href(href: str | None) -> str | None:
    """The ASIN in a product link (`/dp/ASIN`, `/gp/product/ASIN`) or an `asin=` parameter."""
    if not href:
        return None
    match = ASIN_IN_PATH.search(href)
    if match:
        return match.group(1)
    value = query_param(href, "asin") or query_param(href, "ASIN")
    return value if value and _ASIN.match(value) else None


def is_asin(value: str | None) -> bool:
    """True for a ten-character ASIN / ISBN-10."""
    return bool(value) and _ASIN.match(value or "") is not None


def text_of(node: LexborNode | None) -> str | None:
    """Folded text of a node (None when missing or empty)."""
    if node is None:
        return None
    # What clean_text does (str.split and re's \s agree on whitespace), without the regex: called per field.
    return " ".join(node.text(deep=True, separator=" ").split()) or None


def descendants(node: LexborNode, selector: str) -> list[LexborNode]:
    """Nodes under `node` matching `selector` (lexbor's `node.css` also matches `node` itself)."""
    own = node.mem_id  # comparing ids: LexborNode's == costs as much as a query
    return [found for found in node.css(selector) if found.mem_id != own]


def first_text(root: LexborHTMLParser | LexborNode, *selectors: str) -> str | None:
    """The text of the first non-empty node matching any selector, in order."""
    for selector in selectors:
        for node in root.css(selector):
            value = text_of(node)
            if value:
                return value
    return None


# --- bot walls -------------------------------------------------------------------------------------------

_CAPTCHA_MARKS = ("/errors/validateCaptcha", "Type the characters you see in this image",
                  "Enter the characters you see below", "<title dir=\"ltr\">Robot Check</title>",
                  "<title>Robot Check</title>", "id=\"captchacharacters\"")
_HEAD = 200_000
_DOGS_MARKS = ("<title>Sorry! Something went wrong!</title>", "alt=\"Dogs of Amazon\"", "ref=cs_503_link")


def blocked_reason(text: str) -> str | None:
    """Why a page is a bot wall (captcha, "Sorry! Something went wrong!" dogs page), or None."""
    # find() with an end bound looks at the first 200,000 characters without copying them.
    if any(text.find(mark, 0, _HEAD) >= 0 for mark in _CAPTCHA_MARKS):
        return "captcha (Robot Check: /errors/validateCaptcha)"
    # The dogs page is small; a real page that links to it in a footer must not count.
    if len(text) < 60_000 and any(mark in text for mark in _DOGS_MARKS):
        return "error page 'Sorry! Something went wrong!' (throttled)"
    return None


def raise_if_blocked(text: str) -> None:
    """Raise BlockedError when the page is Amazon's captcha or throttling page."""
    reason = blocked_reason(text)
    if reason:
        raise BlockedError(MARKETPLACE, reason)
