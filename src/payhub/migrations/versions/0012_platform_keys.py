"""platform keys: an API key may act for any entity

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-24 22:30:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.alter_column('entity_id', existing_type=sa.String(length=40), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.alter_column('entity_id', existing_type=sa.String(length=40), nullable=False)
