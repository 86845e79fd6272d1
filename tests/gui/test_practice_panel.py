"""A case's Inspection readiness tab through the real window (issue 21): the score as the inspectorate computes
it, unmet checks first, "Go to" (the button, Enter, a double-click) opening the screen that fixes a check, a read
again after a fix made through the service, and the empty state of a case with nothing applicable."""

from __future__ import annotations

import dataclasses
import re
import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.practice.case_panel import ReadinessPanel
from lpt_desktop.gui.practice.screens import TARGETS
from lpt_desktop.practice.checks import MET, NOT_APPLICABLE, NOT_MET, SCREENS, all_checks
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import needs, rosh_plan
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Sentence
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.gui.conftest import on_writer, unlock
from tests.gui.test_manager_queue import build, complete
from tests.plan_fill import complete_needs, new_case, ready_plan
from tests.rosh_fill import complete_screened_out

pytestmark = pytest.mark.gui
TODAY = TEST_TODAY


@pytest.fixture(scope="module")
def small_template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Three cases: one started five days ago with nothing done yet (its screening not yet due, the rest owed),
    one whose order was terminated a year ago (no check applies), and one with its plans and a new needs
    assessment in draft (the dialogs Go to opens need a plan)."""
    folder = tmp_path_factory.mktemp("readiness")
    db = create_caseload(folder / "c.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        fresh = new_case(db, TODAY - timedelta(days=5))
        ended = new_case(db, TODAY - timedelta(days=400), days=30)
        with db.read() as s:
            sid = s.scalar(select(Sentence.id).where(Sentence.person_id == ended))
        assert sid is not None
        cr.terminate_sentence(db, sid, TODAY - timedelta(days=370), "completed")
        planned = new_case(db, TODAY - timedelta(days=30))
        complete(db, planned, "M", TODAY - timedelta(days=28))
        rosh_plan.start_plan(db, planned, today=TODAY - timedelta(days=27))
        complete_needs(db, planned, TODAY - timedelta(days=27))
        ready_plan(db, planned, TODAY - timedelta(days=26))
        needs.start_assessment(db, planned, today=TODAY - timedelta(days=1))
    finally:
        db.close()
    return folder, {"fresh": fresh, "ended": ended, "planned": planned}


@pytest.fixture
def small(small_template, tmp_path) -> tuple[Path, dict[str, str]]:
    """A copy of the template for each test (tests write to it)."""
    folder, ids = small_template
    copy = tmp_path / "caseload"
    shutil.copytree(folder, copy)
    return copy / "c.lptdb", ids


def _open(qtbot, make_window, path: Path, person_id: str):
    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()
    holder: dict[str, object] = {}
    window.open_case(person_id, then=lambda v: holder.setdefault("view", v))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    view = holder["view"]
    panel: ReadinessPanel = view.show_readiness()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: panel.loaded, timeout=10000)
    return window, view, panel


def _statuses(panel: ReadinessPanel) -> dict[str, str]:
    return {r.id: r.status for r in panel.model.records}


def test_every_screen_key_has_a_target():
    """A new screen key in practice.checks.SCREENS without a target here fails (and a target for no key)."""
    assert sorted(set(SCREENS) - set(TARGETS)) == [], "screen keys with nowhere to go"
    assert sorted(set(TARGETS) - set(SCREENS)) == [], "targets for screen keys that no longer exist"
    assert all(c.screen in TARGETS for c in all_checks())


def test_unmet_first_with_the_score_and_go_to_by_button_enter_and_double_click(make_window, qtbot, small):
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["fresh"])
    records = panel.model.records
    rank = {NOT_MET: 0, MET: 1, NOT_APPLICABLE: 2}
    assert [rank[r.status] for r in records] == sorted(rank[r.status] for r in records)
    assert records[0].status == NOT_MET
    met = sum(r.status == MET for r in records)
    applicable = sum(r.status != NOT_APPLICABLE for r in records)
    assert panel.score.text() == f"{met} of {applicable} applicable checks met ({met / applicable * 100:.0f}%)"
    assert re.fullmatch(r"\d+ of \d+ applicable checks met \(\d+%\)", panel.score.text())
    # The screening is not yet due (five days in): not applicable by its rule, never not met.
    assert _statuses(panel)["rosh_screening_on_time"] == NOT_APPLICABLE
    # Each row in words: status, criterion, reason, what to do (unmet only).
    first = records[0]
    cells = [panel.model.index(0, c).data() for c in range(5)]
    assert cells[0] == "✖ Not met" and cells[1].startswith(first.check.criterion + " ")
    assert cells[3] == first.reason and cells[4] == first.check.action
    assert panel.model.index(len(records) - 1, 4).data() == ""  # nothing to do for a check that does not apply
    assert panel.table.accessibleName() == "Inspection checks"
    assert panel.go_button.accessibleName().startswith("Go to ")
    assert first.check.action in panel.detail.text()

    # The button opens the first unmet check's screen (the RoSH section for the full analysis).
    assert first.screen.startswith("rosh")
    panel.go_button.click()
    assert view.sections.currentWidget() is view.assessments
    assert view.assessments.rosh.isVisible()

    # Enter on a row: the sentence plan's row goes to the Plans tab's sentence plan.
    view.show_readiness()
    row = next(i for i, r in enumerate(panel.model.records) if r.screen == "sentence_plan")
    panel.table.setCurrentIndex(panel.model.index(row, 0))
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert view.sections.currentWidget() is view.plans
    assert view.plans.sentence.isVisible()

    # A double-click on a needs row goes to the needs section.
    view.show_readiness()
    row = next(i for i, r in enumerate(panel.model.records) if r.screen.startswith("needs_"))
    panel.table.scrollTo(panel.model.index(row, 2))
    qtbot.wait(20)
    rect = panel.table.visualRect(panel.model.index(row, 2))
    # As a real double-click arrives: a press first (QTest's double-click alone has none).
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert view.assessments.needs.isVisible()


def test_go_to_opens_the_screen_for_each_key(make_window, qtbot, small):
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["fresh"])
    base = {r.id: r for r in panel.model.records}
    contacts = view.contacts
    assert contacts is not None

    def go(key: str, check_id: str = "plan_outcome_focused") -> str:
        view.show_readiness()
        return panel.go_to(dataclasses.replace(base[check_id], screen=key))

    go("rosh_review")
    assert view.assessments.rosh.isVisible()
    go("needs_barriers")
    assert view.assessments.needs.isVisible()
    go("risk_plan")
    assert view.plans.risk.isVisible()
    go("risk_plan_sharing")  # no plan yet: the page, its Start plan in focus
    assert view.plans.risk.isVisible()
    go("sentence_plan_goals")
    assert view.plans.sentence.isVisible()
    go("sentence_plan_agreement")  # no plan yet: the page (the agreement dialog needs a plan)
    assert view.plans.sentence.isVisible()
    assert go("countersign", "risk_plan_countersigned") == "Risk management plan"
    assert view.plans.risk.isVisible()
    go("registers")
    assert view.registers.isVisible()
    go("contacts")
    assert contacts.isVisible()
    go("enforcement")
    assert contacts.isVisible() and contacts.enforcement_filter.currentData() == "open"
    # An officer's laptop: the oversight contacts recorded, and the manager records a new one.
    assert go("oversight") == "Contacts: management oversight"
    assert contacts.type_filter.currentData() == "MO1"
    go("home_visit")
    qtbot.waitUntil(lambda: contacts.entry.isVisible() and contacts.entry.type.currentData() == "CHVS",
                    timeout=10000)
    go("victim_contact")
    qtbot.waitUntil(lambda: contacts.entry.isVisible() and contacts.entry.type.currentData() == "CVIC",
                    timeout=10000)


def test_go_to_opens_the_dialog_or_form_page_that_records_the_fix(make_window, qtbot, small):
    """With the plans and a needs draft read: the sharing and agreement dialogs, the needs form at its page."""
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["planned"])
    base = panel.model.records[0]
    risk, sentence, needs_page = view.plans.risk, view.plans.sentence, view.assessments.needs
    qtbot.waitUntil(lambda: risk.plan is not None and sentence.plan is not None
                    and needs_page.overview is not None, timeout=10000)

    def go(key: str) -> str:
        view.show_readiness()
        return panel.go_to(dataclasses.replace(base, screen=key))

    assert go("risk_plan_sharing") == "Risk management plan: shared with"
    assert risk.dialog is not None and risk.dialog.isVisible()
    risk.dialog.reject()
    assert go("sentence_plan_agreement") == "Sentence plan: their words and agreement"
    assert sentence.dialog is not None and sentence.dialog.isVisible()
    sentence.dialog.reject()
    assert go("needs_skills") == "Needs: Skills for Life"
    form = needs_page.form
    assert form is not None and form.isVisible()
    assert form.tabs.tabText(form.tabs.currentIndex()).replace("&", "") == "Skills for Life"
    form.reject()


def test_a_fix_through_the_service_is_read_again(make_window, qtbot, small):
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["fresh"])
    assert _statuses(panel)["rosh_sources"] == NOT_MET
    before = panel.reads
    on_writer(qtbot, window, complete_screened_out, ids["fresh"], TODAY, "L")
    qtbot.waitUntil(lambda: _statuses(panel).get("rosh_sources") == MET, timeout=10000)
    assert panel.reads > before
    statuses = _statuses(panel)
    assert statuses["rosh_screening_on_time"] == MET
    # The case has no offence recorded: whether it meets the MAPPA criteria is not known, so not met (review 21
    # item 1: missing data is never "not applicable"); everything else that applies is met.
    assert panel.score.text() == "3 of 4 applicable checks met (75%)"
    assert [(r.id, r.status) for r in panel.model.records[:2]] == [("mappa_identified", NOT_MET),
                                                                    ("rosh_screening_on_time", MET)]
    assert "The offence is not recorded" in panel.model.records[0].reason


def test_a_hidden_tab_reads_again_when_shown(make_window, qtbot, small):
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["fresh"])
    view.show_personal()
    before = panel.reads
    on_writer(qtbot, window, complete_screened_out, ids["fresh"], TODAY, "L")
    qtbot.wait(50)
    assert panel.reads == before  # not read while hidden
    # Alt+K from anywhere in the case brings the tab forward (every letter of its title is taken elsewhere).
    window.activateWindow()
    view.personal.setFocus()
    qtbot.keyClick(view.personal, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert view.sections.currentWidget() is panel
    assert "Alt+K" in view.sections.tabToolTip(view.sections.indexOf(panel))
    qtbot.waitUntil(lambda: _statuses(panel).get("rosh_sources") == MET, timeout=10000)


def test_a_case_with_nothing_applicable_says_so(make_window, qtbot, small):
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["ended"])
    assert panel.body.currentWidget() is panel.empty
    assert panel.empty.isVisible()
    assert "No inspection check applies to this case" in panel.empty.text()
    assert "No sentence or order in force" in panel.empty.text()
    assert panel.score.text() == "No check applies to this case"
    assert "checks are not applicable" in panel.explain.text()
    assert not panel.go_button.isEnabled() and not panel.go_button.isVisible()
    # The day shown is the day the audit was worked out for, not the day it is shown on.
    audit = panel.audit
    panel.show_audit(audit, TEST_TODAY - timedelta(days=3))
    assert panel.explain.text().startswith(f"As of {format_date(TEST_TODAY - timedelta(days=3))}.")
    # No audit at all (the case is not among the caseload's cases that day) is said as such, not "All 0 checks".
    panel.show_audit(None, TEST_TODAY)
    assert "could not be audited" in panel.explain.text() and "All 0" not in panel.explain.text()
    assert "could not be audited" in panel.empty.text() and "Nothing to check yet" not in panel.empty.text()
    assert panel.body.currentWidget() is panel.empty and not panel.go_button.isVisible()


@pytest.fixture(scope="module")
def team_files(tmp_path_factory) -> dict[str, tuple[Path, dict[str, str]]]:
    """A team manager's file (high RoSH work awaiting countersignature) and an officer's (work returned)."""
    out = {}
    for who in ("manager", "officer"):
        path = tmp_path_factory.mktemp(who) / "c.lptdb"
        out[who] = (path, build(path, manager=who == "manager"))
    return out


def _copy(source: Path, tmp_path: Path) -> Path:
    for f in source.parent.iterdir():
        if f.name.startswith(source.name):
            shutil.copy(f, tmp_path / f.name)
    return tmp_path / source.name


def test_go_to_on_a_managers_laptop_and_to_returned_work(make_window, qtbot, team_files, tmp_path):
    """The window's parts through the host: the oversight note and the countersign queue on a manager's laptop;
    the returned work list on an officer's whose work came back."""
    path, ids = team_files["manager"]
    (tmp_path / "m").mkdir()
    window, view, panel = _open(qtbot, make_window, _copy(path, tmp_path / "m"), ids["high"])
    desk = window.feature("manager")
    qtbot.waitUntil(lambda: desk.actor is not None and desk.is_manager, timeout=10000)
    assert panel.host is not None
    base = panel.model.records[0]
    assert panel.go_to(dataclasses.replace(base, screen="oversight")) == "Record oversight"
    assert desk.dialog is not None and desk.dialog.isVisible()
    desk.dialog.reject()
    assert panel.go_to(dataclasses.replace(base, screen="countersign")) == "Countersign queue"
    assert desk.queue is not None and desk.queue.isVisible()
    window.close()

    path, ids = team_files["officer"]
    (tmp_path / "o").mkdir()
    window, view, panel = _open(qtbot, make_window, _copy(path, tmp_path / "o"), ids["case"])
    qtbot.waitUntil(lambda: view.returned_button.isVisible(), timeout=10000)
    desk = window.feature("manager")
    assert panel.go_to(dataclasses.replace(panel.model.records[0], screen="countersign")) == "Returned work"
    assert desk.returns is not None and desk.returns.isVisible()


