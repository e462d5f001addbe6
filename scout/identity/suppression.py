"""Businesses never to contact: sellers already on our marketplace (imported lists) and do-not-contact requests.

An entry matches a storefront by marketplace seller id, then by website/e-mail domain, then by name (the same
normaliser and scorer as `scout match`, blocked the same way). A business is suppressed when the entry matches its
name or any of its storefronts; a storefront without a business counts as a business of its own.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Business, Seller, Suppression
from scout.errors import InputError
from scout.identity.blocks import similar_pairs
from scout.identity.linking import SUPPRESS_THRESHOLD
from scout.identity.names import name_keys, normalize_domain, normalize_name
from scout.sanitize import strip_control

KINDS = ("do_not_contact", "onboarded", "existing_seller")  # strongest first: a business shows the first that applies
COLUMNS = ("name", "domain", "seller_id", "marketplace", "reason")


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did."""

    added: int
    duplicates: int  # rows already on the list (or repeated within the file)
    blank: int  # rows without a name


@dataclass
class EntryMatches:
    """What one suppression entry matches."""

    entry: Suppression
    business_ids: set[int] = field(default_factory=set)
    seller_pks: set[int] = field(default_factory=set)  # storefronts matched directly, or through their business


def _clean(value: str | None) -> str | None:
    text = strip_control(value or "").strip()
    return text or None


def _identity(name: str, domain: str | None, seller_id: str | None, marketplace: str | None,
              kind: str) -> tuple[str, str | None, str | None, str | None, str]:
    return normalize_name(name), domain, seller_id, (marketplace or "").lower() or None, kind


def _existing_identities(session: Session) -> set[tuple[str, str | None, str | None, str | None, str]]:
    rows = session.execute(select(col(Suppression.name), col(Suppression.domain), col(Suppression.seller_id),
                                  col(Suppression.marketplace), col(Suppression.kind))).all()
    return {_identity(*row) for row in rows}


def add_suppression(session: Session, name: str, *, reason: str | None, kind: str = "do_not_contact",
                    domain: str | None = None, seller_id: str | None = None, marketplace: str | None = None,
                    source: str = "manual") -> Suppression | None:
    """Put one business on the list; None when the same entry is already there."""
    clean = _clean(name)
    if clean is None:
        raise InputError("the name to suppress is empty")
    if kind not in KINDS:
        raise InputError(f"unknown suppression kind {kind!r} (known: {', '.join(KINDS)})")
    entry = Suppression(name=clean, normalized_name=normalize_name(clean), domain=normalize_domain(domain),
                        seller_id=_clean(seller_id), marketplace=(_clean(marketplace) or "").lower() or None,
                        kind=kind, reason=_clean(reason), source=source)
    key = _identity(entry.name, entry.domain, entry.seller_id, entry.marketplace, kind)
    if key in _existing_identities(session):
        return None
    session.add(entry)
    session.flush()
    return entry


def read_suppression_csv(path: Path) -> list[dict[str, str | None]]:
    """The rows of a CSV with a `name` column (optional domain, seller_id, marketplace, reason), any header case."""
    try:
        raw = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path} is a folder, not a CSV file") from None
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror or err}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise InputError(f"{path} is not UTF-8 text (byte {err.start}): save it as UTF-8 CSV") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise InputError(f"{path} is empty: expected a header row with a 'name' column")
        columns = [cell.strip().lower() for cell in header]
        if "name" not in columns:
            found = ", ".join(repr(strip_control(c)) for c in columns if c) or "none"
            raise InputError(f"{path} has no 'name' column in its header (found: {found})")
        wanted = {c: columns.index(c) for c in COLUMNS if c in columns}
        return [{c: _clean(row[i]) if i < len(row) else None for c, i in wanted.items()} for row in reader]
    except csv.Error as err:
        raise InputError(f"{path}: malformed CSV at line {reader.line_num}: {err}") from None


def import_suppressions(session: Session, path: Path, *, kind: str = "existing_seller") -> ImportResult:
    """Add a CSV's rows to the list as `kind` entries; importing the same file again adds nothing."""
    rows = read_suppression_csv(path)
    if kind not in KINDS:
        raise InputError(f"unknown suppression kind {kind!r} (known: {', '.join(KINDS)})")
    seen = _existing_identities(session)
    added = duplicates = blank = 0
    for row in rows:
        name = row.get("name")
        if not name:
            blank += 1
            continue
        entry = Suppression(name=name, normalized_name=normalize_name(name), domain=normalize_domain(row.get("domain")),
                            seller_id=row.get("seller_id"), marketplace=(row.get("marketplace") or "").lower() or None,
                            kind=kind, reason=row.get("reason"), source=path.name)
        key = _identity(name, entry.domain, entry.seller_id, entry.marketplace, kind)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        session.add(entry)
        added += 1
    session.flush()
    return ImportResult(added=added, duplicates=duplicates, blank=blank)


