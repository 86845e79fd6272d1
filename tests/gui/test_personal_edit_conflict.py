"""The personal details form, saved after a sync changed a detail the officer also changed: refused in words
on the form, the officer's typing kept, nothing saved; saved again, what they typed goes in."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from lpt_desktop.services.case_record import case_details
from lpt_desktop.services.cases import case_record, update_person
from tests.gui.conftest import on_writer
from tests.gui.test_case_record_personal import _focus, _open, _window

pytestmark = pytest.mark.gui
CTRL = Qt.KeyboardModifier.ControlModifier


def test_a_detail_changed_elsewhere_and_here_is_named_and_the_typing_kept(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    panel = view.personal.details_panel
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    on_writer(qtbot, window, update_person, person, phone="01772 201234")  # as a sync would, meanwhile
    qtbot.waitUntil(lambda: view.personal.details.phone == "01772 201234", timeout=10000)
    panel.fields.phone.setFocus()
    panel.fields.phone.selectAll()
    qtbot.keyClicks(_focus(), "01772 999999")
    panel.fields.preferred_name.setFocus()
    panel.fields.preferred_name.selectAll()
    qtbot.keyClicks(_focus(), "Bobby")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    message = ("Phone: was changed to '01772 201234' elsewhere (a sync) while you edited: check it and save again")
    qtbot.waitUntil(lambda: message in panel.form_errors.label.text(), timeout=10000)
    assert panel.editing
    assert panel.fields.phone.text() == "01772 999999" and panel.fields.preferred_name.text() == "Bobby"
    assert case_details(window.ops.db, person).phone == "01772 201234"
    assert case_record(window.ops.db, person).preferred_name != "Bobby"  # nothing saved
    # The officer has seen it; saved again, their number is the one kept.
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not panel.editing, timeout=10000)
    assert case_details(window.ops.db, person).phone == "01772 999999"
    assert case_record(window.ops.db, person).preferred_name == "Bobby"
