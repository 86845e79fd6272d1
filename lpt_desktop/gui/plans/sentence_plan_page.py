"""A case's sentence plan (issue 20): the plan's type and status (with its countersignature in words), the
person's own words and agreement, the goals in order (a model/view table that can be reordered by keyboard,
Alt+Up/Down or the Move buttons, and by dragging), the chosen goal's steps, and the order's interventions placed
under goals. Below the tables, a read-only pane (reached by Tab, read by a screen reader) gives the chosen goal's
and step's evidence (the contacts that delivered them: date, type, the note's first line) and the goal's status
history. Flags (an activity-only outcome, risk of harm work not first, no involvement, an active goal with no
step) are shown in words with their suggestion. A button the service would refuse is disabled with the reason
(the goals' and steps' words change only in a draft or inside an open review). While a new version is drafted,
the review due and the PDF come from the plan in force, and the page says so. Every change is a
services/sentence_plan write; the page reads itself again on the change announced."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
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
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment import countersign as cs
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
from lpt_desktop.services.cases import case_record
from lpt_desktop.services.changes import Change
from lpt_desktop.services.plan_document import export_plan_pdf, plan_document, suggested_name

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrinter

    from lpt_desktop.gui.case_record.record_dialog import RecordDialog
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.reports.plan_pdf import PlanDocument
    from lpt_desktop.services.sentence_plan import Evidence, GoalView, PlanView, StepView
    from lpt_desktop.store.database import Database

UNPROTECTED = ("The sentence plan will be saved as a PDF file that is NOT encrypted: it leaves the protection of "
               "your caseload. It is marked OFFICIAL-SENSITIVE. Save it only to an encrypted drive or the secure "
               "print folder, and delete it once the person has their copy.")
CONTENT = ("the plan is completed: change its goals and steps inside a review (Review plan…) or in a new "
           "version (Start sentence plan)")
DRAFT_ONLY = "only a draft plan's goals can be reordered: start a new version to change the order"
LARGE_PRINT = re.compile(r"large[\s-]*(print|font|type|text)", re.IGNORECASE)
GOAL_MIME = "application/x-lpt-plan-goal-row"
Index = QModelIndex | QPersistentModelIndex


def _target(g: GoalView) -> str:
    return format_date(g.target_date) if g.target_date else "None (future goal)"


def _flags(g: GoalView) -> str:
    return "; ".join(f.message for f in g.flags) or ""


def _flag_tip(g: GoalView) -> str:
    return "\n".join(f"{f.message}\nSuggestion: {f.suggestion}" if f.suggestion else f.message for f in g.flags)


def _title(g: GoalView) -> str:
    return f"{g.title} (learning plan)" if g.learning_plan else g.title


def evidence_words(evidence: Sequence[Evidence]) -> str:
    n = len(evidence)
    return "None yet" if n == 0 else "1 contact" if n == 1 else f"{n} contacts"


def evidence_line(e: Evidence) -> str:
    return f"{format_date(e.on.date())} {e.type_label}" + (f": {e.summary}" if e.summary else "")


def _evidence_tip(evidence: Sequence[Evidence], what: str) -> str:
    return "\n".join(evidence_line(e) for e in evidence) or f"No contact has delivered this {what} yet"


def wants_large_print(*texts: str) -> bool:
    """The case record asks for large print ("Large-print letters" in its individual needs or disabilities)."""
    return any(LARGE_PRINT.search(t or "") for t in texts)


def editable(plan: PlanView | None) -> bool:
    """Whether the plan's goals and steps may change (services/sentence_plan._editable_plan): a draft, or a
    completed plan inside an open review."""
    return plan is not None and (plan.status == "draft" or any(r.status == "draft" for r in plan.reviews))


def no_step_goals(plan: PlanView) -> list[GoalView]:
    """Active goals with no step (every active goal needs one before the plan can be agreed)."""
    return [g for g in plan.goals if g.status == "active" and not g.steps]


def goal_detail(g: GoalView, reviews: Sequence[svc.ReviewView] = ()) -> list[str]:
    """The chosen goal's evidence, status history and its ratings at the plan's completed reviews, in words."""
    lines = [f"Goal {g.number}: {g.title}" + (" (the learning plan)" if g.learning_plan else ""),
             f"Status: {g.status_label}. What will be different: {g.outcome or 'not said yet'}"]
    if g.interventions:
        lines.append("Interventions placed under it: " + ", ".join(i.label for i in g.interventions))
    lines.append("Evidence (the contacts that worked towards it):")
    lines += [f"  • {evidence_line(e)}" for e in g.evidence] or [
        "  None yet: tick the goal on the contact form when a contact works towards it"]
    lines.append("Status history:")
    lines += [f"  • {format_date(h.on_date)} {h.status_label}" + (f": {h.note}" if h.note else "")
              + (f" ({h.by_name})" if h.by_name else "") for h in g.history] or ["  No change of status yet"]
    ratings = dict(svc.choices().review_ratings)
    rated = [r for r in reversed(reviews) if r.status == "complete" and g.id in r.ratings]  # oldest first
    if rated:
        lines.append("At the plan's reviews:")
        lines += [f"  • {format_date(r.completed_on)} {ratings.get(r.ratings[g.id], r.ratings[g.id])}"
                  + (f": {r.notes[g.id]}" if r.notes.get(g.id) else "") for r in rated]
    return lines


def review_words(plan: PlanView) -> str:
    """The latest completed review in a line: when, why, and whether it changed the plan."""
    done = [r for r in plan.reviews if r.status == "complete"]  # newest first
    if not done:
        return ""
    r = done[0]
    what = "it changed the plan" if r.changed else (
        f"no change: {r.no_change_reason}" if r.no_change_reason else "no change")
    return f"Last review completed {format_date(r.completed_on)} ({r.reason_label.lower()}): {what}."


def by_words(st: StepView) -> str:
    """A step's "by" date, marked overdue once it has passed with the step still open."""
    if st.by_when is None:
        return "Not set"
    return f"{format_date(st.by_when)} (overdue)" if st.overdue else format_date(st.by_when)


