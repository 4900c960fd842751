"""merge heads; scrub ERP passwords that configuration files stored verbatim before they were refused

Revision ID: 0017
Revises: 0016_posting, 0016_webhooks
Create Date: 2026-11-30 22:45:00.000000
"""

from typing import Any

from alembic import op
import sqlalchemy as sa
import yaml


revision = '0017'
down_revision = ('0016_posting', '0016_webhooks')
branch_labels = None
depends_on = None

versions = sa.table('config_versions', sa.column('version', sa.Integer), sa.column('document', sa.Text))


def _scrub(document: str) -> str | None:
    """The document without any erp.password (None if it held none). The entity row keeps its sealed copy."""
    try:
        data = yaml.safe_load(document)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict):
        return None
    sections: list[Any] = [data.get('defaults')]
    if isinstance(data.get('entities'), dict):
        sections += list(data['entities'].values())
    found = False
    for section in sections:
        erp = section.get('erp') if isinstance(section, dict) else None
        if isinstance(erp, dict) and 'password' in erp:
            del erp['password']
            found = True
    return yaml.safe_dump(data, sort_keys=False) if found else None


def upgrade() -> None:
    conn = op.get_bind()
    for version, document in conn.execute(sa.select(versions.c.version, versions.c.document)).all():
        scrubbed = _scrub(document or '')
        if scrubbed is not None:
            conn.execute(versions.update().where(versions.c.version == version).values(document=scrubbed))


def downgrade() -> None:
    pass  # a removed secret is not put back
