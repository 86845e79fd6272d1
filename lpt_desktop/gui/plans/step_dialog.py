"""Add or change a step of a goal: what, who (from the list, with a named partner where it takes one), by when,
status. "Who" is always chosen: the 2011 inspection found roles unclear in 41% of plans.

On a completed plan outside a review (`status_only`) the step's words, who and date are shown but not offered
(they change in a review or a new version, services/sentence_plan.update_step refuses them): only its status
moves on (set_step_status, allowed at any time)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QWidget

from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services import sentence_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.sentence_plan import GoalView, StepView


class StepDialog(RecordDialog):
    def __init__(self, ops: Ops, goal: GoalView, step: StepView | None = None, parent: QWidget | None = None,
                 status_only: bool = False) -> None:
        self.status_only = status_only and step is not None
        intro = (f"Goal {goal.number}: {goal.title}. The plan is completed: the step's status can change now; what "
                 "it is, who does it and by when change in a review (Review plan…) or a new version."
                 if self.status_only else
                 f"Goal {goal.number}: {goal.title}. Say what will be done, who does it and by when.")
        super().__init__(ops, f"Add a step to goal {goal.number}" if step is None else
                         "Change a step's status" if self.status_only else "Change a step", parent,
                         ok_text="Add step" if step is None else "Save status" if self.status_only else "Save step",
                         intro=intro)
        self.old_status = step.status if step else None
        self.ch = svc.choices()
        self.goal_id = goal.id
        self.step_id = step.id if step else None
        self.what = QPlainTextEdit(step.what if step else "")
        self.what.setAccessibleName("What")
        self.what.setTabChangesFocus(True)
        self.what.setMaximumHeight(80)
        self.who = QComboBox()
        self.who.setAccessibleName("Who does it")
        self.who.addItem("Choose someone", None)
        for code, label in self.ch.who:
            self.who.addItem(label, code)
        self.who.setCurrentIndex(max(0, self.who.findData(step.who)) if step else 0)
        self.partner = QComboBox()
        self.partner.setAccessibleName("Named partner")
        self.partner.addItem("No named partner", None)
        for code, label in self.ch.partners:
            self.partner.addItem(label, code)
        if step and step.partner:
            self.partner.setCurrentIndex(max(0, self.partner.findData(step.partner)))
        self.who_name = QLineEdit(step.who_name if step else "")
        self.who_name.setAccessibleName("Their name")
        self.who_name.setPlaceholderText("The person's name, or the partner's contact")
        self.by_when = DateEntry("By when", optional=True)
        self.by_when.setValue(step.by_when if step else None)
        self.status = QComboBox()
        self.status.setAccessibleName("Step status")
        for code, label in self.ch.step_statuses:
            self.status.addItem(label, code)
        self.status.setCurrentIndex(max(0, self.status.findData(step.status if step else "not_started")))
        self.form.addRow("W&hat", self.what)
        self.form.addRow("&Who", self.who)
        self.form.addRow("&Partner", self.partner)
        self.form.addRow("&Name", self.who_name)
        self.form.addRow("&By when", self.by_when)
        self.form.addRow("&Status", self.status)
        self.who.currentIndexChanged.connect(self._who_changed)
        self._who_changed()
        if self.status_only:
            for w in (self.what, self.who, self.partner, self.who_name, self.by_when):
                w.setEnabled(False)
                w.setToolTip("The plan is completed: change this in a review or a new version")
            self.status.setFocus()
        self.resize(520, self.sizeHint().height())

    def _who_changed(self) -> None:
        code = self.who.currentData()
        self.partner.setEnabled(self.ch.who_partner.get(code or "", "none") != "none")

    def value(self) -> svc.StepIn:
        partner = self.partner.currentData() if self.partner.isEnabled() else None
        return svc.StepIn(self.what.toPlainText(), self.who.currentData() or "", partner, self.who_name.text(),
                          self.by_when.value(), self.status.currentData() or "not_started")

    def submit(self) -> None:
        if self.status_only and self.step_id is not None:
            chosen, status = self.step_id, self.status.currentData() or "not_started"
            if status == self.old_status:
                self.accept()  # nothing changed: nothing to save
                return
            self.run(lambda db: svc.set_step_status(db, chosen, status), "change a step's status")
            return
        if self.who.currentData() is None:
            self.form_errors.show([FieldError("Who", "choose who does it: the person, you, a partner or someone "
                                                     "named")])
            return
        if not self.by_when.validate():
            self.form_errors.show([self.by_when.error()])
            return
        data, goal_id, step_id = self.value(), self.goal_id, self.step_id
        if step_id is None:
            self.run(lambda db: svc.add_step(db, goal_id, data), "add a step to a goal")
        else:
            self.run(lambda db: svc.update_step(db, step_id, data), "change a step")
