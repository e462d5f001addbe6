"""seller contacts: the public contact fields pages show, with provenance, and the latest on the seller

Revision ID: 0009
Revises: 0007
Create Date: 2026-12-03 07:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0009'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SELLER_COLUMNS = ('phone', 'email', 'website', 'trade_register', 'business_type')


def upgrade() -> None:
    with op.batch_alter_table('seller', schema=None) as batch_op:
        for name in SELLER_COLUMNS:
            batch_op.add_column(sa.Column(name, sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    op.create_table('seller_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seller_pk', sa.Integer(), nullable=False),
    sa.Column('snapshot_id', sa.Integer(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('field', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('value', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('observed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], ),
    sa.ForeignKeyConstraint(['seller_pk'], ['seller.id'], ),
    sa.ForeignKeyConstraint(['snapshot_id'], ['sellersnapshot.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seller_pk', 'page_id', 'field', name='uq_seller_contact_page_field')
    )
    with op.batch_alter_table('seller_contact', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_contact_seller_pk'), ['seller_pk'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('seller_contact', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_contact_seller_pk'))
    op.drop_table('seller_contact')

    with op.batch_alter_table('seller', schema=None) as batch_op:
        for name in reversed(SELLER_COLUMNS):
            batch_op.drop_column(name)
