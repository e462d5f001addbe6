"""Business names, addresses, countries and domains normalised so that one business compares equal across
marketplaces: "AnkerDirect-US", "anker_official" and "Anker Direct" all become "anker".

Accents and ANSI/control characters are removed, camelCase and glued suffixes ("…Official", "…Store") split,
legal forms ("GmbH", "Co., Ltd."), store words and Chinese registered-name padding dropped. Pure functions.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import urlsplit

from scout.sanitize import strip_control

LEGAL_FORMS = frozenset("""
    llc inc incorporated corp corporation co company ltd limited plc llp lp pty pvt gmbh mbh kg ag ug
    haftungsbeschrankt ek ev ohg gbr sarl sas sasu sa eurl sci snc sl slu sll srl srls spa sapa sp z oo zoo spzoo
    spj sk ska bv nv oy ab as aps kft sro doo ooo
""".split())
# What Chinese registered names put around the brand: "Shenzhen <brand> Technology Co., Ltd.".
COMPANY_DESCRIPTORS = frozenset("""
    technology technologies trading industrial industry commerce ecommerce e international group holdings
    holding import export enterprise enterprises network science development manufacturing
""".split())
CN_CITIES = frozenset("""
    shenzhen guangzhou hangzhou ningbo xiamen yiwu dongguan shanghai beijing foshan zhongshan suzhou jinhua
    wenzhou quanzhou fuzhou hongkong hk
""".split())
STOP_WORDS = frozenset("""
    official oficial officiel offiziell ufficiale store shop direct tienda boutique sklep negozio studio online
    us usa uk gb de fr eu es it pl ar cn mx ca au jp europe america france deutschland germany espana spain italia
    italy polska poland argentina mexico
""".split())
GLUED_SUFFIXES = ("official", "oficial", "direct", "store", "shop", "studio")
TRUNCATED_AT = 20  # Etsy's shop-name limit: "IronictekSupplyStudi" is "IronictekSupply" + a cut-off "Studio"
_SPECIAL = {"ß": "ss", "ẞ": "ss", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe",
            "Œ": "OE", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"}
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z]|[A-Z]{2})|(?<=[A-Z])(?=[A-Z][a-z])")
_TOKEN = re.compile(r"[^\W_]+")
_TRAILING_DIGITS = re.compile(r"(?<=[a-z]{3})\d+$")
_JOINERS = str.maketrans("", "", ".'’`´")
COUNTRY_NAMES = {
    "UK": "GB", "UNITED KINGDOM": "GB", "GREAT BRITAIN": "GB", "ENGLAND": "GB", "USA": "US", "UNITED STATES": "US",
    "GERMANY": "DE", "DEUTSCHLAND": "DE", "FRANCE": "FR", "SPAIN": "ES", "ESPAÑA": "ES", "ITALY": "IT",
    "ITALIA": "IT", "POLAND": "PL", "POLSKA": "PL", "CHINA": "CN", "ARGENTINA": "AR", "MEXICO": "MX",
}
MARKETPLACE_HOSTS = ("amazon.", "ebay.", "walmart.", "etsy.", "allegro.", "cdiscount.", "mercadolibre.",
                     "mercadolivre.")


def _fold_table(drop_special: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: None for start, end in _COMBINING for cp in range(start, end + 1)}
    table.update({ord(ch): None if drop_special else out for ch, out in _SPECIAL.items()})
    return table


_COMBINING = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE20, 0xFE2F))
_FOLD = {False: _fold_table(False), True: _fold_table(True)}


def fold_text(text: str, *, drop_special: bool = False) -> str:
    """Accents removed (`Crème` -> `Creme`); ß, ł, ø … spelled out, or dropped as ASCII-only handles do.

    ANSI escapes and control characters in scraped names are removed first.
    """
    text = strip_control(text)
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text).translate(_FOLD[drop_special])


def _raw_tokens(text: str, drop_special: bool) -> list[str]:
    spaced = _CAMEL.sub(" ", fold_text(text, drop_special=drop_special)).translate(_JOINERS)
    return _TOKEN.findall(spaced.lower())


def _strip_legal(tokens: list[str]) -> list[str]:
    tokens = list(tokens)
    popped = set()
    while len(tokens) > 1 and tokens[-1] in LEGAL_FORMS:
        popped.add(tokens.pop())
    if popped & {"co", "ltd", "limited"} and len(tokens) > 1 and tokens[-1] in COMPANY_DESCRIPTORS:
        tokens.pop()
    if popped and len(tokens) > 1 and tokens[0] in CN_CITIES:
        tokens.pop(0)
    return tokens


def _strip_glued(token: str) -> str:
    changed = True
    while changed:
        changed = False
        for suffix in GLUED_SUFFIXES:
            if token.endswith(suffix) and len(token) - len(suffix) >= 3:
                token, changed = token[: -len(suffix)], True
        stripped = _TRAILING_DIGITS.sub("", token)
        if stripped != token:
            token, changed = stripped, True
    return token


def name_tokens(text: str | None, *, drop_special: bool = False) -> list[str]:
    """The words that identify a business in a name: no case, accents, punctuation, legal forms or shop words."""
    raw = _raw_tokens(text or "", drop_special)
    tokens = _strip_legal(raw)
    if len(text or "") >= TRUNCATED_AT and len(tokens) > 1 and any(
            w.startswith(tokens[-1]) for w in GLUED_SUFFIXES):
        tokens.pop()
    tokens = [t for t in tokens if t not in STOP_WORDS]
    if tokens:
        tokens[-1] = _strip_glued(tokens[-1])
    return tokens or raw


def normalize_name(text: str | None) -> str:
    """`AnkerDirect-US`, `anker_official`, `Anker Direct LLC` -> `anker`; `Café Crème SARL` -> `cafe creme`."""
    return " ".join(name_tokens(text))


@lru_cache(maxsize=1 << 18)
def name_keys(text: str | None) -> tuple[str, ...]:
    """The space-free forms a name is compared by (two when ß, ł … can also be dropped, as ASCII handles do)."""
    keys = ["".join(name_tokens(text))]
    if text and not text.isascii() and any(ch in _SPECIAL for ch in text):
        keys.append("".join(name_tokens(text, drop_special=True)))
    return tuple(dict.fromkeys(k for k in keys if k))


@lru_cache(maxsize=1 << 18)
def legal_key(text: str | None) -> str | None:
    """A registered name without case, accents, punctuation or legal form (`Nordic Home GmbH` -> `nordichome`)."""
    key = "".join(_strip_legal(_raw_tokens(text or "", False)))
    return key or None


@lru_cache(maxsize=1 << 18)
def address_key(text: str | None) -> frozenset[str] | None:
    """The words and numbers of an address, in any order (marketplaces format addresses differently)."""
    tokens = frozenset(_raw_tokens(text or "", False))
    return tokens if len(tokens) >= 2 else None


def address_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the shorter address found in the other (1.0: same place written two ways)."""
    return len(a & b) / min(len(a), len(b))


