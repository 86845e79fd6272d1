"""The case's Registers page: the registers with their review dates, and adding, reviewing and ending one.

Each button opens a small form; the write goes through services/registers.py, and the case tab, the
caseload's Flags column and "what is due" follow from the Change.REGISTER it announces.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, empty_state, record_table
from lpt_desktop.services import registers as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.cases import CaseRecord, RegistrationView


class RegisterTableModel(RecordTableModel["RegistrationView"]):
    """Registers with their review dates; a review that is due or overdue stands out as on the caseload."""

    def extra_data(self, rec: RegistrationView, column: int, role: int) -> object:
        if column == 3 and rec.next_review_date and rec.ended_on is None and rec.next_review_date <= date.today():
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#a4161a"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return "Review overdue" if rec.next_review_date < date.today() else "Review due today"
        return None


REGISTER_COLUMNS: list[Column[RegistrationView]] = [
    Column("Register", lambda r: r.label),
    Column("Details", lambda r: r.detail),
    Column("Registered", lambda r: format_date(r.start_date), sort=lambda r: r.start_date),
    Column("Next review", lambda r: format_date(r.next_review_date), sort=lambda r: r.next_review_date),
    Column("Status", lambda r: "Ended " + format_date(r.ended_on) if r.ended_on else "Active"),
]


def _interval(type_code: str) -> str:
    rtype = reference().register_types.get(type_code)
    return f"every {rtype.review_months} months" if rtype else ""


class AddRegisterDialog(RecordDialog):
    """Put the person on a register: its type, MAPPA category and level where it has them, and the start."""

    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Add register", parent, ok_text="Add register")
        self.person_id = person_id
        ref = reference()
        self.type = QComboBox()
        self.type.setAccessibleName("Register")
        self.type.addItem("Choose a register", "")
        for rtype in sorted(ref.register_types.values(), key=lambda t: t.label.casefold()):
            self.type.addItem(rtype.label, rtype.code)
        self.category = QComboBox()
        # The categories' long descriptions would widen the form to the screen: they show in full when open.
        self.category.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.category.setMinimumContentsLength(36)
        self.category.setAccessibleName("MAPPA category")
        self.category.addItem("Choose a category", "")
        for code, label in ref.mappa_categories.items():
            self.category.addItem(f"Category {code}: {label}", code)
        self.level = QComboBox()
        self.level.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.level.setMinimumContentsLength(36)
        self.level.setAccessibleName("MAPPA level")
        self.level.addItem("Choose a level", "")
        for code, label in ref.mappa_levels.items():
            self.level.addItem(f"Level {code}: {label}", code)
        self.start = DateEntry("Start date")
        self.start.setValue(date.today())
        self.next_review = QLabel("")
        self.next_review.setAccessibleName("Next review")
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes")
        self.form.addRow("&Register", self.type)
        self.form.addRow("&Category", self.category)
        self.form.addRow("&Level", self.level)
        self.form.addRow("&Start date", self.start)
        self.form.addRow("Next review", self.next_review)
        self.form.addRow("&Notes", self.notes)
        self.type.currentIndexChanged.connect(self._type_changed)
        self.start.valueChanged.connect(lambda _v: self._show_review())
        self._type_changed()
        self.resize(520, self.sizeHint().height())

    def _type_changed(self) -> None:
        rtype = reference().register_types.get(self.type.currentData() or "")
        self.form.setRowVisible(self.category, bool(rtype and rtype.has_category))
        self.form.setRowVisible(self.level, bool(rtype and rtype.has_level))
        self._show_review()

    def _show_review(self) -> None:
        code = self.type.currentData() or ""
        start = self.start.value()
        due = svc.first_review_date(code, start) if code and start else None
        self.next_review.setText(f"{format_date(due)} ({_interval(code)})" if due else
                                 "From the register's review interval, once the register and start are chosen")

    def submit(self) -> None:
        rtype = reference().register_types.get(self.type.currentData() or "")
        code = self.type.currentData() or ""
        category = (self.category.currentData() or None) if rtype and rtype.has_category else None
        level = (self.level.currentData() or None) if rtype and rtype.has_level else None
        start, notes, person = self.start.value(), self.notes.text(), self.person_id
        if not code:
            self.form_errors.show(["Register: choose one from the list"])
            return
        self.run(lambda db: svc.add_register(db, person, code, start, category=category, level=level, notes=notes),
                 "add a register")


class ReviewRegisterDialog(RecordDialog):
    """Record a register review; the next review is proposed from the register's interval."""

    def __init__(self, ops: Ops, register: RegistrationView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Record register review", parent, ok_text="Record review",
                         intro=f"<b>{register.label}</b> since {format_date(register.start_date)}; review due "
                               f"{format_date(register.next_review_date) or 'not set'}.")
        self.register = register
        self.reviewed = DateEntry("Review date")
        self.reviewed.setValue(date.today())
        self.next = DateEntry("Next review", optional=True)
        self.next.setToolTip(f"Proposed from the review date, {_interval(register.type_code)}; change it if the "
                             "review set another date")
        self.notes = QLineEdit()
        self.notes.setAccessibleName("Notes")
        self.form.addRow("&Reviewed on", self.reviewed)
        self.form.addRow("Ne&xt review", self.next)
        self.form.addRow("&Notes", self.notes)
        self._proposed: date | None = None
        self.reviewed.valueChanged.connect(lambda _v: self._propose())
        self._propose()
        self.resize(460, self.sizeHint().height())

    def _propose(self) -> None:
        on = self.reviewed.value()
        proposed = svc.first_review_date(self.register.type_code, on) if on else None
        # Follow the review date until the officer sets the next review themselves.
        if self.next.value() in (None, self._proposed):
            self.next.setValue(proposed)
        self._proposed = proposed

    def submit(self) -> None:
        rid, on, nxt, notes = self.register.id, self.reviewed.value(), self.next.value(), self.notes.text()
        self.run(lambda db: svc.review_register(db, rid, on, nxt, notes=notes), "record a register review")


