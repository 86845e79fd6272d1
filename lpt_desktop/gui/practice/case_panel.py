"""A case's Inspection readiness tab (issue 21): the case's score as HM Inspectorate of Probation computes one
(the share of the applicable checks met), then every check, unmet first, each with its criterion, status, the
reason in words and what to do, and "Go to …" (Enter or a double-click on the row) opening the screen that fixes
it (gui/practice/screens.py).

Read with services.practice.case_audit off the UI thread; read again after any write that can move a check (the
case, its registers, contacts, enforcement, appointments, assessments and plans, the standards in force, a sync).
A tab not on show reads again when it is next shown.
"""

from __future__ import annotations

import html
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.practice import screens
from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, empty_state, record_table
from lpt_desktop.practice.checks import MET, NOT_APPLICABLE, NOT_MET, SCREENS, STATUS_LABELS, CheckResult
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.case_view import CaseView
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.practice.score import CaseAudit

# A write of any of these can move a check (a sync announces what it wrote, so SYNC alone moves nothing).
REFRESH_ON = (Change.CASE | Change.REGISTER | Change.CONTACT | Change.ENFORCEMENT | Change.APPOINTMENT
              | Change.ASSESSMENT | Change.STANDARDS)
# Every letter of the title is taken in some state of the case (its tabs, their pages, the contact form): Alt+K,
# free in all of them, brings the tab to the front (tests/gui/test_mnemonics.py walks them).
TAB_TITLE = "Inspection readiness"
TAB_KEYS = "Alt+K"
GO_LETTER = "Go &to"

# Status: symbol, colour and tint (never colour alone: the word is in the cell).
STYLES = {
    NOT_MET: ("✖", "#a4161a", "#fde7e9"),
    MET: ("✔", "#1f5a22", "#e3f1e3"),
    NOT_APPLICABLE: ("–", "#3d4754", "#eef2f6"),
}


def status_text(r: CheckResult) -> str:
    return f"{STYLES[r.status][0]} {STATUS_LABELS[r.status]}"


def criterion_text(r: CheckResult) -> str:
    return f"{r.check.criterion} {r.check.criterion_title}"


def action_text(r: CheckResult) -> str:
    return r.check.action if r.status == NOT_MET else ""


def score_text(audit: CaseAudit) -> str:
    """"7 of 9 applicable checks met (78%)", as the inspectorate scores a case; None when nothing applies."""
    applicable = audit.applicable
    met = sum(r.status == MET for r in audit.results)
    score = audit.score
    if score is None:
        return "No check applies to this case"
    return f"{met} of {applicable} applicable {'check' if applicable == 1 else 'checks'} met ({score * 100:.0f}%)"


COLUMNS: list[Column[CheckResult]] = [
    Column("Status", status_text),
    Column("Criterion", criterion_text, tooltip=lambda r: f"Inspection criterion {criterion_text(r)}"),
    Column("Check", lambda r: r.check.statement, tooltip=lambda r: r.check.statement),
    Column("Reason", lambda r: r.reason, tooltip=lambda r: r.reason),
    Column("What to do", action_text, tooltip=lambda r: action_text(r) or r.check.action),
]
COL_STATUS = 0


