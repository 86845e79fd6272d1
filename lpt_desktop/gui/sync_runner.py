"""Runs sync with the central store off the UI thread: on a timer, on demand, and when the network returns.

One sync at a time, on a Worker in the window's Jobs (so Quit cancels and waits for it). Progress comes
back as signals. After a failure the timer backs off (lpt_desktop.sync.backoff); while offline a cheap
probe of the server's /health (also on a worker) starts a sync as soon as the server answers, and
QNetworkInformation, where the platform has a backend, does the same when the network comes back.
Lock cancels the sync and drops its result; nothing runs while the caseload is locked or not enrolled.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from lpt_desktop.gui.workers import Worker
from lpt_desktop.sync import backoff

if TYPE_CHECKING:
    from lpt_desktop.gui.main_window import MainWindow

log = logging.getLogger(__name__)

PROBE_SECONDS = 15.0  # while offline: how often to ask the server whether it is back
AFTER_SAVE_SECONDS = 5.0  # a save is sent shortly after, so several quick saves go in one sync


def _svc() -> Any:
    from lpt_desktop.services import sync

    return sync


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
    last_synced_at: datetime | None = None  # UTC, naive (as the store keeps it)
    server: str | None = None
    locked: bool = True
    next_try_seconds: float | None = None
    needs_sign_in: bool = False  # the server no longer accepts this laptop's sign-in


class _SyncSignals(QObject):
    progress = Signal(str, int, int)  # phase, done, total (-1: unknown)


class SyncJob(Worker):
    """A Worker whose function receives progress(phase, done, total) and cancel (the worker's event)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, after: SyncJob | None = None, **kwargs: Any) -> None:
        super().__init__(fn, *args, **kwargs)
        self.sync_signals = _SyncSignals()
        self.kwargs["progress"] = self._phase
        self.kwargs["cancel"] = self.cancel_event
        self.done_event = threading.Event()
        self.after = after  # a cancelled sync that must have stopped before this one starts

    def _phase(self, phase: str, done: int, total: int | None) -> None:
        self.sync_signals.progress.emit(phase, done, -1 if total is None else total)

    def run(self) -> None:
        try:
            if self.after is not None:
                # One sync at a time, even when enrolment replaces a running sync: wait for it to stop.
                while not self.after.done_event.wait(0.05):
                    if self.cancel_event.is_set():
                        break
                self.after = None
            super().run()
        finally:
            self.done_event.set()


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

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.state = SyncState()
        self.job: SyncJob | None = None
        self.failures = 0
        self.again = False  # asked to sync while one ran: run once more after it
        self.delay: Callable[[int], float] = backoff.delay  # tests shorten it
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
        window.unlocked.connect(self._unlocked)
        window.locked.connect(self.stop)
        window.data_changed.connect(self._data_changed)

    # -- state -------------------------------------------------------------------------------------
    def _set(self, **changes: Any) -> None:
        self.state = SyncState(**{**self.state.__dict__, **changes})
        self.changed.emit()

    @property
    def running(self) -> bool:
        return self.job is not None

    def refresh_status(self, then: Callable[[], None] | None = None) -> None:
        """Re-read enrolment, waiting changes and conflicts from the caseload (on a worker)."""
        def got(st: Any) -> None:
            self._set(enrolled=st.enrolled, waiting=st.waiting_changes, conflicts=st.open_conflicts,
                      last_synced_at=st.last_synced_at, server=st.server, locked=False)
            if then is not None:
                then()

        self.window.run_db(lambda db: _svc().sync_status(db), on_ok=got, on_error=self._status_failed)

    def _status_failed(self, exc: BaseException) -> None:
        log.warning("sync status could not be read (%s)", exc.__class__.__name__)

    # -- when to sync ------------------------------------------------------------------------------
    def _unlocked(self) -> None:
        self._set(locked=False)
        self.refresh_status(then=lambda: self.state.enrolled and self.sync_now())

    def _data_changed(self, what: str) -> None:
        # A save anywhere in the window: count it as waiting now, send it shortly.
        if what != "sync" and self.window.is_unlocked:
            self.refresh_status()
            if self.state.enrolled and not self.state.offline:
                self.after_save.start()

    def schedule(self, seconds: float) -> None:
        self.timer.start(max(0, int(seconds * 1000)))
        self._set(next_try_seconds=seconds)

    def sync_now(self) -> bool:
        """Start a sync unless one is running (then run once more after it); False if it cannot start."""
        if not self.window.is_unlocked or not self.state.enrolled:
            return False
        if self.job is not None:
            self.again = True
            return True
        self.timer.stop()
        self.after_save.stop()
        self.again = False
        gen = self.window._generation
        job = SyncJob(lambda db, **kw: _svc().sync_now(db, **kw), self.window.db)
        job.sync_signals.progress.connect(lambda phase, done, total: gen == self.window._generation
                                          and self._progress(phase, done, total))
        self.job = job
        self._set(busy=True, percent=0, error=None)
        self.window.jobs.start(job, lambda r: self._done(gen, job, r), lambda e: self._failed(gen, job, e))
        return True

    def enrol(self, server_url: str, username: str, password: str, on_progress: Callable[[int], None],
              on_ok: Callable[[Any], None], on_error: Callable[[BaseException], None]) -> SyncJob | None:
        """The first sync, as the enrolment dialog asks; None if the caseload is locked.

        A sync already running is cancelled first (its work so far stays); this one then counts as the running sync.
        """
        if not self.window.is_unlocked:
            return None
        previous = self.job
        self.cancel()
        self.timer.stop()
        self.again = False
        gen = self.window._generation
        job = SyncJob(lambda db, *a, **kw: _svc().enrol(db, *a, **kw), self.window.db, server_url, username, password,
                      after=previous)
        job.sync_signals.progress.connect(lambda phase, done, total: gen == self.window._generation
                                          and on_progress(percent(phase, done, total)))

        def ok(result: Any) -> None:
            if self.job is job:
                self.job = None
            if gen != self.window._generation:
                return
            self._set(busy=False, percent=100, offline=False, error=None, needs_sign_in=False)
            self.window.refresh_caseload()
            self.refresh_status(then=lambda: self.schedule(self.delay(0)))
            on_ok(result)

        def failed(exc: BaseException) -> None:
            if self.job is job:
                self.job = None
            if gen != self.window._generation:
                return
            self._set(busy=False)
            self.refresh_status()
            on_error(exc)

        self.job = job
        self._set(busy=True, percent=0, error=None)
        self.window.jobs.start(job, ok, failed)
        return job

    def _progress(self, phase: str, done: int, total: int) -> None:
        pct = max(self.state.percent, percent(phase, done, total))
        self.progress.emit(pct)
        self._set(percent=pct)

    def _finish_job(self, gen: int, job: SyncJob) -> bool:
        """True if this job's result still matters (not superseded by enrolment, not from before a lock)."""
        if self.job is not job:
            return False
        self.job = None
        return gen == self.window._generation and self.window.is_unlocked

    def _done(self, gen: int, job: SyncJob, result: Any) -> None:
        if not self._finish_job(gen, job):
            return
        self.failures = 0
        self.probe_timer.stop()
        self._set(busy=False, percent=100, offline=False, error=None, waiting=result.waiting,
                  conflicts=result.open_conflicts,
                  last_synced_at=result.finished_at or self.state.last_synced_at)
        if result.pulled or result.evicted or result.repaired:
            self.window.refresh_caseload()
            self.window.data_changed.emit("sync")
        self.finished.emit(result)
        if self.again or (result.waiting and not result.cancelled):
            self.sync_now()
        else:
            self.schedule(self.delay(0))

    def _failed(self, gen: int, job: SyncJob, exc: BaseException) -> None:
        if not self._finish_job(gen, job):
            return
        svc = _svc()
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
                or not self.window.is_unlocked:
            return
        self._probing = True
        gen = self.window._generation

        def answered(ok: bool) -> None:
            self._probing = False
            if ok and gen == self.window._generation and self.state.offline:
                self.sync_now()

        def broke(_exc: BaseException) -> None:
            self._probing = False

        self.window.jobs.start(Worker(_probe, self.state.server), answered, broke)

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
