"""posting leases (one worker posts a posting at a time), posting warnings, capture fee allocation per entity

Revision ID: 0016_posting
Revises: 0015
Create Date: 2026-12-01 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0016_posting'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('warnings', sa.JSON(), nullable=False, server_default='[]'))
    op.create_index('ix_postings_status_created_at', 'postings', ['status', 'created_at'])
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('capture_fee_allocation', sa.String(length=20), nullable=False,
                                      server_default='proportional'))


def downgrade() -> None:
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_column('capture_fee_allocation')
    op.drop_index('ix_postings_status_created_at', table_name='postings')
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_column('warnings')
        batch_op.drop_column('lease_until')
