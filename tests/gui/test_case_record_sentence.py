"""Sentence events from the case's Sentence page (issue 16), by keystrokes for the common ones: a recall, a
release on licence with home detention curfew, a termination; what is saved is read back through the
services, and the page shows the event under its sentence at once."""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from lpt_desktop.services.case_record import case_details
from lpt_desktop.services.cases import case_record
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui
ALT = Qt.KeyboardModifier.AltModifier


def _open(qtbot, window, order_type: str):
    rec = next(r for r in window.caseload_view.model.records if r.order_type == order_type)
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentIndex(1)  # Sentence
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=5000)
    view.sentence.which.setFocus()
    return view


def _dialog(qtbot, panel, before):
    qtbot.waitUntil(lambda: panel.dialog is not None and panel.dialog is not before
                    and panel.dialog.isVisible(), timeout=5000)
    dialog = panel.dialog
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=5000)
    return dialog


def _key(qtbot, key: Qt.Key, text: str = "", select: bool = True) -> None:
    qtbot.keyClick(QApplication.focusWidget(), key, ALT)
    if text:
        w = QApplication.focusWidget()
        if select and hasattr(w, "selectAll"):
            w.selectAll()
        qtbot.keyClicks(w, text)


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _choose(qtbot, panel, order_type: str) -> None:
    """Choose the open sentence of this type in 'Which order or licence' (by keystrokes: Alt+W, then Down)."""
    _key(qtbot, Qt.Key.Key_W)
    assert QApplication.focusWidget() is panel.which
    for _ in range(panel.which.count()):
        s = panel.current()
        if s is not None and s.order_type == order_type and s.terminated_on is None:
            return
        qtbot.keyClick(panel.which, Qt.Key.Key_Down)
    raise AssertionError(f"no open {order_type}")


def test_a_recall_by_keystrokes_is_saved_and_shown_under_the_licence(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "LIC")
    panel = view.sentence
    _choose(qtbot, panel, "LIC")
    licence = panel.current()
    assert panel.recall_button.isEnabled() and not panel.terminate_button.isEnabled()
    assert panel.terminate_button.toolTip().startswith("Not available: a licence ends with Licence ended")
    _key(qtbot, Qt.Key.Key_R)  # Recall…
    dialog = _dialog(qtbot, panel, None)
    _key(qtbot, Qt.Key.Key_D, "20/11/2026")
    _key(qtbot, Qt.Key.Key_R, "Failed to reside at approved address")
    _key(qtbot, Qt.Key.Key_A)  # Standard recall
    qtbot.waitUntil(lambda: dialog.type.checkedButton().property("code") == "standard", timeout=3000)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)

    saved = next(s for s in case_record(window.ops.db, view.case.person_id).sentences if s.id == licence.id)
    assert saved.recalled_on == date(2026, 11, 20) and saved.terminated_on is None
    event = next(e for e in case_details(window.ops.db, view.case.person_id).sentence_events
                 if e.sentence_id == licence.id and e.kind == "recalled")
    assert (event.on_date, event.details["reason"], event.details["recall_type"]) == \
        (date(2026, 11, 20), "Failed to reside at approved address", "standard")
    # The page follows: the licence is shown recalled, its event listed, and the button offers the re-release.
    qtbot.waitUntil(lambda: panel.recall_button.text() == "&Re-release after recall…", timeout=10000)
    qtbot.waitUntil(lambda: licence.id in panel.events
                    and any(e.kind == "recalled" for e in panel.events[licence.id]), timeout=10000)
    assert "recalled 20/11/2026" in panel.which.currentText()


def test_a_recall_before_the_release_is_refused_and_the_form_stays_open(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "LIC")
    panel = view.sentence
    _choose(qtbot, panel, "LIC")
    licence = panel.current()
    _key(qtbot, Qt.Key.Key_R)
    dialog = _dialog(qtbot, panel, None)
    _key(qtbot, Qt.Key.Key_D, "01/01/2000")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert "Reason" in dialog.error.text()
    _key(qtbot, Qt.Key.Key_R, "Further offence")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Recall date" in dialog.error.text(), timeout=10000)
    assert dialog.isVisible()
    saved = next(s for s in case_record(window.ops.db, view.case.person_id).sentences if s.id == licence.id)
    assert saved.recalled_on is None


