"""The court work list: report requests with due dates from the standards engine; due today at the top."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, empty_state, record_table

REPORT_TYPES: dict[str, str] = {"oral": "Oral", "fdr": "Fast delivery", "sdr": "Standard delivery",
                                "addendum": "Addendum"}
STATUSES: dict[str, str] = {"requested": "Requested", "drafting": "Drafting", "ready": "Ready for countersign",
                            "sent": "Sent"}
TIMELINESS_TARGET = 0.95
DUE_TODAY_BG = QColor("#fde2c4")
OVERDUE_BG = QColor("#f6c9c9")


def type_label(code: str) -> str:
    return REPORT_TYPES.get(code, code)


def status_label(code: str) -> str:
    return STATUSES.get(code, code)


def urgency(rec: Any, today: date) -> int:
    """0 due today, 1 overdue, 2 later, 3 sent: the list's default order puts the day's reports first."""
    if rec.status == "sent":
        return 3
    if rec.due_by is None:
        return 2
    return 0 if rec.due_by == today else (1 if rec.due_by < today else 2)


def due_text(rec: Any, today: date) -> str:
    u = urgency(rec, today)
    base = format_date(rec.due_by)
    return f"{base} · DUE TODAY" if u == 0 else (f"{base} · OVERDUE" if u == 1 else base)


def timeliness_text(t: Any) -> tuple[str, bool]:
    """The readout and whether it meets the target (no reports yet counts as meeting it)."""
    if t is None:
        return "Timeliness: not known yet", True
    if not t.total:
        return "Reports on time this month: none due yet (target 95%)", True
    share = t.share if t.share is not None else t.on_time / t.total
    ok = share >= TIMELINESS_TARGET
    return (f"Reports on time this month: {t.on_time} of {t.total} ({share:.0%}) · target 95%"
            f"{'' if ok else ' · BELOW TARGET'}"), ok


class CourtRequestModel(RecordTableModel):
    def __init__(self, parent: Any = None) -> None:
        self.today = date.today()
        super().__init__([
            Column("Due", lambda r: due_text(r, self.today), sort=lambda r: (urgency(r, self.today),
                                                                              r.due_by or date.max)),
            Column("Name", lambda r: r.name + ("" if r.person_id else "  (pre-sentence)"),
                   sort=lambda r: r.name.casefold()),
            Column("CRN", lambda r: r.crn or "—", sort=lambda r: r.crn or ""),
            Column("Court", lambda r: r.court),
            Column("Local justice area", lambda r: r.lja),
            Column("Hearing", lambda r: format_date(r.hearing_date), sort=lambda r: r.hearing_date or date.max),
            Column("Type", lambda r: type_label(r.report_type)),
            Column("Remanded", lambda r: "Remanded" if r.remanded else "", align_centre=True),
            Column("Status", lambda r: status_label(r.status)),
        ], parent)

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.today = date.today()  # the app may stay open past midnight: the marks follow the calendar
        super().set_rows(rows)

    def extra_data(self, rec: Any, column: int, role: int) -> Any:
        u = urgency(rec, self.today)
        if role == Qt.ItemDataRole.BackgroundRole and u in (0, 1):
            return QBrush(DUE_TODAY_BG if u == 0 else OVERDUE_BG)
        if role == Qt.ItemDataRole.FontRole and u in (0, 1):
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return {0: "Due today", 1: "Overdue: the court is waiting"}.get(u, "")
        return None


class _FilterProxy(QSortFilterProxyModel):
    """Text filter over name, CRN, court, area, type and status; the status choice hides sent reports."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.show = "open"

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def set_filter(self, text: str | None = None, show: str | None = None) -> None:
        self.beginFilterChange()
        if text is not None:
            self.text = text.casefold().strip()
        if show is not None:
            self.show = show
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: QModelIndex | QPersistentModelIndex) -> bool:  # noqa: N802
        model = cast(CourtRequestModel, self.sourceModel())
        rec = model.record(row)
        if self.show == "open" and rec.status == "sent":
            return False
        if self.show == "today" and urgency(rec, model.today) > 1:
            return False
        if not self.text:
            return True
        hay = " ".join((rec.name, rec.crn or "", rec.court, rec.lja, type_label(rec.report_type),
                        status_label(rec.status))).casefold()
        return all(word in hay for word in self.text.split())


