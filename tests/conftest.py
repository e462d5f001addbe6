"""Databases for tests: every test that touches the database runs on SQLite and, when SCOUT_TEST_PG holds a
PostgreSQL URL (`.ci/run` starts a throwaway server), on PostgreSQL too.

Each test gets empty databases at the newest schema, made fast from a template migrated once per session: a copy
of a SQLite file; on PostgreSQL a database from a small pool made with `CREATE DATABASE … TEMPLATE` (a third of a
second each) and emptied again (every row deleted, every sequence restarted: a few milliseconds) when the next test
takes it. A test must not change the schema of such a database: `databases.empty()` gives one without a schema.
"""

from __future__ import annotations

import gc
import os
import shutil
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

import db.models  # noqa: F401  (the tables, for emptying pooled databases)
from db.engine import make_engine
from db.migrate import head_revision, upgrade

PG_URL = os.environ.get("SCOUT_TEST_PG")
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(
    not PG_URL, reason="set SCOUT_TEST_PG to a PostgreSQL URL"))]


def pg_database_url(name: str) -> str:
    """SCOUT_TEST_PG pointing at database `name` instead."""
    assert PG_URL is not None
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


class Templates:
    """Migrated, empty template databases, made once per session on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.sqlite: Path | None = None
        self.postgresql: str | None = None
        self._admin: Engine | None = None
        self._free: list[str] = []  # pooled PostgreSQL databases at the newest schema, not in use
        self._pooled: list[str] = []

    def sqlite_template(self) -> Path:
        if self.sqlite is None:
            path = self.folder / "template.db"
            engine = make_engine(str(path))
            upgrade(engine)
            engine.dispose()
            self.sqlite = path
        return self.sqlite

    @property
    def admin(self) -> Engine:
        if self._admin is None:
            assert PG_URL is not None
            self._admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        return self._admin

    def postgresql_template(self) -> str:
        if self.postgresql is None:
            name = f"scout_template_{uuid.uuid4().hex[:8]}"
            with self.admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {name}"))
            engine = make_engine(pg_database_url(name))
            upgrade(engine)
            engine.dispose()
            self.postgresql = name
        return self.postgresql

    def acquire(self) -> str:
        """An empty PostgreSQL database at the newest schema, from the pool (made when the pool has none free)."""
        if not self._free:
            name = f"scout_test_{uuid.uuid4().hex[:10]}"
            with self.admin.connect() as conn:
                conn.execute(text(f"CREATE DATABASE {name} TEMPLATE {self.postgresql_template()}"))
            self._pooled.append(name)
            return name
        name = self._free.pop()
        with self.admin.connect() as conn:  # whatever the last test left connected goes first
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": name})
        engine = create_engine(make_url(pg_database_url(name)), poolclass=NullPool)
        with engine.begin() as conn:
            sequences = conn.execute(text("SELECT sequence_name FROM information_schema.sequences "
                                          "WHERE sequence_schema = 'public'")).scalars().all()
            tables = [t.name for t in reversed(SQLModel.metadata.sorted_tables)]
            conn.execute(text("; ".join([*(f"DELETE FROM {t}" for t in tables),
                                         *(f"ALTER SEQUENCE {s} RESTART" for s in sequences)])))
            conn.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()})
        engine.dispose()
        return name

    def release(self, name: str) -> None:
        """Give a pooled database back (it is emptied when next taken)."""
        self._free.append(name)

    def close(self) -> None:
        if self._admin is not None:
            with self._admin.connect() as conn:
                for name in [*self._pooled, *([self.postgresql] if self.postgresql else [])]:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            self._admin.dispose()


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Templates]:
    made = Templates(tmp_path_factory.mktemp("templates"))
    yield made
    made.close()


class Databases:
    """Makes empty databases at the newest schema on one backend; `new()` returns what `--db` takes."""

    def __init__(self, backend: str, templates: Templates, folder: Path) -> None:
        self.backend = backend
        self.templates = templates
        self.folder = folder
        self.made: list[str] = []  # databases made for this test alone (dropped after it)
        self.taken: list[str] = []  # pooled databases (given back after it)

    def new(self, name: str = "scout") -> str:
        """A fresh database: a SQLite file path, or a PostgreSQL URL."""
        if self.backend == "sqlite":
            path = self.folder / f"{name}.db"
            shutil.copyfile(self.templates.sqlite_template(), path)
            return str(path)
        database = self.templates.acquire()
        self.taken.append(database)
        return pg_database_url(database)

    def empty(self, name: str = "empty") -> str:
        """A database with no schema at all (for `scout db init` and its checks)."""
        if self.backend == "sqlite":
            return str(self.folder / f"{name}.db")
        database = f"scout_test_{uuid.uuid4().hex[:10]}"
        with self.templates.admin.connect() as conn:
            conn.execute(text(f"CREATE DATABASE {database}"))
        self.made.append(database)
        return pg_database_url(database)

    def drop_all(self) -> None:
        if self.backend == "postgresql":  # engines the test let go of close their connections now, not later
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ResourceWarning)
                gc.collect()
        for database in self.taken:
            self.templates.release(database)
        self.taken.clear()
        if self.made:
            with self.templates.admin.connect() as conn:
                for database in self.made:
                    conn.execute(text(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)"))
            self.made.clear()


@pytest.fixture(autouse=True)
def _private_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scout's record of the files it wrote goes to the test's own folder, never the real home."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / ".state"))


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """The database backend a test runs on: "sqlite" or "postgresql"."""
    return str(request.param)


@pytest.fixture
def databases(backend: str, templates: Templates, tmp_path: Path) -> Iterator[Databases]:
    made = Databases(backend, templates, tmp_path)
    yield made
    made.drop_all()


@pytest.fixture
def db_url(databases: Databases) -> str:
    """An empty database at the newest schema, as `--db` takes it."""
    return databases.new()


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """An engine on an empty database at the newest schema."""
    made = make_engine(db_url)
    yield made
    made.dispose()


@dataclass(frozen=True)
class CliDatabase:
    """A database as a command-line test uses it: what `--db` takes, and the folder the commands run in."""

    url: str
    folder: Path


@pytest.fixture(scope="module", params=BACKENDS)
def module_databases(request: pytest.FixtureRequest, templates: Templates,
                     tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """Databases shared by the tests of one module (built once per backend: read-only tests of a world)."""
    made = Databases(str(request.param), templates, tmp_path_factory.mktemp("module-db"))
    yield made
    made.drop_all()
