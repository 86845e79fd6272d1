"""One set of unique Alt+letter mnemonics and shortcuts per window, checked by walking the real window.

In the contact form Alt+R (absence reason) jumped to the Registers tab and Alt+P (present) to Personal details;
Alt+C and Alt+O opened the Case and Court menus. A scope is a window or dialog and everything visible in it
without leaving it (the menu bar's titles, the tab titles, the current tab's page, labels with a buddy,
buttons, check boxes, group boxes); a menu is its own scope for its items. Alt+letter shortcuts count as
mnemonics; any duplicate fails, naming both widgets."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QGroupBox,
    QLabel,
    QMainWindow,
    QMenu,
    QTabBar,
    QWidget,
)

from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock

pytestmark = pytest.mark.gui


def mnemonic(text: str) -> str | None:
    """The letter after a single '&' ('&&' is a literal ampersand), upper case; None when there is none."""
    i = 0
    while i < len(text) - 1:
        if text[i] == "&":
            if text[i + 1] == "&":
                i += 2
                continue
            return text[i + 1].upper()
        i += 1
    return None


def _name(w: object, text: str) -> str:
    kind = type(w).__name__
    return f"{kind} '{text.replace('&', '')}'"


def _shown(w: QWidget, top: QWidget) -> bool:
    return w.isVisibleTo(top) and w.window() is top


def scope_keys(top: QWidget) -> dict[str, list[str]]:
    """Alt+letter (or a shortcut's text) -> the widgets that use it, within one window."""
    keys: dict[str, list[str]] = {}

    def add(key: str | None, who: str) -> None:
        if key:
            keys.setdefault(key, []).append(who)

    if isinstance(top, QMainWindow) and top.menuBar().isVisible():
        for action in top.menuBar().actions():
            if action.isVisible():
                add(mnemonic(action.text()), f"menu '{action.text().replace('&', '')}'")
    for label in top.findChildren(QLabel):
        if label.buddy() is not None and _shown(label, top):
            add(mnemonic(label.text()), _name(label, label.text()))
    for button in top.findChildren(QAbstractButton):
        if _shown(button, top) and not isinstance(button.parent(), QTabBar):
            add(mnemonic(button.text()), _name(button, button.text()))
    for box in top.findChildren(QGroupBox):
        if _shown(box, top):
            add(mnemonic(box.title()), _name(box, box.title()))
    for bar in top.findChildren(QTabBar):
        if _shown(bar, top):
            for i in range(bar.count()):
                if bar.isTabVisible(i):
                    add(mnemonic(bar.tabText(i)), f"tab '{bar.tabText(i).replace('&', '')}'")
    # Shortcuts: the window's actions (menus included) and QShortcuts of the widgets on show.
    actions: set[int] = set()
    for action in top.findChildren(QAction):
        if id(action) in actions:
            continue
        actions.add(id(action))
        for seq in action.shortcuts():
            add(_alt_letter(seq) or seq.toString(), f"action '{action.text().replace('&', '')}'")
    for shortcut in top.findChildren(QShortcut):
        parent = shortcut.parent()
        if isinstance(parent, QWidget) and (parent is top or _shown(parent, top)) and shortcut.isEnabled():
            for seq in (shortcut.key(), *shortcut.keys()[1:]):
                if not seq.isEmpty():
                    add(_alt_letter(seq) or seq.toString(), f"shortcut {seq.toString()} of {_name(parent, '')}")
    # One shortcut listed twice by the same thing (an action's alternatives) is not a clash.
    return {k: sorted(set(v)) if len(set(v)) == 1 else v for k, v in keys.items()}


def _alt_letter(seq: QKeySequence) -> str | None:
    text = seq.toString()
    if text.startswith("Alt+") and len(text) == 5:
        return text[-1].upper()
    return None


def clashes(top: QWidget) -> list[str]:
    found: list[str] = []
    for key, users in scope_keys(top).items():
        if len(users) > 1:
            found.append(f"{'Alt+' + key if len(key) == 1 else key}: " + " and ".join(users))
    for menu in top.findChildren(QMenu):
        letters: dict[str, list[str]] = {}
        for action in menu.actions():
            if action.isVisible() and not action.isSeparator():
                letter = mnemonic(action.text())
                if letter:
                    letters.setdefault(letter, []).append(action.text().replace("&", ""))
        for letter, users in letters.items():
            if len(users) > 1:
                found.append(f"menu '{menu.title().replace('&', '')}' Alt+{letter}: " + " and ".join(users))
    return found


def test_mnemonic_reading():
    assert mnemonic("&When") == "W"
    assert mnemonic("Absence &reason") == "R"
    assert mnemonic("Tom && Jerry") is None
    assert mnemonic("Tom && &Jerry") == "J"
    assert mnemonic("No key") is None


def test_a_clash_is_found_and_named(qtbot):
    from PySide6.QtWidgets import QCheckBox, QFormLayout, QLineEdit, QPushButton

    top = QWidget()
    qtbot.addWidget(top)
    form = QFormLayout(top)
    form.addRow("Absence &reason", QLineEdit())
    form.addRow(QCheckBox("&Remanded"))
    form.addRow(QPushButton("&Save"))
    top.show()
    assert clashes(top) == ["Alt+R: QLabel 'Absence reason' and QCheckBox 'Remanded'"]


def _open_case(qtbot, window):
    rec = window.caseload_view.model.records[0]
    holder = {}
    window.open_case(rec.person_id, then=lambda view: holder.setdefault("view", view))
    qtbot.waitUntil(lambda: "view" in holder, timeout=10000)
    return holder["view"]


def _walk_tabs(qtbot, window, within: QWidget, problems: list[str], path: str = "") -> set[str]:
    """Choose each tab of each tab bar on show inside `within`, and each tab bar that choosing shows, checking
    the whole window's letters at each; the titles walked."""
    walked: set[str] = set()
    bars = [b for b in within.findChildren(QTabBar) if b.isVisibleTo(window)]
    for bar in bars:
        if any(b is not bar and b.isAncestorOf(bar) for b in bars):
            continue
        seen = {id(b) for b in within.findChildren(QTabBar) if b.isVisibleTo(window)}
        for i in range(bar.count()):
            if not bar.isTabVisible(i):
                continue
            bar.setCurrentIndex(i)
            qtbot.wait(60)
            title = bar.tabText(i).replace("&", "")
            where = f"{path}{title}"
            walked.add(title)
            problems += [f"case tab '{where}': {c}" for c in clashes(window)]
            for inner in within.findChildren(QTabBar):
                if id(inner) not in seen and inner.isVisibleTo(window) and inner is not bar:
                    seen.add(id(inner))
                    page = inner.parentWidget()
                    if page is not None:
                        walked |= _walk_nested(qtbot, window, inner, problems, f"{where} > ")
    return walked


def _walk_nested(qtbot, window, bar: QTabBar, problems: list[str], path: str) -> set[str]:
    walked: set[str] = set()
    for i in range(bar.count()):
        if not bar.isTabVisible(i):
            continue
        bar.setCurrentIndex(i)
        qtbot.wait(200)  # the page reads its figures when first shown: its buttons then show
        title = bar.tabText(i).replace("&", "")
        walked.add(title)
        problems += [f"case tab '{path}{title}': {c}" for c in clashes(window)]
    return walked


def test_main_window_every_tab_and_the_contact_form(make_window, qtbot, demo_db):
    window = make_window(demo_db)
    problems: list[str] = [f"locked: {c}" for c in clashes(window)]
    unlock(qtbot, window, PASSPHRASE)
    if window.last_message is not None and window.last_message.isVisible():
        window.last_message.close()
    problems += [f"caseload: {c}" for c in clashes(window)]
    view = _open_case(qtbot, window)
    tabs = view.findChild(QTabBar)
    walked = _walk_tabs(qtbot, window, view, problems)
    # Every tab, the tabs within tabs too: the bars were listed once, before any tab was chosen, so the tabs
    # inside Assessments (Tier, RoSH, Needs) and Plans were never shown and their buttons never compared with
    # the menu bar's letters (review 21: Alt+O on the Needs page was thought to clash with the Court menu).
    assert {"Assessments", "Tier", "RoSH", "Needs", "Plans", "Inspection readiness"} <= walked, walked
    contacts = view.show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=10000)
    window.activateWindow()
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: contacts.entry.isVisible(), timeout=5000)
    # Every outcome shows a different set of fields: a failure shows the enforcement ones.
    for i in range(contacts.entry.outcome.count()):
        contacts.entry.outcome.setCurrentIndex(i)
        problems += [f"contact form ({contacts.entry.outcome.currentText()}): {c}" for c in clashes(window)]
    assert tabs is not None
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