def test_a_release_on_licence_with_curfew_by_keystrokes(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "CO")
    panel = view.sentence
    before = {s.id for s in view.case.sentences}
    _key(qtbot, Qt.Key.Key_S)  # Release on licence…
    dialog = _dialog(qtbot, panel, None)
    _key(qtbot, Qt.Key.Key_R, "16/11/2026")
    _key(qtbot, Qt.Key.Key_S, "02/03/2026")
    _key(qtbot, Qt.Key.Key_E, "15/11/2027")
    _key(qtbot, Qt.Key.Key_N, "Robbery")
    assert not dialog.curfew_end.isVisibleTo(dialog)
    _key(qtbot, Qt.Key.Key_H)  # on home detention curfew
    qtbot.waitUntil(lambda: dialog.hdc.isChecked(), timeout=3000)
    assert dialog.curfew_end.isVisibleTo(dialog)
    _key(qtbot, Qt.Key.Key_D, "15/01/2027")
    _key(qtbot, Qt.Key.Key_T, "Not to contact the victim")
    qtbot.keyClick(dialog.curfew_end.edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)

    licence = next(s for s in case_record(window.ops.db, view.case.person_id).sentences if s.id not in before)
    assert (licence.order_type, licence.start_date, licence.end_date, licence.sentence_date) == \
        ("LIC", date(2026, 11, 16), date(2027, 11, 15), date(2026, 3, 2))
    assert licence.hdc and licence.hdc_end_date == date(2027, 1, 15)
    assert licence.licence_conditions == ("Not to contact the victim",)
    qtbot.waitUntil(lambda: panel.which.findData(licence.id) >= 0, timeout=10000)


def test_an_order_terminated_by_keystrokes_with_its_outcome(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "CO")
    panel = view.sentence
    _choose(qtbot, panel, "CO")
    order = panel.current()
    assert not panel.recall_button.isEnabled()
    _key(qtbot, Qt.Key.Key_M)  # Terminate…
    dialog = _dialog(qtbot, panel, None)
    _key(qtbot, Qt.Key.Key_T, "23/11/2026")
    _key(qtbot, Qt.Key.Key_O)
    qtbot.keyClicks(QApplication.focusWidget(), "Completed")
    assert dialog.outcome.currentData() == "completed"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    saved = next(s for s in case_record(window.ops.db, view.case.person_id).sentences if s.id == order.id)
    assert (saved.terminated_on, saved.outcome) == (date(2026, 11, 23), "completed")
    qtbot.waitUntil(lambda: "ended 23/11/2026: completed" in panel.which.itemText(panel.which.findData(order.id)),
                    timeout=10000)


def _save(qtbot, dialog) -> None:
    dialog.form_errors.clear()  # a refusal shown before is not this save's answer
    dialog.submit()
    qtbot.waitUntil(lambda: _gone(dialog) or dialog.error.isVisible(), timeout=10000)
    assert _gone(dialog), dialog.error.text()


def test_re_release_variation_and_licence_end_on_a_licence(make_window, qtbot, demo_db):
    from lpt_desktop.gui.case_record import sentence_dialogs as sd

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "LIC")
    panel = view.sentence
    _choose(qtbot, panel, "LIC")
    sid, person = panel.current().id, view.case.person_id

    def now():
        return next(s for s in case_record(window.ops.db, person).sentences if s.id == sid)

    recall = panel._recall_or_release()
    recall.on.setValue(date(2026, 11, 2))
    recall.reason.setText("Further offence")
    _save(qtbot, recall)
    qtbot.waitUntil(lambda: panel.current().recalled_on is not None, timeout=10000)
    again = panel._recall_or_release()
    assert isinstance(again, sd.ReReleaseDialog)
    again.on.setValue(date(2026, 11, 16))
    _save(qtbot, again)
    assert now().recalled_on is None

    qtbot.waitUntil(lambda: panel.current().recalled_on is None, timeout=10000)
    vary = panel._open(sd.VaryLicenceDialog)
    vary.on.setValue(date(2026, 11, 20))
    vary.text.setPlainText("Not to enter Preston city centre")
    _save(qtbot, vary)
    assert "Not to enter Preston city centre" in [t for _i, t in now().current_conditions]

    qtbot.waitUntil(lambda: any(t.startswith("Not to enter") for _i, t in panel.current().current_conditions),
                    timeout=10000)
    change = panel._open(sd.VaryLicenceDialog)
    change.kind.button(1).setChecked(True)  # change a condition
    change.condition.setCurrentIndex(change.condition.findText("Not to enter Preston city centre"))
    assert change.text.toPlainText() == "Not to enter Preston city centre"
    change.on.setValue(date(2026, 11, 23))
    change.text.setPlainText("Not to enter Preston or Blackpool town centres")
    _save(qtbot, change)
    texts = [t for _i, t in now().current_conditions]
    assert "Not to enter Preston or Blackpool town centres" in texts and "Not to enter Preston city centre" not in texts

    qtbot.waitUntil(lambda: len(panel.events.get(sid, [])) >= 4, timeout=10000)
    ended = panel._open(sd.LicenceEndedDialog)
    ended.on.setValue(date(2026, 11, 23))
    _save(qtbot, ended)
    assert (now().terminated_on, now().outcome) == (date(2026, 11, 23), "licence_ended")
    kinds = [e.kind for e in case_details(window.ops.db, person).sentence_events if e.sentence_id == sid]
    assert {"recalled", "released", "condition_added", "condition_changed", "licence_ended"} <= set(kinds)
    qtbot.waitUntil(lambda: not panel.vary_button.isEnabled(), timeout=10000)
    assert panel.vary_button.toolTip().startswith("Not available: it ended on 23/11/2026")


