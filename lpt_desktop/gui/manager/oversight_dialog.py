"""A management oversight contact on any of the team's cases (the team manager's own record: it counts as
oversight in the standards engine and the audit)."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QLabel, QPlainTextEdit, QWidget

from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui import standards_common
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.manager.words import sentence_problem
from lpt_desktop.services import countersign as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.caseload import CaseloadRow


class OversightDialog(RecordDialog):
    def __init__(self, ops: Ops, cases: Sequence[CaseloadRow], person_id: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ops, "Record management oversight", parent, ok_text="Record oversight",
                         intro="Your review of the case with its officer: what you looked at and what the officer "
                               "should do. It is recorded on the case as a management oversight contact.")
        self.case = QComboBox()
        self.case.setAccessibleName("Case")
        self.case.addItem("Choose a case…", None)
        for row in sorted(cases, key=lambda r: r.name.casefold()):
            self.case.addItem(f"{row.name} · {row.crn}", row.person_id)
        if person_id is not None and (i := self.case.findData(person_id)) >= 0:
            self.case.setCurrentIndex(i)
        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setTabChangesFocus(True)
        self.note.setPlaceholderText("At least a sentence: what was reviewed and what the officer should do")
        self.note.setMinimumSize(460, 120)
        self.on = DateEntry("Date")
        self.on.setValue(standards_common.today())
        for text, field in (("C&ase:", self.case), ("&Note:", self.note), ("&Date:", self.on)):
            label = QLabel(text)
            label.setBuddy(field)
            self.form.addRow(label, field)

    def submit(self) -> None:
        problems: list[object] = []
        person = self.case.currentData()
        if person is None:
            problems.append(FieldError("Case", "is not chosen: choose the case you reviewed"))
        if (p := sentence_problem(self.note.toPlainText(), "Note", "what was reviewed and what the officer "
                                                                   "should do")) is not None:
            problems.append(p)
        on = self.on.value()
        if self.on.error():
            problems.append(self.on.error())
        elif on is None:
            problems.append(FieldError("Date", "is empty: type the date of the oversight (dd/mm/yyyy)"))
        if problems or on is None:
            self.form_errors.show(problems)
            return
        self.run(functools.partial(svc.record_oversight, person_id=person, note=self.note.toPlainText(), on=on),
                 label="record management oversight")
