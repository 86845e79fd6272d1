"""The Personal details page by keystrokes (issue 16): the details edited in place and saved (Ctrl+S,
Ctrl+Return) or left (Escape), a new main address, a change of circumstances, other names, disabilities and
personal contacts; the timeline lists each change. What is saved is read back through the services."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from lpt_desktop.gui.case_record import dialogs
from lpt_desktop.services.case_record import case_details
from lpt_desktop.services.cases import case_record
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui
ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier


def _open(qtbot, window, index: int = 0):
    rec = window.caseload_view.model.records[index]
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    page = view.personal
    qtbot.waitUntil(lambda: page.loaded, timeout=10000)
    return view


def _open_plain(qtbot, window):
    """A demo case with no disability, its other names and personal contacts removed first (the demo records
    some): what a test adds is then all the lists hold."""
    from lpt_desktop.services import case_record as svc
    from tests.gui.conftest import on_writer

    index = next(i for i, r in enumerate(window.caseload_view.model.records)
                 if not case_details(window.ops.db, r.person_id).disabilities)
    view = _open(qtbot, window, index)
    details = case_details(window.ops.db, view.case.person_id)
    for a in details.aliases:
        on_writer(qtbot, window, svc.remove_alias, a.id)
    for c in details.personal_contacts:
        on_writer(qtbot, window, svc.remove_personal_contact, c.id)
    panel = view.personal.personal
    qtbot.waitUntil(lambda: panel.aliases.model.rowCount() == 0 and panel.contacts.model.rowCount() == 0,
                    timeout=10000)
    return view


def _window(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    return window


def _focus():
    return QApplication.focusWidget()


def _dialog(qtbot, kind: type[QDialog]):
    found: list[QDialog] = []

    def shown() -> bool:
        found[:] = [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]
        return bool(found)

    qtbot.waitUntil(shown, timeout=5000)
    dialog = found[0]
    dialog.activateWindow()  # its Alt+letters act only once it is the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def test_details_edited_in_place_and_saved_by_keystrokes(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    panel = view.personal.details_panel
    person = view.case.person_id
    view.sections.setCurrentIndex(0)
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    assert panel.editing
    assert _focus() is panel.fields.first_name
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # last name
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # preferred name
    assert _focus() is panel.fields.preferred_name
    panel.fields.preferred_name.selectAll()
    qtbot.keyClicks(_focus(), "Robbie")
    panel.fields.mobile.setFocus()
    panel.fields.mobile.selectAll()  # the demo may have recorded one
    qtbot.keyClicks(_focus(), "07700 900123")
    qtbot.keyClick(_focus(), Qt.Key.Key_Tab)  # email
    assert _focus() is panel.fields.email
    panel.fields.email.selectAll()
    qtbot.keyClicks(_focus(), "robbie@example.org")
    panel.fields.first_language.setFocus()
    panel.fields.first_language.selectAll()
    qtbot.keyClicks(_focus(), "Polish")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not panel.editing, timeout=10000)
    saved, details = case_record(window.ops.db, person), case_details(window.ops.db, person)
    assert saved.preferred_name == "Robbie" and saved.first_language == "Polish"
    assert details.mobile == "07700 900123" and details.email == "robbie@example.org"
    # The page shows what was saved (read again after the change), on the same tab.
    qtbot.waitUntil(lambda: view.personal.case.preferred_name == "Robbie", timeout=10000)
    qtbot.waitUntil(lambda: view.personal.details.mobile == "07700 900123", timeout=10000)
    assert view.sections.currentIndex() == 0
    assert window.statusBar().currentMessage().startswith("Personal details saved (4 details changed)")


def test_an_impossible_date_and_a_bad_email_are_named_together(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    panel = view.personal.details_panel
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    panel.fields.date_of_birth.setFocus()
    panel.fields.date_of_birth.edit.selectAll()
    qtbot.keyClicks(_focus(), "31/02/1990")
    panel.fields.email.setFocus()
    panel.fields.email.selectAll()
    qtbot.keyClicks(_focus(), "ryan@@example")
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=10000)
    text = panel.error.text()
    assert "31/02/1990 does not exist" in text and "Email" in text and "ryan@@example" in text  # both, at once
    assert panel.editing


def test_a_bad_email_is_named_and_escape_leaves_nothing_saved(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    panel = view.personal.details_panel
    person = view.case.person_id
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    panel.fields.email.setFocus()
    qtbot.keyClicks(_focus(), "not an email")
    panel.fields.last_name.setFocus()
    panel.fields.last_name.selectAll()
    qtbot.keyClick(_focus(), Qt.Key.Key_Backspace)  # the last name emptied too
    qtbot.keyClick(_focus(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: panel.error.isVisible(), timeout=10000)
    assert panel.editing
    assert "Email:" in panel.error.text() and "Last name:" in panel.error.text()
    qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
    # Asked first: Escape (or Return) on the question keeps editing, nothing typed is thrown away.
    box = panel.discard_box
    assert panel.editing and box is not None and box.windowTitle() == "Discard what you typed?"
    assert box.escapeButton() is box.defaultButton() and box.defaultButton().text() == "&Keep editing"
    box.defaultButton().click()
    qtbot.waitUntil(lambda: panel.discard_box is None, timeout=5000)
    assert panel.editing and panel.fields.email.text() == "not an email"
    qtbot.keyClick(panel.fields.email, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: panel.discard_box is not None, timeout=5000)
    next(b for b in panel.discard_box.buttons() if b.text() == "&Discard").click()
    assert not panel.editing
    details = case_details(window.ops.db, person)
    assert details.email == "" and details.last_name  # nothing was saved


def test_nothing_changed_writes_nothing(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    panel = view.personal.details_panel
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    assert panel.editing and panel.changes() == {}
    writes: list[str] = []
    real_write = window.ops.write

    def spy(fn, *args, **kwargs):
        writes.append(kwargs.get("label", ""))
        return real_write(fn, *args, **kwargs)

    window.ops.write = spy  # type: ignore[method-assign]
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    assert not panel.editing
    assert writes == []  # nothing changed: nothing written, nothing on the timeline


def test_new_main_address_by_keystrokes(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    page = view.personal
    old_main = [a for a in page.details.addresses if a.status == "main"]
    view.sections.setCurrentIndex(0)
    page.details_panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_M, ALT)  # New main address…
    dialog = _dialog(qtbot, dialogs.AddressDialog)
    assert dialog.kind == "main"
    assert _focus() is dialog.line1  # the first field, not Save (a space typed there pressed it)
    qtbot.keyClicks(_focus(), "14 Fishergate Hill")
    qtbot.keyClick(_focus(), Qt.Key.Key_T, ALT)  # Town
    qtbot.keyClicks(_focus(), "Preston")
    qtbot.keyClick(_focus(), Qt.Key.Key_P, ALT)  # Postcode
    qtbot.keyClicks(_focus(), "pr1 8jd")
    qtbot.keyClick(_focus(), Qt.Key.Key_F, ALT)  # From
    assert _focus() is dialog.from_date.edit
    dialog.from_date.edit.selectAll()
    qtbot.keyClicks(_focus(), "02/11/2026")
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    details = case_details(window.ops.db, person)
    main = [a for a in details.addresses if a.status == "main"]
    assert [(a.text, a.from_date) for a in main] == [("14 Fishergate Hill, Preston, PR1 8JD", date(2026, 11, 2))]
    for old in old_main:  # the old main address is previous now, ending the day before
        again = next(a for a in details.addresses if a.id == old.id)
        assert again.status == "previous" and again.to_date == date(2026, 11, 1)
    # The history on the page follows, main first, the old one kept.
    qtbot.waitUntil(lambda: page.addresses.model.rowCount() == len(details.addresses)
                    and page.addresses.model.record(0).id == main[0].id, timeout=10000)
    # …and the timeline lists the change of address first.
    qtbot.waitUntil(lambda: bool(view.timeline.model.records)
                    and view.timeline.model.records[0].kind == "change_of_address", timeout=10000)
    assert view.timeline.model.records[0].significant


def test_an_address_before_the_current_one_is_refused_naming_the_field(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    page = view.personal
    main = next(a for a in page.details.addresses if a.status == "main" and a.from_date)
    dialog = dialogs.AddressDialog(window.ops, view.case.person_id, "main", page)
    dialog.show()
    qtbot.keyClicks(dialog.line1, "1 Church Street")
    qtbot.keyClicks(dialog.postcode, "PR1 1AA")
    dialog.from_date.setValue(main.from_date)
    qtbot.keyClick(dialog.postcode, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert dialog.isVisible() and "From:" in dialog.error.text()
    assert case_details(window.ops.db, view.case.person_id).addresses == page.details.addresses
    dialog.close()


def test_end_address_and_no_fixed_abode(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    page = view.personal
    page.addresses.secondary.click()
    dialog = _dialog(qtbot, dialogs.AddressDialog)
    qtbot.keyClicks(dialog.line1, "Flat 2, 9 Moor Lane")
    qtbot.keyClicks(dialog.postcode, "LA1 1QD")
    dialog.from_date.setValue(date(2026, 10, 1))
    dialog.buttons.accepted.emit()
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: any(a.status == "secondary" for a in page.addresses.model.records), timeout=10000)
    row = next(i for i, a in enumerate(page.addresses.model.records) if a.status == "secondary")
    page.addresses.table.selectRow(row)
    assert page.addresses.end.isEnabled()
    page.addresses.end.click()
    end = _dialog(qtbot, dialogs.EndDateDialog)
    end.when.edit.selectAll()
    qtbot.keyClicks(end.when.edit, "20/11/2026")
    qtbot.keyClick(end.when.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(end), timeout=10000)
    secondary = next(a for a in case_details(window.ops.db, person).addresses if a.text.startswith("Flat 2"))
    assert secondary.status == "previous" and secondary.to_date == date(2026, 11, 20)
    page.addresses.nfa.click()
    nfa = _dialog(qtbot, dialogs.NoFixedAbodeDialog)
    nfa.from_date.setValue(date(2026, 11, 21))
    qtbot.keyClick(nfa.from_date.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(nfa), timeout=10000)
    main = [a for a in case_details(window.ops.db, person).addresses if a.status == "main"]
    assert [(a.kind, a.from_date) for a in main] == [("nfa", date(2026, 11, 21))]


def test_a_change_of_circumstances(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    panel = view.personal.circumstances
    ete = next(i for i, c in enumerate(panel.current_model.records) if c.id == "ete")
    panel.current_table.selectRow(ete)
    panel.record_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_R, ALT)  # Record a change…
    dialog = _dialog(qtbot, dialogs.CircumstanceDialog)
    assert dialog.kind.currentData() == "ete"
    dialog.value.setFocus()
    dialog.value.setCurrentIndex(dialog.value.findData("full_time"))
    dialog.from_date.setValue(date(2026, 11, 16))
    qtbot.keyClicks(dialog.details, "Warehouse work, days")
    qtbot.keyClick(dialog.details, Qt.Key.Key_Return, CTRL)  # saves from the notes, where Return is a new line
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    now = case_details(window.ops.db, person).current("ete")
    assert now is not None and (now.value, now.from_date, now.details) == ("full_time", date(2026, 11, 16),
                                                                           "Warehouse work, days")
    qtbot.waitUntil(lambda: panel.current_model.record(ete).now is not None
                    and panel.current_model.record(ete).now.value == "full_time", timeout=10000)
    assert panel.current_model.data(panel.current_model.index(ete, 1)) == "Employed full time"


def test_other_names_disabilities_and_contacts(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open_plain(qtbot, window)
    person = view.case.person_id
    panel = view.personal.personal
    panel.add_alias()
    alias = _dialog(qtbot, dialogs.AliasDialog)
    qtbot.keyClicks(alias.first, "Bobby")
    qtbot.keyClicks(alias.last, "Smythe")
    qtbot.keyClick(alias.last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(alias), timeout=10000)
    panel.add_disability()
    dis = _dialog(qtbot, dialogs.DisabilityDialog)
    qtbot.keyClicks(dis.description, "Dyslexia")
    qtbot.keyClicks(dis.adjustment, "Letters read aloud at appointments")
    dis.buttons.accepted.emit()
    qtbot.waitUntil(lambda: _gone(dis), timeout=10000)
    panel.add_contact()
    contact = _dialog(qtbot, dialogs.PersonalContactDialog)
    contact.relationship.setCurrentIndex(contact.relationship.findData("gp"))
    qtbot.keyClicks(contact.name, "Dr Patel")
    qtbot.keyClicks(contact.phone, "12345")  # not a phone number: named
    contact.buttons.accepted.emit()
    qtbot.waitUntil(lambda: contact.error.isVisible(), timeout=10000)
    assert "Phone:" in contact.error.text()
    contact.phone.selectAll()
    qtbot.keyClicks(contact.phone, "01772 201234")
    assert not contact.error.isVisible()  # put right: the message went as it was edited
    contact.buttons.accepted.emit()
    qtbot.waitUntil(lambda: _gone(contact), timeout=10000)
    details = case_details(window.ops.db, person)
    assert [(a.first_name, a.last_name) for a in details.aliases] == [("Bobby", "Smythe")]
    assert [(d.description, d.adjustment) for d in details.disabilities] == [
        ("Dyslexia", "Letters read aloud at appointments")]
    assert [(c.relationship, c.name, c.phone) for c in details.personal_contacts] == [
        ("gp", "Dr Patel", "01772 201234")]
    qtbot.waitUntil(lambda: panel.contacts.model.rowCount() == 1 and panel.aliases.model.rowCount() == 1
                    and panel.disabilities.model.rowCount() == 1, timeout=10000)
    # Change the contact, then the buttons needing a row say why until one is chosen.
    panel.contacts.table.selectRow(0)
    panel.edit_contact()
    edit = _dialog(qtbot, dialogs.PersonalContactDialog)
    assert edit.name.text() == "Dr Patel"
    qtbot.keyClicks(edit.organisation, "Avenham Surgery")
    edit.buttons.accepted.emit()
    qtbot.waitUntil(lambda: _gone(edit), timeout=10000)
    assert case_details(window.ops.db, person).personal_contacts[0].organisation == "Avenham Surgery"
    # End the disability from a date; remove the contact and the other name (the question answered Remove).
    qtbot.waitUntil(lambda: panel.disabilities.model.rowCount() == 1, timeout=10000)
    panel.disabilities.table.selectRow(0)
    assert panel.end_disability_button.isEnabled()
    panel.end_disability_button.click()
    end = _dialog(qtbot, dialogs.EndDateDialog)
    end.when.edit.selectAll()
    qtbot.keyClicks(end.when.edit, "20/11/2026")
    qtbot.keyClick(end.when.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(end), timeout=10000)
    assert case_details(window.ops.db, person).disabilities[0].to_date == date(2026, 11, 20)
    qtbot.waitUntil(lambda: panel.disabilities.model.record(0).to_date is not None, timeout=10000)
    panel.disabilities.table.selectRow(0)
    assert not panel.end_disability_button.isEnabled()  # ended already, and it says so
    assert "ended on 20/11/2026" in panel.end_disability_button.toolTip()
    panel._confirm = lambda title, text: True  # type: ignore[method-assign]
    panel.contacts.table.selectRow(0)
    panel.remove_contact()
    panel.aliases.table.selectRow(0)
    panel.remove_alias()
    qtbot.waitUntil(lambda: not case_details(window.ops.db, person).personal_contacts
                    and not case_details(window.ops.db, person).aliases, timeout=10000)
    qtbot.waitUntil(lambda: panel.contacts.model.rowCount() == 0 and panel.aliases.model.rowCount() == 0,
                    timeout=10000)
    assert not panel.remove_contact_button.isEnabled()


def test_timeline_tab_lists_the_changes_newest_first(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    timeline = view.timeline
    assert view.sections.tabText(view.sections.indexOf(timeline)).replace("&", "") == "Timeline"
    from lpt_desktop.services import case_record as svc
    from tests.gui.conftest import on_writer

    view.sections.setCurrentWidget(timeline)  # the officer's place is kept while the case is read again
    on_writer(qtbot, window, svc.record_circumstance, person, "accommodation", "unsettled", date(2026, 10, 5))
    on_writer(qtbot, window, svc.add_alias, person, "Rob", "Jones")
    # The demo's own events are there already: wait for these two.
    qtbot.waitUntil(lambda: any(r.kind == "alias_added" and "Rob Jones" in r.summary for r in timeline.model.records)
                    and any(r.kind == "change_of_accommodation" and r.on_date == date(2026, 10, 5)
                            for r in timeline.model.records), timeout=10000)
    rows = timeline.model.records
    assert [r.on_date for r in rows] == sorted((r.on_date for r in rows), reverse=True)
    model = timeline.model
    shown = {(model.data(model.index(i, 1)), model.data(model.index(i, 3))) for i in range(model.rowCount())}
    assert ("Change of accommodation", "Yes") in shown
    alias_row = next(i for i, r in enumerate(rows) if r.kind == "alias_added" and "Rob Jones" in r.summary)
    assert model.data(model.index(alias_row, 3)) == "No"
    assert model.data(model.index(alias_row, 0)) == "23/11/2026"
    assert view.sections.currentWidget() is timeline


def test_f2_edits_from_anywhere_on_the_page_but_not_from_another_tab(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    panel = view.personal.details_panel
    view.sections.setCurrentIndex(view.sections.indexOf(view.timeline))
    view.timeline.table.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    assert not panel.editing  # the page is not on show: its keys are off
    view.sections.setCurrentIndex(0)
    view.sections.tabBar().setFocus()  # where the focus is after choosing the tab
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    assert panel.editing and _focus() is panel.fields.first_name
    qtbot.keyClick(_focus(), Qt.Key.Key_Escape)
    assert not panel.editing


def test_the_caseload_filter_finds_another_name_added_in_the_window(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 3)
    person = view.case.person_id
    caseload = window.caseload_view
    view.personal.personal.add_alias()
    alias = _dialog(qtbot, dialogs.AliasDialog)
    qtbot.keyClicks(alias.first, "Zebedee")
    qtbot.keyClicks(alias.last, "Quartermaine")
    qtbot.keyClick(alias.last, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(alias), timeout=10000)
    # The caseload is read again after the write; its filter then finds the person by the other name.
    qtbot.waitUntil(lambda: any("Quartermaine" in r.aliases for r in caseload.model.records), timeout=10000)
    window.tabs.setCurrentIndex(0)
    caseload.search.setFocus()
    qtbot.keyClicks(caseload.search, "quartermaine zeb")
    qtbot.waitUntil(lambda: caseload.proxy.rowCount() == 1, timeout=5000)
    shown = caseload.proxy.mapToSource(caseload.proxy.index(0, 0)).row()
    assert caseload.model.record(shown).person_id == person


def test_removing_a_contact_asks_and_escape_or_return_keep_it(make_window, qtbot, demo_db):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    from lpt_desktop.services import case_record as svc
    from tests.gui.conftest import on_writer

    window = _window(make_window, qtbot, demo_db)
    view = _open_plain(qtbot, window)
    person = view.case.person_id
    panel = view.personal.personal
    on_writer(qtbot, window, svc.add_personal_contact, person, svc.PersonalContactIn("solicitor", "Ms Khan"))
    qtbot.waitUntil(lambda: panel.contacts.model.rowCount() == 1, timeout=10000)
    asked: list[str] = []

    def answer(key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        qtbot.keyClick(box, key, mods)

    for key in (Qt.Key.Key_Escape, Qt.Key.Key_Return):
        panel.contacts.table.selectRow(0)
        QTimer.singleShot(300, lambda key=key: answer(key))
        panel.remove_contact()
        qtbot.wait(200)
        assert len(case_details(window.ops.db, person).personal_contacts) == 1
    assert asked == ["Remove Ms Khan from the personal contacts?"] * 2
    panel.contacts.table.selectRow(0)
    QTimer.singleShot(300, lambda: answer(Qt.Key.Key_R, ALT))
    panel.remove_contact()
    qtbot.waitUntil(lambda: not case_details(window.ops.db, person).personal_contacts, timeout=10000)


def test_approved_premises_by_keystrokes(make_window, qtbot, demo_db):
    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window, 1)
    person = view.case.person_id
    page = view.personal
    page.details_panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_P, ALT)  # Approved premises…
    dialog = _dialog(qtbot, dialogs.AddressDialog)
    assert dialog.kind == "approved_premises" and _focus() is dialog.line1
    qtbot.keyClicks(_focus(), "Highfield House, 4 Mill Road")
    qtbot.keyClick(_focus(), Qt.Key.Key_T, ALT)
    qtbot.keyClicks(_focus(), "Preston")
    qtbot.keyClick(_focus(), Qt.Key.Key_P, ALT)  # the postcode (the premises' own line is Alt+R here)
    assert _focus() is dialog.postcode
    qtbot.keyClicks(_focus(), "PR1 5XY")
    qtbot.keyClick(_focus(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    main = [a for a in case_details(window.ops.db, person).addresses if a.status == "main"]
    assert [(a.kind, a.text, a.from_date) for a in main] == [
        ("approved_premises", "Highfield House, 4 Mill Road, Preston, PR1 5XY", date(2026, 11, 23))]
    qtbot.waitUntil(lambda: page.addresses.model.rowCount() > 0
                    and page.addresses.model.data(page.addresses.model.index(0, 0)) == "Main: approved premises",
                    timeout=10000)


def test_a_detail_changed_elsewhere_while_editing_is_not_written_back(make_window, qtbot, demo_db):
    """Only what the officer changed is saved: a phone number synced in meanwhile is not overwritten."""
    from lpt_desktop.services.cases import update_person
    from tests.gui.conftest import on_writer

    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    panel = view.personal.details_panel
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    on_writer(qtbot, window, update_person, person, phone="01772 201234")  # as a sync would, meanwhile
    qtbot.waitUntil(lambda: view.personal.details.phone == "01772 201234", timeout=10000)
    assert panel.editing and panel.fields.phone.text() == ""  # the officer's fields are left as typed
    panel.fields.preferred_name.setFocus()
    panel.fields.preferred_name.selectAll()
    qtbot.keyClicks(_focus(), "Bobby")
    qtbot.keyClick(_focus(), Qt.Key.Key_Return, CTRL)
    qtbot.waitUntil(lambda: not panel.editing, timeout=10000)
    assert case_record(window.ops.db, person).preferred_name == "Bobby"
    assert case_details(window.ops.db, person).phone == "01772 201234"


def test_gender_is_chosen_from_the_list_new_case_offers_and_an_older_value_is_kept(make_window, qtbot, demo_db):
    from lpt_desktop.domain.reference import genders
    from lpt_desktop.services import cases
    from tests.gui.conftest import on_writer

    window = _window(make_window, qtbot, demo_db)
    view = _open(qtbot, window)
    person = view.case.person_id
    on_writer(qtbot, window, cases.update_person, person, gender="Genderfluid")  # recorded before the list
    qtbot.waitUntil(lambda: view.personal.case.gender == "Genderfluid", timeout=10000)
    panel = view.personal.details_panel
    panel.edit_button.setFocus()
    qtbot.keyClick(_focus(), Qt.Key.Key_F2)
    gender = panel.fields.gender
    assert [gender.itemText(i) for i in range(gender.count())] == ["", *genders()]
    assert gender.text() == "Genderfluid"  # kept as it is, not lost to the list
    gender.setCurrentIndex(gender.findText("Non-binary/other"))
    qtbot.keyClick(_focus(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not panel.editing, timeout=10000)
    assert case_record(window.ops.db, person).gender == "Non-binary/other"


def test_one_account_of_disabilities_not_two_that_disagree():
    from types import SimpleNamespace

    from lpt_desktop.gui.case_record.personal_panel import _disabilities_line

    def details(*rows):
        return SimpleNamespace(disabilities=rows)

    adhd = SimpleNamespace(description="ADHD", adjustment="Short sessions, written reminders", to_date=None)
    ended = SimpleNamespace(description="Broken leg", adjustment="Ground floor room", to_date=date(2026, 3, 1))
    assert _disabilities_line("ADHD", details(adhd, ended)) == "ADHD (Short sessions, written reminders)"
    assert _disabilities_line("ADHD", details()).startswith("ADHD (noted; no adjustment recorded yet")
    assert _disabilities_line("", details(ended)) == "None recorded"
