"""routing

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 21:43:26.307266
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('routing_rule_sets',
    sa.Column('entity_id', sa.String(length=40), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('key_id', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['entity_id'], ['entities.id'], name=op.f('fk_routing_rule_sets_entity_id_entities')),
    sa.PrimaryKeyConstraint('entity_id', 'version', name=op.f('pk_routing_rule_sets'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('routing_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('routing_rule', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.JSON(), nullable=False, server_default='[]'))



def downgrade() -> None:
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_column('attempts')
        batch_op.drop_column('routing_rule')
        batch_op.drop_column('routing_version')

    op.drop_table('routing_rule_sets')
