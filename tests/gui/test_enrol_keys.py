"""Set up sync by keyboard: after a wrong password, Enter still signs in (it used to press Cancel)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QApplication

from lpt_desktop.gui.enrol_dialog import EnrolDialog
from lpt_desktop.services import sync as svc

pytestmark = pytest.mark.gui


class FakeRunner:
    """Signs in with 'right' only; answers later, from the event loop, as the writer thread does."""

    def __init__(self) -> None:
        self.tries: list[str] = []

    def enrol(self, server: str, username: str, password: str, on_progress: Any, on_ok: Any, on_error: Any) -> Any:
        self.tries.append(password)
        if password == "right":
            QTimer.singleShot(10, lambda: on_ok(type("R", (), {"cancelled": False, "pulled": 3})()))
        else:
            QTimer.singleShot(10, lambda: on_error(svc.AuthFailed("wrong password")))
        return QObject()


def test_enter_signs_in_again_after_a_wrong_password(qtbot):
    runner = FakeRunner()
    dialog = EnrolDialog(runner, server="https://lpt-central.example", username="jsmith")  # type: ignore[arg-type]
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.password, timeout=3000)
    qtbot.keyClicks(dialog.password, "wrong")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "did not accept" in dialog.message.text(), timeout=3000)
    assert dialog.isVisible()
    assert QApplication.focusWidget() is dialog.password
    assert dialog.sign_in.isDefault() and not dialog.cancel_button.isDefault()
    qtbot.keyClicks(dialog.password, "right")
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert runner.tries == ["wrong", "right"]  # Enter signed in, it did not cancel
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=3000)
    assert dialog.result() == EnrolDialog.DialogCode.Accepted
