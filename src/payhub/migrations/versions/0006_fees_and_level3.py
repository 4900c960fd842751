"""fees and level3

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 21:56:47.116539
"""

from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fee_policies',
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('policy', sa.JSON(), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_fee_policies_entity_id_entities')),
    sa.PrimaryKeyConstraint('entity_id', 'version', name=op.f('pk_fee_policies'))
    )
    with op.batch_alter_table('erp_customers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('segment', sa.String(length=40), nullable=True))

    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fees', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('level3', sa.JSON(), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('level3')
        batch_op.drop_column('fees')

    with op.batch_alter_table('erp_customers', schema=None) as batch_op:
        batch_op.drop_column('segment')

    op.drop_table('fee_policies')
