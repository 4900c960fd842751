"""a dispute's evidence submission under way (its gateway idempotency key, and since when): the worker
finishes one a crash left between the intent and the recorded answer; a settlement batch's payout status, from
the provider's payout notices

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 10:20:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('evidence_submitting_key', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('evidence_submitting_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f('ix_disputes_evidence_submitting_at'), ['evidence_submitting_at'],
                              unique=False)
    with op.batch_alter_table('settlement_batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payout_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('payout_at', sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('settlement_batches', schema=None) as batch_op:
        batch_op.drop_column('payout_at')
        batch_op.drop_column('payout_status')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disputes_evidence_submitting_at'))
        batch_op.drop_column('evidence_submitting_at')
        batch_op.drop_column('evidence_submitting_key')