class EndRegisterDialog(RecordDialog):
    def __init__(self, ops: Ops, register: RegistrationView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "End register", parent, ok_text="End register",
                         intro=f"End <b>{register.label}</b> (since {format_date(register.start_date)}). It stays "
                               "in the case's history.")
        self.register = register
        self.ended = DateEntry("End date")
        self.ended.setValue(date.today())
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Reason")
        self.reason.setPlaceholderText("e.g. deregistered at MAPPA review")
        self.form.addRow("&End date", self.ended)
        self.form.addRow("&Reason", self.reason)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        rid, on, reason = self.register.id, self.ended.value(), self.reason.text()
        self.run(lambda db: svc.end_register(db, rid, on, reason), "end a register")


class RegistersPanel(QWidget):
    """The Registers page of a case tab (read-only without ops: the buttons say why)."""

    def __init__(self, case: CaseRecord, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.case = case
        self.ops = ops
        self.dialog: RecordDialog | None = None
        self.add_button = QPushButton("Add &register…")
        self.add_button.setToolTip("Put this person on a register (MAPPA, child protection, domestic abuse…)")
        self.review_button = QPushButton("Record revie&w…")
        self.review_button.setToolTip("Record a review of the chosen register; the next review follows")
        self.end_button = QPushButton("E&nd register…")
        self.end_button.setToolTip("End the chosen register with the reason")
        # Enter presses the button in focus, as in a dialog (a push button outside one takes only Space), so
        # "Go to the registers" (gui/practice/screens.py) then Enter adds a register.
        for b in (self.add_button, self.review_button, self.end_button):
            b.setAutoDefault(True)
        self.model = RegisterTableModel(REGISTER_COLUMNS)
        self.table = record_table(self.model, "Registers", sortable=False)
        self.table.horizontalHeader().setStretchLastSection(False)  # Details takes the spare width, not Status
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setMinimumHeight(160)
        self.empty = empty_state("<b>No registers</b><br><br>This person is on no register (MAPPA, child "
                                 "protection, domestic abuse and others appear here).")
        self.empty.setAccessibleName("No registers")
        buttons = QHBoxLayout()
        for b in (self.add_button, self.review_button, self.end_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.table)
        layout.addWidget(self.empty)
        layout.addStretch(1)
        self.add_button.clicked.connect(self.add_register)
        self.review_button.clicked.connect(self.review_register)
        self.end_button.clicked.connect(self.end_register)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.set_case(case)

    def set_case(self, case: CaseRecord) -> None:
        """Show the case as read again after a change (the chosen register stays chosen)."""
        chosen = self.current()
        self.case = case
        # Active registers first, newest first; ended ones after them, as history.
        rows = sorted(case.registrations, key=lambda r: (r.ended_on is not None, -r.start_date.toordinal()))
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.setVisible(bool(rows))
        self.empty.setVisible(not rows)
        if rows:
            index = next((i for i, r in enumerate(rows) if chosen and r.id == chosen.id), 0)
            self.table.selectRow(index)
            self.table.setCurrentIndex(self.model.index(index, 0))
        self._enable()

    def current(self) -> RegistrationView | None:
        return current_record(self.table, self.model)

    def _enable(self) -> None:
        locked = "unlock the caseload to change the record"
        set_available(self.add_button, self.ops is not None, locked)
        r = self.current()
        why = (locked if self.ops is None else "choose a register in the list" if r is None
               else f"it ended on {format_date(r.ended_on)}" if r.ended_on else "")
        set_available(self.review_button, not why, why)
        set_available(self.end_button, not why, why)

    def _open(self, dialog: RecordDialog) -> RecordDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.dialog = dialog
        dialog.open()
        return dialog

    def add_register(self) -> RecordDialog | None:
        if self.ops is None:
            return None
        return self._open(AddRegisterDialog(self.ops, self.case.person_id, self))

    def review_register(self) -> RecordDialog | None:
        r = self.current()
        if self.ops is None or r is None or r.ended_on:
            return None
        return self._open(ReviewRegisterDialog(self.ops, r, self))

    def end_register(self) -> RecordDialog | None:
        r = self.current()
        if self.ops is None or r is None or r.ended_on:
            return None
        return self._open(EndRegisterDialog(self.ops, r, self))
