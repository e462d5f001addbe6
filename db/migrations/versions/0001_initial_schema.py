"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 03:04:55.965638
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('business',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('normalized_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('website', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('email_domain', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('vat_number', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('match_evidence', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('business', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_normalized_name'), ['normalized_name'], unique=False)

    op.create_table('crawl',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('finished_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('options', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pages_ok', sa.Integer(), nullable=False),
    sa.Column('pages_retried', sa.Integer(), nullable=False),
    sa.Column('pages_blocked', sa.Integer(), nullable=False),
    sa.Column('pages_drifted', sa.Integer(), nullable=False),
    sa.Column('pages_disallowed', sa.Integer(), nullable=False),
    sa.Column('pages_failed', sa.Integer(), nullable=False),
    sa.Column('sellers_new', sa.Integer(), nullable=False),
    sa.Column('sellers_updated', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crawl', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_source'), ['source'], unique=False)

    op.create_table('suppression',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('normalized_name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('domain', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('seller_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_suppression_normalized_name'), ['normalized_name'], unique=False)

    op.create_table('outreach',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('offer_code', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('free_months', sa.Integer(), nullable=False),
    sa.Column('commission_pct', sa.Float(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('draft_path', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('business_id'),
    sa.UniqueConstraint('offer_code')
    )
    op.create_table('page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('status', sa.Integer(), nullable=False),
    sa.Column('fetched_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('content_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('content_type', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=True),
    sa.Column('parse_status', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('parse_error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('parser_version', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('url', 'content_hash', name='uq_page_url_hash')
    )
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_crawl_id'), ['crawl_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_fingerprint'), ['fingerprint'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_marketplace'), ['marketplace'], unique=False)
        batch_op.create_index(batch_op.f('ix_page_url'), ['url'], unique=False)

    op.create_table('seller',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('seller_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('country', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('business_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('business_address', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('is_platform', sa.Boolean(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=True),
    sa.Column('first_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('last_seen', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('marketplace', 'seller_id', name='uq_seller_marketplace_id')
    )
    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_business_id'), ['business_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_seller_marketplace'), ['marketplace'], unique=False)

    op.create_table('frontier',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=False),
    sa.Column('url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('fingerprint', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=True),
    sa.Column('error', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('context', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('crawl_id', 'fingerprint', name='uq_frontier_crawl_fp')
    )
    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_frontier_crawl_id'), ['crawl_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frontier_status'), ['status'], unique=False)

    op.create_table('offer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=True),
    sa.Column('seller_pk', sa.Integer(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('price', sa.Float(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('observed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], ),
    sa.ForeignKeyConstraint(['seller_pk'], ['seller.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('page_id', 'seller_pk', 'product_id', 'observed_at', name='uq_offer_observation')
    )
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offer_seller_pk'), ['seller_pk'], unique=False)

    op.create_table('ranking_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=True),
    sa.Column('marketplace', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('site', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('list_name', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('product_id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('stars', sa.Float(), nullable=True),
    sa.Column('rating_count', sa.Integer(), nullable=True),
    sa.Column('price', sa.Float(), nullable=True),
    sa.Column('currency', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('seller_pk', sa.Integer(), nullable=True),
    sa.Column('observed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], ),
    sa.ForeignKeyConstraint(['seller_pk'], ['seller.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('page_id', 'rank', 'observed_at', name='uq_ranking_observation')
    )
    with op.batch_alter_table('ranking_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_entry_crawl_id'), ['crawl_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_entry_marketplace'), ['marketplace'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_entry_page_id'), ['page_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_entry_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ranking_entry_seller_pk'), ['seller_pk'], unique=False)

    op.create_table('sellersnapshot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seller_pk', sa.Integer(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=True),
    sa.Column('page_id', sa.Integer(), nullable=False),
    sa.Column('source_url', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('observed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('parser_version', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('positive_pct', sa.Float(), nullable=True),
    sa.Column('rating_count', sa.Integer(), nullable=True),
    sa.Column('rating_window_days', sa.Integer(), nullable=True),
    sa.Column('lifetime_rating_count', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Float(), nullable=True),
    sa.Column('sales_count', sa.Integer(), nullable=True),
    sa.Column('sales_count_exact', sa.Boolean(), nullable=False),
    sa.Column('listing_count', sa.Integer(), nullable=True),
    sa.Column('followers', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.ForeignKeyConstraint(['page_id'], ['page.id'], ),
    sa.ForeignKeyConstraint(['seller_pk'], ['seller.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('seller_pk', 'page_id', 'observed_at', name='uq_snapshot_observation')
    )
    with op.batch_alter_table('sellersnapshot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sellersnapshot_crawl_id'), ['crawl_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_sellersnapshot_page_id'), ['page_id'], unique=False)
        batch_op.create_index('ix_snapshot_seller_time', ['seller_pk', 'observed_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('sellersnapshot', schema=None) as batch_op:
        batch_op.drop_index('ix_snapshot_seller_time')
        batch_op.drop_index(batch_op.f('ix_sellersnapshot_page_id'))
        batch_op.drop_index(batch_op.f('ix_sellersnapshot_crawl_id'))

    op.drop_table('sellersnapshot')
    with op.batch_alter_table('ranking_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ranking_entry_seller_pk'))
        batch_op.drop_index(batch_op.f('ix_ranking_entry_product_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_entry_page_id'))
        batch_op.drop_index(batch_op.f('ix_ranking_entry_marketplace'))
        batch_op.drop_index(batch_op.f('ix_ranking_entry_crawl_id'))

    op.drop_table('ranking_entry')
    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_seller_pk'))
        batch_op.drop_index(batch_op.f('ix_offer_product_id'))
        batch_op.drop_index(batch_op.f('ix_offer_page_id'))

    op.drop_table('offer')
    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frontier_status'))
        batch_op.drop_index(batch_op.f('ix_frontier_crawl_id'))

    op.drop_table('frontier')
    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_marketplace'))
        batch_op.drop_index(batch_op.f('ix_seller_business_id'))

    op.drop_table('seller')
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_url'))
        batch_op.drop_index(batch_op.f('ix_page_marketplace'))
        batch_op.drop_index(batch_op.f('ix_page_fingerprint'))
        batch_op.drop_index(batch_op.f('ix_page_crawl_id'))

    op.drop_table('page')
    op.drop_table('outreach')
    with op.batch_alter_table('suppression', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_suppression_normalized_name'))

    op.drop_table('suppression')
    with op.batch_alter_table('crawl', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_source'))

    op.drop_table('crawl')
    with op.batch_alter_table('business', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_business_normalized_name'))

    op.drop_table('business')
