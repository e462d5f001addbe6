"""The suppression list: sellers already on our marketplace (imported lists) and do-not-contact requests.

This module keeps the list; scout.identity.suppressed holds the one rule of which businesses an entry catches.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Suppression
from scout.errors import InputError
from scout.identity.names import FREE_MAIL_DOMAINS, normalize_domain, normalize_name
from scout.identity.rules import SUPPRESSION_KINDS
from scout.sanitize import strip_control
from scrapers.registry import MARKETPLACES

COLUMNS = ("name", "domain", "seller_id", "marketplace", "reason")


@dataclass(frozen=True)
class ImportResult:
    """What importing one file did."""

    added: int
    duplicates: int  # rows already on the list (or repeated within the file)
    blank: int  # rows without a name



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


def new_entry(name: str | None, *, reason: str | None, kind: str, domain: str | None = None,
              seller_id: str | None = None, marketplace: str | None = None, source: str = "manual") -> Suppression:
    """A checked, not yet stored entry: a name, a known kind and marketplace, a usable domain (else InputError)."""
    clean = _clean(name)
    if clean is None:
        raise InputError("the name to suppress is empty")
    if kind not in SUPPRESSION_KINDS:
        raise InputError(f"unknown suppression kind {kind!r} (known: {', '.join(SUPPRESSION_KINDS)})")
    where = (_clean(marketplace) or "").lower() or None
    if where is not None and where not in MARKETPLACES:
        raise InputError(f"unknown marketplace {marketplace!r} (known: {', '.join(MARKETPLACES)})")
    if where is not None and not _clean(seller_id):
        raise InputError("a marketplace names where a seller id is: give the seller id too")
    site = normalize_domain(domain) if _clean(domain) else None
    if site in FREE_MAIL_DOMAINS:
        raise InputError(f"{site} is a mailbox provider's domain, not one business's: name the business instead")
    if _clean(domain) and site is None:
        raise InputError(f"{strip_control(domain or '')!r} is not the business's own web or e-mail domain "
                         "(such as anker.com; a marketplace's domain says nothing about one seller)")
    return Suppression(name=clean, normalized_name=normalize_name(clean), domain=site, seller_id=_clean(seller_id),
                       marketplace=where, kind=kind, reason=_clean(reason), source=source)


def add_suppression(session: Session, name: str, *, reason: str | None, kind: str = "do_not_contact",
                    domain: str | None = None, seller_id: str | None = None, marketplace: str | None = None,
                    source: str = "manual") -> Suppression | None:
    """Put one business on the list; None when the same entry is already there."""
    entry = new_entry(name, reason=reason, kind=kind, domain=domain, seller_id=seller_id, marketplace=marketplace,
                      source=source)
    key = _identity(entry.name, entry.domain, entry.seller_id, entry.marketplace, kind)
    if key in _existing_identities(session):
        return None
    session.add(entry)
    session.flush()
    return entry


def read_csv_table(path: Path, columns: Sequence[str], *, needs: str) -> list[tuple[int, dict[str, str | None]]]:
    """(line number, {column: cleaned cell}) of each row of a UTF-8 CSV, for the `columns` its header has (any
    case); InputError when the file cannot be read or its header lacks the `needs` column."""
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
            raise InputError(f"{path} is empty: expected a header row with a {needs!r} column")
        found = [cell.strip().lower() for cell in header]
        if needs not in found:
            shown = ", ".join(repr(strip_control(c)) for c in found if c) or "none"
            raise InputError(f"{path} has no {needs!r} column in its header (found: {shown})")
        wanted = {c: found.index(c) for c in columns if c in found}
        return [(reader.line_num, {c: _clean(row[i]) if i < len(row) else None for c, i in wanted.items()})
                for row in reader]
    except csv.Error as err:
        raise InputError(f"{path}: malformed CSV at line {reader.line_num}: {err}") from None


def read_suppression_csv(path: Path) -> list[dict[str, str | None]]:
    """The rows of a CSV with a `name` column (optional domain, seller_id, marketplace, reason), any header case."""
    return [row for _, row in read_csv_table(path, COLUMNS, needs="name")]


def import_suppressions(session: Session, path: Path, *, kind: str = "existing_seller") -> ImportResult:
    """Add a CSV's rows to the list as `kind` entries; importing the same file again adds nothing."""
    rows = read_suppression_csv(path)
    if kind not in SUPPRESSION_KINDS:
        raise InputError(f"unknown suppression kind {kind!r} (known: {', '.join(SUPPRESSION_KINDS)})")
    seen = _existing_identities(session)
    added = duplicates = blank = 0
    for line, row in enumerate(rows, start=2):
        name = row.get("name")
        if not name:
            blank += 1
            continue
        try:
            entry = new_entry(name, reason=row.get("reason"), kind=kind, domain=row.get("domain"),
                              seller_id=row.get("seller_id"), marketplace=row.get("marketplace"), source=path.name)
        except InputError as err:  # the whole file or nothing
            raise InputError(f"{path.name} line {line}: {err}; nothing was imported") from None
        key = _identity(entry.name, entry.domain, entry.seller_id, entry.marketplace, kind)
        if key in seen:
            duplicates += 1
            continue
        seen.add(key)
        session.add(entry)
        added += 1
    session.flush()
    return ImportResult(added=added, duplicates=duplicates, blank=blank)
