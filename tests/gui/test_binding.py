"""Guards against Qt binding defects that would crash the app in a long working day."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QMainWindow


def test_void_qt_calls_do_not_leak_none(qtbot):
    # PySide6 6.12.0 on Python 3.11 dropped a reference to None on every void method call;
    # after enough calls the interpreter aborts with "none_dealloc".
    window = QMainWindow()
    qtbot.addWidget(window)
    window.update()
    before = sys.getrefcount(None)
    for _ in range(2000):
        window.update()
    assert sys.getrefcount(None) - before > -100
