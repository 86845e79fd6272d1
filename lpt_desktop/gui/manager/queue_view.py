"""The countersign queue (and the tier overrides awaiting agreement): one list tab each, in the service's order
(high and very high RoSH first, then oldest first). Enter or Open… opens the item."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, record_table

if TYPE_CHECKING:
    from lpt_desktop.services.countersign import QueueItem


def _days(n: int) -> str:
    return "today" if n <= 0 else ("1 day" if n == 1 else f"{n} days")


QUEUE_COLUMNS: list[Column[QueueItem]] = [
    Column("Case", lambda q: q.name),
    Column("CRN", lambda q: q.crn),
    Column("Kind", lambda q: q.kind_label),
    Column("RoSH level", lambda q: q.level_label, sort=lambda q: ("L", "M", "H", "VH").index(q.level)
           if q.level in ("L", "M", "H", "VH") else -1),
    Column("Author", lambda q: q.author_name or q.author or ""),
    Column("Submitted", lambda q: format_date(q.submitted_on), sort=lambda q: q.submitted_on),
    Column("Waiting", lambda q: _days(q.days_waiting), sort=lambda q: q.days_waiting, align_centre=True),
    Column("Status", lambda q: q.status_label),
    Column("Why", lambda q: q.why, tooltip=lambda q: q.why),
]
OVERRIDE_COLUMNS: list[Column[QueueItem]] = [
    Column("Case", lambda q: q.name),
    Column("CRN", lambda q: q.crn),
    Column("Officer", lambda q: q.author_name or q.author or ""),
    Column("Overridden", lambda q: format_date(q.submitted_on), sort=lambda q: q.submitted_on),
    Column("Waiting", lambda q: _days(q.days_waiting), sort=lambda q: q.days_waiting, align_centre=True),
    Column("Override and reason", lambda q: q.why, tooltip=lambda q: q.why),
]


class QueueView(QWidget):
    """A list of QueueItems; open_requested carries the chosen one."""

    open_requested = Signal(object)

    def __init__(self, title: str, intro: str, empty_text: str, overrides: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.base_title = title
        self.setAccessibleName(title)
        self.title = QLabel(title)
        self.title.setObjectName("caseHeader")
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.model: RecordTableModel[QueueItem] = RecordTableModel(
            OVERRIDE_COLUMNS if overrides else QUEUE_COLUMNS, self)
        self.table = record_table(self.model, title, empty_text=empty_text)
        self.table.setWordWrap(False)
        # No arrow on a column until one is clicked: the rows come in the service's order, not by name.
        # (Turning sorting on sorted the model by the first column: forget that order too.)
        self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.model.sorted_by = None
        # activated fires on Enter and on a double-click (connecting doubleClicked too would open twice).
        self.table.activated.connect(self._activated)
        self.open_button = QPushButton("&Open…")
        self.open_button.setToolTip("Open the chosen item (Enter does the same)")
        self.open_button.clicked.connect(self.open_current)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(f"{title} status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.set_rows([])

    def set_rows(self, rows: Sequence[QueueItem]) -> None:
        keep = current.target_id if (current := self.current()) else None
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        n = len(rows)
        self.title.setText(self.base_title + (f" · {n}" if n else ""))
        set_available(self.open_button, bool(n), "the list is empty")
        if n:
            row = next((i for i, r in enumerate(self.model.records) if r.target_id == keep), 0)
            self.table.selectRow(row)
            self.table.setCurrentIndex(self.model.index(row, 0))

    def current(self) -> QueueItem | None:
        return current_record(self.table, self.model)

    def say(self, text: str) -> None:
        self.status.setText(text)

    def open_current(self) -> None:
        item = self.current()
        if item is not None:
            self.open_requested.emit(item)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.record(index.row()))
