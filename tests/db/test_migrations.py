"""Versioned migrations create exactly the models' schema, keep data, and work on PostgreSQL too."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from db.engine import make_engine
from db.migrate import copy_sqlite, current_revision, head_revision, require_current, upgrade
from scout.errors import DatabaseError
from tests.conftest import Databases

TABLES = {"crawl", "page", "business", "seller", "sellersnapshot", "ranking_entry", "offer", "suppression",
          "outreach", "offer_event", "seller_contact", "frontier", "seller_score", "lead_score", "do_not_collect",
          "score_run", "crawl_host", "crawl_worker", "alembic_version"}


@pytest.fixture
def empty(databases: Databases) -> Iterator[Engine]:
    """An engine on a database with no schema yet."""
    engine = make_engine(databases.empty())
    yield engine
    engine.dispose()


def test_upgrade_creates_every_table_at_head(empty: Engine) -> None:
    before, after = upgrade(empty)
    assert before is None and after == head_revision() == current_revision(empty)
    assert set(inspect(empty).get_table_names()) == TABLES


def test_migrations_produce_exactly_the_models_schema(empty: Engine) -> None:
    upgrade(empty)
    with empty.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diffs == []


def test_upgrade_is_repeatable_and_keeps_data(empty: Engine) -> None:
    engine = empty
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO business (name, normalized_name, created_at) VALUES ('A', 'a', '2026-01-01')"))
    assert upgrade(engine) == (head_revision(), head_revision())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM business")).scalars().all() == ["A"]


def test_0005_gives_an_interrupted_crawls_pending_pages_their_host(empty: Engine) -> None:
    from alembic import command

    from db.migrate import _config

    with empty.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
        conn.execute(text("INSERT INTO crawl (source, started_at, status, options, pages_ok, pages_retried, "
                          "pages_blocked, pages_drifted, pages_disallowed, pages_failed, sellers_new, sellers_updated) "
                          "VALUES ('amazon', '2026-01-01', 'interrupted', '{}', 0, 0, 0, 0, 0, 0, 0, 0)"))
        conn.execute(text("INSERT INTO frontier (crawl_id, url, fingerprint, marketplace, kind, depth, status, "
                          "attempts, context) VALUES (1, 'https://WWW.Amazon.de:443/dp/B0', 'f1', 'amazon', 'product', "
                          "0, 'pending', 0, '{}'), (1, 'https://www.amazon.de/dp/B1', 'f2', 'amazon', 'product', 0, "
                          "'done', 1, '{}')"))
    upgrade(empty, backup=False)
    with empty.connect() as conn:
        rows = conn.execute(text("SELECT status, host, claims FROM frontier ORDER BY id")).all()
    assert [tuple(row) for row in rows] == [("pending", "www.amazon.de:443", 0), ("done", None, 0)]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_an_uninitialised_database_is_refused_with_advice(empty: Engine) -> None:
    with pytest.raises(DatabaseError, match="scout db init"):
        require_current(empty)


def test_tables_without_a_revision_are_not_silently_adopted(empty: Engine) -> None:
    SQLModel.metadata.create_all(empty)
    with pytest.raises(DatabaseError, match="no schema revision"):
        upgrade(empty)


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    from db.migrate import SCHEMA_HEAD, script_head

    assert script_head() == SCHEMA_HEAD


def test_a_database_made_by_a_newer_scout_says_so(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    for check in (require_current, upgrade):
        with pytest.raises(DatabaseError, match=r"made by a newer Scout \(schema 9999; .*upgrade Scout"):
            check(engine)


def test_a_sqlite_copy_includes_what_is_still_in_the_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    writer = sqlite3.connect(path)
    writer.execute("PRAGMA journal_mode = WAL")
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # the rows stay in scout.db-wal, not in scout.db
    writer.execute("CREATE TABLE t (x)")
    writer.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(100)])
    writer.commit()
    assert Path(f"{path}-wal").stat().st_size > 0
    copy_sqlite(path, tmp_path / "copy.db")
    writer.close()
    with sqlite3.connect(tmp_path / "copy.db") as copy:
        assert copy.execute("SELECT count(*) FROM t").fetchone() == (100,)


def test_0007_starts_the_follow_up_clock_of_offers_already_sent(empty: Engine) -> None:
    from alembic import command

    from db.migrate import _config

    with empty.begin() as conn:
        config = _config()
        config.attributes["connection"] = conn
        command.upgrade(config, "0004")
    with empty.begin() as conn:
        conn.execute(text("INSERT INTO business (id, name, normalized_name, created_at) VALUES "
                          "(1, 'A', 'a', '2026-01-01'), (2, 'B', 'b', '2026-01-01')"))
        conn.execute(text("INSERT INTO outreach (business_id, status, offer_code, language, free_months, "
                          "commission_pct, created_at, updated_at) VALUES "
                          "(1, 'sent', 'SC-1', 'en', 3, 5.0, '2026-01-01', '2026-01-02 10:00:00'), "
                          "(2, 'drafted', 'SC-2', 'en', 3, 5.0, '2026-01-01', '2026-01-03 10:00:00')"))
    upgrade(empty)
    with empty.connect() as conn:
        rows = conn.execute(text("SELECT offer_code, sent_at IS NOT NULL, follow_ups, owner FROM outreach "
                                 "ORDER BY offer_code")).all()
    assert [tuple(row) for row in rows] == [("SC-1", True, 0, None), ("SC-2", False, 0, None)]
