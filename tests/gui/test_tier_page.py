"""The case's tier page (issue 17): the suggested tier beside the tier in force with the differs banner and the
working; accepting changes the caseload's Tier cell; an override needs a reason of a sentence and lands in the
history with its working; recorded scores are checked all at once and show with their age, old ones flagged.
One small demo caseload is shared by the module (each test works on its own case)."""

from __future__ import annotations

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from lpt_desktop.assessment.tier_types import MISSING, NOT_SUPERVISED
from lpt_desktop.services import tiering as svc
from lpt_desktop.services.demo import DemoSpec, create_demo
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import DEMO_TODAY, PASSPHRASE
from tests.gui.conftest import on_writer, unlock

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("tier-page") / "caseload.lptdb"
    create_demo(path, PASSPHRASE, DemoSpec(cases=16, contacts_per_case=2, seed=7, today=DEMO_TODAY),
                kdf=KdfParams.fast()).close()
    return path


def make_one_differ(qtbot, window):
    """A case whose suggested tier differs from the one in force, made so: the highest scores (the table's tier
    A) recorded for a supervised case whose tier in force and suggestion are both lower. Returns its row."""
    from lpt_desktop.assessment.tier_types import Predictor

    view = window.caseload_view
    rec = next(r for r in view.model.records if not r.tier_differs and r.tier not in ("", "A")
               and r.suggested_tier not in (NOT_SUPERVISED, MISSING, "A"))
    on_writer(qtbot, window, svc.record_predictors, rec.person_id, DEMO_TODAY, arp=Predictor(95.0),
              csrp=Predictor(7.5))
    qtbot.waitUntil(lambda: _row(window, rec.person_id).tier_differs, timeout=10000)
    return _row(window, rec.person_id)


def _open_tier_page(qtbot, window, person_id: str):
    holder = {}
    window.open_case(person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    page = holder["view"].show_assessments().tier
    qtbot.waitUntil(lambda: page.view is not None, timeout=10000)
    return page


def _row(window, person_id: str):
    return next(r for r in window.caseload_view.model.records if r.person_id == person_id)


def _gone(dialog) -> bool:
    return not shiboken6.isValid(dialog) or not dialog.isVisible()


def _ok(dialog) -> None:
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()


def test_suggested_beside_in_force_accept_then_override_with_a_reason(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: window.caseload_view.model.rowCount() > 0, timeout=10000)
    rec = make_one_differ(qtbot, window)
    person, suggested = rec.person_id, rec.suggested_tier
    assert suggested == "A"
    page = _open_tier_page(qtbot, window, person)
    view = page.view
    assert view.differs and view.suggested.tier == suggested
    assert page.suggested.value.text().startswith(suggested)
    assert page.in_force.value.text() == (rec.tier or "—")
    assert page.banner.isVisibleTo(page) and suggested in page.banner_text.text()
    assert page.working_model.rowCount() == len(view.suggested.working) > 0
    assert page.working_model.data(page.working_model.index(0, 2)) == view.suggested.working[0].why
    assert page.accept_button.isEnabled()
    decisions = page.history_model.rowCount()

    page.accept_button.click()
    qtbot.waitUntil(lambda: _row(window, person).tier == suggested and not _row(window, person).tier_differs,
                    timeout=10000)
    model = window.caseload_view.model
    cell = model.data(model.index(model.records.index(_row(window, person)), 3))
    assert cell == suggested  # no marker once the suggestion is in force
    qtbot.waitUntil(lambda: not page.view.differs and page.history_model.rowCount() == decisions + 1,
                    timeout=10000)
    case_view = window.tabs.currentWidget()
    qtbot.waitUntil(lambda: case_view.tier_label.text() == f"Tier {suggested}", timeout=10000)  # the header
    assert not page.banner.isVisibleTo(page)
    assert page.history_model.data(page.history_model.index(0, 2)) == "Accepted"

    other = "B"
    dialog = page.override()
    qtbot.waitUntil(lambda: dialog.isVisible(), timeout=5000)
    dialog.tier.setFocus()
    qtbot.keyClicks(dialog.tier, "f")  # type-ahead: the items start with the tier
    assert dialog.tier.currentData() == "F"
    dialog.tier.setCurrentIndex(dialog.tier.findData(other))
    qtbot.keyClicks(dialog.reason, "No.")
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow, timeout=5000)
    dialog.tier.setFocus()
    qtbot.keyClick(dialog.tier, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)  # Alt+O: Override tier
    qtbot.waitUntil(lambda: dialog.error.isVisible(), timeout=10000)
    assert dialog.reason.toPlainText() == "No."  # Alt+O pressed the button, typed nothing
    assert "Reason" in dialog.error.text() and "sentence" in dialog.error.text()
    assert dialog.focusWidget() is dialog.reason  # the first field with a problem
    assert dialog.isVisible()
    assert len(svc.tier_view(window.ops.db, person).history) == decisions + 1  # nothing saved
    dialog.reject()  # Escape with typing asks first, and keeps the form by default
    assert dialog.discard_box is not None and dialog.isVisible()
    dialog.discard_box.escapeButton().click()
    assert dialog.isVisible()
    dialog.reason.clear()
    qtbot.keyClicks(dialog.reason, "The MAPPA meeting judged the risk to a known child higher than the scores show.")
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: page.history_model.rowCount() == decisions + 2, timeout=10000)
    top = page.history_model.records[0]
    assert (top.action, top.tier, top.suggested) == ("overridden", other, suggested)
    assert "MAPPA meeting" in page.history_model.data(page.history_model.index(0, 5))
    page.history.selectRow(0)
    assert page.history_working_model.rowCount() == len(top.working) > 0
    assert page.view.in_force == other
    qtbot.waitUntil(lambda: _row(window, person).tier == other, timeout=10000)
    # Overridden with a reason: no longer flagged until the suggestion changes again.
    assert not _row(window, person).tier_differs and not page.banner.isVisibleTo(page)
    assert model.data(model.index(model.records.index(_row(window, person)), 3)) == other


