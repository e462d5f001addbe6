"""Who the suppression list catches: the one rule that `scout leads`, drafts, the pipeline, exports and the
dashboard all apply.

An entry catches a business (or a storefront not yet matched to one, which is its own business) when
- its seller id is the id of one of the business's storefronts, on the entry's marketplace (any marketplace when the
  entry names none);
- its domain is the business's website or e-mail domain, or a storefront's own website's or e-mail address's
  (as its pages publish them; scout.identity.names.normalize_domain is the one rule for a domain);
- its name is similar enough (rapidfuzz Indel similarity of the normalised names, >= SUPPRESS_THRESHOLD) to the
  business's name or to a storefront's display or registered name;
- it keeps only a hash of a normalised name (what `scout forget` leaves: the name itself is erased) and that hash
  is the hash of one of those names, normalised.
Names are compared pair by pair, never through blocks, so the answer for one business does not depend on which
other businesses are asked about at the same time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rapidfuzz import process
from rapidfuzz.distance import Indel
from sqlalchemy import select

from db.queries import business, seller, suppression
from scout.identity.keys import business_key, split_business_key
from scout.identity.names import name_keys, normalize_domain, normalize_name, own_domains
from scout.identity.rules import SUPPRESS_THRESHOLD, SUPPRESSION_KINDS

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection
    from sqlalchemy.orm import Session

IN_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Entry:
    """One suppression entry as the rule reads it."""

    id: int
    name: str
    kind: str
    reason: str | None = None
    domain: str | None = None
    marketplace: str | None = None
    seller_id: str | None = None
    source: str | None = None
    normalized_name: str | None = None

    @property
    def name_hash(self) -> str | None:
        """The hashed normalised name a forgotten business's entry keeps instead of its name."""
        stored = self.normalized_name or ""
        return stored if stored.startswith(HASHED) else None

    def describe(self) -> str:
        """Why it suppresses: `do_not_contact (Anker): asked us to stop`."""
        text = f"{self.kind} ({self.name})"
        return f"{text}: {self.reason}" if self.reason else text

    @property
    def strength(self) -> tuple[int, int]:
        """Sort key: do-not-contact before onboarded before existing seller, then the oldest entry."""
        return (SUPPRESSION_KINDS.index(self.kind) if self.kind in SUPPRESSION_KINDS else len(SUPPRESSION_KINDS),
                self.id)


HASHED = "sha256:"  # prefix of a normalised name kept only as its hash


