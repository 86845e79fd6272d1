"""A case's contact log: filters, the table, and a side panel with the contact or the entry form."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.contacts import NO_OUTCOME, ContactInput, contact_codes
from lpt_desktop.domain.dates import format_date, format_datetime
from lpt_desktop.domain.enforcement import allowed_actions, policy
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.gui.contact_entry import ContactEntry
from lpt_desktop.gui.contact_models import ENFORCEMENT_FILTERS, ContactFilterProxy, ContactTableModel
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import empty_state, record_table

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.contacts import ContactView, UpwSummary
    from lpt_desktop.store.database import Database



class DecisionDialog(QDialog):
    """Record an enforcement decision on a failure already saved."""

    def __init__(self, contact: ContactView, order_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Enforcement decision")
        self.setAccessibleName("Enforcement decision")
        need = contact.requirement
        actions = policy().actions
        codes = allowed_actions(order_type, need) if need else list(actions)
        self.action = QComboBox()
        self.action.setAccessibleName("Enforcement action")
        for code in codes:
            self.action.addItem(actions[code].label, code)
        self.reason = QLineEdit()
        self.reason.setAccessibleName("Decision reason")
        self.errors = QLabel("")
        self.errors.setObjectName("errorLabel")
        self.errors.setWordWrap(True)
        form = QFormLayout()
        form.addRow(QLabel(f"{contact.outcome_label} on {format_datetime(contact.starts_at)}."
                           + (f" {need.why[0].upper()}{need.why[1:]}." if need else "")))
        form.addRow("&Action", self.action)
        form.addRow("Decision &reason", self.reason)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)


class ContactLogView(QWidget):
    def __init__(self, person_id: str, order_type: str, ops: Ops, parent: QWidget | None = None,
                 crn: str = "") -> None:
        super().__init__(parent)
        # The officer's default contact location (Preferences), for when the case and the office give none.
        self.default_location: Callable[[], str] = lambda: ""
        self.person_id = person_id
        self.crn = crn
        self.order_type = order_type
        self.ops = ops
        self.model = ContactTableModel(self)
        self.proxy = ContactFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.current: ContactView | None = None
        self.decision_dialog: DecisionDialog | None = None
        self._sized = False

        codes = contact_codes()
        # No Alt+letter: Ctrl+N records a contact from anywhere, and Alt+A is the Contacts tab's.
        self.record_button = QPushButton("Record contact")
        self.record_button.setToolTip("Record a contact (Ctrl+N)")
        self.record_button.clicked.connect(lambda: self.start_entry())
        self.type_filter = self._combo("Filter by contact type", [("All types", "")] + [
            (k.label, k.code) for k in codes.kinds.values()])
        self.outcome_filter = self._combo("Filter by outcome", [("All outcomes", ""), ("Failures only", "failure")] + [
            (o.label, o.code) for o in codes.outcomes.values()])
        self.enforcement_filter = self._combo("Filter by enforcement", list(
            (label, key) for key, label in ENFORCEMENT_FILTERS.items()))
        self.roh_filter = QCheckBox("RoH relevant")
        self.roh_filter.setAccessibleName("Only contacts that addressed risk of harm")
        self.text_filter = QLineEdit()
        self.text_filter.setPlaceholderText("Filter notes")
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setAccessibleName("Filter contacts by text")
        self.type_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(type_code=self.type_filter.currentData()))
        self.outcome_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(outcome=self.outcome_filter.currentData()))
        self.enforcement_filter.currentIndexChanged.connect(
            lambda _i: self.proxy.set_filter(enforcement=self.enforcement_filter.currentData()))
        self.roh_filter.toggled.connect(lambda on: self.proxy.set_filter(roh_only=on))
        self.text_filter.textChanged.connect(lambda t: self.proxy.set_filter(text=t))
        bar = QHBoxLayout()
        bar.addWidget(self.record_button)
        for w in (self.type_filter, self.outcome_filter, self.enforcement_filter):
            bar.addWidget(w)
        bar.addWidget(self.roh_filter)
        bar.addWidget(self.text_filter, 1)

        self.upw_label = QLabel("")
        self.upw_label.setWordWrap(True)
        self.upw_label.setAccessibleName("Unpaid work progress")
        self.upw_label.hide()

        self.table = record_table(self.proxy, "Contact log")
        self.table.setWordWrap(False)  # one line per contact; the side panel has the whole note
        self.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # newest first
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.empty = empty_state("No contacts recorded yet. Press Ctrl+N to record the first one.")

        self.detail = QTextBrowser()
        self.detail.setAccessibleName("Contact details")
        self.detail.setOpenLinks(False)
        self.amend_button = QPushButton("A&mend…")
        self.amend_button.setToolTip("Correct this contact: the original is kept and both are shown")
        self.amend_button.clicked.connect(self.start_amendment)
        self.decide_button = QPushButton("Enforcement decis&ion…")
        self.decide_button.clicked.connect(self.open_decision)
        self.letter_button = QPushButton("&Warning letter…")
        self.letter_button.setToolTip("Produce the warning letter as a PDF")
        self.letter_button.clicked.connect(self.export_letter)
        detail_buttons = QHBoxLayout()
        for b in (self.amend_button, self.decide_button, self.letter_button):
            detail_buttons.addWidget(b)
        detail_buttons.addStretch(1)
        detail_page = QWidget()
        detail_layout = QVBoxLayout(detail_page)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.detail, 1)
        detail_layout.addLayout(detail_buttons)

        self.entry = ContactEntry()
        self.entry.set_order_type(order_type)  # recall offered on a licence only
        self.confirm_box: QMessageBox | None = None  # the warnings asked before a save (tests answer it)
        self.entry.save_requested.connect(self._save)
        self.entry.draft_changed.connect(self._save_draft)
        self.entry.cancelled.connect(self._cancel_entry)
        self.side = QStackedWidget()
        self.side.addWidget(detail_page)
        self.side.addWidget(self.entry)
        self.side.setMinimumWidth(380)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        left_layout.addWidget(self.list_stack)
        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([640, 420])
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.upw_label)
        layout.addWidget(self.splitter, 1)
        self._show_detail(None)

    @staticmethod
    def _combo(name: str, items: list[tuple[str, str]]) -> QComboBox:
        box = QComboBox()
        box.setAccessibleName(name)
        for label, data in items:
            box.addItem(label, data)
        return box

    # -- loading -----------------------------------------------------------------------------------
    def refresh(self, select_id: str | None = None) -> None:
        pid = self.person_id

        def load(db: Database) -> tuple[list[ContactView], UpwSummary | None, dict[str, str]]:
            from lpt_desktop.services import contacts as s
            return s.list_contacts(db, pid), s.upw_summary(db, pid), s.note_templates(db)

        self.ops.query(load, on_ok=lambda result: self._loaded(result, select_id), owner=self, label="contacts")

    def _loaded(self, result: tuple[list[ContactView], UpwSummary | None, dict[str, str]],
                select_id: str | None) -> None:
        contacts, upw, templates = result
        self.model.set_rows(contacts)
        self.entry.set_templates(templates)
        self.list_stack.setCurrentWidget(self.table if contacts else self.empty)
        if contacts and not self._sized:
            self.table.resizeColumnsToContents()
            header = self.table.horizontalHeader()
            for col in range(header.count() - 1):  # the notes column takes what is left
                header.resizeSection(col, min(header.sectionSize(col), 160))
            self._sized = True
        self._show_upw(upw)
        if select_id:
            for row in range(self.proxy.rowCount()):
                rec = self.model.record(self.proxy.mapToSource(self.proxy.index(row, 0)).row())
                if rec.id == select_id:
                    self.table.selectRow(row)
                    break

    def _show_upw(self, upw: UpwSummary | None) -> None:
        from lpt_desktop.services.contacts import describe_minutes

        if upw is None:
            self.upw_label.hide()
            return
        pace = "on track to finish" if upw.on_track else "behind pace to finish"
        projected = f" (at this pace: {format_date(upw.projected_finish)})" if upw.projected_finish and \
            upw.remaining_minutes else ""
        skills = "; ".join(f"{format_date(d)}: {s}" for d, s in upw.skills[-3:])
        self.upw_label.setText(
            f"<b>Unpaid work</b>: {upw.ordered_hours} h ordered · {describe_minutes(upw.worked_minutes)} worked · "
            f"{describe_minutes(upw.credited_minutes)} credited · {describe_minutes(upw.remaining_minutes)} to do · "
            f"{pace} by {format_date(upw.must_finish_by)}{projected}"
            + (f"<br><b>Skills</b>: {html.escape(skills)}" if skills else ""))
        self.upw_label.setStyleSheet("" if upw.on_track else "color: #a4161a;")
        self.upw_label.show()

    # -- detail ------------------------------------------------------------------------------------
    def _selection_changed(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            self._show_detail(None)
            return
        rec = self.model.record(self.proxy.mapToSource(rows[0]).row())
        if self.side.currentWidget() is self.entry and self.entry.dirty:
            return  # never swap away an entry in progress
        self._show_detail(rec)

    def _show_detail(self, c: ContactView | None) -> None:
        from lpt_desktop.services import contacts as svc
        self.current = c
        self.side.setCurrentIndex(0)
        for b in (self.amend_button, self.decide_button, self.letter_button):
            set_available(b, False, "select a contact first")
        if c is None:
            self.detail.setHtml("<p style='color:#4a5563'>Select a contact to see it here, or press "
                                "<b>Ctrl+N</b> to record one.</p>")
            return
        set_available(self.amend_button, c.is_current and not c.hidden,
                      "this is an earlier version; amend the current one" if not c.is_current
                      else "this contact is hidden from you")
        set_available(self.decide_button, c.is_current and c.is_failure,
                      "enforcement is decided only on a failure to attend or comply" if c.is_current
                      else "this is an earlier version of the contact")
        decided = ", ".join(e.label for e in c.enforcement)
        set_available(self.letter_button, any(e.action in ("EA02", "EA03") for e in c.enforcement),
                      "a warning letter follows a first or second warning decision, and this contact has none"
                      + (f" (decided: {decided})" if decided else ""))
        self.detail.setHtml(contact_html(c))
        if c.amends_id or c.amended_by_id or c.rmp_action_ids or c.plan_objective_ids or c.plan_step_ids:
            def show_more(more: tuple[list[ContactView] | None, list[str]]) -> None:
                if self.current is c:
                    self.detail.setHtml(contact_html(c, more[0], more[1]))

            pid = self.person_id

            def read(db: Database) -> tuple[list[ContactView] | None, list[str]]:
                history = svc.contact_history(db, c.id) if c.amends_id or c.amended_by_id else None
                return history, delivered_words(db, pid, c.rmp_action_ids) + plan_delivered_words(
                    db, pid, c.plan_objective_ids, c.plan_step_ids)

            self.ops.query(read, on_ok=show_more, owner=self, label="contact history")

    # -- entry -------------------------------------------------------------------------------------
    def start_entry(self, data: ContactInput | None = None, amends_id: str | None = None,
                    title: str = "Record a contact") -> None:
        from lpt_desktop.services import contacts as svc
        if data is not None:
            self._open_entry(data, amends_id, title)
            return
        pid = self.person_id

        def opened(defaults: ContactInput) -> None:
            if not defaults.location and self.default_location():  # nothing from the case or the office
                defaults = dataclasses.replace(defaults, location=self.default_location())
            self._open_entry(defaults, None, title)

        self.ops.query(lambda db: svc.defaults_for(db, pid), on_ok=opened, owner=self, label="contact defaults")

    def _open_entry(self, data: ContactInput, amends_id: str | None, title: str) -> None:
        self.entry.load(data, amends_id, title)
        self.side.setCurrentWidget(self.entry)
        self.entry.outcome.setFocus()

    def start_amendment(self) -> None:
        c = self.current
        if c is None or not c.is_current:
            return
        self.start_entry(c.as_input(), c.id, f"Amend the contact of {format_datetime(c.starts_at)}")

    def _save(self, data: ContactInput, amendment_reason: str, confirmed: bool = False) -> None:
        """One write: the warnings first (an attended contact with no note, the same type twice in a day) and,
        if there are none or the officer has confirmed them, the save, which refuses what is wrong. One job, so
        a lock straight after Save still finds the save queued."""
        pid, amends = self.person_id, self.entry.amends_id

        def save(db: Database) -> str | list[FieldError]:
            from lpt_desktop.services import contacts as s
            if not confirmed:
                warnings = s.warnings_for(db, pid, data, amends)
                if warnings:
                    return warnings
            if amends:
                return s.amend_contact(db, amends, data, amendment_reason)
            return s.record_contact(db, pid, data)

        def done(result: str | list[FieldError]) -> None:
            if isinstance(result, list):
                self._confirm(result, data, amendment_reason)
            else:
                self._saved(result)

        self.entry.save_button.setEnabled(False)
        # Not dirty while the save is queued: a lock meanwhile must not write it back as a draft (the save clears
        # the draft). A failure, or a warning to confirm, marks it dirty again.
        self.entry.mark_saving()
        self.ops.write(save, on_ok=done, on_error=self._save_failed, owner=self, label="a contact")

    def _confirm(self, warnings: list[FieldError], data: ContactInput, amendment_reason: str) -> None:
        """Warned, not refused: Save anyway (the default, Enter) or Go back (Escape) to the form."""
        self.entry.dirty = True
        box = QMessageBox(QMessageBox.Icon.Question, "Save this contact?",
                          "Before saving, check:\n\n" + "\n".join(f"• {w}" for w in warnings), parent=self)
        save = box.addButton("&Save anyway", QMessageBox.ButtonRole.AcceptRole)
        back = box.addButton("&Go back", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(save)
        box.setEscapeButton(back)
        self.confirm_box = box

        def answered(_result: int) -> None:
            self.confirm_box = None
            if box.clickedButton() is save:
                self._save(data, amendment_reason, confirmed=True)
            else:
                self.entry.save_button.setEnabled(True)
                self.entry.notes.setFocus()

        box.finished.connect(answered)
        box.open()

    def _saved(self, contact_id: str) -> None:
        self.entry.save_button.setEnabled(True)
        self.entry.dirty = False
        self.refresh(select_id=contact_id)
        self._show_detail(None)
        cast(QMainWindow, self.window()).statusBar().showMessage("Contact saved", 4000)

    def _save_failed(self, exc: BaseException) -> None:
        self.entry.save_button.setEnabled(True)
        self.entry.dirty = True
        if isinstance(exc, ValidationError):
            self.entry.show_errors([str(e) for e in exc.errors])
        else:
            self.entry.show_errors([f"The contact could not be saved ({exc.__class__.__name__}); nothing was "
                                    "half-saved and your draft is kept."])

    def _save_draft(self, data: ContactInput) -> None:
        from lpt_desktop.services import contacts as svc
        pid, amends = self.person_id, self.entry.amends_id
        # A failed autosave is not worth a message: the next one (3 s on) or the lock's tries again.
        self.ops.write(lambda db: svc.save_draft(db, pid, data, amends),
                       on_ok=lambda _id: self.entry.mark_draft_saved(datetime.now()), on_error=lambda _e: None,
                       owner=self, label="a contact draft")

    def save_draft_now(self) -> bool:
        """On lock: queue the draft as a write (the lock waits for the writer before it closes the database)."""
        from lpt_desktop.services import contacts as svc
        if self.side.currentWidget() is self.entry and self.entry.dirty:
            pid, data, amends = self.person_id, self.entry.value(), self.entry.amends_id
            self.ops.write(lambda db: svc.save_draft(db, pid, data, amends),
                           label=f"the contact being typed on {self.crn or 'a case'}")
            return True
        return False

    def _cancel_entry(self) -> None:
        pid, amends = self.person_id, self.entry.amends_id

        def discard(db: Database) -> None:
            from lpt_desktop.services import contacts as s
            for d in s.drafts(db, pid):
                if d.amends_id == amends:
                    s.discard_draft(db, d.id)

        self.entry.dirty = False
        self.ops.write(discard, owner=self, label="discard a contact draft")
        self._show_detail(self.current)

    # -- letters -----------------------------------------------------------------------------------
    def export_letter(self) -> None:
        """Warn that the PDF leaves the encryption, then ask where to save it."""
        c = self.current
        if c is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "Unprotected file",
                          "The warning letter will be saved as a PDF file that is NOT encrypted: it leaves the "
                          "protection of your caseload. Save it only to an encrypted drive or the secure print "
                          "folder, and delete it once the letter is sent.",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, self)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.export_warning = box
        box.accepted.connect(lambda: self._choose_letter_file(c))
        box.open()

    def _choose_letter_file(self, c: ContactView) -> None:
        from lpt_desktop.services.letters import warning_letter

        def made(result: tuple[str, bytes]) -> None:
            name, pdf = result
            path, _ = QFileDialog.getSaveFileName(self, "Save warning letter", str(Path.home() / name),
                                                  "PDF files (*.pdf)")
            if path:
                self.ops.background(Path(path).write_bytes, pdf, owner=self, label="save the warning letter",
                                    on_ok=lambda _n: cast(QMainWindow, self.window()).statusBar().showMessage(
                                        f"Warning letter saved (unprotected) to {path}", 8000))

        self.ops.query(lambda db: warning_letter(db, c.id), on_ok=made, on_error=self._decision_failed, owner=self,
                       label="warning letter")

    # -- enforcement -------------------------------------------------------------------------------
    def open_decision(self) -> None:
        c = self.current
        if c is None or not c.is_failure:
            return
        dialog = DecisionDialog(c, self.order_type, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.decision_dialog = dialog

        def accepted() -> None:
            from lpt_desktop.services import contacts as svc
            action, reason = dialog.action.currentData(), dialog.reason.text()
            self.ops.write(lambda db: svc.decide_enforcement(db, c.id, action, reason, date.today()),
                           on_ok=lambda _id: self.refresh(select_id=c.id), on_error=self._decision_failed,
                           owner=self, label="an enforcement decision")

        dialog.accepted.connect(accepted)
        dialog.open()

    def _decision_failed(self, exc: BaseException) -> None:
        text = "; ".join(str(e) for e in exc.errors) if isinstance(exc, ValidationError) else str(exc)
        self.detail.append(f"<p style='color:#a4161a'><b>Decision not recorded:</b> {html.escape(text)}</p>")


def delivered_words(db: Database, person_id: str, action_ids: tuple[str, ...]) -> list[str]:
    """Each risk management plan action a contact delivered, in words: 'Supervision action 2: Talk through the
    safety plan' (an action no longer in the plan in force or the draft is named as of an earlier plan)."""
    if not action_ids:
        return []
    from lpt_desktop.services import rosh_plan

    plan = rosh_plan.current_plan(db, person_id)
    known = {a.id: a for a in [*(plan.actions if plan else []), *rosh_plan.open_actions(db, person_id)]}
    return [f"{a.section_label} action {a.number}: {a.what}" if (a := known.get(aid)) else
            "an action of an earlier risk management plan" for aid in action_ids]


