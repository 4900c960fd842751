"""autopay: enrollments (a customer's saved method and rule), their attempts (one row per enrollment, invoice,
due date and attempt number, with the payment id bound before money moves) and per-entity retry schedules

Revision ID: 0023a
Revises: 0022
Create Date: 2026-12-08 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa



revision = '0023a'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'autopay_enrollments',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('customer_id', sa.String(length=40), nullable=False),
        sa.Column('payment_method_id', sa.String(length=40), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('days_before_due', sa.Integer(), nullable=False),
        sa.Column('terms', sa.JSON(), nullable=True),
        sa.Column('min_amount', sa.BigInteger(), nullable=True),
        sa.Column('max_amount', sa.BigInteger(), nullable=True),
        sa.Column('max_per_invoice', sa.BigInteger(), nullable=True),
        sa.Column('max_per_month', sa.BigInteger(), nullable=True),
        sa.Column('paused_reason', sa.String(length=60), nullable=True),
        sa.Column('created_by', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.ForeignKeyConstraint(['payment_method_id'], ['payment_methods.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_autopay_enrollments_customer', 'autopay_enrollments', ['entity_id', 'customer_id'])
    op.create_index('ix_autopay_enrollments_status', 'autopay_enrollments', ['status'])
    op.create_table(
        'autopay_attempts',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('enrollment_id', sa.String(length=40), nullable=False),
        sa.Column('invoice_id', sa.String(length=40), nullable=False),
        sa.Column('due_on', sa.String(length=10), nullable=False),
        sa.Column('attempt', sa.Integer(), nullable=False),
        sa.Column('payment_id', sa.String(length=40), nullable=False),
        sa.Column('payment_method_id', sa.String(length=40), nullable=False),
        sa.Column('outcome', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('failure_code', sa.String(length=60), nullable=True),
        sa.Column('failure_message', sa.Text(), nullable=True),
        sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('locked_until', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.ForeignKeyConstraint(['enrollment_id'], ['autopay_enrollments.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('enrollment_id', 'invoice_id', 'due_on', 'attempt',
                            name='uq_autopay_attempts_enrollment_invoice_due_attempt'),
        sa.UniqueConstraint('payment_id'),
    )
    op.create_index('ix_autopay_attempts_enrollment_id', 'autopay_attempts', ['enrollment_id'])
    op.create_index('ix_autopay_attempts_retry', 'autopay_attempts', ['outcome', 'next_retry_at'])
    op.create_table(
        'autopay_settings',
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('retry_days', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.PrimaryKeyConstraint('entity_id'),
    )


def downgrade() -> None:
    op.drop_table('autopay_settings')
    op.drop_index('ix_autopay_attempts_retry', table_name='autopay_attempts')
    op.drop_index('ix_autopay_attempts_enrollment_id', table_name='autopay_attempts')
    op.drop_table('autopay_attempts')
    op.drop_index('ix_autopay_enrollments_status', table_name='autopay_enrollments')
    op.drop_index('ix_autopay_enrollments_customer', table_name='autopay_enrollments')
    op.drop_table('autopay_enrollments')
