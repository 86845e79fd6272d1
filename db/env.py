"""Alembic environment: always runs on a connection the app hands over (already keyed)."""

from alembic import context

from lpt_desktop.store.all_models import Base
from lpt_desktop.store.base import include_in_autogenerate

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations through the app (lpt_desktop.store.migrations), which holds the key.")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True,
                  include_name=include_in_autogenerate)
with context.begin_transaction():
    context.run_migrations()
