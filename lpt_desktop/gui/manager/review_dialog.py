"""One piece of work from the countersign queue, read-only, beside the manager's actions on it.

The RoSH assessment is shown in the RoSH form itself (gui/assessments/rosh_form.py, opened read-only and held
inside this dialog rather than as a window of its own); a risk management plan is shown as its sections and
actions, a sentence plan as its goals in order with their outcomes and steps, the person's words and agreement,
and its flags. Beside it: the work's signing status and history (who did what, when, with their comment), and
Countersign (asks first; a very high RoSH's first countersignature says a second, senior one is still needed)
and Return to officer… (a comment of at least a sentence: the service's refusal shows under it)."""

from __future__ import annotations

import functools
import html
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.assessments.rosh_form import RoshForm
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, record_table
from lpt_desktop.services import countersign as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.countersign import HistoryItem, QueueItem
    from lpt_desktop.services.rosh_plan import PlanView
    from lpt_desktop.services.sentence_plan import PlanView as SentencePlanView
    from lpt_desktop.store.database import Database

def history_words(h: HistoryItem) -> str:
    """One signing action in words, wrapped in the narrow side pane: who did what, the status after, the
    comment."""
    by = h.author_name or h.author or "not known"
    text = f"{h.action_label} by {by}. Now: {h.status_label.lower()}."
    return text + (f"\n“{h.comment}”" if h.comment else "")


HISTORY_COLUMNS: list[Column[HistoryItem]] = [
    Column("Date", lambda h: format_date(h.on_date), sort=lambda h: h.on_date),
    Column("What happened", history_words, tooltip=lambda h: h.comment or ""),
]


def load_signing(db: Database, kind: str, target_id: str) -> tuple[str, list[HistoryItem]]:
    """On a reader: the work's status code and its history, oldest first."""
    return svc.signing_status(db, kind, target_id), svc.countersign_history(db, kind, target_id)


def plan_html(plan: PlanView) -> str:
    """A risk management plan as read-only text: its dates, then each section's actions."""
    e = html.escape
    parts = [f"<h3>Risk management plan</h3><p>Started {format_date(plan.started_on)}"
             + (f", completed {format_date(plan.completed_on)}" if plan.completed_on else " (draft)")
             + (f" by {e(plan.completed_by)}" if plan.completed_by else "") + "</p>"]
    section = None
    for a in plan.actions:
        if a.section_label != section:
            if section is not None:
                parts.append("</ol>")
            section = a.section_label
            parts.append(f"<h4>{e(section)}</h4><ol>")
        due = f" by {format_date(a.by_when)}" if a.by_when else ""
        done = f" (done {format_date(a.done_on)})" if a.done_on else ""
        parts.append(f"<li><b>{e(a.who or 'Who not said')}</b>: {e(a.what or 'What not said')}{due}{done}</li>")
    if section is not None:
        parts.append("</ol>")
    else:
        parts.append("<p>No actions recorded.</p>")
    if plan.shared:
        shared = ", ".join(e(_agency(s)) for s in plan.shared)
        parts.append(f"<p><b>Shared with:</b> {shared}</p>")
    return "".join(parts)


