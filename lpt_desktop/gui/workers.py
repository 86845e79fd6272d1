"""Run blocking work (key derivation, database, files) off the UI thread; results come back as signals."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from lpt_desktop.logs import log_exception

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a job when the officer pressed Cancel."""


class WorkerSignals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    progress = Signal(int, int)
    finished = Signal()


class Worker(QRunnable):
    """fn(*args, **kwargs) on a pool thread. Pass progress=True to receive report(done, total)."""

    def __init__(self, fn: Callable[..., Any], *args: Any, with_progress: bool = False, **kwargs: Any) -> None:
        super().__init__()
        self.fn, self.args, self.kwargs = fn, args, kwargs
        self.signals = WorkerSignals()
        self.cancel_event = threading.Event()
        self.with_progress = with_progress

    def cancel(self) -> None:
        self.cancel_event.set()

    def _report(self, done: int, total: int) -> None:
        if self.cancel_event.is_set():
            raise Cancelled()
        self.signals.progress.emit(done, total)

    def run(self) -> None:
        try:
            kwargs = dict(self.kwargs)
            if self.with_progress:
                kwargs["progress"] = self._report
            result = self.fn(*self.args, **kwargs)
        except BaseException as exc:  # every failure goes back to the UI as a message, never a crash
            if not isinstance(exc, Cancelled):
                log_exception(log, f"background job {getattr(self.fn, '__name__', 'job')} failed", exc)
            self.signals.failed.emit(exc)
        else:
            self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()


class Jobs(QObject):
    """Keeps workers alive until they finish and counts them (tests and the status bar read it)."""

    changed = Signal(int)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.pool = QThreadPool.globalInstance()
        self._running: set[Worker] = set()

    @property
    def running(self) -> int:
        return len(self._running)

    def start(self, worker: Worker, on_ok: Callable[[Any], None], on_error: Callable[[BaseException], None],
              on_progress: Callable[[int, int], None] | None = None) -> Worker:
        worker.signals.succeeded.connect(on_ok)
        worker.signals.failed.connect(on_error)
        if on_progress is not None:
            worker.signals.progress.connect(on_progress)
        worker.signals.finished.connect(lambda w=worker: self._done(w))
        self._running.add(worker)
        self.changed.emit(self.running)
        self.pool.start(worker)
        return worker

    def _done(self, worker: Worker) -> None:
        self._running.discard(worker)
        self.changed.emit(self.running)

    def cancel_all(self) -> None:
        for w in list(self._running):
            w.cancel()

    def wait(self, msecs: int = 30000) -> bool:
        return self.pool.waitForDone(msecs)
