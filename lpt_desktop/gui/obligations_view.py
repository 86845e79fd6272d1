"""A case's National Standards obligations: status (colour, symbol and word), the rule's wording and source,
the due window and what met it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date, format_datetime
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.gui import standards_common as common
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, empty_state, record_table

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.standards.obligations import Obligation
    from lpt_desktop.store.database import Database

# Met after its due date: said in words, and amber, never the green of 'met' on time.
MET_LATE = common.StatusStyle("Met late", "◔", "#7a4d00", "#fff3cd", 4)


def shown_style(o: Obligation) -> common.StatusStyle:
    return MET_LATE if o.shown_status == "met_late" else common.status_style(o.status)


def _brush(o: Obligation, background: bool = False) -> QBrush:
    style = shown_style(o)
    return QBrush(QColor(style.background if background else style.colour))


OBLIGATION_COLUMNS: list[Column[Obligation]] = [
    Column("Status", lambda o: f"{shown_style(o).symbol} {shown_style(o).label}",
           sort=lambda o: (shown_style(o).rank, o.due_by)),
    Column("Due by", lambda o: format_date(o.due_by), sort=lambda o: o.due_by),
    Column("From", lambda o: format_date(o.due_from), sort=lambda o: o.due_from or o.due_by),
    Column("What", lambda o: o.description, tooltip=lambda o: f"{o.description}\nRule: {o.rule}\n{o.source}"),
    Column("Kind", lambda o: common.kind_text(o.kind)),
    Column("Met by", lambda o: "", sort=lambda o: o.met_on or date.max,  # words from the model's met_labels
           tooltip=lambda o: f"Met on {format_date(o.met_on)}" if o.met_on else ""),
    Column("Source", lambda o: o.source, tooltip=lambda o: o.source),
]
COL_STATUS = 0
COL_MET = 5


class ObligationTableModel(RecordTableModel["Obligation"]):
    """Status cells carry the status colour on a tinted background; overdue rows are bold."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(OBLIGATION_COLUMNS, parent)
        self._bold = QFont()
        self._bold.setBold(True)
        self.met_labels: dict[str, str] = {}

    def met_text(self, o: Obligation) -> str:
        """What met it, in words: the contact's type and time, or a record's date (never a bare id)."""
        if o.status != "met" and not o.met_on:
            return ""
        what = self.met_labels.get(o.met_by or "")
        if what:
            return what
        return f"Recorded {format_date(o.met_on)}" if o.met_on else "Recorded"

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and index.column() == COL_MET and role in (Qt.ItemDataRole.DisplayRole,
                                                                      Qt.ItemDataRole.AccessibleTextRole):
            return self.met_text(self.record(index.row()))
        return super().data(index, role)

    def extra_data(self, rec: Obligation, column: int, role: int) -> Any:
        if column == COL_STATUS:
            if role == Qt.ItemDataRole.ForegroundRole:
                return _brush(rec)
            if role == Qt.ItemDataRole.BackgroundRole:
                return _brush(rec, background=True)
            if role == Qt.ItemDataRole.FontRole:
                return self._bold
            if role == Qt.ItemDataRole.ToolTipRole:
                late = f", met {format_date(rec.met_on)}" if rec.shown_status == "met_late" else ""
                return f"{shown_style(rec).label}: due {common.window_text(rec)}{late}"
        elif role == Qt.ItemDataRole.ForegroundRole and rec.status == "overdue":
            return common.status_brush("overdue")
        return None


@dataclass(frozen=True)
class Frequency:
    """A rule whose frequency the policy leaves to the officer, and the officer's choice for this case."""

    rule: str
    description: str
    every_days: int | None  # None: the policy's default
    default_days: int | None


@dataclass(frozen=True)
class Loaded:
    obligations: list[Obligation]
    policy_title: str
    met_labels: dict[str, str]  # contact id -> "Office appointment, 22/01/2025 10:15"
    frequencies: list[Frequency]


def _load(db: Database, person_id: str, as_of: date) -> Loaded:
    """The obligations, the policy title, the contacts that met them in words (met_by is an id), and the
    frequencies the officer may set for this case (worker side)."""
    from lpt_desktop.services.contacts import list_contacts
    from lpt_desktop.services.obligations import case_obligations, frequency_overrides, policy_in_force
    from lpt_desktop.standards.policy import load_policy

    obligations = case_obligations(db, person_id, as_of)
    ids = {o.met_by for o in obligations if o.met_by}
    labels = {c.id: f"{c.type_label}, {format_datetime(c.starts_at)}" for c in list_contacts(db, person_id)
              if c.id in ids} if ids else {}
    owed = {o.rule for o in obligations}
    overrides = frequency_overrides(db, person_id)
    frequencies: dict[str, Frequency] = {}
    for rule in load_policy(policy_in_force(db)).rules:
        if rule.override and rule.id in owed and rule.id not in frequencies:
            frequencies[rule.id] = Frequency(rule.id, rule.description, overrides.get(rule.id),
                                             rule.default_every_days)
    return Loaded(obligations, common.policy_title(db), labels, list(frequencies.values()))


def _set_frequency(db: Database, person_id: str, rule: str, every_days: int | None) -> None:
    from lpt_desktop.services.obligations import set_frequency_override

    set_frequency_override(db, person_id, rule, every_days)


