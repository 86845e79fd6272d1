"""The one date entry, typed into by real keystrokes in every date field of the real window.

Each field either saves exactly the date typed or refuses it with a message naming the field; the cursor may
start anywhere: entering the field selects its text (so typing replaces it), and typing into the middle of a
date makes a text that is not one, which is refused rather than read as some other date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QTableView

from lpt_desktop.gui.date_entry import DateEntry, DateTimeEntry
from lpt_desktop.services import court
from lpt_desktop.services.contacts import list_contacts
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_court_gui import _add_requests, _court, _open_editor, _window
from tests.gui.test_standards_gui import (
    _book_dialog,
    _free_time,
    _open_case,
    _pending,
    _ready,
    _services,
    _working_day,
)

pytestmark = pytest.mark.gui


def _type_into(qtbot, entry: DateEntry | DateTimeEntry, text: str, cursor: str = "enter") -> None:
    """Put the cursor where an officer might and type: 'enter' (click into the field: its text is selected),
    'select_all' (Ctrl+A), 'start' (Home), 'middle' (Home then five characters right) or 'end' (End)."""
    qtbot.mouseClick(entry.edit, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: entry.edit.hasFocus(), timeout=3000)
    qtbot.wait(5)  # the select-all queued on focus runs
    edit = entry.edit
    if cursor == "select_all":
        qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    elif cursor == "start":
        qtbot.keyClick(edit, Qt.Key.Key_Home)
    elif cursor == "middle":
        qtbot.keyClick(edit, Qt.Key.Key_Home)
        for _ in range(5):
            qtbot.keyClick(edit, Qt.Key.Key_Right)
    elif cursor == "end":
        qtbot.keyClick(edit, Qt.Key.Key_End)
    qtbot.keyClicks(edit, text)


# -- the widget on its own ----------------------------------------------------------------------------------
def test_typed_date_is_the_value_and_is_shown_as_understood(qtbot):
    entry = DateTimeEntry("When")
    qtbot.addWidget(entry)
    entry.show()
    seen: list[object] = []
    entry.valueChanged.connect(seen.append)
    qtbot.keyClicks(entry.edit, "1/12/26 2pm")
    assert entry.value() == datetime(2026, 12, 1, 14, 0)
    assert seen[-1] == datetime(2026, 12, 1, 14, 0)
    entry.edit.editingFinished.emit()
    assert entry.text() == "01/12/2026 14:00"  # what was understood, in full
    assert entry.error() == "" and entry.message.isHidden()


def test_a_date_that_does_not_exist_is_refused_naming_the_field_and_cleared_when_put_right(qtbot):
    entry = DateEntry("Hearing date")
    qtbot.addWidget(entry)
    entry.show()
    qtbot.keyClicks(entry.edit, "31/02/2026")
    assert entry.value() is None
    assert not entry.validate()
    assert entry.message.isVisible()
    assert entry.message.text() == "Hearing date: 31/02/2026 does not exist: February 2026 has 28 days"
    qtbot.keyClick(entry.edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(entry.edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(entry.edit, "28/02/2026"[-2:])  # 31/02/2026 -> 31/02/20 -> 31/02/2026 still wrong
    assert entry.message.isVisible()
    entry.edit.selectAll()
    qtbot.keyClicks(entry.edit, "28/02/2026")
    assert entry.message.isHidden()  # put right: the message goes as soon as the date is one
    assert entry.value() == date(2026, 2, 28)


def test_limits_say_why(qtbot):
    entry = DateEntry("To")
    qtbot.addWidget(entry)
    entry.set_limits(date(2026, 11, 1), date(2026, 11, 23), "the start of the period", "today")
    entry.setValue(date(2026, 10, 31))
    assert entry.error() == "To: 31/10/2026 is before 01/11/2026 (the start of the period): type a later one"
    entry.setValue(date(2026, 11, 24))
    assert entry.error() == "To: 24/11/2026 is after 23/11/2026 (today): type an earlier one"
    entry.setValue(date(2026, 11, 23))
    assert entry.error() == ""


def test_empty_is_refused_unless_optional(qtbot):
    needed, optional = DateEntry("From"), DateEntry("Date of birth", optional=True)
    for e in (needed, optional):
        qtbot.addWidget(e)
    assert needed.error().startswith("From: none typed")
    assert optional.error() == "" and optional.value() is None


def test_calendar_popup_picks_a_day_and_keeps_the_time(qtbot):
    entry = DateTimeEntry("Date and time")
    qtbot.addWidget(entry)
    entry.show()
    entry.setValue(datetime(2026, 11, 23, 14, 30))
    entry.edit.setFocus()
    qtbot.keyClick(entry.edit, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert entry.popup is not None and entry.popup.isVisible()
    assert entry.popup.calendar.selectedDate().day() == 23
    entry.popup.calendar.setSelectedDate(entry.popup.calendar.selectedDate().addDays(3))
    grid = entry.popup.calendar.findChild(QTableView)  # the calendar's day grid takes the keys
    qtbot.keyClick(grid, Qt.Key.Key_Return)
    assert not entry.popup.isVisible()
    assert entry.value() == datetime(2026, 11, 26, 14, 30)


def test_entering_the_field_selects_it_so_typing_replaces_the_date(qtbot):
    entry = DateEntry("From")
    qtbot.addWidget(entry)
    entry.show()
    entry.setValue(date(2026, 11, 23))
    _type_into(qtbot, entry, "01122026")
    assert entry.value() == date(2026, 12, 1)


# -- every date field in the window, by keystrokes ----------------------------------------------------------
def _contacts(qtbot, window):
    rec = window.caseload_view.model.records[0]
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    contacts = holder["view"].show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=10000)
    return rec, contacts


def test_contact_when_saves_exactly_the_typed_date_wherever_the_cursor_starts(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    rec, contacts = _contacts(qtbot, window)
    entry = contacts.entry
    typed = [("enter", "16/11/2026 14:00", datetime(2026, 11, 16, 14, 0)),
             ("select_all", "17112026 0915", datetime(2026, 11, 17, 9, 15)),
             ("end_after_clear", "18.11.26 2.30pm", datetime(2026, 11, 18, 14, 30))]
    for n, (cursor, text, expected) in enumerate(typed):
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: contacts.side.currentWidget() is entry and entry.isVisible(), timeout=5000)
        qtbot.keyClicks(entry.outcome, "a")
        if cursor == "end_after_clear":
            _type_into(qtbot, entry.when, "")
            qtbot.keyClick(entry.when.edit, Qt.Key.Key_Delete)
            assert entry.when.text() == ""
            qtbot.keyClicks(entry.when.edit, text)
        else:
            _type_into(qtbot, entry.when, text, cursor)
        note = f"Date typed {n}"
        qtbot.keyClicks(entry.notes, note)
        before = contacts.model.rowCount()
        qtbot.keyClick(entry.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda b=before: contacts.model.rowCount() == b + 1, timeout=10000)
        saved = [c for c in list_contacts(window.ops.db, rec.person_id) if c.notes == note]
        assert [c.starts_at for c in saved] == [expected], text


@pytest.mark.parametrize("cursor", ["start", "middle"])
def test_contact_when_typed_into_the_middle_of_a_date_is_refused_not_misread(make_window, qtbot, demo_db,
                                                                             cursor):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    rec, contacts = _contacts(qtbot, window)
    entry = contacts.entry
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: contacts.side.currentWidget() is entry and entry.isVisible(), timeout=5000)
    qtbot.keyClicks(entry.outcome, "a")
    _type_into(qtbot, entry.when, "16/11/2026 14:00", cursor)
    qtbot.keyClicks(entry.notes, "Typed into the middle")
    before = len(list_contacts(window.ops.db, rec.person_id))
    qtbot.keyClick(entry.notes, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert entry.when.message.isVisible()
    assert entry.when.message.text().startswith("Date and time: ")
    assert "Date and time: " in entry.errors.text()
    assert QApplication.focusWidget() is entry.when.edit
    qtbot.wait(200)
    assert len(list_contacts(window.ops.db, rec.person_id)) == before  # nothing saved with a wrong date
    # Put right: the messages go, and it saves with exactly that date.
    qtbot.keyClick(entry.when.edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(entry.when.edit, "16/11/2026 14:00")
    assert entry.when.message.isHidden()
    qtbot.keyClick(entry.when.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(list_contacts(window.ops.db, rec.person_id)) == before + 1, timeout=10000)
    saved = [c for c in list_contacts(window.ops.db, rec.person_id) if c.notes == "Typed into the middle"]
    assert [c.starts_at for c in saved] == [datetime(2026, 11, 16, 14, 0)]


def test_appointment_books_exactly_the_typed_date_and_time(make_window, qtbot, demo_db):
    _, appointments = _services()
    window, ctl = _ready(qtbot, make_window, demo_db)
    person = window.caseload_view.model.records[1]
    _open_case(qtbot, window, person.person_id)
    free = _free_time(window.ops.db, person.person_id, _working_day(5), "", 1)
    before = _pending(appointments, window.ops.db, person.person_id)
    ctl.book_action.trigger()
    dialog = _book_dialog(qtbot, window)
    # Typed into the middle of the date on show: refused, nothing booked.
    _type_into(qtbot, dialog.when, f"{free:%d%m%Y}", "middle")
    dialog.book_button.click()
    assert dialog.when.message.isVisible() and dialog.isVisible()
    # Typed over it (the way the field is entered), without separators and with a 12-hour time.
    hour12 = f"{(free.hour - 1) % 12 + 1}.{free:%M}{'pm' if free.hour >= 12 else 'am'}"
    _type_into(qtbot, dialog.when, f"{free:%d%m%Y} {hour12}", "select_all")
    assert dialog.when.value() == free
    qtbot.waitUntil(lambda: dialog.checked_for == dialog._key(), timeout=10000)
    with qtbot.waitSignal(dialog.booked, timeout=10000):
        dialog.book_button.click()
    assert _pending(appointments, window.ops.db, person.person_id) == sorted([*before, free])


def _choose_court(dialog) -> None:
    """The court field may be a list or free text: either way, name a court."""
    if isinstance(dialog.court, QLineEdit):
        dialog.court.setText("Preston Magistrates' Court")
    elif isinstance(dialog.court, QComboBox):
        dialog.court.setCurrentIndex(max(1, dialog.court.findText("Preston", Qt.MatchFlag.MatchContains)))
    else:  # a chooser of another shape: its own text
        dialog.court.setText("Preston Magistrates' Court")
    if isinstance(dialog.lja, QLineEdit) and not dialog.lja.text():
        dialog.lja.setText("Lancashire")


def test_court_request_dates_and_date_of_birth_saved_exactly_as_typed(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    window.activateWindow()
    _court(window).new_request()
    qtbot.waitUntil(lambda: _court(window).dialog is not None and _court(window).dialog.isVisible(), timeout=10000)
    dialog = _court(window).dialog
    dialog.on_caseload.setChecked(True)
    dialog.person.setCurrentIndex(0)
    person_id = dialog.person.currentData()
    _choose_court(dialog)
    _type_into(qtbot, dialog.hearing, "1.2.27", "select_all")
    _type_into(qtbot, dialog.requested, "20-11-2026")
    assert dialog.due.text()  # the preview follows the typed dates
    before = {r.id for r in court.list_requests(window.ops.db)}
    dialog.submit()
    qtbot.waitUntil(lambda: {r.id for r in court.list_requests(window.ops.db)} != before, timeout=10000)
    made = [r for r in court.list_requests(window.ops.db) if r.id not in before]
    assert [(r.person_id, r.hearing_date, r.requested_on) for r in made] == [
        (person_id, date(2027, 2, 1), date(2026, 11, 20))]

    # A pre-sentence record's date of birth: a two-digit year from 70 is the 1900s.
    window.activateWindow()
    _court(window).new_pre_sentence()
    qtbot.waitUntil(lambda: _court(window).dialog is not None and _court(window).dialog.isVisible()
                    and hasattr(_court(window).dialog, "dob"), timeout=10000)
    dialog = _court(window).dialog
    dialog.first.setText("Robin")
    dialog.last.setText("Typedate")
    _type_into(qtbot, dialog.dob, "31/02/1990")
    dialog.submit()
    assert dialog.dob.message.text() == "Date of birth: 31/02/1990 does not exist: February 1990 has 28 days"
    _type_into(qtbot, dialog.dob, "4 5 72", "select_all")
    assert dialog.dob.message.isHidden()
    dialog.submit()
    qtbot.waitUntil(lambda: any(p.last_name == "Typedate" for p in court.list_pre_sentence(window.ops.db)),
                    timeout=10000)
    made_p = [p for p in court.list_pre_sentence(window.ops.db) if p.last_name == "Typedate"]
    assert [p.date_of_birth for p in made_p] == [date(1972, 5, 4)]


def test_report_date_field_saves_exactly_the_typed_date(make_window, qtbot, demo_db):
    ids = _add_requests(demo_db)
    window = _window(make_window, qtbot, demo_db)
    editor = _open_editor(qtbot, window, ids["later"])
    editor.sections.setCurrentRow(next(i for i in range(editor.sections.count())
                                       if "ffence" in editor.sections.item(i).text()))
    field = editor.fields["offence_details"]["offence_date"]
    qtbot.waitUntil(lambda: field.edit.isVisible(), timeout=5000)
    _type_into(qtbot, field.edit, "3/10/2026", "select_all")
    editor.save()
    qtbot.waitUntil(lambda: editor.settled, timeout=10000)
    stored = court.load_report(window.ops.db, editor.report_id).sections["offence_details"]
    assert stored["offence_date"] == date(2026, 10, 3)


def test_compliance_period_is_the_typed_dates(make_window, qtbot, demo_db):
    window, ctl = _ready(qtbot, make_window, demo_db)
    ctl.compliance_action.trigger()
    view = ctl.compliance
    qtbot.waitUntil(lambda: view.result is not None and view.calculate_button.isEnabled(), timeout=30000)
    first = view.result
    _type_into(qtbot, view.start, "1/9/26")
    _type_into(qtbot, view.end, "31/10/2026", "select_all")
    view.calculate_button.click()
    qtbot.waitUntil(lambda: view.result is not first and view.calculate_button.isEnabled(), timeout=30000)
    assert (view.result.start, view.result.end) == (date(2026, 9, 1), date(2026, 10, 31))
    # A date that is not one: nothing is calculated, and the field says why.
    shown = view.result
    _type_into(qtbot, view.end, "31/09/2026", "select_all")
    view.calculate_button.click()
    assert view.end.message.text() == "To: 31/09/2026 does not exist: September 2026 has 30 days"
    qtbot.wait(100)
    assert view.result is shown


def test_the_frozen_day_is_the_one_the_shortcuts_use(qtbot):
    entry = DateEntry("From")
    qtbot.addWidget(entry)
    qtbot.keyClicks(entry.edit, "+3")
    from lpt_desktop.gui.standards_common import today
    assert entry.value() == today() + timedelta(days=3)
    assert today() == date(2026, 11, 23)  # tests/conftest.py freezes the day
    entry.setText("t")
    assert entry.value() == today()
