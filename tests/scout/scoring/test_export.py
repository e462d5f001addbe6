"""CSV and XLSX exports: one row per business, hostile text neutralised, Excel-friendly encoding."""

from __future__ import annotations

import csv
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from scout.errors import InputError
from scout.sanitize import csv_safe
from scout.scoring.export import HEADERS, export_csv, export_xlsx, lead_rows
from scout.scoring.leads import Lead

WHEN = datetime(2026, 10, 31, 9, 0, tzinfo=UTC)
COMPONENTS = {"volume": 0.9, "quality": 0.8, "momentum": 0.6, "ranking": 0.5, "breadth": 0.25, "fit": 0.5}


def _lead(name: str = "Alpha GmbH", **overrides: object) -> Lead:
    values: dict[str, object] = dict(
        rank=1, business_key="business:1", business_id=1, name=name, marketplaces=("amazon", "ebay"), storefronts=2,
        main_url="https://amazon.de/sp?seller=A1", score=81.25, components=COMPONENTS, positive_pct=98.0,
        rating_count=92_000, revenue_low=46_000_000.0, revenue_high=230_000_000.0, currency="USD",
        revenue_exact=False, revenue_period="lifetime", revenue_basis="ratings ÷ rate 1%-5%",
        gmv_month_low=1_000_000.0, gmv_month_high=5_000_000.0,
        gmv_basis="ratings gained over 30 days, per 30 days, ÷ rate 1%-5%; × median of 12 observed prices",
        rate_date="2024-12-31", storefront_gmv="amazon Alpha: 900k-4.5M EUR per month", marketplace_rank=3,
        growth_pct_30d=-2.5, country="DE", categories=",kitchen,", status="new", last_seen=WHEN)
    values.update(overrides)
    return Lead(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("raw", "safe"), [
    ("=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"),
    ("+SUM(1,2)", "'+SUM(1,2)"),
    ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"),
    ("\t=1", "' =1"),
    ("\r=1", "'=1"),
    ("  =1", "'  =1"),
    ("\n=1", "' =1"),
    ("\uff1dSUM(A1)", "'\uff1dSUM(A1)"),
    ("\x1b[31mRed\x1b[0m", "Red"),
    ("a\x00b\x07c", "abc"),
    ("Müller & Söhne", "Müller & Söhne"),
    ("{{ 7*7 }} [bold]x[/bold]", "{{ 7*7 }} [bold]x[/bold]"),
    (42, 42),
    (-3.5, -3.5),
    (None, None),
])
def test_csv_safe_neutralises_formulas_and_control_characters(raw: object, safe: object) -> None:
    assert csv_safe(raw) == safe


def test_one_row_per_lead_with_every_column() -> None:
    rows = lead_rows([_lead(), _lead("Beta", rank=2)])
    assert len(rows) == 2 and all(len(row) == len(HEADERS) for row in rows)
    row = dict(zip(HEADERS, rows[0], strict=True))
    assert row["business"] == "Alpha GmbH" and row["marketplaces"] == "amazon, ebay"
    assert row["score"] == pytest.approx(81.25, abs=0.05)
    assert row["volume"] == 0.9 and row["fit"] == 0.5
    assert row["revenue low"] == 46_000_000 and row["growth % per 30 days"] == -2.5  # numbers stay numbers
    assert row["pipeline status"] == "new" and row["last seen"] == "2026-10-31 09:00 UTC"
    assert row["categories"] == "Kitchen" and row["rank in its marketplace"] == 3


def test_every_money_column_says_its_period_currency_and_basis() -> None:
    row = dict(zip(HEADERS, lead_rows([_lead()])[0], strict=True))
    assert (row["revenue period"], row["currency"], row["exchange rates of"]) == ("lifetime", "USD", "2024-12-31")
    assert row["revenue basis"] == "ratings ÷ rate 1%-5%" and "median of 12 observed prices" in row[
        "monthly GMV basis"]
    assert row["storefronts' monthly GMV in their own currency"] == "amazon Alpha: 900k-4.5M EUR per month"


