"""indexes for claims and the dashboard

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 04:25:29.683338
"""

from collections.abc import Sequence

from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.create_index('ix_frontier_claim', ['crawl_id', 'marketplace', 'status', 'depth', 'id'], unique=False)

    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_first_seen'), ['first_seen'], unique=False)

    with op.batch_alter_table('seller_score', schema=None) as batch_op:
        batch_op.create_index('ix_seller_score_growth', ['growth_per_30d'], unique=False)
        batch_op.create_index('ix_seller_score_mp_ratings', ['marketplace', 'rating_count'], unique=False)
        batch_op.create_index('ix_seller_score_mp_score', ['marketplace', 'score'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('seller_score', schema=None) as batch_op:
        batch_op.drop_index('ix_seller_score_mp_score')
        batch_op.drop_index('ix_seller_score_mp_ratings')
        batch_op.drop_index('ix_seller_score_growth')

    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_first_seen'))

    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.drop_index('ix_frontier_claim')

