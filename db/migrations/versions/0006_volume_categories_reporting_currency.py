"""volume per marketplace, categories, one reporting currency, score runs

Scores are derived data: the old rows are deleted (their columns changed) and `scout score` recomputes them.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 00:01:46.728999
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute('DELETE FROM lead_score')
    op.execute('DELETE FROM seller_score')
    op.create_table('score_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('storefronts', sa.Integer(), nullable=False),
    sa.Column('businesses', sa.Integer(), nullable=False),
    sa.Column('reporting_currency', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('data_mark', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('revenue_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('gmv_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('rate_date', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('storefront_gmv', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('marketplace_rank', sa.Integer(), nullable=True))

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('opened_on', sqlmodel.sql.sqltypes.AutoString(), nullable=True))

    with op.batch_alter_table('seller_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('raw_categories', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('price_median', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('price_low', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('price_high', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('price_thin', sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column('price_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('feedback_source', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('orders_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('orders_month_low', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('orders_month_high', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('gmv_exact', sa.Boolean(), nullable=False))
        batch_op.add_column(sa.Column('reporting_currency', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('rate', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('rate_date', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('revenue_low_rc', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('revenue_high_rc', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('gmv_month_low_rc', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('gmv_month_high_rc', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('marketplace_volume', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('marketplace_rank', sa.Integer(), nullable=True))
        batch_op.create_index('ix_seller_score_mp_rank', ['marketplace', 'marketplace_rank'], unique=False)
        batch_op.drop_column('avg_price')
        batch_op.drop_column('price_source')

    with op.batch_alter_table('sellersnapshot', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recent_sales_count', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('recent_sales_days', sa.Integer(), nullable=True))



def downgrade() -> None:
    op.execute('DELETE FROM lead_score')
    op.execute('DELETE FROM seller_score')
    with op.batch_alter_table('sellersnapshot', schema=None) as batch_op:
        batch_op.drop_column('recent_sales_days')
        batch_op.drop_column('recent_sales_count')

    with op.batch_alter_table('seller_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('price_source', sa.VARCHAR(), nullable=True))
        batch_op.add_column(sa.Column('avg_price', sa.FLOAT(), nullable=True))
        batch_op.drop_index('ix_seller_score_mp_rank')
        batch_op.drop_column('marketplace_rank')
        batch_op.drop_column('marketplace_volume')
        batch_op.drop_column('gmv_month_high_rc')
        batch_op.drop_column('gmv_month_low_rc')
        batch_op.drop_column('revenue_high_rc')
        batch_op.drop_column('revenue_low_rc')
        batch_op.drop_column('rate_date')
        batch_op.drop_column('rate')
        batch_op.drop_column('reporting_currency')
        batch_op.drop_column('gmv_exact')
        batch_op.drop_column('orders_month_high')
        batch_op.drop_column('orders_month_low')
        batch_op.drop_column('orders_basis')
        batch_op.drop_column('feedback_source')
        batch_op.drop_column('price_basis')
        batch_op.drop_column('price_thin')
        batch_op.drop_column('price_high')
        batch_op.drop_column('price_low')
        batch_op.drop_column('price_median')
        batch_op.drop_column('raw_categories')

    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.drop_column('opened_on')
        batch_op.drop_column('category')

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_column('category')

    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.drop_column('marketplace_rank')
        batch_op.drop_column('storefront_gmv')
        batch_op.drop_column('rate_date')
        batch_op.drop_column('gmv_basis')
        batch_op.drop_column('revenue_basis')

    op.drop_table('score_run')
