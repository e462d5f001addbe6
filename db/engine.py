"""Engines and sessions made from a URL given at run time (never at import time).

`--db` / `SCOUT_DB` take a file path (SQLite) or an SQLAlchemy URL (`postgresql+psycopg://…`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, exc
from sqlalchemy.engine import URL, Connection, Engine, make_url

from db.errors import DatabaseError

if TYPE_CHECKING:
    from sqlmodel import Session

DEFAULT_DB = "scout.db"
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000


_PASSWORD = re.compile(r"(://[^/@:\s]*:)[^/\s]*@")


def hide_password(text: str) -> str:
    """`text` with the password of any URL in it replaced by ***, even in a URL too malformed to parse."""
    return _PASSWORD.sub(r"\1***@", text)


def resolve_url(db: str | None) -> URL:
    """The SQLAlchemy URL for a `--db` value: a path becomes a SQLite URL."""
    raw = (db or DEFAULT_DB).strip()
    if not raw:
        raise DatabaseError("the database location is empty")
    if "://" not in raw:
        return URL.create("sqlite", database=str(Path(raw).expanduser()))
    try:
        url = make_url(raw)
    except (exc.ArgumentError, ValueError) as err:
        raise DatabaseError(f"malformed database URL {hide_password(raw)!r}: {hide_password(str(err))}") from None
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise DatabaseError(f"unsupported database {url.get_backend_name()!r} in {url.render_as_string()!r}: "
                            "use a SQLite path or a postgresql+psycopg:// URL")
    return url


def describe(url: URL) -> str:
    """The database as shown to a user: a SQLite file's path, or the URL with its password hidden."""
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def _check_sqlite_file(path: Path, *, write: bool) -> None:
    if path.exists():
        if path.is_dir():
            raise DatabaseError(f"{path} is a directory, not a SQLite database file")
        with path.open("rb") as fh:
            header = fh.read(len(SQLITE_HEADER))
        if header and header != SQLITE_HEADER:
            raise DatabaseError(f"{path} is not a SQLite database (corrupt or another kind of file)")
        if write and (not os.access(path, os.W_OK) or not path.stat().st_mode & 0o222):
            raise DatabaseError(f"{path} is read-only: Scout needs to write to it")
    parent = path.parent if str(path.parent) else Path(".")
    if write and not parent.exists():
        raise DatabaseError(f"folder {parent} does not exist for database {path}")
    if write and not os.access(parent, os.W_OK):
        raise DatabaseError(f"folder {parent} is read-only: SQLite needs to write its journal beside {path.name}")


def _on_sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _begin_immediate(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_deferred(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")


def make_engine(db: str | None, *, write: bool = True, must_exist: bool = False) -> Engine:
    """An engine for `db`, checked so that bad input fails with one clear DatabaseError before anything is written."""
    url = resolve_url(db)
    if url.get_backend_name() == "sqlite":
        if url.database in (None, "", ":memory:"):
            engine = create_engine("sqlite://", connect_args={"check_same_thread": False})
            event.listen(engine, "connect", _on_sqlite_connect)
            return engine
        path = Path(url.database)
        if must_exist and not path.exists():
            raise DatabaseError(f"no database at {path}: run `scout db init` first")
        _check_sqlite_file(path, write=write)
        # isolation_level=None hands transaction control to SQLAlchemy, so writers can BEGIN IMMEDIATE:
        # taking the write lock up front makes a second process wait (busy timeout) instead of deadlocking
        # on a read-to-write upgrade, which SQLite reports as "database is locked" without waiting.
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "isolation_level": None})
        event.listen(engine, "connect", _on_sqlite_connect)
        event.listen(engine, "begin", _begin_immediate if write else _begin_deferred)
    else:
        try:
            engine = create_engine(url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        except (ImportError, exc.NoSuchModuleError) as err:
            raise DatabaseError(f"cannot use {describe(url)}: {err} (is psycopg installed?)") from None
    check_connection(engine)
    return engine


def check_connection(engine: Engine) -> None:
    """Open one connection, turning driver errors into one clear DatabaseError."""
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except exc.DBAPIError as err:
        raise translate_error(engine, err) from None


def translate_error(engine: Engine, err: exc.DBAPIError) -> DatabaseError:
    """A user-facing DatabaseError for a driver error (read-only, corrupt, unreachable …)."""
    where = describe(engine.url)
    message = str(err.orig).strip().splitlines()[0] if err.orig is not None else str(err)
    lowered = message.lower()
    if "readonly" in lowered or "read-only" in lowered:
        return DatabaseError(f"{where} is read-only: {message}")
    if "not a database" in lowered or "malformed" in lowered:
        return DatabaseError(f"{where} is corrupt: {message}")
    if "locked" in lowered or "busy" in lowered:
        return DatabaseError(f"{where} stayed locked by another process: {message}")
    if isinstance(err, exc.OperationalError) and engine.url.get_backend_name() == "postgresql":
        return DatabaseError(f"cannot reach PostgreSQL at {where}: {message}")
    return DatabaseError(f"database error on {where}: {message}")


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """A session committed on success and rolled back on error; driver errors become DatabaseError."""
    from sqlmodel import Session  # the ORM: only commands that need it pay for importing it

    session = Session(engine, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except exc.DBAPIError as err:
        session.rollback()
        raise translate_error(engine, err) from None
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def connection_scope(engine: Engine) -> Iterator[Connection]:
    """A Core connection in one transaction, for reads that need no ORM; driver errors become DatabaseError."""
    try:
        with engine.begin() as conn:
            yield conn
    except exc.DBAPIError as err:
        raise translate_error(engine, err) from None
