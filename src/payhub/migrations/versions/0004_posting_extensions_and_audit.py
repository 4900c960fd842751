"""posting extensions and audit

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 21:13:17.009217
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=True),
    sa.Column('action', sa.String(length=60), nullable=False),
    sa.Column('target', sa.String(length=200), nullable=False),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('request_id', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_audit_events_entity_id_entities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_entity_id'), ['entity_id'], unique=False)

    op.create_table('entity_extensions',
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('pinned_version', sa.String(length=40), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_entity_extensions_entity_id_entities')),
    sa.PrimaryKeyConstraint('entity_id', 'name', name=op.f('pk_entity_extensions'))
    )
    with op.batch_alter_table('erp_journal_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dimensions', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('gl_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('dimensions', sa.JSON(), nullable=False, server_default='{}'))

    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('memo', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_postings_next_retry_at'), ['next_retry_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('postings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_postings_next_retry_at'))
        batch_op.drop_column('memo')
        batch_op.drop_column('next_retry_at')

    with op.batch_alter_table('gl_lines', schema=None) as batch_op:
        batch_op.drop_column('dimensions')

    with op.batch_alter_table('erp_journal_lines', schema=None) as batch_op:
        batch_op.drop_column('dimensions')

    op.drop_table('entity_extensions')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_entity_id'))

    op.drop_table('audit_events')
