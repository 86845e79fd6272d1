"""The case's timeline: every change to the record, newest first, with significant changes marked (they open
RoSH and plan reviews under the policy in force). Refreshed whenever the case or its registers change."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QStackedWidget, QVBoxLayout, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.table_model import Column, RecordTableModel, empty_state, record_table
from lpt_desktop.services.case_events import timeline
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.case_events import TimelineItem

TIMELINE_COLUMNS: list[Column[TimelineItem]] = [
    Column("Date", lambda e: format_date(e.on_date), sort=lambda e: e.on_date),
    Column("Change", lambda e: e.label),
    Column("Summary", lambda e: e.summary, tooltip=lambda e: e.summary),
    Column("Significant", lambda e: "Yes" if e.significant else "No", align_centre=True,
           tooltip=lambda e: "A significant change: RoSH and the plan are reviewed after it" if e.significant
           else "Recorded on the timeline; not a significant change"),
]


class TimelineModel(RecordTableModel["TimelineItem"]):
    def extra_data(self, rec: TimelineItem, column: int, role: int) -> Any:
        if rec.significant and role == Qt.ItemDataRole.FontRole and column in (1, 3):
            font = QFont()
            font.setBold(True)
            return font
        return None


class TimelineView(QWidget):
    def __init__(self, person_id: str, ops: Ops) -> None:
        super().__init__()
        self.person_id = person_id
        self.ops = ops
        self.model = TimelineModel(TIMELINE_COLUMNS)
        self.table = record_table(self.model, "Timeline", sortable=False)  # newest first, as the service gives
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.empty = empty_state("<b>Nothing on the timeline yet</b><br><br>Changes to the record (a new address, "
                                 "a register, a recall…) are listed here as they are recorded.")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)
        intro = QLabel("Every change to the record, newest first. A significant change opens a review of RoSH "
                       "and the plan.")
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.stack)
        ops.changed.connect(self._changed)

    def _changed(self, changes: Change) -> None:
        if changes & (Change.CASE | Change.REGISTER):
            self.refresh()

    def refresh(self) -> None:
        self.ops.query(timeline, self.person_id, on_ok=self._loaded, owner=self, label="load the timeline")

    def _loaded(self, items: list[TimelineItem]) -> None:
        self.model.set_rows(items)
        self.stack.setCurrentWidget(self.table if items else self.empty)
