"""'This week': everything due or overdue across the caseload, of every kind, in one list by due date."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QBoxLayout, QHBoxLayout, QHeaderView, QLabel, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui import standards_common as common
from lpt_desktop.gui.list_view import RecordListView
from lpt_desktop.gui.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from lpt_desktop.services.obligations import DueItem

HORIZON_DAYS = 7

DUE_COLUMNS: list[Column[DueItem]] = [
    Column("Due by", lambda i: format_date(i.obligation.due_by), sort=lambda i: (i.obligation.due_by, i.crn)),
    Column("Status", lambda i: common.status_text(i.obligation.status),
           sort=lambda i: (common.status_style(i.obligation.status).rank, i.obligation.due_by)),
    Column("What", lambda i: i.obligation.description,
           tooltip=lambda i: f"{i.obligation.description}\nDue {common.window_text(i.obligation)}\n"
                             f"{i.obligation.source}"),
    Column("Kind", lambda i: common.kind_text(i.obligation.kind)),
    Column("CRN", lambda i: i.crn),
    Column("Name", lambda i: i.name),
    Column("Window", lambda i: common.window_text(i.obligation),
           sort=lambda i: (i.obligation.due_from or i.obligation.due_by, i.obligation.due_by)),
    Column("Source", lambda i: i.obligation.source, tooltip=lambda i: i.obligation.source),
]
COL_STATUS = 1


class DueTableModel(RecordTableModel["DueItem"]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(DUE_COLUMNS, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def extra_data(self, rec: DueItem, column: int, role: int) -> Any:
        status = rec.obligation.status
        if column == COL_STATUS:
            if role == Qt.ItemDataRole.ForegroundRole:
                return common.status_brush(status)
            if role == Qt.ItemDataRole.BackgroundRole:
                return common.status_brush(status, background=True)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
        elif role == Qt.ItemDataRole.ForegroundRole and status == "overdue" and column == 0:
            return common.status_brush(status)
        return None


def due_counts(items: Sequence[DueItem]) -> tuple[int, int]:
    """(due, overdue) among the items."""
    due = sum(1 for i in items if i.obligation.status == "due")
    overdue = sum(1 for i in items if i.obligation.status == "overdue")
    return due, overdue


def case_counts(items: Sequence[DueItem]) -> tuple[int, int]:
    """(due, overdue) in cases, as the caseload shows them: the status bar's "Overdue: N" is the number of
    rows the caseload paints red (services.caseload.case_standing and is_overdue are the one definition)."""
    from lpt_desktop.services.caseload import count_cases

    counts = count_cases((i.person_id, i.obligation.status) for i in items)
    return counts.get("due", 0), counts.get("overdue", 0)


class ThisWeekView(RecordListView):
    """Double-click (or Enter on) a row to open the case; `activated` carries the DueItem."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(DueTableModel(), "This week",
                         "Nothing is due or overdue this week across the caseload.", parent)
        self.setAccessibleName("This week")
        self.policy = common.policy_label()
        self.note = QLabel("")
        self.note.setAccessibleName("This week summary")
        self.note.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.note, 1)
        bar.addWidget(self.policy)
        cast(QBoxLayout, self.layout()).insertLayout(1, bar)
        self.table.setToolTip("Double-click or press Enter to open the case")
        self.table.setWordWrap(False)
        self.loaded = False

    def show_items(self, items: Sequence[DueItem], policy_title: str) -> None:
        due, overdue = due_counts(items)
        self.set_rows(items, f"This week ({len(items)})")
        common.set_policy(self.policy, policy_title)
        end = common.today() + timedelta(days=HORIZON_DAYS)
        upcoming = len(items) - due - overdue
        self.note.setText(f"Everything overdue or due, of every kind, and what opens by {format_date(end)}: "
                          f"{overdue} overdue, {due} due, {upcoming} opening soon. Double-click a row to open "
                          "the case.")
        header = self.table.horizontalHeader()
        for col, cap in ((2, 340), (6, 220), (7, 240)):  # fits 1280 pixels; tooltips hold the whole text
            if header.sectionSize(col) > cap:
                header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(col, cap)
        self.loaded = True

    def clear(self) -> None:
        self.set_rows([], "This week")
        self.note.setText("")
        self.policy.setText("Policy: …")
        self.loaded = False
