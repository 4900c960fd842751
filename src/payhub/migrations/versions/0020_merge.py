"""merge heads: the cache stamp and the webhook indexes, added side by side

Revision ID: 0020
Revises: 0019_cache_versions, 0019_webhooks_perf
Create Date: 2026-12-01 02:00:00.000000
"""

revision = '0020'
down_revision = ('0019_cache_versions', '0019_webhooks_perf')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