def hashed_name(name: str) -> str:
    """What an entry keeps of a name it must not hold: a hash of the normalised name."""
    return HASHED + hashlib.sha256(normalize_name(name).encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class BusinessFacts:
    """What the rule compares an entry with: one business and everything its storefronts show."""

    key: str  # "business:<id>", or "seller:<pk>" for a storefront not matched to a business
    name: str
    names: tuple[str, ...] = ()  # the business's name and its storefronts' display and registered names
    storefronts: frozenset[tuple[str, str]] = frozenset()  # (marketplace, seller id)
    domains: frozenset[str] = frozenset()
    seller_pks: frozenset[int] = frozenset()


@dataclass
class Catch:
    """One entry and the businesses it catches."""

    entry: Entry
    businesses: list[BusinessFacts] = field(default_factory=list)
    by_name_only: list[BusinessFacts] = field(default_factory=list)  # caught by a similar, not identical, name

    @property
    def storefronts(self) -> int:
        """How many storefronts those businesses have."""
        return sum(len(b.seller_pks) for b in self.businesses)


class SuppressionList:
    """The suppression list, read once, and the rule of which businesses each entry catches."""

    def __init__(self, entries: Sequence[Entry], *, threshold: float = SUPPRESS_THRESHOLD) -> None:
        self.entries = sorted(entries, key=lambda e: e.id)
        self.threshold = threshold
        self._keys = [(index, key) for index, entry in enumerate(self.entries) if entry.name_hash is None
                      for key in name_keys(entry.name)]

    @classmethod
    def load(cls, conn: Connection | Session, *, threshold: float = SUPPRESS_THRESHOLD) -> SuppressionList:
        """Every entry in the database."""
        rows = conn.execute(select(
            suppression.c.id, suppression.c.name, suppression.c.kind, suppression.c.reason, suppression.c.domain,
            suppression.c.marketplace, suppression.c.seller_id, suppression.c.source,
            suppression.c.normalized_name)).all()
        return cls([Entry(*row) for row in rows], threshold=threshold)

    def __len__(self) -> int:
        return len(self.entries)

    def catches(self, businesses: Sequence[BusinessFacts]) -> list[Catch]:
        """Each entry (oldest first) with the businesses it catches among `businesses`."""
        caught: list[dict[int, bool]] = [{} for _ in self.entries]  # business index -> caught exactly
        if not self.entries or not businesses:
            return [Catch(entry) for entry in self.entries]
        by_storefront: dict[str, list[tuple[str, int]]] = {}
        by_domain: dict[str, list[int]] = {}
        choices: list[str] = []
        owners: list[int] = []
        for index, facts in enumerate(businesses):
            for marketplace, seller_id in facts.storefronts:
                by_storefront.setdefault(seller_id, []).append((marketplace, index))
            for domain in facts.domains:
                by_domain.setdefault(domain, []).append(index)
            for key in dict.fromkeys(k for name in facts.names for k in name_keys(name)):
                choices.append(key)
                owners.append(index)
        for index, entry in enumerate(self.entries):
            if entry.seller_id:
                caught[index].update((b, True) for marketplace, b in by_storefront.get(entry.seller_id, ())
                                     if entry.marketplace is None or marketplace == entry.marketplace)
            if entry.domain:
                caught[index].update((b, True) for b in by_domain.get(entry.domain, ()))
        hashed = {entry.name_hash: index for index, entry in enumerate(self.entries) if entry.name_hash}
        if hashed:
            for index, facts in enumerate(businesses):
                for name in facts.names:
                    if (entry_index := hashed.get(hashed_name(name))) is not None:
                        caught[entry_index][index] = True
        for index, key in self._keys:
            for _, score, position in process.extract(key, choices, scorer=Indel.normalized_similarity,
                                                      score_cutoff=self.threshold, limit=None):
                business = owners[position]
                caught[index][business] = caught[index].get(business, False) or score >= 1.0
        return [Catch(entry, [businesses[b] for b in sorted(found)],
                      [businesses[b] for b in sorted(found) if not found[b]])
                for entry, found in zip(self.entries, caught, strict=True)]

    def verdicts(self, businesses: Sequence[BusinessFacts]) -> dict[str, str]:
        """Business key -> why it must not be contacted (its strongest entry), for the businesses caught."""
        found: dict[str, str] = {}
        for catch in sorted(self.catches(businesses), key=lambda c: c.entry.strength):
            for facts in catch.businesses:
                found.setdefault(facts.key, catch.entry.describe())
        return found


def business_facts(conn: Connection | Session, keys: Iterable[str] | None = None) -> list[BusinessFacts]:
    """The facts of the businesses with these keys (every business and unmatched storefront when None).

    Platform storefronts (Amazon itself …) belong to no business and are never suppressed.
    """
    wanted = None if keys is None else list(dict.fromkeys(keys))
    split = [split_business_key(key) for key in wanted or ()]
    business_ids = None if wanted is None else [bid for bid, _ in split if bid is not None]
    seller_pks = None if wanted is None else [pk for _, pk in split if pk is not None]
    columns = (seller.c.id, seller.c.marketplace, seller.c.seller_id, seller.c.name, seller.c.business_name,
               seller.c.url, seller.c.business_id, seller.c.website, seller.c.email)
    query = select(*columns).where(seller.c.is_platform.is_(False))
    rows: list[Any] = []
    if wanted is None:
        rows = list(conn.execute(query))
    else:
        for ids, column in ((business_ids or [], seller.c.business_id), (seller_pks or [], seller.c.id)):
            for start in range(0, len(ids), IN_CHUNK):
                rows += conn.execute(query.where(column.in_(ids[start:start + IN_CHUNK]))).all()
    owners: dict[str, list[Any]] = {}
    for row in rows:
        key = business_key(row.business_id, row.id)
        if wanted is not None and key.startswith("seller:") and row.business_id is not None:
            continue  # asked for as a lone storefront, but now part of a business
        owners.setdefault(key, []).append(row)
    businesses = {business_key(bid, 0): values for bid, values in _business_rows(conn, business_ids).items()}
    out = []
    for key in (wanted if wanted is not None else [*owners, *(k for k in businesses if k not in owners)]):
        members = owners.get(key, [])
        if not members and key not in businesses:
            continue
        name, website, email_domain = businesses.get(key, (None, None, None))
        names = [n for n in (name, *(v for m in members for v in (m.name, m.business_name))) if n]
        domains = {d for d in (normalize_domain(website), normalize_domain(email_domain),
                               *(normalize_domain(m.url) for m in members),
                               *(d for m in members for d in own_domains(m.website, m.email))) if d}
        out.append(BusinessFacts(key, name or (names[0] if names else key), tuple(dict.fromkeys(names)),
                                 frozenset((m.marketplace, m.seller_id) for m in members), frozenset(domains),
                                 frozenset(m.id for m in members)))
    return out


def _business_rows(conn: Connection | Session, ids: list[int] | None) -> dict[int, tuple[str, str | None, str | None]]:
    """{business id: (name, website, e-mail domain)} of these businesses (of all when None)."""
    query = select(business.c.id, business.c.name, business.c.website, business.c.email_domain)
    rows: list[Any] = []
    if ids is None:
        rows = list(conn.execute(query))
    else:
        for start in range(0, len(ids), IN_CHUNK):
            rows += conn.execute(query.where(business.c.id.in_(ids[start:start + IN_CHUNK]))).all()
    return {bid: (name, website, email_domain) for bid, name, website, email_domain in rows}


def suppression_verdicts(conn: Connection | Session, keys: Iterable[str]) -> dict[str, str]:
    """Which of these businesses must not be contacted, and why (the strongest entry that catches each)."""
    entries = SuppressionList.load(conn)
    if not len(entries):
        return {}
    return entries.verdicts(business_facts(conn, keys))


def preview_entry(conn: Connection | Session, entry: Entry) -> Catch:
    """What an entry would catch if it were added: the businesses, and those caught by a similar name only."""
    return SuppressionList([entry]).catches(business_facts(conn))[0]


def list_catches(conn: Connection | Session) -> list[Catch]:
    """Every entry, strongest first, with every business it catches."""
    entries = SuppressionList.load(conn)
    return entries.catches(business_facts(conn) if len(entries) else [])
