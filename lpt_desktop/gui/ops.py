"""The window's one way to the database (after Anki's aqt/operations and aqt/taskman).

- `query(fn, *args)` runs fn(db, *args) on the read pool: reads never block the UI thread.
- `write(fn, *args)` runs fn(db, *args) on the one writer thread, in the order asked: writes never collide,
  and the database refuses a write from any other thread. After it commits, `changed(kinds)` is emitted on the
  UI thread with what the services it called announced (services/changes.py): nothing announces by hand.
- `background(fn, *args)` runs work that needs no database (key derivation, making the demo file).

Every result comes back on the UI thread, and only if the caseload was not locked meanwhile (the generation)
and the widget that asked still exists. Failures go to the one `report_error` unless the caller handles them.

At lock, `close()` lets the writer finish what is queued (drafts included) within a bound, then closes the
database; a write that could not finish is kept by name and reported at the next unlock.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.domain.words import plural
from lpt_desktop.logs import log_exception
from lpt_desktop.services.changes import Change, collecting

if TYPE_CHECKING:
    from lpt_desktop.store.database import Database

log = logging.getLogger(__name__)

OnOk = Callable[[Any], Any]
OnError = Callable[[BaseException], Any]
OnProgress = Callable[[int, int], Any]
LOCK_WAIT_SECONDS = 3.0
CUT_WAIT_SECONDS = 25.0  # more, only while typing waits behind a sync (its HTTP read times out within 20 s)


class Cancelled(Exception):
    """Raised inside a job when the officer pressed Cancel (or the caseload locked)."""


@dataclass(eq=False)
class Job:
    label: str
    kind: str  # "query", "write" or "background"
    generation: int
    owner: QObject | None
    on_ok: OnOk | None
    on_error: OnError | None
    on_progress: OnProgress | None
    cancel_event: threading.Event = field(default_factory=threading.Event)
    future: Future[Any] | None = None
    ops: Ops | None = None
    cut_ok: bool = False  # a write that may be cut at any moment and resumes by itself (a sync)

    def cancel(self) -> None:
        self.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def report(self, done: int, total: int) -> None:
        """The progress callback a long job is given: raises Cancelled once Cancel was pressed."""
        if self.cancel_event.is_set():
            raise Cancelled()
        if self.on_progress is not None and self.ops is not None:
            self.ops.progress.emit(self, done, total)


def _release(value: Any) -> None:
    """Close what a job made that nobody will take: an unlock that finished after quit leaves its caseload open."""
    for part in value if isinstance(value, tuple) else (value,):
        close = getattr(part, "close", None)
        if callable(close):
            close()


# -- the team manager's laptop (issue 19) ----------------------------------------------------------
# A manager's laptop holds the team's cases read-only: the writes it may queue are named here, checked before
# a write is queued (the central store refuses the rest anyway; this says so at once, in words). Names, not
# objects, so this module imports no feature. A functools.partial is judged by the function it wraps.
TEAM_MANAGER = "team_manager"
MANAGER_READ_ONLY = ("the team's cases are read-only here; you countersign, return, record oversight and agree "
                     "tier overrides")
MANAGER_WRITES = frozenset({
    "lpt_desktop.services.countersign.countersign", "lpt_desktop.services.countersign.return_work",
    "lpt_desktop.services.countersign.agree_override", "lpt_desktop.services.countersign.refuse_override",
    "lpt_desktop.services.countersign.record_oversight",
    "lpt_desktop.services.workload.set_capacity",  # the team's hours for the workload: kept on this laptop
    # The laptop's own machinery: syncing and enrolling, opening a case, the manager's own note templates.
    "lpt_desktop.gui.sync_runner._sync_now", "lpt_desktop.gui.sync_runner._enrol",
    "lpt_desktop.gui.main_window._open_case", "lpt_desktop.gui.main_window._save_template",
})
MANAGER_WRITE_MODULES = ("lpt_desktop.services.sync", "lpt_desktop.gui.sync_actions")  # rejections, notices


def manager_may_write(fn: Callable[..., Any]) -> bool:
    """Whether a team manager's laptop may run this write."""
    while isinstance(fn, functools.partial):
        fn = fn.func
    module = getattr(fn, "__module__", "") or ""
    return f"{module}.{getattr(fn, '__qualname__', '')}" in MANAGER_WRITES or module in MANAGER_WRITE_MODULES


