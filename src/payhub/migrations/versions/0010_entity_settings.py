"""entity settings

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-24 22:10:59.510663
"""

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('timezone', sa.String(length=60), nullable=False, server_default='UTC'))
        batch_op.add_column(sa.Column('branding', sa.JSON(), nullable=False, server_default='{}'))



def downgrade() -> None:
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_column('branding')
        batch_op.drop_column('timezone')