def _type(qtbot, edit, text: str) -> None:
    edit.clear()
    qtbot.keyClicks(edit, text)


def test_scores_checked_together_then_saved_with_their_age(make_window, qtbot, caseload):
    window = make_window(caseload)
    unlock(qtbot, window, PASSPHRASE)
    qtbot.waitUntil(lambda: window.caseload_view.model.rowCount() > 0, timeout=10000)
    from datetime import date

    from lpt_desktop.services.cases import add_person

    # A new case: no sentence yet (not supervised, nothing to accept) and no scores.
    person = on_writer(qtbot, window, add_person, crn="T170001", first_name="Tia", last_name="Newcase",
                       date_of_birth=date(1990, 5, 1))
    page = _open_tier_page(qtbot, window, person)
    assert page.view.suggested.tier == NOT_SUPERVISED
    assert not page.accept_button.isEnabled() and "no current sentence" in page.accept_button.toolTip()
    assert page.override_button.isEnabled() and page.scores_button.isEnabled()
    assert page.predictor_model.rowCount() == 0 and page.predictors.empty_text.startswith("None recorded")
    before = 0
    window.activateWindow()
    page.override_button.setFocus()
    qtbot.keyClick(page.override_button, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Record scores…
    qtbot.waitUntil(lambda: page.dialog is not None and page.dialog.isVisible(), timeout=5000)
    dialog = page.dialog
    assert dialog.windowTitle() == "Record predictor scores"
    qtbot.keyClicks(dialog.ogrs3, "abc")
    qtbot.keyClicks(dialog.rsr, "x")
    _type(qtbot, dialog.assessed_on.edit, "08/12/2027")  # in the future
    qtbot.keyClicks(dialog.dc_srp, "0.4")
    dialog.dc_band.setCurrentIndex(dialog.dc_band.findData("M"))  # a medium band below 0.60
    _ok(dialog)
    text = dialog.error.text()  # every problem at once, not the numbers first and the rest on a second try
    assert "OGRS3" in text and "RSR" in text and dialog.isVisible()
    assert "Assessment date" in text and "is in the future" in text
    assert "DC-SRP score: 0.4 is below 0.60" in text
    assert dialog.focusWidget() is dialog.assessed_on.edit  # the first field with a problem
    _type(qtbot, dialog.assessed_on.edit, "01/06/2025")
    dialog.dc_srp.clear()
    dialog.dc_band.setCurrentIndex(0)
    _type(qtbot, dialog.ogrs3, "42")
    _type(qtbot, dialog.rsr, "6.5")
    qtbot.keyClicks(dialog.arp, "150")  # not a percentage
    qtbot.keyClicks(dialog.dc_srp, "2.5")  # a score with no band
    _ok(dialog)
    qtbot.waitUntil(lambda: "ARP" in dialog.error.text(), timeout=10000)
    assert "DC-SRP band" in dialog.error.text() and dialog.isVisible()
    assert len(svc.tier_view(window.ops.db, person).predictors) == before  # nothing saved
    _type(qtbot, dialog.arp, "80")
    dialog.arp_static.setChecked(True)
    qtbot.keyClicks(dialog.csrp, "3.2")
    dialog.dc_band.setCurrentIndex(dialog.dc_band.findData("L"))
    _ok(dialog)
    qtbot.waitUntil(lambda: _gone(dialog), timeout=10000)
    qtbot.waitUntil(lambda: len(page.view.predictors) == before + 5, timeout=10000)
    model = page.predictor_model
    arp = next(i for i, p in enumerate(model.records) if p.kind == "ARP" and p.score == 80)
    assert model.data(model.index(arp, 3)) == "Static"
    assert model.data(model.index(arp, 4)) == "01/06/2025"
    assert model.data(model.index(arp, 5)).endswith("(old)")  # 1 year 5 months before 23/11/2026
    assert "refreshed from OASys" in model.data(model.index(arp, 5), 3)  # the tooltip
    assert page.old_note.isVisibleTo(page)
    assert page.status.isVisibleTo(page) and "Scores saved" in page.status.text()
    # Another cause (the scheme changed in Preferences): the note about the last action goes.
    on_writer(qtbot, window, svc.set_tier_scheme, "ab03")
    try:
        qtbot.waitUntil(lambda: page.view.scheme == "ab03", timeout=10000)
        assert not page.status.isVisibleTo(page) and page.status.text() == ""
    finally:
        on_writer(qtbot, window, svc.set_tier_scheme, "2026")