class CourtListView(QWidget):
    """Emits open_requested(request) on Enter or double-click; the controller does the I/O."""

    open_requested = Signal(object)
    new_requested = Signal()
    promote_requested = Signal(object)
    withdraw_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Court work list")
        self.model = CourtRequestModel(self)
        self.sized = False
        self.proxy = _FilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.title = QLabel("Court work")
        self.title.setObjectName("caseHeader")
        self.timeliness = QLabel("")
        self.timeliness.setObjectName("timeliness")
        self.timeliness.setAccessibleName("Timeliness this month")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name, CRN, court, area, type or status")
        self.search.setAccessibleName("Filter court work")
        self.search.setClearButtonEnabled(True)
        self.show_box = QComboBox()
        self.show_box.setAccessibleName("Which requests to show")
        for label, data in (("Open requests", "open"), ("Due today and overdue", "today"), ("All, with sent", "all")):
            self.show_box.addItem(label, data)
        self.new_button = QPushButton("&New request…")
        self.new_button.setAccessibleName("New report request")
        self.open_button = QPushButton("O&pen report")
        self.open_button.setAccessibleName("Open the selected report")
        self.promote_button = QPushButton("&Make a case…")
        self.promote_button.setAccessibleName("Make the selected pre-sentence record a case")
        self.promote_button.setToolTip("After a community sentence: turn the pre-sentence record into a case")
        self.withdraw_button = QPushButton("&Withdraw…")
        self.withdraw_button.setAccessibleName("Withdraw the selected request")
        self.withdraw_button.setToolTip("The court withdrew the request, or it was made by mistake")
        self.table = record_table(self.proxy, "Report requests")
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.activated.connect(self._activated)  # Enter and double-click
        self.empty = empty_state("No report requests. Press Ctrl+Shift+R (Court › New report request) when the "
                                 "court asks for a report.")
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)

        head = QHBoxLayout()
        head.addWidget(self.title)
        head.addStretch(1)
        head.addWidget(self.timeliness)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.show_box)
        bar.addWidget(self.new_button)
        bar.addWidget(self.open_button)
        bar.addWidget(self.promote_button)
        bar.addWidget(self.withdraw_button)
        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addLayout(bar)
        layout.addWidget(self.body, 1)
        QWidget.setTabOrder(self.search, self.show_box)
        QWidget.setTabOrder(self.show_box, self.table)
        QWidget.setTabOrder(self.table, self.new_button)
        QWidget.setTabOrder(self.new_button, self.open_button)
        QWidget.setTabOrder(self.open_button, self.promote_button)
        QWidget.setTabOrder(self.promote_button, self.withdraw_button)

        self.search.textChanged.connect(lambda t: self._refilter(text=t))
        self.show_box.currentIndexChanged.connect(lambda _i: self._refilter(show=self.show_box.currentData()))
        self.new_button.clicked.connect(self.new_requested)
        self.open_button.clicked.connect(self._open_current)
        self.promote_button.clicked.connect(self._promote_current)
        self.withdraw_button.clicked.connect(self._withdraw_current)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._update_state()

    # -- data in ---------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[Any]) -> None:
        keep = self.current()  # a refresh keeps the officer's place
        first = self.model.rowCount() == 0
        self.model.set_rows(rows)
        if first and not self.sized:
            self.table.resizeColumnsToContents()  # once: after that the officer's widths stay
            self.sized = bool(rows)
        if keep is not None:
            self.select(keep.id)
        self._update_state()

    def set_timeliness(self, t: Any) -> None:
        text, ok = timeliness_text(t)
        self.timeliness.setText(text)
        colour = "#1d6b2a" if ok else "#a4161a"
        self.timeliness.setStyleSheet(f"color: {colour}; font-weight: 600;")

    def clear(self) -> None:
        self.model.clear()
        self.search.clear()
        self.timeliness.setText("")
        self._update_state()

    def shown(self) -> list[Any]:
        return [self.model.record(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
                for r in range(self.proxy.rowCount())]

    def current(self) -> Any | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.record(self.proxy.mapToSource(index).row())

    def select(self, request_id: str) -> None:
        for r in range(self.proxy.rowCount()):
            rec = self.model.record(self.proxy.mapToSource(self.proxy.index(r, 0)).row())
            if rec.id == request_id:
                self.table.setCurrentIndex(self.proxy.index(r, 0))
                return

    # -- behaviour -------------------------------------------------------------------------------
    def _refilter(self, **kwargs: str) -> None:
        self.proxy.set_filter(**kwargs)
        self._update_state()

    def _update_state(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        if total == 0:
            self.empty.setText("No report requests. Press Ctrl+Shift+R (Court › New report request) when the "
                               "court asks for a report.")
        elif shown == 0:
            self.empty.setText("No requests match the filter. Clear it (Esc in the filter box) or show all.")
        self.body.setCurrentWidget(self.table if shown else self.empty)
        due = sum(1 for r in self.model.records if urgency(r, self.model.today) <= 1)
        self.title.setText(f"Court work ({shown} shown" + (f", {due} due today or overdue)" if due else ")"))
        if shown and not self.table.currentIndex().isValid():
            self.table.setCurrentIndex(self.proxy.index(0, 0))
        self._update_buttons()

    def _update_buttons(self) -> None:
        rec = self.current()
        set_available(self.open_button, rec is not None, "select a request first")
        set_available(self.promote_button, rec is not None and rec.person_id is None
                      and rec.pre_sentence_id is not None,
                      "select a request first" if rec is None else "only a pre-sentence record is made a case; "
                      "this person is already on the caseload")
        set_available(self.withdraw_button, rec is not None and rec.status != "sent",
                      "select a request first" if rec is None else "the report has been sent to court")

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        if event.key() == Qt.Key.Key_Escape and self.search.text():
            self.search.clear()
            self.table.setFocus()
            return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.record(self.proxy.mapToSource(index).row()))

    def _open_current(self) -> None:
        rec = self.current()
        if rec is not None:
            self.open_requested.emit(rec)

    def _promote_current(self) -> None:
        rec = self.current()
        if rec is not None:
            self.promote_requested.emit(rec)

    def _withdraw_current(self) -> None:
        rec = self.current()
        if rec is not None:
            self.withdraw_requested.emit(rec)