def test_every_dialog(make_window, qtbot, demo_db, prefs, tmp_path):
    from lpt_desktop.gui.appointment_dialog import AppointmentDialog
    from lpt_desktop.gui.contact_log import DecisionDialog
    from lpt_desktop.gui.court_dialogs import PreSentenceDialog, PromoteDialog, RequestDialog
    from lpt_desktop.gui.dialogs import ChangePassphraseDialog, NoteTemplatesDialog, PreferencesDialog
    from lpt_desktop.gui.enrol_dialog import EnrolDialog
    from lpt_desktop.gui.first_run import NewCaseloadDialog
    from lpt_desktop.gui.obligations_view import Frequency, FrequencyDialog
    from lpt_desktop.gui.report_editor import ExportDialog

    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    view = _open_case(qtbot, window)
    contacts = view.show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=10000)
    failure = next((c for c in contacts.model.records if c.is_failure), contacts.model.records[0])
    people = [(r.person_id, f"{r.crn} {r.name}") for r in window.caseload_view.model.records]
    request = SimpleNamespace(name="Robin Testperson", pre_sentence_id="x", person_id=None, id="r",
                              court="", lja="", hearing_date=None)
    runner = window.features["sync"].runner if "sync" in window.features else None
    makers = {
        "Preferences": lambda: PreferencesDialog(prefs, window.ops, window),
        "Change passphrase": lambda: ChangePassphraseDialog(demo_db, window.ops, lambda: None, window),
        "Note templates": lambda: NoteTemplatesDialog({"Supervision": "Progress:"}, lambda n, b: None, window),
        "Set up sync": lambda: EnrolDialog(runner, "https://lpt-central.example", "officer", window),
        "Book appointment": lambda: AppointmentDialog(window.ops, people, parent=window),
        "Enforcement decision": lambda: DecisionDialog(failure, "community", window),
        "New pre-sentence record": lambda: PreSentenceDialog(window, lambda i, n: None),
        "New report request": lambda: RequestDialog(window, window.caseload_view.model.records, [],
                                                    lambda i: None),
        "Make a case": lambda: PromoteDialog(window, request, lambda i: None),
        "New caseload": lambda: NewCaseloadDialog(tmp_path / "new.lptdb", window.ops, lambda p: None, window),
        "Contact frequency": lambda: FrequencyDialog([Frequency("contact", "Contact", None, 28)], window),
        "Export report": lambda: ExportDialog(window),
        # The editable case record's dialogs (gui/case_record/dialogs.py)
        **{f"Case record: {title}": make for title, make in _case_record_dialogs(window, view).items()},
        **{f"Case record: {title}": make for title, make in _register_and_sentence_dialogs(window, view).items()},
        **{f"Tier: {title}": make for title, make in _tier_dialogs(window, view).items()},
        **{f"Plan: {title}": make for title, make in _plan_dialogs(window).items()},
        **{f"Sentence plan: {title}": make for title, make in _sentence_plan_dialogs(window, view).items()},
        **{f"Manager: {title}": make for title, make in _manager_dialogs(window, view).items()},
    }
    problems: list[str] = []
    for title, make in makers.items():
        try:
            dialog = make()
        except TypeError as e:  # a constructor changed: say which, rather than skip it silently
            problems.append(f"{title}: could not be made ({e})")
            continue
        dialog.show()
        qtbot.wait(10)
        problems += [f"{title}: {c}" for c in clashes(dialog)]
        dialog.close()
        dialog.deleteLater()
    assert problems == [], "\n".join(problems)


