"""`lpt-desktop --self-test`: proves an installed bundle has everything it needs at run time.

Each step runs the real code path on a throwaway encrypted caseload in a temporary folder.
One line of output: the summary, or the first step that failed and why. Exit code 0 or 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lpt_desktop import __version__
from lpt_desktop.services.selftest import PASSPHRASE as SELF_TEST_PASSPHRASE


class StepFailed(Exception):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"{step}: {cause.__class__.__name__}: {cause}")
        self.step = step


def _steps(folder: Path, state: dict[str, Any]) -> list[tuple[str, Callable[[], None]]]:
    from lpt_desktop.services.selftest import CASELOAD_FILE, core_steps

    def window() -> None:
        _window_round_trip(folder / CASELOAD_FILE, folder)

    return [*core_steps(folder, state), ("open and close the main window", window)]


def _window_round_trip(path: Path, folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QSettings, QThread
    from PySide6.QtWidgets import QApplication

    from lpt_desktop.gui import resources_rc  # noqa: F401
    from lpt_desktop.gui.main_window import MainWindow
    from lpt_desktop.gui.preferences import Preferences
    from lpt_desktop.gui.qtlog import route_qt_messages

    route_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    prefs = Preferences(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(path, prefs=prefs)
    window.show()
    window.request_unlock(SELF_TEST_PASSPHRASE)
    deadline = QDeadlineTimer(20000)
    while window.unlocking and not deadline.hasExpired():
        QCoreApplication.processEvents()
        QThread.msleep(10)
    try:
        if not window.is_unlocked:
            raise AssertionError(f"the window did not unlock: {window.unlock_page.ui.errorLabel.text()}")
        if window.caseload_view.model.rowCount() != 1:
            raise AssertionError("the caseload view does not show the self-test case")
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.processEvents()
    del app


def run() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lpt-self-test-", ignore_cleanup_errors=True) as tmp:
        state: dict = {}
        try:
            steps = _steps(Path(tmp), state)
        except BaseException as exc:  # a module missing from the bundle shows up here
            print(f"LPT Desktop {__version__} self-test FAILED at 'load the application': "
                  f"{exc.__class__.__name__}: {exc}")
            return 1
        for name, fn in steps:
            try:
                fn()
            except BaseException as exc:  # report the step, never a traceback
                if "db" in state:
                    state["db"].close()  # so the temporary folder can be removed, on Windows too
                print(f"LPT Desktop {__version__} self-test FAILED at '{name}': {exc.__class__.__name__}: {exc}")
                return 1
    elapsed = time.perf_counter() - started
    print(f"LPT Desktop {__version__} self-test passed: {len(steps)} steps in {elapsed:.1f} s")
    return 0
