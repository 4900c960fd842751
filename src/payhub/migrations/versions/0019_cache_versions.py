"""cache_versions: the stamp that every write to a cached table rewrites (store/cache.py)

Revision ID: 0019_cache_versions
Revises: 0018_relay
Create Date: 2026-12-01 01:00:00.000000
"""

import secrets

from alembic import op
import sqlalchemy as sa


revision = '0019_cache_versions'
down_revision = '0018_relay'
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        'cache_versions',
        sa.Column('name', sa.String(length=40), nullable=False),
        sa.Column('stamp', sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint('name', name='pk_cache_versions'),
    )
    op.bulk_insert(table, [{'name': 'settings', 'stamp': secrets.token_hex(16)}])


def downgrade() -> None:
    op.drop_table('cache_versions')
