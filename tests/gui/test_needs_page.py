"""The needs assessment section (issue 20) on a real caseload file through the window: the form is filled by its
widgets and autosaved, a problem names its field and goes to it, completing it changes the suggested tier's
change level under the ab03 scheme (no valid needs assessment before); a field another laptop changed keeps the
officer's text beside it, and a draft is thrown away only once Discard is confirmed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import shiboken6
from PySide6.QtWidgets import QMessageBox

from lpt_desktop.assessment.tier_types import SCHEME_AB03
from lpt_desktop.gui.assessments.autosaved_form import HELP_STYLE
from lpt_desktop.services import needs
from lpt_desktop.services.tiering import set_tier_scheme
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.plan_fill import new_case

pytestmark = pytest.mark.gui
SEVERE = ("accommodation", "ete", "drugs", "alcohol", "lifestyle", "thinking_behaviour", "attitudes",
          "relationships")


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("needs-page") / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    set_tier_scheme(db, SCHEME_AB03)
    pid = new_case(db, TEST_TODAY - timedelta(days=60), days=730)
    other = new_case(db, TEST_TODAY - timedelta(days=30), days=365)
    db.close()
    return path, pid, other


def _change_why(tier) -> str:
    return " ".join(s.why for s in tier.view.suggested.working if s.step in ("Change level", "Needs"))


def test_the_needs_form_completes_and_the_suggested_tier_reads_it(qtbot, make_window, caseload):
    path, pid, _other = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    holder = {}
    window.open_case(pid, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.assessments)
    page, tier = view.assessments.needs, view.assessments.tier
    qtbot.waitUntil(lambda: page.overview is not None and tier.view is not None, timeout=10000)
    assert "No valid needs assessment" in _change_why(tier)
    view.assessments.sections.setCurrentIndex(2)
    assert page.empty.isVisible()
    page.start_button.click()
    qtbot.waitUntil(lambda: page.form is not None and page.form.loaded, timeout=10000)
    form = page.form
    rated = len(form.sections)
    for key, section in form.sections.items():
        section.radios["severe" if key in SEVERE else "none"].setChecked(True)
    form.save_now()
    problems = lambda: [form.problems.item(i).text() for i in range(form.problems.count())]  # noqa: E731
    qtbot.waitUntil(lambda: form.saves >= 1 and not any("not rated" in p for p in problems()), timeout=10000)
    # Evidence is still missing: the problem names the field, and choosing it goes there.
    item = next(form.problems.item(i) for i in range(form.problems.count())
                if form.problems.item(i).text().startswith("Accommodation evidence"))
    form._problem_chosen(item)
    assert form.tabs.currentIndex() == 0 and form.focusWidget() is form.sections["accommodation"].evidence
    assert not form.complete_button.isEnabled()
    for key in SEVERE:
        form.sections[key].evidence.setPlainText(f"{key}: seen at interview")
    for present, _adjustment, _note in form.barriers.values():
        present.setCurrentIndex(1)  # No
    form.save_now()
    qtbot.waitUntil(lambda: form.complete_button.isEnabled(), timeout=10000)
    form.complete_button.click()
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible(), timeout=10000)
    qtbot.waitUntil(lambda: "severe" in _change_why(tier), timeout=10000)
    qtbot.waitUntil(lambda: page.section_model.rowCount() == rated, timeout=10000)
    assert "Valid for tiering until" in page.facts.text()


def test_the_needs_form_keeps_the_officers_text_on_a_clash_and_discards_only_when_asked(qtbot, make_window,
                                                                                          caseload):
    path, _pid, pid = caseload
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    holder = {}
    window.open_case(pid, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    view.sections.setCurrentWidget(view.assessments)
    view.assessments.sections.setCurrentIndex(2)
    page = view.assessments.needs
    qtbot.waitUntil(lambda: page.overview is not None, timeout=10000)
    page.start_button.click()
    qtbot.waitUntil(lambda: page.form is not None and page.form.loaded, timeout=10000)
    form = page.form
    evidence = form.sections["accommodation"].evidence
    evidence.setPlainText("Sofa surfing")
    assert form.saved_label.text() == "Saving…"
    qtbot.waitUntil(lambda: form.saves == 1, timeout=10000)  # the autosave, a moment after typing stopped
    # Another laptop's text arrives (as a sync writes it) while the officer rewrites the same field.
    on_writer(qtbot, window, needs.save_draft, form.assessment_id, {"section.accommodation.evidence": "Hostel"})
    evidence.setPlainText("Sofa surfing at his brother's")
    form.save_now()
    qtbot.waitUntil(lambda: "changed on another laptop" in form.saved_label.text(), timeout=10000)
    assert "Accommodation evidence" in form.saved_label.text() and evidence.toPlainText() == "Hostel"
    assert form.yours is not None and form.yours.isVisibleTo(form)
    assert "Sofa surfing at his brother's" in form.yours.toPlainText()
    form.sections["drugs"].evidence.setPlainText("Cannabis most days")  # typing again: no longer in red
    assert form.saved_label.text() == "Saving…" and form.saved_label.styleSheet() == HELP_STYLE

    def draft():
        return on_writer(qtbot, window, needs.needs_overview, pid).draft  # type: ignore[attr-defined]

    def answer(box: QMessageBox, text: str) -> None:
        next(b for b in box.buttons() if b.text() == text).click()

    answer(form.ask_discard(), "&Keep the draft")
    # The drugs evidence is autosaved, and only it: the refused field's base is now the other laptop's text.
    qtbot.waitUntil(lambda: form.saves == 2, timeout=10000)
    assert form.isVisible() and draft() is not None
    answer(form.ask_discard(), "&Discard draft")
    qtbot.waitUntil(lambda: not shiboken6.isValid(form) or not form.isVisible(), timeout=10000)
    assert draft() is None
