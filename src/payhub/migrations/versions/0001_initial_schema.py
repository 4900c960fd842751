"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 20:48:08.133202
"""

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('entities',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('default_currency', sa.String(length=3), nullable=False),
    sa.Column('gateway', sa.String(length=40), nullable=False),
    sa.Column('posting_rules', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_entities'))
    )
    op.create_table('erp_companies',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_companies'))
    )
    op.create_table('api_keys',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('secret_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_api_keys_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('secret_hash', name=op.f('uq_api_keys_secret_hash'))
    )
    op.create_table('erp_accounts',
    sa.Column('company_id', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['erp_companies.id'], name=op.f('fk_erp_accounts_company_id_erp_companies')),
    sa.PrimaryKeyConstraint('company_id', 'code', name=op.f('pk_erp_accounts'))
    )
    op.create_table('erp_customers',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('company_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('email', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['company_id'], ['erp_companies.id'], name=op.f('fk_erp_customers_company_id_erp_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_customers'))
    )
    with op.batch_alter_table('erp_customers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erp_customers_company_id'), ['company_id'], unique=False)

    op.create_table('erp_journal_entries',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('company_id', sa.String(length=40), nullable=False),
    sa.Column('reference_key', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['erp_companies.id'], name=op.f('fk_erp_journal_entries_company_id_erp_companies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_journal_entries')),
    sa.UniqueConstraint('company_id', 'reference_key', name='uq_erp_journal_entries_company_id_reference_key')
    )
    op.create_table('idempotency_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('response_body', sa.Text(), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_idempotency_keys_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_idempotency_keys')),
    sa.UniqueConstraint('entity_id', 'key', name='uq_idempotency_keys_entity_id_key')
    )
    op.create_table('outbox_events',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('type', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_outbox_events_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events'))
    )
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_events_entity_id_id', ['entity_id', 'id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('amount_captured', sa.BigInteger(), nullable=False),
    sa.Column('amount_refunded', sa.BigInteger(), nullable=False),
    sa.Column('capture_method', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('method_type', sa.String(length=10), nullable=False),
    sa.Column('card_brand', sa.String(length=20), nullable=True),
    sa.Column('card_last4', sa.String(length=4), nullable=True),
    sa.Column('card_exp_month', sa.Integer(), nullable=True),
    sa.Column('card_exp_year', sa.Integer(), nullable=True),
    sa.Column('bank_last4', sa.String(length=4), nullable=True),
    sa.Column('bank_account_type', sa.String(length=20), nullable=True),
    sa.Column('gateway', sa.String(length=40), nullable=False),
    sa.Column('gateway_reference', sa.String(length=200), nullable=True),
    sa.Column('failure_code', sa.String(length=60), nullable=True),
    sa.Column('failure_message', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('metadata', sa.JSON(), nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_payments_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index('ix_payments_entity_id_customer_id', ['entity_id', 'customer_id'], unique=False)
        batch_op.create_index('ix_payments_entity_id_id', ['entity_id', 'id'], unique=False)

    op.create_table('erp_invoices',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('company_id', sa.String(length=40), nullable=False),
    sa.Column('customer_id', sa.String(length=40), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('balance', sa.BigInteger(), nullable=False),
    sa.Column('terms', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['erp_companies.id'], name=op.f('fk_erp_invoices_company_id_erp_companies')),
    sa.ForeignKeyConstraint(['customer_id'], ['erp_customers.id'], name=op.f('fk_erp_invoices_customer_id_erp_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_invoices'))
    )
    with op.batch_alter_table('erp_invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erp_invoices_customer_id'), ['customer_id'], unique=False)

    op.create_table('erp_journal_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('entry_id', sa.String(length=40), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('invoice_id', sa.String(length=40), nullable=True),
    sa.Column('customer_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['entry_id'], ['erp_journal_entries.id'], name=op.f('fk_erp_journal_lines_entry_id_erp_journal_entries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_journal_lines'))
    )
    with op.batch_alter_table('erp_journal_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erp_journal_lines_entry_id'), ['entry_id'], unique=False)

    op.create_table('payment_allocations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.String(length=40), nullable=True),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('amount_captured', sa.BigInteger(), nullable=False),
    sa.Column('amount_refunded', sa.BigInteger(), nullable=False),
    sa.Column('amount_posted', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_allocations_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment_allocations'))
    )
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_allocations_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('refunds',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('gateway_reference', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_refunds_entity_id_entities')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds'))
    )
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refunds_payment_id'), ['payment_id'], unique=False)

    op.create_table('erp_invoice_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('invoice_id', sa.String(length=40), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=200), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_amount', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['erp_invoices.id'], name=op.f('fk_erp_invoice_lines_invoice_id_erp_invoices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erp_invoice_lines'))
    )
    with op.batch_alter_table('erp_invoice_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erp_invoice_lines_invoice_id'), ['invoice_id'], unique=False)

    op.create_table('postings',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('payment_id', sa.String(length=40), nullable=False),
    sa.Column('refund_id', sa.String(length=40), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('erp', sa.String(length=40), nullable=False),
    sa.Column('erp_reference', sa.String(length=200), nullable=True),
    sa.Column('error_code', sa.String(length=60), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('posted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_postings_entity_id_entities')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_postings_payment_id_payments')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_postings_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_postings'))
    )
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_postings_payment_id'), ['payment_id'], unique=False)

    op.create_table('gl_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('posting_id', sa.String(length=40), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('account', sa.String(length=40), nullable=False),
    sa.Column('debit', sa.BigInteger(), nullable=False),
    sa.Column('credit', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('invoice_id', sa.String(length=40), nullable=True),
    sa.Column('customer_id', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['posting_id'], ['postings.id'], name=op.f('fk_gl_lines_posting_id_postings')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gl_lines'))
    )
    with op.batch_alter_table('gl_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gl_lines_posting_id'), ['posting_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('gl_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gl_lines_posting_id'))

    op.drop_table('gl_lines')
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_payment_id'))

    op.drop_table('postings')
    with op.batch_alter_table('erp_invoice_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erp_invoice_lines_invoice_id'))

    op.drop_table('erp_invoice_lines')
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refunds_payment_id'))

    op.drop_table('refunds')
    with op.batch_alter_table('payment_allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_allocations_invoice_id'))

    op.drop_table('payment_allocations')
    with op.batch_alter_table('erp_journal_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erp_journal_lines_entry_id'))

    op.drop_table('erp_journal_lines')
    with op.batch_alter_table('erp_invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erp_invoices_customer_id'))

    op.drop_table('erp_invoices')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index('ix_payments_entity_id_id')
        batch_op.drop_index('ix_payments_entity_id_customer_id')

    op.drop_table('payments')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_entity_id_id')

    op.drop_table('outbox_events')
    op.drop_table('idempotency_keys')
    op.drop_table('erp_journal_entries')
    with op.batch_alter_table('erp_customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erp_customers_company_id'))

    op.drop_table('erp_customers')
    op.drop_table('erp_accounts')
    op.drop_table('api_keys')
    op.drop_table('erp_companies')
    op.drop_table('entities')
