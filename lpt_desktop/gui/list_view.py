"""A titled, sortable list of records with an empty state (enforcement due, search results)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from lpt_desktop.gui.table_model import RecordTableModel, empty_state, record_table


class _PassSortProxy(QSortFilterProxyModel):
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class RecordListView(QWidget):
    activated = Signal(object)  # the record

    def __init__(self, model: RecordTableModel, title: str, empty_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = _PassSortProxy(self)
        self.proxy.setSourceModel(model)
        self.title = QLabel(title)
        self.title.setObjectName("caseHeader")
        self.empty_text = empty_text
        self.table = record_table(self.proxy, title)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # Qt's default indicator is descending
        # activated alone: it already fires on a double-click, so connecting doubleClicked too opens twice.
        self.table.activated.connect(self._activated)
        self.empty = empty_state(empty_text)
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.body)

    def set_rows(self, rows: Sequence[Any], title: str | None = None) -> None:
        self.model.set_rows(rows)
        if title:
            self.title.setText(title)
        self.table.resizeColumnsToContents()
        self.body.setCurrentWidget(self.table if rows else self.empty)

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.activated.emit(self.model.record(self.proxy.mapToSource(index).row()))
