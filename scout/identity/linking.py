"""One business across marketplaces: linking storefronts, persisting businesses (names: scout.identity.names, blocking:
scout.identity.blocks).

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
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import delete, func, select, update

from scout.identity.blocks import similar_pairs
from scout.identity.names import (
    address_key,
    address_overlap,
    email_domain,
    legal_key,
    name_keys,
    normalize_country,
    normalize_domain,
    normalize_name,
)
from scout.identity.rules import MANUAL_PREFIX, MATCH_THRESHOLD, SINGLE

if TYPE_CHECKING:
    from sqlmodel import Session

NO_COUNTRY_PENALTY = 0.03  # more similarity needed when neither storefront says where it is based
CATEGORY_BONUS = 0.02  # less needed when both sell in the same category (more when they differ: twice this)
SAME_ADDRESS = 0.75  # share of the shorter address found in the other: the same place written two ways
OTHER_ADDRESS = 0.5  # below this the addresses are different places
_FUZZY_SCORE = re.compile(r":[0-9.]+$")


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
    domain: str | None = None  # its own website's (scout.identity.names.normalize_domain)
    vat_number: str | None = None
    category: str | None = None
    email_domain: str | None = None  # its own e-mail address's, never a mailbox provider's


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
        for domain in dict.fromkeys(d for d in (normalize_domain(item.facts.domain),
                                                normalize_domain(item.facts.email_domain)) if d):
            by_domain[domain].append(index)
        if vat := _vat_key(item.facts.vat_number):
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


def link_storefronts(storefronts: Sequence[SellerFacts], *, threshold: float = MATCH_THRESHOLD) -> list[Cluster]:
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
        col(Seller.business_address), col(Seller.country), col(Seller.url), col(Seller.vat_number),
        col(Seller.business_id), col(Seller.website), col(Seller.email),
    ).where(col(Seller.is_platform).is_(False)).order_by(col(Seller.id))).all()
    facts, current = [], {}
    for pk, marketplace, site, name, business_name, address, country, url, vat, business_id, website, email in rows:
        if business_id in pinned:
            continue
        facts.append(SellerFacts(pk=pk, marketplace=marketplace, site=site, name=name, business_name=business_name,
                                 business_address=address, country=country,
                                 domain=normalize_domain(website) or normalize_domain(url), vat_number=vat,
                                 email_domain=email_domain(email)))
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
    mail = sorted({d for m in members if (d := normalize_domain(m.email_domain))})
    vats = Counter(v for m in members if (v := _vat_key(m.vat_number)))
    return {"name": name or "?", "normalized_name": normalized,
            "country": min(countries, key=lambda c: (-countries[c], c)) if countries else None,
            "website": domains[0] if domains else None, "email_domain": mail[0] if mail else None,
            "vat_number": min(vats, key=lambda v: (-vats[v], v)) if vats else None, "match_evidence": evidence}


def _vat_key(vat: str | None) -> str | None:
    """A VAT id as compared: upper case, letters and digits only."""
    return (re.sub(r"[^0-9A-Z]", "", vat.upper()) or None) if vat else None


def match_businesses(session: Session, *, threshold: float = MATCH_THRESHOLD) -> MatchReport:
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
