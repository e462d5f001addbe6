"""One business across marketplaces: name normalisation, blocking, linking storefronts, persisting businesses.

Exact evidence links storefronts first: the same registered business name and address (Amazon's "Detailed Seller
Information" and its equivalents), the same website or e-mail domain, the same VAT number. Then display and
registered names, normalised ("AnkerDirect-US", "anker_official", "Anker Direct" all become "anker"), are compared
with rapidfuzz inside blocks (a shared prefix or suffix of the normalised name), never all against all. A fuzzy link
is refused when the two sides disagree on country, registered name or address, and it never puts two storefronts
of the same marketplace into one business: only exact evidence may do that.

The ORM models are imported by the functions that persist businesses only: `scout leads` compares names with this
module and should not pay ~0.3 s for importing SQLModel.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from rapidfuzz import process
from rapidfuzz.distance import Indel
from sqlalchemy import delete, func, select, update

from scout.sanitize import strip_control

if TYPE_CHECKING:
    from sqlmodel import Session

DEFAULT_THRESHOLD = 0.90  # normalised-name similarity (rapidfuzz Indel, 0-1) a fuzzy link needs
SUPPRESS_THRESHOLD = 0.92  # name similarity at which a suppression entry suppresses a business
NO_COUNTRY_PENALTY = 0.03  # more similarity needed when neither storefront says where it is based
CATEGORY_BONUS = 0.02  # less needed when both sell in the same category (more when they differ: twice this)
SAME_ADDRESS = 0.75  # share of the shorter address found in the other: the same place written two ways
OTHER_ADDRESS = 0.5  # below this the addresses are different places
BLOCK_KEY_LENGTH = 5
MAX_BLOCK = 1000  # names per block before it is split by longer keys
MAX_KEY_LENGTH = 20
DELETION_KEYS_UP_TO = 14  # names this short also block on their one-deletion neighbourhood
SINGLE = "single storefront"  # match_evidence of a business with one storefront
MANUAL_PREFIX = "manual"  # a business whose match_evidence starts with this is a person's decision: left alone

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
_FUZZY_SCORE = re.compile(r":[0-9.]+$")
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
    """`https://www.Anker.com/about`, `sales@anker.com`, `anker.com` -> `anker.com`; None for marketplace hosts."""
    text = (value or "").strip().lower()
    if not text:
        return None
    if "@" in text and "/" not in text:
        text = text.rsplit("@", 1)[1]
    try:
        host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    except ValueError:  # e.g. an unbalanced "[" taken for an IPv6 address
        return None
    host = host.removeprefix("www.")
    if "." not in host or any(marker in f".{host}" for marker in (f".{m}" for m in MARKETPLACE_HOSTS)):
        return None
    return host


@dataclass(frozen=True, slots=True)
class SellerFacts:
    """What matching knows about one storefront."""

    pk: int
    marketplace: str
    name: str | None
    site: str | None = None  # e.g. amazon.de: one business may run a storefront on several sites of a marketplace
    business_name: str | None = None
    business_address: str | None = None
    country: str | None = None
    domain: str | None = None
    vat_number: str | None = None
    category: str | None = None


@dataclass(frozen=True, slots=True)
class Cluster:
    """Storefronts found to be one business, and why."""

    pks: tuple[int, ...]
    evidence: str


@dataclass(slots=True)
class _Prepared:
    facts: SellerFacts
    keys: tuple[str, ...]
    legal: str | None
    address: frozenset[str] | None
    country: str | None


def _prepare(facts: SellerFacts) -> _Prepared:
    keys = name_keys(facts.name) + name_keys(facts.business_name)
    return _Prepared(facts, tuple(dict.fromkeys(keys)), legal_key(facts.business_name),
                     address_key(facts.business_address), normalize_country(facts.country))


def block_keys(key: str, length: int = BLOCK_KEY_LENGTH) -> list[str]:
    """The blocks a normalised name falls in: its first and its last `length` characters and, for a short name,
    itself with one character or syllable deleted (short names differing in the middle share no prefix)."""
    keys = [f"<{key[:length]}", f">{key[-length:]}"]
    if len(key) <= DELETION_KEYS_UP_TO:
        keys += _deletions(key)
    return keys


def _deletions(key: str) -> list[str]:
    """The name, and the name without any one character or any two adjacent ones (an inserted syllable)."""
    return [f"-{key}", *(f"-{key[:i]}{key[i + n:]}" for n in (1, 2) for i in range(len(key) - n + 1))]


def similar_pairs(left: Sequence[str], right: Sequence[str] | None = None, *,
                  cutoff: float = DEFAULT_THRESHOLD) -> dict[tuple[int, int], float]:
    """Pairs (i, j) of names scoring >= cutoff (Indel similarity), compared only within shared blocks.

    A block larger than MAX_BLOCK (names sharing a common start such as "bright…" or ending such as "…living") is
    split twice: by more of the same end, and by a few characters of the other end, so names that differ only in
    the middle still meet. With `right` None, pairs within `left` (i < j); otherwise i indexes `left`, j `right`.
    """
    others = left if right is None else right
    found: dict[tuple[int, int], float] = {}
    n = BLOCK_KEY_LENGTH
    everyone = (range(len(left)), range(len(others)))
    pending: list[tuple[bool, int, int, Sequence[int], Sequence[int]]] = [
        (True, n, 0, *everyone), (False, 0, n, *everyone), (True, -1, -1, *everyone)]
    while pending:
        from_head, head, tail, lids, rids = pending.pop()
        lblocks = _index(left, lids, head, tail)
        rblocks = lblocks if right is None else _index(others, rids, head, tail)
        for block, members in lblocks.items():
            targets = members if right is None else rblocks.get(block, [])
            if not targets or (right is None and len(members) < 2):
                continue
            if head >= 0 and len(members) + len(targets) > 2 * MAX_BLOCK and head + tail < MAX_KEY_LENGTH:
                pending += [(from_head, h, t, members, targets) for h, t in _finer(from_head, head, tail)]
                continue
            choices = [others[j] for j in targets]
            for i in members:
                for _, score, pos in process.extract(left[i], choices, scorer=Indel.normalized_similarity,
                                                     score_cutoff=cutoff, limit=None):
                    j = targets[pos]
                    if right is not None or j > i:
                        found[(i, j)] = score
    return found


def _finer(from_head: bool, head: int, tail: int) -> list[tuple[int, int]]:
    """The (head, tail) key lengths that split a block, each reached by one path only."""
    if from_head:
        return [(head + 3, 0), (head, 3)] if tail == 0 else [(head, tail + 3)]
    return [(0, tail + 3), (3, tail)] if head == 0 else [(head + 3, tail)]


def _index(names: Sequence[str], ids: Iterable[int], head: int, tail: int) -> dict[str, list[int]]:
    """Names by their first `head` and last `tail` characters; head -1: by their deletion neighbourhood."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for i in ids:
        name = names[i]
        if head >= 0:
            blocks[f"{name[:head]}|{name[-tail:] if tail else ''}"].append(i)
        elif len(name) <= DELETION_KEYS_UP_TO:
            for key in _deletions(name):
                blocks[key].append(i)
    return blocks


