"""Versioned migrations create exactly the models' schema, keep data, and work on PostgreSQL too."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from db.engine import make_engine
from db.migrate import current_revision, head_revision, require_current, upgrade
from scout.errors import DatabaseError

TABLES = {"crawl", "page", "business", "seller", "sellersnapshot", "ranking_entry", "offer", "suppression",
          "outreach", "frontier", "seller_score", "lead_score", "alembic_version"}


def test_upgrade_creates_every_table_at_head(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    before, after = upgrade(engine)
    assert before is None and after == head_revision()
    assert set(inspect(engine).get_table_names()) == TABLES


def test_migrations_produce_exactly_the_models_schema(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    upgrade(engine)
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), SQLModel.metadata)
    assert diffs == []


def test_upgrade_is_repeatable_and_keeps_data(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO business (name, normalized_name, created_at) VALUES ('A', 'a', '2026-01-01')"))
    assert upgrade(engine) == (head_revision(), head_revision())
    with engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM business")).scalars().all() == ["A"]


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_an_uninitialised_database_is_refused_with_advice(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    with pytest.raises(DatabaseError, match="scout db init"):
        require_current(engine)


def test_tables_without_a_revision_are_not_silently_adopted(tmp_path: Path) -> None:
    engine = make_engine(str(tmp_path / "s.db"))
    SQLModel.metadata.create_all(engine)
    with pytest.raises(DatabaseError, match="no schema revision"):
        upgrade(engine)


@pytest.mark.skipif(not os.environ.get("SCOUT_TEST_PG"), reason="set SCOUT_TEST_PG to a PostgreSQL URL")
def test_same_schema_on_postgresql() -> None:
    base = os.environ["SCOUT_TEST_PG"]
    admin = make_engine(base)
    schema = f"scout_test_{uuid.uuid4().hex[:8]}"
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        engine = make_engine(f"{base}{'&' if '?' in base else '?'}options=-csearch_path%3D{schema}")
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        assert set(inspect(engine).get_table_names(schema=schema)) == TABLES
        with engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
        assert diffs == []
        engine.dispose()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_schema_head_constant_matches_the_migration_scripts() -> None:
    from db.migrate import SCHEMA_HEAD, script_head

    assert script_head() == SCHEMA_HEAD
