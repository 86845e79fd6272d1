"""The conflicts screen: the open conflicts, and below them the two versions side by side, field by field.

Keep mine, Keep theirs, or Merge (a choice per field). A conflict leaves the list only once it is resolved;
the list is always re-read from the caseload, never edited in place. Changed fields are marked in words
("Differs") as well as shading, so colour is never the only sign.
"""

from __future__ import annotations

import dataclasses
import html
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.court import report_type_label
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.sync_status import local_time
from lpt_desktop.gui.table_model import (
    Column,
    RecordTableModel,
    current_record,
    empty_state,
    record_table,
    select_record,
)
from lpt_desktop.services import conflict_fields as fields_grain

if TYPE_CHECKING:
    from lpt_desktop.store.database import Database

Index = QModelIndex | QPersistentModelIndex
EMPTY_TEXT = ("No conflicts. When a change made on this laptop and one made elsewhere touch the same field, "
              "it waits here until you choose which to keep. Nothing is overwritten without you.")
MERGE_HINT = "Merge takes, for each field, the version chosen in “Merge uses”."
MERGE_HINT_REPORT = ("Merge takes, for each field of the report, the version chosen in “Merge uses”, and saves the "
                     "report put together from your choices. Fields empty on both laptops are not listed.")
DIFFER_BRUSH = QBrush(QColor("#fff3cd"))


@dataclass(frozen=True)
class ConflictRow:
    """One open conflict as the list shows it (the view from the sync core plus who it concerns)."""

    id: str
    case: str  # "Walsh, Dana (X123456)" or "—"
    what: str  # "Person", "Address" …
    reason: str
    fields: list[str]
    raised_at: datetime  # UTC, naive
    kind: str
    mine: dict[str, Any] | None
    theirs: dict[str, Any] | None
    message: str | None = None
    raised_by: str | None = None
    reason_code: str = "field"  # field | deleted_there | deleted_here | rejected | local
    summary: str = ""  # the labels of the fields that differ, for the list (load_rows fills it)


# The words for fields and values live with the field grain (services/conflict_fields.py, no Qt).
LABELS = fields_grain.LABELS
humanise = fields_grain.humanise
show_value = fields_grain.show_value


def load_rows(db: Database) -> list[ConflictRow]:
    """On a reader: the open conflicts with the name and CRN of each case."""
    from lpt_desktop.services import sync as svc
    from lpt_desktop.services.cases import case_labels

    conflicts = svc.list_conflicts(db)
    me = svc.sync_status(db).username
    names = case_labels(db, {c.person_id for c in conflicts if c.person_id})
    rows = []
    for c in conflicts:
        row = ConflictRow(c.id, names.get(c.person_id or "", "—" if not c.person_id else "Case not on this laptop"),
                          record_label(c.kind, c.mine, c.theirs), c.reason_text, list(c.fields), c.created_at, c.kind,
                          c.mine, c.theirs, c.message, "you" if c.raised_by and c.raised_by == me else c.raised_by,
                          c.reason)
        rows.append(dataclasses.replace(row, summary=summary(row)))
    return rows


def record_label(kind: str, mine: dict[str, Any] | None, theirs: dict[str, Any] | None) -> str:
    """"Person details", "Court report (fast delivery)" …"""
    what = humanise(kind)
    report_type = (mine or theirs or {}).get("report_type") if kind == fields_grain.REPORT_KIND else None
    return f"{what} ({report_type_label(report_type).lower()})" if report_type else what


def summary(row: ConflictRow) -> str:
    """The fields that differ, by their labels (a report's by field, without the section number)."""
    labels = [r.label.split(" › ")[-1] for r in field_rows(row) if r.differs]
    return ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")


COLUMNS: list[Column[ConflictRow]] = [
    Column("Case", lambda r: r.case),
    Column("Record", lambda r: r.what),
    Column("What happened", lambda r: r.reason),
    Column("Fields that differ", lambda r: r.summary or ", ".join(humanise(f) for f in r.fields),
           tooltip=lambda r: r.summary),
    Column("Raised", lambda r: f"{local_time(r.raised_at):%d/%m/%Y}", sort=lambda r: r.raised_at,
           tooltip=lambda r: f"Raised {local_time(r.raised_at):%d/%m/%Y at %H:%M}"),
]


@dataclass
class FieldRow:
    name: str  # the column, or "sections.<section>.<field>" for a field of a court report
    mine: Any
    theirs: Any
    differs: bool
    use: str = "mine"  # for Merge: "mine" or "theirs"
    label: str = ""
    mine_text: str = ""
    theirs_text: str = ""


