"""A fresh laptop: the first screen offers New caseload…, which starts an empty encrypted caseload, opens it
and offers to set up sync; bad input names the field and writes nothing."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.gui.first_run import NewCaseloadDialog
from lpt_desktop.store.engine import is_plain_sqlite

pytestmark = pytest.mark.gui


def _dialog(qtbot, window) -> NewCaseloadDialog:
    window.unlock_page.new_button.click()
    qtbot.waitUntil(lambda: isinstance(getattr(window, "new_caseload_dialog", None), NewCaseloadDialog)
                    and window.new_caseload_dialog.isVisible(), timeout=5000)
    return window.new_caseload_dialog


def test_a_new_caseload_is_started_opened_and_sync_offered(make_window, qtbot, tmp_path, isolated_dirs):
    path = tmp_path / "laptop" / "caseload.lptdb"
    window = make_window(path)
    dialog = _dialog(qtbot, window)
    dialog.officer.setText("Sam Patel")
    dialog.staff_code.setText("lpt0099")
    dialog.team.setText("Blackburn")
    dialog.passphrase.setText("a long passphrase")
    dialog.confirm.setText("a long passphrase")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: window.is_unlocked, timeout=20000)
    assert path.exists() and not is_plain_sqlite(path)
    assert window.caseload_view.model.rowCount() == 0
    assert window.officer == "Sam Patel"
    box = window.last_message
    assert box is not None and box.windowTitle() == "Your caseload is ready"
    assert box.button(QMessageBox.StandardButton.Yes).text() == "Set up sync…"
    box.button(QMessageBox.StandardButton.Yes).click()
    sync = window.features["sync"]
    qtbot.waitUntil(lambda: sync.dialog is not None and sync.dialog.isVisible(), timeout=5000)
    sync.dialog.reject()
    # Locked and opened again like any caseload.
    window.lock("user")
    assert window.unlock_page.ui.passphraseEdit.isEnabled() and not window.unlock_page.new_button.isVisible()


def test_bad_input_names_each_field_and_writes_nothing(make_window, qtbot, tmp_path):
    path = tmp_path / "caseload.lptdb"
    window = make_window(path)
    dialog = _dialog(qtbot, window)
    dialog.officer.setText("  ")
    dialog.staff_code.setText("L-42")
    dialog.passphrase.setText("short")
    dialog.confirm.setText("short")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "Put these right" in dialog.errors.text(), timeout=10000)
    text = dialog.errors.text()
    assert "Officer's name: is empty" in text and "Staff code: 'L-42' is not a staff code" in text
    assert "Passphrase: is too short" in text
    assert dialog.isVisible() and not window.is_unlocked
    assert list(tmp_path.iterdir()) == [p for p in tmp_path.iterdir() if p.name == "_isolated"]
    dialog.officer.setText("Sam Patel")
    dialog.staff_code.setText("LPT0099")
    dialog.passphrase.setText("a long passphrase")
    dialog.confirm.setText("a different passphrase")
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: "does not match" in dialog.errors.text(), timeout=10000)
    assert not path.exists()