def _names_of(items: Sequence[_Prepared]) -> tuple[list[str], dict[str, list[int]]]:
    owners: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        for key in item.keys:
            owners[key].append(index)
    return list(owners), owners


def _conflict(a: _Prepared, b: _Prepared) -> bool:
    if a.country and b.country and a.country != b.country:
        return True
    if a.legal and b.legal and a.legal != b.legal:
        return True
    return bool(a.address and b.address and address_overlap(a.address, b.address) < OTHER_ADDRESS)


def _required(a: _Prepared, b: _Prepared, threshold: float) -> float:
    required = threshold
    if not (a.country or b.country):
        required += NO_COUNTRY_PENALTY
    ca, cb = a.facts.category, b.facts.category
    if ca and cb:
        required += -CATEGORY_BONUS if ca.casefold() == cb.casefold() else 2 * CATEGORY_BONUS
    return required


@dataclass
class _Group:
    members: list[int]
    marketplaces: set[str]
    sites: set[tuple[str, str | None]]
    countries: set[str]
    legals: set[str]
    addresses: list[frozenset[str]]
    evidence: dict[str, int] = field(default_factory=dict)
    fuzzy_min: float = 1.0


class _Linker:
    """Union-find over storefronts, where each group remembers the evidence that forbids a merge."""

    def __init__(self, items: Sequence[_Prepared]) -> None:
        self.items = items
        self.parent = list(range(len(items)))
        self.groups: dict[int, _Group] = {}

    def group(self, root: int) -> _Group:
        """The group a root stands for (made on first use: most storefronts stay alone)."""
        if root not in self.groups:
            p = self.items[root]
            self.groups[root] = _Group([root], {p.facts.marketplace}, {(p.facts.marketplace, p.facts.site)},
                                       {p.country} if p.country else set(), {p.legal} if p.legal else set(),
                                       [p.address] if p.address else [])
        return self.groups[root]

    def roots(self) -> list[int]:
        """One storefront index per group."""
        return [i for i in range(len(self.parent)) if self.find(i) == i]

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def compatible(self, a: int, b: int, score: float) -> bool:
        """Whether a name link may join two groups: never two storefronts of one site, nor of one marketplace
        unless the names are identical once normalised (one business on amazon.com and amazon.de)."""
        ga, gb = self.group(a), self.group(b)
        if ga.sites & gb.sites or (score < 1.0 and ga.marketplaces & gb.marketplaces):
            return False
        if (ga.countries and gb.countries and not ga.countries & gb.countries) or (
                ga.legals and gb.legals and not ga.legals & gb.legals):
            return False
        return not (ga.addresses and gb.addresses and all(
            address_overlap(x, y) < OTHER_ADDRESS for x in ga.addresses for y in gb.addresses))

    def union(self, i: int, j: int, evidence: str, *, exact: bool, score: float = 1.0) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b or not (exact or self.compatible(a, b, score)):
            return False
        if len(self.group(a).members) < len(self.group(b).members):
            a, b = b, a
        ga, gb = self.group(a), self.groups.pop(b)
        self.parent[b] = a
        ga.members += gb.members
        ga.marketplaces |= gb.marketplaces
        ga.sites |= gb.sites
        ga.countries |= gb.countries
        ga.legals |= gb.legals
        ga.addresses += gb.addresses
        for kind in (*gb.evidence, evidence):
            ga.evidence[kind] = ga.evidence.get(kind, 0) + 1
        ga.fuzzy_min = min(ga.fuzzy_min, gb.fuzzy_min, score if evidence == "fuzzy" else 1.0)
        return True