def field_rows(row: ConflictRow) -> list[FieldRow]:
    """The fields a person edits (a report's field by field, internal columns hidden); differing ones first."""
    return [FieldRow(f.key, f.mine, f.theirs, f.differs, label=f.label, mine_text=f.mine_text,
                     theirs_text=f.theirs_text)
            for f in fields_grain.conflict_fields(row.kind, row.mine, row.theirs, row.fields)]


class FieldsModel(QAbstractTableModel):
    """Field | This laptop (mine) | Central store (theirs) | Differs | Use in merge."""

    HEADERS = ["Field", "On this laptop (mine)", "Central store (theirs)", "Differs?", "Merge uses"]

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[FieldRow] = []
        self.conflict: ConflictRow | None = None
        self.mine_deleted = self.theirs_deleted = False
        self.theirs_missing = "(deleted on the central store)"
        self.mine_missing = "(deleted here)"

    def set_conflict(self, row: ConflictRow | None) -> None:
        self.beginResetModel()
        self.conflict = row
        self.rows = field_rows(row) if row else []
        self.mine_deleted = bool(row and row.mine is None)
        self.theirs_deleted = bool(row and row.theirs is None)
        self.theirs_missing = "(not accepted by the central store)" if row and row.reason_code == "rejected" \
            else "(deleted on the central store)"
        self.mine_missing = "(could not be saved on this laptop)" if row and row.reason_code == "local" \
            else "(deleted here)"
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r, col = self.rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            if col == 0:
                return r.label or humanise(r.name)
            if col == 1:
                return self.mine_missing if self.mine_deleted else (r.mine_text or show_value(r.mine))
            if col == 2:
                return self.theirs_missing if self.theirs_deleted else (r.theirs_text or show_value(r.theirs))
            if col == 3:
                return "Differs" if r.differs else "Same"
            if col == 4:
                return "Mine" if r.use == "mine" else "Theirs"
        if role == Qt.ItemDataRole.FontRole and r.differs:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.BackgroundRole and r.differs and col in (1, 2, 3):
            return DIFFER_BRUSH
        return None

    def set_use(self, row: int, use: str) -> None:
        self.rows[row].use = use
        idx = self.index(row, 4)
        self.dataChanged.emit(idx, idx)

    def merged(self) -> dict[str, Any]:
        """What resolve_conflict's merge takes: column -> value, a report's sections put together field by field."""
        picks: dict[str, fields_grain.Side] = {r.name: "theirs" if r.use == "theirs" else "mine" for r in self.rows}
        c = self.conflict
        return fields_grain.merged_values(c.kind if c else "", c.mine if c else None, c.theirs if c else None, picks)


