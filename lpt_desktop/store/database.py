"""An opened caseload: one encrypted file, its key file, an engine and sessions.

Unlock order: read the key file, derive and unwrap (fails => wrong passphrase, nothing
touched), open the database with the raw key (fails => damaged file), check the file's id
matches the key file, migrate forward. A database that cannot be opened is never deleted
or re-created.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import shutil
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import sqlcipher3
from alembic.util.exc import CommandError
from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from lpt_desktop.store import (
    all_models,  # noqa: F401 - every table mapped wherever a Database is
    audit,
    migrations,
)
from lpt_desktop.store.engine import connect_raw, is_plain_sqlite, make_engine, size_problem
from lpt_desktop.store.errors import (
    DatabaseDamaged,
    DatabaseLocked,
    DatabaseMissing,
    NewerSchema,
    NotAnLptDatabase,
    StoreError,
    WrongThread,
)
from lpt_desktop.store.keyfile import KdfParams, key_path_for, read_key_file, unwrap_key, wipe, wrap_key
from lpt_desktop.store.models import Meta
from lpt_desktop.store.walcheck import check_wal_file, wal_path_for

log = logging.getLogger(__name__)


class LptSession(Session):
    """Session class with the audit hook installed."""


audit.install(LptSession)
# Sync's outbox hook (each change to a syncable row also writes an outbox row in the same flush) is not
# installed here: the store knows nothing of sync. services.unlock.install_hooks() installs it before a
# caseload is created or unlocked, and services.sync before enrolment or a sync.


class Database:
    def __init__(self, path: Path, key: bytearray, database_id: str) -> None:
        self.path = path
        self.database_id = database_id
        self._key: bytearray | None = key
        self._lock = threading.Lock()
        self._engine: Engine | None = make_engine(path, self._key_for_new_connection, self._check_writer)
        self._writer_engine = self._engine.execution_options(sqlite_begin="IMMEDIATE")
        self._reader = sessionmaker(bind=self._engine, class_=LptSession, expire_on_commit=False)
        self._writer = sessionmaker(bind=self._writer_engine, class_=LptSession, expire_on_commit=False)
        self.actor = "system"
        # Who is working: set by services.unlock from the caseload's officer (read rules use them).
        self.officer_id: str | None = None
        self.role = "PO"
        # The window writes on one thread only (gui/ops.py); a write from any other fails loudly.
        self._writer_ident: int | None = None
        # What the officer must be told about the opening, in words (a damaged -wal kept aside).
        self.notices: list[str] = []
        # Called once at close (lock or quit): what a layer above keeps for this caseload (the sync engine's
        # signed-in client and its tokens) is let go with the key, not when the object is collected.
        self.on_close: list[Callable[[], None]] = []

    # -- opening ---------------------------------------------------------------------------------
    @classmethod
    def create(cls, path: Path, passphrase: str, kdf: KdfParams | None = None,
               revision: str = "head") -> Database:
        """Make a new, empty, encrypted caseload. Refuses to touch an existing file."""
        path = Path(path)
        key_path = key_path_for(path)
        for existing in (path, key_path):
            if existing.exists():
                raise StoreError(f"{existing} already exists: choose another file name. Nothing has been changed.")
        path.parent.mkdir(parents=True, exist_ok=True)
        key = bytearray(os.urandom(32))
        database_id = str(uuid.uuid4())
        # Key file first: a database without its key file could never be opened.
        wrap_key(key_path, key, passphrase, database_id, kdf)
        db = None
        try:
            conn = connect_raw(path, key)
            conn.close()
            os.chmod(path, 0o600)
            db = cls(path, key, database_id)
            migrations.upgrade(db.engine, revision)
            with db.write() as s:
                s.add(Meta(key="database_id", value=database_id))
        except BaseException as exc:
            # Only files this call made are removed: a half-made caseload must not be mistaken for one.
            if db is not None:
                db.close()
            else:
                wipe(key)
            for made in (path, key_path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
                made.unlink(missing_ok=True)
            if isinstance(exc, Exception) and not isinstance(exc, StoreError):
                raise StoreError(f"Could not create {path.name}: {exc}. Nothing was left behind.") from exc
            raise
        return db

    @classmethod
    def open(cls, path: Path, passphrase: str, migrate: bool = True) -> Database:
        path = Path(path)
        if not path.exists():
            raise DatabaseMissing(f"There is no caseload file at {path}. Check the path. Nothing has been changed.")
        if is_plain_sqlite(path):
            raise NotAnLptDatabase(
                f"{path.name} is an unencrypted SQLite file, not an LPT Desktop caseload. Nothing has been changed."
            )
        # A file SQLite would take for an empty database (under one page) it would also write a new header to:
        # refused on its size alone, before SQLite is let near it.
        problem = size_problem(path.stat().st_size)
        if problem:
            raise DatabaseDamaged(
                f"{path.name} {problem}. It has not been changed: restore it from backup or ask the service desk."
            )
        key_path = key_path_for(path)
        read_key_file(key_path)  # a missing or damaged key file is reported before any slow work
        key, database_id = unwrap_key(key_path, passphrase)
        try:
            # Before SQLite replays (and then deletes) a log left by a writer that stopped: check it, and keep a
            # copy if it would drop committed saves.
            notice = keep_damaged_wal(path)
            db = cls._open_with_key(path, key, database_id, migrate)
        except BaseException:
            wipe(key)  # every failure path drops the key
            raise
        if notice:
            db.notices.append(notice)
        return db

    @classmethod
    def _open_with_key(cls, path: Path, key: bytearray, database_id: str, migrate: bool) -> Database:
        # Read-only first: nothing is written to a file (nor a -wal checkpointed into it) until it has been read.
        # A -wal that is not there is not made by this check (SQLite would leave an empty one behind).
        wal_existed = wal_path_for(path).exists()
        try:
            conn = connect_raw(path, key, read_only=wal_existed)
            try:
                row = conn.execute("SELECT value FROM lpt_meta WHERE key = 'database_id'").fetchone()
                revision = _stored_revision(conn)
            except sqlcipher3.DatabaseError as exc:
                if "no such table" in str(exc):
                    raise NotAnLptDatabase(
                        f"{path.name} opened, but it does not hold an LPT Desktop caseload. Nothing has been changed."
                    ) from None
                raise
            finally:
                conn.close()
        except sqlcipher3.DatabaseError as exc:
            raise DatabaseDamaged(
                f"Your passphrase was accepted, but {path.name} could not be read ({exc}). The file is damaged or "
                "is not the database this key file belongs to. It has not been changed: restore it from backup "
                "or ask the service desk."
            ) from None
        if row is None or row[0] != database_id:
            raise NotAnLptDatabase(
                f"The key file beside {path.name} belongs to a different caseload. Nothing has been changed."
            )
        db = cls(path, key, database_id)
        # A file already at the newest schema has nothing to migrate: Alembic is not started (it loads every
        # migration script, and the check after a migration, PRAGMA foreign_key_check, reads every row of the
        # file: seconds at Trust scale, on every unlock). bench/: gui-unlock-paint.
        if migrate and revision != head_revision():
            try:
                migrations.upgrade(db.engine)
            except (sqlcipher3.DatabaseError, DBAPIError) as exc:
                db.close()
                raise _translate(exc) from exc
            except CommandError as exc:
                db.close()
                if "Can't locate revision" in str(exc):
                    raise NewerSchema(
                        f"{path.name} was saved by a newer version of LPT Desktop. Install that version (or newer) "
                        "to open it. Nothing has been changed."
                    ) from None
                raise
            except BaseException:
                db.close()
                raise
        return db

    # -- use -------------------------------------------------------------------------------------
    def _key_for_new_connection(self) -> bytearray:
        with self._lock:
            if self._key is None:
                raise DatabaseLocked()
            return self._key

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            raise DatabaseLocked()
        return self._engine

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    @contextmanager
    def read(self) -> Iterator[Session]:
        if self._engine is None:
            raise DatabaseLocked()
        with self._reader() as s:
            s.info["actor"] = self.actor
            try:
                yield s
            except (DBAPIError, sqlcipher3.DatabaseError) as exc:
                raise _translate(exc) from exc

    def _check_writer(self) -> None:
        # Called before every write transaction, the ORM's and sync's Core ones alike.
        if self._writer_ident is not None and threading.get_ident() != self._writer_ident:
            raise WrongThread(f"A write to {self.path.name} was made off the writer thread "
                              f"({threading.current_thread().name}); it was refused and nothing was written.")

    def restrict_writes_to(self, thread_ident: int) -> None:
        """From now on only that thread may open a write transaction (the window's one writer)."""
        self._writer_ident = thread_ident

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One committed transaction: everything in the block, its audit rows, or nothing."""
        if self._engine is None:
            raise DatabaseLocked()
        self._check_writer()
        with self._writer() as s:
            s.info["actor"] = self.actor
            try:
                with s.begin():
                    yield s
            except (DBAPIError, sqlcipher3.DatabaseError) as exc:
                raise _translate(exc) from exc

    def meta(self, key: str) -> str | None:
        with self.read() as s:
            return s.scalar(select(Meta.value).where(Meta.key == key))

    def close(self) -> None:
        """Lock: stop and close every connection, including those a worker is using, and wipe the key."""
        with self._lock:
            engine, self._engine = self._engine, None
            if engine is not None:
                engine.locked = True  # type: ignore[attr-defined]  # connections returned later are closed
                for conn in list(engine.lpt_in_use):  # type: ignore[attr-defined]  # set by make_engine
                    # Thread-safe: the worker's statement fails and its transaction rolls back.
                    with contextlib.suppress(Exception):
                        conn.interrupt()
                engine.dispose()
            if self._key is not None:
                wipe(self._key)
                self._key = None
            hooks, self.on_close = self.on_close, []
        for hook in hooks:
            with contextlib.suppress(Exception):
                hook()


def keep_damaged_wal(path: Path) -> str:
    """If the caseload's -wal would lose committed saves when SQLite replays it, keep a copy beside the database
    and return what to tell the officer ("" when the log is whole or absent). Raises DatabaseDamaged, having
    changed nothing, if the copy cannot be made: the log is never let go without one."""
    wal = wal_path_for(path)
    report = check_wal_file(wal)
    if report is None or not report.damaged:
        return ""
    again = check_wal_file(wal)  # a writer in another process may have been part way through a frame
    if again is None or not again.damaged:
        return ""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    copy = wal.with_name(f"{wal.name}.damaged-{stamp}")
    n = 1
    while copy.exists():
        n += 1
        copy = wal.with_name(f"{wal.name}.damaged-{stamp}-{n}")
    try:
        shutil.copyfile(wal, copy)
        os.chmod(copy, 0o600)
        with open(copy, "rb") as fh:
            os.fsync(fh.fileno())
    except OSError as exc:
        raise DatabaseDamaged(
            f"The log of recent saves beside {path.name} ({wal.name}) is damaged, and a copy of it could not be "
            f"kept ({exc.strerror or exc.__class__.__name__}), so the caseload was not opened. Nothing has been "
            "changed: free some disk space and try again, or ask the service desk."
        ) from None
    log.warning("the -wal of %s is damaged (%s); a copy is kept at %s", path.name, again.problem, copy)
    return (f"Some recent changes could not be recovered. The log of recent saves beside your caseload "
            f"({wal.name}) was damaged ({again.problem}). LPT Desktop opened what could be read, but contacts and "
            f"other changes saved shortly before it last stopped may be missing. A copy of the damaged log is kept "
            f"at {copy} for the service desk: do not delete it. Check your latest contacts, enter again any that "
            "are missing, and tell the service desk.")


@functools.cache
def head_revision() -> str:
    """The newest schema revision this program knows (read once: the migration scripts do not change while it
    runs). The window asks for it while the passphrase is typed, so an unlock does not wait for it."""
    return migrations.head_revision()


def _stored_revision(conn: sqlcipher3.Connection) -> str | None:
    """The file's schema revision as Alembic recorded it (None if it has none yet)."""
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlcipher3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise
    return None if row is None else str(row[0])


def _translate(exc: Exception) -> Exception:
    orig = getattr(exc, "orig", None)
    msg = str(orig if orig is not None else exc)
    if "not a database" in msg or "malformed" in msg:
        return DatabaseDamaged(f"Part of the caseload file could not be read ({msg}): it is damaged. It has not "
                               "been changed: restore it from backup or ask the service desk.")
    return exc


def change_passphrase(path: Path, old: str, new: str) -> None:
    from lpt_desktop.store.keyfile import rewrap_key

    if len(new) < 8:
        raise ValueError("New passphrase: is too short: use at least 8 characters")
    rewrap_key(key_path_for(Path(path)), old, new)
