"""Python's cyclic garbage collector, run only on the UI thread (as Anki and PyQt's own advice do).

Left automatic, the collector runs on whichever thread happens to allocate: a read on the pool could then free a
cycle holding a Qt wrapper (a widget, a slot's closure) off the UI thread, and Qt crashes the process (seen: a
segmentation fault "Garbage-collecting" on a read thread while a case tab closed). Reference counting still frees
everything at once; only cycles wait for this timer, which collects each generation when its count passes the
collector's own threshold, as the automatic collector would.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 500


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.collect_due)
        self.timer.start()

    def collect_due(self) -> int:
        """Collect the oldest generation whose count has passed its threshold (and the younger ones with it)."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if self.thresholds[generation] and counts[generation] > self.thresholds[generation]:
                return gc.collect(generation)
        return 0


_installed: list[MainThreadCollector] = []


def install(app: QObject) -> MainThreadCollector:
    """Once per process, on the UI thread, with the application as the timer's parent (the automatic collector is
    switched off again on every call: a test harness may have switched it back on between windows)."""
    if not _installed:
        _installed.append(MainThreadCollector(app))
    gc.disable()
    return _installed[0]
