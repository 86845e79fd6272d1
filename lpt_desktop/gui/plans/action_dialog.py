"""Add or change one action of a risk management plan: its section, who (a role or an agency), what, by when.

Who, what and by when may be left for later (the service keeps the action), but the plan page flags the gap and
the plan cannot be completed until all three are there: the 2011 inspection found plans with no roles,
responsibilities or timescales in half the cases."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QPlainTextEdit, QWidget

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services import rosh_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.rosh_plan import ActionView

COMMON_WHO = ("Offender manager", "Police", "Children's services", "Approved premises", "MAPPA", "Drug service",
              "Mental health service", "Victim liaison officer")


class ActionDialog(RecordDialog):
    """Add an action to a draft plan (action None) or change one."""

    def __init__(self, ops: Ops, plan_id: str, action: ActionView | None = None, section: str = "",
                 parent: QWidget | None = None) -> None:
        title = "Add an action to the plan" if action is None else f"Change {action.section_label} action " \
                                                                   f"{action.number}"
        super().__init__(ops, title, parent, ok_text="Add action" if action is None else "Save action",
                         intro="Say who will do what, by when. Each may be filled in later, but the plan cannot be "
                               "completed while an action lacks any of them.")
        self.plan_id = plan_id
        self.action_id = action.id if action else None
        self.section = QComboBox()
        self.section.setAccessibleName("Plan section")
        for s in rp.plan_data().sections:
            self.section.addItem(s.label, s.code)
        chosen = action.section if action else section
        if chosen:
            self.section.setCurrentIndex(max(0, self.section.findData(chosen)))
        self.who = QComboBox()
        self.who.setEditable(True)
        self.who.setAccessibleName("Who (a role or an agency)")
        self.who.addItems(COMMON_WHO)
        self.who.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.who.setCurrentIndex(-1)
        self.who.setEditText(action.who if action else "")
        line = self.who.lineEdit()
        if line is not None:
            line.setPlaceholderText("A role or an agency: choose or type")
        self.what = QPlainTextEdit(action.what if action else "")
        self.what.setAccessibleName("What")
        self.what.setTabChangesFocus(True)  # Tab leaves the box, as in every other form
        self.what.setPlaceholderText("e.g. Home visit every week to check who is living at the address")
        self.what.setMinimumHeight(70)
        self.what.setMaximumHeight(110)
        self.by_when = DateEntry("By when", optional=True)
        self.by_when.setValue(action.by_when if action else None)
        self.form.addRow("Sectio&n", self.section)
        self.form.addRow("&Who", self.who)
        self.form.addRow("W&hat", self.what)
        self.form.addRow("&By when", self.by_when)
        self.resize(520, self.sizeHint().height())

    def value(self) -> svc.ActionIn:
        return svc.ActionIn(self.section.currentData() or "", self.who.currentText(), self.what.toPlainText(),
                            self.by_when.value())

    def submit(self) -> None:
        if not self.by_when.validate():
            self.form_errors.show([self.by_when.error()])
            return
        data, plan_id, action_id = self.value(), self.plan_id, self.action_id
        if action_id is None:
            self.run(lambda db: svc.add_action(db, plan_id, data), "add an action to the risk management plan")
        else:
            self.run(lambda db: svc.update_action(db, action_id, data), "change an action of the plan")