def match_suppressions(session: Session, *, threshold: float = SUPPRESS_THRESHOLD) -> list[EntryMatches]:
    """Every entry with the businesses and storefronts it matches (seller id, then domain, then name)."""
    entries = list(session.execute(select(Suppression).order_by(col(Suppression.id))).scalars())
    if not entries:
        return []
    sellers = session.execute(select(col(Seller.id), col(Seller.marketplace), col(Seller.seller_id),
                                     col(Seller.name), col(Seller.business_name), col(Seller.url),
                                     col(Seller.business_id)).where(col(Seller.is_platform).is_(False))).all()
    businesses = session.execute(select(col(Business.id), col(Business.name), col(Business.website),
                                        col(Business.email_domain))).all()
    members: dict[int, set[int]] = defaultdict(set)
    by_seller_id: dict[str, list[tuple[int, str]]] = defaultdict(list)
    by_domain: dict[str, set[tuple[str, int]]] = defaultdict(set)
    owners: dict[str, set[tuple[str, int]]] = defaultdict(set)  # normalised name -> ("s", pk) / ("b", id)
    for pk, marketplace, seller_id, name, business_name, url, business_id in sellers:
        if business_id is not None:
            members[business_id].add(pk)
        by_seller_id[seller_id].append((pk, marketplace))
        if domain := normalize_domain(url):
            by_domain[domain].add(("s", pk))
        for key in name_keys(name) + name_keys(business_name):
            owners[key].add(("s", pk))
    for business_id, name, website, email_domain in businesses:
        for domain in {normalize_domain(website), normalize_domain(email_domain)} - {None}:
            by_domain[str(domain)].add(("b", business_id))
        for key in name_keys(name):
            owners[key].add(("b", business_id))
    business_of = {pk: b for pk, *_, b in sellers}
    names = list(owners)
    queries = [(index, key) for index, entry in enumerate(entries) for key in name_keys(entry.name)]
    hits: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for (q, n) in similar_pairs([key for _, key in queries], names, cutoff=threshold):
        hits[queries[q][0]] |= owners[names[n]]
    results = []
    for index, entry in enumerate(entries):
        found = set(hits[index])
        if entry.seller_id:
            found |= {("s", pk) for pk, marketplace in by_seller_id.get(entry.seller_id, [])
                      if not entry.marketplace or marketplace == entry.marketplace}
        if entry.domain:
            found |= by_domain.get(entry.domain, set())
        match = EntryMatches(entry)
        for what, ident in found:
            if what == "b":
                match.business_ids.add(ident)
            elif (business_id := business_of.get(ident)) is not None:
                match.business_ids.add(business_id)
            else:
                match.seller_pks.add(ident)
        for business_id in match.business_ids:
            match.seller_pks |= members.get(business_id, set())
        results.append(match)
    return results


def describe_entry(entry: Suppression) -> str:
    """Why an entry suppresses: `do_not_contact (Anker): asked us to stop`."""
    text = f"{entry.kind} ({entry.name})"
    return f"{text}: {entry.reason}" if entry.reason else text


def _strongest(matches: Sequence[EntryMatches], attribute: str) -> dict[int, str]:
    ranked = sorted(matches, key=lambda m: (KINDS.index(m.entry.kind) if m.entry.kind in KINDS else len(KINDS),
                                            m.entry.id or 0))
    out: dict[int, str] = {}
    for match in ranked:
        for ident in getattr(match, attribute):
            out.setdefault(ident, describe_entry(match.entry))
    return out


def suppressed_business_ids(session: Session) -> dict[int, str]:
    """Business id -> why it must not be contacted (kind, entry name, reason), strongest kind first."""
    return _strongest(match_suppressions(session), "business_ids")


def suppressed_seller_pks(session: Session) -> dict[int, str]:
    """Storefront pk -> why it must not be contacted: matched itself, or its business was."""
    return _strongest(match_suppressions(session), "seller_pks")


def is_suppressed(session: Session, *, business_id: int | None = None, seller_pk: int | None = None) -> str | None:
    """Why this business (or storefront, or the storefront's business) must not be contacted; None if it may be.

    Each call matches the whole list: for many lookups, call suppressed_business_ids / suppressed_seller_pks once.
    """
    matches = match_suppressions(session)
    if business_id is not None and (why := _strongest(matches, "business_ids").get(business_id)):
        return why
    if seller_pk is not None:
        return _strongest(matches, "seller_pks").get(seller_pk)
    return None


def list_suppressions(session: Session) -> list[EntryMatches]:
    """Every entry, oldest first, with what it matches."""
    return match_suppressions(session)
