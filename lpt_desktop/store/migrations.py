"""Run the Alembic migrations in db/ on an open connection, inside one transaction."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from lpt_desktop.domain.words import plural
from lpt_desktop.paths import migrations_dir


def _config(conn: Connection | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision`; a failure rolls everything back and leaves the file as it was.

    Foreign keys are off while migrating: SQLite rebuilds a table by dropping it, and with
    enforcement on, ON DELETE CASCADE would empty its child tables. Integrity is checked with
    foreign_key_check before the commit instead.
    """
    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None  # a checked-out connection always has its driver connection
        raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
        try:
            with conn.begin():
                command.upgrade(_config(conn), revision)
                broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"migration to {revision} broke {plural(len(broken), 'foreign key')}; "
                                       "rolled back")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")
