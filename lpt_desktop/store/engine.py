"""SQLCipher connections under SQLAlchemy: raw key, WAL, synchronous=FULL, no temp files."""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import sqlcipher3
from sqlalchemy import Connection, Engine, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry, PoolProxiedConnection, QueuePool

from lpt_desktop.paths import log_dir

log = logging.getLogger(__name__)

# 16 MiB of decrypted pages per connection holds the Trust-scale caseload query's working set,
# so a warm repeat decrypts nothing (bench/ cache-sweep: 16 and 64 MiB time the same, 2 MiB is
# 3.4x slower); with up to 8 pooled connections, more would only cost memory.
CACHE_KIB = 16384
SQLITE_HEADER = b"SQLite format 3\x00"
# SQLCipher 4's page size (the app never changes it): a caseload file is always a whole number of these pages,
# so a file of any other size has been cut short and is refused before SQLite may touch it.
PAGE_BYTES = 4096


def _cipher_log_path() -> Path:
    d = log_dir()
    d.mkdir(parents=True, exist_ok=True)
    return d / "sqlcipher.log"


def connect_raw(path: Path, key: bytearray, read_only: bool = False) -> sqlcipher3.Connection:
    """Open one keyed connection with the app's pragmas; raises sqlcipher3.DatabaseError on a bad key.

    read_only opens the file so SQLite cannot write to it at all: the check before a caseload is first opened.
    (A read-write connection that fails still checkpoints a left-over -wal into the file and deletes the -wal
    as it closes, so a damaged file or the wrong key file would be written to while failing.)
    """
    target = Path(path).resolve().as_uri() + "?mode=ro" if read_only else str(path)
    conn = sqlcipher3.connect(target, uri=read_only, check_same_thread=False, isolation_level=None, timeout=10.0)
    # SQLCipher's own messages go to the app's log directory, not stderr. They never contain case data.
    quoted = str(_cipher_log_path()).replace("'", "''")  # an O'Brien in the home path must not break SQL
    conn.execute(f"PRAGMA cipher_log = '{quoted}'")
    conn.execute("PRAGMA cipher_log_level = WARN")
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    # cipher_memory_security stays at SQLCipher 4's default (off): wiping every freed page costs
    # a large share of query speed, and the data key itself is wiped by Database.close().
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("PRAGMA temp_store = MEMORY")  # sorts and temp tables never reach a plaintext file
    conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()  # decrypts page 1 or fails here
    if read_only:
        return conn
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode != "wal":
        log.warning("journal_mode is %s, not wal", mode)
    conn.execute("PRAGMA synchronous = FULL")  # an acknowledged save survives a power cut
    return conn


def make_engine(path: Path, key_source: Callable[[], bytearray],
                write_guard: Callable[[], None] | None = None) -> Engine:
    """write_guard runs before every write transaction (BEGIN IMMEDIATE) and may refuse it by raising."""
    def creator() -> sqlcipher3.Connection:
        return connect_raw(path, key_source())

    # module= tells SQLAlchemy which DB-API raised an error, so sqlcipher3 errors are wrapped like sqlite3 ones.
    engine = create_engine("sqlite://", module=sqlcipher3.dbapi2, creator=creator, poolclass=QueuePool,
                           pool_size=4, max_overflow=4)
    in_use: set[DBAPIConnection] = set()
    engine.lpt_in_use = in_use  # type: ignore[attr-defined]  # read by Database.close()

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: DBAPIConnection, _record: ConnectionPoolEntry, _proxy: PoolProxiedConnection) -> None:
        in_use.add(dbapi_conn)

    @event.listens_for(engine, "checkin")
    def _checkin(dbapi_conn: DBAPIConnection | None, record: ConnectionPoolEntry) -> None:
        in_use.discard(dbapi_conn)
        if getattr(engine, "locked", False) and dbapi_conn is not None:
            record.invalidate()  # returned after a lock: close it rather than keep a keyed connection

    @event.listens_for(engine, "begin")
    def _begin(conn: Connection) -> None:
        # The driver runs in autocommit mode; we issue BEGIN ourselves so DDL and reads are
        # transactional, and writers take the lock up front instead of failing on upgrade.
        mode = conn.get_execution_options().get("sqlite_begin", "")
        if mode == "IMMEDIATE" and write_guard is not None:
            write_guard()
        conn.exec_driver_sql(f"BEGIN {mode}".strip())

    return engine


def size_problem(size: int) -> str:
    """Why a file of this size cannot be a whole caseload ("" if it can)."""
    if size == 0:
        return "is empty: it holds no caseload"
    if size < PAGE_BYTES or size % PAGE_BYTES:
        return (f"is {size:,} bytes, not a whole number of {PAGE_BYTES:,}-byte pages: it has been cut short "
                "(a copy that did not finish, or a full disk)")
    return ""


def is_plain_sqlite(path: Path) -> bool:
    with open(path, "rb") as fh:
        return fh.read(16) == SQLITE_HEADER
