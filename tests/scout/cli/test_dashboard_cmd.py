"""`scout dashboard` as a user runs it: plain text when piped, the headline figures, `--watch` stopped by
Ctrl-C, and bad input as one error line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.cells import cell_len

from db.models import utcnow
from tests.conftest import CliDatabase, Databases
from tests.scout.cli_runner import assert_one_error_line, interrupt_scout, run_scout
from tests.scout.dashboard.test_data import MARKUP, build_dashboard_db

HEADLINE = re.compile(r"│ 9 +7 +6 +1 +3 +1 +│")  # sellers, businesses, new this week, leads ≥60, drafts, onboarded


@pytest.fixture(scope="module")
def db(module_databases: Databases) -> CliDatabase:
    url = module_databases.new("dashboard")
    build_dashboard_db(url, now=utcnow()).dispose()
    return CliDatabase(url, module_databases.folder)


@pytest.mark.parametrize("columns", ["80", "160"])
def test_dashboard_prints_plain_text_with_the_headline_figures(db: CliDatabase, columns: str) -> None:
    result = run_scout("--db", db.url, "dashboard", cwd=db.folder, env={"COLUMNS": columns, "LINES": "24"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "\x1b" not in out and HEADLINE.search(out), out
    assert "Alpha Küchen GmbH" in out and MARKUP in out and "ALARM: ebay, walmart" in out
    assert max(cell_len(line) for line in out.splitlines()) <= int(columns)
    assert re.search(r"drafted +7 ", out)


def test_dashboard_threshold_changes_the_lead_count(db: CliDatabase) -> None:
    result = run_scout("--db", db.url, "dashboard", "--threshold", "0", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert "leads ≥0" in result.stdout and re.search(r"│ 9 +7 +6 +5 +3 +1 +│", result.stdout)


def test_dashboard_for_one_marketplace(db: CliDatabase) -> None:
    result = run_scout("--db", db.url, "dashboard", "--marketplace", "etsy", cwd=db.folder)
    assert result.returncode == 0, result.stderr
    assert "Scout · etsy ·" in result.stdout and "Maker Studio" in result.stdout
    assert "Alpha Küchen GmbH" not in result.stdout


def test_dashboard_on_a_fresh_database(tmp_path: Path) -> None:
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    result = run_scout("dashboard", cwd=tmp_path, env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert "no data yet — run scout demo or scout crawl" in result.stdout and "\x1b" not in result.stdout


@pytest.mark.parametrize(("args", "needle"), [
    (("--watch", "0"), "--watch must be at least 1 second, got 0"),
    (("--watch", "-2"), "--watch must be at least 1 second"),
    (("--marketplace", "amazin"), "unknown marketplace 'amazin'"),
    (("--threshold", "150"), "threshold must be between 0 and 100"),
])
def test_bad_input_is_one_error_line(db: CliDatabase, args: tuple[str, ...], needle: str) -> None:
    assert_one_error_line(run_scout("--db", db.url, "dashboard", *args, cwd=db.folder), needle)


def test_missing_database_is_one_error_line(tmp_path: Path) -> None:
    assert_one_error_line(run_scout("--db", str(tmp_path / "none.db"), "dashboard", cwd=tmp_path), "scout db init")


def test_watch_stops_cleanly_on_ctrl_c(db: CliDatabase) -> None:
    result = interrupt_scout("--db", db.url, "dashboard", "--watch", "1", cwd=db.folder, env={"COLUMNS": "80"},
                             ready=lambda out: out.count("Crawl health") >= 2, timeout=60)
    frames = result.stdout
    assert result.returncode == 0, result.stderr
    assert frames.count("every 1s, Ctrl-C to stop") >= 2 and "\x1b" not in frames and "Traceback" not in result.stderr
