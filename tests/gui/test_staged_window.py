"""The app's own window shows the unlock prompt first and builds the rest once its modules are imported
(MainWindow(staged=True), bench/ gui-launch); the work after an unlock waits for the caseload's first paint."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject

from lpt_desktop.gui.main_window import MainWindow
from tests.conftest import PASSPHRASE


def _staged(qtbot, path, prefs) -> MainWindow:
    window = MainWindow(path, prefs=prefs, staged=True)
    qtbot.addWidget(window)
    window.show()
    return window


def test_the_prompt_comes_first_and_the_window_is_built_after(qtbot, demo_db, prefs):
    window = _staged(qtbot, demo_db, prefs)
    assert not window.built and window.property("lptBuilding")
    assert window.stack.currentWidget() is window.unlock_page
    assert [a.text() for a in window.menuBar().actions()][:4] == ["&File", "&Edit", "&View", "&Case"]
    qtbot.waitUntil(lambda: window.built, timeout=30000)
    assert not window.property("lptBuilding")
    assert {"sync", "standards", "manager"} <= set(window.features)
    assert not window.lock_action.isEnabled() and not window.toolbar.isVisible()  # still locked
    # The features' menus went in before Help, as in a window built at once.
    assert [a.text() for a in window.menuBar().actions()][-1] == "&Help"
    window.close()


def test_enter_before_the_window_is_built_still_unlocks(qtbot, demo_db, prefs):
    window = _staged(qtbot, demo_db, prefs)
    window.request_unlock(PASSPHRASE)  # at once: the warm-up may still be importing
    qtbot.waitUntil(lambda: window.is_unlocked, timeout=30000)
    assert window.built and window.caseload_view.model.rowCount() == 60
    assert window.lock_action.isEnabled()
    window.lock("user")
    assert window.stack.currentWidget() is window.unlock_page
    window.close()


class _PaintSeen(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.painted = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.painted = True
        return False


def test_the_work_after_an_unlock_starts_once_the_caseload_is_painted(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    spy = _PaintSeen()
    window.caseload_view.table.viewport().installEventFilter(spy)
    seen: list[tuple[bool, bool]] = []  # (unlocked, caseload painted) when `unlocked` is emitted
    window.unlocked.connect(lambda: seen.append((window.is_unlocked, spy.painted)))
    window.request_unlock(PASSPHRASE)
    qtbot.waitUntil(lambda: bool(seen), timeout=30000)
    assert seen == [(True, True)]


def test_a_lock_before_the_paint_starts_none_of_it(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    seen: list[bool] = []
    window.unlocked.connect(lambda: seen.append(True))
    window.request_unlock(PASSPHRASE)
    qtbot.waitUntil(lambda: window.is_unlocked, timeout=30000)
    window.lock("user")  # before the event loop has painted the caseload
    qtbot.wait(700)  # past AfterFirstPaint.FALLBACK_MS
    assert seen == []
