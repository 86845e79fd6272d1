"""The RoSH assessment form: a screening or a review, step by step (Screening, Sources, Full analysis, Summary,
Carried forward, Complete), built from the data files so questions change without code.

Everything typed is a draft (gui/assessments/autosaved_form.py): a moment after typing stops, on leaving a
step, on closing and before a lock the form sends services/rosh.save_draft the fields changed since it showed
them, each with the value it showed, so a lock or a crash loses nothing, reopening carries on, and a field
another laptop changed meanwhile is refused rather than overwritten (the officer's typing is then kept beside
the newer text). Whether a section is still carried forward is the service's to say: after each save the form
reads the assessment again and shows what it says beside each section. With `read_only` the same form shows any
earlier version as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment.rosh_screening import (
    GATE_FIELD,
    full_analysis_triggers,
    gate_errors,
    screening,
)
from lpt_desktop.assessment.rosh_summary import assessment_data, overall_level
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.gui.assessments.autosaved_form import ERROR_STYLE, HELP_STYLE, AutosavedForm, OnError, OnOk
from lpt_desktop.gui.assessments.cards import Banner
from lpt_desktop.gui.assessments.rosh_fields import AnswerChoice, LevelsGrid, TextSection, help_label
from lpt_desktop.gui.assessments.wheel_guard import guard_wheel
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.shortcuts import local_shortcut
from lpt_desktop.services import rosh as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.rosh import AssessmentView, Check, Completion

STEPS = ("Screening", "Sources", "Full analysis", "Summary", "Carried forward", "Complete")
SCREENING, SOURCES, ANALYSIS, SUMMARY, CARRIED, COMPLETE = range(len(STEPS))
STEP_OF_KEY = dict(zip(svc.STEP_KEYS, (SCREENING, SOURCES, ANALYSIS, SUMMARY, CARRIED), strict=True))
STEP_ROLE = Qt.ItemDataRole.UserRole + 1  # a warning's step, as the service names it
RETRY_MS = 5000  # a failed save tries again after this


def trigger_words(answers: dict[str, dict[str, str]]) -> list[str]:
    """Each answer that requires a full analysis, in words: 'Domestic abuse (previous): yes'."""
    s = screening()
    out = []
    for t in full_analysis_triggers(answers):
        q = s.question(t.question_id)
        when = f" ({s.periods[t.period].lower()})" if q.current_previous else ""
        out.append(f"{q.text}{when}: {s.answers[t.answer].lower()}")
    return out


def _why(exc: BaseException, doing: str) -> str:
    """Why a save or a read failed, in plain words (never a class name: the log has the details)."""
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(str(e) for e in errors)
    if isinstance(exc, (ValueError, LookupError, PermissionError)) and str(exc):
        return str(exc).strip("'\"")
    return f"the caseload file could not be {doing} just now"


def _scrolled(inner: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(inner)
    return area


@dataclass
class _Carried:
    """A row of the Carried forward step."""

    key: str
    row: QFrame
    label: QLabel
    confirm: QPushButton
    goto: QPushButton


class RoshForm(AutosavedForm):
    """One assessment, step by step. `completed` carries the Completion once the write committed."""

    completed = Signal(object)
    # Each save reads the assessment again (the service's word on carried text), a save with no change too.
    SAVES_WHEN_UNCHANGED = True

    def __init__(self, ops: Ops, assessment_id: str, parent: QWidget | None = None, read_only: bool = False) -> None:
        super().__init__(ops, assessment_id, parent, read_only)
        self.view: AssessmentView | None = None
        self.check: Check | None = None
        self._ticket = 0  # the completion check now wanted
        self.setWindowTitle("RoSH assessment")
        self.setAccessibleName("RoSH assessment")
        self.resize(1100, 760)
        self.retry = QTimer(self)  # after a save that failed for no reason the officer can put right
        self.retry.setSingleShot(True)
        self.retry.setInterval(RETRY_MS)
        self.retry.timeout.connect(self.save_now)

        self.steps = QListWidget()
        self.steps.setAccessibleName("Steps of the assessment")
        self.steps.setToolTip("Up and Down move between the steps; Ctrl+PgDown and Ctrl+PgUp from anywhere")
        self.steps.setMaximumWidth(200)
        self.steps.setStyleSheet("QListWidget::item { padding: 7px 6px; }")
        for name in STEPS:
            self.steps.addItem(name)
        self.pages = QStackedWidget()
        self.heading = QLabel("")
        self.heading.setStyleSheet("font-size: 13pt; font-weight: 600;")
        self.heading.setWordWrap(True)
        self.context = QLabel("")
        self.context.setAccessibleName("Which assessment")
        self.context.setStyleSheet(HELP_STYLE)

        self._build_screening()
        self._build_sources()
        self._build_analysis()
        self._build_summary()
        self._build_carried()
        self._build_complete()

        self.back_button = QPushButton("&Back")
        self.next_button = QPushButton("&Next")
        for b in (self.back_button, self.next_button):
            b.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.saved_label, 1)
        buttons.addWidget(self.discard_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)

        right = QVBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.context)
        right.addLayout(top)
        right.addWidget(self.pages, 1)
        right.addLayout(buttons)
        layout = QHBoxLayout(self)
        layout.addWidget(self.steps)
        layout.addLayout(right, 1)

        self.steps.currentRowChanged.connect(self._step_changed)
        self.back_button.clicked.connect(lambda: self.go(self.steps.currentRow() - 1))
        self.next_button.clicked.connect(lambda: self.go(self.steps.currentRow() + 1))
        local_shortcut("Ctrl+PgDown", self, lambda: self.go(self.steps.currentRow() + 1))
        local_shortcut("Ctrl+PgUp", self, lambda: self.go(self.steps.currentRow() - 1))
        if read_only:
            self.steps.item(COMPLETE).setHidden(True)
        self.steps.setCurrentRow(0)
        guard_wheel(self)  # the wheel scrolls the page, not a level the officer is not choosing
        self.reload()

    # -- building ---------------------------------------------------------------------------------------------
    def _page(self, intro: str) -> QVBoxLayout:
        inner = QWidget()
        layout = QVBoxLayout(inner)
        if intro:
            layout.addWidget(help_label(intro))
        self.pages.addWidget(_scrolled(inner))
        return layout

    def _build_screening(self) -> None:
        s = screening()
        layout = self._page("Answer every question for current behaviour and, separately, for previous behaviour: "
                            "previous behaviour is never skipped. The arrow keys choose an answer, Tab moves on. "
                            "Hover a question, or read the line under it, for what it covers.")
        self.report_writer = QCheckBox("Made by the report writer, for court: the offender manager confirms or "
                                       "revises it at the start of the sentence")
        self.report_writer.setAccessibleName("Made by the report writer")
        self.report_writer.toggled.connect(self._report_writer_changed)
        self.report_writer.hide()
        layout.addWidget(self.report_writer)
        self.answers: dict[tuple[str, str], AnswerChoice] = {}
        for block in s.blocks:
            box = QGroupBox(f"{block.label} ({block.oasys})")
            box.setAccessibleName(block.label)
            inner = QVBoxLayout(box)
            if block.triggers_full_analysis:
                inner.addWidget(help_label("A yes or don't know in this block requires a full analysis."))
            for q in block.questions:
                text = QLabel(f"<b>{q.text}</b>")
                text.setWordWrap(True)
                text.setToolTip(q.help)
                inner.addWidget(text)
                inner.addWidget(help_label(q.help))
                row = QHBoxLayout()
                row.setContentsMargins(12, 0, 0, 6)
                for period in q.periods:
                    choice = AnswerChoice(q, period)
                    choice.changed.connect(self._answers_changed)
                    self.answers[(q.id, period)] = choice
                    row.addWidget(choice)
                row.addStretch(1)
                inner.addLayout(row)
            layout.addWidget(box)
        self.screening_note = QLabel("")
        self.screening_note.setWordWrap(True)
        self.screening_note.setAccessibleName("What the answers require")
        layout.addWidget(self.screening_note)
        layout.addStretch(1)

    def _build_sources(self) -> None:
        layout = self._page("Tick each source checked for this assessment. Police domestic abuse call-outs and "
                            "children's services must be checked: if one could not be, say why in its box.")
        self.sources: dict[str, QCheckBox] = {}
        self.source_reasons: dict[str, QLineEdit] = {}
        for src in screening().sources:
            box = QCheckBox(src.label + (" (required)" if src.required else ""))
            box.setAccessibleName(src.label)
            box.setToolTip(src.help)
            box.toggled.connect(self._edited)
            self.sources[src.code] = box
            item = QVBoxLayout()
            item.setSpacing(1)
            item.setContentsMargins(0, 0, 0, 8)
            item.addWidget(box)
            hint = help_label(src.help)
            hint.setContentsMargins(24, 0, 0, 0)
            item.addWidget(hint)
            layout.addLayout(item)
            if src.required:
                reason = QLineEdit()
                reason.setAccessibleName(f"Why {src.label.lower()} could not be checked")
                reason.setPlaceholderText(f"Why {src.label.lower()} could not be checked (only if not ticked)")
                reason.textEdited.connect(self._edited)
                box.toggled.connect(lambda on, r=reason: r.setEnabled(not on and not self.read_only))
                self.source_reasons[src.code] = reason
                reason_row = QHBoxLayout()
                reason_row.setContentsMargins(24, 0, 0, 0)
                reason_row.addWidget(reason)
                item.addLayout(reason_row)
        note_label = QLabel(f"<b>{svc.SOURCES_NOTE_FIELD}</b>")
        layout.addWidget(note_label)
        layout.addWidget(help_label("Name any other source checked, and anything a check found or is still "
                                    "awaited (the team manager reads it)."))
        self.sources_note = QPlainTextEdit()
        self.sources_note.setAccessibleName(svc.SOURCES_NOTE_FIELD)
        self.sources_note.setPlaceholderText("For example: hostel key worker's log, read 12/11/2026")
        self.sources_note.setTabChangesFocus(True)
        self.sources_note.setMaximumHeight(70)
        self.sources_note.textChanged.connect(self._edited)
        note_label.setBuddy(self.sources_note)
        layout.addWidget(self.sources_note)
        layout.addStretch(1)

    def _build_analysis(self) -> None:
        layout = self._page("")
        self.gate = Banner("Answers that require a full analysis")
        self.gate_text = self.gate.text
        self.do_analysis = QRadioButton("Do the &full analysis")
        self.do_analysis.setAccessibleName("Do the full analysis")
        self.not_doing = QRadioButton("&Record a decision not to do one, with the reason")
        self.not_doing.setAccessibleName("Record a decision not to do a full analysis")
        self.not_doing.setToolTip("The reason is shown to the team manager: at least a sentence")
        group = QButtonGroup(self.gate)
        group.addButton(self.do_analysis)
        group.addButton(self.not_doing)
        self.gate_reason = QPlainTextEdit()
        self.gate_reason.setAccessibleName(GATE_FIELD)
        self.gate_reason.setPlaceholderText("Why no full analysis is needed despite these answers (at least a "
                                            "sentence; the team manager reads it)")
        self.gate_reason.setTabChangesFocus(True)
        self.gate_reason.setMaximumHeight(80)
        self.gate_hint = QLabel("")
        self.gate_hint.setWordWrap(True)
        self.gate_hint.setStyleSheet(ERROR_STYLE)
        self.gate_hint.setAccessibleName("Reason check")
        for w in (self.do_analysis, self.not_doing, self.gate_reason, self.gate_hint):
            self.gate.rows.addWidget(w)
        layout.addWidget(self.gate)
        self.do_analysis.toggled.connect(self._gate_changed)
        self.not_doing.toggled.connect(self._gate_changed)
        self.gate_reason.textChanged.connect(self._gate_changed)
        self.no_trigger = help_label("No answer in the offences and behaviours blocks is yes or don't know, so no full "
                                     "analysis is needed: the summary records why.")
        layout.addWidget(self.no_trigger)
        data = assessment_data()
        self.sections: dict[str, TextSection] = {}
        self.analysis_boxes: list[QGroupBox] = []
        for period, plabel in data.analysis_periods.items():
            box = QGroupBox(plabel)
            inner = QVBoxLayout(box)
            for f in data.analysis_fields:
                self._section(inner, f"analysis.{period}.{f.code}", f"{plabel}: {f.label}", f.help, f.required,
                              shown=f.label)
            self.analysis_boxes.append(box)
            layout.addWidget(box)
        layout.addStretch(1)

    def _section(self, layout: QVBoxLayout, key: str, label: str, help_text: str, required: bool,
                 shown: str | None = None) -> TextSection:
        section = TextSection(key, label, help_text, required)
        if shown:
            section.title.setText(f"<b>{shown}</b>" + (" (required)" if required else ""))
        section.edit.textChanged.connect(self._edited)
        section.confirm_requested.connect(self.confirm_section)
        self.sections[key] = section
        layout.addWidget(section)
        return section

    def _build_summary(self) -> None:
        data = assessment_data()
        layout = self._page("Every assessment ends with a summary, a screened-out one too. Who is at risk and the "
                            "nature of the risk are required after a full analysis.")
        self.screened_out = self._section(layout, "summary.no_analysis_reason", data.screened_out_label,
                                          "Say in at least a sentence why the screening needed no full analysis.",
                                          True)
        for f in data.summary_fields:
            self._section(layout, f"summary.{f.code}", f.label, f.help, f.required)
        levels_box = QGroupBox(svc.LEVELS_FIELD)
        levels_box.setAccessibleName(svc.LEVELS_FIELD)
        levels_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QVBoxLayout(levels_box)
        self.custody_note = help_label("")
        inner.addWidget(self.custody_note)
        self.levels = LevelsGrid()
        self.levels.changed.connect(self._levels_changed)
        inner.addWidget(self.levels)
        self.overall = QLabel("")
        self.overall.setAccessibleName("Overall RoSH level")
        self.overall.setWordWrap(True)
        inner.addWidget(self.overall)
        layout.addWidget(levels_box)
        layout.addStretch(1)

    def _build_carried(self) -> None:
        layout = self._page("A review starts from the previous assessment. Confirm each section carried forward "
                            "unchanged, one by one, or rewrite it: the review cannot be completed until every "
                            "carried section is confirmed or rewritten. Text put back as it was counts as carried.")
        self.carried_summary = QLabel("")
        self.carried_summary.setWordWrap(True)
        self.carried_summary.setAccessibleName("Text carried forward")
        layout.addWidget(self.carried_summary)
        self.carried_list = QVBoxLayout()
        layout.addLayout(self.carried_list)
        self.carried_rows: list[_Carried] = []
        layout.addStretch(1)

    def _build_complete(self) -> None:
        layout = self._page("")
        self.complete_intro = QLabel("")
        self.complete_intro.setWordWrap(True)
        layout.addWidget(self.complete_intro)
        self.errors_title = QLabel("<b>Put these right before completing</b> (Enter or double-click goes to the "
                                   "field):")
        layout.addWidget(self.errors_title)
        self.errors = QListWidget()
        self.errors.setAccessibleName("Problems that stop completion")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("QListWidget { color: #a4161a; }")
        self.errors.itemActivated.connect(self._error_chosen)
        layout.addWidget(self.errors, 2)
        self.warnings_title = QLabel("<b>Warnings</b> (they do not stop completion once acknowledged):")
        layout.addWidget(self.warnings_title)
        self.warnings = QListWidget()
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setWordWrap(True)
        self.warnings.itemActivated.connect(self._error_chosen)
        layout.addWidget(self.warnings, 1)
        self.acknowledge = QCheckBox("I have read the warnings: complete an&yway")
        self.acknowledge.setAccessibleName("Complete anyway: warnings acknowledged")
        self.acknowledge.toggled.connect(lambda _on: self._enable_complete())
        layout.addWidget(self.acknowledge)
        self.complete_button = QPushButton("&Complete assessment")
        self.complete_button.setAccessibleName("Complete assessment")
        self.complete_button.setAutoDefault(False)
        self.complete_button.clicked.connect(self.complete)
        row = QHBoxLayout()
        row.addWidget(self.complete_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.complete_error = QLabel("")
        self.complete_error.setObjectName("errorLabel")
        self.complete_error.setWordWrap(True)
        self.complete_error.setAccessibleName("Not completed")
        self.complete_error.hide()
        layout.addWidget(self.complete_error)
        layout.addStretch(1)

    # -- reading ----------------------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ops.query(svc.assessment_view, self.assessment_id, on_ok=self.show_view, on_error=self._read_failed,
                       owner=self, label="read the RoSH assessment")

    def _failed(self, exc: BaseException) -> None:
        """A save (or another change) was not made: what typed stays in the fields, and the form tries again
        unless the service said what to put right."""
        errors = getattr(exc, "errors", None)
        if errors:
            self.saved_label.setText(f"Not saved: {_why(exc, 'written to')}. Your typing is still here: put that "
                                     "right and it saves again.")
        else:
            self.saved_label.setText(f"Not saved: {_why(exc, 'written to')}. Your typing is still here; it will try "
                                     "again in a moment.")
            self.retry.start()
        self.saved_label.setStyleSheet(ERROR_STYLE)

    def _read_failed(self, exc: BaseException) -> None:
        """A read after a save (or the completion check) failed: the fields are as typed, nothing was lost."""
        self.saved_label.setText(f"Could not read the assessment again: {_why(exc, 'read')}. What is on screen is as "
                                 "you typed it; it reads again after the next save.")
        self.saved_label.setStyleSheet(ERROR_STYLE)

    def show_view(self, view: AssessmentView) -> None:
        self.view = view
        kind = "review" if view.kind == "review" else "screening"
        when = format_date(view.completed_on or view.started_on)
        status = "completed" if view.status == "complete" else "draft started"
        title = f"RoSH {kind}, {status} {when}" + (", by the report writer" if view.by_report_writer else "") \
            + (" (read only)" if self.read_only else "")
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.context.setText(title)
        if not self.loaded:
            self._fill(view)
            self.loaded = True
            self._shown = self.current_fields()  # the base each later save is checked against
        self._show_carried(view)
        self._update_gate()
        if self.steps.currentRow() == COMPLETE and not self.read_only and not self._pending:
            self._query_check()  # not refresh_check: that saves, and each save reads the view again

    def _fill(self, view: AssessmentView) -> None:
        """Put the stored draft into the fields, once (later reads must not overwrite what is being typed)."""
        self._filling = True
        try:
            for (qid, period), choice in self.answers.items():
                choice.set_value(view.answers.get(qid, {}).get(period))
            for code, box in self.sources.items():
                box.setChecked(code in view.sources_checked)
            for code, reason in self.source_reasons.items():
                reason.setText(view.source_reasons.get(code, ""))
                reason.setEnabled(not self.sources[code].isChecked() and not self.read_only)
            self.sources_note.setPlainText(view.sources_note)
            texts = {s.key: s.text for s in view.sections}
            for key, section in self.sections.items():
                section.edit.setPlainText(texts.get(key, ""))
            self.report_writer.setChecked(view.by_report_writer)
            self.report_writer.setVisible(view.kind == "screening")
            self.not_doing.setChecked(view.full_analysis == "not_doing")
            self.do_analysis.setChecked(view.full_analysis != "not_doing")
            self.gate_reason.setPlainText(view.gate_reason or "")
            self.levels.set_values("community", view.community)
            self.levels.set_values("custody", view.custody)
            where = "is in custody now: the custody levels give" if view.in_custody else \
                "is in the community now: the community levels give"
            self.custody_note.setText(f"The person {where} the overall level. Custody levels are required only "
                                      "while the person is in custody.")
        finally:
            self._filling = False
        if self.read_only:
            for text in self.findChildren(QPlainTextEdit):
                text.setReadOnly(True)
            for line in self.findChildren(QLineEdit):
                line.setReadOnly(True)
            for choice in self.answers.values():
                choice.setEnabled(False)
            fixed: list[QWidget] = [*self.sources.values(), self.do_analysis, self.not_doing, self.report_writer,
                                    *self.levels.boxes.values()]
            for w in fixed:
                w.setEnabled(False)
        self._levels_changed(save=False)

    def _show_carried(self, view: AssessmentView) -> None:
        """The service's word on each section: carried with its age, confirmed, or not carried."""
        by_key = {s.key: s for s in view.sections}
        for key, section in self.sections.items():
            sv = by_key.get(key)
            if sv is not None and sv.carried:
                section.show_carried(sv.carried_label, sv.confirmed_by, format_date(sv.confirmed_on),
                                     not self.read_only)
            else:
                section.show_carried("", None, "", False)
        for old in self.carried_rows:
            old.row.deleteLater()
        self.carried_rows = []
        carried = [s for s in view.sections if s.carried]
        self.steps.item(CARRIED).setHidden(view.kind != "review" and not carried)
        self._show_step()
        if not carried:
            self.carried_summary.setText("No text is carried forward unchanged: every section was written for "
                                         "this assessment." if view.kind == "review" else
                                         "A first screening carries nothing forward.")
        else:
            waiting = [s for s in carried if s.needs_confirmation]
            oldest = format_date(view.oldest_carried)
            self.carried_summary.setText(
                f"{round(view.carried_share * 100)}% of the text is carried forward unchanged; the oldest carried "
                f"text is from {oldest}. {len(waiting)} of {len(carried)} carried sections still to confirm or "
                "rewrite.")
        for sv in carried:
            words = sv.carried_label[0].upper() + sv.carried_label[1:]
            state = f"confirmed by {sv.confirmed_by} on {format_date(sv.confirmed_on)}" if not sv.needs_confirmation \
                else "not yet confirmed"
            label = QLabel(f"<b>{sv.label}</b><br>{words}; {state}.")
            label.setWordWrap(True)
            confirm = QPushButton("Confirm this section")
            confirm.setAccessibleName(f"Confirm this section: {sv.label}")
            confirm.setVisible(sv.needs_confirmation and not self.read_only)
            confirm.clicked.connect(lambda _c=False, k=sv.key: self.confirm_section(k))
            goto = QPushButton("Go to it")
            goto.setAccessibleName(f"Go to {sv.label}, to read or rewrite it")
            goto.clicked.connect(lambda _c=False, k=sv.key: self.go_to_section(k))
            row = QFrame()
            row.setObjectName("carriedRow")
            row.setStyleSheet("QFrame#carriedRow { border-bottom: 1px solid #e1e5ea; }")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 4, 0, 4)
            line.addWidget(label, 1)
            line.addWidget(goto)
            line.addWidget(confirm)
            self.carried_list.addWidget(row)
            self.carried_rows.append(_Carried(sv.key, row, label, confirm, goto))

    # -- editing and autosave --------------------------------------------------------------------------------
    def _report_writer_changed(self, on: bool) -> None:
        if self._filling or self.read_only or not self.loaded:
            return
        self.ops.write(svc.mark_report_writer, self.assessment_id, on, on_ok=lambda _r: self.reload(),
                       on_error=self._failed, owner=self, label="mark the screening as the report writer's")

    def _answers_changed(self) -> None:
        self._update_gate()
        self._edited()

    def _gate_changed(self, *_args: object) -> None:
        self._update_gate()
        self._edited()

    def _levels_changed(self, save: bool = True) -> None:
        lv = overall_level(self.levels.values("community"), self.levels.values("custody"),
                           bool(self.view and self.view.in_custody))
        if lv:
            level = reference().rosh_levels[lv]
            self.overall.setText(f"<b>Overall RoSH level: {level.label}</b> (the highest of the "
                                 f"{'custody' if self.view and self.view.in_custody else 'community'} levels). "
                                 f"{level.definition}")
            self.levels.highlight(lv)
        else:
            self.overall.setText("Overall RoSH level: not yet chosen")
        if save:
            self._edited()

    def current_answers(self) -> dict[str, dict[str, str]]:
        out: dict[str, dict[str, str]] = {}
        for (qid, period), choice in self.answers.items():
            out.setdefault(qid, {})[period] = choice.value()
        return out

    def _update_gate(self) -> None:
        answers = {q: {p: a for p, a in per.items() if a} for q, per in self.current_answers().items()}
        words = trigger_words(answers)
        triggered = bool(words)
        not_doing = triggered and self.not_doing.isChecked()
        if triggered:
            text = ("<b>A full analysis is required</b> because of these answers: " + "; ".join(words) + ".")
            if self.view is not None and self.view.full_analysis == "carried":
                # A review: the previous analysis is here already, to be confirmed or updated, not written again.
                text += (" The previous full analysis was carried forward: confirm that each carried section "
                         "still holds, or update it.")
                todo = "Confirm or update it in the Full analysis step"
            else:
                todo = "Do it in the Full analysis step"
            self.gate_text.setText(text)
            self.screening_note.setText(f"{text} {todo}, or record a reasoned decision not to.")
        else:
            self.screening_note.setText("No answer so far requires a full analysis.")
        self.gate.setVisible(triggered)
        self.no_trigger.setVisible(not triggered)
        self.gate_reason.setEnabled(not_doing and not self.read_only)
        problems = gate_errors(full_analysis_triggers(answers), not_doing, self.gate_reason.toPlainText())
        self.gate_hint.setText("; ".join(str(p) for p in problems))
        self.gate_hint.setVisible(bool(problems))
        for box in self.analysis_boxes:
            box.setVisible(triggered and not not_doing)
        # After a decision not to do one, the gate's reason says why (the service does not ask twice).
        self.screened_out.setVisible(not triggered)
        text = "Full analysis" + ("" if triggered else " (not needed)") + (" (decided not to)" if not_doing else "")
        self.steps.item(ANALYSIS).setText(text)

    def draft(self) -> svc.AssessmentDraft:
        """The whole form as a draft (the service keeps each section's origin; the same text changes nothing)."""
        data = assessment_data()
        analysis: dict[str, dict[str, str]] = {}
        for period in data.analysis_periods:
            for f in data.analysis_fields:
                analysis.setdefault(period, {})[f.code] = self.sections[f"analysis.{period}.{f.code}"].text()
        texts = {f.code: self.sections[f"summary.{f.code}"].text() for f in data.summary_fields}
        triggered = bool(trigger_words({q: {p: a for p, a in per.items() if a}
                                        for q, per in self.current_answers().items()}))
        return svc.AssessmentDraft(
            answers=self.current_answers(),
            sources_checked=[c for c, b in self.sources.items() if b.isChecked()],
            # A checked source's reason is '' (cleared): the service merges the reasons it is sent.
            source_reasons={c: "" if self.sources[c].isChecked() else r.text() for c, r in self.source_reasons.items()},
            sources_note=self.sources_note.toPlainText(),
            not_doing_full_analysis=triggered and self.not_doing.isChecked(),
            gate_reason=self.gate_reason.toPlainText(),
            analysis=analysis,
            summary=svc.SummaryDraft(texts=texts, community=self.levels.values("community"),
                                     custody=self.levels.values("custody"),
                                     no_analysis_reason=self.screened_out.text()))

    # -- saving (autosaved_form.py) ----------------------------------------------------------------------------
    def current_fields(self) -> dict[str, Any]:
        return svc.draft_fields(self.draft())

    def field_label(self, key: str) -> str:
        return svc.field_label(key)

    def _write_draft(self, changed: dict[str, Any], base: dict[str, Any], on_ok: OnOk, on_error: OnError) -> None:
        self.ops.write(svc.save_draft, self.assessment_id, svc.draft_of(changed), None, svc.draft_of(base),
                       on_ok=on_ok, on_error=on_error, owner=self, label="save the RoSH draft")

    def _write_discard(self, on_ok: OnOk, on_error: OnError) -> None:
        self.ops.write(svc.discard_draft, self.assessment_id, on_ok=on_ok, on_error=on_error, owner=self,
                       label="discard the RoSH draft")

    def _place_yours(self, box: QPlainTextEdit) -> None:
        outer = self.layout()
        item = outer.itemAt(1) if outer is not None else None
        right = item.layout() if item is not None else None
        if isinstance(right, QVBoxLayout):  # above the buttons, below the step's page
            right.insertWidget(max(right.count() - 1, 0), box)

    def _after_clash(self) -> None:
        self._update_gate()
        self._levels_changed(save=False)

    def _put(self, key: str, value: object) -> None:
        """Show one stored field (a draft_fields key) in its widget."""
        head, _, rest = key.partition(".")
        text = value if isinstance(value, str) else ""
        if key in self.sections:
            self.sections[key].edit.setPlainText(text)
        elif head == "answer":
            qid, _, period = rest.rpartition(".")
            if (qid, period) in self.answers:
                self.answers[(qid, period)].set_value(text or None)
        elif key == "sources_checked" and isinstance(value, list):
            for code, box in self.sources.items():
                box.setChecked(code in value)
        elif head == "source_reason" and rest in self.source_reasons:
            self.source_reasons[rest].setText(text)
        elif key == "sources_note":
            self.sources_note.setPlainText(text)
        elif key == "gate_reason":
            self.gate_reason.setPlainText(text)
        elif key == "not_doing":
            self.not_doing.setChecked(bool(value))
            self.do_analysis.setChecked(not value)
        elif head in ("community", "custody") and (head, rest) in self.levels.boxes:
            level = self.levels.boxes[(head, rest)]
            level.setCurrentIndex(max(level.findData(text), 0) if text else 0)

    def confirm_section(self, key: str) -> None:
        self.save_now()  # the writer keeps order: the text as it stands is what is confirmed
        self.ops.write(svc.confirm_carried, self.assessment_id, key, on_ok=lambda _r: self.reload(),
                       on_error=self._failed, owner=self, label="confirm a carried section")

    # -- moving about -----------------------------------------------------------------------------------------
    def go(self, row: int) -> None:
        visible = [i for i in range(self.steps.count()) if not self.steps.item(i).isHidden()]
        if not visible:
            return
        current = self.steps.currentRow()
        if row not in visible:  # step over a hidden step, in the direction asked
            ahead = [i for i in visible if (i > current if row > current else i < current)]
            if not ahead:
                return
            row = ahead[0] if row > current else ahead[-1]
        self.steps.setCurrentRow(row)

    def _step_changed(self, row: int) -> None:
        if row != COMPLETE:
            self.save_now()  # leaving a step (the Complete step saves before it checks)
        self.pages.setCurrentIndex(row)
        self._show_step()
        if row == COMPLETE:
            self.refresh_check()

    def _show_step(self) -> None:
        """The heading (step n of m) and Back and Next, for the steps shown now (Carried forward only in a
        review)."""
        row = self.steps.currentRow()
        shown = [i for i in range(self.steps.count()) if not self.steps.item(i).isHidden()]
        self.heading.setText(f"Step {shown.index(row) + 1} of {len(shown)}: {STEPS[row]}" if row in shown else
                             STEPS[row] if row >= 0 else "")
        set_available(self.back_button, bool(shown) and row > shown[0], "this is the first step")
        set_available(self.next_button, bool(shown) and row < shown[-1], "this is the last step")

    def go_to_section(self, key: str) -> None:
        self.go(ANALYSIS if key.startswith("analysis.") else SUMMARY)
        section = self.sections.get(key)
        if section is not None:
            self._reveal(section.edit)

    def _reveal(self, widget: QWidget) -> None:
        area = self.pages.currentWidget()
        if isinstance(area, QScrollArea):
            area.ensureWidgetVisible(widget)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def step_of(self, field: str) -> int:
        """The step that holds a field named in an error or a warning."""
        s = screening()
        if any(field == q.text for q in s.questions) or field == "Screening":
            return SCREENING
        if field.startswith("Sources") or any(field.startswith(src.label) for src in s.sources):
            return SOURCES
        data = assessment_data()
        if field == GATE_FIELD or field == "Full analysis" or any(field.startswith(p) for p in
                                                                  data.analysis_periods.values()):
            return ANALYSIS
        return SUMMARY

    def _error_chosen(self, item: QListWidgetItem) -> None:
        field = str(item.data(Qt.ItemDataRole.UserRole) or "")
        step = item.data(STEP_ROLE)
        self.go(step if isinstance(step, int) else self.step_of(field))
        page = self.pages.currentWidget()
        target = next((w for w in page.findChildren(QWidget)
                       if w.accessibleName() == field and w.isVisibleTo(self)), None) if page else None
        if target is None:  # a question: its first answer
            target = next((c.buttons["yes"] for (qid, _p), c in self.answers.items()
                           if screening().question(qid).text == field), None)
        if target is not None and target.focusPolicy() == Qt.FocusPolicy.NoFocus:  # a box of fields: its first
            target = next((w for w in target.findChildren(QWidget)
                           if w.focusPolicy() != Qt.FocusPolicy.NoFocus and w.isVisibleTo(self)), target)
        if target is not None:
            self._reveal(target)

    # -- completing -------------------------------------------------------------------------------------------
    def refresh_check(self) -> None:
        if self.read_only:
            return
        self._ticket += 1  # a check asked before this one (before the save) is stale when it arrives
        self.check = None
        self._enable_complete()
        self.save_now(then=self._query_check)

    def _query_check(self) -> None:
        ticket = self._ticket
        self.ops.query(svc.completion_check, self.assessment_id, owner=self, label="check the RoSH assessment",
                       on_ok=lambda check: self.show_check(check) if ticket == self._ticket else None,
                       on_error=self._read_failed)

    def show_check(self, check: Check) -> None:
        self.check = check
        self.errors.clear()
        for e in check.errors:
            item = QListWidgetItem(str(e))
            item.setData(Qt.ItemDataRole.UserRole, getattr(e, "field", ""))
            item.setToolTip("Enter or double-click: go to this field")
            self.errors.addItem(item)
        self.warnings.clear()
        for w in check.warnings:  # each names its field and step: the form goes there without reading words
            item = QListWidgetItem(w.message)
            item.setData(Qt.ItemDataRole.UserRole, w.field)
            item.setData(STEP_ROLE, STEP_OF_KEY.get(w.step, SUMMARY))
            item.setToolTip("Enter or double-click: go to it")
            self.warnings.addItem(item)
        self.errors_title.setVisible(bool(check.errors))
        self.errors.setVisible(bool(check.errors))
        self.warnings_title.setVisible(bool(check.warnings))
        self.warnings.setVisible(bool(check.warnings))
        self.acknowledge.setVisible(bool(check.warnings))
        v = self.view
        level = reference().rosh_levels.get(v.overall_level or "") if v else None
        if check.errors:
            self.complete_intro.setText(f"{len(check.errors)} thing{'s' if len(check.errors) != 1 else ''} to put "
                                        "right before this assessment can be completed.")
        else:
            self.complete_intro.setText(
                "Ready to complete." + (f" The case's RoSH level becomes {level.label.lower()} at once "
                                        "(caseload, RoSH register, tier)." if level else ""))
        self._enable_complete()

    def _enable_complete(self) -> None:
        c = self.check
        why = "checking the assessment" if c is None else \
            "put right the problems listed above first" if c.errors else \
            "tick 'complete anyway' once you have read the warnings" if c.warnings and not \
            self.acknowledge.isChecked() else ""
        set_available(self.complete_button, not why, why)

    def complete(self) -> None:
        if not self.complete_button.isEnabled():
            return
        self.save_now()
        set_available(self.complete_button, False, "completing")
        self.ops.write(svc.complete_assessment, self.assessment_id, self.acknowledge.isChecked(),
                       on_ok=self._completed, on_error=self._refused, owner=self, label="complete the RoSH assessment")

    def _completed(self, result: Completion) -> None:
        if not result.completed:  # a warning arrived since the check: show it and ask again
            self.refresh_check()
            return
        self.completed.emit(result)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self.complete_error.setText("Not completed: " + ("; ".join(str(e) for e in errors) if errors else
                                                         f"{_why(exc, 'written to')}; try again"))
        self.complete_error.show()
        self.refresh_check()
