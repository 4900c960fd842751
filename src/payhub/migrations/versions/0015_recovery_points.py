"""crash-safe idempotency (caller scope, recovery points, bound resource ids) and payment operation intents

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 21:55:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('principal', sa.String(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('recovery_point', sa.String(length=30), nullable=False, server_default='started'))
        batch_op.add_column(sa.Column('resource_id', sa.String(length=40), nullable=True))
        batch_op.drop_constraint('uq_idempotency_keys_entity_id_key', type_='unique')
        batch_op.create_unique_constraint('uq_idempotency_keys_entity_id_principal_key', ['entity_id', 'principal', 'key'])
    op.create_table(
        'payment_operations',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('payment_id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('amount', sa.BigInteger(), nullable=True),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('split', sa.JSON(), nullable=False),
        sa.Column('refund_id', sa.String(length=40), nullable=True),
        sa.Column('reason', sa.String(length=200), nullable=False, server_default=''),
        sa.Column('gateway_reference', sa.String(length=200), nullable=True),
        sa.Column('error_code', sa.String(length=60), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name='fk_payment_operations_entity_id_entities'),
        sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name='fk_payment_operations_payment_id_payments'),
        sa.PrimaryKeyConstraint('id', name='pk_payment_operations'),
    )
    op.create_index('ix_payment_operations_payment_id', 'payment_operations', ['payment_id'])
    op.create_index('ix_payment_operations_status_updated_at', 'payment_operations', ['status', 'updated_at'])
    op.create_index('ix_payments_status_updated_at', 'payments', ['status', 'updated_at'])
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('gateway_candidates', sa.JSON(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('gateway_candidates')
    op.drop_index('ix_payments_status_updated_at', table_name='payments')
    op.drop_index('ix_payment_operations_status_updated_at', table_name='payment_operations')
    op.drop_index('ix_payment_operations_payment_id', table_name='payment_operations')
    op.drop_table('payment_operations')
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint('uq_idempotency_keys_entity_id_principal_key', type_='unique')
        batch_op.create_unique_constraint('uq_idempotency_keys_entity_id_key', ['entity_id', 'key'])
        batch_op.drop_column('resource_id')
        batch_op.drop_column('recovery_point')
        batch_op.drop_column('principal')
