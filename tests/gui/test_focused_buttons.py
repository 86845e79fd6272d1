"""A focused button keeps its size and its whole label under the app's style sheet (resources/styles/lpt.qss):
the focus ring and the default mark took room the button's size had not allowed for ("Cance", "Remov")."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QStyle, QStyleOptionButton

from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_new_case import _open_dialog

pytestmark = pytest.mark.gui
QSS = Path(__file__).resolve().parents[2] / "resources" / "styles" / "lpt.qss"


@pytest.fixture
def styled(qapp):
    before = qapp.styleSheet()
    qapp.setStyleSheet(QSS.read_text(encoding="utf-8"))
    yield
    qapp.setStyleSheet(before)


def _room(button) -> tuple[int, int, int]:
    """(outer width, width left for the label, width the label needs) as the button is drawn now."""
    opt = QStyleOptionButton()
    button.initStyleOption(opt)
    inside = button.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, button)
    return button.width(), inside.width(), button.fontMetrics().horizontalAdvance(button.text().replace("&", ""))


def test_focused_buttons_keep_their_size_and_whole_label(make_window, qtbot, demo_db, styled):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog = _open_dialog(qtbot, window)
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    add = dialog.sentence.requirements.add_button
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(dialog.sentence.requirements.rows), timeout=5000)
    remove = dialog.sentence.requirements.rows[0].remove_button
    qtbot.wait(50)
    for button in (cancel, add, remove):
        plain = _room(button)
        assert plain[1] >= plain[2], button.text()
        button.setFocus()
        qtbot.waitUntil(lambda b=button: b.hasFocus(), timeout=3000)
        focused = _room(button)
        assert focused[0] == plain[0], button.text()  # the same size
        assert focused[1] >= focused[2], f"{button.text()} is cut when focused: {focused}"
