"""crawl workers and leases: claims, leases and hosts on the frontier, per-host pacing, workers, lean indexes

Several workers share a crawl's frontier on PostgreSQL: each claim adds one to `frontier.claims` (the fencing
token) under a lease kept alive by the worker's heartbeat (`crawl_worker`); `crawl_host` paces each host for all
workers together. The crawl's counters gain `pages_gone` and `pages_left`. Indexes that repeat the leading column
of a unique key go; `offer.crawl_id` and `frontier.page_id` get one.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 07:00:00.000000
"""

from collections.abc import Sequence
from urllib.parse import urlsplit

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crawl_host',
    sa.Column('crawl_id', sa.Integer(), nullable=False),
    sa.Column('host', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('next_at', sa.Float(), nullable=False),
    sa.Column('delay', sa.Float(), nullable=False),
    sa.Column('robots_delay', sa.Float(), nullable=False),
    sa.Column('penalty', sa.Float(), nullable=False),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.PrimaryKeyConstraint('crawl_id', 'host')
    )
    op.create_table('crawl_worker',
    sa.Column('id', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('crawl_id', sa.Integer(), nullable=False),
    sa.Column('hostname', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.Float(), nullable=False),
    sa.Column('heartbeat_at', sa.Float(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.ForeignKeyConstraint(['crawl_id'], ['crawl.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('crawl_worker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_crawl_worker_crawl_id'), ['crawl_id'], unique=False)

    with op.batch_alter_table('crawl', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pages_gone', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('pages_left', sa.Integer(), nullable=False, server_default='0'))

    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.add_column(sa.Column('host', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('claims', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('worker_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('lease_until', sa.Float(), nullable=True))
        batch_op.add_column(sa.Column('not_before', sa.Float(), nullable=True))
        batch_op.drop_index(batch_op.f('ix_frontier_crawl_id'))
        batch_op.drop_index(batch_op.f('ix_frontier_status'))
        batch_op.create_index('ix_frontier_host_claim', ['crawl_id', 'host', 'status', 'depth', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_frontier_page_id'), ['page_id'], unique=False)

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_page_id'))
        batch_op.create_index(batch_op.f('ix_offer_crawl_id'), ['crawl_id'], unique=False)

    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_url'))

    with op.batch_alter_table('ranking_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ranking_entry_page_id'))

    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_seller_marketplace'))

    # Pending pages of an interrupted crawl get their host, so workers can claim them after the upgrade.
    connection = op.get_bind()
    frontier = sa.table('frontier', sa.column('id', sa.Integer()), sa.column('url', sa.String()),
                        sa.column('status', sa.String()), sa.column('host', sa.String()))
    pending = connection.execute(sa.select(frontier.c.id, frontier.c.url).where(frontier.c.status == 'pending')).all()
    if pending:
        connection.execute(sa.update(frontier).where(frontier.c.id == sa.bindparam('entry_id')).values(
            host=sa.bindparam('entry_host')), [
            {'entry_id': entry_id, 'entry_host': urlsplit(url).netloc.rpartition('@')[2].lower()}
            for entry_id, url in pending])


def downgrade() -> None:
    with op.batch_alter_table('seller', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_seller_marketplace'), ['marketplace'], unique=False)

    with op.batch_alter_table('ranking_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ranking_entry_page_id'), ['page_id'], unique=False)

    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_url'), ['url'], unique=False)

    with op.batch_alter_table('offer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_crawl_id'))
        batch_op.create_index(batch_op.f('ix_offer_page_id'), ['page_id'], unique=False)

    with op.batch_alter_table('frontier', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_frontier_page_id'))
        batch_op.drop_index('ix_frontier_host_claim')
        batch_op.create_index(batch_op.f('ix_frontier_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_frontier_crawl_id'), ['crawl_id'], unique=False)
        batch_op.drop_column('not_before')
        batch_op.drop_column('lease_until')
        batch_op.drop_column('worker_id')
        batch_op.drop_column('claims')
        batch_op.drop_column('host')

    with op.batch_alter_table('crawl', schema=None) as batch_op:
        batch_op.drop_column('pages_left')
        batch_op.drop_column('pages_gone')

    with op.batch_alter_table('crawl_worker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_crawl_worker_crawl_id'))

    op.drop_table('crawl_worker')
    op.drop_table('crawl_host')
