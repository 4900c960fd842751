"""webhook delivery lease tokens (fencing before each send) and per-endpoint API version pins

Revision ID: 0016_webhooks
Revises: 0015
Create Date: 2026-11-30 22:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0016_webhooks'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_token', sa.String(length=40), nullable=True))
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('api_version', sa.String(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('webhook_endpoints', schema=None) as batch_op:
        batch_op.drop_column('api_version')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_column('lease_token')