class FrequencyDialog(QDialog):
    """How often this case is seen, where the policy leaves it to the officer's judgement."""

    def __init__(self, frequencies: list[Frequency], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Contact frequency")
        self.setAccessibleName("Contact frequency")
        self.frequencies = frequencies
        self.rule = QComboBox()
        self.rule.setAccessibleName("Rule")
        for f in frequencies:
            self.rule.addItem(f.description, f.rule)
        self.use_default = QCheckBox("Use the policy's default")
        self.every = QSpinBox()
        self.every.setAccessibleName("Every how many days")
        self.every.setRange(1, 366)
        self.every.setSuffix(" days")
        self.use_default.toggled.connect(lambda on: self.every.setEnabled(not on))
        self.rule.currentIndexChanged.connect(self._show)
        form = QFormLayout()
        form.addRow("&Rule", self.rule)
        form.addRow("", self.use_default)
        form.addRow("&Every", self.every)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("The policy leaves this to your judgement. The choice applies to this case only "
                                "and is kept in the caseload."))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self._show()

    def _show(self, *_args: Any) -> None:
        f = self.frequencies[max(0, self.rule.currentIndex())]
        self.use_default.setChecked(f.every_days is None)
        self.every.setValue(f.every_days or f.default_days or 28)
        self.every.setEnabled(f.every_days is not None)
        default = f"{f.default_days} days" if f.default_days else "the policy's schedule"
        self.use_default.setText(f"Use the policy's default ({default})")

    def choice(self) -> tuple[str, int | None]:
        return self.rule.currentData(), None if self.use_default.isChecked() else self.every.value()


class _Proxy(QSortFilterProxyModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.open_only = False

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)

    def set_open_only(self, on: bool) -> None:
        self.beginFilterChange()
        self.open_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, _parent: Any) -> bool:
        if not self.open_only:
            return True
        return self.sourceModel().record(source_row).status not in ("met", "missed")  # type: ignore[attr-defined]


class ObligationsView(QWidget):
    """The Obligations tab of a case. refresh() reloads it from the engine (after a contact is saved, say)."""

    def __init__(self, person_id: str, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.setAccessibleName("Obligations")
        self.model = ObligationTableModel(self)
        self.proxy = _Proxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = record_table(self.proxy, "Obligations")
        self.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
        self.table.setWordWrap(False)  # long sources are elided; the tooltip has them whole
        self.policy = common.policy_label()
        self.summary = QLabel("")
        self.summary.setAccessibleName("Obligations summary")
        self.open_only = QPushButton("&Show open only")
        self.open_only.setCheckable(True)
        self.open_only.setAccessibleName("Show only obligations not yet met or missed")
        self.open_only.toggled.connect(self.proxy.set_open_only)
        self.frequencies: list[Frequency] = []
        self.frequency_button = QPushButton("Contact fre&quency…")
        self.frequency_button.setAccessibleName("Set the contact frequency for this case")
        set_available(self.frequency_button, False, "loading the case's obligations")
        self.frequency_button.clicked.connect(self.edit_frequency)
        self.frequency_dialog: FrequencyDialog | None = None
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setAccessibleName("Refresh obligations")
        self.refresh_button.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addWidget(self.open_only)
        top.addWidget(self.frequency_button)
        top.addWidget(self.refresh_button)
        top.addWidget(self.policy)
        self.empty = empty_state("No obligations: this case has no current order, licence or report under "
                                 "the policy in force.")
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        self._sized = False
        self.loaded = False

    def refresh(self) -> None:
        self.ops.query(_load, self.person_id, common.today(), on_ok=self._loaded, on_error=self._failed, owner=self,
                       label="obligations")

    def edit_frequency(self) -> None:
        if not self.frequencies:
            return
        dialog = FrequencyDialog(self.frequencies, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._save_frequency(*dialog.choice()))
        self.frequency_dialog = dialog
        dialog.open()

    def _save_frequency(self, rule: str, every_days: int | None) -> None:
        def saved(_result: object) -> None:
            cast(QMainWindow, self.window()).statusBar().showMessage("Contact frequency saved", 4000)
            self.refresh()

        self.ops.write(_set_frequency, self.person_id, rule, every_days, on_ok=saved, on_error=self._failed,
                       owner=self, label="a contact frequency")

    def _failed(self, exc: BaseException) -> None:
        # Said here, not in a message box: the rest of the case stays usable.
        if isinstance(exc, ValidationError):
            self.summary.setText("; ".join(str(e) for e in exc.errors))
            return
        self.summary.setText(f"The obligations could not be worked out ({exc.__class__.__name__}). The log has "
                             "details for the service desk.")

    def _loaded(self, result: Loaded) -> None:
        obligations, title = result.obligations, result.policy_title
        self.model.met_labels = result.met_labels
        self.frequencies = result.frequencies
        set_available(self.frequency_button, bool(result.frequencies),
                      "this case's orders have no contact frequency to set")
        if result.frequencies:
            parts = [f"every {f.every_days} days (set for this case)" if f.every_days else
                     f"every {f.default_days} days (policy default)" if f.default_days else "the policy's schedule"
                     for f in result.frequencies]
            self.frequency_button.setToolTip("Contact frequency: " + "; ".join(parts))
        self.model.set_rows(obligations)
        common.set_policy(self.policy, title)
        styles = {**common.STATUS_STYLES, "met_late": MET_LATE}
        counts = {s: sum(1 for o in obligations if o.shown_status == s) for s in styles}
        parts = [f"{counts[s]} {styles[s].label.lower()}" for s in styles if counts[s]]
        self.summary.setText(f"As of {format_date(common.today())}: " + (", ".join(parts) or "nothing owed"))
        self.body.setCurrentWidget(self.table if obligations else self.empty)
        if obligations and not self._sized:
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
            # Fits 1280 pixels without a sideways scroll; long rules and sources are whole in their tooltips.
            header.resizeSection(3, min(max(header.sectionSize(3), 220), 330))
            header.resizeSection(5, min(header.sectionSize(5), 300))
            header.resizeSection(6, min(header.sectionSize(6), 220))
            self._sized = True
        self.loaded = True
