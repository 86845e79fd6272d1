"""Keys that belong to a panel stay in it: Escape typed elsewhere does not throw away a contact being written.

PySide6's QShortcut(key, parent, slot, context=...) drops the context and makes a window-wide key; with the
contact form open in one tab, Escape in the caseload's filter cancelled the form, and Ctrl+S with two reports
open was ambiguous and saved neither.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShortcut

from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_contacts_gui import _open_contacts
from tests.gui.test_court_gui import _add_requests, _open_editor, _window


def test_escape_in_another_tab_leaves_the_contact_being_written(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    _rec, contacts = _open_contacts(qtbot, window, 2)
    contacts.start_entry()
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is contacts.entry, timeout=5000)
    contacts.entry.notes.setPlainText("Discussed the move to the new flat")
    # The contact log's own note filter, beside the form in the same tab: Escape there is not "cancel the form".
    log_filter = contacts.text_filter
    log_filter.setFocus()
    qtbot.keyClicks(log_filter, "flat")
    qtbot.keyClick(log_filter, Qt.Key.Key_Escape)
    qtbot.wait(100)
    assert contacts.side.currentWidget() is contacts.entry
    assert contacts.entry.notes.toPlainText() == "Discussed the move to the new flat"
    # Nor in the window's note search above the tabs.
    window.note_search.setFocus()
    qtbot.keyClick(window.note_search, Qt.Key.Key_Escape)
    qtbot.wait(100)
    assert contacts.side.currentWidget() is contacts.entry
    # Inside the form, Escape still cancels it.
    contacts.entry.notes.setFocus()
    qtbot.keyClick(contacts.entry.notes, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is not contacts.entry, timeout=5000)


def test_the_contact_form_and_report_editor_keys_are_their_own(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["full"])
    _rec, contacts = _open_contacts(qtbot, window, 1)
    for owner in (editor, contacts.entry):
        shortcuts = owner.findChildren(QShortcut)
        assert shortcuts
        assert {s.context() for s in shortcuts} == {Qt.ShortcutContext.WidgetWithChildrenShortcut}


def test_every_part_of_a_case_by_ctrl_page_down_and_up(make_window, qtbot, demo_db):
    """Five of the case's tabs have no Alt letter left; Ctrl+PgDown and Ctrl+PgUp reach them all."""
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    _rec, contacts = _open_contacts(qtbot, window, 0)
    view = window.case_views()[0]
    sections = view.sections
    sections.setCurrentIndex(0)
    seen = []
    for _ in range(sections.count()):
        seen.append(sections.tabText(sections.currentIndex()))
        focus = sections.currentWidget()
        focus.setFocus()
        qtbot.keyClick(focus, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert sections.currentIndex() == 0  # round to the start
    assert len(set(seen)) == sections.count() and "Timeline" in seen and "Sentence" in seen
    qtbot.keyClick(sections.currentWidget(), Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert sections.currentIndex() == sections.count() - 1
