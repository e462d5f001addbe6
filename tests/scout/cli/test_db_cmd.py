"""`scout db init | upgrade | stats`, `--version`, and bad input: one clear line, nothing written."""

from __future__ import annotations

import hashlib
import socket
from pathlib import Path

import pytest

from scout import __version__
from tests.scout.cli_runner import assert_one_error_line, run_scout


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_version_prints_the_package_version(tmp_path: Path) -> None:
    result = run_scout("--version", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.strip() == f"scout {__version__}"


def test_db_init_then_stats_on_default_sqlite_file(tmp_path: Path) -> None:
    init = run_scout("db", "init", cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert (tmp_path / "scout.db").is_file()
    stats = run_scout("db", "stats", cwd=tmp_path)
    assert stats.returncode == 0, stats.stderr
    for column in ("marketplace", "sellers", "snapshots", "businesses", "crawls"):
        assert column in stats.stdout


def test_db_init_twice_is_harmless(tmp_path: Path) -> None:
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    again = run_scout("db", "init", cwd=tmp_path)
    assert again.returncode == 0
    assert "already up to date" in again.stdout


def test_db_env_variable_chooses_the_file(tmp_path: Path) -> None:
    result = run_scout("db", "init", cwd=tmp_path, env={"SCOUT_DB": str(tmp_path / "team.db")})
    assert result.returncode == 0
    assert (tmp_path / "team.db").is_file()
    assert not (tmp_path / "scout.db").exists()


@pytest.mark.parametrize("url", ["postgresql+psycopg://u:p@:::/x", "foo://somewhere/db", "://nothing"])
def test_malformed_db_url_is_one_clear_line(tmp_path: Path, url: str) -> None:
    result = run_scout("--db", url, "db", "init", cwd=tmp_path)
    assert_one_error_line(result)
    assert list(tmp_path.iterdir()) == []


def test_unreachable_postgresql_is_one_clear_line(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://scout:secret@127.0.0.1:{_free_port()}/scout"
    result = run_scout("--db", url, "db", "init", cwd=tmp_path)
    assert_one_error_line(result, "cannot reach PostgreSQL")
    assert "secret" not in result.stderr


def test_read_only_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "scout.db"
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    for sidecar in tmp_path.glob("scout.db-*"):
        sidecar.unlink()
    before = _digest(db)
    db.chmod(0o444)
    result = run_scout("db", "upgrade", cwd=tmp_path)
    assert_one_error_line(result, "read-only")
    assert _digest(db) == before


def test_corrupt_sqlite_file_is_refused_and_untouched(tmp_path: Path) -> None:
    db = tmp_path / "scout.db"
    db.write_bytes(b"this is not a database\x00" * 100)
    before = _digest(db)
    for command in (("db", "init"), ("db", "stats"), ("db", "upgrade")):
        result = run_scout(*command, cwd=tmp_path)
        assert_one_error_line(result, "not a SQLite database")
    assert _digest(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["scout.db"]


def test_sqlite_file_with_a_damaged_body_is_reported_corrupt(tmp_path: Path) -> None:
    db = tmp_path / "scout.db"
    assert run_scout("db", "init", cwd=tmp_path).returncode == 0
    for sidecar in tmp_path.glob("scout.db-*"):
        sidecar.unlink()
    data = bytearray(db.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # keep the header, wreck the schema page
    db.write_bytes(bytes(data))
    result = run_scout("db", "stats", cwd=tmp_path)
    assert_one_error_line(result)


def test_unknown_setting_in_scout_toml_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "scout.toml").write_text('[crawler]\nper_host_delay = 2\nper_host_dealy = 3\n')
    result = run_scout("db", "init", cwd=tmp_path)
    assert_one_error_line(result, "per_host_dealy")
    assert not (tmp_path / "scout.db").exists()


def test_stats_before_init_says_to_run_init(tmp_path: Path) -> None:
    result = run_scout("db", "stats", cwd=tmp_path)
    assert_one_error_line(result, "scout db init")
    assert not (tmp_path / "scout.db").exists()


def test_debug_flag_shows_the_traceback(tmp_path: Path) -> None:
    result = run_scout("--debug", "--db", "foo://x", "db", "init", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" in result.stderr