def test_the_checklist_exports_as_a_pdf_from_the_panel(make_window, qtbot, small, tmp_path):
    """Follow-up to review 21: an "Export checklist as PDF" button on the panel, through the window's export (the
    unprotected-file warning first, then where to save)."""
    from PySide6.QtWidgets import QMessageBox

    from tests.pdftext import pdf_text

    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["fresh"])
    assert panel.host is not None and panel.export_button.isEnabled()
    export = window.feature("practice_export")
    out = tmp_path / "out"
    out.mkdir()
    export.choose_path = lambda kind, suggested: str(out / suggested)
    panel.export_button.click()
    box = export.warning
    assert isinstance(box, QMessageBox)
    qtbot.waitUntil(box.isVisible, timeout=10000)
    assert box.windowTitle() == "Unprotected file"
    box.button(QMessageBox.StandardButton.Save).click()
    qtbot.waitUntil(lambda: len(export.written) == 1, timeout=10000)
    assert panel.audit is not None
    assert f"Inspection readiness: {panel.audit.name} ({panel.audit.crn})" in " ".join(
        pdf_text(export.written[0]).split())
    window.close()


@pytest.fixture(scope="module")
def barriers_file(tmp_path_factory) -> tuple[Path, str]:
    """One case whose completed needs assessment left every barrier to engagement unanswered (no draft)."""
    from lpt_desktop.assessment.needs import needs_data
    from tests.plan_fill import rated

    folder = tmp_path_factory.mktemp("barriers")
    db = create_caseload(folder / "c.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        pid = new_case(db, TODAY - timedelta(days=40))
        fields = rated(**{f"barrier.{b.key}.present": None for b in needs_data().barriers})
        aid = needs.start_assessment(db, pid, today=TODAY - timedelta(days=35))
        needs.save_draft(db, aid, fields, TODAY - timedelta(days=35))
        needs.complete_assessment(db, aid, today=TODAY - timedelta(days=35))
    finally:
        db.close()
    return folder / "c.lptdb", pid


def _tab(form) -> str:
    return form.tabs.tabText(form.tabs.currentIndex()).replace("&", "")


def test_go_to_for_the_diversity_check_opens_the_barriers_page(make_window, qtbot, barriers_file, small):
    """Follow-up to issue 21: Go to for diversity_assessed opens the needs form at its Barriers page: the completed
    assessment read-only when there is no draft (it used to stop at the Needs tab with Start in focus), a draft
    open to answer it, also while the needs page's own read is still on its way."""
    path, pid = barriers_file
    window, view, panel = _open(qtbot, make_window, path, pid)
    needs_page = view.assessments.needs
    row = next(i for i, r in enumerate(panel.model.records) if r.id == "diversity_assessed")
    r = panel.model.records[row]
    assert r.status == NOT_MET and r.screen == "needs_barriers" and "Not assessed" in r.reason
    panel.table.setCurrentIndex(panel.model.index(row, 0))
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert view.assessments.needs.isVisible()
    qtbot.waitUntil(lambda: needs_page.form is not None and needs_page.form.isVisible(), timeout=10000)
    form = needs_page.form
    assert form is not None and form.read_only and _tab(form) == "Barriers"
    form.reject()
    window.close()

    # A draft open: the draft at its Barriers page, to answer them there.
    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["planned"])
    needs_page = view.assessments.needs
    needs_page.overview = None  # as while its first read is on its way: Go to reads it itself
    assert panel.go_to(dataclasses.replace(panel.model.records[0], screen="needs_barriers")) == "Needs: Barriers"
    qtbot.waitUntil(lambda: needs_page.form is not None and needs_page.form.isVisible(), timeout=10000)
    assert not needs_page.form.read_only and _tab(needs_page.form) == "Barriers"
    needs_page.form.reject()


