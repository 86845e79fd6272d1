"""Locks the caseload after a spell with no keyboard or mouse input."""

from __future__ import annotations

import time

from PySide6.QtCore import QElapsedTimer, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

ACTIVITY = {QEvent.Type.KeyPress, QEvent.Type.MouseButtonPress, QEvent.Type.MouseMove, QEvent.Type.Wheel,
            QEvent.Type.TouchBegin, QEvent.Type.Shortcut}


class IdleWatcher(QObject):
    timed_out = Signal()

    def __init__(self, minutes: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.timed_out)
        self._since_restart = QElapsedTimer()
        # QTimer runs on a clock that stops while the laptop sleeps; the wall clock does not.
        # A slow check of the wall clock locks a caseload whose lid was shut for longer than the timeout.
        self._last_activity = time.time()
        self._wall_check = QTimer(self)
        self._wall_check.setInterval(15_000)
        self._wall_check.timeout.connect(self._check_wall_clock)
        self.set_timeout_ms(minutes * 60_000)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_timeout_ms(self, ms: int) -> None:
        self._timer.setInterval(ms)
        if self._timer.isActive():
            self._timer.start()

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    @property
    def active(self) -> bool:
        return self._timer.isActive()

    def start(self) -> None:
        self._since_restart.start()
        self._last_activity = time.time()
        self._timer.start()
        self._wall_check.start()

    def stop(self) -> None:
        self._timer.stop()
        self._wall_check.stop()

    def _check_wall_clock(self) -> None:
        if self._timer.isActive() and (time.time() - self._last_activity) * 1000 >= self._timer.interval():
            self._timer.stop()
            self._wall_check.stop()
            self.timed_out.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Restarting at most every 250 ms keeps the filter cheap under a stream of mouse moves.
        if self._timer.isActive() and event.type() in ACTIVITY and (
                not self._since_restart.isValid() or self._since_restart.elapsed() > 250):
            self._since_restart.start()
            self._last_activity = time.time()
            self._timer.start()
        return False
