"""The case's RoSH section: the level now and its signing status, the current assessment, when the next review
is due and why, what is owed (a report writer's screening to confirm, a full analysis), how much text is
carried forward, and every assessment so far, any of them readable as it was and any two compared.

Reads go through services/rosh.rosh_overview off the UI thread; starting, confirming and revising are writes,
and the page reads itself again on the change they announce (Change.ASSESSMENT), as the case header and the
caseload do on Change.CASE."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.carried_forward import age_in_words
from lpt_desktop.assessment.countersign import STATUS_LABELS, shown_level
from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.gui.assessments.cards import Banner, HeaderCard, status_lines
from lpt_desktop.gui.assessments.rosh_form import RoshForm
from lpt_desktop.gui.assessments.wheel_guard import guard_wheel
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, record_table, select_record
from lpt_desktop.services import rosh as svc
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.rosh import AssessmentItem, Completion, Difference, RoshOverview

LOCKED = "unlock the caseload to change the record"
EMPTY = "No RoSH assessment yet: start a screening"
SIGNING = {k: v.lower() for k, v in STATUS_LABELS.items()}  # the countersignature statuses in words (issue 19)


def level_words(code: str | None) -> str:
    levels = reference().rosh_levels
    return levels[code].label if code in levels else "—"


def kind_words(item: AssessmentItem) -> str:
    return ("Review" if item.kind == "review" else "Screening") + (" (report writer)" if item.by_report_writer
                                                                    else "")


def status_words(item: AssessmentItem) -> str:
    if item.status == "draft":
        return f"Draft, started {format_date(item.started_on)}"
    out = "Complete"
    if item.by_report_writer:
        out += {"confirmed": ", confirmed", "revised": ", revised"}.get(item.confirmation or "",
                                                                         ", awaiting confirmation")
    return f"{out} · {SIGNING.get(item.countersign_status, item.countersign_status).split(' (')[0]}"


HISTORY_COLUMNS: list[Column[AssessmentItem]] = [
    Column("Date", lambda r: format_date(r.completed_on or r.started_on)),
    Column("Kind", kind_words),
    Column("Level", lambda r: level_words(r.level) if r.status == "complete" else "—"),
    Column("Status", status_words),
    Column("Who", lambda r: r.completed_by or "—"),
]
def _shown_value(d: Difference, value: str) -> str:
    """A level or an answer in words (the service gives codes for those), text as written."""
    if not value:
        return "—"
    if d.key.startswith("levels.") or d.key == "overall_level":
        return level_words(value)
    if d.key.startswith("answers."):
        return screening().answers.get(value, value)
    return value


DIFF_COLUMNS: list[Column[Difference]] = [
    Column("Section", lambda d: d.label),
    Column("Change", lambda d: d.words.split(": ", 1)[-1]),
    Column("Before", lambda d: _shown_value(d, d.before), tooltip=lambda d: d.before),
    Column("After", lambda d: _shown_value(d, d.after), tooltip=lambda d: d.after),
]


def _choice_words(item: AssessmentItem) -> str:
    return f"{format_date(item.completed_on or item.started_on)} · {kind_words(item)} · {status_words(item)}"


class CompareDialog(QDialog):
    """Any two assessments side by side: each section that differs, in words, with the text before and after."""

    def __init__(self, ops: Ops, history: list[AssessmentItem], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setWindowTitle("Compare RoSH assessments")
        self.setAccessibleName("Compare RoSH assessments")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1000, 560)
        form = QFormLayout()
        self.earlier = QComboBox()
        self.later = QComboBox()
        for box, name in ((self.earlier, "Earlier assessment"), (self.later, "Later assessment")):
            box.setAccessibleName(name)
            for item in history:
                box.addItem(_choice_words(item), item.id)
        # newest first: the later is the newest, the earlier the one before it
        self.later.setCurrentIndex(0)
        self.earlier.setCurrentIndex(min(1, len(history) - 1))
        earlier_label = QLabel("&Earlier:")
        earlier_label.setBuddy(self.earlier)
        later_label = QLabel("&Later:")
        later_label.setBuddy(self.later)
        form.addRow(earlier_label, self.earlier)
        form.addRow(later_label, self.later)
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Differences in words")
        self.model: RecordTableModel[Difference] = RecordTableModel(DIFF_COLUMNS)
        self.table = record_table(self.model, "Differences between the two assessments", sortable=False,
                                  empty_text="The two assessments say the same")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 230)
        header.resizeSection(1, 150)
        header.resizeSection(2, 280)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.earlier.currentIndexChanged.connect(lambda _i: self.compare())
        self.later.currentIndexChanged.connect(lambda _i: self.compare())
        guard_wheel(self)
        self.compare()

    def compare(self) -> None:
        a, b = self.earlier.currentData(), self.later.currentData()
        if not a or not b or a == b:
            self.model.set_rows([])
            self.summary.setText("Choose two different assessments.")
            return
        self.ops.query(svc.compare_assessments, a, b, on_ok=self.show_differences, owner=self,
                       label="compare RoSH assessments")

    def show_differences(self, differences: list[Difference]) -> None:
        self.model.set_rows(differences)
        self.table.resizeRowsToContents()
        self.summary.setText(f"{len(differences)} section{'s' if len(differences) != 1 else ''} differ: "
                             + "; ".join(d.words for d in differences[:6])
                             + ("; …" if len(differences) > 6 else "") if differences else
                             "The two assessments say the same.")


class RoshPage(QWidget):
    """The RoSH section of a case's Assessments tab (read-only without ops: the buttons say why)."""

    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.overview: RoshOverview | None = None
        self.form: RoshForm | None = None
        self.compare_dialog: CompareDialog | None = None
        self.reads = 0  # overviews asked for (tests count them)
        self._stale = False  # a change came while hidden (or under its own form): read again when it matters

        self.card = HeaderCard("RoSH level", value_pt=22, wrap_detail=False)
        self.level = self.card.value
        self.level.setAccessibleName("RoSH level")
        self.signing = self.card.detail
        self.signing.setAccessibleName("Signing status")

        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setAccessibleName("Current RoSH assessment")
        top = QHBoxLayout()
        top.addWidget(self.card)
        top.addWidget(self.facts, 1)

        self.banner = Banner("What is owed")
        self.banner_text = self.banner.text
        self.confirm_button = QPushButton("Co&nfirm screening")
        self.confirm_button.setToolTip("The report writer's screening holds: confirm it (your name and today are "
                                       "kept)")
        self.revise_button = QPushButton("Rev&ise…")
        self.revise_button.setAccessibleName("Revise the report writer's screening")
        self.revise_button.setToolTip("Start a review from the report writer's screening and put right what has "
                                      "changed")
        confirm_row = QHBoxLayout()
        confirm_row.addWidget(self.confirm_button)
        confirm_row.addWidget(self.revise_button)
        confirm_row.addStretch(1)
        self.banner.rows.addLayout(confirm_row)
        self.banner.hide()

        self.start_button = QPushButton("&Start screening")
        self.start_button.setToolTip("A guided screening; a review once an assessment is complete")
        self.open_button = QPushButton("O&pen")
        self.open_button.setAccessibleName("Open the chosen assessment")
        self.open_button.setToolTip("Read the chosen assessment as it was (Enter on the list does the same)")
        self.compare_button = QPushButton("Compa&re…")
        self.compare_button.setAccessibleName("Compare two assessments")
        self.compare_button.setToolTip("Choose two assessments: the differences section by section, in words")
        buttons = QHBoxLayout()
        for b in (self.start_button, self.open_button, self.compare_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status, self.error = status_lines("RoSH status")

        self.history_model: RecordTableModel[AssessmentItem] = RecordTableModel(HISTORY_COLUMNS)
        self.history = record_table(self.history_model, "RoSH assessments", sortable=False, empty_text=EMPTY)
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.history.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.history.setMinimumHeight(160)
        self.history.activated.connect(lambda _i: self.open_chosen())
        self.history.selectionModel().currentRowChanged.connect(lambda *_a: self._enable())
        history_box = QGroupBox("Assessments, newest first")
        QVBoxLayout(history_box).addWidget(self.history)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.banner)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        layout.addWidget(self.error)
        layout.addWidget(history_box, 1)

        self.start_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self.open_chosen)
        self.compare_button.clicked.connect(self.compare)
        self.confirm_button.clicked.connect(self.confirm_screening)
        self.revise_button.clicked.connect(self.revise_screening)
        self._enable()
        if ops is not None:
            ops.changed.connect(self._changed)

    # -- reading -----------------------------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        if not changes & (Change.ASSESSMENT | Change.CASE | Change.REGISTER):
            return
        # Every autosave of any case's form announces ASSESSMENT (without saying whose): a page not on show
        # reads again when shown, and a draft's own autosaves wait for its form to close (they move nothing the
        # page shows but the draft's carried share).
        own_autosave = not changes & ~Change.ASSESSMENT and self.form is not None and shiboken6.isValid(self.form) \
            and self.form.isVisible()
        if not self.isVisible() or own_autosave:
            self._stale = True
            return
        self.refresh()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def refresh(self) -> None:
        if self.ops is not None:
            self._stale = False
            self.reads += 1
            self.ops.query(svc.rosh_overview, self.person_id, on_ok=self.show_overview, on_error=self._read_failed,
                           owner=self, label="read the RoSH assessments")

    def _read_failed(self, exc: BaseException) -> None:
        self._show_error("The RoSH assessments could not be read just now. The record is unchanged; it reads "
                         "again after the next change, or lock and unlock the caseload.")

    def show_overview(self, o: RoshOverview) -> None:
        self.overview = o
        # In force at once, and says so until countersigned (issue 19).
        shown = shown_level(o.level_label, o.signing_status) if o.current else o.level_label
        self.level.setText(shown)
        self.level.setAccessibleName(f"RoSH level: {shown}")
        self.signing.setText("Signing: " + SIGNING.get(o.signing_status, o.signing_status) if o.current else
                             "No completed assessment")
        self.facts.setText(self._facts(o))
        banner = self._banner(o)
        self.banner_text.setText(banner)
        self.banner.setVisible(bool(banner))
        pending = self._pending_screening(o)
        self.confirm_button.setVisible(pending is not None)
        self.revise_button.setVisible(pending is not None)
        chosen = current_record(self.history, self.history_model)
        self.history_model.set_rows(o.history)
        select_record(self.history, self.history_model, chosen.id if chosen else None)
        self.history.resizeRowsToContents()
        if o.draft is not None:
            self.start_button.setText("Contin&ue draft")
            self.start_button.setToolTip(f"Carry on with the {o.draft.kind} started "
                                         f"{format_date(o.draft.started_on)}: everything typed was kept")
        else:
            self.start_button.setText("&Start review" if o.current else "&Start screening")
            self.start_button.setToolTip("A review starts from the latest assessment, each section marked with its "
                                         "age" if o.current else "A guided screening of current and previous "
                                         "behaviour")
        self.start_button.setAccessibleName(self.start_button.text().replace("&", ""))
        self._enable()

    def _facts(self, o: RoshOverview) -> str:
        lines = []
        c = o.current
        if c is None:
            lines.append(f"<b>{EMPTY}.</b>")
        else:
            kind = "review" if c.kind == "review" else "screening"
            who = f" by {c.completed_by}" if c.completed_by else ""
            lines.append(f"<b>Current assessment:</b> {kind} completed {format_date(c.completed_on)}{who}"
                         + (" (report writer)" if c.by_report_writer else ""))
        if o.draft is not None:
            lines.append(f"<b>Draft:</b> {o.draft.kind} started {format_date(o.draft.started_on)}, not yet "
                         "completed")
        if o.review.why:
            late = o.review.due_on is not None and o.review.due_on < date.today()
            lines.append("<b>Review:</b> " + ("<span style='color:#a4161a'><b>overdue</b></span>: " if late else "")
                         + o.review.why)
        shown = o.draft or c
        if shown is not None and o.oldest_carried is not None:
            lines.append(f"<b>Carried forward{' in the draft' if shown is o.draft else ''}:</b> "
                         f"{round(o.carried_share * 100)}% of the text is carried forward unchanged; the oldest "
                         f"carried text is from {format_date(o.oldest_carried)} "
                         f"({age_in_words(o.oldest_carried, date.today())})")
        elif shown is not None and shown.kind == "review":
            lines.append("<b>Carried forward:</b> none: every section was written or confirmed for this assessment")
        if o.plan_required:
            lines.append("<b>Risk management plan:</b> required at this level")
        return "<br>".join(lines)

    @staticmethod
    def _pending_screening(o: RoshOverview) -> AssessmentItem | None:
        return next((i for i in o.history if i.status == "complete" and i.by_report_writer
                     and i.confirmation is None), None)

    def _banner(self, o: RoshOverview) -> str:
        parts = []
        pending = self._pending_screening(o)
        if pending is not None:
            late = o.confirmation_due is not None and o.confirmation_due < date.today()
            by = f" {'(overdue since' if late else 'by'} {format_date(o.confirmation_due)}{')' if late else ''}" \
                if o.confirmation_due else ""
            parts.append(f"<b>The report writer's screening of {format_date(pending.completed_on)} awaits you.</b> "
                         f"Confirm it (Alt+N) or revise it (Alt+I){by}: it stays an obligation until you do.")
        d = o.draft
        if d is not None and d.full_analysis == "required":
            parts.append("<b>The draft's answers require a full analysis</b>: continue the draft (Alt+U) to write "
                         "it, or to record a reasoned decision not to.")
        elif d is not None and d.full_analysis == "carried":
            parts.append("<b>The draft's answers require a full analysis, and the previous one was carried "
                         "forward</b>: continue the draft (Alt+U) to confirm that each carried section still "
                         "holds or update it, or to record a reasoned decision not to.")
        return "<br>".join(parts)

    def _enable(self) -> None:
        o = self.overview
        why = LOCKED if self.ops is None else "the assessments are still being read" if o is None else ""
        set_available(self.start_button, not why, why)
        chosen = current_record(self.history, self.history_model)
        set_available(self.open_button, not why and chosen is not None, why or "no assessment to open")
        enough = o is not None and len(o.history) >= 2
        set_available(self.compare_button, not why and enough, why or "two assessments are needed to compare")
        for b in (self.confirm_button, self.revise_button):
            set_available(b, not why, why)

    # -- acting ------------------------------------------------------------------------------------------------
    def _show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def _say(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        text = "\n".join(str(e) for e in errors) if errors else f"That did not work ({exc.__class__.__name__})"
        self._show_error(f"Not saved. {text}")
        self._enable()

    def start(self) -> None:
        o = self.overview
        if self.ops is None or o is None:
            return
        self._show_error("")
        if o.draft is not None:
            self.open_form(o.draft.id)
            return
        self.ops.write(svc.start_assessment, self.person_id, on_ok=self.open_form, on_error=self._refused, owner=self,
                       label="start a RoSH assessment")

    def open_form(self, assessment_id: str, read_only: bool = False) -> RoshForm | None:
        if self.ops is None:
            return None
        form = RoshForm(self.ops, assessment_id, self, read_only=read_only)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.completed.connect(self._completed)
        form.finished.connect(lambda _r: self.refresh() if self._stale else None)
        form.rejected.connect(lambda: self._say("" if read_only else
                                                "Draft kept: Continue draft (Alt+U) carries on where you left off."))
        self.form = form
        form.open()
        return form

    def _completed(self, result: Completion) -> None:
        registers = reference().register_types
        register = registers[result.register].label if result.register in registers else result.register
        self._say(f"Assessment completed: the case's RoSH level is now {level_words(result.level)}"
                  + (f" (register: {register})" if register else "") + ".")
        self.refresh()

    def open_chosen(self) -> RoshForm | None:
        chosen = current_record(self.history, self.history_model)
        if chosen is None or self.ops is None:
            return None
        return self.open_form(chosen.id, read_only=chosen.status != "draft")

    def compare(self) -> CompareDialog | None:
        o = self.overview
        if self.ops is None or o is None or len(o.history) < 2:
            return None
        dialog = CompareDialog(self.ops, o.history, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.compare_dialog = dialog
        dialog.open()
        return dialog

    def confirm_screening(self) -> None:
        o = self.overview
        pending = self._pending_screening(o) if o else None
        if self.ops is None or pending is None:
            return
        self.ops.write(svc.confirm_screening, pending.id, owner=self, on_error=self._refused,
                       on_ok=lambda _r: self._say("Report writer's screening confirmed."),
                       label="confirm the report writer's screening")

    def revise_screening(self) -> None:
        o = self.overview
        pending = self._pending_screening(o) if o else None
        if self.ops is None or pending is None:
            return
        self.ops.write(svc.revise_screening, pending.id, owner=self, on_error=self._refused, on_ok=self.open_form,
                       label="revise the report writer's screening")


__all__ = ["CompareDialog", "RoshPage", "level_words"]
