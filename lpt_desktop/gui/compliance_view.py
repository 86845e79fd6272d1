"""Compliance: the share of obligations met on time, per case and for the officer, over a chosen period.

Measured as the 2003-04 business plan measures it: SPM 5 (contact and compliance across the basket of
National Standards, target 90%) over the whole caseload, and SPM 24 (average compliance for high and very high
risk of serious harm cases, target 90%) over those cases alone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.gui import standards_common as common
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, empty_state, record_table

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.store.database import Database

TARGET = 0.90  # SPM 5 and SPM 24 targets in the 2003-04 business plan
HIGH_ROSH = ("H", "VH")
ROSH_ORDER = {"VH": 0, "H": 1, "M": 2, "L": 3}
NOTHING_DUE = 2.0  # sorts cases with nothing due after every share


@dataclass(frozen=True)
class Person:
    person_id: str
    crn: str
    name: str
    rosh: str
    rosh_label: str = ""


@dataclass(frozen=True)
class Figure:
    met_on_time: int
    total: int

    @property
    def share(self) -> float | None:
        return self.met_on_time / self.total if self.total else None


@dataclass(frozen=True)
class CaseCompliance(Figure):
    person: Person


@dataclass(frozen=True)
class ComplianceResult:
    start: date
    end: date
    officer: Figure  # SPM 5: every obligation on the caseload falling due in the period
    high_rosh: Figure  # SPM 24: those of high and very high RoSH cases
    cases: list[CaseCompliance]
    policy_title: str


def pooled(rows: Sequence[CaseCompliance]) -> Figure:
    return Figure(sum(r.met_on_time for r in rows), sum(r.total for r in rows))


def load_compliance(db: Database, start: date, end: date, people: Sequence[Person]) -> ComplianceResult:
    """Per-case figures from the engine, the officer's from the engine too (worker side)."""
    from lpt_desktop.services.obligations import compliance_by_case

    by_case = compliance_by_case(db, start, end)  # one pass over the caseload, not one per case
    cases = []
    for p in people:
        c = by_case.get(p.person_id)
        cases.append(CaseCompliance(c.met_on_time if c else 0, c.total if c else 0, p))
    overall = Figure(sum(c.met_on_time for c in by_case.values()), sum(c.total for c in by_case.values()))
    high = pooled([c for c in cases if c.person.rosh in HIGH_ROSH])
    return ComplianceResult(start, end, overall, high, cases,
                            common.policy_title(db))


def share_text(share: float | None) -> str:
    return "no obligations" if share is None else f"{share:.0%}"


def figure_text(f: Figure) -> str:
    if f.share is None:
        return "No obligations fell due in the period."
    verdict = "meets" if f.share >= TARGET else "below"
    return f"{f.share:.0%} met on time ({f.met_on_time} of {f.total}), {verdict} the {TARGET:.0%} target"


CASE_COLUMNS: list[Column[CaseCompliance]] = [
    Column("CRN", lambda c: c.person.crn),
    Column("Name", lambda c: c.person.name),
    Column("RoSH", lambda c: c.person.rosh_label or c.person.rosh,
           sort=lambda c: ROSH_ORDER.get(c.person.rosh, 9)),
    Column("Met on time", lambda c: str(c.met_on_time), sort=lambda c: c.met_on_time, align_centre=True),
    Column("Obligations", lambda c: str(c.total), sort=lambda c: c.total, align_centre=True),
    Column("Share", lambda c: share_text(c.share), sort=lambda c: NOTHING_DUE if c.share is None else c.share,
           align_centre=True),
    Column("Against target", lambda c: "" if c.share is None else ("✔ Meets 90%" if c.share >= TARGET
                                                                   else "⚠ Below 90%"),
           sort=lambda c: NOTHING_DUE if c.share is None else c.share),
]