def sentence_plan_html(plan: SentencePlanView) -> str:
    """A sentence plan as read-only text: its type and dates, the person's words and agreement, each goal in the
    plan's order with what will be different, its target and its steps (who, by when), and the plan's flags."""
    e = html.escape
    done = (f", completed {format_date(plan.completed_on)}" if plan.completed_on else " (draft)") + \
        (f" by {e(plan.completed_by_name)}" if plan.completed_by_name else "")
    parts = [f"<h3>{e(plan.type_label)} sentence plan</h3><p>Started {format_date(plan.started_on)}{done}</p>",
             f"<p><b>In their own words:</b> {e(plan.persons_words) or 'Not recorded'}</p>"]
    if plan.involvement:
        parts.append(f"<p><b>How they took part:</b> {e(plan.involvement)}</p>")
    a = plan.agreement
    parts.append(f"<p><b>Agreement:</b> {e(a.agreement_label)} ({format_date(a.on_date)})"
                 + (f": {e(a.reason)}" if a.reason else "") + "</p>" if a else "<p><b>Agreement:</b> not recorded</p>")
    if plan.sequence_reason:
        parts.append(f"<p><b>Risk of harm work is not first because:</b> {e(plan.sequence_reason)}</p>")
    for g in plan.goals:
        target = f"by {format_date(g.target_date)}" if g.target_date else "no target date (a future goal)"
        parts.append(f"<h4>Goal {g.number}: {e(g.title)}</h4><p>{e(g.area_label)} · {e(g.status_label)} · "
                     f"{target}<br><b>What will be different:</b> {e(g.outcome) or 'Not said'}</p>")
        parts.extend(f"<p>⚠ {e(f.message)}</p>" for f in g.flags)
        under = [i.label for i in g.interventions]
        if under:
            parts.append(f"<p><b>Parts of the order:</b> {e(', '.join(under))}</p>")
        if g.steps:
            parts.append("<ol>" + "".join(
                f"<li><b>{e(st.who_words)}</b>: {e(st.what)}"
                + (f" by {format_date(st.by_when)}" if st.by_when else "") + f" ({e(st.status_label)})</li>"
                for st in g.steps) + "</ol>")
        else:
            parts.append("<p>No steps.</p>")
    if not plan.goals:
        parts.append("<p>No goals recorded.</p>")
    flags = [f.message for f in plan.flags]
    if flags:
        parts.append("<h4>Flags</h4><ul>" + "".join(f"<li>{e(m)}</li>" for m in flags) + "</ul>")
    return "".join(parts)


def _agency(entry: dict[str, Any]) -> str:
    """Who the plan was shared with, in words ("Police: PPU Preston"), as the printed plan says it."""
    from lpt_desktop.assessment import risk_plan

    code, detail = str(entry.get("with") or ""), str(entry.get("detail") or "").strip()
    found = risk_plan.plan_data().agency(code)
    label = found.label if found else code
    return f"{label}: {detail}" if detail else label


class _RoshReadOnly(RoshForm):
    """The RoSH form read-only, as a part of the review dialog rather than a window of its own."""

    def __init__(self, ops: Ops, assessment_id: str, parent: QWidget) -> None:
        super().__init__(ops, assessment_id, parent, read_only=True)
        self.setWindowFlags(Qt.WindowType.Widget)
        self.setWindowModality(Qt.WindowModality.NonModal)
        self.close_button.hide()  # the review dialog's Close closes both

    def reject(self) -> None:
        # Escape inside the form would hide the form alone and leave an empty pane: it closes the review.
        outer = self.window()
        if isinstance(outer, QDialog) and outer is not self:
            outer.reject()


class ReturnDialog(RecordDialog):
    """The manager's comment on work going back to the officer: the service refuses less than a sentence."""

    def __init__(self, ops: Ops, item: QueueItem, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Return to officer", parent, ok_text="Return to officer",
                         intro=f"{item.kind_label} for {item.name} ({item.crn}) goes back to "
                               f"{item.author_name or 'the officer'} to revise. Say what should change: they see "
                               "your comment on the case and in their returned work.")
        self.item = item
        self.comment = QPlainTextEdit()
        self.comment.setAccessibleName("Comment")
        self.comment.setTabChangesFocus(True)
        self.comment.setPlaceholderText("At least a sentence: what is missing or wrong, and what to do about it")
        self.comment.setMinimumSize(460, 110)
        label = QLabel("&Comment:")
        label.setBuddy(self.comment)
        self.form.addRow(label, self.comment)

    def submit(self) -> None:
        self.run(functools.partial(svc.return_work, target_kind=self.item.target_kind,
                                   target_id=self.item.target_id, comment=self.comment.toPlainText()),
                 label="return work to the officer")


