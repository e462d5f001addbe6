"""`scout forget`: erase a business and everything about it (GDPR Art. 17), leaving a do-not-contact entry that
keeps only a hash of its name.

Where personal data lives is one registry (scout.privacy.registry); forget works from it over the database, every
archived page, the drafts and exports Scout wrote on this machine and the backups `scout db upgrade` made
(scout.outputs records them). A do-not-collect entry keeps the storefronts' ids hashed, so later crawls and ingests
do not store them again. Files are only ever deleted or rewritten inside folders Scout recorded writing.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import delete, select
from sqlmodel import Session, col

from db.engine import make_engine
from db.errors import DatabaseError
from db.models import DoNotCollect, Seller, Suppression
from db.store import REDACTED, collect_key
from scout.identity.lookup import lookup_target
from scout.identity.names import normalize_name
from scout.identity.suppressed import hashed_name
from scout.outputs import Output
from scout.privacy.erase import Erasure, erase_subject, find_subject, reflect
from scout.privacy.redact import mentions, redact_body
from scout.sanitize import strip_control

FORGET_REASON = "data-subject request"
TEXT_SUFFIXES = (".md", ".eml", ".txt", ".json", ".html")

__all__ = ["FORGET_REASON", "ForgetReport", "ForgetTarget", "find_forget_target", "forget", "redact_body"]


@dataclass(frozen=True)
class ForgetTarget:
    """What `scout forget` is about to erase."""

    business_id: int | None
    seller_pks: tuple[int, ...]
    name: str  # kept on the do-not-contact entry
    storefronts: tuple[tuple[str, str], ...] = ()  # (marketplace, seller id)

    @property
    def label(self) -> str:
        """`business:12 (Alpha GmbH), 2 storefronts`."""
        head = f"business:{self.business_id}" if self.business_id is not None else "storefront"
        return f"{head} ({strip_control(self.name)}), {len(self.seller_pks)} storefront(s)"


@dataclass
class ForgetReport:
    """What was erased, where."""

    name: str
    database: Erasure = field(default_factory=Erasure)
    suppressions_replaced: int = 0
    do_not_collect: int = 0
    files_deleted: list[str] = field(default_factory=list)
    files_rewritten: list[str] = field(default_factory=list)
    backups_cleaned: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # places that could not be cleaned, and why

    @property
    def storefronts(self) -> int:
        """Storefronts deleted."""
        return self.database.rows_deleted.get("seller", 0)

    @property
    def outreach(self) -> int:
        """Offer records deleted."""
        return self.database.rows_deleted.get("outreach", 0)


def find_forget_target(session: Session, target: str) -> ForgetTarget:
    """The business (with all its storefronts) or the lone storefront a BUSINESS_OR_SELLER argument names."""
    business, seller = lookup_target(session, target)
    if business is None:
        assert seller is not None and seller.id is not None
        return ForgetTarget(None, (seller.id,), seller.business_name or seller.name or seller.seller_id,
                            ((seller.marketplace, seller.seller_id),))
    rows = session.execute(select(col(Seller.id), col(Seller.marketplace), col(Seller.seller_id)).where(
        col(Seller.business_id) == business.id).order_by(col(Seller.id))).all()
    return ForgetTarget(business.id, tuple(pk for pk, _, _ in rows), business.name,
                        tuple((mp, sid) for _, mp, sid in rows))


def forget(session: Session, target: ForgetTarget, *, outputs: Sequence[Output] = ()) -> ForgetReport:
    """Erase the business from the database, the archive, recorded drafts, exports and backups; leave one
    name-only do-not-contact entry and a do-not-collect entry per storefront."""
    report = ForgetReport(name=strip_control(target.name))
    conn = session.connection()
    tables = reflect(conn)
    subject = find_subject(conn, tables, target.storefronts,
                           [target.business_id] if target.business_id is not None else [], [target.name])
    report.suppressions_replaced = _drop_suppressions(session, target, subject.values)
    report.database = erase_subject(conn, tables, subject)
    for marketplace, seller_id in target.storefronts:
        key = collect_key(marketplace, seller_id)
        if session.execute(select(col(DoNotCollect.id)).where(col(DoNotCollect.key_hash) == key)).first() is None:
            session.add(DoNotCollect(marketplace=marketplace, key_hash=key, reason=FORGET_REASON))
            report.do_not_collect += 1
    session.add(Suppression(name=REDACTED, normalized_name=hashed_name(target.name), kind="do_not_contact",
                            reason=FORGET_REASON, source="forget"))
    session.flush()
    for output in outputs:
        _forget_in_output(output, target, subject.values, report)
    return report


def _drop_suppressions(session: Session, target: ForgetTarget, values: Sequence[str]) -> int:
    """Remove the person's own suppression entries (by name or storefront id): one name-only entry replaces them."""
    names = {n for n in (normalize_name(v) for v in (target.name, *values)) if n}
    ids = set(target.storefronts)
    dropped = 0
    for entry in list(session.execute(select(Suppression)).scalars()):
        if normalize_name(entry.name) in names or entry.normalized_name in names or (
                entry.seller_id and ((entry.marketplace or "", entry.seller_id) in ids
                                     or (entry.marketplace is None and entry.seller_id in {s for _, s in ids}))):
            session.delete(entry)
            dropped += 1
    session.flush()
    return dropped