class CaseComplianceModel(RecordTableModel[CaseCompliance]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(CASE_COLUMNS, parent)

    def extra_data(self, rec: CaseCompliance, column: int, role: int) -> Any:
        if column in (5, 6) and rec.share is not None and role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1f5a22" if rec.share >= TARGET else "#a4161a"))
        return None


PERIODS: list[tuple[str, int]] = [  # label, months back from today (0: business year to date)
    ("Last 3 months", 3),
    ("Last month", 1),
    ("Last 6 months", 6),
    ("Last 12 months", 12),
    ("Business year to date (from 1 April)", 0),
]


def period_for(months: int, today: date) -> tuple[date, date]:
    if months == 0:
        year = today.year if today.month >= 4 else today.year - 1
        return date(year, 4, 1), today
    return add_months(today, -months) + timedelta(days=1), today


class ComplianceView(QWidget):
    """people() gives the caseload to measure (person_id, crn, name, rosh) when the officer asks."""

    def __init__(self, ops: Ops, people: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.people = people
        self.setAccessibleName("Compliance")
        self.result: ComplianceResult | None = None
        title = QLabel("Compliance with National Standards")
        title.setObjectName("caseHeader")
        self.policy = common.policy_label()
        self.period = QComboBox()
        self.period.setAccessibleName("Period")
        for label, months in PERIODS:
            self.period.addItem(label, months)
        self.start = DateEntry("From")
        self.end = DateEntry("To")
        self.period.currentIndexChanged.connect(self._preset)
        self.calculate_button = QPushButton("Ca&lculate")
        self.calculate_button.setDefault(True)
        self.calculate_button.setMinimumWidth(self.calculate_button.sizeHint().width() + 16)  # bold when default
        self.calculate_button.clicked.connect(self.calculate)
        bar = QHBoxLayout()
        bar.addWidget(title)
        bar.addStretch(1)
        bar.addWidget(self.policy)
        period_bar = QHBoxLayout()
        for w in (QLabel("&Period"), self.period, QLabel("From"), self.start, QLabel("to"), self.end,
                  self.calculate_button):
            period_bar.addWidget(w)
        period_bar.addStretch(1)
        period_bar.itemAt(0).widget().setBuddy(self.period)  # type: ignore[union-attr]
        self.officer = QLabel("")
        self.officer.setAccessibleName("SPM 5: officer's compliance")
        self.high = QLabel("")
        self.high.setAccessibleName("SPM 24: high and very high RoSH compliance")
        for figure in (self.officer, self.high):
            figure.setWordWrap(True)
            figure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        figures = QGridLayout()
        figures.addWidget(QLabel("<b>SPM 5</b> · your caseload, every obligation due in the period:"), 0, 0)
        figures.addWidget(self.officer, 0, 1)
        figures.addWidget(QLabel("<b>SPM 24</b> · high and very high RoSH cases:"), 1, 0)
        figures.addWidget(self.high, 1, 1)
        figures.setColumnStretch(1, 1)
        self.model = CaseComplianceModel(self)
        self.table = record_table(self.model, "Compliance per case")
        self.table.sortByColumn(5, Qt.SortOrder.AscendingOrder)  # the weakest first
        self.empty = empty_state("Choose a period and press Calculate.")
        self.body = QStackedWidget()
        self.body.addWidget(self.empty)
        self.body.addWidget(self.table)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(period_bar)
        layout.addLayout(figures)
        layout.addWidget(self.body, 1)
        self._preset(0)

    def _preset(self, _index: int) -> None:
        start, end = period_for(self.period.currentData(), common.today())
        self.set_period(start, end)

    def set_period(self, start: date, end: date) -> None:
        self.start.setValue(start)
        self.end.setValue(end)

    def calculate(self) -> None:
        for field in (self.start, self.end):
            if not field.validate():  # the reason shows under the field
                field.setFocus()
                return
        start, end = self.start.value(), self.end.value()
        assert start is not None and end is not None  # validate() refuses an empty date
        if end < start:
            self.officer.setText("To: is before From: choose an end date on or after the start.")
            return
        set_available(self.calculate_button, False, "calculating: wait for the figures")
        self.officer.setText("Calculating…")
        self.high.setText("")
        self.ops.query(load_compliance, start, end, list(self.people()), on_ok=self.show_result,
                       on_error=self._failed, owner=self, label="compliance")

    def show_result(self, result: ComplianceResult) -> None:
        self.result = result
        set_available(self.calculate_button, True, "")
        common.set_policy(self.policy, result.policy_title)
        span = f"{format_date(result.start)} to {format_date(result.end)}"
        self.officer.setText(f"{figure_text(result.officer)} · {span}")
        self.high.setText(figure_text(result.high_rosh))
        self.empty.setText("No cases on the caseload.")
        self.body.setCurrentWidget(self.table if result.cases else self.empty)  # shown first, so it sizes right
        self.model.set_rows(result.cases)
        self.table.resizeColumnsToContents()

    def _failed(self, exc: BaseException) -> None:
        set_available(self.calculate_button, True, "")
        self.officer.setText(f"Compliance could not be calculated ({exc.__class__.__name__}).")

    def clear(self) -> None:
        self.result = None
        self.model.clear()
        self.officer.setText("")
        self.high.setText("")
        self.policy.setText("Policy: …")
        self.body.setCurrentWidget(self.empty)
