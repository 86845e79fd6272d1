"""A titled, sortable list of records with an empty state (enforcement due, search results)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import (
    QLabel,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.gui.table_model import SEGMENTS_ROLE, RecordTableModel, empty_state, record_table


class _PassSortProxy(QSortFilterProxyModel):
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)


class HighlightDelegate(QStyledItemDelegate):
    """Paints a cell's SEGMENTS_ROLE runs, the matched ones on a highlight, elided at the cell's edge."""

    BACKGROUND = "#ffe38a"

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        segments = index.data(SEGMENTS_ROLE)
        if not segments:
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        pen = opt.palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = opt.rect.adjusted(4, 0, -4, 0)
        metrics = QFontMetrics(opt.font)
        bold = QFont(opt.font)
        bold.setBold(True)
        bold_metrics = QFontMetrics(bold)
        painter.save()
        painter.setClipRect(opt.rect)
        x, right = rect.left(), rect.right()
        baseline = rect.top() + (rect.height() + metrics.ascent() - metrics.descent()) // 2
        for text, hit in segments:
            m = bold_metrics if hit else metrics
            room = right - x
            if room <= 0:
                break
            shown = m.elidedText(text, Qt.TextElideMode.ElideRight, room)
            width = m.horizontalAdvance(shown)
            if hit:
                painter.fillRect(x - 1, rect.top() + 3, width + 2, rect.height() - 6, QColor(self.BACKGROUND))
                painter.setPen(QColor("#1b1f24"))
                painter.setFont(bold)
            else:
                painter.setPen(pen)
                painter.setFont(opt.font)
            painter.drawText(x, baseline, shown)
            x += width
            if shown != text:
                break
        painter.restore()


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