def _forget_in_output(output: Output, target: ForgetTarget, values: Sequence[str], report: ForgetReport) -> None:
    path = output.path
    if not path.exists():
        return
    if output.kind == "backup":
        _forget_in_backup(path, target, values, report)
        return
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    for file in files:
        try:
            _forget_in_file(file, values, report)
        except OSError as err:
            report.skipped.append(f"{file}: {err.strerror or err}")


def _forget_in_file(file: Path, values: Sequence[str], report: ForgetReport) -> None:
    suffix = file.suffix.lower()
    if suffix == ".csv":
        if _drop_rows(file, values):
            report.files_rewritten.append(str(file))
    elif suffix == ".xlsx":
        if _drop_sheet_rows(file, values, report):
            report.files_rewritten.append(str(file))
    elif suffix in TEXT_SUFFIXES and mentions(file.read_bytes(), values):
        file.unlink()  # a draft or a note about this business: nothing in it is anyone else's
        report.files_deleted.append(str(file))


def _drop_rows(file: Path, values: Sequence[str]) -> bool:
    """Rewrite a CSV without the rows that mention the business (the header row stays)."""
    raw = file.read_bytes()
    if not mentions(raw, values):
        return False
    text = raw.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    kept = rows[:1] + [row for row in rows[1:] if not mentions(json.dumps(row).encode(), values)
                       and not mentions(",".join(row).encode(), values)]
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(kept)
    file.write_text(buffer.getvalue(), encoding="utf-8-sig" if raw.startswith(b"\xef\xbb\xbf") else "utf-8",
                    newline="")
    return True


def _drop_sheet_rows(file: Path, values: Sequence[str], report: ForgetReport) -> bool:
    try:
        from openpyxl import load_workbook
    except ImportError:
        file.unlink()  # cannot be rewritten without openpyxl: the whole export goes
        report.files_deleted.append(str(file))
        return False
    workbook = load_workbook(file)
    changed = False
    for sheet in workbook.worksheets:
        for index in range(sheet.max_row, 1, -1):
            cells = [str(c.value) for c in sheet[index] if c.value is not None]
            if mentions(json.dumps(cells).encode(), values) or mentions(" ".join(cells).encode(), values):
                sheet.delete_rows(index)
                changed = True
    if changed:
        workbook.save(file)
    return changed


def _forget_in_backup(path: Path, target: ForgetTarget, values: Sequence[str], report: ForgetReport) -> None:
    """Erase the business from a SQLite copy `scout db upgrade` made (at whatever schema it has)."""
    try:
        engine = make_engine(str(path), write=True, must_exist=True)
    except DatabaseError as err:  # a backup moved, damaged or read-only is reported, not fatal
        report.skipped.append(f"{path}: {err}")
        return
    try:
        with engine.begin() as conn:
            tables = reflect(conn)
            if "seller" not in tables:
                return
            subject = find_subject(conn, tables, target.storefronts, [], list(values))
            erasure = erase_subject(conn, tables, subject)
            if "suppression" in tables:
                table = tables["suppression"]
                conn.execute(delete(table).where(table.c.name.in_(sorted({target.name, *values}))))
        if erasure.rows_deleted or erasure.rows_redacted or erasure.pages_redacted or erasure.pages_deleted:
            report.backups_cleaned.append(str(path))
    finally:
        engine.dispose()
