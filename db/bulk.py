"""Bulk SQL plumbing for db.store and the crawl: one executemany per statement, and chunked IN lookups.

Per-statement overhead (SQLAlchemy's and SQLite's) is most of what storing costs, so each statement is built
once per dialect and, on SQLite, compiled once per key set; rows then go straight to the driver's executemany.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

SQLITE_CHUNK = 900  # values per IN (…) list, under SQLite's oldest bound-parameter limit


def dialect_insert(dialect: str, table: Any) -> Any:
    """INSERT into `table` in the named dialect, for its ON CONFLICT clauses (PostgreSQL's, else SQLite's)."""
    return (postgresql if dialect == "postgresql" else sqlite).insert(table)


StatementBuilder = Callable[[str], Any]  # dialect name -> Core statement
_STATEMENTS: dict[tuple[str, StatementBuilder], Any] = {}
_COMPILED: dict[tuple[Any, ...], tuple[str, tuple[str, ...], tuple[tuple[int, Any], ...]]] = {}


def execute_many(conn: Connection, build: StatementBuilder, rows: Sequence[dict[str, Any]]) -> int:
    """Run the statement `build(dialect)` once per row (all rows with the same keys); rows it affected.

    Statements are built once per dialect. On SQLite each is compiled once per key set, and the rows go to the
    driver's executemany with the bind processors (datetimes) applied here, memoised: SQLAlchemy's own per-row
    parameter handling, and the ORM bulk layer before it, cost several times what SQLite spends writing the rows.
    """
    if not rows:
        return 0
    dialect = conn.dialect.name
    stmt = _STATEMENTS.get((dialect, build))
    if stmt is None:
        stmt = _STATEMENTS[dialect, build] = build(dialect)
    if dialect != "sqlite":
        return int(conn.execute(stmt, list(rows)).rowcount)
    cache_key = (stmt, tuple(rows[0]), id(conn.dialect))
    if cache_key not in _COMPILED:
        compiled = stmt.compile(dialect=conn.dialect, column_keys=list(rows[0]))
        order = tuple(compiled.positiontup or ())
        found = [(i, compiled.binds[key].type.dialect_impl(conn.dialect).bind_processor(conn.dialect))
                 for i, key in enumerate(order)]
        _COMPILED[cache_key] = (str(compiled), order, tuple((i, proc) for i, proc in found if proc))
    sql, order, processors = _COMPILED[cache_key]
    columns = [list(map(itemgetter(key), rows)) for key in order]
    for i, proc in processors:  # each distinct value converted once: a batch's datetimes are mostly one
        memo = {value: None if value is None else proc(value) for value in set(columns[i])}
        columns[i] = list(map(memo.__getitem__, columns[i]))
    return int(conn.exec_driver_sql(sql, list(zip(*columns, strict=True))).rowcount)


def select_in(conn: Connection, columns: Sequence[Any], key: Any, values: Sequence[Any], *where: Any) -> list[Any]:
    """Rows of `columns` whose `key` is one of `values` (queried a chunk at a time)."""
    found: list[Any] = []
    for start in range(0, len(values), SQLITE_CHUNK):
        found.extend(conn.execute(select(*columns).where(
            key.in_(values[start:start + SQLITE_CHUNK]), *where)).all())
    return found


def max_id(conn: Connection, table: Any) -> int:
    # plain SQL: building and caching the Core statement costs more than SQLite answering it from the index
    return int(conn.exec_driver_sql(f"SELECT max(id) FROM {table.name}").scalar() or 0)


def sqlite_in(conn: Connection, sql: str, values: Sequence[Any], *before: Any) -> list[Any]:
    """Rows of plain SQL whose `IN ({})` takes `values`, a chunk at a time (parameters `before` come first).

    Plain SQL on SQLite: building an expanding IN costs more than SQLite answering it.
    """
    found: list[Any] = []
    for start in range(0, len(values), SQLITE_CHUNK):
        chunk = values[start:start + SQLITE_CHUNK]
        found.extend(conn.exec_driver_sql(sql.format(", ".join("?" * len(chunk))), (*before, *chunk)).all())
    return found
