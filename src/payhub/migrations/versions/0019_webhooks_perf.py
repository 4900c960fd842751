"""webhooks: indexes for the retention purge (finished deliveries by completed_at, events by created_at)

Revision ID: 0019_webhooks_perf
Revises: 0018_relay
Create Date: 2026-12-01 00:50:00.000000
"""

from alembic import op


revision = '0019_webhooks_perf'
down_revision = '0018_relay'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_completed_at', ['completed_at'], unique=False)
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_events_created_at', ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_created_at')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_webhook_deliveries_completed_at')
