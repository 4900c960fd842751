"""payment customer snapshot

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 21:06:02.884549
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customer_name', sa.String(length=200), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('customer_email', sa.String(length=200), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('customer_email')
        batch_op.drop_column('customer_name')