def _exact_edges(items: Sequence[_Prepared]) -> Iterable[tuple[int, int, str]]:
    by_legal: dict[str, list[int]] = defaultdict(list)
    by_domain: dict[str, list[int]] = defaultdict(list)
    by_vat: dict[str, list[int]] = defaultdict(list)
    for index, item in enumerate(items):
        if item.legal and item.address:
            by_legal[item.legal].append(index)
        if domain := normalize_domain(item.facts.domain):
            by_domain[domain].append(index)
        if item.facts.vat_number and (vat := re.sub(r"[^0-9A-Z]", "", item.facts.vat_number.upper())):
            by_vat[vat].append(index)
    for members in by_legal.values():
        for x, i in enumerate(members):
            for j in members[x + 1:]:
                ai, aj = items[i].address, items[j].address
                if ai and aj and address_overlap(ai, aj) >= SAME_ADDRESS:
                    yield i, j, "exact:business-name+address"
    for kind, groups in (("exact:domain", by_domain), ("exact:vat", by_vat)):
        for members in groups.values():
            for j in members[1:]:
                yield members[0], j, kind


def _fuzzy_edges(items: Sequence[_Prepared], threshold: float) -> list[tuple[float, int, int]]:
    names, owners = _names_of(items)
    cutoff = threshold - CATEGORY_BONUS
    best: dict[tuple[int, int], float] = {}
    pairs = [(i, j, s) for (i, j), s in similar_pairs(names, cutoff=cutoff).items()]
    pairs += [(i, i, 1.0) for i, name in enumerate(names) if len(owners[name]) > 1]
    for i, j, score in pairs:
        for a in owners[names[i]]:
            for b in owners[names[j]]:
                if a != b:
                    key = (a, b) if a < b else (b, a)
                    if score > best.get(key, 0.0):
                        best[key] = score
    edges = []
    for (a, b), score in best.items():
        pa, pb = items[a], items[b]
        if _conflict(pa, pb) or (pa.facts.marketplace == pb.facts.marketplace and (
                score < 1.0 or pa.facts.site == pb.facts.site)):
            continue
        if score >= _required(pa, pb, threshold) or (pa.legal and pa.legal == pb.legal):
            edges.append((score, a, b))
    edges.sort(key=lambda e: (-e[0], items[e[1]].facts.pk, items[e[2]].facts.pk))
    return edges


