"""the card vault: sealed cards and bank accounts behind tokens, saved payment methods with consent; payments
record the token and saved method they were paid with

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-06 06:30:00.000000
"""

from alembic import op
import sqlalchemy as sa



revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'vault_tokens',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('customer_id', sa.String(length=40), nullable=True),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('key_id', sa.String(length=40), nullable=False),
        sa.Column('sealed', sa.LargeBinary(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('used_by', sa.String(length=40), nullable=True),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('saved_as', sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_vault_tokens_entity_id', 'vault_tokens', ['entity_id'])
    op.create_index('ix_vault_tokens_key_id', 'vault_tokens', ['key_id'])
    op.create_table(
        'payment_methods',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('customer_id', sa.String(length=40), nullable=False),
        sa.Column('token_id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('summary', sa.JSON(), nullable=False),
        sa.Column('consent_text', sa.Text(), nullable=False),
        sa.Column('consent_accepted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('consent_ip', sa.String(length=64), nullable=True),
        sa.Column('consent_user_agent', sa.String(length=300), nullable=True),
        sa.Column('mandate', sa.JSON(), nullable=True),
        sa.Column('created_by', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.ForeignKeyConstraint(['token_id'], ['vault_tokens.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_payment_methods_customer', 'payment_methods', ['entity_id', 'customer_id'])
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('vault_token', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('payment_method_id', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('payment_method_id')
        batch_op.drop_column('vault_token')
    op.drop_index('ix_payment_methods_customer', table_name='payment_methods')
    op.drop_table('payment_methods')
    op.drop_index('ix_vault_tokens_key_id', table_name='vault_tokens')
    op.drop_index('ix_vault_tokens_entity_id', table_name='vault_tokens')
    op.drop_table('vault_tokens')
