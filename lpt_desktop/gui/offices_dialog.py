"""Offices: the addresses and phone numbers letters are written from, and the office the officer works from.

install(host) adds Edit › Offices… (a feature, listed in gui/features.py). The dialog lists the caseload's
offices, edits one (name, up to three address lines, postcode, phone) and chooses the officer's own; every read
and write goes through ops to services/offices.py, which validates (each message names its field).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.validation import ValidationError

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.offices import OfficeView
    from lpt_desktop.store.database import Database

NEW = "New office"


def _load(db: Database) -> tuple[list[OfficeView], OfficeView | None]:
    from lpt_desktop.services.offices import list_offices, officer_office

    return list_offices(db), officer_office(db)


class OfficesDialog(QDialog):
    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle("Offices")
        self.setAccessibleName("Offices")
        self.offices: list[OfficeView] = []
        self.mine: OfficeView | None = None
        self.list = QListWidget()
        self.list.setAccessibleName("Offices")
        self.name = QLineEdit()
        self.name.setAccessibleName("Office name")
        self.lines = [QLineEdit() for _ in range(3)]
        for i, line in enumerate(self.lines, 1):
            line.setAccessibleName(f"Address line {i}")
        self.lines[0].setPlaceholderText("Street")
        self.lines[-1].setPlaceholderText("Town")
        self.postcode = QLineEdit()
        self.postcode.setAccessibleName("Postcode")
        self.phone = QLineEdit()
        self.phone.setAccessibleName("Phone")
        self.phone.setPlaceholderText("e.g. 01772 201234")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.errors = QLabel("")
        self.errors.setObjectName("errorLabel")
        self.errors.setWordWrap(True)
        self.errors.setTextFormat(Qt.TextFormat.PlainText)
        self.save_button = QPushButton("&Save office")
        self.mine_button = QPushButton("&Use as my office")
        self.mine_button.setToolTip("Your letters carry this office's address and phone number")
        # Room for the whole label in its disabled look too (which draws a wider edge).
        self.mine_button.setMinimumWidth(self.mine_button.fontMetrics().horizontalAdvance("Use as my office") + 40)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)

        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Address", self.lines[0])
        for line in self.lines[1:]:
            form.addRow("", line)
        form.addRow("Post&code", self.postcode)
        form.addRow("P&hone", self.phone)
        actions = QHBoxLayout()
        actions.addWidget(self.mine_button)
        actions.addStretch(1)
        actions.addWidget(self.save_button)
        right = QVBoxLayout()
        right.addLayout(form)
        right.addWidget(self.errors)
        right.addLayout(actions)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addLayout(right, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(640, 320)

        self.list.currentRowChanged.connect(self._show)
        self.save_button.clicked.connect(self.save)
        self.mine_button.clicked.connect(self.use_as_mine)
        self.refresh()

    # -- reading ---------------------------------------------------------------------------------
    def refresh(self, select_id: str | None = None) -> None:
        def loaded(result: tuple[list[OfficeView], OfficeView | None]) -> None:
            self.offices, self.mine = result
            self.list.blockSignals(True)
            self.list.clear()
            for o in self.offices:
                mark = " (your office)" if self.mine and self.mine.id == o.id else ""
                item = QListWidgetItem(o.name + mark)
                item.setData(Qt.ItemDataRole.UserRole, o.id)
                self.list.addItem(item)
            self.list.addItem(QListWidgetItem(NEW))
            self.list.blockSignals(False)
            ids = [o.id for o in self.offices]
            wanted = select_id or (self.mine.id if self.mine else None)
            self.list.setCurrentRow(ids.index(wanted) if wanted in ids else (0 if ids else len(ids)))
            self._show(self.list.currentRow())
            self.status.setText(f"Your letters are written from {self.mine.name}." if self.mine else
                                "Choose the office you work from: your letters carry its address and phone.")

        self.ops.query(_load, on_ok=loaded, owner=self, label="offices")

    def current(self) -> OfficeView | None:
        row = self.list.currentRow()
        return self.offices[row] if 0 <= row < len(self.offices) else None

    def _show(self, _row: int) -> None:
        o = self.current()
        self.errors.setText("")
        self.name.setText(o.name if o else "")
        for i, line in enumerate(self.lines):
            line.setText(o.address_lines[i] if o and i < len(o.address_lines) else "")
        self.postcode.setText(o.postcode if o else "")
        self.phone.setText(o.phone if o else "")
        self.mine_button.setEnabled(o is not None and not (self.mine and self.mine.id == o.id))
        self.mine_button.setToolTip("Save the office first" if o is None else
                                    "This is already your office" if self.mine and self.mine.id == o.id else
                                    "Your letters carry this office's address and phone number")

    # -- writing ---------------------------------------------------------------------------------
    def save(self) -> None:
        from lpt_desktop.services.offices import OfficeIn, save_office

        o = self.current()
        office = OfficeIn(self.name.text(), tuple(x.text() for x in self.lines), self.postcode.text(),
                          self.phone.text(), id=o.id if o else None)
        self.ops.write(save_office, office, on_ok=lambda oid: self.refresh(select_id=oid), on_error=self._failed,
                       owner=self, label="an office")

    def use_as_mine(self) -> None:
        from lpt_desktop.services.offices import set_officer_office

        o = self.current()
        if o is not None:
            self.ops.write(set_officer_office, o.id, on_ok=lambda _r: self.refresh(select_id=o.id),
                           on_error=self._failed, owner=self, label="your office")

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, ValidationError):
            self.errors.setText("\n".join(str(e) for e in exc.errors))
        else:
            self.errors.setText(f"Not saved ({exc.__class__.__name__}): try again.")


class OfficesController(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.dialog: OfficesDialog | None = None
        self.action = host.add_action("&Offices…", self.open, tip="The offices letters are written from, and yours")
        host.menu("&Edit").addAction(self.action)

    def open(self) -> None:
        self.dialog = OfficesDialog(self.host.ops, self.host.widget())
        self.dialog.open()


def install(host: Host) -> Any:
    return OfficesController(host)
