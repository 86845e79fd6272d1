"""Add or change a sentence plan goal, and change a goal's status with the note each change needs.

The outcome box checks its wording as it is typed (assessment/plan_wording.outcome_flags): an outcome that only
names an activity ("attend", "complete") is flagged with the suggestion to say what will be different, since
the 2011 inspection found a third of plans without outcome-focused objectives."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from lpt_desktop.assessment import plan_wording as pw
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services import sentence_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.sentence_plan import GoalView


def wording_text(outcome: str, area: str | None) -> str:
    """The live check's words: each flag and its suggestion, or that the outcome states a change."""
    if not outcome.strip():
        return "Say what will be different when the goal is met."
    flags = pw.outcome_flags(outcome, area=area)
    if not flags:
        return "✓ The outcome says what will be different."
    return "\n".join(f"⚠ {f.message}" + (f"\nSuggestion: {f.suggestion}" if f.suggestion else "") for f in flags)


class GoalDialog(RecordDialog):
    """Add a goal to a plan (goal None) or change one."""

    def __init__(self, ops: Ops, plan_id: str, goal: GoalView | None = None, parent: QWidget | None = None) -> None:
        title = "Add a goal to the sentence plan" if goal is None else f"Change goal {goal.number}"
        super().__init__(ops, title, parent, ok_text="Add goal" if goal is None else "Save goal",
                         intro="A goal says what will be different (the outcome), in an area of need, by when.")
        ch = svc.choices()
        self.plan_id = plan_id
        self.goal_id = goal.id if goal else None
        self.title_edit = QLineEdit(goal.title if goal else "")
        self.title_edit.setAccessibleName("Goal title")
        self.title_edit.setPlaceholderText("e.g. A settled home")
        self.area = QComboBox()
        self.area.setAccessibleName("Area of need")
        for code, label in ch.areas:
            self.area.addItem(label, code)
        if goal and goal.area:
            self.area.setCurrentIndex(max(0, self.area.findData(goal.area)))
        self.related = QListWidget()
        self.related.setAccessibleName("Related areas")
        self.related.setMaximumHeight(90)
        for code, label in ch.areas:
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if goal and code in goal.related_areas
                               else Qt.CheckState.Unchecked)
            self.related.addItem(item)
        self.outcome = QPlainTextEdit(goal.outcome if goal else "")
        self.outcome.setAccessibleName("Outcome: what will be different")
        self.outcome.setTabChangesFocus(True)
        self.outcome.setPlaceholderText("e.g. Sam lives in a settled home with a tenancy in his name")
        self.outcome.setMaximumHeight(80)
        self.wording = QLabel("")
        self.wording.setWordWrap(True)
        self.wording.setAccessibleName("Wording check")
        self.target = QComboBox()
        self.target.setAccessibleName("Target date")
        for code, label in ch.target_choices:
            self.target.addItem(label, code)
        self.target.setCurrentIndex(max(0, self.target.findData(goal.target_choice if goal else "6_months")))
        self.target_date = DateEntry("Target date", optional=True)
        self.target_date.setValue(goal.target_date if goal and goal.target_choice == "date" else None)
        self.rosh_link = QCheckBox("Addresses risk of serious harm")
        self.rosh_link.setChecked(bool(goal and goal.rosh_link))
        self.learning_plan = QCheckBox("This goal is the learning plan (Skills for Life)")
        self.learning_plan.setChecked(bool(goal and goal.learning_plan))
        self.form.addRow("&Title", self.title_edit)
        self.form.addRow("&Area of need", self.area)
        self.form.addRow("Re&lated areas", self.related)
        self.form.addRow("&Outcome", self.outcome)
        self.form.addRow("", self.wording)
        self.form.addRow("Tar&get", self.target)
        self.form.addRow("&Date", self.target_date)
        self.form.addRow("", self.rosh_link)
        self.form.addRow("", self.learning_plan)
        self.outcome.textChanged.connect(self._check)
        self.area.currentIndexChanged.connect(self._check)
        self.target.currentIndexChanged.connect(self._target_changed)
        self._check()
        self._target_changed()
        self.resize(560, self.sizeHint().height())

    def _check(self) -> None:
        text = wording_text(self.outcome.toPlainText(), self.area.currentData())
        self.wording.setText(text)
        self.wording.setStyleSheet("color: #8a4b00;" if text.startswith("⚠") else "color: #2d6a2d;")

    def _target_changed(self) -> None:
        self.target_date.setEnabled(self.target.currentData() == "date")

    def value(self) -> svc.GoalIn:
        related = [self.related.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.related.count())
                   if self.related.item(i).checkState() == Qt.CheckState.Checked]
        area = self.area.currentData() or ""
        choice = self.target.currentData() or "none"
        target: date | None = self.target_date.value() if choice == "date" else None
        return svc.GoalIn(self.title_edit.text(), area, self.outcome.toPlainText(), choice, target,
                          related_areas=tuple(r for r in related if r != area), rosh_link=self.rosh_link.isChecked(),
                          learning_plan=self.learning_plan.isChecked())

    def submit(self) -> None:
        if not self.target_date.validate():
            self.form_errors.show([self.target_date.error()])
            return
        data, plan_id, goal_id = self.value(), self.plan_id, self.goal_id
        if goal_id is None:
            self.run(lambda db: svc.add_goal(db, plan_id, data), "add a goal to the sentence plan")
        else:
            self.run(lambda db: svc.update_goal(db, goal_id, data), "change a goal of the sentence plan")