def test_new_order_requirement_end_and_transfer_out(make_window, qtbot, demo_db):
    from lpt_desktop.gui.case_record import sentence_dialogs as sd

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "CO")
    panel = view.sentence
    person = view.case.person_id
    before = {s.id for s in view.case.sentences}
    new = panel._open(sd.NewSentenceDialog, person=True)
    form = new.sentence
    form.order_type.setCurrentIndex(form.order_type.findData("SSO"))
    form.sentence_date.setValue(date(2026, 11, 9))
    form.start.setValue(date(2026, 11, 9))
    form.length.setValue(18)
    assert form.end.value() == date(2028, 5, 8)
    form.offence.setText("Assault occasioning actual bodily harm")
    row = form.requirements.add_row()
    row.type.setCurrentIndex(row.type.findData("UPW"))
    row.param_widgets["hours"].setText("500")  # over the limit: refused
    new.submit()
    qtbot.waitUntil(lambda: new.error.isVisible(), timeout=10000)
    assert "Requirement 1" in new.error.text()
    row.param_widgets["hours"].setText("150")
    _save(qtbot, new)
    order = next(s for s in case_record(window.ops.db, person).sentences if s.id not in before)
    assert (order.order_type, order.end_date, [r.label for r in order.requirements]) == \
        ("SSO", date(2028, 5, 8), ["Unpaid work"])

    qtbot.waitUntil(lambda: panel.which.findData(order.id) >= 0, timeout=10000)
    panel.which.setCurrentIndex(panel.which.findData(order.id))
    req = panel._open(sd.RequirementDialog)
    req.kind.button(1).setChecked(True)  # ended
    req.on.setValue(date(2026, 11, 23))
    req.reason.setText("Hours completed")
    _save(qtbot, req)
    [ended] = next(s for s in case_record(window.ops.db, person).sentences if s.id == order.id).requirements
    assert ended.end_date == date(2026, 11, 23)

    out = panel._open(sd.TransferDialog, person=True)
    out.kind.button(1).setChecked(True)  # out
    assert out.where.accessibleName() == "To" and out.note.isVisibleTo(out)
    out.on.setValue(date(2026, 11, 23))
    out.where.setText("Cumbria")
    out.reason.setText("Moved to Carlisle")
    _save(qtbot, out)
    event = next(e for e in case_details(window.ops.db, person).sentence_events if e.kind == "transferred_out")
    assert (event.details["to_where"], event.details["reason"]) == ("Cumbria", "Moved to Carlisle")
    # The request to the central store's administrator shows on the Sentence page, waiting for them.
    qtbot.waitUntil(lambda: panel.transfer_line.isVisibleTo(panel), timeout=10000)
    assert panel.transfer_line.text() == ("Transfer out to Cumbria (transfer date 23/11/2026): requested; the central "
                                          "store's administrator moves the case (sent at the next sync).")


def test_the_save_button_shows_its_whole_label(make_window, qtbot, demo_db):
    """'Record recall' was cut to 'Record reca' on screen: the style's icon crowded it out."""
    from PySide6.QtWidgets import QDialogButtonBox

    from lpt_desktop.gui.case_record import sentence_dialogs as sd

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open(qtbot, window, "LIC")
    _choose(qtbot, view.sentence, "LIC")
    dialog = sd.RecallDialog(window.ops, view.sentence.current(), window)
    dialog.show()
    qtbot.waitExposed(dialog)
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ok.text() == "Record recall" and ok.icon().isNull()
    assert ok.width() >= ok.fontMetrics().horizontalAdvance(ok.text()) + 24
    dialog.close()


def test_a_transfer_request_says_what_the_administrator_did():
    from types import SimpleNamespace

    from lpt_desktop.gui.case_record.sentence_panel import describe_request

    asked = dict(to_where="Cumbria", requested_on=date(2026, 11, 23), to_officer=None, refusal=None, settled_on=None)
    assert describe_request(SimpleNamespace(**asked, status="requested")).endswith(
        "requested; the central store's administrator moves the case (sent at the next sync).")
    done = SimpleNamespace(**{**asked, "to_officer": "jsmith", "settled_on": date(2026, 11, 25)}, status="done")
    assert describe_request(done) == ("Transfer out to Cumbria (transfer date 23/11/2026): done on 25/11/2026, "
                                      "the case moved to jsmith.")
    refused = SimpleNamespace(**{**asked, "refusal": "Not accepted", "settled_on": date(2026, 11, 25)},
                              status="refused")
    assert describe_request(refused).endswith(": refused on 25/11/2026: Not accepted.")
