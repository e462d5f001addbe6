"""`scout outreach import FILE.csv`: many marks at once, all or nothing.

The CSV (UTF-8, a header row in any case) names each business in a `business` column (id, marketplace:seller_id or
name, as `scout outreach mark` takes it) or an `offer_code` column, with a `status` and optional `note` and `date`
(the next step: YYYY-MM-DD, +3d, none). A row without a status keeps the status and records its note and date.
Rows apply in file order, each exactly as `scout outreach mark` would apply it, so one business can move along
several statuses in one file. When any row fails, nothing is written and the error names every bad line; a dry run
applies the rows inside a transaction it then rolls back, so it reports exactly what the import would do.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session, col

from db.models import Business, Outreach
from scout.errors import InputError
from scout.identity.lookup import resolve_business
from scout.identity.suppression import read_csv_table
from scout.outreach.dates import parse_next_step
from scout.outreach.history import SYSTEM
from scout.outreach.pipeline import KEEP, Keep, MarkResult, clean_note, mark_business
from scout.outreach.statuses import check_status

COLUMNS = ("status", "business", "offer_code", "offer code", "note", "date")
SHOWN_ERRORS = 5  # bad lines named in the one-line error


@dataclass(frozen=True)
class ImportRow:
    """One row of the file, checked."""

    line: int
    business: str | None
    offer_code: str | None
    status: str | None
    note: str | None
    next_step: date | None | Keep


@dataclass(frozen=True)
class ImportReport:
    """What an import did (or, in a dry run, would do): each row's mark, by line."""

    rows: list[tuple[int, MarkResult]]
    dry_run: bool

    @property
    def changed(self) -> int:
        """Rows that changed something (and so were recorded in the history)."""
        return sum(1 for _, result in self.rows if result.recorded)


def read_import(path: Path, *, today: date) -> list[ImportRow]:
    """The file's rows, checked; one InputError naming every bad line."""
    table = read_csv_table(path, COLUMNS, needs="status")
    rows: list[ImportRow] = []
    errors: list[str] = []
    for line, cells in table:
        if not any(cells.values()):
            continue  # a blank line
        code = cells.get("offer_code") or cells.get("offer code")
        try:
            if not cells.get("business") and not code:
                raise InputError("name a business or an offer code")
            status = cells.get("status")
            when = cells.get("date")
            rows.append(ImportRow(line, cells.get("business"), code, None if status is None else check_status(
                status.lower()), clean_note(cells.get("note")), KEEP if when is None else parse_next_step(when, today)))
        except InputError as err:
            errors.append(f"line {line}: {err}")
    _raise_errors(path, errors)
    if not rows:
        raise InputError(f"{path} has no rows to import")
    return rows


def _raise_errors(path: Path, errors: list[str]) -> None:
    if errors:
        more = f"; and {len(errors) - SHOWN_ERRORS} more" if len(errors) > SHOWN_ERRORS else ""
        raise InputError(f"{path.name}: {len(errors)} bad row(s), nothing imported: "
                         f"{'; '.join(errors[:SHOWN_ERRORS])}{more}")


def _business(session: Session, row: ImportRow) -> Business:
    if row.business:
        return resolve_business(session, row.business)
    found = session.execute(select(Business).join(Outreach, col(Outreach.business_id) == col(Business.id)).where(
        col(Outreach.offer_code) == (row.offer_code or "").upper())).scalar_one_or_none()
    if found is None:
        raise InputError(f"no offer with code {row.offer_code!r}")
    return found


def import_marks(session: Session, path: Path, *, now: datetime, by: str = SYSTEM,
                 dry_run: bool = False) -> ImportReport:
    """Apply every row of an import file as one change, or none of them; a dry run rolls back what it did."""
    rows = read_import(path, today=now.date())
    whole = session.begin_nested()
    done: list[tuple[int, MarkResult]] = []
    errors: list[str] = []
    for row in rows:
        try:
            with session.begin_nested():
                done.append((row.line, mark_business(session, _business(session, row), row.status, now=now, by=by,
                                                     note=row.note, next_step=row.next_step,
                                                     source=f"import {path.name}")))
        except InputError as err:
            errors.append(f"line {row.line}: {err}")
    if errors or dry_run:
        whole.rollback()
    else:
        whole.commit()
    _raise_errors(path, errors)
    return ImportReport(done, dry_run)