class CheckModel(RecordTableModel[CheckResult]):
    """The status cell in its colour on a tint, bold while not met."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)
        self._bold = QFont()
        self._bold.setBold(True)

    def extra_data(self, rec: CheckResult, column: int, role: int) -> Any:
        if column != COL_STATUS:
            return None
        _symbol, colour, tint = STYLES[rec.status]
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor(colour))
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(tint))
        if role == Qt.ItemDataRole.FontRole and rec.status == NOT_MET:
            return self._bold
        return None


def read_audit(db: Any, person_id: str, as_of: date) -> CaseAudit | None:
    from lpt_desktop.services.practice import case_audit

    return case_audit(db, person_id, as_of)


class ReadinessPanel(QWidget):
    """The Inspection readiness tab. refresh() reads the audit again; go_to() opens the chosen check's screen."""

    went_to = Signal(str)  # what "Go to" opened, in words (tests and the status line)

    def __init__(self, person_id: str, ops: Ops | None, case_view: CaseView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.case_view = case_view
        self.host: Host | None = None  # set by the case_readiness feature: the window's manager parts
        self.audit: CaseAudit | None = None
        self.loaded = False
        self.reads = 0  # audits asked for (tests count them)
        self._asked = 0  # the latest read's number: an older answer arriving late is dropped
        self._stale = True  # read when first shown
        self._went_for = ""  # the check whose screen "Go to" last opened (its message stands while it is chosen)
        self.setAccessibleName("Inspection readiness")

        self.score = QLabel("Reading the checks…" if ops is not None else "Unlock the caseload to see the checks.")
        self.score.setObjectName("readinessScore")
        self.score.setStyleSheet("font-size: 15pt; font-weight: 600;")
        self.score.setAccessibleName("Inspection readiness score")
        self.explain = QLabel("")
        self.explain.setWordWrap(True)
        self.explain.setAccessibleName("How the score is worked out")
        self.explain.setStyleSheet("color: #4a5563;")

        self.model = CheckModel(self)
        self.table = record_table(self.model, "Inspection checks", sortable=False)
        self.table.setWordWrap(True)
        self.table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for col, width in enumerate((110, 190, 250, 330, 230)):
            header.resizeSection(col, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(lambda *_a: self.table.resizeRowsToContents())
        self.table.activated.connect(self._activated)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_chosen())

        self.empty = empty_state("")
        self.empty.setAccessibleName("No applicable checks")
        self.body = QStackedWidget()
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty)

        self.detail = QLabel("")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.RichText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByKeyboard
                                            | Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("The chosen check")
        self.go_button = QPushButton(f"{GO_LETTER} …")
        self.go_button.setAccessibleName("Go to the screen that fixes the chosen check")
        self.go_button.setToolTip("Open the screen that fixes the chosen check (Enter or a double-click on the row)")
        self.go_button.clicked.connect(lambda: self.go_to())
        self.export_button = QPushButton("Export checklist as PDF…")
        self.export_button.setAccessibleName("Export this case's checklist as a PDF")
        self.export_button.setToolTip("This case's checklist as a PDF for supervision (an unprotected file: you are "
                                      "told so before choosing where to save it)")
        self.export_button.clicked.connect(lambda: self.export_pdf())
        self.export_button.setEnabled(False)
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Inspection readiness message")
        row = QHBoxLayout()
        row.addWidget(self.go_button)
        row.addWidget(self.message, 1)
        row.addWidget(self.export_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.score)
        layout.addWidget(self.explain)
        layout.addWidget(self.body, 1)
        layout.addWidget(self.detail)
        layout.addLayout(row)
        self._show_chosen()
        if case_view is not None:
            local_shortcut(TAB_KEYS, case_view, self.bring_forward)
        if ops is not None:
            ops.changed.connect(self._changed)

    def bring_forward(self) -> None:
        """The tab to the front with the list in focus (Alt+K anywhere in the case)."""
        if self.case_view is not None:
            self.case_view.sections.setCurrentWidget(self)
        (self.table if self.body.currentWidget() is self.table else self.go_button).setFocus()

    # -- reading ---------------------------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        if not changes & REFRESH_ON:
            return
        if not self.isVisible():
            self._stale = True
            return
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # "Opened … for: …" said what Go to did; back on the tab it is stale (the screen it opened was left).
        self.message.clear()
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.ops is None:
            return
        self._stale = False
        self.reads += 1
        self._asked += 1
        asked, as_of = self._asked, date.today()
        self.ops.query(read_audit, self.person_id, as_of, owner=self, label="check the case's practice",
                       on_ok=lambda audit: self._read(asked, audit, as_of), on_error=self._failed)

    def _failed(self, exc: BaseException) -> None:
        self.message.setText("The checks could not be worked out just now. The record is unchanged; they are read "
                             "again after the next change.")

    def _read(self, asked: int, audit: CaseAudit | None, as_of: date) -> None:
        if asked != self._asked:
            return
        self.show_audit(audit, as_of)

    def show_audit(self, audit: CaseAudit | None, as_of_day: date | None = None) -> None:
        """Show `audit`, worked out as of `as_of_day` (the day the query asked for; today when not given)."""
        chosen = current_record(self.table, self.model)
        self.audit = audit
        self.loaded = True
        results = audit.ordered() if audit is not None else []
        counts = {s: sum(r.status == s for r in results) for s in STYLES}
        if audit is None:
            self.score.setText("This case is not in the caseload")
        else:
            self.score.setText(score_text(audit))
        self.score.setAccessibleName(f"Inspection readiness: {self.score.text()}")
        as_of = format_date(as_of_day or date.today())
        n_a = counts[NOT_APPLICABLE]
        applicable = audit is not None and audit.score is not None
        if audit is None:
            self.explain.setText(f"As of {as_of}. This case could not be audited: it is not among the caseload's "
                                 "cases on that day, so no check was worked out.")
            self.empty.setText("<b>This case could not be audited.</b><br><br>It is not among the caseload's cases "
                               f"as of {as_of}, so it has no checks and no score.")
        else:
            self.explain.setText(
                f"As of {as_of}. Scored as HM Inspectorate of Probation scores a case: the share of the checks that "
                f"apply which are met. {counts[NOT_MET]} not met, {counts[MET]} met, {n_a} not applicable (each by "
                "the rule it states; missing records count as not met). Unmet checks come first." if applicable else
                f"As of {as_of}. All {n_a} checks are not applicable, each by the rule it states.")
        if audit is not None and not applicable:
            rules = sorted({r.reason for r in results})
            why = (" Why: " + " ".join(rules[:3])) if rules else ""
            self.empty.setText("<b>Nothing to check yet.</b><br><br>No inspection check applies to this case, so it "
                               f"has no score (never 100%).{why}")
        self.model.set_rows(results if applicable else [])
        self.body.setCurrentWidget(self.table if applicable else self.empty)
        self.go_button.setVisible(applicable)
        self.export_button.setEnabled(audit is not None and self.ops is not None)
        self.table.resizeRowsToContents()
        if applicable:
            keep = next((i for i, r in enumerate(results) if chosen is not None and r.id == chosen.id), 0)
            self.table.selectRow(keep)
            self.table.setCurrentIndex(self.model.index(keep, 0))
        self._show_chosen()

    def export_pdf(self) -> Any:
        """The case's checklist as a PDF: the window's export (host.feature("practice_export")), which warns that
        the file is unprotected first (returns its box; None when the window's parts are not reached yet). The
        export reads the window's current case: the one this tab is on."""
        if self.host is None:
            return None
        return self.host.feature("practice_export").export("case_pdf")

    # -- the chosen check ------------------------------------------------------------------------------------
    def chosen(self) -> CheckResult | None:
        return current_record(self.table, self.model) if self.body.currentWidget() is self.table else None

    def _show_chosen(self) -> None:
        r = self.chosen()
        if r is None or r.id != self._went_for:
            self.message.clear()  # it spoke of another check's screen
        if r is None:
            self.detail.setText("")
            self.go_button.setText(f"{GO_LETTER} …")
            set_available(self.go_button, False, "choose a check in the list" if self.loaded else "reading the checks")
            return
        label = screens.target(r.screen).label
        self.go_button.setText(f"{GO_LETTER} {label}")
        self.go_button.setAccessibleName(f"Go to {label}")
        self.go_button.setAccessibleDescription(f"Opens {SCREENS.get(r.screen, label)}")
        set_available(self.go_button, self.case_view is not None, "the case is not open")
        parts = [f"<b>{_esc(r.check.statement)}</b>",
                 f"Criterion {_esc(criterion_text(r))}. <b>{STATUS_LABELS[r.status]}</b>: {_esc(r.reason)}"]
        if r.status == NOT_MET:
            parts.append(f"<b>What to do:</b> {_esc(r.check.action)}")
        parts.append(f"Not applicable when: {_esc(r.check.not_applicable)}")
        self.detail.setText("<br>".join(parts))

    def _activated(self, _index: QModelIndex) -> None:
        self.go_to()

    def go_to(self, result: CheckResult | None = None) -> str:
        """Open the screen that fixes the chosen check (or `result`): what was opened, in words."""
        r = result or self.chosen()
        if r is None or self.case_view is None:
            return ""
        opened = screens.go_to(self.case_view, r, self.host)
        self._went_for = r.id
        self.message.setText(f"Opened {opened} for: {r.check.statement}")
        self.went_to.emit(opened)
        return opened


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
