"""Leads as CSV or XLSX, one row per business; every text cell made inert (OWASP CSV injection).

Money columns come in the reporting currency (`currency`), labelled with their period and basis; each storefront's
own figure, in its own currency, is in the last money column. The contact columns (legal name to trade register
number) are what the storefronts' pages publish by law (scout.scoring.leads.lead_contacts).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scout.errors import InputError
from scout.money import rounded
from scout.sanitize import csv_safe
from scout.scoring.categories import category_name, split_keys
from scout.scoring.components import COMPONENTS
from scout.scoring.leads import Lead


def _note(lead: Lead) -> str:
    notes = (["suppressed"] if lead.suppressed else []) + ([f"insufficient data: {lead.reason}"]
                                                           if lead.insufficient else [])
    return "; ".join(notes)


COLUMNS: tuple[tuple[str, Callable[[Lead], Any]], ...] = (
    ("rank", lambda d: d.rank),
    ("business", lambda d: d.name),
    ("marketplaces", lambda d: ", ".join(d.marketplaces)),
    ("main storefront URL", lambda d: d.main_url),
    ("score", lambda d: round(d.score, 1)),
    *((name, (lambda d, n=name: round(d.components[n], 3))) for name in COMPONENTS),
    ("positive %", lambda d: rounded(d.positive_pct, 1)),
    ("rating count", lambda d: d.rating_count),
    ("categories", lambda d: ", ".join(category_name(k) for k in split_keys(d.categories))),
    ("rank in its marketplace", lambda d: d.marketplace_rank),
    ("revenue low", lambda d: rounded(d.revenue_low, 0)),
    ("revenue high", lambda d: rounded(d.revenue_high, 0)),
    ("revenue period", lambda d: None if d.revenue_low is None else d.revenue_period),
    ("revenue basis", lambda d: None if d.revenue_low is None else d.revenue_basis),
    ("monthly GMV low", lambda d: rounded(d.gmv_month_low, 0)),
    ("monthly GMV high", lambda d: rounded(d.gmv_month_high, 0)),
    ("monthly GMV basis", lambda d: d.gmv_basis),
    ("currency", lambda d: d.currency),
    ("exchange rates of", lambda d: d.rate_date),
    ("storefronts' monthly GMV in their own currency", lambda d: d.storefront_gmv),
    ("growth % per 30 days", lambda d: rounded(d.growth_pct_30d, 2)),
    ("legal name", lambda d: d.legal_name),
    ("business type", lambda d: d.business_type),
    ("address", lambda d: d.address),
    ("country", lambda d: d.country),
    ("phone", lambda d: d.phone),
    ("e-mail", lambda d: d.email),
    ("website", lambda d: d.website),
    ("VAT id", lambda d: d.vat_number),
    ("trade register number", lambda d: d.trade_register),
    ("pipeline status", lambda d: d.status),
    ("owner", lambda d: d.owner),
    ("last seen", lambda d: d.last_seen.strftime("%Y-%m-%d %H:%M UTC")),
    ("note", _note),
)
HEADERS = tuple(name for name, _ in COLUMNS)


def lead_rows(leads: Sequence[Lead]) -> list[list[Any]]:
    """The export rows (without the header): numbers stay numbers, text is spreadsheet-safe."""
    return [[csv_safe(value) for value in (get(lead) for _, get in COLUMNS)] for lead in leads]


def export_csv(leads: Sequence[Lead], path: Path, *, bom: bool = False) -> int:
    """Write leads as CSV (UTF-8, with a BOM for Excel when `bom`); how many rows were written."""
    try:
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(HEADERS)
            writer.writerows(["" if v is None else v for v in row] for row in lead_rows(leads))
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror or err}") from None
    return len(leads)


def export_xlsx(leads: Sequence[Lead], path: Path) -> int:
    """Write leads as an XLSX workbook (needs the `xlsx` extra); how many rows were written."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InputError("writing XLSX needs openpyxl: pip install 'scout[xlsx]'") from None
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("leads")
    sheet.append(list(HEADERS))
    for row in lead_rows(leads):
        sheet.append(row)
    buffer = io.BytesIO()  # built in memory: a failed write to disk must not leave openpyxl's streams half-open
    workbook.save(buffer)
    try:
        path.write_bytes(buffer.getvalue())
    except OSError as err:
        raise InputError(f"cannot write {path}: {err.strerror or err}") from None
    return len(leads)
