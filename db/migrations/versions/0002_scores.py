"""score tables: seller_score (per storefront) and lead_score (per business) for scout score / leads

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 03:36:20.145886
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('lead_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=True),
    sa.Column('main_seller_pk', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('normalized_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('marketplaces', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('storefronts', sa.Integer(), nullable=False),
    sa.Column('main_url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('categories', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('insufficient', sa.Boolean(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('volume', sa.Float(), nullable=False),
    sa.Column('quality', sa.Float(), nullable=False),
    sa.Column('momentum', sa.Float(), nullable=False),
    sa.Column('ranking', sa.Float(), nullable=False),
    sa.Column('breadth', sa.Float(), nullable=False),
    sa.Column('fit', sa.Float(), nullable=False),
    sa.Column('positive_pct', sa.Float(), nullable=True),
    sa.Column('rating_count', sa.Integer(), nullable=True),
    sa.Column('revenue_low', sa.Float(), nullable=True),
    sa.Column('revenue_high', sa.Float(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('revenue_exact', sa.Boolean(), nullable=False),
    sa.Column('revenue_period', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('gmv_month_low', sa.Float(), nullable=True),
    sa.Column('gmv_month_high', sa.Float(), nullable=True),
    sa.Column('growth_pct_30d', sa.Float(), nullable=True),
    sa.Column('last_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.ForeignKeyConstraint(['main_seller_pk'], ['seller.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('business_key')
    )
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lead_score_business_id'), ['business_id'], unique=False)
        batch_op.create_index('ix_lead_score_country_rank', ['country', 'score', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lead_score_normalized_name'), ['normalized_name'], unique=False)
        batch_op.create_index('ix_lead_score_rank', ['score', 'id'], unique=False)

    op.create_table('seller_score',
    sa.Column('seller_pk', sa.Integer(), nullable=False),
    sa.Column('business_key', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('normalized_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('normalized_legal_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('insufficient', sa.Boolean(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('volume', sa.Float(), nullable=False),
    sa.Column('quality', sa.Float(), nullable=False),
    sa.Column('momentum', sa.Float(), nullable=False),
    sa.Column('ranking', sa.Float(), nullable=False),
    sa.Column('breadth', sa.Float(), nullable=False),
    sa.Column('fit', sa.Float(), nullable=False),
    sa.Column('rating_count', sa.Integer(), nullable=True),
    sa.Column('count_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('positive_share', sa.Float(), nullable=True),
    sa.Column('quality_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stars', sa.Float(), nullable=True),
    sa.Column('quality_n', sa.Integer(), nullable=True),
    sa.Column('wilson', sa.Float(), nullable=True),
    sa.Column('momentum_series', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('momentum_days', sa.Float(), nullable=True),
    sa.Column('growth_per_30d', sa.Float(), nullable=True),
    sa.Column('growth_rel', sa.Float(), nullable=True),
    sa.Column('ranked_products', sa.Integer(), nullable=False),
    sa.Column('best_rank', sa.Integer(), nullable=True),
    sa.Column('categories', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('listings', sa.Integer(), nullable=True),
    sa.Column('marketplaces_count', sa.Integer(), nullable=False),
    sa.Column('avg_price', sa.Float(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('price_source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('price_count', sa.Integer(), nullable=False),
    sa.Column('feedback_rate_low', sa.Float(), nullable=True),
    sa.Column('feedback_rate_high', sa.Float(), nullable=True),
    sa.Column('orders_low', sa.Float(), nullable=True),
    sa.Column('orders_high', sa.Float(), nullable=True),
    sa.Column('orders_exact', sa.Boolean(), nullable=False),
    sa.Column('revenue_low', sa.Float(), nullable=True),
    sa.Column('revenue_high', sa.Float(), nullable=True),
    sa.Column('revenue_period', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('gmv_month_low', sa.Float(), nullable=True),
    sa.Column('gmv_month_high', sa.Float(), nullable=True),
    sa.Column('gmv_basis', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('last_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['seller_pk'], ['seller.id'], ),
    sa.PrimaryKeyConstraint('seller_pk')
    )
    with op.batch_alter_table('seller_score', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_score_business_key'), ['business_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_seller_score_normalized_legal_name'), ['normalized_legal_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_seller_score_normalized_name'), ['normalized_name'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('seller_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_score_normalized_name'))
        batch_op.drop_index(batch_op.f('ix_seller_score_normalized_legal_name'))
        batch_op.drop_index(batch_op.f('ix_seller_score_business_key'))

    op.drop_table('seller_score')
    with op.batch_alter_table('lead_score', schema=None) as batch_op:
        batch_op.drop_index('ix_lead_score_rank')
        batch_op.drop_index(batch_op.f('ix_lead_score_normalized_name'))
        batch_op.drop_index('ix_lead_score_country_rank')
        batch_op.drop_index(batch_op.f('ix_lead_score_business_id'))

    op.drop_table('lead_score')
