"""Engines and transactions for the central store (PostgreSQL via psycopg 3, or SQLite)."""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, Table, create_engine, event, select, update
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from lpt_desktop.central.models import Counter, Secret
from lpt_desktop.paths import migrations_dir


def normalise_url(url: str) -> str:
    # psycopg 3 is the PostgreSQL driver; a bare postgresql:// URL would ask for psycopg2.
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def migrate(url: str, revision: str = "head") -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir() / "central"))
    cfg.attributes["url"] = normalise_url(url)
    command.upgrade(cfg, revision)


class CentralDB:
    """One engine; `write()` is a serialisable-enough write transaction, `read()` a read-only one."""

    def __init__(self, url: str, pool_size: int = 10) -> None:
        url = normalise_url(url)
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        if self.is_sqlite:
            engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, hide_parameters=True)

            @event.listens_for(engine, "connect")
            def _pragmas(dbapi_conn: sqlite3.Connection, _record: ConnectionPoolEntry) -> None:
                dbapi_conn.isolation_level = None  # we issue BEGIN ourselves (below)
                dbapi_conn.execute("PRAGMA journal_mode = WAL")
                dbapi_conn.execute("PRAGMA synchronous = FULL")

            @event.listens_for(engine, "begin")
            def _begin(conn: Connection) -> None:
                # Writers take the lock up front: no deadlock between two upgrading readers.
                conn.exec_driver_sql("BEGIN " + conn.get_execution_options().get("sqlite_begin", ""))
        else:
            # hide_parameters: an error logged by the server never quotes case data.
            engine = create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True,
                                   hide_parameters=True)
        self.engine: Engine = engine
        self._reader = sessionmaker(bind=engine, expire_on_commit=False)
        self._writer = sessionmaker(bind=engine.execution_options(sqlite_begin="IMMEDIATE"), expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as s, s.begin():
            yield s

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self._writer() as s, s.begin():
            yield s

    def signing_key(self) -> str:
        """Made once and kept in the database, so every application server signs and checks alike."""
        with self.read() as s:
            value = s.scalar(select(Secret.value).where(Secret.id == 1))
        if value:
            return value
        with self.write() as s:
            value = s.scalar(select(Secret.value).where(Secret.id == 1))
            if not value:
                value = secrets.token_hex(32)
                s.add(Secret(id=1, value=value))
        return value

    def dispose(self) -> None:
        self.engine.dispose()


def next_seq(s: Session) -> int:
    """The next change sequence number. The first call in a transaction locks the counter until commit."""
    # On the connection, not the ORM: an ORM update would scan the session's objects to synchronise them.
    return int(s.connection().execute(_BUMP).scalar_one())


_COUNTER = cast(Table, Counter.__table__)  # a mapped class's table (typed as FromClause)
_BUMP = update(_COUNTER).where(_COUNTER.c.id == 1).values(value=_COUNTER.c.value + 1).returning(_COUNTER.c.value)