class Ops(QObject):
    """Owns the read pool, the writer thread and the open database."""

    changed = Signal(object)  # Change: emitted on the UI thread after a write committed
    running_changed = Signal(int)
    progress = Signal(object, int, int)  # job, done, total (from a worker; delivered queued)
    _delivered = Signal(object, bool, object, object)  # job, ok, value, changes (from a worker)

    def __init__(self, report_error: OnError, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._report_error = report_error
        self._readers = ThreadPoolExecutor(max_workers=2, thread_name_prefix="lpt-read")
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="lpt-write")
        self._writer_ident = self._writer.submit(threading.get_ident).result()
        self._db: Database | None = None
        self._generation = 0
        self._jobs: set[Job] = set()
        self._unfinished: list[str] = []
        self._shut = False
        self._delivered.connect(self._deliver)
        self.progress.connect(self._progressed)
        self.role: str | None = None  # the laptop's sync role, once read (gui/manager): team_manager limits writes

    # -- state -----------------------------------------------------------------------------------
    @property
    def db(self) -> Database | None:
        """The open caseload, for tests and the write-thread check; the window never uses it directly."""
        return self._db

    @property
    def is_open(self) -> bool:
        return self._db is not None

    @property
    def generation(self) -> int:
        return self._generation

    @property
    def running(self) -> int:
        return len(self._jobs)

    @property
    def writer_ident(self) -> int:
        return self._writer_ident

    def open(self, db: Database) -> None:
        """Take an unlocked caseload: from now on only the writer thread may write to it."""
        db.restrict_writes_to(self._writer_ident)
        self._db = db

    def take_unfinished(self) -> list[str]:
        """Writes a lock cut off (by label), once: the window tells the officer after the next unlock."""
        found, self._unfinished = self._unfinished, []
        return found

    # -- running work ----------------------------------------------------------------------------
    def query(self, fn: Callable[..., Any], *args: Any, on_ok: OnOk | None = None, on_error: OnError | None = None,
              owner: QObject | None = None, on_progress: OnProgress | None = None, label: str = "") -> Job | None:
        """fn(db, *args) on the read pool (with progress=job.report if on_progress is given)."""
        return self._start("query", fn, args, on_ok, on_error, owner, on_progress, label)

    def write(self, fn: Callable[..., Any], *args: Any, on_ok: OnOk | None = None, on_error: OnError | None = None,
              owner: QObject | None = None, on_progress: OnProgress | None = None, label: str = "",
              cut_ok: bool = False) -> Job | None:
        """fn(db, *args) on the writer thread, after every write asked before it. label names it for the officer
        if a lock cuts it off; cut_ok says a lock may cut it without loss (it commits as it goes and resumes)."""
        if self.role == TEAM_MANAGER and not manager_may_write(fn):
            self._refuse_for_manager(fn, on_error, owner, label)
            return None
        job = self._start("write", fn, args, on_ok, on_error, owner, on_progress, label)
        if job is not None:
            job.cut_ok = cut_ok
        return job

    def _refuse_for_manager(self, fn: Callable[..., Any], on_error: OnError | None, owner: QObject | None,
                            label: str) -> None:
        """A write a team manager may not make: refused in words, after the caller has its (None) job."""
        exc = ValidationError([FieldError("Team manager", MANAGER_READ_ONLY)])
        log.info("write %s refused: a team manager's laptop", label or getattr(fn, "__name__", "write"))

        def tell() -> None:
            if not self._shut and (owner is None or shiboken6.isValid(owner)):
                (on_error or self._report_error)(exc)

        QTimer.singleShot(0, self, tell)

    def background(self, fn: Callable[..., Any], *args: Any, on_ok: OnOk | None = None,
                   on_error: OnError | None = None, owner: QObject | None = None,
                   on_progress: OnProgress | None = None, label: str = "") -> Job | None:
        """fn(*args) on the read pool, needing no database (key derivation, files); its result is still delivered
        after a lock (not after quit)."""
        return self._start("background", fn, args, on_ok, on_error, owner, on_progress, label)

    def _start(self, kind: str, fn: Callable[..., Any], args: tuple[Any, ...], on_ok: OnOk | None,
               on_error: OnError | None, owner: QObject | None, on_progress: OnProgress | None,
               label: str) -> Job | None:
        db = self._db
        if self._shut or (kind != "background" and db is None):
            return None  # locked (nothing to read or write), or quitting
        job = Job(label or getattr(fn, "__name__", kind), kind, self._generation, owner, on_ok, on_error, on_progress,
                  ops=self)
        self._jobs.add(job)
        self.running_changed.emit(self.running)
        call_args = args if kind == "background" else (db, *args)
        pool = self._writer if kind == "write" else self._readers
        job.future = pool.submit(self._run, job, fn, call_args)
        return job

    def _run(self, job: Job, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
        kwargs = {"progress": job.report} if job.on_progress is not None else {}
        with collecting() as changes:
            try:
                if job.cancel_event.is_set():
                    raise Cancelled()
                value = fn(*args, **kwargs)
            except BaseException as exc:  # every failure goes back to the UI as a message, never a crash
                if isinstance(exc, ValidationError):
                    # A refusal the officer is shown and puts right, not a fault: no ERROR line (and, as ever,
                    # none of the values, which are case data).
                    log.info("%s %s refused: %s", job.kind, job.label, plural(len(exc.errors), "problem"))
                elif not isinstance(exc, Cancelled):
                    log_exception(log, f"{job.kind} {job.label} failed", exc)
                # What its services committed before the failure is still announced (a sync cut part way).
                self._delivered.emit(job, False, exc, changes[0])
                return
        self._delivered.emit(job, True, value, changes[0])

    # -- back on the UI thread -------------------------------------------------------------------
    def _current(self, job: Job) -> bool:
        if self._shut:
            return False  # quit: nothing is delivered to a window that has gone
        if job.kind != "background" and job.generation != self._generation:
            return False  # locked meanwhile: the result belongs to a closed caseload
        return job.owner is None or shiboken6.isValid(job.owner)

    def _deliver(self, job: Job, ok: bool, value: Any, changes: Change) -> None:
        self._jobs.discard(job)
        self.running_changed.emit(self.running)
        if job.kind == "write" and changes and job.generation == self._generation:
            self.changed.emit(changes)  # committed: screens refresh even if the dialog that asked has gone
        if not self._current(job):
            if ok and self._shut:
                _release(value)
            return
        if ok:
            if job.on_ok is not None:
                job.on_ok(value)
        elif not isinstance(value, Cancelled):
            (job.on_error or self._report_error)(value)

    def _progressed(self, job: Job, done: int, total: int) -> None:
        if self._current(job) and job.on_progress is not None:
            job.on_progress(done, total)

    # -- lock and quit ---------------------------------------------------------------------------
    def close(self, wait_seconds: float | None = None) -> None:
        """Stop reads, let the writer finish what is queued (within the bound), close the database, wipe the key."""
        wait_seconds = LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds
        db, self._db = self._db, None
        self._generation += 1
        for job in self._jobs:
            if job.kind != "write":
                job.cancel()  # long reads (a sync, a report) stop at their next progress report
        writes = [j for j in self._jobs if j.kind == "write" and j.future is not None]
        done, not_done = wait([j.future for j in writes if j.future is not None], timeout=wait_seconds)
        if any(not j.cut_ok and j.future in not_done for j in writes) and \
                any(j.cut_ok and j.future in not_done for j in writes):
            # Typing queued behind a sync waiting on the network (it was told to stop at about_to_lock and stops
            # at its next step): wait for it rather than lose the typing, within a second bound.
            done, not_done = wait(not_done, timeout=CUT_WAIT_SECONDS)
        for job in writes:
            if job.future in not_done:
                job.cancel()  # one not yet started never runs; one running is rolled back by the close
                if not job.cut_ok:
                    self._unfinished.append(job.label)
        if db is not None:
            db.close()  # interrupts a statement still running: its transaction rolls back
        if not_done:
            log.warning("%s did not finish before the lock", plural(len(not_done), "write"))

    def shutdown(self, wait_seconds: float = 10.0) -> None:
        """At quit: close, then let the threads end; nothing runs or is delivered after this."""
        self._shut = True
        if self._db is not None:
            self.close()
        for job in self._jobs:
            job.cancel()
        wait([j.future for j in self._jobs if j.future is not None], timeout=wait_seconds)
        self._readers.shutdown(wait=False, cancel_futures=True)
        self._writer.shutdown(wait=False, cancel_futures=True)

    def wait_idle(self, wait_seconds: float = 30.0) -> bool:
        """Block until every job has run (tests and quit); results are still delivered by the event loop."""
        _done, not_done = wait([j.future for j in self._jobs if j.future is not None], timeout=wait_seconds)
        return not not_done