def _manager_dialogs(window, view) -> dict:
    """The team manager's (issue 19): oversight, a tier override's decision, a return's comment, and the review
    of a plan (the review of a RoSH assessment, with the form beside it, is checked in test_manager_queue)."""
    from datetime import date

    from lpt_desktop.gui.manager.override_dialog import OverrideDialog
    from lpt_desktop.gui.manager.oversight_dialog import OversightDialog
    from lpt_desktop.gui.manager.review_dialog import ReturnDialog, ReviewDialog

    def item(kind: str) -> SimpleNamespace:
        return SimpleNamespace(target_kind=kind, target_id="x", kind_label="Risk management plan", name="Sam Riley",
                               crn="X1", level="H", level_label="High", status="awaiting_countersignature",
                               status_label="Awaiting countersignature", author="om1", author_name="Alex Morgan",
                               submitted_on=date(2026, 11, 20), days_waiting=3, why="High RoSH")

    return {
        "Record oversight": lambda: OversightDialog(window.ops, window.caseload_records(), view.case.person_id,
                                                    window),
        "Tier override": lambda: OverrideDialog(window.ops, item("tier_decision"), window),
        "Return to officer": lambda: ReturnDialog(window.ops, item("risk_plan"), window),
        "Review a plan": lambda: ReviewDialog(window.ops, item("risk_plan"), window),
    }


