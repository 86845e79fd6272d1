"""A case's Plans tab: the risk management plan now (a tab of its own, so the sentence plan of a later issue sits
beside it).

The plan page shows whether the case's RoSH level requires a plan, the plan's status, its actions section by
section (who, what, by when, done, and how many contacts delivered each, with "No evidence yet" and missing
who/what/by when flagged in words), who it was shared with; and the buttons to change it. Completing lists
what stops it, each problem a row that goes to its action. Reads go through services/rosh.rosh_overview off
the UI thread; every change is a services/rosh_plan write, and the page reads itself again on the change it
announces (a contact saved with a linked action too)."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import rosh_label
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.plans.action_dialog import ActionDialog
from lpt_desktop.gui.plans.common import LOCKED, button, choose_printer, fit_rows, warn_unprotected
from lpt_desktop.gui.plans.models import (
    ACTION_COLUMNS,
    PROBLEM_COLUMNS,
    SHARED_COLUMNS,
    ActionModel,
    Problem,
    ProblemModel,
    SharedRow,
    shared_rows,
)
from lpt_desktop.gui.plans.printing import print_rosh
from lpt_desktop.gui.plans.sharing_dialog import SharingDialog
from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.gui.table_model import RecordTableModel, current_record, empty_state, record_table, select_record
from lpt_desktop.services import rosh_plan as svc
from lpt_desktop.services.changes import Change
from lpt_desktop.services.rosh import rosh_overview
from lpt_desktop.services.rosh_document import export_rosh_pdf, rosh_document, suggested_name

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from lpt_desktop.domain.validation import FieldError
    from lpt_desktop.gui.case_record.record_dialog import RecordDialog
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.reports.rosh_pdf import RoshDocument
    from lpt_desktop.services.rosh import RoshOverview
    from lpt_desktop.services.rosh_plan import PlanView

UNPROTECTED = ("The RoSH summary and risk management plan will be saved as a PDF file that is NOT encrypted: it "
               "leaves the protection of your caseload. It is marked OFFICIAL-SENSITIVE. Save it only to an "
               "encrypted drive or the secure print folder, and delete it once the meeting has it.")


class PlansPage(QWidget):
    """The case's Plans tab: a tab per kind of plan (the risk management plan now)."""

    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kinds = QTabWidget()
        self.kinds.setAccessibleName("Plans")
        # The sentence plan first: every case has one; a risk management plan only at medium RoSH and above.
        from lpt_desktop.gui.plans.sentence_plan_page import SentencePlanPage

        self.sentence = SentencePlanPage(person_id, ops)
        sentence_scroll = QScrollArea()
        sentence_scroll.setWidgetResizable(True)
        sentence_scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        sentence_scroll.setWidget(self.sentence)
        self.kinds.addTab(sentence_scroll, "Sentence plan")
        self.risk = RiskPlanPage(person_id, ops)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(self.risk)
        self.kinds.addTab(scroll, "Risk management plan")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kinds)

    def refresh(self) -> None:
        self.sentence.refresh()
        self.risk.refresh()

    def show_risk(self) -> RiskPlanPage:
        """Bring the risk management plan to the front (the sentence plan is first)."""
        self.kinds.setCurrentIndex(1)
        return self.risk


