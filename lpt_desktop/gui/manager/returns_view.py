"""The officer's returned work: what their team manager sent back, with the comment, until it is revised and
completed again. Enter opens the case; Revise starts the revision (a new version of the assessment, a new
risk management plan from the returned one, or a new version of the sentence plan) and opens the case at it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, record_table

if TYPE_CHECKING:
    from lpt_desktop.services.countersign import ReturnItem

EMPTY_TEXT = ("Nothing returned. Work your team manager returns to you, with their comment, is listed here until "
              "you revise it and complete it again.")
INTRO = ("Your team manager returned this work with a comment. Revise starts a new version from it (the returned "
         "one is kept); completing the new version sends it back for countersignature.")

COLUMNS: list[Column[ReturnItem]] = [
    Column("Case", lambda r: r.name),
    Column("CRN", lambda r: r.crn),
    Column("Kind", lambda r: r.kind_label),
    Column("Returned on", lambda r: format_date(r.returned_on), sort=lambda r: r.returned_on),
    Column("Manager", lambda r: r.returned_by or ""),
    Column("Revision", lambda r: "Draft started" if r.revision_id else "Not started"),
    Column("Comment", lambda r: r.comment, tooltip=lambda r: r.comment),
]


class ReturnsView(QWidget):
    open_requested = Signal(object)  # ReturnItem: open its case
    revise_requested = Signal(object)  # ReturnItem: revise it

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Returned work")
        self.title = QLabel("Returned work")
        self.title.setObjectName("caseHeader")
        self.intro = QLabel(INTRO)
        self.intro.setWordWrap(True)
        self.model: RecordTableModel[ReturnItem] = RecordTableModel(COLUMNS, self)
        self.table = record_table(self.model, "Returned work", empty_text=EMPTY_TEXT)
        self.table.setWordWrap(False)
        # No arrow on a column until one is clicked: the rows come in the service's order, not by name.
        # (Turning sorting on sorted the model by the first column: forget that order too.)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.sorted_by = None
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        self.open_button = QPushButton("Open &case")
        self.open_button.setToolTip("Open the case of the chosen work (Enter does the same)")
        self.open_button.clicked.connect(self._open)
        self.revise_button = QPushButton("Re&vise")
        self.revise_button.setToolTip("Start a new version from the returned work and open it on the case")
        self.revise_button.clicked.connect(self._revise)
        self.comment = QLabel("")
        self.comment.setWordWrap(True)
        self.comment.setAccessibleName("Manager's comment")
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Returned work status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.revise_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.comment)
        layout.addLayout(buttons)
        self.set_rows([])

    def set_rows(self, rows: Sequence[ReturnItem]) -> None:
        keep = current.target_id if (current := self.current()) else None
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        n = len(rows)
        self.title.setText("Returned work" + (f" · {n}" if n else ""))
        if n:
            row = next((i for i, r in enumerate(self.model.records) if r.target_id == keep), 0)
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))
        self._enable()

    def current(self) -> ReturnItem | None:
        return current_record(self.table, self.model)

    def say(self, text: str) -> None:
        self.status.setText(text)

    def _enable(self) -> None:
        r = self.current()
        set_available(self.open_button, r is not None, "the list is empty")
        set_available(self.revise_button, r is not None, "the list is empty")
        if r is not None and r.revision_id:
            self.revise_button.setText("Continue re&vision")
        else:
            self.revise_button.setText("Re&vise")
        self.comment.setText(f"<b>{r.returned_by or 'Your manager'} said:</b> {r.comment}" if r else "")

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.record(index.row()))

    def _open(self) -> None:
        if (r := self.current()) is not None:
            self.open_requested.emit(r)

    def _revise(self) -> None:
        if (r := self.current()) is not None:
            self.revise_requested.emit(r)