def _case_record_dialogs(window, view):
    from lpt_desktop.gui.case_record import dialogs
    from lpt_desktop.services.case_record import end_address

    person, ops = view.case.person_id, window.ops
    return {
        "New main address": lambda: dialogs.AddressDialog(ops, person, "main", window),
        "Approved premises": lambda: dialogs.AddressDialog(ops, person, "approved_premises", window),
        "Secondary address": lambda: dialogs.AddressDialog(ops, person, "secondary", window),
        "No fixed abode": lambda: dialogs.NoFixedAbodeDialog(ops, person, window),
        "End address": lambda: dialogs.EndDateDialog(ops, "End address", "", "To", end_address, "x", window),
        "Other name": lambda: dialogs.AliasDialog(ops, person, window),
        "Disability": lambda: dialogs.DisabilityDialog(ops, person, window),
        "Personal contact": lambda: dialogs.PersonalContactDialog(ops, person, parent=window),
        "Circumstances": lambda: dialogs.CircumstanceDialog(ops, person, parent=window),
    }


def _register_and_sentence_dialogs(window, view) -> dict:
    """Registers, sentence events and New case (gui/case_record): a form per kind of change."""
    from datetime import date

    from lpt_desktop.gui.case_record.new_case_dialog import NewCaseDialog
    from lpt_desktop.gui.case_record.registers_panel import (
        AddRegisterDialog,
        EndRegisterDialog,
        ReviewRegisterDialog,
    )

    def with_category() -> AddRegisterDialog:
        dialog = AddRegisterDialog(window.ops, view.case.person_id, window)
        dialog.type.setCurrentIndex(dialog.type.findData("MAPP"))  # the category and level rows show
        return dialog

    register = SimpleNamespace(id="r", type_code="MAPP", label="MAPPA", start_date=date(2026, 1, 5),
                               next_review_date=date(2026, 4, 5), ended_on=None)
    from lpt_desktop.gui.case_record import sentence_dialogs as sd

    licence = SimpleNamespace(id="s", order_type="LIC", order_label="Licence", start_date=date(2026, 1, 5),
                              end_date=None, recalled_on=date(2026, 3, 1), current_conditions=(("c", "Reside"),),
                              requirements=(SimpleNamespace(id="q", label="Unpaid work", summary="", end_date=None),))
    person = view.case.person_id
    return {
        "New order or licence": lambda: sd.NewSentenceDialog(window.ops, person, window),
        "Release on licence": lambda: sd.ReleaseDialog(window.ops, person, window),
        "Transfer in or out": lambda: sd.TransferDialog(window.ops, person, window),
        "Recall": lambda: sd.RecallDialog(window.ops, licence, window),
        "Re-release after recall": lambda: sd.ReReleaseDialog(window.ops, licence, window),
        "Terminate": lambda: sd.TerminateDialog(window.ops, licence, window),
        "Licence ended": lambda: sd.LicenceEndedDialog(window.ops, licence, window),
        "Vary licence": lambda: sd.VaryLicenceDialog(window.ops, licence, window),
        "Requirement started or ended": lambda: sd.RequirementDialog(window.ops, licence, window),
        "Add register": with_category,
        "Record register review": lambda: ReviewRegisterDialog(window.ops, register, window),
        "End register": lambda: EndRegisterDialog(window.ops, register, window),
        "New case": lambda: NewCaseDialog(window.ops, lambda _p: None, window),
    }


