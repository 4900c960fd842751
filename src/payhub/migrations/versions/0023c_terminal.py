"""the virtual terminal: staff users (roles terminal | terminal_refund) and their one-time sign-in links, API
keys minted for a staff user's session, and the staff user on audit events

Revision ID: 0023c
Revises: 0022
Create Date: 2026-12-06 07:00:00.000000
"""

from alembic import op
import sqlalchemy as sa



revision = '0023c'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'staff_users',
        sa.Column('id', sa.String(length=40), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('email', sa.String(length=200), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('role', sa.String(length=20), nullable=False),
        sa.Column('password_hash', sa.String(length=300), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('deactivated_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('last_sign_in_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('entity_id', 'email', name='uq_staff_users_entity_id_email'),
    )
    op.create_index('ix_staff_users_entity_id', 'staff_users', ['entity_id'])
    op.create_table(
        'staff_login_links',
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('entity_id', sa.String(length=40), nullable=False),
        sa.Column('staff_user_id', sa.String(length=40), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['entity_id'], ['entities.id']),
        sa.ForeignKeyConstraint(['staff_user_id'], ['staff_users.id']),
        sa.PrimaryKeyConstraint('token_hash'),
    )
    op.create_index('ix_staff_login_links_staff_user_id', 'staff_login_links', ['staff_user_id'])
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_user_id', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_api_keys_staff_user_id', ['staff_user_id'])
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_user_id', sa.String(length=40), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('staff_user_id')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_index('ix_api_keys_staff_user_id')
        batch_op.drop_column('staff_user_id')
    op.drop_index('ix_staff_login_links_staff_user_id', table_name='staff_login_links')
    op.drop_table('staff_login_links')
    op.drop_index('ix_staff_users_entity_id', table_name='staff_users')
    op.drop_table('staff_users')
