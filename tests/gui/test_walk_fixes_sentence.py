"""Faults an officer found walking the editable case record by keystrokes (issue 16): a community order's
requirement made by keyboard alone (Tab reaches each parameter, Enter never presses Remove, a removal can be
undone), the CRN mark, the sentence page's release and event dates, the caseload row of a new case."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel

from lpt_desktop.services.cases import case_record, person_id_for_crn
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.gui.test_new_case import _field, _gone, _open_dialog, _person

pytestmark = pytest.mark.gui
ALT = Qt.KeyboardModifier.AltModifier


def _choose_by_popup(qtbot, dialog, combo, code: str) -> None:
    """Alt+Down opens the list; Down to the entry, Enter takes it (as an officer would)."""
    qtbot.keyClick(combo, Qt.Key.Key_Down, ALT)
    view = combo.view()
    qtbot.waitUntil(lambda: view.isVisible(), timeout=3000)
    for _ in range(combo.findData(code) - combo.currentIndex()):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not view.isVisible(), timeout=3000)
    dialog.activateWindow()  # the offscreen platform leaves the popup's window active
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    assert combo.currentData() == code
    qtbot.wait(50)  # the officer's next key comes after the event loop has shown the type's boxes


def _add_requirement(qtbot, dialog):
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, ALT)  # a mnemonic clicks after a moment
    field = dialog.sentence.requirements
    qtbot.waitUntil(lambda: len(field.rows) == 1, timeout=5000)
    row = field.rows[0]
    qtbot.waitUntil(lambda: QApplication.focusWidget() is row.type, timeout=3000)
    return row


def test_a_community_order_with_unpaid_work_by_keystrokes_alone(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog = _open_dialog(qtbot, window)
    _person(qtbot, dialog, "Z765433")
    _field(qtbot, dialog, Qt.Key.Key_S, "16/11/2026")
    _field(qtbot, dialog, Qt.Key.Key_M, "12")
    row = _add_requirement(qtbot, dialog)
    _choose_by_popup(qtbot, dialog, row.type, "UPW")
    qtbot.keyClick(row.type, Qt.Key.Key_Tab)
    hours = row.param_widgets["hours"]
    assert QApplication.focusWidget() is hours  # Tab goes from the type to its Hours
    qtbot.keyClicks(hours, "120")
    qtbot.keyClick(hours, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is row.remove_button  # then to Remove
    assert not row.remove_button.autoDefault() and not row.remove_button.isDefault()
    # Enter on Remove saves the form; the requirement is not removed on the way.
    qtbot.keyClick(row.remove_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    saved = case_record(window.ops.db, person_id_for_crn(window.ops.db, "Z765433"))
    [sentence] = saved.sentences
    assert (sentence.order_type, sentence.start_date, sentence.length_months) == ("CO", date(2026, 11, 16), 12)
    assert [(r.label, r.summary) for r in sentence.requirements] == [("Unpaid work", "Hours: 120")]


def test_a_removed_requirement_can_be_put_back_with_its_values(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog = _open_dialog(qtbot, window)
    row = _add_requirement(qtbot, dialog)
    _choose_by_popup(qtbot, dialog, row.type, "UPW")
    qtbot.keyClick(row.type, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "120")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    field = dialog.sentence.requirements
    qtbot.keyClick(row.remove_button, Qt.Key.Key_Space)  # Remove takes its own press
    assert field.rows == [] and field.value() == []
    assert field.undo_note.isVisible() and "Unpaid work" in field.undo_note.text()
    assert QApplication.focusWidget() is field.undo_button
    qtbot.keyClick(field.undo_button, Qt.Key.Key_Space)
    assert field.value() == [{"type_code": "UPW", "params": {"hours": 120}}]
    assert not field.undo_button.isVisible()
    assert dialog.isVisible()
    # Back in its place, and Tab goes through it in the order shown: type, Hours, Remove, then Add requirement.
    row = field.rows[0]
    qtbot.wait(50)
    assert QApplication.focusWidget() is row.type
    for expected in (row.param_widgets["hours"], row.remove_button, field.add_button):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is expected


def test_a_crn_already_on_the_caseload_gets_a_warning_not_a_tick(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    existing = window.caseload_view.model.records[2]
    dialog = _open_dialog(qtbot, window)
    _person(qtbot, dialog, existing.crn)
    qtbot.waitUntil(lambda: "Already on the caseload" in dialog.crn_note.text(), timeout=5000)
    assert "✓" not in dialog.crn_note.text() and dialog.crn_note.text().startswith("⚠")
    qtbot.keyClick(dialog.crn, Qt.Key.Key_Return)  # refused by the service: still no tick
    qtbot.waitUntil(lambda: dialog.question is not None and dialog.question.isVisible(), timeout=10000)
    assert "already on this caseload" in dialog.error.text() and "✓" not in dialog.crn_note.text()
    qtbot.keyClick(dialog.question, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.crn, timeout=5000)
    qtbot.keyClick(dialog.crn, Qt.Key.Key_End)
    qtbot.keyClick(dialog.crn, Qt.Key.Key_Backspace)
    qtbot.keyClicks(dialog.crn, "0" if existing.crn[-1] != "0" else "1")  # another CRN, free: the tick
    qtbot.waitUntil(lambda: dialog.crn_note.text() == "✓", timeout=5000)


def test_release_on_licence_on_a_community_order_case_says_it_is_for_a_custodial_sentence(make_window, qtbot,
                                                                                         demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    rec = next(r for r in window.caseload_view.model.records if r.order_type == "CO")
    holder: dict = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    panel = holder["view"].sentence
    assert {s.order_type for s in panel.case.sentences} <= {"CO", "SSO"}
    # The service takes a release on any case (custody is not kept as an order): available, saying what it is.
    assert panel.release_button.isEnabled()
    assert "after a custodial sentence" in panel.release_button.toolTip()
    panel.release_button.click()
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog.isVisible(), timeout=5000)
    assert any("custodial sentence" in w.text() for w in panel.dialog.findChildren(QLabel))
    panel.dialog.reject()


def test_a_new_case_shows_a_dash_for_tier_and_rosh_in_the_caseload(make_window, qtbot, demo_db):
    from lpt_desktop.gui.caseload_model import COL_ROSH, COL_TIER
    from lpt_desktop.services.case_record import NewCase, RequirementIn, SentenceIn, create_case
    from tests.gui.conftest import on_writer

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    order = SentenceIn("CO", date(2026, 11, 16), date(2027, 11, 15),
                       requirements=(RequirementIn("UPW", {"hours": 120}),))
    on_writer(qtbot, window, create_case, NewCase("Z765434", "Robin", "Newcase", date(1990, 3, 14), order))
    model = window.caseload_view.model
    qtbot.waitUntil(lambda: any(r.crn == "Z765434" for r in model.records), timeout=10000)
    row = next(i for i, r in enumerate(model.records) if r.crn == "Z765434")
    shown = {c: model.data(model.index(row, c)) for c in (COL_TIER, COL_ROSH)}
    tips = {c: model.data(model.index(row, c), Qt.ItemDataRole.ToolTipRole) for c in (COL_TIER, COL_ROSH)}
    assert shown == {COL_TIER: "—", COL_ROSH: "—"}  # the same short mark in both, never cut or blank
    assert tips == {COL_TIER: "Tier not set", COL_ROSH: "RoSH: not assessed"}


def test_new_case_offers_the_genders_from_the_reference_list(make_window, qtbot, demo_db):
    from lpt_desktop.domain.reference import genders

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog = _open_dialog(qtbot, window)
    offered = [dialog.gender.itemText(i) for i in range(dialog.gender.count())]
    assert offered == ["", *genders()] and "Non-binary/other" in offered
    _person(qtbot, dialog, "Z765435")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_G, ALT)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.gender, timeout=3000)
    qtbot.keyClick(dialog.gender, Qt.Key.Key_Down, ALT)
    view = dialog.gender.view()
    qtbot.waitUntil(lambda: view.isVisible(), timeout=3000)
    for _ in range(dialog.gender.findText("Non-binary/other")):
        qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    _field(qtbot, dialog, Qt.Key.Key_S, "16/11/2026")
    _field(qtbot, dialog, Qt.Key.Key_O, "")  # the order type: a licence needs no requirement
    qtbot.keyClicks(dialog.sentence.order_type, "Licence")
    qtbot.keyClick(dialog.sentence.order_type, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    saved = case_record(window.ops.db, person_id_for_crn(window.ops.db, "Z765435"))
    assert saved.gender == "Non-binary/other"


def test_a_new_order_from_the_sentence_page_by_keystrokes_dated_made_on_its_sentence_date(make_window, qtbot,
                                                                                          demo_db):
    from lpt_desktop.services.case_record import case_details
    from tests.gui.test_case_record_sentence import _dialog, _key
    from tests.gui.test_case_record_sentence import _open as open_sentence_page

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = open_sentence_page(qtbot, window, "CO")
    panel = view.sentence
    before = {s.id for s in view.case.sentences}
    _key(qtbot, Qt.Key.Key_N)  # New order or licence…
    dialog = _dialog(qtbot, panel, None)
    assert dialog.sentence.order_type.currentData() == "CO"
    _key(qtbot, Qt.Key.Key_D, "02/11/2026")
    _key(qtbot, Qt.Key.Key_S, "16/11/2026")
    _key(qtbot, Qt.Key.Key_M, "12")
    row = _add_requirement(qtbot, dialog)
    _choose_by_popup(qtbot, dialog, row.type, "UPW")
    qtbot.keyClick(row.type, Qt.Key.Key_Tab)
    qtbot.keyClicks(QApplication.focusWidget(), "120")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is row.remove_button
    qtbot.keyClick(row.remove_button, Qt.Key.Key_Return)  # saves; does not remove
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    order = next(s for s in case_record(window.ops.db, view.case.person_id).sentences if s.id not in before)
    assert (order.order_type, order.sentence_date, order.start_date) == ("CO", date(2026, 11, 2), date(2026, 11, 16))
    assert [(r.label, r.summary) for r in order.requirements] == [("Unpaid work", "Hours: 120")]
    [made] = [e for e in case_details(window.ops.db, view.case.person_id).sentence_events
              if e.sentence_id == order.id and e.kind == "made"]
    assert made.on_date == date(2026, 11, 2)  # the day the court made it, not the start


def test_the_form_grows_to_hold_an_added_requirement(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    dialog = _open_dialog(qtbot, window)
    qtbot.wait(50)
    opened = dialog.height()
    row = _add_requirement(qtbot, dialog)
    _choose_by_popup(qtbot, dialog, row.type, "UPW")
    qtbot.waitUntil(lambda: dialog.height() > opened, timeout=3000)
    assert dialog.height() >= dialog.sizeHint().height()
    assert row.type.height() >= row.type.sizeHint().height()  # not squeezed
