"""Runs sync with the central store off the UI thread: on a timer, on demand, and when the network returns.

One sync at a time, as a write operation on the window's one writer (host.ops), so a sync and the officer's
saves never collide; it can be cut at any moment (each step commits as it goes) and resumes. Progress comes
back as signals. After a failure the timer backs off (lpt_desktop.sync.backoff); while offline a cheap
probe of the server's /health (also on a worker) starts a sync as soon as the server answers, and
QNetworkInformation, where the platform has a backend, does the same when the network comes back.
The lock cancels the sync before it waits for the writer, and drops its result; nothing runs while the
caseload is locked or not enrolled.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from lpt_desktop.services.changes import Change
from lpt_desktop.sync import backoff

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host
    from lpt_desktop.services.sync import SyncResult, SyncStatus
    from lpt_desktop.store.database import Database

log = logging.getLogger(__name__)

PROBE_SECONDS = 15.0  # while offline: how often to ask the server whether it is back
AFTER_SAVE_SECONDS = 5.0  # a save is sent shortly after, so several quick saves go in one sync



def percent(phase: str, done: int, total: int) -> int:
    """One bar for the whole sync: push fills 0-40%, pull 40-90%, verify the rest (total < 0: unknown)."""
    frac = 1.0 if total <= 0 else min(1.0, max(0.0, done / total))
    if phase == "push":
        return int(40 * frac)
    if phase == "pull":
        return 40 + int(50 * frac)
    return 95


@dataclass(frozen=True)
class SyncState:
    """What the status bar shows; made fresh after every change."""

    enrolled: bool = False
    busy: bool = False
    percent: int = 0
    offline: bool = False
    error: str | None = None  # a readable reason the last sync failed (other than being offline)
    waiting: int = 0
    conflicts: int = 0
    rejected: int = 0  # changes the central store did not accept, still listed
    last_synced_at: datetime | None = None  # UTC, naive (as the store keeps it)
    server: str | None = None
    locked: bool = True
    next_try_seconds: float | None = None
    needs_sign_in: bool = False  # the server no longer accepts this laptop's sign-in
    username: str = ""  # the central store's user name this laptop signed in as


# The jobs import the sync services on the worker: they bring httpx and pydantic, which the UI thread must not
# wait for at unlock.
def _sync_status(db: Database) -> SyncStatus:
    from lpt_desktop.services import sync as svc

    return svc.sync_status(db)


def _sync_now(db: Database, job: SyncJob) -> SyncResult:
    from lpt_desktop.services import sync as svc

    return svc.sync_now(db, progress=job.report, cancel=job.cancel_event)


def _enrol(db: Database, job: SyncJob, server_url: str, username: str, password: str) -> SyncResult:
    from lpt_desktop.services import sync as svc

    return svc.enrol(db, server_url, username, password, progress=job.report, cancel=job.cancel_event)


class SyncJob(QObject):
    """One sync or enrolment: its cancel flag (read by the sync engine between steps) and its progress."""

    progress = Signal(str, int, int)  # phase, done, total (-1: unknown); emitted from the writer thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cancel_event = threading.Event()

    def cancel(self) -> None:
        self.cancel_event.set()

    def report(self, phase: str, done: int, total: int | None) -> None:
        self.progress.emit(phase, done, -1 if total is None else total)


def _probe(server_url: str) -> bool:
    import httpx

    try:
        return httpx.get(f"{server_url.rstrip('/')}/health", timeout=3.0).status_code == 200
    except httpx.HTTPError:
        return False


class SyncRunner(QObject):
    """window.sync: the one place that starts syncs. Read `state`; listen to `changed`."""

    changed = Signal()
    progress = Signal(int)  # percent
    finished = Signal(object)  # SyncResult
    failed = Signal(object)  # the exception

    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.ops = host.ops
        self.state = SyncState()
        self.job: SyncJob | None = None
        self.failures = 0
        self.again = False  # asked to sync while one ran: run once more after it
        self.delay: Callable[[int], float] = backoff.delay  # tests shorten it
        self._status_asked = 0
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.sync_now)
        self.probe_timer = QTimer(self)
        self.probe_timer.setInterval(int(PROBE_SECONDS * 1000))
        self.probe_timer.timeout.connect(self._probe)
        self._probing = False
        self.after_save = QTimer(self)
        self.after_save.setSingleShot(True)
        self.after_save.setInterval(int(AFTER_SAVE_SECONDS * 1000))
        self.after_save.timeout.connect(self.sync_now)
        self._network = self._watch_network()
        host.unlocked.connect(self._unlocked)
        host.about_to_lock.connect(self.cancel)  # before the lock waits for the writer
        host.locked.connect(self.stop)
        host.ops.changed.connect(self._changed)

    # -- state -------------------------------------------------------------------------------------
    def _set(self, **changes: Any) -> None:
        self.state = SyncState(**{**self.state.__dict__, **changes})
        self.changed.emit()

    @property
    def running(self) -> bool:
        return self.job is not None

    def refresh_status(self, then: Callable[[], object] | None = None) -> None:
        """Re-read enrolment, waiting changes and conflicts from the caseload (on a worker)."""
        # Reads run on two threads and may come back out of order: only the newest one sets the state.
        self._status_asked += 1
        asked = self._status_asked

        def got(st: Any) -> None:
            if asked != self._status_asked:
                if then is not None:
                    then()
                return
            self._set(enrolled=st.enrolled, waiting=st.waiting_changes, conflicts=st.open_conflicts,
                      rejected=st.rejected, last_synced_at=st.last_synced_at, server=st.server, locked=False,
                      username=st.username or "")
            if then is not None:
                then()

        self.ops.query(_sync_status, on_ok=got, on_error=self._status_failed, label="sync status")

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("sync status could not be read (%s)", exc.__class__.__name__)

    # -- when to sync ------------------------------------------------------------------------------
    def _unlocked(self) -> None:
        # Still "paused" until the status is read again (then `locked` goes): never the last session's "Synced".
        self.refresh_status(then=lambda: self.state.enrolled and self.sync_now())

    def _changed(self, changes: Change) -> None:
        # A save anywhere in the window: count it as waiting now, send it shortly. (A sync's own writes
        # announce SYNC, and a pull's records are not waiting to be sent.)
        if not changes & Change.SYNC and self.host.is_unlocked:
            self.refresh_status()
            if self.state.enrolled and not self.state.offline:
                self.after_save.start()

    def schedule(self, seconds: float) -> None:
        self.timer.start(max(0, int(seconds * 1000)))
        self._set(next_try_seconds=seconds)

    def sync_now(self) -> bool:
        """Start a sync unless one is running (then run once more after it); False if it cannot start."""
        if not self.host.is_unlocked or not self.state.enrolled:
            return False
        if self.job is not None:
            self.again = True
            return True
        self.timer.stop()
        self.after_save.stop()
        self.again = False
        job = SyncJob(self)
        job.progress.connect(self._progress)
        self.job = job
        self._set(busy=True, percent=0, error=None)
        self.ops.write(_sync_now, job, on_ok=lambda r: self._done(job, r), on_error=lambda e: self._failed(job, e),
                       owner=job, label="sync", cut_ok=True)
        return True

    def enrol(self, server_url: str, username: str, password: str, on_progress: Callable[[int], None],
              on_ok: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> SyncJob | None:
        """The first sync, as the enrolment dialog asks; None if the caseload is locked.

        A sync already running is cancelled first (its work so far stays); this one then counts as the running sync.
        """
        if not self.host.is_unlocked:
            return None
        self.cancel()  # the writer runs one job at a time: the cancelled sync stops before enrolment starts
        self.timer.stop()
        self.again = False
        job = SyncJob(self)
        job.progress.connect(lambda phase, done, total: on_progress(percent(phase, done, total)))

        def ok(result: Any) -> None:
            if self.job is job:
                self.job = None
            self._set(busy=False, percent=100, offline=False, error=None, needs_sign_in=False)
            self.refresh_status(then=lambda: self.schedule(self.delay(0)))
            on_ok(result)

        def failed(exc: BaseException) -> None:
            if self.job is job:
                self.job = None
            self._set(busy=False)
            self.refresh_status()
            on_error(exc)

        self.job = job
        self._set(busy=True, percent=0, error=None)
        self.ops.write(_enrol, job, server_url, username, password, on_ok=ok, on_error=failed, owner=job,
                       label="setting up sync", cut_ok=True)
        return job

    def _progress(self, phase: str, done: int, total: int) -> None:
        pct = max(self.state.percent, percent(phase, done, total))
        self.progress.emit(pct)
        self._set(percent=pct)

    def _finish_job(self, job: SyncJob) -> bool:
        """True if this job's result still matters (not superseded by enrolment; ops drops those of a lock)."""
        if self.job is not job:
            return False
        self.job = None
        job.deleteLater()
        return self.host.is_unlocked

    def _done(self, job: SyncJob, result: Any) -> None:
        if not self._finish_job(job):
            return
        self.failures = 0
        self.probe_timer.stop()
        self._set(busy=False, percent=100, offline=False, error=None, waiting=result.waiting,
                  conflicts=result.open_conflicts, rejected=result.open_rejections,
                  last_synced_at=result.finished_at or self.state.last_synced_at)
        self.finished.emit(result)  # what it pulled was announced by the sync itself (ops.changed)
        if self.again or (result.waiting and not result.cancelled):
            self.sync_now()
        else:
            self.schedule(self.delay(0))

    def _failed(self, job: SyncJob, exc: BaseException) -> None:
        from lpt_desktop.services import sync as svc
        if not self._finish_job(job):
            return
        if isinstance(exc, svc.NotEnrolled):
            self._set(busy=False, enrolled=False)
            return
        self.failures += 1
        offline = isinstance(exc, svc.Offline)
        error = None if offline else (str(exc) if isinstance(exc, svc.SyncError) else
                                      f"Sync stopped with an error ({exc.__class__.__name__}); it will try again.")
        self._set(busy=False, offline=offline, error=error, needs_sign_in=isinstance(exc, svc.AuthFailed))
        self.refresh_status()
        if offline and not self.probe_timer.isActive():
            self.probe_timer.start()
        self.failed.emit(exc)
        if isinstance(exc, svc.AuthFailed):
            return  # retrying cannot help: the officer signs in again (Sync › Set up sync…)
        self.schedule(self.delay(self.failures))

    # -- the network coming back -------------------------------------------------------------------
    def _watch_network(self) -> Any:
        try:
            from PySide6.QtNetwork import QNetworkInformation

            if not QNetworkInformation.loadDefaultBackend():
                return None
            info = QNetworkInformation.instance()
            if info is None or not info.supports(QNetworkInformation.Feature.Reachability):
                return None
            info.reachabilityChanged.connect(self._reachability)
            return info
        except Exception as exc:  # noqa: BLE001 - no backend: the probe alone does the job
            log.info("no network information backend (%s); probing the server instead", exc.__class__.__name__)
            return None

    def _reachability(self, reachability: Any) -> None:
        from PySide6.QtNetwork import QNetworkInformation

        if reachability in (QNetworkInformation.Reachability.Online, QNetworkInformation.Reachability.Site,
                            QNetworkInformation.Reachability.Local) and self.state.offline:
            self.sync_now()

    def _probe(self) -> None:
        if self._probing or self.job is not None or not self.state.offline or not self.state.server \
                or not self.host.is_unlocked:
            return
        self._probing = True
        generation = self.ops.generation

        def answered(ok: bool) -> None:
            self._probing = False
            if ok and generation == self.ops.generation and self.state.offline:
                self.sync_now()

        def broke(_exc: BaseException) -> None:
            self._probing = False

        self.ops.background(_probe, self.state.server, on_ok=answered, on_error=broke, label="probe the server")

    # -- stopping ----------------------------------------------------------------------------------
    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def stop(self) -> None:
        """On lock: cancel the sync, stop every timer, forget counts (the next unlock reads them again)."""
        self.cancel()
        self.job = None  # its result is dropped: the window's generation has moved on
        self.again = False
        for t in (self.timer, self.probe_timer, self.after_save):
            t.stop()
        self.failures = 0
        self._set(busy=False, percent=0, locked=True, offline=False, error=None, next_try_seconds=None)
