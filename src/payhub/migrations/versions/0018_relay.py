"""event bus relay: outbox_events.relayed_at and the relay's leader lease

Revision ID: 0018_relay
Revises: 0017
Create Date: 2026-11-30 23:10:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0018_relay'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('relayed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_outbox_events_relayed_at', ['relayed_at'], unique=False)
    op.create_table(
        'relay_leases',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('holder', sa.String(length=60), nullable=False),
        sa.Column('lease_until', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('relay_leases')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_relayed_at')
        batch_op.drop_column('relayed_at')