def _tier_dialogs(window, view) -> dict:
    """The case's tier page: override the suggestion (both schemes' tier lists) and record predictor scores."""
    from lpt_desktop.gui.assessments.tier_dialogs import OverrideTierDialog, RecordScoresDialog

    def tier_view(scheme: str, tier: str) -> SimpleNamespace:
        return SimpleNamespace(person_id=view.case.person_id, scheme=scheme, scheme_label=scheme,
                               suggested=SimpleNamespace(tier=tier))

    return {
        "Override (2026)": lambda: OverrideTierDialog(window.ops, tier_view("2026", "C"), window),
        "Override (A-D)": lambda: OverrideTierDialog(window.ops, tier_view("ab03", "B2"), window),
        "Record predictor scores": lambda: RecordScoresDialog(window.ops, view.case.person_id, window),
    }


def _plan_dialogs(window) -> dict:
    """The risk management plan's forms: add or change an action, record who the plan was shared with."""
    from datetime import date

    from lpt_desktop.gui.plans.action_dialog import ActionDialog
    from lpt_desktop.gui.plans.sharing_dialog import SharingDialog
    from lpt_desktop.services.rosh_plan import ActionView

    action = ActionView("a", "p", "supervision", "Supervision", 1, "Police", "Visit & check", date(2026, 12, 1),
                        None, (), ())
    return {
        "Add action": lambda: ActionDialog(window.ops, "p", parent=window),
        "Change action": lambda: ActionDialog(window.ops, "p", action, parent=window),
        "Shared with": lambda: SharingDialog(window.ops, "p", window),
    }


def _sentence_plan_dialogs(window, view) -> dict:
    """The sentence plan's forms (issue 20) and the needs assessment form."""
    from datetime import date

    from lpt_desktop.gui.assessments.needs_form import NeedsForm
    from lpt_desktop.gui.plans.agreement_dialog import AgreementDialog
    from lpt_desktop.gui.plans.goal_dialog import GoalDialog, GoalStatusDialog
    from lpt_desktop.gui.plans.plan_review_dialog import PlanReviewDialog
    from lpt_desktop.gui.plans.step_dialog import StepDialog

    goal = SimpleNamespace(id="g", number=1, title="A settled home", area="accommodation", related_areas=(),
                           outcome="Attend housing", target_choice="date", target_date=date(2027, 1, 4),
                           rosh_link=False, learning_plan=False, status="active", status_label="Active")
    step = SimpleNamespace(id="s", what="Register", who="partnership_agency", partner="womens_centre",
                           who_name="", by_when=None, status="not_started")
    plan = SimpleNamespace(id="p", person_id=view.case.person_id, person_name="Sam Riley", persons_words="",
                           involvement="", agreement=None, status="draft", ready_to_agree=True, not_ready_because=(),
                           reviews=(), goals=(goal,))
    return {
        "Add goal": lambda: GoalDialog(window.ops, "p", parent=window),
        "Change goal": lambda: GoalDialog(window.ops, "p", goal, parent=window),
        "Goal status": lambda: GoalStatusDialog(window.ops, goal, parent=window),
        "Add step": lambda: StepDialog(window.ops, goal, parent=window),
        "Change step": lambda: StepDialog(window.ops, goal, step, parent=window),
        "Agreement": lambda: AgreementDialog(window.ops, plan, parent=window),
        "Review": lambda: PlanReviewDialog(window.ops, plan, parent=window),
        "Needs assessment form": lambda: NeedsForm(window.ops, "x", view),
    }


def _rosh_dialogs(qtbot, window, view) -> dict:
    """The RoSH form at each step with letters of its own (a review, so every step shows), and Compare."""
    from datetime import date

    from lpt_desktop.gui.assessments import rosh_form
    from lpt_desktop.gui.assessments.rosh_page import CompareDialog
    from lpt_desktop.services import rosh
    from tests.gui.conftest import on_writer

    person = view.case.person_id
    history = rosh.assessment_history(window.ops.db, person)
    draft = next((h.id for h in history if h.status == "draft"), None) or \
        on_writer(qtbot, window, rosh.start_assessment, person)

    def at(step: int):
        def make():
            form = rosh_form.RoshForm(window.ops, draft, view)
            qtbot.waitUntil(lambda: form.loaded, timeout=10000)
            form.steps.item(rosh_form.CARRIED).setHidden(False)
            form.go(step)
            form.gate.show()  # the gate's letters, as when an answer triggers it
            form.acknowledge.show()
            return form
        return make

    item = SimpleNamespace(id="a", kind="review", status="complete", started_on=date(2026, 1, 5),
                           completed_on=date(2026, 1, 5), completed_by="A", level="M", by_report_writer=False,
                           confirmation=None, countersign_status="unsigned")
    return {
        **{f"Assessment form, {name} step": at(i) for i, name in enumerate(rosh_form.STEPS)},
        "Compare": lambda: CompareDialog(window.ops, [item, SimpleNamespace(**{**vars(item), "id": "b"})], window),
    }