def facts_lines(item: QueueItem, status: str) -> list[str]:
    """The side panel's facts, as HTML lines. A RoSH assessment's level is the thing awaiting countersignature
    ("High (awaiting countersignature)": in force meanwhile); for other work (a sentence plan, a risk management
    plan) the level is the case's and it is the work that awaits, so each is said of its own."""
    e = html.escape
    if item.target_kind == cs.ROSH_ASSESSMENT:
        lines = [f"<b>RoSH level:</b> {e(cs.shown_level(item.level_label, status))}",
                 f"<b>Status:</b> {e(cs.status_label(status))}"]
    else:
        lines = ([f"<b>RoSH level of the case:</b> {e(item.level_label)}"] if item.level_label else []) + [
            f"<b>{e(item.kind_label)}:</b> {e(cs.status_label(status))}"]
    lines.append(f"<b>Submitted by:</b> {e(item.author_name or item.author or 'not known')} on "
                 f"{format_date(item.submitted_on)}")
    if item.why:
        lines.append(f"<b>Why it is countersigned:</b> {e(item.why)}")
    return lines


class ReviewDialog(QDialog):
    """acted carries the new status once a countersignature or a return committed."""

    acted = Signal(str)

    def __init__(self, ops: Ops, item: QueueItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.item = item
        self.status = item.status
        self.acted_on = False
        self.return_dialog: ReturnDialog | None = None
        self.confirm: QMessageBox | None = None
        title = f"{item.kind_label} · {item.name}"
        self.setWindowTitle(f"Review: {title}")
        self.setAccessibleName(f"Review {item.kind_label}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.resize(1440, 840)

        self.work: QWidget
        if item.target_kind == cs.ROSH_ASSESSMENT:
            self.work = _RoshReadOnly(ops, item.target_id, self)
        else:
            browser = QTextBrowser()
            browser.setAccessibleName("The plan, read-only")
            browser.setText("Reading the plan…")
            self.work = browser
            if item.target_kind == cs.SENTENCE_PLAN:
                from lpt_desktop.services import sentence_plan

                ops.query(sentence_plan.plan_view, item.target_id,
                          on_ok=lambda p: browser.setHtml(sentence_plan_html(p)),
                          on_error=lambda exc: browser.setText(f"The plan could not be read: {exc}"), owner=self,
                          label="read the sentence plan")
            else:
                from lpt_desktop.services.rosh_plan import plan_view

                ops.query(plan_view, item.target_id, on_ok=lambda p: browser.setHtml(plan_html(p)),
                          on_error=lambda exc: browser.setText(f"The plan could not be read: {exc}"), owner=self,
                          label="read the plan")

        side = QWidget()
        side.setMinimumWidth(400)
        right = QVBoxLayout(side)
        self.heading = QLabel(f"<b>{html.escape(title)}</b> · {html.escape(item.crn)}")
        self.heading.setWordWrap(True)
        self.heading.setStyleSheet("font-size: 12pt;")
        self.facts = QLabel("")
        self.facts.setWordWrap(True)
        self.facts.setTextFormat(Qt.TextFormat.RichText)
        self.facts.setAccessibleName("Level and status")
        self.history_model: RecordTableModel[HistoryItem] = RecordTableModel(HISTORY_COLUMNS, self)
        self.history = record_table(self.history_model, "Signing history", sortable=False,
                                    empty_text="Nothing recorded yet")
        self.history.setWordWrap(True)
        self.countersign_button = QPushButton("&Countersign…")
        self.countersign_button.setToolTip("Countersign this work (asks first)")
        self.countersign_button.clicked.connect(self.ask_countersign)
        self.return_button = QPushButton("&Return to officer…")
        self.return_button.setToolTip("Send it back to the officer with a comment saying what to change")
        self.return_button.clicked.connect(self.ask_return)
        self.close_button = QPushButton("Close")
        self.close_button.setToolTip("Close the review (Escape); nothing is changed")
        self.close_button.clicked.connect(self.reject)
        for b in (self.countersign_button, self.return_button, self.close_button):
            b.setAutoDefault(False)
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("What happened")
        history_title = QLabel("Signing history")
        history_title.setStyleSheet("font-weight: 600;")
        right.addWidget(self.heading)
        right.addWidget(self.facts)
        right.addWidget(history_title)
        right.addWidget(self.history, 1)
        right.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addWidget(self.countersign_button)
        buttons.addWidget(self.return_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        right.addLayout(buttons)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self.work)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        split.setSizes([1010, 420])  # the form at the width it is laid out for, the actions beside it
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._show_facts()
        self._enable()
        self.reload()

    # -- reading -----------------------------------------------------------------------------------
    def reload(self) -> None:
        self.ops.query(load_signing, self.item.target_kind, self.item.target_id, on_ok=self._loaded, owner=self,
                       label="read the signing history")

    def _loaded(self, result: tuple[str, list[HistoryItem]]) -> None:
        self.status, items = result
        self.history_model.set_rows(items)
        self.history.resizeColumnsToContents()
        self.history.resizeRowsToContents()
        self._show_facts()
        self._enable()

    def _show_facts(self) -> None:
        lines = facts_lines(self.item, self.status)
        if self._second_needed():
            lines.append("<b>Very high RoSH:</b> a second, senior countersignature is needed after yours.")
        self.facts.setText("<br>".join(lines))

    def _second_needed(self) -> bool:
        return self.item.level == "VH" and self.status == cs.AWAITING

    def _enable(self) -> None:
        waiting = cs.is_awaiting(self.status) and not self.acted_on
        why = f"it is {cs.status_label(self.status).lower()}: there is nothing to countersign or return"
        set_available(self.countersign_button, waiting, why)
        set_available(self.return_button, waiting, why)

    # -- acting ------------------------------------------------------------------------------------
    def ask_countersign(self) -> QMessageBox | None:
        if not cs.is_awaiting(self.status) or self.acted_on:
            return None
        i = self.item
        text = f"Countersign the {i.kind_label.lower()} for {i.name} ({i.crn}), by {i.author_name or 'the officer'}?"
        if self._second_needed():
            text += ("\n\nThe RoSH level is very high: this is the first countersignature, and a second, senior "
                     "countersignature is still needed before it is double countersigned.")
        elif self.status == cs.AWAITING_DOUBLE:
            text += "\n\nThis is the second countersignature of a very high RoSH."
        box = QMessageBox(QMessageBox.Icon.Question, "Countersign", text,
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, self)
        box.button(QMessageBox.StandardButton.Yes).setText("Countersign")
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

        def answered(button: Any) -> None:
            self.confirm = None
            if box.standardButton(button) == QMessageBox.StandardButton.Yes:
                self.countersign_now()

        box.buttonClicked.connect(answered)
        self.confirm = box
        box.open()
        return box

    def countersign_now(self) -> None:
        """Countersign without asking (the confirmation's Yes)."""
        set_available(self.countersign_button, False, "countersigning…")
        self.ops.write(svc.countersign, self.item.target_kind, self.item.target_id, on_ok=self._acted,
                       on_error=self._refused, owner=self, label="countersign")

    def ask_return(self) -> ReturnDialog | None:
        if not cs.is_awaiting(self.status) or self.acted_on:
            return None
        dialog = ReturnDialog(self.ops, self.item, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._acted)
        self.return_dialog = dialog
        dialog.open()
        return dialog

    def _acted(self, status: str) -> None:
        self.acted_on = True
        self.status = status
        words = {cs.REJECTED: "Returned to the officer with your comment."}.get(
            status, f"Done: {cs.status_label(status).lower()}.")
        self.note.setText(words)
        self._show_facts()
        self._enable()
        self.reload()
        self.acted.emit(status)

    def _refused(self, exc: BaseException) -> None:
        errors = getattr(exc, "errors", None)
        self.note.setText("Not done: " + ("; ".join(str(e) for e in errors) if errors else
                                          f"that did not work ({exc.__class__.__name__}): try again"))
        self._enable()
