"""Versioned schema migrations (alembic), run from code so `scout db upgrade` needs no alembic.ini.

alembic is imported only when migrating: everyday commands check the schema version with one query.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import exc, inspect, text
from sqlalchemy.engine import Engine

from db.engine import make_engine, translate_error
from db.errors import DatabaseError

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SCHEMA_HEAD = "0011"  # the newest revision in migrations/versions (a test checks they agree)


def _config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def known_revisions() -> frozenset[str]:
    """The schema revisions this Scout's migration scripts know (from their file names: no alembic import)."""
    return frozenset(p.name.split("_", 1)[0] for p in (MIGRATIONS / "versions").glob("[0-9]*_*.py"))


def check_not_newer(revision: str | None) -> None:
    """A DatabaseError for a database at a schema this Scout does not know: a newer Scout made it."""
    if revision is not None and revision not in known_revisions():
        raise DatabaseError(f"the database was made by a newer Scout (schema {revision}; this Scout knows up to "
                            f"{head_revision()}): upgrade Scout")


def head_revision() -> str:
    """The newest schema revision this version of Scout knows."""
    return SCHEMA_HEAD


def script_head() -> str | None:
    """The head revision according to the migration scripts themselves."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at; None for an empty database."""
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def has_scout_tables(engine: Engine) -> bool:
    """Whether the database already holds Scout's tables."""
    return inspect(engine).has_table("seller")


def upgrade(engine: Engine, *, backup: bool = True) -> tuple[str | None, str]:
    """Bring the schema to the newest revision; (revision before, revision after). Backs up a SQLite file first."""
    try:
        before = current_revision(engine)
        head = head_revision()
        check_not_newer(before)
        if before == head:
            return before, head
        if before is None and has_scout_tables(engine):
            raise DatabaseError("the database has Scout tables but no schema revision: it was not made by `scout db`")
        db_path = engine.url.database if engine.url.get_backend_name() == "sqlite" else None
        if backup and before is not None and db_path:
            copy_sqlite(Path(db_path), backup_file(db_path, head))
        from alembic import command

        with engine.begin() as conn:
            config = _config()
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
        return before, head
    except exc.DBAPIError as err:
        raise translate_error(engine, err) from None


def backup_file(db_path: str, head: str) -> Path:
    """Where `upgrade` keeps a SQLite file's copy from before it moved to schema `head`."""
    return Path(f"{db_path}.before-{head}.bak")


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (its WAL included) through SQLite's online backup API."""
    src = sqlite3.connect(source)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def require_current(engine: Engine) -> None:
    """Fail with a clear message when the database is missing Scout's schema or needs `scout db upgrade`."""
    try:
        revision = current_revision(engine)
    except exc.DBAPIError as err:
        raise translate_error(engine, err) from None
    if revision is None:
        raise DatabaseError("the database has no Scout schema yet: run `scout db init`")
    check_not_newer(revision)
    if revision != head_revision():
        raise DatabaseError(f"the database schema is at {revision}, this Scout needs {head_revision()}: "
                            "run `scout db upgrade`")


def open_current(db: str | None, *, write: bool) -> Engine:
    """The engine of an existing database whose schema is this Scout's (else one clear DatabaseError)."""
    engine = make_engine(db, write=write, must_exist=True)
    require_current(engine)
    return engine
