"""do-not-collect: storefronts forgotten by `scout forget`, by hashed id

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 00:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('do_not_collect',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('key_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('do_not_collect', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_do_not_collect_key_hash'), ['key_hash'], unique=True)


def downgrade() -> None:
    with op.batch_alter_table('do_not_collect', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_do_not_collect_key_hash'))
    op.drop_table('do_not_collect')
