"""Fixtures that drive the real main window offscreen (pytest-qt)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from lpt_desktop.gui import resources_rc  # noqa: E402,F401 - registers :/lpt resources
from lpt_desktop.gui.main_window import MainWindow  # noqa: E402
from lpt_desktop.gui.preferences import Preferences  # noqa: E402


@pytest.fixture(autouse=True)
def cycles_collected_on_the_ui_thread(qapp) -> Iterator[None]:
    """As the app runs (gui/collector.py): no automatic collection on the read pool's threads while a test's
    widgets live; afterwards one collection here, and the automatic collector back for tests without Qt."""
    import gc

    from lpt_desktop.gui import collector

    was = gc.isenabled()
    collector.install(qapp)
    yield
    gc.collect()
    if was:
        gc.enable()


@pytest.fixture
def settings_path(tmp_path) -> Path:
    return tmp_path / "settings" / "lpt-desktop.ini"


@pytest.fixture
def prefs(settings_path) -> Preferences:
    return Preferences(QSettings(str(settings_path), QSettings.Format.IniFormat))


@pytest.fixture
def make_window(qtbot, prefs) -> Iterator[Callable[..., MainWindow]]:
    windows: list[MainWindow] = []

    def make(path: Path, demo: bool = False, preferences: Preferences | None = None) -> MainWindow:
        window = MainWindow(path, demo=demo, prefs=preferences or prefs)
        qtbot.addWidget(window)
        window.show()
        windows.append(window)
        return window

    yield make
    for w in windows:
        w.close()


def unlock(qtbot, window: MainWindow, passphrase: str) -> None:
    """Type the passphrase and press Enter, then wait for the caseload (or a failure)."""
    edit = window.unlock_page.ui.passphraseEdit
    qtbot.waitUntil(lambda: edit.isEnabled(), timeout=20000)
    edit.setText(passphrase)
    window.unlock_page.ui.unlockButton.click()
    assert window.unlocking or window.is_unlocked
    qtbot.waitUntil(lambda: not window.unlocking, timeout=20000)


def on_writer(qtbot, window: MainWindow, fn: Callable[..., object], *args: object, **kwargs: object) -> object:
    """Run a write service as the window does: on its one writer thread (a write from the test's own thread is
    refused by the database). Returns its result, or raises what it raised."""
    box: dict[str, object] = {}
    job = window.ops.write(lambda db: fn(db, *args, **kwargs), on_ok=lambda r: box.setdefault("ok", r),
                           on_error=lambda e: box.setdefault("error", e), label="a test's write")
    assert job is not None, "the caseload is locked"
    qtbot.waitUntil(lambda: bool(box), timeout=20000)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["ok"]