def normalize_country(value: str | None) -> str | None:
    """An ISO 3166 alpha-2 code for `DE`, `de`, `Germany`, `UK` …; None when unknown."""
    text = (value or "").strip().upper()
    if not text:
        return None
    return COUNTRY_NAMES.get(text, text)


def normalize_domain(value: str | None) -> str | None:
    """`https://www.Anker.com/about`, `sales@anker.com`, `anker.com` -> `anker.com`; None for marketplace hosts.

    The one rule for a business's own domain (identity links and suppression compare these): scheme, path, port,
    `www.` and a trailing dot dropped, lower case, an internationalised name in its ASCII (punycode) form, so
    `https://www.Müller.de/` and `xn--mller-kva.de` are one domain.
    """
    text = strip_control(value or "").strip().lower()
    if not text:
        return None
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    except ValueError:  # e.g. an unbalanced "[" taken for an IPv6 address
        return None
    ascii_host = _ascii_host(host.rstrip(".").removeprefix("www."))
    if not ascii_host or "." not in ascii_host or any(f".{m}" in f".{ascii_host}" for m in MARKETPLACE_HOSTS):
        return None
    return ascii_host


def _ascii_host(host: str) -> str | None:
    """A host name in ASCII: each internationalised label in punycode (IDNA); None for one that cannot be."""
    if host.isascii():
        return host
    try:
        return ".".join(label.encode("idna").decode("ascii") for label in host.split("."))
    except UnicodeError:
        return None


# mailbox providers: an address there says nothing about whose business it is
FREE_MAIL_DOMAINS = frozenset("""
    gmail.com googlemail.com outlook.com hotmail.com hotmail.de hotmail.fr hotmail.co.uk hotmail.it hotmail.es
    live.com live.de live.fr msn.com yahoo.com yahoo.de yahoo.fr yahoo.co.uk yahoo.it yahoo.es ymail.com aol.com
    icloud.com me.com mac.com gmx.de gmx.net gmx.at gmx.com web.de t-online.de freenet.de mail.de posteo.de
    orange.fr wanadoo.fr free.fr sfr.fr laposte.net libero.it virgilio.it alice.it tiscali.it wp.pl o2.pl
    onet.pl interia.pl op.pl gazeta.pl protonmail.com proton.me mail.com zoho.com yandex.com yandex.ru mail.ru
    qq.com 163.com 126.com sina.com aliyun.com foxmail.com
""".split())


def email_domain(email: str | None) -> str | None:
    """The domain of a business's own e-mail address; None for a mailbox provider's (gmail.com …)."""
    domain = normalize_domain(email) if email and "@" in email else None
    return domain if domain not in FREE_MAIL_DOMAINS else None


def own_domains(website: str | None, email: str | None) -> tuple[str, ...]:
    """A storefront's own domains: its website's, then its e-mail's (unless a mailbox provider's)."""
    return tuple(dict.fromkeys(d for d in (normalize_domain(website), email_domain(email)) if d))