def test_every_other_tab_of_the_window(make_window, qtbot, demo_db):
    """This week, the calendar, compliance, the court work list and a report in the editor."""
    from tests.gui.test_court_gui import _add_requests, _court, _open_editor

    ids = _add_requests(demo_db)
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    standards = window.features["standards"]
    for action in (standards.this_week_action, standards.calendar_action, standards.compliance_action):
        action.trigger()
        qtbot.wait(200)
    _open_editor(qtbot, window, ids["later"])
    assert _court(window).list_view is not None
    problems: list[str] = []
    assert window.tabs.count() >= 5
    for i in range(window.tabs.count()):
        window.tabs.setCurrentIndex(i)
        qtbot.wait(50)
        problems += [f"tab '{window.tabs.tabText(i)}': {c}" for c in clashes(window)]
    assert sorted(set(problems)) == [], "\n".join(sorted(set(problems)))


def test_alt_keys_in_the_contact_form_reach_its_fields(make_window, qtbot, demo_db):
    """Alt+P and Alt+R went to the Personal details and Registers tabs; Alt+O opened the Court menu."""
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    view = _open_case(qtbot, window)
    contacts = view.show_contacts()
    qtbot.waitUntil(lambda: contacts.model.rowCount() > 0, timeout=10000)
    qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    entry = contacts.entry
    qtbot.waitUntil(lambda: entry.isVisible() and QApplication.focusWidget() is entry.outcome, timeout=5000)
    from lpt_desktop.domain.contacts import contact_codes

    absence = next(o.code for o in contact_codes().outcomes.values() if o.needs_reason)
    entry.outcome.setCurrentIndex(entry.outcome.findData(absence))  # the absence reason is enabled
    assert entry.reason.isEnabled()
    tab = view.sections.currentIndex()
    alt = Qt.KeyboardModifier.AltModifier
    # The Contacts tab has its own key again (it shared Alt+O with the Court menu).
    view.sections.setCurrentIndex(0)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, alt)
    assert view.sections.currentIndex() == tab
    for key, field in ((Qt.Key.Key_P, entry.present), (Qt.Key.Key_R, entry.reason), (Qt.Key.Key_W, entry.when.edit),
                       (Qt.Key.Key_L, entry.location), (Qt.Key.Key_N, entry.notes), (Qt.Key.Key_U, entry.outcome)):
        qtbot.keyClick(QApplication.focusWidget(), key, alt)
        assert QApplication.focusWidget() is field, QKeySequence(key | alt).toString()
        assert view.sections.currentIndex() == tab  # still on Contacts
        assert window.menuBar().activeAction() is None  # no menu opened


def test_alt_keys_on_the_rosh_and_needs_pages(make_window, qtbot, demo_db):
    """Review 21: 'Alt+O on the RoSH tab opens the Court menu, not Open'. Alt+O is the Court menu's letter (C&ourt);
    the pages' Open buttons are O&pen, Alt+P, which presses them. Pressed as keys, not read from the text."""
    window = make_window(demo_db)
    unlock(qtbot, window, PASSPHRASE)
    window.activateWindow()
    view = _open_case(qtbot, window)
    page = view.assessments
    view.sections.setCurrentWidget(page)
    alt = Qt.KeyboardModifier.AltModifier
    for index, button in ((1, page.rosh.open_button), (2, page.needs.open_button)):
        page.sections.setCurrentIndex(index)
        qtbot.waitUntil(button.isVisible, timeout=10000)
        assert mnemonic(button.text()) == "P"
        button.setEnabled(True)  # pressed or not, whatever is chosen: the key is what is tested
        pressed: list[bool] = []
        button.clicked.disconnect()
        button.clicked.connect(lambda *_a, p=pressed: p.append(True))
        page.sections.setFocus()
        qtbot.waitUntil(window.isActiveWindow, timeout=5000)
        qtbot.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_P, alt)
        qtbot.waitUntil(lambda p=pressed: bool(p), timeout=2000)  # animateClick: pressed a moment later
        assert pressed == [True], page.sections.tabText(index)
        assert window.menuBar().activeAction() is None  # no menu opened
