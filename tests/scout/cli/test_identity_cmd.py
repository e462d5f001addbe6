"""`scout match` and `scout suppress import | add | list`, run as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from db.engine import make_engine, session_scope
from db.models import Seller, Suppression
from tests.conftest import CliDatabase
from tests.scout.cli_runner import assert_one_error_line, run_scout

HOSTILE = "\x1b[31mRedAlert\x1b[0m [bold]x[/bold] Deals"


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> CliDatabase:
    assert run_scout("--db", db_url, "db", "init", cwd=tmp_path).returncode == 0
    engine = make_engine(db_url)
    with session_scope(engine) as session:
        session.add_all([
            Seller(marketplace="amazon", seller_id="A1", site="com", name="Anker Direct", country="US"),
            Seller(marketplace="walmart", seller_id="W1", name="AnkerDirect-US", country="US"),
            Seller(marketplace="ebay", seller_id="anker_official", name="anker_official"),
            Seller(marketplace="amazon", seller_id="A2", site="de", name="Nordic Home", country="DE",
                   business_name="Nordic Home GmbH", business_address="Hauptstraße 1, 10115 Berlin, DE"),
            Seller(marketplace="walmart", seller_id="W2", name="Nordic Home", country="US",
                   business_name="Nordic Home LLC", business_address="1 Main Street, New York NY 10001, US"),
            Seller(marketplace="etsy", seller_id="red", name=HOSTILE),
        ])
    engine.dispose()
    return CliDatabase(db_url, tmp_path)


def _count(stdout: str, label: str) -> int:
    """The count on the table row whose label is `label`."""
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")]
        if len(cells) == 4 and cells[1] == label:
            return int(cells[2].replace(",", ""))
    raise AssertionError(f"no row {label!r} in:\n{stdout}")


def test_match_prints_businesses_and_rerun_changes_nothing(db: CliDatabase) -> None:
    first = run_scout("--db", db.url, "match", cwd=db.folder)
    assert first.returncode == 0, first.stderr
    assert (_count(first.stdout, "storefronts matched"), _count(first.stdout, "businesses")) == (6, 4)
    assert (_count(first.stdout, "new"), _count(first.stdout, "with several storefronts")) == (4, 1)
    again = run_scout("--db", db.url, "match", cwd=db.folder)
    assert again.returncode == 0, again.stderr
    assert (_count(again.stdout, "new"), _count(again.stdout, "unchanged")) == (0, 4)


def test_suppress_import_add_list(db: CliDatabase) -> None:
    assert run_scout("--db", db.url, "match", cwd=db.folder).returncode == 0
    (db.folder / "ours.csv").write_text("\ufeffNAME,Domain\nAnker,\nNobody,\n", encoding="utf-8")
    imported = run_scout("--db", db.url, "suppress", "import", "ours.csv", cwd=db.folder)
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "ours.csv: 2 added, 0 already on the list"
    again = run_scout("--db", db.url, "suppress", "import", "ours.csv", cwd=db.folder)
    assert again.stdout.strip() == "ours.csv: 0 added, 2 already on the list"
    added = run_scout("--db", db.url, "suppress", "add", HOSTILE, "--reason", "[red]asked[/red] to stop", cwd=db.folder)
    assert added.returncode == 0, added.stderr
    listed = run_scout("--db", db.url, "suppress", "list", cwd=db.folder)
    assert listed.returncode == 0, listed.stderr
    assert "\x1b" not in listed.stdout
    assert "[bold]x[/bold]" in listed.stdout and "[red]asked[/red]" in listed.stdout
    catches = " ".join(line.split("│")[-2].strip() for line in listed.stdout.splitlines() if line.count("│") > 5)
    assert "1 business(es), 3 storefront(s): Anker Direct" in catches and "0 business(es), 0 storefront(s)" in catches


@pytest.mark.parametrize(("content", "needle"), [
    ("company\nAnker\n", "no 'name' column"),
    (None, "cannot read"),
])
def test_suppress_import_bad_file_is_one_error_line(db: CliDatabase, content: str | None, needle: str) -> None:
    if content is not None:
        (db.folder / "bad.csv").write_text(content, encoding="utf-8")
    result = run_scout("--db", db.url, "suppress", "import", "bad.csv", cwd=db.folder)
    assert_one_error_line(result, needle, "bad.csv")


def test_match_without_database_is_one_error_line(tmp_path: Path) -> None:
    assert_one_error_line(run_scout("match", cwd=tmp_path), "no database")
    assert not (tmp_path / "scout.db").exists()


def _entries(db: CliDatabase) -> int:
    engine = make_engine(db.url)
    with session_scope(engine) as session:
        count = len(session.execute(select(Suppression)).all())
    engine.dispose()
    return count


def test_suppress_add_asks_before_catching_several_businesses(db: CliDatabase) -> None:
    assert run_scout("--db", db.url, "match", cwd=db.folder).returncode == 0
    asked = run_scout("--db", db.url, "suppress", "add", "Nordic Home", "--reason", "x", cwd=db.folder)
    assert_one_error_line(asked, "not confirmed: nothing was changed")
    assert "catches Nordic Home GmbH" in asked.stdout and "catches Nordic Home LLC" in asked.stdout
    assert _entries(db) == 0
    added = run_scout("--db", db.url, "suppress", "add", "Nordic Home", "--reason", "x", "--yes", cwd=db.folder)
    assert added.returncode == 0 and "added Nordic Home" in added.stdout and _entries(db) == 1


def test_suppress_add_asks_before_catching_a_business_by_a_similar_name_only(db: CliDatabase) -> None:
    engine = make_engine(db.url)
    with session_scope(engine) as session:
        session.add(Seller(marketplace="allegro", seller_id="ZUR", name="Żurovex S.A.", country="PL"))
    engine.dispose()
    asked = run_scout("--db", db.url, "suppress", "add", "Żuroovex", "--reason", "x", cwd=db.folder,
                      input_text="n\n")
    assert_one_error_line(asked, "not confirmed")
    assert "catches Żurovex S.A." in asked.stdout and "similar name" in asked.stdout and _entries(db) == 0
    agreed = run_scout("--db", db.url, "suppress", "add", "Żuroovex", "--reason", "x", cwd=db.folder,
                       input_text="y\n")
    assert agreed.returncode == 0 and _entries(db) == 1


@pytest.mark.parametrize(("args", "needle"), [
    (["--seller-id", "S1", "--marketplace", "shopify"], "unknown marketplace 'shopify'"),
    (["--domain", "not a domain"], "is not the business's own web or e-mail domain"),
    (["--domain", "https://www.amazon.de/sp?seller=A1"], "is not the business's own web or e-mail domain"),
    (["--marketplace", "amazon"], "give the seller id too"),
])
def test_suppress_add_bad_input_is_one_error_line_and_adds_nothing(db: CliDatabase, args: list[str],
                                                                  needle: str) -> None:
    result = run_scout("--db", db.url, "suppress", "add", "Someone", "--reason", "x", "--yes", *args, cwd=db.folder)
    assert_one_error_line(result, needle)
    assert _entries(db) == 0


def test_suppress_import_with_a_bad_row_imports_nothing(db: CliDatabase) -> None:
    (db.folder / "ours.csv").write_text("name,marketplace,seller_id\nGood,,\nBad,shopify,S1\n", encoding="utf-8")
    result = run_scout("--db", db.url, "suppress", "import", "ours.csv", cwd=db.folder)
    assert_one_error_line(result, "ours.csv line 3: unknown marketplace 'shopify'", "nothing was imported")
    assert _entries(db) == 0