class RiskPlanPage(QWidget):
    """The risk management plan (read-only without ops: the buttons say why)."""

    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.overview: RoshOverview | None = None
        self.dialog: RecordDialog | None = None
        self.question: QMessageBox | None = None
        self._select_id: str | None = None
        self.reads = 0  # reads asked for (tests count them)
        self._stale = False  # a change came while hidden: read again when shown

        self.requirement = QLabel("Reading the plan…" if ops is not None else "Unlock the caseload to see the plan.")
        self.requirement.setWordWrap(True)
        self.requirement.setAccessibleName("Whether a plan is required")
        self.plan_status = QLabel("")
        self.plan_status.setWordWrap(True)
        self.plan_status.setAccessibleName("Plan status")
        self.plan_status.setStyleSheet("font-weight: 600;")
        self.empty = empty_state("")
        self.empty.setAccessibleName("No risk management plan")
        self.empty.setWordWrap(True)
        self.empty.hide()

        self.start_button = button("Start &plan", "Start a risk management plan",
                                   "Start a plan from the latest completed RoSH assessment")
        self.add_button = button("Add act&ion…", "Add an action", "Add an action: who will do what, by when")
        self.edit_button = button("Edi&t…", "Change the chosen action", "Change the chosen action (Enter)")
        self.remove_button = button("&Remove", "Remove the chosen action", "Remove the chosen action (Delete)")
        self.up_button = button("Move &up", "Move the chosen action up", "Move the action up within its section")
        self.down_button = button("Move dow&n", "Move the chosen action down",
                                  "Move the action down within its section")
        self.done_button = button("&Mark done", "Mark the chosen action done",
                                  "Record that the chosen action was done today (again: not done after all)")
        top = QHBoxLayout()
        for b in (self.add_button, self.edit_button, self.remove_button, self.up_button,
                  self.down_button, self.done_button):
            top.addWidget(b)
        top.addStretch(1)

        self.action_model = ActionModel(ACTION_COLUMNS)
        self.action_table = record_table(self.action_model, "Plan actions", sortable=False,
                                    empty_text="No actions yet: add one with Add action…")
        header = self.action_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.action_table.setWordWrap(True)
        self.action_table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.gaps = QLabel("")
        self.gaps.setWordWrap(True)
        self.gaps.setAccessibleName("Plan gaps")
        self.gaps.setStyleSheet("color: #8a4b00;")
        self.empty_sections = QLabel("")
        self.empty_sections.setWordWrap(True)
        self.empty_sections.setAccessibleName("Sections with no actions")
        self.empty_sections.setStyleSheet("color: #555;")
        actions_box = QGroupBox("Actions by section")
        actions_layout = QVBoxLayout(actions_box)
        actions_layout.addLayout(top)
        actions_layout.addWidget(self.action_table)
        actions_layout.addWidget(self.gaps)
        actions_layout.addWidget(self.empty_sections)

        self.problem_model = ProblemModel(PROBLEM_COLUMNS)
        self.problems = record_table(self.problem_model, "Problems stopping completion", sortable=False)
        self.problems.hide()

        self.shared_model: RecordTableModel[SharedRow] = RecordTableModel(SHARED_COLUMNS)
        self.shared = record_table(self.shared_model, "Shared with", sortable=False,
                                   empty_text="Not yet shared with any agency")
        self.shared.horizontalHeader().setStretchLastSection(False)
        self.shared.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.shared.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.share_button = button("Shared &with…", "Record who the plan was shared with",
                                   "Record that the plan was shared with an agency, and when")
        shared_box = QGroupBox("Shared with")
        shared_layout = QVBoxLayout(shared_box)
        shared_layout.addWidget(self.shared)
        row = QHBoxLayout()
        row.addWidget(self.share_button)
        row.addStretch(1)
        shared_layout.addLayout(row)

        self.complete_button = button("Comp&lete plan", "Complete the plan",
                                      "Complete the plan: every action needs who, what and by when")
        self.pdf_button = button("&Save as PDF…", "Save the RoSH summary and plan as a PDF",
                                 "The RoSH summary and plan, marked OFFICIAL-SENSITIVE, for MAPPA or approved "
                                 "premises (an unprotected copy)")
        # No Alt letter is left for Print (the window, the case's tabs and this page use the rest): Tab reaches it.
        self.print_button = button("Print…", "Print the RoSH summary and plan",
                                   "Print the RoSH summary and plan, marked OFFICIAL-SENSITIVE")
        bottom = QHBoxLayout()
        for b in (self.complete_button, self.pdf_button, self.print_button):
            bottom.addWidget(b)
        bottom.addStretch(1)

        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Plan message")
        self.status.hide()
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problems to put right")
        self.error.hide()

        # Start stays in sight with no plan (the actions box is hidden then): it is what the empty state asks for.
        start_row = QHBoxLayout()
        start_row.addWidget(self.start_button)
        start_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.requirement)
        layout.addWidget(self.plan_status)
        layout.addWidget(self.empty)
        layout.addLayout(start_row)
        layout.addWidget(actions_box)
        layout.addWidget(self.error)
        layout.addWidget(self.problems)
        layout.addWidget(shared_box)
        layout.addLayout(bottom)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.actions_box, self.shared_box = actions_box, shared_box
        # Row heights follow the What column's width: fitted before the page had its width, wrapped rows stayed
        # several lines tall once it was wide (seen on screen).
        self._fitting = False
        self.action_table.horizontalHeader().sectionResized.connect(lambda *_a: self._refit())

        self.start_button.clicked.connect(self.start_plan)
        self.add_button.clicked.connect(lambda: self.add_action())
        self.edit_button.clicked.connect(lambda: self.edit_action())
        self.remove_button.clicked.connect(self.remove_action)
        self.up_button.clicked.connect(lambda: self.move_action(-1))
        self.down_button.clicked.connect(lambda: self.move_action(1))
        self.done_button.clicked.connect(self.mark_done)
        self.share_button.clicked.connect(lambda: self.record_sharing())
        self.complete_button.clicked.connect(lambda: self.complete())
        self.pdf_button.clicked.connect(self.export_pdf)
        self.print_button.clicked.connect(self.print_plan)
        self.action_table.activated.connect(lambda _i: self.edit_action())
        self.action_table.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.problems.activated.connect(self.go_to_problem)
        self.problems.clicked.connect(self.go_to_problem)
        local_shortcut(Qt.Key.Key_Delete, self.action_table, self.remove_action)
        self._enable()
        if ops is not None:
            ops.changed.connect(self._changed)

    # -- reading -----------------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        # A RoSH draft's autosave (ASSESSMENT alone) moves nothing the plan page shows. A contact saved with a
        # linked action is new evidence (CONTACT): the plan alone is read again. A plan's write or a completed
        # assessment (which moves the level) comes with CASE: everything is read. No change says whose case it
        # is, so a page not on show (another case's tab) only notes it and reads when shown.
        if not changes & (Change.CONTACT | Change.CASE):
            return
        if not self.isVisible():
            self._stale = True
            return
        if changes & Change.CASE or self.overview is None:
            self.refresh()
        else:
            self.refresh_plan()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.ops is not None:
            self._stale = False
            self.reads += 1
            self.ops.query(rosh_overview, self.person_id, on_ok=self.show_overview, on_error=self._read_failed,
                           owner=self, label="read the risk management plan")

    def refresh_plan(self) -> None:
        """Read the plan alone (its actions' evidence), keeping the level and assessment already read."""
        if self.ops is not None:
            self.reads += 1
            self.ops.query(svc.current_plan, self.person_id, on_ok=self._plan_read, on_error=self._read_failed,
                           owner=self, label="read the risk management plan")

    def _plan_read(self, plan: PlanView | None) -> None:
        if self.overview is not None:
            self.show_overview(dataclasses.replace(self.overview, plan=plan))

    def _read_failed(self, exc: BaseException) -> None:
        self._show_error("The plan could not be read just now. It reads again after the next change, or lock "
                         "and unlock the caseload.")

    def _refit(self) -> None:
        if self._fitting:
            return
        self._fitting = True
        try:
            fit_rows(self.action_table, 14)
        finally:
            self._fitting = False

    @property
    def plan(self) -> PlanView | None:
        return self.overview.plan if self.overview is not None else None

    def show_overview(self, overview: RoshOverview) -> None:
        self.overview = overview
        plan = overview.plan
        level = rosh_label(overview.level) if overview.level else ""
        threshold = rosh_label(rp.plan_data().required_from).lower()
        if overview.current is None:
            self.requirement.setText("<b>No RoSH assessment has been completed.</b> Complete the screening and "
                                     "summary on the Assessments tab first: a plan starts from it.")
        elif overview.plan_required:
            self.requirement.setText(f"RoSH <b>{level.lower()}</b>: a risk management plan is <b>required</b> "
                                     f"(at {threshold} and above).")
        else:
            self.requirement.setText(f"RoSH <b>{level.lower()}</b>: a risk management plan is not required (only "
                                     f"at {threshold} and above), but one may be written.")
        if plan is None:
            self.plan_status.setText("")
            if overview.current is None:
                text = "No risk management plan."
            elif overview.plan_required:
                text = f"No risk management plan. Required at {level.lower()} RoSH: start one with Start plan."
            else:
                text = f"No risk management plan. Not required at {level.lower()} RoSH."
            self.empty.setText(text)
        else:
            self.plan_status.setText(self._status_words(plan))
        self.empty.setVisible(plan is None)
        self.plan_status.setVisible(plan is not None)
        self.actions_box.setVisible(plan is not None)
        self.shared_box.setVisible(plan is not None)
        self.complete_button.setVisible(plan is not None)
        chosen = self._select_id or (a.id if (a := current_record(self.action_table, self.action_model)) else None)
        self._select_id = None
        self.action_model.set_rows(plan.actions if plan else [])
        select_record(self.action_table, self.action_model, chosen)
        self.shared_model.set_rows(shared_rows(plan.shared) if plan else [])
        self._show_gaps(plan)
        fit_rows(self.action_table, 14)
        fit_rows(self.shared, 6)
        if self.problems.isVisible():
            self._refresh_problems()
        self._enable()

    @staticmethod
    def _status_words(plan: PlanView) -> str:
        if plan.status == "complete":
            by = f" by {plan.completed_by}" if plan.completed_by else ""
            return f"Plan completed on {format_date(plan.completed_on)}{by} (started {format_date(plan.started_on)})."
        return f"Draft plan, started {format_date(plan.started_on)}: not yet completed."

    def _show_gaps(self, plan: PlanView | None) -> None:
        if plan is None:
            self.gaps.hide()
            self.empty_sections.hide()
            return
        missing = [a for a in plan.actions if a.missing]
        unevidenced = [a for a in plan.actions if not a.evidence]
        parts = []
        if missing:
            parts.append(f"⚠ {len(missing)} of {len(plan.actions)} actions lack who, what or by when: the plan "
                         "cannot be completed until they have them.")
        if unevidenced:
            parts.append(f"{len(unevidenced)} of {len(plan.actions)} actions have no evidence yet: no contact is "
                         "recorded as delivering them.")
        self.gaps.setText(" ".join(parts))
        self.gaps.setVisible(bool(parts))
        used = {a.section for a in plan.actions}
        empty = [s.label for s in rp.plan_data().sections if s.code not in used]
        self.empty_sections.setText(f"Sections with no actions: {', '.join(empty)}." if empty else "")
        self.empty_sections.setVisible(bool(empty) and bool(plan.actions))

    def _enable(self) -> None:
        o, plan = self.overview, self.plan
        chosen = current_record(self.action_table, self.action_model)
        loading = "the plan is still being read"
        base = LOCKED if self.ops is None else loading if o is None else ""
        draft = plan is not None and plan.status == "draft"
        if base:
            start_why = base
        elif o is not None and o.current is None:
            start_why = "complete a RoSH assessment first (Assessments tab)"
        elif draft:
            start_why = "a draft plan is open: carry on with it"
        else:
            start_why = ""
        self.start_button.setText("Start a new &plan" if plan is not None else "Start &plan")
        set_available(self.start_button, not start_why, start_why)
        completed = f"the plan was completed on {format_date(plan.completed_on)}: start a new plan to change " \
                    "its actions" if plan is not None and plan.status == "complete" else ""
        edit_why = base or ("start a plan first" if plan is None else completed)
        set_available(self.add_button, not edit_why, edit_why)
        pick = edit_why or ("choose an action in the list" if chosen is None else "")
        for b in (self.edit_button, self.remove_button):
            set_available(b, not pick, pick)
        up_why = pick or ("it is already first in its section" if chosen is not None and chosen.number == 1 else "")
        last = chosen is not None and not any(a.section == chosen.section and a.number == chosen.number + 1
                                              for a in self.action_model.records)
        down_why = pick or ("it is already last in its section" if last else "")
        set_available(self.up_button, not up_why, up_why)
        set_available(self.down_button, not down_why, down_why)
        done_why = base or ("start a plan first" if plan is None else "choose an action in the list"
                            if chosen is None else "")
        self.done_button.setText("&Mark not done" if chosen is not None and chosen.done_on else "&Mark done")
        set_available(self.done_button, not done_why, done_why)
        share_why = base or ("start a plan first" if plan is None else "")
        set_available(self.share_button, not share_why, share_why)
        complete_why = edit_why or ("add at least one action first" if plan is not None and not plan.actions else "")
        set_available(self.complete_button, not complete_why, complete_why)
        pdf_why = base or ("complete a RoSH assessment first" if o is not None and o.current is None else "")
        set_available(self.pdf_button, not pdf_why, pdf_why)
        set_available(self.print_button, not pdf_why, pdf_why)

    # -- acting ------------------------------------------------------------------------------------
    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        text = "\n".join(str(e) for e in errors) if errors else f"That did not work ({exc.__class__.__name__})"
        self._show_error(f"Not saved. {text}")
        self._enable()

    def _write(self, fn: object, *args: object, label: str, message: str = "") -> None:
        if self.ops is None:
            return
        self._show_error("")

        def ok(_result: object) -> None:
            self._say(message)
            self.refresh()

        self.ops.write(fn, *args, owner=self, label=label, on_ok=ok, on_error=self._refused)  # type: ignore[arg-type]

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def start_plan(self) -> None:
        if self.start_button.isEnabled():
            self._write(svc.start_plan, self.person_id, label="start a risk management plan",
                        message="Plan started: add its actions, section by section.")

    def add_action(self) -> RecordDialog | None:
        plan = self.plan
        if self.ops is None or plan is None or not self.add_button.isEnabled():
            return None
        chosen = current_record(self.action_table, self.action_model)
        dialog = ActionDialog(self.ops, plan.id, section=chosen.section if chosen else "", parent=self)

        def added(action_id: object) -> None:
            self._select_id = str(action_id)
            self._say("Action added.")
        dialog.saved.connect(added)
        return self._open(dialog)

    def edit_action(self) -> RecordDialog | None:
        plan, chosen = self.plan, current_record(self.action_table, self.action_model)
        if self.ops is None or plan is None or chosen is None or not self.edit_button.isEnabled():
            return None
        dialog = ActionDialog(self.ops, plan.id, chosen, parent=self)
        action_id = chosen.id

        def saved(_r: object) -> None:
            self._select_id = action_id
            self._say("Action saved.")
        dialog.saved.connect(saved)
        return self._open(dialog)

    def remove_action(self) -> QMessageBox | None:
        chosen = current_record(self.action_table, self.action_model)
        if chosen is None or not self.remove_button.isEnabled():
            return None
        what = chosen.what or "(what not set)"
        box = QMessageBox(QMessageBox.Icon.Question, "Remove the action?",
                          f"Remove {chosen.section_label} action {chosen.number}: “{what}”? Any contacts linked to "
                          "it lose the link.", parent=self.window())
        remove = box.addButton("&Remove action", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep it", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        action_id = chosen.id
        box.buttonClicked.connect(lambda b: self._write(svc.remove_action, action_id, label="remove a plan action",
                                                        message="Action removed.") if b is remove else None)
        self.question = box
        box.open()
        return box

    def move_action(self, step: int) -> None:
        chosen = current_record(self.action_table, self.action_model)
        button = self.up_button if step < 0 else self.down_button
        if chosen is None or not button.isEnabled():
            return
        self._select_id = chosen.id
        self._write(svc.move_action, chosen.id, chosen.number - 1 + step, label="move a plan action")

    def mark_done(self) -> None:
        chosen = current_record(self.action_table, self.action_model)
        if chosen is None or not self.done_button.isEnabled():
            return
        self._select_id = chosen.id
        if chosen.done_on:
            self._write(svc.mark_action_done, chosen.id, None, label="mark a plan action not done",
                        message="Action marked not done: it is offered again when recording a contact.")
        else:
            self._write(svc.mark_action_done, chosen.id, date.today(), label="mark a plan action done",
                        message=f"Action marked done on {format_date(date.today())}.")

    def record_sharing(self) -> RecordDialog | None:
        plan = self.plan
        if self.ops is None or plan is None or not self.share_button.isEnabled():
            return None
        dialog = SharingDialog(self.ops, plan.id, self)
        dialog.saved.connect(lambda _r: self._say("Sharing recorded."))
        return self._open(dialog)

    # -- completing --------------------------------------------------------------------------------
    def complete(self, acknowledge: bool = False) -> None:
        plan = self.plan
        if self.ops is None or plan is None or not self.complete_button.isEnabled():
            return
        self._show_error("")
        plan_id = plan.id
        self.ops.write(svc.complete_plan, plan_id, acknowledge, owner=self, label="complete the risk management plan",
                       on_ok=self._completed, on_error=self._not_completed)

    def _completed(self, result: svc.PlanCompletion) -> None:
        self._show_problems([])
        if result.completed:
            self._say("Plan completed.")
            self.refresh()
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Complete the plan?",
                          "\n\n".join(result.warnings) + "\n\nComplete the plan anyway?", parent=self.window())
        go = box.addButton("&Complete anyway", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("&Not yet", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(back)
        box.setEscapeButton(back)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(lambda b: self.complete(acknowledge=True) if b is go else None)
        self.question = box
        box.open()

    def _not_completed(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        if not errors:
            self._refused(exc)
            return
        self._show_error("The plan was not completed: put right what is listed below (choose one to go to its "
                         "action), then complete it again.")
        self._show_problems(list(errors))

    def _show_problems(self, errors: list[FieldError]) -> None:
        by_name = {f"{a.section_label}, action {a.number}": a.id for a in self.action_model.records}
        rows = [Problem(str(i), str(e), by_name.get(e.field)) for i, e in enumerate(errors)]
        self.problem_model.set_rows(rows)
        self.problems.setVisible(bool(rows))
        if rows:
            fit_rows(self.problems, 8)
            self.problems.setFocus()
            select_record(self.problems, self.problem_model, rows[0].id)

    def _refresh_problems(self) -> None:
        """After a change, the problems left (worked out by the plan rules, as completing would)."""
        plan = self.plan
        if plan is None or plan.status != "draft":
            self._show_problems([])
            return
        model = rp.RiskPlan({s.code: [rp.Action(a.who, a.what, a.by_when, a.id) for a in plan.actions
                                      if a.section == s.code] for s in rp.plan_data().sections})
        self._show_problems(rp.completion_errors(model))

    def go_to_problem(self, index: QModelIndex) -> None:
        if not index.isValid():
            return
        problem = self.problem_model.record(index.row())
        if problem.action_id:
            select_record(self.action_table, self.action_model, problem.action_id)
            self.action_table.setFocus()

    # -- the PDF -----------------------------------------------------------------------------------
    def export_pdf(self) -> QMessageBox | None:
        """Warn that the PDF leaves the encryption, then ask where to save it."""
        if not self.pdf_button.isEnabled():
            return None
        self.question = warn_unprotected(self, UNPROTECTED, self._choose_pdf_file)
        return self.question

    def _choose_pdf_file(self) -> None:
        crn = self.overview.crn if self.overview is not None else ""
        path, _f = QFileDialog.getSaveFileName(self, "Save the RoSH summary and plan",
                                               str(Path.home() / suggested_name(crn)), "PDF files (*.pdf)")
        if path:
            self.save_pdf(path)

    def save_pdf(self, path: str) -> None:
        if self.ops is None:
            return

        def saved(_n: object) -> None:
            text = f"RoSH summary and plan saved (unprotected) to {path}"
            self._say(text)
            window = self.window()
            if isinstance(window, QMainWindow):
                window.statusBar().showMessage(text, 8000)

        self.ops.query(export_rosh_pdf, self.person_id, path, owner=self, label="save the RoSH summary and plan",
                       on_ok=saved, on_error=self._refused)

    # -- printing ----------------------------------------------------------------------------------
    def print_plan(self) -> None:
        if self.ops is None or not self.print_button.isEnabled():
            return
        self.ops.query(rosh_document, self.person_id, owner=self, label="read the RoSH summary and plan",
                       on_ok=self._ask_print, on_error=self._refused)

    def _ask_print(self, doc: RoshDocument) -> None:
        printer = choose_printer(self, "Print the RoSH summary and plan", "The RoSH summary and plan")
        if printer is not None:
            self.print_to(printer, doc)

    def print_to(self, printer: QPrinter, doc: RoshDocument) -> int:
        pages = print_rosh(printer, doc)
        self._say(f"RoSH summary and plan sent to the printer ({pages} {'page' if pages == 1 else 'pages'}).")
        return pages
