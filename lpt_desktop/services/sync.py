"""Sync with the central store, for the window and the CLI: status, enrolment, sync now, conflicts.

Every function takes the open Database and does its own I/O: call them on a worker, never the UI thread.
Errors from the network are lpt_desktop.sync.client.SyncError subclasses with a readable message:
Offline (try again later; the timer backs off, see lpt_desktop.sync.backoff), AuthFailed (enrol again),
Refused (the server will keep refusing this).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from lpt_desktop.services import rejections as _views
from lpt_desktop.services.changes import Change, announce
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.store.sync_models import SyncOutbox
from lpt_desktop.sync import conflicts as _conflicts
from lpt_desktop.sync import engine, state
from lpt_desktop.sync import notices as _notices
from lpt_desktop.sync import rejections as _rejections
from lpt_desktop.sync.client import AuthFailed, Offline, Refused, SyncClient, SyncError
from lpt_desktop.sync.conflicts import Choice, ConflictView
from lpt_desktop.sync.engine import Cancel, NotEnrolled, ProgressFn, SyncResult
from lpt_desktop.sync.status import State as SyncStateName
from lpt_desktop.sync.status import overall

__all__ = ["SyncStatus", "SyncResult", "ConflictView", "SyncError", "Offline", "AuthFailed", "Refused",
           "NotEnrolled", "SyncBusy", "sync_status", "enrol", "sync_now", "server_reachable", "list_conflicts",
           "resolve_conflict", "SyncStateName", "list_rejections", "retry_rejected", "export_rejected"]


class SyncBusy(SyncError):
    """A sync of this caseload is already running (the timer and Sync now can meet)."""


_running: dict[str, threading.Lock] = {}
_running_guard = threading.Lock()


@contextmanager
def _one_at_a_time(db: Database) -> Iterator[None]:
    with _running_guard:
        lock = _running.setdefault(str(db.path), threading.Lock())
    if not lock.acquire(blocking=False):
        raise SyncBusy("A sync is already running.")
    try:
        yield
    finally:
        lock.release()


@dataclass(frozen=True)
class SyncStatus:
    enrolled: bool
    server: str | None
    username: str | None
    last_synced_at: datetime | None  # UTC, naive
    waiting_changes: int
    open_conflicts: int
    rejected: int = 0  # changes the central store did not accept, still listed (Not accepted)

    def state(self, offline: bool = False) -> SyncStateName:
        """The one derived answer (sync/status.overall): never "synced" while anything waits or was refused."""
        return overall(enrolled=self.enrolled, offline=offline, waiting=self.waiting_changes,
                       rejected=self.rejected, conflicts=self.open_conflicts, last_synced_at=self.last_synced_at)


def sync_status(db: Database) -> SyncStatus:
    with db.read() as s:
        st = state.read_all(s)
        waiting = s.scalar(select(func.count()).select_from(SyncOutbox)) or 0
        conflicts = _conflicts.count_open(s)
        rejected = _rejections.count_open(s)
    last = st.get(state.LAST_SYNCED_AT)
    return SyncStatus(enrolled=state.LAPTOP_ID in st, server=st.get(state.SERVER_URL), username=st.get(state.USERNAME),
                      last_synced_at=datetime.fromisoformat(last) if last else None, waiting_changes=waiting,
                      open_conflicts=conflicts, rejected=rejected)


# Every kind a pulled record can be: a sync that brought anything announces them all (it does not say which).
RECORD_CHANGES = (Change.CASE | Change.REGISTER | Change.CONTACT | Change.ENFORCEMENT | Change.APPOINTMENT
                  | Change.REPORT | Change.STANDARDS | Change.TEMPLATE)


@contextmanager
def _announcing() -> Iterator[Callable[[SyncResult], SyncResult]]:
    """Announce what a sync changed: its own state always; every record kind if it wrote records, or if it
    stopped part way (the pages it committed stay)."""
    def note(result: SyncResult) -> SyncResult:
        if result.pulled or result.evicted or result.repaired:
            announce(RECORD_CHANGES)
        return result

    try:
        yield note
    except BaseException:
        announce(RECORD_CHANGES)
        raise
    finally:
        announce(Change.SYNC)


def enrol(db: Database, server_url: str, username: str, password: str, progress: ProgressFn | None = None,
          cancel: Cancel | None = None) -> SyncResult:
    """First sync: sign in and download the caseload (progress(phase, done, total); cancel() -> True stops)."""
    install_hooks()  # changes made after enrolment must reach the outbox
    with _one_at_a_time(db), _announcing() as note:
        return note(engine.enrol(db, server_url, username, password, progress, cancel))


def sync_now(db: Database, progress: ProgressFn | None = None, cancel: Cancel | None = None,
             client: SyncClient | None = None, **kw: Any) -> SyncResult:
    """Push waiting changes, pull the server's, evict moved cases, verify.

    Raises NotEnrolled, SyncBusy (another sync of this caseload is running) or another SyncError."""
    install_hooks()
    with _one_at_a_time(db), _announcing() as note:
        return note(engine.sync_once(db, client, progress, cancel, **kw))


def server_reachable(db: Database, timeout: float = 3.0) -> bool:
    """Whether the enrolled server answers now (for 'sync as soon as the network returns'); never raises."""
    st = engine.read_state(db)
    url = st.get(state.SERVER_URL)
    if not url:
        return False
    try:
        return httpx.get(f"{url}/health", timeout=timeout).status_code == 200
    except httpx.HTTPError:
        return False


def list_conflicts(db: Database, include_resolved: bool = False) -> list[ConflictView]:
    return _conflicts.list_conflicts(db, include_resolved)


def resolve_conflict(db: Database, conflict_id: str, choice: Choice, merged: dict[str, Any] | None = None) -> None:
    """Keep mine, keep theirs, or merge (merged: field -> value). The next sync sends the resolution."""
    install_hooks()
    _conflicts.resolve(db, conflict_id, choice, merged)
    # The choice may rewrite any kind of record of the case (and the conflict itself).
    announce(Change.SYNC | RECORD_CHANGES)


# -- changes the central store did not accept ------------------------------------------------------
def list_rejections(db: Database) -> list[_views.RejectionView]:
    """The Not accepted list: case name and CRN, kind of record, fields in their labels, reason, advice."""
    return _views.list_rejections(db)


def retry_rejected(db: Database, ids: list[str] | None = None) -> int:
    """Queue these rejected changes (None: all of them) to be sent again at the next sync; how many.

    Each leaves the list now; if the central store refuses it again it comes back, as a new rejection."""
    install_hooks()
    n = _rejections.retry(db, ids=None if ids is None else set(ids))
    announce(Change.SYNC)
    return n


def export_rejected(db: Database, out: Path, ids: list[str] | None = None) -> int:
    """Write these rejected changes (None: all) to a JSON file, NOT encrypted, then set them aside (they leave
    the list, here and on the central store). Returns how many; with none listed, no file is written."""
    import json

    from lpt_desktop.services.export_file import write_atomically

    install_hooks()
    views = [v for v in list_rejections(db) if ids is None or v.id in ids]
    if not views:
        return 0
    text = json.dumps(_views.export_document(db, views), indent=1, ensure_ascii=False)
    write_atomically(out, (text + "\n").encode("utf-8"))  # the whole file or none: only then are they set aside
    n = _rejections.set_aside(db, [v.id for v in views])
    announce(Change.SYNC)
    return n


def list_notices(db: Database, include_read: bool = True) -> list[_notices.Notice]:
    """Word that a choice made on another laptop replaced a change made here (newest first): each holds the
    message, this laptop's losing values (`yours`) and the values kept. For the sync feature's notices list."""
    return _notices.list_notices(db, include_read)


def unread_notices(db: Database) -> int:
    """How many of those notices the officer has not yet read (for a word in the status bar)."""
    with db.read() as s:
        return _notices.count_unread(s)


def mark_notices_read(db: Database, ids: list[str] | None = None) -> int:
    """The officer has read these notices (None: all); they stay on the list."""
    n = _notices.mark_read(db, ids)
    announce(Change.SYNC)
    return n
