"""payout notices that come before their settlement file wait for it (outcome `payout_waiting`): the import
finds them by gateway and outcome

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06 12:40:00.000000
"""

from alembic import op


revision = '0027'
down_revision = '0026'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gateway_notifications', schema=None) as batch_op:
        batch_op.create_index('ix_gateway_notifications_gateway_outcome', ['gateway', 'outcome'], unique=False)
    # notices recorded before this revision whose batch was not on record then wait for it from now on
    op.execute("UPDATE gateway_notifications SET outcome = 'payout_waiting' "
               "WHERE outcome = 'payout' AND subject_id IS NULL")


def downgrade() -> None:
    op.execute("UPDATE gateway_notifications SET outcome = 'payout' WHERE outcome = 'payout_waiting'")
    with op.batch_alter_table('gateway_notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_gateway_notifications_gateway_outcome')