def test_notes_mark_suppressed_and_insufficient() -> None:
    rows = lead_rows([_lead(suppressed=True), _lead(insufficient=True, reason="only 3 ratings (fewer than 20)")])
    notes = [row[HEADERS.index("note")] for row in rows]
    assert notes == ["suppressed", "insufficient data: only 3 ratings (fewer than 20)"]


def test_csv_neutralises_hostile_names(tmp_path: Path) -> None:
    path = tmp_path / "leads.csv"
    export_csv([_lead("=HYPERLINK(\"http://evil.invalid\",\"x\")", main_url="@evil")], path)
    with path.open(encoding="utf-8", newline="") as fh:
        header, row = list(csv.reader(fh))
    assert header == list(HEADERS)
    assert row[1].startswith("'=") and row[3] == "'@evil"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row if not _is_number(cell))


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(("bom", "prefix"), [(True, b"\xef\xbb\xbf"), (False, b"rank,")])
def test_csv_bom_for_excel(tmp_path: Path, bom: bool, prefix: bytes) -> None:
    path = tmp_path / "leads.csv"
    export_csv([_lead("Müller")], path, bom=bom)
    data = path.read_bytes()
    assert data.startswith(prefix)
    assert "Müller".encode() in data


def test_csv_to_a_missing_folder_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot write"):
        export_csv([_lead()], tmp_path / "nope" / "leads.csv")


def test_xlsx_cells_are_values_not_formulas(tmp_path: Path) -> None:
    path = tmp_path / "leads.xlsx"
    export_xlsx([_lead("=1+1"), replace(_lead("Plain"), rank=2, revenue_low=None)], path)
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS
    name_col, revenue_col = HEADERS.index("business"), HEADERS.index("revenue low")
    assert rows[1][name_col] == "'=1+1" and rows[2][name_col] == "Plain"
    assert rows[1][revenue_col] == 46_000_000 and rows[2][revenue_col] is None
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_without_openpyxl_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)
    with pytest.raises(InputError, match=r"scout\[xlsx\]"):
        export_xlsx([_lead()], tmp_path / "leads.xlsx")
    assert not (tmp_path / "leads.xlsx").exists()


CONTACT = dict(legal_name="Alpha Küchen GmbH", business_type="Company", address="Hauptstr. 1, 10115 Berlin",
               phone="+49 30 1234567", email="info@alpha.example", website="https://www.alpha.example",
               vat_number="DE281934705", trade_register="HRB 48213")


def test_contact_columns_follow_the_lead(tmp_path: Path) -> None:
    row = dict(zip(HEADERS, lead_rows([_lead(**CONTACT)])[0], strict=True))
    assert {name: row[name] for name in ("legal name", "business type", "address", "country", "phone", "e-mail",
                                         "website", "VAT id", "trade register number")} == {
        "legal name": "Alpha Küchen GmbH", "business type": "Company", "address": "Hauptstr. 1, 10115 Berlin",
        "country": "DE", "phone": "'+49 30 1234567", "e-mail": "info@alpha.example",
        "website": "https://www.alpha.example", "VAT id": "DE281934705", "trade register number": "HRB 48213"}


def test_contact_columns_are_formula_safe_in_csv_and_xlsx(tmp_path: Path) -> None:
    hostile = _lead(email="=HYPERLINK(\"http://evil.invalid\")", website="@evil", phone="-1+1",
                    address="\x1b[31m+SUM(A1)", legal_name="=1+1")
    export_csv([hostile], tmp_path / "leads.csv")
    with (tmp_path / "leads.csv").open(encoding="utf-8", newline="") as fh:
        header, row = list(csv.reader(fh))
    cells = dict(zip(header, row, strict=True))
    for name in ("e-mail", "website", "phone", "address", "legal name"):
        assert cells[name].startswith("'"), name
    export_xlsx([hostile], tmp_path / "leads.xlsx")
    sheet = load_workbook(tmp_path / "leads.xlsx").active
    assert sheet is not None
    values = dict(zip(HEADERS, next(sheet.iter_rows(min_row=2, values_only=True)), strict=True))
    assert values["e-mail"] == "'=HYPERLINK(\"http://evil.invalid\")" and values["address"] == "'+SUM(A1)"
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
