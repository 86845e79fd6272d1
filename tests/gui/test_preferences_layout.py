"""Preferences lays out without overlap once the caseload's reads fill its help texts (seen on screen: "Office
for letters" over the contact location field, the letters help over its choice, the tiering help cut off)."""

from __future__ import annotations

import contextlib

import pytest
from PySide6.QtCore import QRect
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui


def _rect(dialog: QWidget, w: QWidget) -> QRect:
    return QRect(w.mapTo(dialog, w.rect().topLeft()), w.size())


def test_preferences_rows_never_overlap_and_help_texts_show_whole(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.prefs_action.trigger()
    dialog = window.preferences_dialog
    qtbot.waitUntil(lambda: dialog.policy.isEnabled() and dialog.ui.office.isEnabled()
                    and dialog.tier_scheme.isEnabled(), timeout=10000)
    def shown_now() -> list[QWidget]:
        return [w for kind in (QLabel, QLineEdit, QComboBox) for w in dialog.findChildren(kind)
                if w.isVisibleTo(dialog) and w.width() > 0 and (not isinstance(w, QLabel) or w.text())]

    def settled() -> bool:  # the layout settles in the event loop after the last text (later on a loaded machine)
        return all(w.height() >= w.heightForWidth(w.width()) for w in shown_now()
                   if isinstance(w, QLabel) and w.wordWrap())

    qtbot.wait(50)
    with contextlib.suppress(qtbot.TimeoutError):  # if it never settles, the assertions below say what is cut off
        qtbot.waitUntil(settled, timeout=5000)
    shown = shown_now()
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            if a.isAncestorOf(b) or b.isAncestorOf(a):
                continue
            assert not _rect(dialog, a).intersects(_rect(dialog, b)), (a.objectName() or a.text()[:30],
                                                                      b.objectName() or b.text()[:30])
    for label in (w for w in shown if isinstance(w, QLabel) and w.wordWrap()):
        assert label.height() >= label.heightForWidth(label.width()), label.text()[:40]  # not cut off
        assert dialog.rect().contains(_rect(dialog, label)), label.text()[:40]
    assert dialog.width() < 800  # a long office address is elided, not widening the dialog
