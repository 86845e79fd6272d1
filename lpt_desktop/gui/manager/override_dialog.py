"""Agree or refuse an officer's tier override, with a reason (the team manager's decision)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QRadioButton, QVBoxLayout, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.services import countersign as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.countersign import QueueItem


class OverrideDialog(RecordDialog):
    def __init__(self, ops: Ops, item: QueueItem, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Tier override", parent, ok_text="Record decision",
                         intro=f"{item.author_name or 'The officer'} overrode the suggested tier for {item.name} "
                               f"({item.crn}) on {format_date(item.submitted_on)}. {item.why}")
        self.item = item
        choice = QWidget()
        box = QVBoxLayout(choice)
        box.setContentsMargins(0, 0, 0, 0)
        self.agree = QRadioButton("A&gree the override")
        self.agree.setAccessibleName("Agree the override")
        self.refuse = QRadioButton("Re&fuse the override (the officer decides the tier again)")
        self.refuse.setAccessibleName("Refuse the override")
        box.addWidget(self.agree)
        box.addWidget(self.refuse)
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setTabChangesFocus(True)
        self.reason.setPlaceholderText("At least a sentence: why you agree or refuse")
        self.reason.setMinimumSize(440, 100)
        label = QLabel("Decision:")
        self.form.addRow(label, choice)
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.reason)
        self.form.addRow(reason_label, self.reason)

    def submit(self) -> None:
        if not (self.agree.isChecked() or self.refuse.isChecked()):
            self.form_errors.show([FieldError("Decision", "is not chosen: agree or refuse the override")])
            return
        fn = svc.agree_override if self.agree.isChecked() else svc.refuse_override
        self.run(functools.partial(fn, tier_decision_id=self.item.target_id, reason=self.reason.toPlainText()),
                 label="decide on a tier override")
