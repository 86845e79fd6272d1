"""A case's sentence plan (issue 20): the plan's type and status (with its countersignature in words), the
person's own words and agreement, the goals in order (a model/view table that can be reordered by keyboard,
Alt+Up/Down or the Move buttons, and by dragging), the chosen goal's steps with their evidence, and the order's
interventions placed under goals. Flags (an activity-only outcome, risk of harm work not first, no involvement)
are shown in words with their suggestion. Every change is a services/sentence_plan write; the page reads itself
again on the change announced."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QByteArray, QMimeData, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.plans.agreement_dialog import AgreementDialog
from lpt_desktop.gui.plans.common import LOCKED, button, choose_printer, fit_rows, warn_unprotected
from lpt_desktop.gui.plans.goal_dialog import GoalDialog, GoalStatusDialog
from lpt_desktop.gui.plans.plan_review_dialog import PlanReviewDialog
from lpt_desktop.gui.plans.printing import print_sentence_plan
from lpt_desktop.gui.plans.step_dialog import StepDialog
from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, empty_state, record_table
from lpt_desktop.services import sentence_plan as svc
from lpt_desktop.services.changes import Change
from lpt_desktop.services.plan_document import export_plan_pdf, plan_document, suggested_name

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from lpt_desktop.gui.case_record.record_dialog import RecordDialog
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.reports.plan_pdf import PlanDocument
    from lpt_desktop.services.sentence_plan import GoalView, PlanView, StepView

UNPROTECTED = ("The sentence plan will be saved as a PDF file that is NOT encrypted: it leaves the protection of "
               "your caseload. It is marked OFFICIAL-SENSITIVE. Save it only to an encrypted drive or the secure "
               "print folder, and delete it once the person has their copy.")
DRAFT_ONLY = "only a draft plan's goals can be reordered: start a new version to change the order"
GOAL_MIME = "application/x-lpt-plan-goal-row"
Index = QModelIndex | QPersistentModelIndex


def _target(g: GoalView) -> str:
    return format_date(g.target_date) if g.target_date else "None (future goal)"


def _flags(g: GoalView) -> str:
    return "; ".join(f.message for f in g.flags) or ""


def _flag_tip(g: GoalView) -> str:
    return "\n".join(f"{f.message}\nSuggestion: {f.suggestion}" if f.suggestion else f.message for f in g.flags)


GOAL_COLUMNS: tuple[Column[GoalView], ...] = (
    Column("Order", lambda g: str(g.number), align_centre=True),
    Column("Goal", lambda g: g.title, tooltip=lambda g: f"Outcome: {g.outcome}" if g.outcome else "No outcome yet"),
    Column("Area", lambda g: g.area_label),
    Column("Target date", _target),
    Column("Status", lambda g: g.status_label),
    Column("Steps", lambda g: str(len(g.steps)), align_centre=True),
    Column("Flags", _flags, tooltip=_flag_tip),
)
STEP_COLUMNS: tuple[Column[StepView], ...] = (
    Column("What", lambda s: s.what),
    Column("Who", lambda s: s.who_words),
    Column("By when", lambda s: format_date(s.by_when) if s.by_when else "Not set"),
    Column("Status", lambda s: s.status_label),
    Column("Evidence", lambda s: str(len(s.evidence)) if s.evidence else "None yet", align_centre=True,
           tooltip=lambda s: "\n".join(f"{format_date(e.on.date())} {e.type_label}: {e.summary}"
                                       for e in s.evidence) or "No contact has delivered this step yet"),
)


class GoalModel(RecordTableModel["GoalView"]):
    """The goals in the plan's order; a drag within the view asks the page to move the goal (the service moves
    it and the page reads the plan again), so the model itself never reorders."""

    move_requested = Signal(str, int)  # goal id, 0-based place among the goals

    def __init__(self) -> None:
        super().__init__(GOAL_COLUMNS)
        self.movable = False

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if not self.movable:
            return base
        if index.isValid():
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return base | Qt.ItemFlag.ItemIsDropEnabled

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [GOAL_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        data = QMimeData()
        rows = sorted({i.row() for i in indexes if i.isValid()})
        if rows:
            data.setData(GOAL_MIME, QByteArray(str(rows[0]).encode()))
        return data

    def dropMimeData(self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: Index) -> bool:
        if not self.movable or action != Qt.DropAction.MoveAction or not data.hasFormat(GOAL_MIME):
            return False
        source = int(bytes(data.data(GOAL_MIME).data()).decode())
        if not 0 <= source < self.rowCount():
            return False
        # Dropped between rows (row), onto a row (parent), or below the last row (neither).
        before = row if row >= 0 else (parent.row() if parent.isValid() else self.rowCount())
        to_index = before - 1 if before > source else before
        if to_index != source:
            self.move_requested.emit(self.record(source).id, to_index)
        # False: the view must not remove the source row itself (the page reads the moved plan back).
        return False


class SentencePlanPage(QWidget):
    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.plan: PlanView | None = None
        self.read_done = False
        self.dialog: RecordDialog | None = None
        self.question: QMessageBox | None = None
        self._select_goal: str | None = None
        self._stale = False

        self.heading = QLabel("Reading the plan…" if ops is not None else "Unlock the caseload to see the plan.")
        self.heading.setWordWrap(True)
        self.heading.setAccessibleName("Plan type and status")
        self.heading.setStyleSheet("font-weight: 600;")
        self.signing = QLabel("")
        self.signing.setWordWrap(True)
        self.signing.setAccessibleName("Countersignature")
        self.empty = empty_state("No sentence plan yet. Start one from the latest needs assessment: goals, what "
                                 "will be different, the steps and who does them.")
        self.empty.setAccessibleName("No sentence plan")
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.plan_type = QComboBox()
        self.plan_type.setAccessibleName("Plan type")
        for code, label in svc.choices().plan_types:
            self.plan_type.addItem(label, code)
        self.start_button = button("Start sentence plan", "Start a sentence plan",
                                   "Start a plan of the chosen type (a new version copies the goals still open)")
        start_row = QHBoxLayout()
        self.start_label = QLabel("Type:")
        start_row.addWidget(self.start_label)
        start_row.addWidget(self.plan_type)
        start_row.addWidget(self.start_button)
        start_row.addStretch(1)

        self.voice = QLabel("")
        self.voice.setWordWrap(True)
        self.voice.setAccessibleName("The person's words and agreement")
        self.words_button = button("Their words and agreement…", "The person's words and agreement",
                                   "Their own words on what they want to change, and whether they agree")
        voice_box = QGroupBox("In their own words")
        vl = QVBoxLayout(voice_box)
        vl.addWidget(self.voice)
        row = QHBoxLayout()
        row.addWidget(self.words_button)
        row.addStretch(1)
        vl.addLayout(row)

        self.goal_model = GoalModel()
        self.goals = record_table(self.goal_model, "Goals", sortable=False,
                                  empty_text="No goals yet: add one with Add goal…")
        self.goals.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.goals.setDragEnabled(True)
        self.goals.setAcceptDrops(True)
        self.goals.setDropIndicatorShown(True)
        self.goals.setDefaultDropAction(Qt.DropAction.MoveAction)
        gh = self.goals.horizontalHeader()
        gh.setStretchLastSection(True)
        gh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        gh.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_goal_button = button("Add goal…", "Add a goal", "Add a goal: what will be different, by when")
        self.edit_goal_button = button("Change goal…", "Change the chosen goal", "Change the chosen goal (Enter)")
        self.status_button = button("Goal status…", "Change the chosen goal's status",
                                    "Active, future, achieved or removed, with a note saying why")
        self.up_button = button("Move up", "Move the chosen goal up", "Move the goal up (Alt+Up, or drag it)")
        self.down_button = button("Move down", "Move the chosen goal down",
                                  "Move the goal down (Alt+Down, or drag it)")
        grow = QHBoxLayout()
        for b in (self.add_goal_button, self.edit_goal_button, self.status_button, self.up_button, self.down_button):
            grow.addWidget(b)
        grow.addStretch(1)
        self.sequence = QLabel("")
        self.sequence.setWordWrap(True)
        self.sequence.setAccessibleName("Order of goals")
        self.sequence.setStyleSheet("color: #8a4b00;")
        self.why_button = button("Record why not…", "Record why risk of harm work is not first",
                                 "Say why the goals addressing risk of harm do not come first")
        seq_row = QHBoxLayout()
        seq_row.addWidget(self.sequence, 1)
        seq_row.addWidget(self.why_button)
        goals_box = QGroupBox("Goals, in order")
        gl = QVBoxLayout(goals_box)
        gl.addLayout(grow)
        gl.addWidget(self.goals)
        gl.addLayout(seq_row)

        self.step_model: RecordTableModel[StepView] = RecordTableModel(STEP_COLUMNS)
        self.steps = record_table(self.step_model, "Steps of the chosen goal", sortable=False,
                                  empty_text="No steps yet: every active goal needs one (Add step…)")
        sh = self.steps.horizontalHeader()
        sh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        sh.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.add_step_button = button("Add step…", "Add a step to the chosen goal",
                                      "What, who does it, by when")
        self.edit_step_button = button("Change step…", "Change the chosen step", "Change the chosen step (Enter)")
        srow = QHBoxLayout()
        srow.addWidget(self.add_step_button)
        srow.addWidget(self.edit_step_button)
        srow.addStretch(1)
        self.steps_box = QGroupBox("Steps")
        sl = QVBoxLayout(self.steps_box)
        sl.addLayout(srow)
        sl.addWidget(self.steps)

        self.interventions = QLabel("")
        self.interventions.setWordWrap(True)
        self.interventions.setAccessibleName("Interventions from the order")
        self.intervention_choice = QComboBox()
        self.intervention_choice.setAccessibleName("Intervention to place")
        self.place_button = button("Place under chosen goal", "Place the intervention under the chosen goal",
                                   "The order's requirement sits under the chosen goal (moved from any other)")
        irow = QHBoxLayout()
        irow.addWidget(self.intervention_choice, 1)
        irow.addWidget(self.place_button)
        self.interventions_box = QGroupBox("Interventions from the order")
        il = QVBoxLayout(self.interventions_box)
        il.addWidget(self.interventions)
        il.addLayout(irow)

        self.flags = QLabel("")
        self.flags.setWordWrap(True)
        self.flags.setAccessibleName("Plan flags")
        self.flags.setStyleSheet("color: #8a4b00;")
        self.complete_button = button("Comp&lete plan", "Complete the sentence plan",
                                      "Submit the plan for countersignature (its flags are shown first)")
        self.review_button = button("Review plan…", "Review the sentence plan",
                                    "Rate every goal met, partly met or not met")
        self.pdf_button = button("Save as PDF…", "Save the plan as a PDF for the person",
                                 "The plan in plain words for the person to read and sign (an unprotected copy)")
        # No Alt letter (the window, the case's tabs and the plan pages use them; Ctrl+P prints the caseload): Tab
        # reaches it.
        self.print_button = button("Print…", "Print the sentence plan",
                                   "Print the plan as the person's PDF has it (large print if ticked), marked "
                                   "OFFICIAL-SENSITIVE")
        self.large_print = QCheckBox("Large print")
        self.large_print.setAccessibleName("Large print PDF")
        self.large_print.setToolTip("16 point, steps one under another")
        brow = QHBoxLayout()
        brow.addWidget(self.complete_button)
        brow.addWidget(self.review_button)
        brow.addWidget(self.pdf_button)
        brow.addWidget(self.print_button)
        brow.addWidget(self.large_print)
        brow.addStretch(1)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Plan message")
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problems to put right")
        self.error.hide()

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.signing)
        layout.addWidget(self.empty)
        layout.addLayout(start_row)
        layout.addWidget(voice_box)
        layout.addWidget(goals_box)
        layout.addWidget(self.steps_box)
        layout.addWidget(self.interventions_box)
        layout.addWidget(self.flags)
        layout.addWidget(self.error)
        layout.addLayout(brow)
        layout.addWidget(self.status)
        layout.addStretch(1)
        self.voice_box, self.goals_box = voice_box, goals_box

        self.start_button.clicked.connect(self.start_plan)
        self.words_button.clicked.connect(lambda: self.open_agreement())
        self.add_goal_button.clicked.connect(lambda: self.add_goal())
        self.edit_goal_button.clicked.connect(lambda: self.edit_goal())
        self.status_button.clicked.connect(lambda: self.change_status())
        self.up_button.clicked.connect(lambda: self.move_goal(-1))
        self.down_button.clicked.connect(lambda: self.move_goal(1))
        self.why_button.clicked.connect(self.record_why)
        self.add_step_button.clicked.connect(lambda: self.add_step())
        self.edit_step_button.clicked.connect(lambda: self.edit_step())
        self.place_button.clicked.connect(self.place_intervention)
        self.complete_button.clicked.connect(lambda: self.complete())
        self.review_button.clicked.connect(lambda: self.review())
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.print_button.clicked.connect(self.print_plan)
        self.goals.activated.connect(lambda _i: self.edit_goal())
        self.steps.activated.connect(lambda _i: self.edit_step())
        self.steps.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.goals.selectionModel().currentRowChanged.connect(lambda *_a: self._goal_chosen())
        self.goal_model.move_requested.connect(self.move_goal_to)
        local_shortcut(QKeySequence("Alt+Up"), self.goals, lambda: self.move_goal(-1))
        local_shortcut(QKeySequence("Alt+Down"), self.goals, lambda: self.move_goal(1))
        self._show(None)
        if ops is not None:
            ops.changed.connect(self._changed)

    # -- reading -----------------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        if not changes & (Change.CONTACT | Change.CASE | Change.ASSESSMENT):
            return
        if not self.isVisible():
            self._stale = True
            return
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.ops is not None:
            self._stale = False
            self.ops.query(svc.current_plan, self.person_id, on_ok=self._read, on_error=self._read_failed,
                           owner=self, label="read the sentence plan")

    def _read(self, plan: PlanView | None) -> None:
        self.read_done = True
        self._show(plan)

    def _read_failed(self, exc: BaseException) -> None:
        self._show_error("The sentence plan could not be read just now. It reads again after the next change, "
                         "or lock and unlock the caseload.")

    def _show(self, plan: PlanView | None) -> None:
        shown = self.current_goal()
        chosen = self._select_goal or (shown.id if shown is not None else None)
        self.plan = plan
        has = plan is not None
        self.empty.setVisible(not has and self.read_done)
        for w in (self.voice_box, self.goals_box, self.steps_box, self.interventions_box):
            w.setVisible(has)
        if plan is None:
            if self.read_done:
                self.heading.setText("Sentence plan")
            self.signing.setText("")
            self.goal_model.clear()
            self.step_model.clear()
            self.flags.setText("")
        else:
            state = "Draft" if plan.status == "draft" else f"Completed {format_date(plan.completed_on)}"
            self.heading.setText(f"{plan.type_label} sentence plan: {state} (started "
                                 f"{format_date(plan.started_on)})")
            review = f" {plan.review_due_text}" if plan.review_due_text else ""
            self.signing.setText(f"Countersignature: {plan.signing_label or 'not yet submitted'}.{review}")
            words = plan.persons_words or "Their own words are not recorded yet."
            agreed = (f"Agreement: {plan.agreement.agreement_label} ({format_date(plan.agreement.on_date)})"
                      + (f": {plan.agreement.reason}" if plan.agreement.reason else "")
                      if plan.agreement else "Agreement: not yet recorded")
            self.voice.setText(f"“{words}”\n{agreed}")
            self.goal_model.movable = plan.status == "draft"
            self.goal_model.set_rows(plan.goals)
            seq = [f.message for f in plan.flags if f.code == "risk_not_first"]
            self.sequence.setText(" ".join(seq) if seq else (f"Risk of harm work is not first: {plan.sequence_reason}"
                                                             if plan.sequence_reason else ""))
            self.sequence.setVisible(bool(self.sequence.text()))
            self.why_button.setVisible(bool(seq) or bool(plan.sequence_reason))
            lines = []
            self.intervention_choice.clear()
            for i in plan.interventions:
                under = next((f"goal {g.number}" for g in plan.goals if g.id == i.goal_id), "not placed yet")
                lines.append(f"• {i.label}: {under}")
                self.intervention_choice.addItem(i.label, i.requirement_id)
            self.interventions.setText("\n".join(lines) or "The order has no requirements to place.")
            other = [f for f in plan.flags if f.message not in seq]
            self.flags.setText("\n".join(f"⚠ {f.message}" for f in other))
            self.flags.setToolTip("\n".join(f"{f.message}: {f.suggestion}" for f in other if f.suggestion))
            rows = [g.id for g in plan.goals]
            row = rows.index(chosen) if chosen in rows else 0
            if rows:
                self.goals.selectRow(row)
                self.goals.setCurrentIndex(self.goal_model.index(row, 0))
            self._select_goal = None
        self._goal_chosen()

    def _goal_chosen(self) -> None:
        g = self.current_goal()
        self.step_model.set_rows(g.steps if g else [])
        if self.step_model.rowCount():
            self.steps.selectRow(0)
            self.steps.setCurrentIndex(self.step_model.index(0, 0))
        fit_rows(self.goals, 14)
        fit_rows(self.steps, 10)
        self.steps_box.setTitle(f"Steps of goal {g.number}: {g.title}" if g else "Steps")
        self._enable()

    def current_goal(self) -> GoalView | None:
        return current_record(self.goals, self.goal_model)

    def current_step(self) -> StepView | None:
        return current_record(self.steps, self.step_model)

    def _enable(self) -> None:
        locked = LOCKED if self.ops is None else ""
        plan, goal = self.plan, self.current_goal()
        draft = plan is not None and plan.status == "draft"
        set_available(self.start_button, not locked and (plan is None or plan.status == "complete"),
                      locked or "a draft plan is open: complete or discard it first")
        self.plan_type.setEnabled(self.start_button.isEnabled())
        for w in (self.start_label, self.plan_type, self.start_button):  # a draft is open: nothing to start
            w.setVisible(plan is None or plan.status == "complete")
        no_goal = "choose a goal first"
        set_available(self.add_goal_button, not locked and plan is not None, locked or "start a plan first")
        set_available(self.edit_goal_button, not locked and goal is not None, locked or no_goal)
        set_available(self.status_button, not locked and goal is not None, locked or no_goal)
        n = self.goal_model.rowCount()
        row = self.goals.currentIndex().row()
        set_available(self.up_button, not locked and draft and goal is not None and row > 0,
                      locked or (DRAFT_ONLY if not draft else "the first goal is already at the top"))
        set_available(self.down_button, not locked and draft and goal is not None and row < n - 1,
                      locked or (DRAFT_ONLY if not draft else "the last goal is already at the bottom"))
        set_available(self.add_step_button, not locked and goal is not None, locked or no_goal)
        set_available(self.edit_step_button, not locked and self.current_step() is not None,
                      locked or "choose a step first")
        set_available(self.place_button, not locked and goal is not None and self.intervention_choice.count() > 0,
                      locked or no_goal)
        set_available(self.words_button, not locked and plan is not None, locked or "start a plan first")
        set_available(self.complete_button, not locked and draft, locked or "only a draft plan is completed")
        set_available(self.pdf_button, not locked and plan is not None and bool(plan.goals),
                      locked or "add a goal first")
        set_available(self.print_button, self.pdf_button.isEnabled(), locked or "add a goal first")
        set_available(self.review_button, not locked and plan is not None and plan.status == "complete",
                      locked or "a completed plan is reviewed")

    # -- changing ------------------------------------------------------------------------------------
    def _write(self, fn: Any, label: str, then: Any = None) -> None:
        if self.ops is None:
            return
        self.error.hide()
        self.ops.write(fn, on_ok=then or (lambda _r: None), on_error=self._refused, owner=self, label=label)

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self._show_error("\n".join(str(e) for e in errors) if errors else
                         f"That did not work ({exc.__class__.__name__}): nothing has been saved.")

    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        self.dialog = dialog
        dialog.saved.connect(lambda _r: self.refresh())
        dialog.open()
        return dialog

    def start_plan(self) -> None:
        kind, pid = self.plan_type.currentData() or "initial", self.person_id
        self._write(lambda db: svc.start_plan(db, pid, kind), "start a sentence plan", lambda _r: self.refresh())

    def add_goal(self) -> RecordDialog | None:
        if self.ops is None or self.plan is None:
            return None
        d = GoalDialog(self.ops, self.plan.id, parent=self)
        d.saved.connect(lambda gid: setattr(self, "_select_goal", gid))
        return self._open(d)

    def edit_goal(self) -> RecordDialog | None:
        g = self.current_goal()
        if self.ops is None or self.plan is None or g is None:
            return None
        return self._open(GoalDialog(self.ops, self.plan.id, g, parent=self))

    def change_status(self) -> RecordDialog | None:
        g = self.current_goal()
        if self.ops is None or g is None:
            return None
        return self._open(GoalStatusDialog(self.ops, g, parent=self))

    def add_step(self) -> RecordDialog | None:
        g = self.current_goal()
        if self.ops is None or g is None:
            return None
        return self._open(StepDialog(self.ops, g, parent=self))

    def edit_step(self) -> RecordDialog | None:
        g, st = self.current_goal(), self.current_step()
        if self.ops is None or g is None or st is None:
            return None
        return self._open(StepDialog(self.ops, g, st, parent=self))

    def open_agreement(self) -> RecordDialog | None:
        if self.ops is None or self.plan is None:
            return None
        return self._open(AgreementDialog(self.ops, self.plan, parent=self))

    def review(self) -> RecordDialog | None:
        if self.ops is None or self.plan is None:
            return None
        return self._open(PlanReviewDialog(self.ops, self.plan, parent=self))

    def move_goal(self, step: int) -> None:
        g = self.current_goal()
        if g is None or self.plan is None or self.plan.status != "draft":
            return
        to = self.goals.currentIndex().row() + step
        if 0 <= to < self.goal_model.rowCount():
            self.move_goal_to(g.id, to)

    def move_goal_to(self, goal_id: str, to_index: int) -> None:
        self._select_goal = goal_id
        self._write(lambda db: svc.move_goal(db, goal_id, to_index), "move a goal", lambda _r: self.refresh())

    def record_why(self) -> None:
        if self.plan is None:
            return
        text, ok = QInputDialog.getText(self, "Why risk of harm work is not first",
                                        "Why the goals addressing risk of harm do not come first:",
                                        QLineEdit.EchoMode.Normal, self.plan.sequence_reason)
        if ok:
            plan_id = self.plan.id
            self._write(lambda db: svc.set_sequence_reason(db, plan_id, text), "record why risk of harm is not "
                        "first", lambda _r: self.refresh())

    def place_intervention(self) -> None:
        g, req = self.current_goal(), self.intervention_choice.currentData()
        if g is None or not req:
            return
        gid = g.id
        self._write(lambda db: svc.place_intervention(db, gid, req), "place an intervention under a goal",
                    lambda _r: self.refresh())

    def complete(self, acknowledged: bool = False) -> None:
        if self.plan is None:
            return
        plan_id = self.plan.id
        self._write(lambda db: svc.complete_plan(db, plan_id, acknowledge_warnings=acknowledged),
                    "complete the sentence plan", self._completed)

    def _completed(self, result: svc.PlanCompletion) -> None:
        if result.completed:
            self.status.setText("The plan is completed and submitted for countersignature.")
            self.refresh()
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Complete the plan with these flags?",
                          "Before it is submitted, the plan has these flags:\n\n" +
                          "\n".join(f"• {w}" for w in result.warnings) +
                          "\n\nPut them right first, or complete it as it is.", parent=self)
        go = box.addButton("Complete &anyway", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Put them right", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.buttonClicked.connect(lambda b: self.complete(True) if b is go else None)
        self.question = box
        box.open()

    # -- the PDF for the person ----------------------------------------------------------------------------
    def export_pdf(self) -> QMessageBox | None:
        """Warn that the PDF leaves the encryption, then ask where to save it."""
        if not self.pdf_button.isEnabled():
            return None
        self.question = warn_unprotected(self, UNPROTECTED, self._choose_pdf_file)
        return self.question

    def _choose_pdf_file(self) -> None:
        if self.ops is not None:  # the CRN names the file: read with the document
            self.ops.query(plan_document, self.person_id, owner=self, label="read the sentence plan",
                           on_ok=self._ask_where, on_error=self._refused)

    def _ask_where(self, doc: PlanDocument) -> None:
        large = self.large_print.isChecked()
        path, _f = QFileDialog.getSaveFileName(self, "Save the sentence plan",
                                               str(Path.home() / suggested_name(doc.crn, large_print=large)),
                                               "PDF files (*.pdf)")
        if path:
            self.save_pdf(path)

    def save_pdf(self, path: str) -> None:
        if self.ops is None:
            return
        large = self.large_print.isChecked()

        def saved(_n: object) -> None:
            self.status.setText(f"Sentence plan{' (large print)' if large else ''} saved (unprotected) to {path}")

        self.ops.query(export_plan_pdf, self.person_id, path, large, owner=self, label="save the sentence plan",
                       on_ok=saved, on_error=self._refused)

    # -- printing ------------------------------------------------------------------------------------------
    def print_plan(self) -> None:
        """Read the plan as the person's PDF has it (large print if ticked), then ask for a printer."""
        if self.ops is None or not self.print_button.isEnabled():
            return
        self.ops.query(plan_document, self.person_id, None, self.large_print.isChecked(), owner=self,
                       label="read the sentence plan", on_ok=self._ask_print, on_error=self._refused)

    def _ask_print(self, doc: PlanDocument) -> None:
        printer = choose_printer(self, "Print the sentence plan", "The sentence plan")
        if printer is not None:
            self.print_to(printer, doc)

    def print_to(self, printer: QPrinter, doc: PlanDocument) -> int:
        pages = print_sentence_plan(printer, doc)
        self.status.setText(f"Sentence plan{' (large print)' if doc.large_print else ''} sent to the printer "
                            f"({pages} {'page' if pages == 1 else 'pages'}).")
        return pages