def _evidence_text(group: _Group) -> str:
    if len(group.members) == 1:
        return SINGLE
    parts = sorted(k for k in group.evidence if not k.startswith("fuzzy"))
    if any(k.startswith("fuzzy") for k in group.evidence):
        parts.append(f"fuzzy:{group.fuzzy_min:.2f}")
    return "; ".join(parts)


def link_storefronts(storefronts: Sequence[SellerFacts], *, threshold: float = DEFAULT_THRESHOLD) -> list[Cluster]:
    """Group storefronts into businesses: exact evidence first, then blocked fuzzy names without conflicts."""
    items = [_prepare(s) for s in storefronts]
    linker = _Linker(items)
    for i, j, kind in _exact_edges(items):
        linker.union(i, j, kind, exact=True)
    for score, a, b in _fuzzy_edges(items, threshold):
        same_legal = bool(items[a].legal and items[a].legal == items[b].legal)
        kind = "business-name" if same_legal else "same-name" if score >= 1.0 else "fuzzy"
        linker.union(a, b, kind, exact=False, score=score)
    groups = (linker.group(root) for root in linker.roots())
    clusters = [Cluster(tuple(sorted(items[m].facts.pk for m in g.members)), _evidence_text(g)) for g in groups]
    return sorted(clusters, key=lambda c: c.pks)


@dataclass(frozen=True)
class MatchReport:
    """What one `scout match` run did."""

    storefronts: int
    businesses: int
    multi_storefront: int  # businesses with more than one storefront
    created: int
    updated: int
    unchanged: int
    removed: int  # businesses left without storefronts, deleted
    pinned: int  # storefronts of businesses decided by hand, left as they were
    evidence: dict[str, int]  # businesses per kind of evidence that linked them


def load_seller_facts(session: Session) -> tuple[list[SellerFacts], dict[int, int | None], set[int]]:
    """Storefronts to match, their current business ids, and the businesses decided by hand (left alone)."""
    from sqlmodel import col

    from db.models import Business, Seller

    pinned = set(session.execute(select(col(Business.id)).where(
        col(Business.match_evidence).startswith(MANUAL_PREFIX))).scalars())
    rows = session.execute(select(
        col(Seller.id), col(Seller.marketplace), col(Seller.site), col(Seller.name), col(Seller.business_name),
        col(Seller.business_address), col(Seller.country), col(Seller.url), col(Seller.business_id),
    ).where(col(Seller.is_platform).is_(False)).order_by(col(Seller.id))).all()
    facts, current = [], {}
    for pk, marketplace, site, name, business_name, address, country, url, business_id in rows:
        if business_id in pinned:
            continue
        facts.append(SellerFacts(pk=pk, marketplace=marketplace, site=site, name=name, business_name=business_name,
                                 business_address=address, country=country, domain=normalize_domain(url)))
        current[pk] = business_id
    return facts, current, pinned


