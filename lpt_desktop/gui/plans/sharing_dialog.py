"""Record who a risk management plan was shared with (police, children's services, MAPPA, approved premises or
another agency, named) and when."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services import rosh_plan as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops


class SharingDialog(RecordDialog):
    def __init__(self, ops: Ops, plan_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Record who the plan was shared with", parent, ok_text="Record sharing",
                         intro="Which agency the plan was shared with, and the day it was shared.")
        self.plan_id = plan_id
        self.agency = QComboBox()
        self.agency.setAccessibleName("Shared with")
        for a in rp.plan_data().share_with:
            self.agency.addItem(a.label, a.code)
        self.detail = QLineEdit()
        self.detail.setAccessibleName("Which agency (for other)")
        self.detail.setPlaceholderText("e.g. Women's Aid")
        self.on = DateEntry("Shared on")
        self.on.setValue(date.today())
        self.form.addRow("&Shared with", self.agency)
        self.form.addRow("&Which agency", self.detail)
        self.form.addRow("Shared &on", self.on)
        self.agency.currentIndexChanged.connect(self._detail_enabled)
        self._detail_enabled()
        self.resize(460, self.sizeHint().height())

    def _detail_enabled(self) -> None:
        found = rp.plan_data().agency(self.agency.currentData() or "")
        needed = bool(found and found.needs_detail)
        self.detail.setEnabled(needed)
        self.detail.setToolTip("" if needed else "Only for Other: name the agency")

    def submit(self) -> None:
        if not self.on.validate():
            self.form_errors.show([self.on.error()])
            return
        plan_id, agency, on = self.plan_id, self.agency.currentData() or "", self.on.value()
        detail = self.detail.text() if self.detail.isEnabled() else ""
        self.run(lambda db: svc.record_sharing(db, plan_id, agency, on, detail), "record who the plan was shared with")
