"""Circumstances: the current one of each kind (accommodation, employment, relationship, children, income,
health) with its from-date, the history of every kind below, and Record a change…"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.case_record import dialogs
from lpt_desktop.gui.case_record.personal_panel import button, fit_rows, small_table
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.case_record import CaseDetails, CircumstanceView


class Current:
    """One row of the 'now' table: a kind and its current circumstance (None: never recorded)."""

    def __init__(self, kind: str, label: str, now: CircumstanceView | None) -> None:
        self.id = kind
        self.label = label
        self.now = now


CURRENT_COLUMNS: list[Column[Current]] = [
    Column("Circumstance", lambda c: c.label),
    Column("Now", lambda c: c.now.value_label if c.now else "Not recorded"),
    Column("Since", lambda c: format_date(c.now.from_date) if c.now else ""),
    Column("Details", lambda c: c.now.details if c.now else ""),
]
HISTORY_COLUMNS: list[Column[CircumstanceView]] = [
    Column("Circumstance", lambda c: c.label),
    Column("Value", lambda c: c.value_label),
    Column("From", lambda c: format_date(c.from_date)),
    Column("To", lambda c: format_date(c.to_date) if c.to_date else "Current"),
    Column("Details", lambda c: c.details),
]


class CircumstancesPanel(QGroupBox):
    def __init__(self, ops: Ops | None, person_id: str) -> None:
        super().__init__("Circumstances")
        self.setAccessibleName("Circumstances")
        self.ops = ops
        self.person_id = person_id
        self.current_model, self.current_table = small_table(CURRENT_COLUMNS, "Current circumstances", 3)
        self.history_model, self.history_table = small_table(HISTORY_COLUMNS, "Circumstances history", 4)
        # Every kind on show without a scroll bar of its own (one row a kind, the header above).
        rows = len(case_codes().circumstances)
        fit_rows(self.current_table, rows, most=rows)
        self.current_table.doubleClicked.connect(lambda *_: self.record_change())
        self.record_button = button("&Record a change…", self.record_change,
                                    "A new circumstance from a date; the current one of its kind ends the day before")
        if ops is None:
            set_available(self.record_button, False, "unlock the caseload to record a change")
        row = QHBoxLayout()
        row.addWidget(self.record_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.current_table)
        layout.addLayout(row)
        layout.addWidget(QLabel("<b>History</b> (newest first)"))
        layout.addWidget(self.history_table)
        self.show_rows(())

    def show_record(self, details: CaseDetails) -> None:
        self.show_rows(details.circumstances)

    def show_rows(self, circumstances: tuple[CircumstanceView, ...]) -> None:
        kinds = case_codes().circumstances.values()
        now = {c.kind: c for c in circumstances if c.to_date is None}
        self.current_model.set_rows([Current(k.code, k.label, now.get(k.code)) for k in kinds])
        self.history_model.set_rows(list(circumstances))
        fit_rows(self.history_table, len(circumstances), most=8)

    def record_change(self) -> None:
        if self.ops is None:
            return
        row = self.current_table.currentIndex().row()
        kind = self.current_model.record(row).id if 0 <= row < self.current_model.rowCount() else None
        dialogs.CircumstanceDialog(self.ops, self.person_id, kind, self).open()
