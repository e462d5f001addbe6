"""The registry of where personal data lives names every text column of every table, in exactly one role."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, LargeBinary, String
from sqlmodel import SQLModel

import db.models  # noqa: F401  (the tables)
from scout.privacy.registry import ERASED_WITH_ROW, FREE_TEXT, IDENTIFYING, NOT_PERSONAL, OWNED, registered_columns


def _holds_text(column: Column[Any]) -> bool:
    kind = column.type
    return isinstance(kind, String | LargeBinary) or isinstance(getattr(kind, "impl", None), String | LargeBinary)


def _text_columns() -> set[tuple[str, str]]:
    return {(table.name, column.name) for table in SQLModel.metadata.sorted_tables for column in table.columns
            if _holds_text(column)}


def test_the_registry_test_sees_every_kind_of_text_column() -> None:
    assert {("seller", "name"), ("page", "body"), ("page", "url")} <= _text_columns()


def test_every_text_column_is_in_the_registry() -> None:
    missing = _text_columns() - registered_columns()
    assert not missing, f"name these columns in scout/privacy/registry.py: {sorted(missing)}"


def test_a_column_has_one_role_only() -> None:
    roles = [{(t, c) for t, cs in role.items() for c in cs} for role in (IDENTIFYING, ERASED_WITH_ROW, FREE_TEXT,
                                                                      NOT_PERSONAL)]
    for i, role in enumerate(roles):
        for other in roles[i + 1:]:
            assert not role & other


def test_the_registry_names_only_tables_that_exist() -> None:
    tables = {table.name: table for table in SQLModel.metadata.sorted_tables}
    for table, column in registered_columns() | {(place.table, place.column) for place in OWNED}:
        assert table in tables and column in tables[table].c, (table, column)
