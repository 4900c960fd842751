"""the embedded ERP's customers and invoices carry metadata (their own fields), which routing rules match on

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-06 04:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ('erp_customers', 'erp_invoices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('metadata', sa.JSON(), nullable=True))


def downgrade() -> None:
    for table in ('erp_customers', 'erp_invoices'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('metadata')
