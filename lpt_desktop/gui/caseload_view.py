"""The caseload tab: filter bar, sortable table, empty states."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.tier_types import SCHEME_2026, SCHEME_LABELS
from lpt_desktop.assessment.tiering import tier_letters
from lpt_desktop.domain.reference import reference
from lpt_desktop.gui.caseload_model import (
    DEFAULT_SORT,
    TIER_DIFFERS,
    CaseloadFilterProxy,
    CaseloadTableModel,
)
from lpt_desktop.gui.table_model import empty_state, record_table

if TYPE_CHECKING:
    from lpt_desktop.gui.preferences import Preferences
    from lpt_desktop.services.caseload import CaseloadColumns, CaseloadRow


class CaseloadView(QWidget):
    case_requested = Signal(str)  # person id
    counts_changed = Signal(int, int)  # shown, total

    def __init__(self, prefs: Preferences | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prefs = prefs
        self.model = CaseloadTableModel(self)
        self.sized = False
        self._size_when_filled = False  # sized with the next-due columns still being worked out
        self.proxy = CaseloadFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.search = QLineEdit()
        self.search.setPlaceholderText("Filter by name, other name or CRN  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter caseload by name or CRN")
        self.tier = self._combo("Tier", [])
        self.tier_scheme = ""
        self.set_tier_scheme(SCHEME_2026)
        ref = reference()
        self.rosh = self._combo("RoSH level", [("All RoSH levels", "")] + [
            (f"RoSH {lvl.label.lower()}", lvl.code) for lvl in sorted(ref.rosh_levels.values(), key=lambda x: -x.rank)])
        self.order = self._combo("Order type", [("All orders", "")] + [(o.label, o.code)
                                                                        for o in ref.order_types.values()])
        self.clear_button = QPushButton("Clear filters")
        self.clear_button.setAccessibleName("Clear filters")
        self.clear_button.clicked.connect(self.clear_filters)

        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for w in (self.tier, self.rosh, self.order):
            bar.addWidget(w, 1)
        bar.addWidget(self.clear_button)

        self.table = record_table(self.proxy, "Caseload")
        self.apply_saved_sort()
        # The officer's choice of order is remembered (after the saved one is applied, so applying it
        # does not count as a choice).
        self.table.horizontalHeader().sortIndicatorChanged.connect(self._sort_chosen)
        self.table.verticalHeader().setDefaultSectionSize(26)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # activated fires on a double-click (or single click where the platform says so); double-click
        # is not connected as well, or one double-click would open the case twice.
        self.table.activated.connect(self._activated)
        for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            # Only while the table has the focus. (Passed to the constructor, PySide6 left the context at
            # WindowShortcut: Enter in the note search opened the current caseload row.)
            shortcut = QShortcut(QKeySequence(key), self.table)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self._open_current)

        self.empty = empty_state()

        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.body)

        self.search.textChanged.connect(lambda t: self._refilter(text=t))
        self.search.installEventFilter(self)
        self.tier.currentIndexChanged.connect(lambda _i: self._refilter(tier=self.tier.currentData()))
        self.rosh.currentIndexChanged.connect(lambda _i: self._refilter(rosh=self.rosh.currentData()))
        self.order.currentIndexChanged.connect(lambda _i: self._refilter(order=self.order.currentData()))
        self._update_state()

    def set_tier_scheme(self, scheme: str) -> None:
        """The tier filter offers the letters of the caseload's scheme (A-G, or A-D) and the cases whose
        suggested tier differs; a chosen letter the new scheme lacks falls back to all tiers."""
        if scheme == self.tier_scheme:
            return
        self.tier_scheme = scheme
        chosen = self.tier.currentData() or ""
        self.tier.blockSignals(True)
        self.tier.clear()
        self.tier.addItem("All tiers", "")
        for letter in tier_letters(scheme):
            self.tier.addItem(f"Tier {letter}", letter)
        self.tier.addItem("Suggested tier differs", TIER_DIFFERS)
        self.tier.setItemData(self.tier.count() - 1, "Cases whose suggested tier differs from the tier in force: "
                              "open one's Assessments tab to accept or override", Qt.ItemDataRole.ToolTipRole)
        self.tier.setToolTip(f"Tiers of {SCHEME_LABELS.get(scheme, scheme)}, the scheme chosen in Preferences. A "
                             "tier of the other scheme is listed under \"Suggested tier differs\", as it always "
                             "differs from this scheme's suggestion.")
        self.proxy.scheme = scheme
        index = self.tier.findData(chosen)
        self.tier.setCurrentIndex(max(0, index))
        self.tier.blockSignals(False)
        if chosen:  # a letter the new scheme lacks falls back to all; one it has now means that scheme's tiers
            self._refilter(tier=chosen if index >= 0 else "")

    def _combo(self, name: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(f"Filter by {name}")
        for label, data in items:
            box.addItem(label, data)
        return box

    # -- order ---------------------------------------------------------------------------------------
    def column_of(self, title: str) -> int:
        return next((i for i, c in enumerate(self.model.columns) if c.title == title), -1)

    def apply_saved_sort(self) -> None:
        """Sort as the officer last chose (Preferences), else by what is due, overdue first."""
        saved = self.prefs.caseload_sort if self.prefs is not None else None
        title, order = DEFAULT_SORT
        if saved is not None and self.column_of(saved[0]) >= 0:
            title = saved[0]
            order = Qt.SortOrder.DescendingOrder if saved[1] else Qt.SortOrder.AscendingOrder
        header = self.table.horizontalHeader()
        header.blockSignals(True)  # applying the saved order is not a new choice to save
        self.table.sortByColumn(self.column_of(title), order)
        header.blockSignals(False)
        header.viewport().update()

    def _sort_chosen(self, column: int, order: Qt.SortOrder) -> None:
        if self.prefs is not None and 0 <= column < len(self.model.columns):
            self.prefs.caseload_sort = (self.model.columns[column].title, order == Qt.SortOrder.DescendingOrder)

    # -- data --------------------------------------------------------------------------------------
    def set_rows(self, rows: list[CaseloadRow]) -> None:
        if rows and rows[0].suggested_scheme:  # the scheme in Preferences: the filter's letters follow it
            self.set_tier_scheme(rows[0].suggested_scheme)
        self.model.set_rows(rows)
        # The bench's GUI probe waits on this (bench/gui_bench.py: the columns filled after the rows painted).
        self.setProperty("lptColumnsPending", self.model.columns_pending)
        if rows and not self.sized:  # size once; after that the officer's widths stand
            self._size_when_filled = self.model.columns_pending
            self.table.resizeColumnsToContents()
            # Room for a differing suggestion's mark ("A3 ▸ B2") that may appear after this first sizing.
            tier = self.column_of("Tier")
            wide = self.table.fontMetrics().horizontalAdvance("A3 ▸ B2") + 24
            self.table.setColumnWidth(tier, max(self.table.columnWidth(tier), wide))
            self.sized = True
        self._update_state()

    def fill_columns(self, columns: CaseloadColumns) -> None:
        """The next-due and suggested-tier columns, worked out after the rows were painted (main_window)."""
        if not self.model.fill_columns(columns):
            return
        self.set_tier_scheme(columns.scheme)
        if self._size_when_filled:  # sized while they said "Working out…": fit what they say now
            self._size_when_filled = False
            for title in ("Next due", "Due for"):
                self.table.resizeColumnToContents(self.column_of(title))
        self.setProperty("lptColumnsPending", False)
        self._update_state()

    def clear(self) -> None:
        self.model.clear()
        self.clear_filters()
        self._update_state()

    # -- filtering ---------------------------------------------------------------------------------
    def _refilter(self, **kwargs: str) -> None:
        self.proxy.set_filters(**kwargs)
        self._update_state()

    def clear_filters(self) -> None:
        for box in (self.tier, self.rosh, self.order):
            box.blockSignals(True)
            box.setCurrentIndex(0)
            box.blockSignals(False)
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.proxy.set_filters(text="", tier="", rosh="", order="")
        self._update_state()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def eventFilter(self, watched: object, event: object) -> bool:
        from PySide6.QtGui import QKeyEvent

        if watched is self.search and isinstance(event, QKeyEvent) and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape:
                self.clear_filters()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.proxy.rowCount():
                self.table.setFocus()
                self.table.selectRow(0)
                if event.key() != Qt.Key.Key_Down and self.proxy.rowCount() == 1:
                    self._open_current()
                return True
        return False

    def _update_state(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.clear_button.setEnabled(self.proxy.is_filtered)
        if total == 0:
            self.empty.setText("There are no cases on this caseload yet.\n\n"
                               "Cases allocated to you appear here once they are added or synced.")
            self.body.setCurrentWidget(self.empty)
        elif shown == 0:
            self.empty.setText("No cases match these filters.\n\nPress Esc in the filter box or "
                               "choose Clear filters to see the whole caseload.")
            self.body.setCurrentWidget(self.empty)
        else:
            self.body.setCurrentWidget(self.table)
        self.counts_changed.emit(shown, total)

    # -- opening -----------------------------------------------------------------------------------
    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            rec = self.model.record(self.proxy.mapToSource(index).row())
            self.case_requested.emit(rec.person_id)

    def _open_current(self) -> None:
        self._activated(self.table.currentIndex())
