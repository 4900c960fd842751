"""Alembic environment. The URL comes from the caller (payhub migrate) or PAYHUB_DATABASE_URL."""

from __future__ import annotations

from alembic import context

import payhub.erp.embedded
import payhub.store.models  # noqa: F401
from payhub.settings import Settings
from payhub.store.db import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or Settings().database_url


def run_migrations_offline() -> None:
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
