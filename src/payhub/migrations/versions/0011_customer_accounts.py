"""customer accounts

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-24 22:16:04.111075
"""

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('customer_accounts',
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('portal_status', sa.String(length=20), nullable=False),
    sa.Column('invited_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_customer_accounts_entity_id_entities')),
    sa.PrimaryKeyConstraint('entity_id', 'customer_id', name=op.f('pk_customer_accounts'))
    )


def downgrade() -> None:
    op.drop_table('customer_accounts')
