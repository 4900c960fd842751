"""gateway notifications, settlement batches and their lines, reconciliation runs and exceptions, disputes and
their evidence files; postings of settlement batches and write-offs (no payment, a source id); a payment's
settlement figures; the embedded ERP's new accounts (chargebacks, suspense, fees, losses) for existing companies;
Idempotency-Key records of platform keys (entity "": no foreign key)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 08:29:19.906082
"""

from alembic import op
import sqlalchemy as sa


revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None

NEW_ACCOUNTS = (
    ('1250', 'Chargebacks receivable', 'asset'),
    ('2190', 'Settlement suspense', 'liability'),
    ('6100', 'Payment processing fees', 'expense'),
    ('6200', 'Chargeback losses', 'expense'),
)


def upgrade() -> None:
    op.create_table('gateway_notifications',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('gateway', sa.String(length=40), nullable=False),
    sa.Column('event_id', sa.String(length=200), nullable=False),
    sa.Column('event_type', sa.String(length=100), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('subject_id', sa.String(length=40), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gateway_notifications')),
    sa.UniqueConstraint('gateway', 'event_id', name='uq_gateway_notifications_gateway_event_id')
    )
    op.create_table('reconciliation_exceptions',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('run_id', sa.String(length=40), nullable=False),
    sa.Column('last_run_id', sa.String(length=40), nullable=False),
    sa.Column('fingerprint', sa.String(length=200), nullable=False),
    sa.Column('class', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('gateway', sa.String(length=40), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('difference', sa.BigInteger(), nullable=False),
    sa.Column('settlement_line_id', sa.String(length=40), nullable=True),
    sa.Column('record_id', sa.String(length=40), nullable=True),
    sa.Column('payment_id', sa.String(length=40), nullable=True),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('proposal', sa.JSON(), nullable=False),
    sa.Column('resolution', sa.String(length=20), nullable=True),
    sa.Column('resolution_reason', sa.Text(), nullable=True),
    sa.Column('resolved_by', sa.String(length=40), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('posting_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_reconciliation_exceptions_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_exceptions')),
    sa.UniqueConstraint('entity_id', 'fingerprint', name='uq_reconciliation_exceptions_entity_fingerprint')
    )
    with op.batch_alter_table('reconciliation_exceptions', schema=None) as batch_op:
        batch_op.create_index('ix_reconciliation_exceptions_entity_id_id', ['entity_id', 'id'], unique=False)

    op.create_table('reconciliation_runs',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('gateway', sa.String(length=40), nullable=True),
    sa.Column('trigger', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_reconciliation_runs_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_reconciliation_runs'))
    )
    with op.batch_alter_table('reconciliation_runs', schema=None) as batch_op:
        batch_op.create_index('ix_reconciliation_runs_entity_id_id', ['entity_id', 'id'], unique=False)

    op.create_table('settlement_batches',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('gateway', sa.String(length=40), nullable=False),
    sa.Column('batch_ref', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=300), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('line_count', sa.Integer(), nullable=False),
    sa.Column('totals', sa.JSON(), nullable=False),
    sa.Column('matched', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('imported_by', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_settlement_batches_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_batches')),
    sa.UniqueConstraint('entity_id', 'gateway', 'batch_ref', name='uq_settlement_batches_entity_gateway_ref')
    )
    with op.batch_alter_table('settlement_batches', schema=None) as batch_op:
        batch_op.create_index('ix_settlement_batches_entity_id_id', ['entity_id', 'id'], unique=False)

    op.create_table('disputes',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=False),
    sa.Column('gateway', sa.String(length=40), nullable=False),
    sa.Column('dispute_reference', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('raw_status', sa.String(length=60), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('evidence_due_by', sa.DateTime(timezone=True), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=False),
    sa.Column('evidence_submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_disputes_entity_id_entities')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_disputes_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_disputes')),
    sa.UniqueConstraint('gateway', 'dispute_reference', name='uq_disputes_gateway_dispute_reference')
    )
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.create_index('ix_disputes_entity_id_id', ['entity_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_disputes_payment_id'), ['payment_id'], unique=False)

    op.create_table('settlement_lines',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('batch_id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=30), nullable=False),
    sa.Column('provider_type', sa.String(length=60), nullable=False),
    sa.Column('gateway_reference', sa.String(length=200), nullable=True),
    sa.Column('merchant_reference', sa.String(length=200), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('gross', sa.BigInteger(), nullable=False),
    sa.Column('fee', sa.BigInteger(), nullable=False),
    sa.Column('net', sa.BigInteger(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('dispute_reference', sa.String(length=200), nullable=True),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('record_id', sa.String(length=40), nullable=True),
    sa.Column('match_method', sa.String(length=30), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['settlement_batches.id'], name=op.f('fk_settlement_lines_batch_id_settlement_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_settlement_lines'))
    )
    with op.batch_alter_table('settlement_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_settlement_lines_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index('ix_settlement_lines_entity_id_gateway_reference', ['entity_id', 'gateway_reference'], unique=False)

    op.create_table('dispute_evidence_files',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('dispute_id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['dispute_id'], ['disputes.id'], name=op.f('fk_dispute_evidence_files_dispute_id_disputes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_evidence_files'))
    )
    with op.batch_alter_table('dispute_evidence_files', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_evidence_files_dispute_id'), ['dispute_id'], unique=False)

    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disputes', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('reconciliation', sa.JSON(), server_default='{}', nullable=False))
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('settlement_batch_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('settlement_gross', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('settlement_fee', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('settlement_net', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source_id', sa.String(length=40), nullable=True))
        batch_op.alter_column('payment_id',
               existing_type=sa.VARCHAR(length=40),
               nullable=True)
        batch_op.create_index(batch_op.f('ix_postings_source_id'), ['source_id'], unique=False)

    # a platform key's requests across entities keep their Idempotency-Key records under entity "" (no entity row)
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.drop_constraint('fk_idempotency_keys_entity_id_entities', type_='foreignkey')

    # the embedded ERP's companies get the accounts settlement and disputes post to
    companies = sa.table('erp_companies', sa.column('id', sa.String))
    accounts = sa.table('erp_accounts', sa.column('company_id', sa.String), sa.column('code', sa.String),
                        sa.column('name', sa.String), sa.column('type', sa.String))
    bind = op.get_bind()
    existing = {(c, code) for c, code in bind.execute(sa.select(accounts.c.company_id, accounts.c.code))}
    rows = [{'company_id': company, 'code': code, 'name': name, 'type': kind}
            for (company,) in bind.execute(sa.select(companies.c.id)) for code, name, kind in NEW_ACCOUNTS
            if (company, code) not in existing]
    if rows:
        op.bulk_insert(accounts, rows)


def downgrade() -> None:
    op.execute("DELETE FROM idempotency_keys WHERE entity_id = ''")
    with op.batch_alter_table('idempotency_keys', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_idempotency_keys_entity_id_entities', 'entities', ['entity_id'], ['id'])
    with op.batch_alter_table('entities', schema=None) as batch_op:
        batch_op.drop_column('reconciliation')
        batch_op.drop_column('disputes')
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_source_id'))
        batch_op.alter_column('payment_id', existing_type=sa.VARCHAR(length=40), nullable=False)
        batch_op.drop_column('source_id')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('settlement_net')
        batch_op.drop_column('settlement_fee')
        batch_op.drop_column('settlement_gross')
        batch_op.drop_column('settlement_batch_id')
    with op.batch_alter_table('dispute_evidence_files', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_evidence_files_dispute_id'))
    op.drop_table('dispute_evidence_files')
    with op.batch_alter_table('settlement_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_lines_entity_id_gateway_reference')
        batch_op.drop_index(batch_op.f('ix_settlement_lines_batch_id'))
    op.drop_table('settlement_lines')
    with op.batch_alter_table('disputes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_disputes_payment_id'))
        batch_op.drop_index('ix_disputes_entity_id_id')
    op.drop_table('disputes')
    with op.batch_alter_table('settlement_batches', schema=None) as batch_op:
        batch_op.drop_index('ix_settlement_batches_entity_id_id')
    op.drop_table('settlement_batches')
    with op.batch_alter_table('reconciliation_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_reconciliation_runs_entity_id_id')
    op.drop_table('reconciliation_runs')
    with op.batch_alter_table('reconciliation_exceptions', schema=None) as batch_op:
        batch_op.drop_index('ix_reconciliation_exceptions_entity_id_id')
    op.drop_table('reconciliation_exceptions')
    op.drop_table('gateway_notifications')
