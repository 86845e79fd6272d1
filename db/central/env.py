"""Alembic environment of the central store (separate from the desktop's db/): run by `lpt-central migrate`."""

from alembic import context
from sqlalchemy import create_engine, pool

from lpt_desktop.central.models import Base

url = context.config.attributes.get("url") or context.config.get_main_option("sqlalchemy.url")
if not url:
    raise SystemExit("Run `lpt-central migrate --db URL` (or pass sqlalchemy.url).")

engine = create_engine(url, poolclass=pool.NullPool)
with engine.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    with context.begin_transaction():
        context.run_migrations()
engine.dispose()