def plan_delivered_words(db: Database, person_id: str, goal_ids: tuple[str, ...],
                         step_ids: tuple[str, ...]) -> list[str]:
    """Each sentence plan goal and step a contact delivered, in words: 'goal 1: A settled home', 'goal 1 step 2:
    Register with the housing options team' (from the plan in force or the draft; else of an earlier plan)."""
    if not goal_ids and not step_ids:
        return []
    from lpt_desktop.services import sentence_plan

    goals: dict[str, sentence_plan.GoalView] = {}
    for plan in (sentence_plan.plan_in_force(db, person_id), sentence_plan.current_plan(db, person_id)):
        for g in plan.goals if plan is not None else ():
            goals.setdefault(g.id, g)
    steps = {st.id: (g, n, st) for g in goals.values() for n, st in enumerate(g.steps, start=1)}
    out = [f"goal {goals[gid].number}: {goals[gid].title}" if gid in goals else "a goal of an earlier sentence plan"
           for gid in goal_ids]
    for sid in step_ids:
        found = steps.get(sid)
        out.append(f"goal {found[0].number} step {found[1]}: {found[2].what}" if found else
                   "a step of an earlier sentence plan")
    return out


def contact_html(c: ContactView, history: list[ContactView] | None = None, delivered: list[str] | None = None) -> str:
    codes = contact_codes()
    e = html.escape
    rows = [("When", format_datetime(c.starts_at)), ("Type", c.type_label), ("Outcome", c.outcome_label or
                                                                             NO_OUTCOME)]
    if c.absence_reason_label:
        rows.append(("Absence reason", c.absence_reason_label))
    if c.evidence:
        rows.append(("Evidence", codes.evidence[c.evidence].label if c.evidence in codes.evidence else c.evidence))
    rows += [("Location", c.location), ("Present", c.present)]
    if c.risk_areas:
        rows.append(("Risk of harm addressed", ", ".join(codes.risk_areas[r].label for r in c.risk_areas
                                                        if r in codes.risk_areas)))
    if c.needs:
        rows.append(("Needs worked on", ", ".join(codes.needs[n].label for n in c.needs if n in codes.needs)))
    if c.upw_minutes_worked or c.upw_minutes_credited:
        rows.append(("Unpaid work", f"{c.upw_minutes_worked / 60:g} h worked, {c.upw_minutes_credited / 60:g} h "
                                    "credited"))
    if c.upw_skills:
        rows.append(("Skills developed", c.upw_skills))
    if c.victim_views:
        rows.append(("Victim's views", c.victim_views))
    rows.append(("Recorded", f"{format_datetime(c.recorded_at)}" + (f" by {c.author}" if c.author else "")))
    table = "".join(f"<tr><td style='color:#4a5563;padding-right:10px'>{e(k)}</td><td>{e(v)}</td></tr>"
                    for k, v in rows if v)
    parts = [f"<h3 style='color:#1d4f7a'>{e(c.type_label)}, {e(format_datetime(c.starts_at))}</h3>"]
    flags = [f for f, on in (("Restricted", c.restricted), ("Alert", c.alert), ("Sensitive", c.sensitive),
                              ("Management oversight", c.management_oversight)) if on]
    if flags:
        parts.append("<p><b style='color:#7a1020'>" + e(" · ".join(flags)) + "</b></p>")
    if c.amended_by_id:
        parts.append("<p style='color:#a4161a'><b>This version has been amended.</b> The latest version is in "
                     "the log.</p>")
    parts.append(f"<table>{table}</table>")
    linked = len(c.rmp_action_ids) + len(c.plan_objective_ids) + len(c.plan_step_ids)
    if linked:
        parts.append("<h4>Risk management plan</h4>" if linked == len(c.rmp_action_ids) else "<h4>Plans</h4>")
        parts += [f"<p>Delivered: {e(d)}</p>" for d in delivered or []] if delivered is not None else \
            [f"<p>Delivered {linked} plan item{'s' if linked != 1 else ''} (reading which…)</p>"]
    parts.append("<h4>Notes</h4><p>" + e(c.notes or "No notes.").replace("\n", "<br>") + "</p>")
    if c.is_failure or c.enforcement:
        parts.append("<h4>Enforcement</h4>")
        if c.requirement:
            parts.append(f"<p>{e(c.requirement.why[0].upper() + c.requirement.why[1:])}.</p>")
        for d in c.enforcement:
            reason = f": {e(d.reason)}" if d.reason else ""
            parts.append(f"<p>✔ {e(d.label)} on {format_date(d.decided_on)} by {e(d.author)}{reason}</p>")
        for item in c.open_items:
            parts.append(f"<p style='color:#a4161a'><b>{e(item.what)} due by {format_date(item.due)}</b></p>")
    if history and len(history) > 1:
        parts.append("<h4>Versions</h4>")
        for v in history:
            label = "Latest" if v.amended_by_id is None else "Superseded"
            why = f" — reason: {e(v.amendment_reason)}" if v.amendment_reason else ""
            parts.append(f"<p><b>{label}</b>, recorded {format_datetime(v.recorded_at)} by {e(v.author)}: "
                         f"{e(v.outcome_label or 'no outcome')}; {e((v.notes or '')[:120])}{why}</p>")
    return "".join(parts)
