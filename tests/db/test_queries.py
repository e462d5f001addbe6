"""db.queries' Core tables name real columns of db.models' tables, with the same column types."""

from __future__ import annotations

import pytest
from sqlalchemy.sql.expression import TableClause
from sqlalchemy.types import TypeDecorator, TypeEngine
from sqlmodel import SQLModel

import db.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from db.queries import TABLES


def _stored_as(kind: TypeEngine[object]) -> type:
    return type(kind.impl_instance) if isinstance(kind, TypeDecorator) else type(kind)


@pytest.mark.parametrize("light", TABLES, ids=lambda t: t.name)
def test_query_table_columns_match_the_models(light: TableClause) -> None:
    model = SQLModel.metadata.tables[light.name]
    for column in light.columns:
        assert column.name in model.columns, f"{light.name}.{column.name} is not in db.models"
        assert _stored_as(column.type) is _stored_as(model.columns[column.name].type), f"{light.name}.{column.name}"