def _business_values(members: Sequence[SellerFacts], evidence: str) -> dict[str, str | None]:
    legal = Counter(m.business_name.strip() for m in members if m.business_name and m.business_name.strip())
    names = Counter(n for m in members if (n := normalize_name(m.name)))
    normalized = min(names, key=lambda n: (-names[n], n)) if names else normalize_name(next(iter(legal), None))
    display = sorted((m.name for m in members if m.name and normalize_name(m.name) == normalized),
                     key=lambda n: (len(n) - len(normalized), n))
    name = min(legal, key=lambda n: (-legal[n], n)) if legal else (display[0] if display else normalized)
    countries = Counter(c for m in members if (c := normalize_country(m.country)))
    domains = sorted({d for m in members if (d := normalize_domain(m.domain))})
    return {"name": name or "?", "normalized_name": normalized,
            "country": min(countries, key=lambda c: (-countries[c], c)) if countries else None,
            "website": domains[0] if domains else None, "match_evidence": evidence}


def match_businesses(session: Session, *, threshold: float = DEFAULT_THRESHOLD) -> MatchReport:
    """Link every storefront to a business and store the businesses; re-running on the same data changes nothing.

    A business keeps its id while it keeps most of its storefronts; businesses decided by hand (match_evidence
    starting with "manual") and their storefronts are left alone; businesses left without storefronts are deleted
    unless an outreach record refers to them.
    """
    from sqlmodel import col

    from db.models import Business, Seller

    facts, current, pinned = load_seller_facts(session)
    by_pk = {f.pk: f for f in facts}
    clusters = sorted(link_storefronts(facts, threshold=threshold), key=lambda c: (-len(c.pks), c.pks))
    existing = {b.id: b for b in session.execute(select(Business)).scalars() if b.id is not None and b.id not in pinned}
    taken: set[int] = set()
    unchanged = updated = 0
    evidence: Counter[str] = Counter()
    assignments: dict[int, int] = {}
    created: list[tuple[Business, tuple[int, ...]]] = []
    for cluster in clusters:
        votes = Counter(b for pk in cluster.pks if (b := current[pk]) is not None and b in existing and b not in taken)
        values = _business_values([by_pk[pk] for pk in cluster.pks], cluster.evidence)
        evidence.update(_FUZZY_SCORE.sub("", kind) for kind in cluster.evidence.split("; "))
        if not votes:
            created.append((Business.model_validate(values), cluster.pks))
            continue
        business_id = min(votes, key=lambda b: (-votes[b], b))
        taken.add(business_id)
        business = existing[business_id]
        if all(getattr(business, key) == value for key, value in values.items()):
            unchanged += 1
        else:
            business.sqlmodel_update(values)
            updated += 1
        assignments.update((pk, business_id) for pk in cluster.pks)
    session.add_all(business for business, _ in created)
    session.flush()
    for business, pks in created:
        assert business.id is not None
        assignments.update((pk, business.id) for pk in pks)
    changes = [{"id": pk, "business_id": b} for pk, b in assignments.items() if current.get(pk) != b]
    if changes:
        session.execute(update(Seller), changes)
    session.execute(update(Seller).where(col(Seller.is_platform).is_(True), col(Seller.business_id).is_not(None))
                    .values(business_id=None))
    removed = _delete_orphans(session, set(existing) - taken)
    pinned_storefronts = session.execute(select(func.count(col(Seller.id))).where(
        col(Seller.business_id).in_(pinned))).scalar_one() if pinned else 0
    return MatchReport(storefronts=len(facts), businesses=len(clusters),
                       multi_storefront=sum(1 for c in clusters if len(c.pks) > 1), created=len(created),
                       updated=updated, unchanged=unchanged, removed=removed, pinned=pinned_storefronts,
                       evidence=dict(evidence))


def _delete_orphans(session: Session, orphans: set[int]) -> int:
    """Delete businesses no storefront belongs to any more, except those an outreach record refers to."""
    from sqlmodel import col

    from db.models import Business, Outreach

    if not orphans:
        return 0
    kept = set(session.execute(select(col(Outreach.business_id)).where(
        col(Outreach.business_id).in_(orphans))).scalars())
    removable = sorted(orphans - kept)
    for start in range(0, len(removable), 500):
        session.execute(delete(Business).where(col(Business.id).in_(removable[start:start + 500])))
    return len(removable)
