"""team pipeline: owners, next steps, follow-ups and the append-only offer history

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 00:00:52.797337
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('offer_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_id', sa.Integer(), nullable=False),
    sa.Column('offer_code', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('by', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('from_status', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('to_status', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('from_owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('to_owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('from_next_on', sa.Date(), nullable=True),
    sa.Column('to_next_on', sa.Date(), nullable=True),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('draft_path', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('suppression_ids', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('state_before', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('undoes', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['business_id'], ['business.id'], ),
    sa.ForeignKeyConstraint(['undoes'], ['offer_event.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('undoes')
    )
    with op.batch_alter_table('offer_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offer_event_business_id'), ['business_id'], unique=False)

    with op.batch_alter_table('outreach', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('next_step_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('note', sqlmodel.sql.sqltypes.AutoString(), nullable=True))
        batch_op.add_column(sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('follow_ups', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('followed_up_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outreach_next_step_on'), ['next_step_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_outreach_owner'), ['owner'], unique=False)

    # offers already sent wait for a follow-up from their last change, the best guess at when they went out
    op.execute("UPDATE outreach SET sent_at = updated_at WHERE status = 'sent'")


def downgrade() -> None:
    with op.batch_alter_table('outreach', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outreach_owner'))
        batch_op.drop_index(batch_op.f('ix_outreach_next_step_on'))
        batch_op.drop_column('followed_up_at')
        batch_op.drop_column('follow_ups')
        batch_op.drop_column('sent_at')
        batch_op.drop_column('note')
        batch_op.drop_column('next_step_on')
        batch_op.drop_column('owner')

    with op.batch_alter_table('offer_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offer_event_business_id'))

    op.drop_table('offer_event')
