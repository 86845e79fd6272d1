"""A case's needs assessment (issue 20): the current assessment's needs section by section, whether it counts
for tiering (and until when), and whether the tiering scheme chosen in Preferences reads it at all (the A-D
scheme's change level does; the 2026 A-G scheme does not: gui/assessments/tier_words.needs_in_tier), a draft to
carry on, the history; Start or carry on opens the form (gui/assessments/needs_form.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.assessments.needs_form import NeedsForm
from lpt_desktop.gui.assessments.tier_words import needs_in_tier
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.plans.sentence_plan_page import fit_rows
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, empty_state, record_table
from lpt_desktop.services import needs as svc
from lpt_desktop.services.changes import Change
from lpt_desktop.services.tiering import tier_scheme

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.needs import NeedsCompletion, NeedsItem, NeedsOverview, SectionView

LOCKED = "unlock the caseload to assess needs"

SECTION_COLUMNS: tuple[Column[SectionView], ...] = (
    Column("Area", lambda s: s.label, tooltip=lambda s: s.help),
    Column("Need", lambda s: s.severity_label or "Not rated"),
    Column("Risk of harm", lambda s: "Linked" if s.risk_of_harm else "", align_centre=True),
    Column("Reoffending", lambda s: "Linked" if s.reoffending else "", align_centre=True),
    Column("Evidence", lambda s: s.evidence, tooltip=lambda s: s.evidence),
)
HISTORY_COLUMNS: tuple[Column[NeedsItem], ...] = (
    Column("Started", lambda i: format_date(i.started_on)),
    Column("Status", lambda i: "Draft" if i.status == "draft" else f"Completed {format_date(i.completed_on)}"),
    Column("By", lambda i: i.completed_by_name),
)


class NeedsPage(QWidget):
    go_to_tier = Signal()  # the Tier section shows what of these needs the suggested tier reads

    def __init__(self, person_id: str, ops: Ops | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.person_id = person_id
        self.ops = ops
        self.overview: NeedsOverview | None = None
        self.scheme: str | None = None  # the tiering scheme in Preferences (None: not yet read)
        self.form: NeedsForm | None = None
        self._stale = False
        self.facts = QLabel("Reading the needs assessment…" if ops else "Unlock the caseload to see the needs.")
        self.facts.setWordWrap(True)
        self.facts.setAccessibleName("Needs assessment status")
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.empty = empty_state("No needs assessment yet. Start one: each area rated, with its evidence, the "
                                 "Skills for Life screening and any barriers to engagement.")
        self.empty.setWordWrap(True)
        self.empty.setAccessibleName("No needs assessment")
        self.empty.hide()
        self.start_button = QPushButton("&Start needs assessment")
        self.start_button.setAccessibleName("Start or carry on the needs assessment")
        self.open_button = QPushButton("O&pen chosen…")
        self.open_button.setAccessibleName("Open the chosen assessment")
        self.open_button.setToolTip("Open the chosen assessment (a completed one read-only)")
        self.tier_button = QPushButton("&Tier section")
        self.tier_button.setAccessibleName("Go to the Tier section")
        self.tier_button.setToolTip(needs_in_tier(None)[1])
        row = QHBoxLayout()
        for b in (self.start_button, self.open_button, self.tier_button):
            row.addWidget(b)
        row.addStretch(1)
        self.section_model: RecordTableModel[SectionView] = RecordTableModel(SECTION_COLUMNS)
        self.sections = record_table(self.section_model, "Needs by area", sortable=False,
                                     empty_text="No completed assessment yet")
        sh = self.sections.horizontalHeader()
        sh.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        sh.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.sections.setWordWrap(False)  # one line a row: the evidence in full is its tooltip
        self.history_model: RecordTableModel[NeedsItem] = RecordTableModel(HISTORY_COLUMNS)
        self.history = record_table(self.history_model, "Needs assessments", sortable=False,
                                    empty_text="No needs assessments yet")
        self.message = QLabel("")
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Needs message")
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(self.empty)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Current assessment"))
        layout.addWidget(self.sections)
        layout.addWidget(QLabel("Earlier assessments"))
        layout.addWidget(self.history)
        layout.addStretch(1)
        self.start_button.clicked.connect(self.start)
        self.open_button.clicked.connect(self.open_chosen)
        self.history.activated.connect(lambda _i: self.open_chosen())
        self.tier_button.clicked.connect(self.go_to_tier)
        self._enable()
        if ops is not None:
            ops.changed.connect(self._changed)

    def _changed(self, changes: Change) -> None:
        if not changes & (Change.ASSESSMENT | Change.CASE | Change.STANDARDS):  # STANDARDS: the tier scheme
            return
        # Its own form's autosaves wait for the form to close (a closed form is deleted: checked first).
        if not self.isVisible() or (self.form is not None and shiboken6.isValid(self.form) and self.form.isVisible()):
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
            self.ops.query(tier_scheme, on_ok=self.show_scheme, owner=self, label="read the tiering scheme")
            self.ops.query(svc.needs_overview, self.person_id, on_ok=self.show_overview,
                           on_error=lambda _e: self.facts.setText("The needs could not be read just now."),
                           owner=self, label="read the needs assessment")

    def show_scheme(self, scheme: str) -> None:
        self.scheme = scheme
        self.tier_button.setToolTip(needs_in_tier(scheme)[1])
        if self.overview is not None:
            self.show_overview(self.overview)

    def show_overview(self, o: NeedsOverview) -> None:
        self.overview = o
        lines = []
        if o.current is not None:
            c = o.current
            lines.append(f"<b>Current assessment:</b> completed {format_date(c.completed_on)}"
                         + (f" by {c.completed_by_name}" if c.completed_by_name else ""))
            reads, words = needs_in_tier(self.scheme)
            if c.valid_for_tiering and o.valid_until:
                lines.append(f"Valid for tiering until {format_date(o.valid_until)}. {words}")
            elif reads or self.scheme is None:
                lines.append("<b>No longer valid for tiering</b> (over 55 weeks old): the tier shows no valid "
                             "assessment until a new one is completed.")
            else:
                lines.append(f"Over 55 weeks old: it would no longer count for tiering. {words}")
            if c.skills.learning_plan_needed:
                lines.append(f"A learning plan is needed in the sentence plan: {c.skills.learning_plan_why}")
            if c.services_called_for:
                lines.append("Services the needs call for: " + "; ".join(c.services_called_for))
        if o.draft is not None:
            lines.append(f"<b>Draft</b> started {format_date(o.draft.started_on)}, not yet completed: "
                         f"{len(o.draft.errors)} things to put right.")
        self.facts.setText("<br>".join(lines) or "<b>Needs assessment</b>")
        self.empty.setVisible(o.current is None and o.draft is None)
        self.section_model.set_rows(o.current.sections if o.current else [])
        self.history_model.set_rows(o.history)
        fit_rows(self.sections, 12)
        fit_rows(self.history, 6)
        self.start_button.setText("Ca&rry on the draft…" if o.draft else "&Start needs assessment")
        self._enable()

    def _enable(self) -> None:
        locked = LOCKED if self.ops is None else ""
        set_available(self.start_button, not locked and self.overview is not None, locked or "reading")
        set_available(self.open_button, not locked and bool(self.history_model.rowCount()),
                      locked or "no assessments yet")

    def start(self) -> NeedsForm | None:
        o = self.overview
        if self.ops is None or o is None:
            return None
        if o.draft is not None:
            return self.open_form(o.draft.id)
        self.ops.write(svc.start_assessment, self.person_id, on_ok=self.open_form,
                       on_error=lambda e: self.message.setText("; ".join(str(x) for x in getattr(e, "errors", [e]))),
                       owner=self, label="start a needs assessment")
        return None

    def open_form(self, assessment_id: str, read_only: bool = False) -> NeedsForm | None:
        if self.ops is None:
            return None
        form = NeedsForm(self.ops, assessment_id, self, read_only=read_only)
        form.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        form.completed.connect(self._completed)
        form.rejected.connect(lambda: self.message.setText("" if read_only else
                                                           "The draft is kept: carry it on at any time."))
        form.finished.connect(lambda _r: self.refresh())
        self.form = form
        form.open()
        return form

    def _completed(self, result: NeedsCompletion) -> None:
        self.message.setText(completion_words(result, self.scheme))

    def open_chosen(self) -> NeedsForm | None:
        item = current_record(self.history, self.history_model)
        return self.open_form(item.id, read_only=item.status != "draft") if item else None


def completion_words(result: NeedsCompletion, scheme: str | None) -> str:
    """The message once an assessment is completed: what the tier makes of it, and what went back to the case
    record, each part once punctuated (the parts come without a closing full stop; any left is dropped)."""
    reads, words = needs_in_tier(scheme)
    head = "The needs assessment is completed" + (": the suggested tier now reads it." if reads else ".")
    parts = [" ".join(w.split()).rstrip(" .;,") for w in result.written_to_case_record]
    parts = [p for p in parts if p]
    back = (" Written to the case record: " + "; ".join(parts) + ".") if parts else ""
    return head + back + ("" if reads else f" {words}")