def test_go_to_the_registers_then_enter_adds_a_register_and_the_line_goes(make_window, qtbot, small):
    """Follow-up to issue 21: after Go to the registers, Add register… has the focus and Enter presses it; the
    panel's "Opened Registers for: …" line is gone once back on the tab (it stayed, stale)."""
    from lpt_desktop.gui.case_record.registers_panel import AddRegisterDialog

    path, ids = small
    window, view, panel = _open(qtbot, make_window, path, ids["fresh"])
    assert panel.go_to(dataclasses.replace(panel.model.records[0], screen="registers")) == "Registers"
    assert panel.message.text().startswith("Opened Registers for: ")
    registers = view.registers
    assert registers.isVisible()
    assert window.focusWidget() is registers.add_button
    qtbot.keyClick(registers.add_button, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(registers.dialog, AddRegisterDialog) and registers.dialog.isVisible(),
                    timeout=5000)
    registers.dialog.reject()
    view.show_readiness()
    assert panel.message.text() == ""
    # The line stands while its check is chosen, and goes when another is chosen.
    panel.go_to(panel.model.records[0])
    view.show_readiness()
    panel.go_button.click()
    assert panel.message.text().startswith("Opened ")
    panel.table.setCurrentIndex(panel.model.index(1, 0))
    assert panel.message.text() == ""
