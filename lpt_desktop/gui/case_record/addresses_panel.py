"""The address history (main, previous, secondary; no fixed abode and approved premises shown as such, each
with its from and to dates) and the changes an officer records to it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QDialog, QGroupBox, QHBoxLayout, QVBoxLayout

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.case_record import dialogs
from lpt_desktop.gui.case_record.personal_panel import button, fit_rows, small_table
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, select_record
from lpt_desktop.services import case_record as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.case_record import AddressView, CaseDetails

STATUS = {"main": "Main", "previous": "Previous", "secondary": "Secondary"}
ORDER = {"main": 0, "secondary": 1, "previous": 2}


def status_label(a: AddressView) -> str:
    """'Main', 'Main: approved premises', 'Previous: no fixed abode'…"""
    status = STATUS.get(a.status, a.status.capitalize())
    return status if a.kind == "home" else f"{status}: {case_codes().address_kinds.get(a.kind, a.kind).lower()}"


ADDRESS_COLUMNS: list[Column[AddressView]] = [
    Column("Status", status_label),
    Column("Address", lambda a: a.text),
    Column("From", lambda a: format_date(a.from_date)),
    Column("To", lambda a: format_date(a.to_date) if a.to_date else ""),
]


class AddressModel(RecordTableModel["AddressView"]):
    """Current addresses in bold, previous ones greyed: the history stays visible without crowding the present."""

    def extra_data(self, rec: AddressView, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.FontRole and rec.status == "main":
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and rec.status == "previous":
            return QBrush(QColor("#5b6470"))
        return None


def history(addresses: tuple[AddressView, ...]) -> list[AddressView]:
    """Main first, then secondary, then previous; newest first within each."""
    by_date = sorted(addresses, key=lambda a: a.from_date.toordinal() if a.from_date else 0, reverse=True)
    return sorted(by_date, key=lambda a: ORDER.get(a.status, 3))


class AddressesPanel(QGroupBox):
    def __init__(self, ops: Ops | None, person_id: str) -> None:
        super().__init__("Addresses")
        self.setAccessibleName("Addresses")
        self.ops = ops
        self.person_id = person_id
        self.model, self.table = small_table(ADDRESS_COLUMNS, "Address history", 1, AddressModel(ADDRESS_COLUMNS))
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._enable())
        row = QHBoxLayout()
        self.new_main = button("New &main address…", lambda: self._dialog("main"),
                               "The old main address becomes previous, ending the day before")
        self.nfa = button("No fi&xed abode…", self._nfa)
        self.premises = button("Approved &premises…", lambda: self._dialog("approved_premises"))
        self.secondary = button("&Secondary address…", lambda: self._dialog("secondary"))
        self.end = button("E&nd address…", self._end, "The person no longer lives at the chosen address")
        for b in (self.new_main, self.nfa, self.premises, self.secondary, self.end):
            row.addWidget(b)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(row)
        if ops is None:
            for b in (self.new_main, self.nfa, self.premises, self.secondary):
                set_available(b, False, "unlock the caseload to record an address")
        self._enable()

    def show_record(self, details: CaseDetails) -> None:
        chosen = self.current()
        self.model.set_rows(history(details.addresses))
        fit_rows(self.table, self.model.rowCount(), most=8)
        if chosen is not None:
            select_record(self.table, self.model, chosen.id)
        self._enable()

    def current(self) -> AddressView | None:
        return current_record(self.table, self.model)

    def _enable(self) -> None:
        a = self.current()
        if self.ops is None:
            why = "unlock the caseload to record an address"
        elif a is None:
            why = "choose an address in the table first"
        elif a.status == "previous":
            why = f"it already ended on {format_date(a.to_date)}"
        else:
            why = ""
        set_available(self.end, not why, why)

    def _open(self, dialog: QDialog) -> None:
        dialog.open()

    def _dialog(self, kind: str) -> None:
        if self.ops is not None:
            self._open(dialogs.AddressDialog(self.ops, self.person_id, kind, self))

    def _nfa(self) -> None:
        if self.ops is not None:
            self._open(dialogs.NoFixedAbodeDialog(self.ops, self.person_id, self))

    def _end(self) -> None:
        a = self.current()
        if a is None or self.ops is None or a.status == "previous":
            return
        self._open(dialogs.EndDateDialog(self.ops, "End address", f"The person no longer lives at {a.text}. Last "
                                         "day there:", "To", svc.end_address, a.id, self))
