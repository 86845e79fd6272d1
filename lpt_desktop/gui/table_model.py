"""A read-only table model over a list of plain records, described by columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QProxyStyle,
    QStyle,
    QStyleOption,
    QStyleOptionHeader,
    QTableView,
    QWidget,
)

T = TypeVar("T")
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
SEGMENTS_ROLE = Qt.ItemDataRole.UserRole + 20  # [(text, is a match)]: runs the highlight delegate paints
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[T]):
    title: str
    display: Callable[[T], str]
    sort: Callable[[T], Any] | None = None
    tooltip: Callable[[T], str] | None = None
    align_centre: bool = False


class RecordTableModel(QAbstractTableModel, Generic[T]):
    def __init__(self, columns: Sequence[Column[T]], parent: Any = None) -> None:
        super().__init__(parent)
        self.columns = list(columns)
        self._rows: list[T] = []
        self.sorted_by: tuple[int, Qt.SortOrder] | None = None

    # -- data in ---------------------------------------------------------------------------------
    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()
        if self.sorted_by is not None:  # new data keeps the officer's chosen order
            self.sort(*self.sorted_by)

    def clear(self) -> None:
        self.set_rows([])

    def record(self, row: int) -> T:
        return self._rows[row]

    @property
    def records(self) -> list[T]:
        return self._rows

    # -- Qt model API -----------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        rec = self._rows[index.row()]
        col = self.columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return col.display(rec)
        if role == SORT_ROLE:
            return col.sort(rec) if col.sort else col.display(rec).casefold()
        if role == Qt.ItemDataRole.ToolTipRole and col.tooltip:
            return col.tooltip(rec)
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_centre:
            return int(Qt.AlignmentFlag.AlignCenter)
        return self.extra_data(rec, index.column(), role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Reorder the records themselves with list.sort: one key per row, comparisons in C.

        Sorting here, not in a proxy's lessThan, keeps a sort or a filter change on the
        Trust-scale caseload to milliseconds. The sort is stable, so sorting by one column
        then another groups as officers expect.
        """
        if not 0 <= column < len(self.columns):
            return
        col = self.columns[column]
        key = col.sort or (lambda r: col.display(r).casefold())
        self.layoutAboutToBeChanged.emit()
        old_indexes = self.persistentIndexList()
        keyed = sorted(range(len(self._rows)), key=lambda i: key(self._rows[i]),
                       reverse=order == Qt.SortOrder.DescendingOrder)
        self._rows = [self._rows[i] for i in keyed]
        new_row = {old: new for new, old in enumerate(keyed)}
        self.changePersistentIndexList(old_indexes, [self.index(new_row[i.row()], i.column()) for i in old_indexes])
        self.layoutChanged.emit()
        self.sorted_by = (column, order)

    def extra_data(self, rec: T, column: int, role: int) -> Any:
        """Subclasses add colours and fonts here."""
        return None



def current_record(table: QTableView, model: RecordTableModel[T]) -> T | None:
    """The record of the table's current row (a table shown straight on the model), or None."""
    row = table.currentIndex().row() if model.rowCount() else -1
    return model.record(row) if 0 <= row < model.rowCount() else None


def select_record(table: QTableView, model: RecordTableModel[T], record_id: str | None) -> int:
    """Select the row whose record has this id (the first row if none has): the row chosen, or -1 if empty."""
    if not model.rowCount():
        return -1
    index = next((i for i, r in enumerate(model.records) if getattr(r, "id", None) == record_id), 0)
    table.selectRow(index)
    table.setCurrentIndex(model.index(index, 0))
    return index


class SortArrowStyle(QProxyStyle):
    """The header's sort arrow points the way officers read it: ▲ ascending (oldest, smallest, A first at the
    top), ▼ descending (newest first). Qt hands Fusion "SortDown" for an ascending sort, which it draws as ▼,
    so the contacts list said "Date ▲" while showing the newest first."""

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: QStyleOption, painter: Any,
                      widget: QWidget | None = None) -> None:
        if element == QStyle.PrimitiveElement.PE_IndicatorHeaderArrow and isinstance(option, QStyleOptionHeader):
            up, down = QStyleOptionHeader.SortIndicator.SortUp, QStyleOptionHeader.SortIndicator.SortDown
            flipped = QStyleOptionHeader(option)
            flipped.sortIndicator = {up: down, down: up}.get(option.sortIndicator, option.sortIndicator)
            option = flipped
        super().drawPrimitive(element, option, painter, widget)


_arrow_style: list[SortArrowStyle] = []  # one for every header, made once the application exists


def sort_arrows(header: QHeaderView) -> None:
    """Give a header the arrows that agree with the order shown (SortArrowStyle)."""
    if not _arrow_style:
        _arrow_style.append(SortArrowStyle())
    header.setStyle(_arrow_style[0])


class _TableWithEmptyText(QTableView):
    """Says what an empty list means ("None recorded") instead of showing a bare grid."""

    def __init__(self, empty_text: str) -> None:
        super().__init__()
        self.empty_text = empty_text

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
            painter.drawText(self.viewport().rect().adjusted(8, 4, -8, -4),
                             int(Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap), self.empty_text)
            painter.end()


def record_table(model: Any, name: str, sortable: bool = True, empty_text: str = "") -> QTableView:
    """A read-only table of whole rows as every list in the app shows them (one place to change them all);
    with `empty_text`, an empty table says it."""
    view = _TableWithEmptyText(empty_text) if empty_text else QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSortingEnabled(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)  # Tab leaves the table instead of walking every cell
    view.verticalHeader().hide()
    view.horizontalHeader().setStretchLastSection(True)
    if sortable:
        sort_arrows(view.horizontalHeader())
    return view


def empty_state(text: str = "") -> QLabel:
    """The centred, muted message a list shows instead of an empty table."""
    label = QLabel(text)
    label.setObjectName("emptyState")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    return label
