"""The cyclic collector runs on the UI thread only (gui/collector.py): a read thread never frees a Qt wrapper."""

from __future__ import annotations

import gc
import threading

from PySide6.QtWidgets import QLabel

from lpt_desktop.gui import collector


def test_a_cycle_holding_a_widget_is_freed_on_the_ui_thread_not_on_a_worker(qapp, qtbot) -> None:
    c = collector.install(qapp)
    assert not gc.isenabled()
    freed_on: list[str] = []

    class Holder:
        def __init__(self) -> None:
            self.me = self  # a cycle: only the collector frees it
            self.label = QLabel("held")

        def __del__(self) -> None:
            freed_on.append(threading.current_thread().name)

    Holder()

    def allocate_on_a_worker() -> None:  # enough allocations to pass every generation's threshold
        junk = [[i] for i in range(200_000)]
        for j in junk:
            j.append(j)

    worker = threading.Thread(target=allocate_on_a_worker, name="read pool")
    worker.start()
    worker.join()
    assert freed_on == []  # the worker's allocations started no collection
    qtbot.waitUntil(lambda: freed_on != [], timeout=5000)  # the timer's collection, on this thread
    assert freed_on == [threading.current_thread().name]
    assert c.timer.isActive()
