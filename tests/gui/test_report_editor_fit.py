"""The report editor on a 1024-pixel laptop screen: every Confirm button of a prefilled field is in sight.

Section 5's Confirm buttons were cut off at the right: the banner sat beside its field, widening each row past
the page, and the page could not scroll sideways.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QScrollArea

from tests.gui.test_court_gui import _add_requests, _open_editor, _window


def test_confirm_buttons_fit_a_small_screen(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    window.resize(1024, 700)
    editor = _open_editor(qtbot, window, ids["full"])
    checked = 0
    for index in range(editor.sections.count()):
        editor.go_to(index)
        qtbot.wait(50)
        page = editor.pages.currentWidget()
        scroll = page.findChild(QScrollArea)
        assert scroll is not None
        viewport = scroll.viewport()
        for banner in editor.banners.values():
            if banner.isHidden() or not page.isAncestorOf(banner):
                continue
            right = banner.button.mapTo(viewport, QPoint(banner.button.width(), 0)).x()
            assert right <= viewport.width(), f"section {index + 1}: Confirm ends at {right} of {viewport.width()}"
            checked += 1
    assert checked >= 3  # the demo report has prefilled fields in several sections
