"""Add or change a step of a goal: what, who (from the list, with a named partner where it takes one), by when,
status. "Who" is always chosen: the 2011 inspection found roles unclear in 41% of plans."""

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
    def __init__(self, ops: Ops, goal: GoalView, step: StepView | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ops, f"Add a step to goal {goal.number}" if step is None else "Change a step", parent,
                         ok_text="Add step" if step is None else "Save step",
                         intro=f"Goal {goal.number}: {goal.title}. Say what will be done, who does it and by when.")
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
        self.resize(520, self.sizeHint().height())

    def _who_changed(self) -> None:
        code = self.who.currentData()
        self.partner.setEnabled(self.ch.who_partner.get(code or "", "none") != "none")

    def value(self) -> svc.StepIn:
        partner = self.partner.currentData() if self.partner.isEnabled() else None
        return svc.StepIn(self.what.toPlainText(), self.who.currentData() or "", partner, self.who_name.text(),
                          self.by_when.value(), self.status.currentData() or "not_started")

    def submit(self) -> None:
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
