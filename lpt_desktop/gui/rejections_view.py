"""The "Not accepted" screen: changes the central store refused, in words, until it accepts them or the
officer sets them aside by exporting them.

Each row says whose case, what kind of record, why it was refused and what the officer can do; below, the
refused change's fields in their labels. Try again queues every listed change to be sent again; Export and set
aside… writes them to a JSON file (NOT encrypted: the controller warns first) and takes them off the list.
There is no keep mine / keep theirs here: the central store holds no other version to choose.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

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

if TYPE_CHECKING:
    from lpt_desktop.services.rejections import RejectedField, RejectionView
    from lpt_desktop.store.database import Database

EMPTY_TEXT = ("Nothing waiting here. A change the central store does not accept is listed here, with the reason, "
              "until it is accepted or you export it. Nothing is dropped.")
INTRO = ("These changes are saved on this laptop, but the central store did not accept them. Each stays here until "
         "the central store accepts it (Try again, or by itself when the case is allocated to you) or you export it "
         "to set it aside.")


def load_rows(db: Database) -> list[RejectionView]:
    """On a reader: the open rejections, in words."""
    from lpt_desktop.services import sync as svc

    return svc.list_rejections(db)


COLUMNS: list[Column[RejectionView]] = [
    Column("Case", lambda r: r.case),
    Column("Record", lambda r: r.what),
    Column("Change", lambda r: r.action),
    Column("Why it was not accepted", lambda r: r.reason, tooltip=lambda r: r.advice),
    Column("Not accepted", lambda r: f"{local_time(r.rejected_at):%d/%m/%Y %H:%M}", sort=lambda r: r.rejected_at),
]
FIELD_COLUMNS: list[Column[RejectedField]] = [
    Column("Field", lambda f: f.label),
    Column("Your value (not accepted)", lambda f: f.text),
]


class RejectionsView(QWidget):
    """The tab. The controller (sync_actions) does the work: retry_requested and export_requested."""

    retry_requested = Signal()
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Changes not accepted")
        self.title = QLabel("Not accepted by the central store")
        self.title.setObjectName("caseHeader")
        self.intro = QLabel(INTRO)
        self.intro.setWordWrap(True)
        self.model: RecordTableModel[RejectionView] = RecordTableModel(COLUMNS, self)
        self.table = record_table(self.model, "Changes not accepted")
        self.table.setWordWrap(False)
        self.table.selectionModel().currentRowChanged.connect(lambda cur, _prev: self._show(cur.row()))
        self.empty = empty_state(EMPTY_TEXT)
        self.left = QStackedWidget()
        self.left.addWidget(self.table)
        self.left.addWidget(self.empty)

        self.detail_title = QLabel("")
        self.detail_title.setWordWrap(True)
        self.detail_title.setTextFormat(Qt.TextFormat.RichText)
        self.detail_title.setAccessibleName("Change not accepted")
        self.fields: RecordTableModel[RejectedField] = RecordTableModel(FIELD_COLUMNS, self)
        self.field_table = record_table(self.fields, "The change, field by field", sortable=False)
        self.field_table.setWordWrap(True)
        self.detail = QWidget()
        d = QVBoxLayout(self.detail)
        d.setContentsMargins(0, 6, 0, 0)
        d.addWidget(self.detail_title)
        d.addWidget(self.field_table, 1)

        self.retry = QPushButton("&Try again")
        self.retry.setToolTip("Send every change on this list to the central store again now")
        self.export = QPushButton("&Export and set aside…")
        self.export.setToolTip("Save these changes to a file (not encrypted) and take them off this list")
        self.retry.clicked.connect(self._retry)
        self.export.clicked.connect(self._export)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Not accepted status")
        buttons = QHBoxLayout()
        buttons.addWidget(self.retry)
        buttons.addWidget(self.export)
        buttons.addStretch(1)

        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.left)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setSizes([200, 360])
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.intro)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.busy = False
        self.set_rows([])

    # -- data --------------------------------------------------------------------------------------
    def set_rows(self, rows: list[RejectionView]) -> None:
        keep = current.id if (current := self.current()) else None
        self.model.set_rows(rows)
        self.table.resizeColumnsToContents()
        n = len(rows)
        self.title.setText("Not accepted by the central store" + (f" · {n}" if n else ""))
        self.left.setCurrentWidget(self.table if rows else self.empty)
        self.detail.setVisible(bool(rows))
        self._enable()
        self._show(select_record(self.table, self.model, keep))

    def current(self) -> RejectionView | None:
        return current_record(self.table, self.model)

    def _show(self, row: int) -> None:
        r = self.model.record(row) if 0 <= row < self.model.rowCount() else None
        self.fields.set_rows(r.fields if r is not None else [])
        self.field_table.resizeColumnsToContents()
        self.field_table.resizeRowsToContents()
        if r is None:
            self.detail_title.setText("")
            return
        e = html.escape
        self.detail_title.setText(
            f"<b>{e(r.what)}</b> ({e(r.action.lower())}) · {e(r.case)}<br>"
            f"<b>Not accepted:</b> {e(r.reason)}<br>"
            f"<b>What you can do:</b> {e(r.advice)}")

    # -- acting ------------------------------------------------------------------------------------
    def _enable(self) -> None:
        has = self.model.rowCount() > 0
        why = "nothing was refused" if not has else "wait: the last request is still running"
        set_available(self.retry, has and not self.busy, why)
        set_available(self.export, has and not self.busy, why)

    def _retry(self) -> None:
        if not self.busy and self.model.rowCount():
            self.set_busy(True, "Queuing the changes to be sent again…")
            self.retry_requested.emit()

    def _export(self) -> None:
        if not self.busy and self.model.rowCount():
            self.export_requested.emit()

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.busy = busy
        self.status.setText(text)
        self._enable()
