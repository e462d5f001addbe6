"""`scout settings` shows every setting and where it comes from, never a secret."""

from __future__ import annotations

from pathlib import Path

from tests.scout.cli_runner import run_scout


def test_settings_hide_credentials_and_database_passwords(tmp_path: Path) -> None:
    result = run_scout("--db", "postgresql+psycopg://scout:hunter2@db.internal/scout", "settings", cwd=tmp_path,
                       env={"SCOUT_ETSY_API_KEY": "etsy-secret-key", "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout and "etsy-secret-key" not in result.stdout
    assert "scout:***@db.internal" in result.stdout and "(set)" in result.stdout


def test_a_malformed_database_url_is_reported_without_its_password(tmp_path: Path) -> None:
    result = run_scout("--db", "postgresql+psycopg://scout:hunter2@db.internal:notaport/scout", "db", "stats",
                       cwd=tmp_path)
    assert result.returncode != 0 and "hunter2" not in result.stderr + result.stdout
