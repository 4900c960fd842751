"""the customer portal: browser sessions (shared with the virtual terminal), magic sign-in links, portal passwords;
customer tokens record the channel their payments come from

Revision ID: 0023b
Revises: 0022
Create Date: 2026-12-07 09:00:00.000000
"""

from alembic import op
import sqlalchemy as sa



revision = '0023b'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'web_sessions',
        sa.Column('id_hash', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('subject_id', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=True),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id_hash'),
    )
    op.create_index('ix_web_sessions_expires_at', 'web_sessions', ['expires_at'])
    op.create_table(
        'portal_login_links',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('customer_id', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_table(
        'portal_credentials',
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('customer_id', sa.String(length=40), nullable=False),
        sa.Column('password_hash', sa.String(length=300), nullable=False),
        sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.PrimaryKeyConstraint('entity_id', 'customer_id'),
    )
    with op.batch_alter_table('customer_tokens', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=10), server_default='widget', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('customer_tokens', schema=None) as batch_op:
        batch_op.drop_column('channel')
    op.drop_table('portal_credentials')
    op.drop_table('portal_login_links')
    op.drop_index('ix_web_sessions_expires_at', table_name='web_sessions')
    op.drop_table('web_sessions')
