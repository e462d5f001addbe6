"""`scout score`, `scout explain` and `scout leads` as a user runs them, including bad input."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from db.engine import make_engine
from tests.conftest import CliDatabase
from tests.scout.cli_runner import assert_one_error_line, run_scout
from tests.scout.scoring.test_leads import HOSTILE, build_leads_db


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> CliDatabase:
    build_leads_db(db_url, scored=False).dispose()
    return CliDatabase(db_url, tmp_path)


def _scored(db: CliDatabase) -> CliDatabase:
    result = run_scout("--db", db.url, "score", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    return db


def test_score_reports_per_marketplace(db: CliDatabase) -> None:
    result = run_scout("--db", db.url, "score", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert "7 storefronts scored (1 with insufficient data), 6 businesses" in result.stdout
    for marketplace in ("amazon", "ebay", "etsy", "walmart"):
        assert marketplace in result.stdout


def test_leads_table_is_inert_and_marks_insufficient_data(db: CliDatabase) -> None:
    result = run_scout("--db", _scored(db).url, "leads", "--top", "10", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert "Alpha Küchen GmbH" in result.stdout and "low data" in result.stdout
    assert "\x1b" not in result.stdout and "Blocked Co." not in result.stdout


def test_leads_json_filters(db: CliDatabase) -> None:
    result = run_scout("--db", _scored(db).url, "leads", "--json", "--marketplace", "etsy", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    (lead,) = json.loads(result.stdout)
    assert lead["name"] == "Maker Studio" and lead["marketplaces"] == ["etsy"] and lead["status"] == "new"
    assert set(lead["components"]) == {"volume", "quality", "momentum", "ranking", "breadth", "fit"}


def test_include_suppressed_marks_them(db: CliDatabase) -> None:
    result = run_scout("--db", _scored(db).url, "leads", "--json", "--include-suppressed", cwd=db.folder)
    suppressed = {lead["name"] for lead in json.loads(result.stdout) if lead["suppressed"]}
    assert suppressed == {"Blocked Co.", "Opt Out Store"}


def test_leads_csv_with_bom_and_xlsx(db: CliDatabase) -> None:
    out_csv, out_xlsx = db.folder / "leads.csv", db.folder / "leads.xlsx"
    result = run_scout("--db", _scored(db).url, "leads", "--csv", str(out_csv), "--bom", "--xlsx", str(out_xlsx),
                       cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf") and out_xlsx.stat().st_size > 0
    with out_csv.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    hostile = next(row for row in rows if "HYPERLINK" in row["business"])
    assert hostile["business"].startswith("'=") and "\x1b" not in hostile["business"]
    assert HOSTILE not in out_csv.read_text(encoding="utf-8-sig")
    assert "wrote 4 leads" in result.stdout


def test_explain_prints_components_weights_and_assumptions(db: CliDatabase) -> None:
    result = run_scout("--db", _scored(db).url, "explain", "amazon:A1", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    for text in ("volume", "quality", "Wilson lower bound", "momentum", "ranking", "breadth", "fit", "weight",
                 "feedback rate 1%-5%", "price: ", "thin price basis", "GMV per month", "revenue, lifetime",
                 "(figures in EUR)", "in USD at"):
        assert text in result.stdout, text


@pytest.mark.parametrize(("args", "needle"), [
    (("leads", "--marketplace", "amazin"), "unknown marketplace 'amazin'"),
    (("leads", "--top", "-3"), "top must be at least 1"),
    (("leads", "--country", "Deutschland"), "two-letter"),
    (("leads", "--min-score", "101"), "between 0 and 100"),
    (("explain", "Nobody"), "no business or seller named"),
])
def test_bad_input_is_one_error_line(db: CliDatabase, args: tuple[str, ...], needle: str) -> None:
    assert_one_error_line(run_scout("--db", _scored(db).url, *args, cwd=db.folder), needle)


def test_leads_before_score_rescore_a_small_database_and_say_so(db: CliDatabase) -> None:
    result = run_scout("--db", db.url, "leads", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert "rescored 7 storefronts" in result.stderr and "Alpha Küchen GmbH" in result.stdout


def test_leads_before_score_on_a_large_database_say_what_to_run(db: CliDatabase) -> None:
    result = run_scout("--db", db.url, "leads", cwd=db.folder, env={"SCOUT_SCORING_AUTO_RESCORE_MAX": "0"})
    assert_one_error_line(result, "run `scout score` first")


def test_leads_after_new_data_warn_when_rescoring_is_not_cheap(db: CliDatabase) -> None:
    from tests.scout.scoring.test_leads import DAY2, _seller

    _scored(db)
    engine = make_engine(db.url)
    _seller(engine, "ebay", DAY2, "https://ebay.com/usr/late", seller_id="late", name="Late Comer",
            positive_pct=99.0, rating_count=500)
    engine.dispose()
    result = run_scout("--db", db.url, "leads", cwd=db.folder, env={"SCOUT_SCORING_AUTO_RESCORE_MAX": "0"})
    assert result.returncode == 0 and "the data changed after the last `scout score`" in result.stderr
    result = run_scout("--db", db.url, "explain", "ebay:late", cwd=db.folder)  # cheap here: rescored, then found
    assert result.returncode == 0, result.stderr
    assert "Late Comer" in result.stdout and "rescored 8 storefronts" in result.stderr


def test_leads_category_takes_a_name_or_a_code_and_lists_the_choices(db: CliDatabase) -> None:
    _scored(db)
    for value in ("Kitchen", "kitchen", "KÜCHE", "cuisine"):
        result = run_scout("--db", db.url, "leads", "--json", "--category", value, cwd=db.folder)
        assert result.returncode == 0, result.stderr
        assert [lead["name"] for lead in json.loads(result.stdout)] == ["Alpha Küchen GmbH"], value
    result = run_scout("--db", db.url, "leads", "--category", "Gardening tools for cats", cwd=db.folder)
    assert_one_error_line(result, "unknown category 'Gardening tools for cats'; choose one of: electronics")


def test_leads_json_money_carries_period_currency_and_basis(db: CliDatabase) -> None:
    result = run_scout("--db", _scored(db).url, "leads", "--json", cwd=db.folder)
    alpha = next(lead for lead in json.loads(result.stdout) if lead["name"] == "Alpha Küchen GmbH")
    assert alpha["gmv"]["period"] == "per month" and alpha["gmv"]["currency"] == "USD"
    assert alpha["revenue"]["period"] == "lifetime" and alpha["revenue"]["basis"]
    assert alpha["gmv"]["rates_of"] == "2024-12-31" and "EUR per month" in alpha["storefronts_gmv_per_month"]
    assert alpha["marketplace_rank"] == 1 and alpha["categories"] == ["kitchen"]


def test_leads_without_a_database_is_one_error_line(tmp_path: Path) -> None:
    assert_one_error_line(run_scout("leads", cwd=tmp_path), "scout db init")


def test_bad_scoring_settings_are_one_error_line(db: CliDatabase) -> None:
    result = run_scout("--db", db.url, "score", cwd=db.folder, env={"SCOUT_SCORING_FEEDBACK_RATE_LOW": "0.9"})
    assert_one_error_line(result, "feedback_rate_low/high")


def test_leads_does_not_import_the_orm_models(db: CliDatabase) -> None:
    _scored(db)
    code = ("import sys\nfrom scout.cli import main\nsys.argv = ['scout', '--db', sys.argv[1], 'leads']\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('sqlmodel', 'db.models', 'sqlalchemy.orm', 'alembic') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code, db.url], cwd=db.folder, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "[]"  # SQLModel and pydantic models take ~0.3 s to import


def test_leads_json_and_csv_carry_the_contact_details(db: CliDatabase) -> None:
    engine = make_engine(db.url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE seller SET phone = '+49 30 1234567', email = 'info@alpha.example', "
                             "website = 'https://www.alpha.example', trade_register = 'HRB 1', "
                             "business_type = 'Company', business_address = 'Hauptstr. 1, Berlin', "
                             "vat_number = 'DE281934705' WHERE seller_id = 'A1'")
    engine.dispose()
    result = run_scout("--db", _scored(db).url, "leads", "--json", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    alpha = next(lead for lead in json.loads(result.stdout) if lead["name"] == "Alpha Küchen GmbH")
    assert {name: alpha[name] for name in ("phone", "email", "website", "trade_register", "business_type",
                                           "address", "vat_number")} == {
        "phone": "+49 30 1234567", "email": "info@alpha.example", "website": "https://www.alpha.example",
        "trade_register": "HRB 1", "business_type": "Company", "address": "Hauptstr. 1, Berlin",
        "vat_number": "DE281934705"}
    result = run_scout("--db", db.url, "leads", "--csv", "leads.csv", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    with (db.folder / "leads.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["business"] == "Alpha Küchen GmbH")
    assert (row["e-mail"], row["phone"], row["VAT id"]) == ("info@alpha.example", "'+49 30 1234567", "DE281934705")