class GoalStatusDialog(RecordDialog):
    """Change a goal's status: a note saying why is required, and kept as the goal's history. A future goal has
    no target date, so making a goal future takes its target off (the dialog says so), and making a goal active
    that has none asks for one here. Removing the goal that is the learning plan, while the needs assessment's
    Skills for Life screening requires one (`learning_plan_needed`: why), is warned of before it is saved."""

    def __init__(self, ops: Ops, goal: GoalView, parent: QWidget | None = None,
                 learning_plan_needed: str = "") -> None:
        super().__init__(ops, f"Change the status of goal {goal.number}", parent, ok_text="Change status",
                         intro=f"{goal.title}: now {goal.status_label.lower()}. Say why it changes.")
        self.goal_id = goal.id
        self.has_target = goal.target_date is not None
        self.is_learning_plan = goal.learning_plan
        self.learning_plan_needed = learning_plan_needed
        self.status = QComboBox()
        self.status.setAccessibleName("New status")
        for code, label in svc.choices().goal_statuses:
            self.status.addItem(label, code)
        self.status.setCurrentIndex(max(0, self.status.findData(goal.status)))
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Why the status changes")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)
        self.target = QComboBox()
        self.target.setAccessibleName("Target date")
        for code, label in svc.choices().target_choices:
            if code != "none":
                self.target.addItem(label, code)
        self.target.setCurrentIndex(max(0, self.target.findData("6_months")))
        self.target_date = DateEntry("Target date", optional=True)
        self.target_hint = QLabel("")
        self.target_hint.setWordWrap(True)
        self.target_hint.setAccessibleName("What happens to the target date")
        self.form.addRow("&Status", self.status)
        self.form.addRow("&Why", self.note)
        self.form.addRow("Tar&get", self.target)
        self.form.addRow("&Date", self.target_date)
        self.form.addRow("", self.target_hint)
        self.learning_warning = QLabel("")
        self.learning_warning.setWordWrap(True)
        self.learning_warning.setAccessibleName("Warning: the learning plan is needed")
        self.learning_warning.setStyleSheet("color: #8a4b00;")
        self.form.addRow("", self.learning_warning)
        self.status.currentIndexChanged.connect(self._status_changed)
        self.target.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def needs_target(self) -> bool:
        return self.status.currentData() == "active" and not self.has_target

    def _status_changed(self) -> None:
        asks = self.needs_target()
        self.target.setEnabled(asks)
        self.target_date.setEnabled(asks and self.target.currentData() == "date")
        if asks:
            self.target_hint.setText("An active goal needs a target date: choose one.")
        elif self.status.currentData() == "future" and self.has_target:
            self.target_hint.setText("A future goal has no target date: its target date is taken off.")
        else:
            self.target_hint.setText("")
        removing = self.status.currentData() == "removed" and self.is_learning_plan
        if removing and self.learning_plan_needed:
            why = self.learning_plan_needed
            self.learning_warning.setText(
                f"⚠ This goal is the learning plan, and the needs assessment requires one ({why[0].lower()}{why[1:]})."
                " Removed, the plan is flagged “A learning plan is required” until another goal is made the learning "
                "plan (Change goal…).")
        elif removing:
            self.learning_warning.setText("This goal is the learning plan: removed, the plan has none.")
        else:
            self.learning_warning.setText("")
        self.learning_warning.setVisible(bool(self.learning_warning.text()))

    def submit(self) -> None:
        goal_id, status, note = self.goal_id, self.status.currentData() or "", self.note.toPlainText()
        choice: str | None = None
        chosen: date | None = None
        if self.needs_target():
            if not self.target_date.validate():
                self.form_errors.show([self.target_date.error()])
                return
            choice = self.target.currentData()
            chosen = self.target_date.value() if choice == "date" else None
        self.run(lambda db: svc.set_goal_status(db, goal_id, status, note, target_choice=choice, target_date=chosen),
                 "change a goal's status")
