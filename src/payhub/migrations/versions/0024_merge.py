"""merge heads: autopay, the customer portal and the virtual terminal, added side by side

Revision ID: 0024
Revises: 0023a, 0023b, 0023c
Create Date: 2026-12-06 07:20:00.000000
"""

revision = '0024'
down_revision = ('0023a', '0023b', '0023c')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