def step_detail(st: StepView, n: int) -> list[str]:
    by = by_words(st) if st.by_when else "no date set"
    lines = [f"Step {n}: {st.what}", f"Who: {st.who_words}. By when: {by}. Status: {st.status_label}",
             "Evidence (the contacts that delivered it):"]
    lines += [f"  • {evidence_line(e)}" for e in st.evidence] or [
        "  None yet: tick the step on the contact form when a contact delivers it"]
    return lines


@dataclass(frozen=True)
class PageRead:
    """What the page shows: the plan on screen (the draft if one is open, else the latest completed), the
    completed plan in force while a new draft is open (its review due and what the PDF prints), and whether the
    case record asks for large print."""

    plan: PlanView | None
    in_force: PlanView | None
    large_print: bool


def read_page(db: Database, person_id: str) -> PageRead:
    plan = svc.current_plan(db, person_id)
    in_force = None
    if plan is not None and plan.status == "draft":
        found = svc.plan_in_force(db, person_id)
        in_force = found if found is not None and found.status == "complete" else None
    case = case_record(db, person_id)
    return PageRead(plan, in_force, wants_large_print(case.individual_needs, case.disabilities))


GOAL_COLUMNS: tuple[Column[GoalView], ...] = (
    Column("Order", lambda g: str(g.number), align_centre=True),
    Column("Goal", _title, tooltip=lambda g: f"Outcome: {g.outcome}" if g.outcome else "No outcome yet"),
    Column("Area", lambda g: g.area_label),
    Column("Target date", _target),
    Column("Status", lambda g: g.status_label),
    Column("Steps", lambda g: str(len(g.steps)), align_centre=True),
    Column("Evidence", lambda g: evidence_words(g.evidence), tooltip=lambda g: _evidence_tip(g.evidence, "goal")),
    Column("Flags", _flags, tooltip=_flag_tip),
)
STEP_COLUMNS: tuple[Column[StepView], ...] = (
    Column("What", lambda s: s.what),
    Column("Who", lambda s: s.who_words),
    Column("By when", lambda s: by_words(s),
           tooltip=lambda s: "Overdue: the date has passed and the step is not done (move it on, or change its "
                             "date in a review)" if s.overdue else ""),
    Column("Status", lambda s: s.status_label),
    Column("Evidence", lambda s: evidence_words(s.evidence), tooltip=lambda s: _evidence_tip(s.evidence, "step")),
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


def completed_words(signing_status: str | None) -> str:
    """The completion message, from the countersignature chain's status (services/countersign)."""
    if signing_status == cs.SELF_SIGNED:
        return "The plan is completed and self-signed: it needs no countersignature."
    if signing_status == cs.AWAITING_DOUBLE:
        return "The plan is completed and submitted for a second countersignature."
    if signing_status == cs.AWAITING:
        return "The plan is completed and submitted for countersignature."
    return "The plan is completed."


def completion_question(result: svc.PlanCompletion, plan: PlanView | None) -> str:
    """What completing would leave standing, in words: an agreement the person gave before the plan changed first
    (they may not have agreed to the plan as it is now), then the plan's other flags."""
    lines = []
    if svc.AGREEMENT_PREDATES_CHANGES in result.codes:
        ag = plan.agreement if plan is not None else None
        when = f" on {format_date(ag.on_date)}" if ag is not None else ""
        said = f" (“{ag.agreement_label}”)" if ag is not None else ""
        lines.append(f"The person's agreement{said} was recorded{when}, before the plan's goals or steps were "
                     "changed: they have not said whether they agree with the plan as it is now. Complete it only "
                     "if they agreed to the changes; otherwise go back and record their answer again (Their words "
                     "and agreement…).\n")
    others = [w for w, c in zip(result.warnings, result.codes or [""] * len(result.warnings), strict=True)
              if c != svc.AGREEMENT_PREDATES_CHANGES]
    if others:
        lines.append("Before it is submitted, the plan has these flags:\n")
        lines += [f"• {w}" for w in others]
        lines.append("")
    lines.append("Go back to put them right, or complete it as it is.")
    return "\n".join(lines)


class SentencePlanPage(QWidget):
    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.plan: PlanView | None = None
        self.read_done = False
        self.dialog: RecordDialog | None = None
        self.question: QMessageBox | None = None
        self.in_force: PlanView | None = None  # the completed plan in force while a new draft is open
        self._select_goal: str | None = None
        self._stale = False
        self._type_for: str | None = None  # the plan the type's default was chosen for
        self._large_print_set = False  # the case record's large print ticked once; the officer's choice after

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
        self.discard_button = button("Discard draft…", "Discard the draft plan",
                                     "Throw the draft away with its goals, steps and agreement (asks first); the "
                                     "plan in force, if any, stays as it is")
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
        # Alt letters: the window's menus (F E V C D O Y H) and the case's tabs (G A B) hold theirs; each button on
        # this page has its own (tests/gui/test_mnemonics.py).
        self.add_goal_button = button("Add goa&l…", "Add a goal", "Add a goal: what will be different, by when")
        self.edit_goal_button = button("Cha&nge goal…", "Change the chosen goal", "Change the chosen goal (Enter)")
        self.status_button = button("Goal stat&us…", "Change the chosen goal's status",
                                    "Active, future, achieved or removed, with a note saying why")
        self.up_button = button("&Move up", "Move the chosen goal up", "Move the goal up (Alt+Up, or drag it)")
        self.down_button = button("Move do&wn", "Move the chosen goal down",
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
        self.add_step_button = button("Add &step…", "Add a step to the chosen goal",
                                      "What, who does it, by when")
        self.edit_step_button = button("Change s&tep…", "Change the chosen step", "Change the chosen step (Enter)")
        srow = QHBoxLayout()
        srow.addWidget(self.add_step_button)
        srow.addWidget(self.edit_step_button)
        srow.addStretch(1)
        self.steps_box = QGroupBox("Steps")
        sl = QVBoxLayout(self.steps_box)
        sl.addLayout(srow)
        sl.addWidget(self.steps)

        # The chosen goal's and step's evidence and the goal's status history, as text: Tab reaches it and a
        # screen reader reads it (a table's tooltip needs a mouse).
        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Evidence and status history of the chosen goal and step")
        self.detail.setOpenLinks(False)
        self.detail.setTabChangesFocus(True)
        self.detail.setMinimumHeight(150)
        self.detail_box = QGroupBox("Evidence and history of the chosen goal and step")
        dl = QVBoxLayout(self.detail_box)
        dl.addWidget(self.detail)

        self.interventions = QLabel("")
        self.interventions.setWordWrap(True)
        self.interventions.setAccessibleName("Interventions from the order")
        self.intervention_choice = QComboBox()
        self.intervention_choice.setAccessibleName("Intervention to place")
        self.place_button = button("Place unde&r chosen goal", "Place the intervention under the chosen goal",
                                   "The order's requirement sits under the chosen goal (moved from any other)")
        self.unplace_button = button("Remove from goal", "Take the intervention off its goal",
                                     "The order's requirement is no longer placed under any goal")
        irow = QHBoxLayout()
        irow.addWidget(self.intervention_choice, 1)
        irow.addWidget(self.place_button)
        irow.addWidget(self.unplace_button)
        self.interventions_box = QGroupBox("Interventions from the order")
        il = QVBoxLayout(self.interventions_box)
        il.addWidget(self.interventions)
        il.addLayout(irow)

        self.flags = QLabel("")
        self.flags.setWordWrap(True)
        self.flags.setAccessibleName("Plan flags")
        self.flags.setStyleSheet("color: #8a4b00;")
        self.complete_button = button("Com&plete plan", "Complete the sentence plan",
                                      "Submit the plan for countersignature (its flags are shown first)")
        self.review_button = button("Review plan…", "Review the sentence plan",
                                    "Rate every goal met, partly met or not met")
        # "Export", not "Save as": every letter of "Save as PDF" is taken on this page (see the goal buttons).
        self.pdf_button = button("E&xport PDF…", "Save the plan as a PDF for the person",
                                 "The plan in plain words for the person to read and sign (an unprotected copy)")
        self.print_button = button("Pr&int…", "Print the sentence plan",
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
        brow.addWidget(self.discard_button)
        self.printed = QLabel("")
        self.printed.setWordWrap(True)
        self.printed.setAccessibleName("Which version the PDF and Print give")
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
        layout.addWidget(self.detail_box)
        layout.addWidget(self.interventions_box)
        layout.addWidget(self.flags)
        layout.addWidget(self.error)
        layout.addLayout(brow)
        layout.addWidget(self.printed)
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
        self.unplace_button.clicked.connect(self.remove_intervention)
        self.intervention_choice.currentIndexChanged.connect(lambda _i: self._enable())
        self.discard_button.clicked.connect(lambda: self.discard())
        self.complete_button.clicked.connect(lambda: self.complete())
        self.review_button.clicked.connect(lambda: self.review())
        self.pdf_button.clicked.connect(lambda: self.export_pdf())
        self.print_button.clicked.connect(self.print_plan)
        self.goals.activated.connect(lambda _i: self.edit_goal())
        self.steps.activated.connect(lambda _i: self.edit_step())
        self.steps.selectionModel().currentRowChanged.connect(lambda *_a: self._step_chosen())
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
            self.ops.query(read_page, self.person_id, on_ok=self._read, on_error=self._read_failed,
                           owner=self, label="read the sentence plan")

    def _read(self, read: PageRead) -> None:
        self.read_done = True
        self.in_force = read.in_force
        if read.large_print and not self._large_print_set:
            self.large_print.setChecked(True)
        self._large_print_set = self._large_print_set or read.large_print
        self.large_print.setToolTip("16 point, steps one under another" + (
            " (ticked because the case record asks for large print)" if read.large_print else ""))
        self._show(read.plan)

    def _read_failed(self, exc: BaseException) -> None:
        self._show_error("The sentence plan could not be read just now. It reads again after the next change, "
                         "or lock and unlock the caseload.")

    def _show(self, plan: PlanView | None) -> None:
        shown = self.current_goal()
        chosen = self._select_goal or (shown.id if shown is not None else None)
        self.plan = plan
        has = plan is not None
        self.empty.setVisible(not has and self.read_done)
        for w in (self.voice_box, self.goals_box, self.steps_box, self.detail_box, self.interventions_box):
            w.setVisible(has)
        self._default_type(plan)
        if plan is None:
            if self.read_done:
                self.heading.setText("Sentence plan")
            self.signing.setText("")
            self.printed.setText("")
            self.goal_model.clear()
            self.step_model.clear()
            self.flags.setText("")
        else:
            state = "Draft" if plan.status == "draft" else f"Completed {format_date(plan.completed_on)}"
            self.heading.setText(f"{plan.type_label} sentence plan: {state} (started "
                                 f"{format_date(plan.started_on)})")
            self.signing.setText(self._signing_words(plan))
            self.printed.setText(self._printed_words(plan))
            self.printed.setVisible(bool(self.printed.text()))
            words = plan.persons_words or "Their own words are not recorded yet."
            agreed = (f"Agreement: {plan.agreement.agreement_label} ({format_date(plan.agreement.on_date)})"
                      + (f": {plan.agreement.reason}" if plan.agreement.reason else "")
                      if plan.agreement else "Agreement: not yet recorded")
            self.voice.setText(f"“{words}”\n{agreed}")
            self.goal_model.movable = editable(plan)
            self.goal_model.set_rows(plan.goals)
            seq = [f.message for f in plan.flags if f.code == "risk_not_first"]
            self.sequence.setText(" ".join(seq) if seq else (f"Risk of harm work is not first: {plan.sequence_reason}"
                                                             if plan.sequence_reason else ""))
            self.sequence.setVisible(bool(self.sequence.text()))
            self.why_button.setVisible(bool(seq) or bool(plan.sequence_reason))
            self._show_interventions(plan)
            other = [f for f in plan.flags if f.message not in seq]
            lines = [f"⚠ {f.message}" for f in other]
            lines += [f"⚠ Goal {g.number} ({g.title}) is active but has no step: every active goal needs one "
                      "(Add step…)" for g in no_step_goals(plan)]
            self.flags.setText("\n".join(lines))
            self.flags.setToolTip("\n".join(f"{f.message}: {f.suggestion}" for f in other if f.suggestion))
            rows = [g.id for g in plan.goals]
            row = rows.index(chosen) if chosen in rows else 0
            if rows:
                self.goals.selectRow(row)
                self.goals.setCurrentIndex(self.goal_model.index(row, 0))
            self._select_goal = None
        self._goal_chosen()

    def _default_type(self, plan: PlanView | None) -> None:
        """A review once a plan has been completed (an initial plan is the first one); chosen once per plan, so
        the officer's own choice stands while the page reads itself again."""
        key = plan.id if plan is not None else ""
        if key == self._type_for:
            return
        self._type_for = key
        kind = "review" if plan is not None and (plan.status == "complete" or self.in_force is not None) else "initial"
        at = self.plan_type.findData(kind)
        if at >= 0:
            self.plan_type.setCurrentIndex(at)

    def _signing_words(self, plan: PlanView) -> str:
        """The countersignature, and the review due: the plan in force's while a new version is drafted (the
        draft owes no review until completed, but the plan in force may)."""
        text = f"Countersignature: {plan.signing_label or 'not yet submitted'}."
        reviewed = review_words(plan)
        text = f"{text} {reviewed}" if reviewed else text
        force = self.in_force
        if force is not None and force.id != plan.id:
            due = force.review_due_text or "no plan review is owed now"
            return (f"{text} Plan in force: the {force.type_label.lower()} plan completed "
                    f"{format_date(force.completed_on)}; review {due[0].lower()}{due[1:]}.")
        return f"{text} {plan.review_due_text}" if plan.review_due_text else text

    def _printed_words(self, plan: PlanView) -> str:
        """Which version Export PDF and Print give (services/plan_document prints the plan in force)."""
        force = self.in_force
        if force is not None and force.id != plan.id:
            return (f"Export PDF and Print give the plan in force (the {force.type_label.lower()} plan completed "
                    f"{format_date(force.completed_on)}), not this draft: complete the draft to print it.")
        if plan.status == "draft":
            return "Export PDF and Print give this draft, marked as a draft."
        return ""

    def _show_interventions(self, plan: PlanView) -> None:
        goals = {g.id: g for g in plan.goals}
        lines = []
        chosen = self.intervention_choice.currentData()
        self.intervention_choice.blockSignals(True)
        self.intervention_choice.clear()
        for i in plan.interventions:
            g = goals.get(i.goal_id or "")
            if g is None:
                under = "not placed yet"
            elif g.status == "removed":
                under = f"under goal {g.number}, which was removed: place it under another goal or remove it"
            else:
                under = f"goal {g.number}"
            lines.append(f"• {i.label}: {under}")
            self.intervention_choice.addItem(i.label, i.requirement_id)
        at = self.intervention_choice.findData(chosen) if chosen else -1
        self.intervention_choice.setCurrentIndex(max(at, 0) if self.intervention_choice.count() else -1)
        self.intervention_choice.blockSignals(False)
        self.interventions.setText("\n".join(lines) or "The order has no requirements to place.")

    def _goal_chosen(self) -> None:
        g = self.current_goal()
        self.step_model.set_rows(g.steps if g else [])
        if self.step_model.rowCount():
            self.steps.selectRow(0)
            self.steps.setCurrentIndex(self.step_model.index(0, 0))
        fit_rows(self.goals, 14)
        fit_rows(self.steps, 10)
        self.steps_box.setTitle(f"Steps of goal {g.number}: {g.title}" if g else "Steps")
        self._step_chosen()

    def _step_chosen(self) -> None:
        g, st = self.current_goal(), self.current_step()
        reviews = self.plan.reviews if self.plan is not None else ()
        lines = (goal_detail(g, reviews) if g is not None
                 else ["Choose a goal to see its evidence and status history."])
        if g is not None and st is not None:
            lines += ["", *step_detail(st, self.steps.currentIndex().row() + 1)]
        elif g is not None:
            lines += ["", "No steps yet."]
        self.detail.setPlainText("\n".join(lines))
        self._enable()

    def current_goal(self) -> GoalView | None:
        return current_record(self.goals, self.goal_model)

    def current_step(self) -> StepView | None:
        return current_record(self.steps, self.step_model)

    def chosen_intervention(self) -> svc.InterventionView | None:
        req = self.intervention_choice.currentData()
        if self.plan is None or not req:
            return None
        return next((i for i in self.plan.interventions if i.requirement_id == req), None)

    def _enable(self) -> None:
        locked = LOCKED if self.ops is None else ""
        plan, goal = self.plan, self.current_goal()
        draft = plan is not None and plan.status == "draft"
        content = editable(plan)
        not_content = locked or ("start a plan first" if plan is None else CONTENT)
        set_available(self.start_button, not locked and (plan is None or plan.status == "complete"),
                      locked or "a draft plan is open: complete or discard it first")
        self.plan_type.setEnabled(self.start_button.isEnabled())
        for w in (self.start_label, self.plan_type, self.start_button):  # a draft is open: nothing to start
            w.setVisible(plan is None or plan.status == "complete")
        set_available(self.discard_button, not locked and draft, locked or "only a draft plan is discarded")
        self.discard_button.setVisible(draft)
        no_goal = "choose a goal first"
        set_available(self.add_goal_button, not locked and content, not_content)
        set_available(self.edit_goal_button, not locked and content and goal is not None,
                      not_content if not content else no_goal)
        set_available(self.status_button, not locked and goal is not None, locked or no_goal)
        n = self.goal_model.rowCount()
        row = self.goals.currentIndex().row()
        set_available(self.up_button, not locked and content and goal is not None and row > 0,
                      locked or (DRAFT_ONLY if not content else "the first goal is already at the top"))
        set_available(self.down_button, not locked and content and goal is not None and row < n - 1,
                      locked or (DRAFT_ONLY if not content else "the last goal is already at the bottom"))
        set_available(self.why_button, not locked and draft, locked or "only a draft plan's order is explained: "
                                                                       "start a new version to change it")
        set_available(self.add_step_button, not locked and content and goal is not None,
                      not_content if not content else no_goal)
        # On a completed plan outside a review only a step's status changes (set_step_status): the button asks
        # for that alone.
        set_available(self.edit_step_button, not locked and self.current_step() is not None,
                      locked or "choose a step first")
        self.edit_step_button.setToolTip(self.edit_step_button.toolTip() if not self.edit_step_button.isEnabled()
                                         or content else "The plan is completed: change the chosen step's status "
                                         "(its words change in a review or a new version)")
        chosen = self.chosen_intervention()
        placed_here = chosen is not None and goal is not None and chosen.goal_id == goal.id
        set_available(self.place_button, not locked and content and goal is not None and chosen is not None
                      and not placed_here,
                      not_content if not content else no_goal if goal is None else
                      "the order has no intervention to place" if chosen is None else
                      "it is already under the chosen goal")
        set_available(self.unplace_button, not locked and content and chosen is not None and bool(chosen.goal_id),
                      not_content if not content else "the chosen intervention is not under a goal")
        set_available(self.words_button, not locked and plan is not None, locked or "start a plan first")
        set_available(self.complete_button, not locked and draft, locked or "only a draft plan is completed")
        set_available(self.pdf_button, not locked and plan is not None and bool(plan.goals),
                      locked or "add a goal first")
        set_available(self.print_button, self.pdf_button.isEnabled(), locked or "add a goal first")
        set_available(self.review_button, not locked and plan is not None and plan.status == "complete",
                      locked or "a completed plan is reviewed")
        reviewing = plan is not None and any(r.status == "draft" for r in plan.reviews)
        self.review_button.setText("Carry on the review…" if reviewing else "Review plan…")
        self.review_button.setAccessibleName("Carry on the open review of the sentence plan" if reviewing
                                             else "Review the sentence plan")

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
        needed = self.plan.learning_plan_needed if self.plan is not None else ""
        return self._open(GoalStatusDialog(self.ops, g, parent=self, learning_plan_needed=needed))

    def add_step(self) -> RecordDialog | None:
        g = self.current_goal()
        if self.ops is None or g is None:
            return None
        return self._open(StepDialog(self.ops, g, parent=self))

    def edit_step(self) -> RecordDialog | None:
        """The step form; on a completed plan outside a review it offers the status alone (set_step_status, allowed
        at any time: update_step refuses the step's words there)."""
        g, st = self.current_goal(), self.current_step()
        if self.ops is None or g is None or st is None:
            return None
        return self._open(StepDialog(self.ops, g, st, parent=self, status_only=not editable(self.plan)))

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

    def remove_intervention(self) -> None:
        """Take the chosen intervention off the goal it is under (it stays in the plan's list, not placed)."""
        chosen = self.chosen_intervention()
        if chosen is None or not chosen.goal_id:
            return
        gid, req = chosen.goal_id, chosen.requirement_id
        self._write(lambda db: svc.place_intervention(db, gid, req, placed=False),
                    "take an intervention off its goal", lambda _r: self.refresh())

    def discard(self) -> QMessageBox | None:
        """Ask first (keeping the draft is the default), then throw the draft away."""
        plan = self.plan
        if plan is None or plan.status != "draft" or not self.discard_button.isEnabled():
            return None
        kept = (f" The {self.in_force.type_label.lower()} plan completed {format_date(self.in_force.completed_on)} "
                "stays in force." if self.in_force is not None else "")
        box = QMessageBox(QMessageBox.Icon.Warning, "Discard the draft plan?",
                          f"The {plan.type_label.lower()} plan started {format_date(plan.started_on)} will be "
                          f"thrown away with its {len(plan.goals)} {'goal' if len(plan.goals) == 1 else 'goals'}, "
                          f"their steps and any agreement recorded. This cannot be undone.{kept}", parent=self)
        go = box.addButton("&Discard draft", QMessageBox.ButtonRole.DestructiveRole)
        keep = box.addButton("&Keep it", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        plan_id = plan.id

        def answered(b: object) -> None:
            if b is go:
                self._write(lambda db: svc.discard_plan(db, plan_id), "discard the draft sentence plan",
                            self._discarded)

        box.buttonClicked.connect(answered)
        self.question = box
        box.open()
        return box

    def _discarded(self, _r: object) -> None:
        self.status.setText("The draft plan was discarded.")
        self.refresh()

    def complete(self, acknowledged: bool = False) -> None:
        if self.plan is None:
            return
        plan_id = self.plan.id
        self._write(lambda db: svc.complete_plan(db, plan_id, acknowledge_warnings=acknowledged),
                    "complete the sentence plan", self._completed)

    def _completed(self, result: svc.PlanCompletion) -> None:
        if result.completed:
            self.status.setText(completed_words(result.signing_status))
            self.refresh()
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Complete the plan with these flags?",
                          completion_question(result, self.plan), parent=self)
        go = box.addButton("Complete &anyway", QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
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

    def _printed_version(self) -> str:
        """" (the draft)" or " (the initial plan completed 01/02/2026)": what plan_document gives (the plan in
        force: the latest completed, else the draft)."""
        force = self.in_force if self.in_force is not None else self.plan
        if force is None:
            return ""
        if force.status == "draft":
            return " (the draft)"
        return f" (the {force.type_label.lower()} plan completed {format_date(force.completed_on)})"

    def save_pdf(self, path: str) -> None:
        if self.ops is None:
            return
        large = self.large_print.isChecked()

        which = self._printed_version()

        def saved(_n: object) -> None:
            self.status.setText(f"Sentence plan{which}{' (large print)' if large else ''} saved (unprotected) to "
                                f"{path}")

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
        which = (" (the draft)" if doc.draft else f" (the {doc.plan_type.lower()} plan completed "
                 f"{format_date(doc.made_on)})")
        self.status.setText(f"Sentence plan{which}{' (large print)' if doc.large_print else ''} sent to the printer "
                            f"({pages} {'page' if pages == 1 else 'pages'}).")
        return pages