class ConflictsView(QWidget):
    """The tab. `resolve(conflict_id, choice, merged)` is the window's job (a worker), given by the controller."""

    resolve_requested = Signal(str, str, object)  # conflict id, "mine" | "theirs" | "merge", merged values or None
    refresh_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Sync conflicts")
        self.model: RecordTableModel[ConflictRow] = RecordTableModel(COLUMNS, self)
        self.table = record_table(self.model, "Open conflicts")
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.title = QLabel("Sync conflicts")
        self.title.setObjectName("caseHeader")
        self.empty = empty_state(EMPTY_TEXT)
        self.left = QStackedWidget()
        self.left.addWidget(self.table)
        self.left.addWidget(self.empty)

        self.detail_title = QLabel("")
        self.detail_title.setWordWrap(True)
        self.detail_title.setAccessibleName("Conflict")
        self.fields = FieldsModel(self)
        self.field_table = QTableView()
        self.field_table.setModel(self.fields)
        self.field_table.setAccessibleName("Both versions, field by field")
        self.field_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.field_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.field_table.verticalHeader().hide()
        self.field_table.setWordWrap(True)
        header = self.field_table.horizontalHeader()
        for c, mode in enumerate((QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch,
                                  QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.ResizeToContents,
                                  QHeaderView.ResizeMode.ResizeToContents)):
            header.setSectionResizeMode(c, mode)
        self.hint = QLabel(MERGE_HINT)
        self.hint.setWordWrap(True)
        self.keep_mine = QPushButton("Keep &mine")
        self.keep_mine.setToolTip("Use this laptop's version of every field shown")
        self.keep_theirs = QPushButton("Keep &theirs")
        self.keep_theirs.setToolTip("Use the central store's version (what the other laptop sent)")
        self.merge = QPushButton("Mer&ge")
        self.merge.setToolTip("Use the version chosen for each field in “Merge uses”")
        self.keep_mine.clicked.connect(lambda: self._resolve("mine"))
        self.keep_theirs.clicked.connect(lambda: self._resolve("theirs"))
        self.merge.clicked.connect(lambda: self._resolve("merge"))
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Conflict status")
        buttons = QHBoxLayout()
        for b in (self.keep_mine, self.keep_theirs, self.merge):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.detail = QWidget()
        d = QVBoxLayout(self.detail)
        d.setContentsMargins(0, 6, 0, 0)
        d.addWidget(self.detail_title)
        d.addWidget(self.field_table, 1)
        d.addWidget(self.hint)
        d.addLayout(buttons)
        d.addWidget(self.status)

        # The list above, the two versions below: both get the window's full width for long values.
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([220, 420])
        self.split = split
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(split, 1)
        self.busy = False
        self.set_rows([])

    # -- data --------------------------------------------------------------------------------------
    def set_rows(self, rows: list[ConflictRow], select_id: str | None = None) -> None:
        keep = select_id or (current.id if (current := self.current()) else None)
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        n = len(rows)
        self.title.setText("Sync conflicts" if not n else f"Sync conflicts · {n} open")
        self.left.setCurrentWidget(self.table if rows else self.empty)
        self.detail.setVisible(bool(rows))
        self._show(select_record(self.table, self.model, keep))

    def current(self) -> ConflictRow | None:
        return current_record(self.table, self.model)

    def _show(self, row: int) -> None:
        conflict = self.model.record(row) if 0 <= row < self.model.rowCount() else None
        self.fields.set_conflict(conflict)
        self._add_use_boxes()
        self.field_table.resizeRowsToContents()
        if conflict is None:
            self.detail_title.setText("")
            return
        e = html.escape
        text = f"<b>{e(conflict.what)}</b> · {e(conflict.case)}<br>{e(conflict.reason)}"
        if conflict.raised_by:
            text += f" (raised by {e(conflict.raised_by)})"
        differ = sum(1 for r in self.fields.rows if r.differs)
        n = len(self.fields.rows)
        text += f" · {differ} of {n} field{'s' if n != 1 else ''} differ{'s' if differ == 1 else ''}"
        if conflict.message:
            text += f"<br>{e(conflict.message)}"
        self.detail_title.setText(text)
        both = conflict.mine is not None and conflict.theirs is not None
        set_available(self.merge, both and not self.busy,
                      "wait: the last choice is being saved" if self.busy else
                      "one side deleted the record: keep yours or theirs")
        self.hint.setText(MERGE_HINT_REPORT if conflict.kind == fields_grain.REPORT_KIND else MERGE_HINT)
        self.hint.setVisible(both)
        set_available(self.keep_mine, not self.busy, "wait: the last choice is being saved")
        set_available(self.keep_theirs, not self.busy, "wait: the last choice is being saved")
        self.field_table.setColumnHidden(4, not both)

    def _add_use_boxes(self) -> None:
        for i, r in enumerate(self.fields.rows):
            box = QComboBox()
            box.addItem("Mine", "mine")
            box.addItem("Theirs", "theirs")
            box.setCurrentIndex(0 if r.use == "mine" else 1)
            box.setAccessibleName(f"Merge uses for {r.label or humanise(r.name)}")
            box.currentIndexChanged.connect(lambda _i, i=i, box=box: self.fields.set_use(i, box.currentData()))
            self.field_table.setIndexWidget(self.fields.index(i, 4), box)

    def use_box(self, field_name: str) -> QComboBox | None:
        for i, r in enumerate(self.fields.rows):
            if r.name == field_name:
                w = self.field_table.indexWidget(self.fields.index(i, 4))
                return w if isinstance(w, QComboBox) else None
        return None

    # -- resolving ---------------------------------------------------------------------------------
    def _resolve(self, choice: str) -> None:
        conflict = self.current()
        if conflict is None or self.busy:
            return
        merged = self.fields.merged() if choice == "merge" else None
        self.set_busy(True, "Saving your choice…")
        self.resolve_requested.emit(conflict.id, choice, merged)

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        for b in (self.keep_mine, self.keep_theirs):
            b.setEnabled(not busy)
        cur = self.current()
        self.merge.setEnabled(not busy and cur is not None and cur.mine is not None and cur.theirs is not None)
        self.status.setText(text)
