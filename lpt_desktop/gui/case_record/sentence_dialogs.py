"""The sentence events, a small form each: a new order or licence, release on licence (with home detention
curfew), recall and re-release, licence variation, licence end, termination with its outcome, a requirement
starting or ending, and a transfer in or out. Each is one service call (services/case_record.py), refused
whole with every field's problem listed; the dates are the app's one date entry."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QWidget,
)

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.case_record.sentence_form import SentenceFields
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.report_fields import CourtPicker
from lpt_desktop.services import case_record as svc

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.cases import SentenceView


def _today(name: str) -> DateEntry:
    entry = DateEntry(name)
    entry.setValue(date.today())
    return entry


def _line(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _choices(name: str, pairs: list[tuple[str, str]]) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(name)
    for code, label in pairs:
        combo.addItem(label, code)
    return combo


def _radios(parent: QWidget, name: str, pairs: list[tuple[str, str]]) -> tuple[QWidget, QButtonGroup]:
    box = QWidget(parent)
    box.setAccessibleName(name)
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    group = QButtonGroup(box)
    for i, (code, label) in enumerate(pairs):
        button = QRadioButton(label)
        button.setAccessibleName(f"{name}: {label.replace('&', '')}")
        button.setProperty("code", code)
        group.addButton(button, i)
        row.addWidget(button)
    row.addStretch(1)
    group.buttons()[0].setChecked(True)
    return box, group


def _checked(group: QButtonGroup) -> str:
    button = group.checkedButton()
    return str(button.property("code")) if button is not None else ""


def _what(s: SentenceView) -> str:
    return f"<b>{s.order_label}</b> from {format_date(s.start_date)}"


class NewSentenceDialog(RecordDialog):
    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "New order or licence", parent, ok_text="Add",
                         intro="A new order or licence on this case, with its requirements or licence conditions.")
        self.person_id = person_id
        self.sentence = SentenceFields(self.form, self)
        self.resize(640, self.sizeHint().height())

    def submit(self) -> None:
        person, x = self.person_id, self.sentence.sentence()
        self.run(lambda db: svc.new_sentence(db, person, x), "add an order or licence")


class ReleaseDialog(RecordDialog):
    """Released from custody on licence: the licence is a new sentence on the case."""

    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Release on licence", parent, ok_text="Record release",
                         intro="Released from custody on licence after a custodial sentence: the sentence date, "
                               "offence and court are the custodial sentence's. The licence becomes a new sentence "
                               "on the case; an order already on it carries on until it is terminated.")
        self.person_id = person_id
        self.released = _today("Release date")
        self.sentence_date = DateEntry("Sentence date")
        self.sentence_date.setToolTip("The day the custodial sentence was passed")
        self.end = DateEntry("Licence end", optional=True)
        self.offence = _line("Offence")
        self.court = CourtPicker("Court")
        self.hdc = QCheckBox("On &home detention curfew")
        self.hdc.setAccessibleName("Home detention curfew")
        self.curfew_end = DateEntry("Curfew end", optional=True)
        self.conditions = QPlainTextEdit()
        self.conditions.setAccessibleName("Licence conditions")
        self.conditions.setPlaceholderText("One additional condition a line (the standard conditions apply anyway)")
        self.conditions.setTabChangesFocus(True)
        self.conditions.setFixedHeight(70)
        self.form.addRow("&Release date", self.released)
        self.form.addRow("&Sentence date", self.sentence_date)
        self.form.addRow("Licence &end", self.end)
        self.form.addRow("Offe&nce", self.offence)
        self.form.addRow("Co&urt", self.court)
        self.form.addRow("", self.hdc)
        self.form.addRow("Curfew en&d", self.curfew_end)
        self.form.addRow("Licence condi&tions", self.conditions)
        self.hdc.toggled.connect(lambda on: self.form.setRowVisible(self.curfew_end, on))
        self.form.setRowVisible(self.curfew_end, False)
        self.resize(600, self.sizeHint().height())

    def submit(self) -> None:
        hdc = self.hdc.isChecked()
        release = svc.ReleaseIn(
            release_date=self.released.value(), sentence_date=self.sentence_date.value(), end_date=self.end.value(),
            offence=self.offence.text(), court=self.court.text(), hdc=hdc,
            hdc_end_date=self.curfew_end.value() if hdc else None,
            conditions=tuple(t.strip() for t in self.conditions.toPlainText().splitlines() if t.strip()))
        person = self.person_id
        self.run(lambda db: svc.release_on_licence(db, person, release), "record a release on licence")


class RecallDialog(RecordDialog):
    def __init__(self, ops: Ops, sentence: SentenceView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Recall", parent, ok_text="Record recall",
                         intro=f"Recall to custody from the {_what(sentence)}.")
        self.sentence = sentence
        self.on = _today("Recall date")
        self.reason = _line("Reason", "e.g. further offence; failed to reside at approved premises")
        types = [(code, label.replace("-term", "-&term") if code == "fixed_term" else
                  label.replace("Standard", "St&andard")) for code, label in case_codes().recall_types.items()]
        self.type_box, self.type = _radios(self, "Recall type", types)
        self.form.addRow("Recall &date", self.on)
        self.form.addRow("&Reason", self.reason)
        self.form.addRow("Recall type", self.type_box)
        self.resize(520, self.sizeHint().height())

    def submit(self) -> None:
        sid, on, reason, kind = self.sentence.id, self.on.value(), self.reason.text(), _checked(self.type)
        self.run(lambda db: svc.recall(db, sid, on, reason, kind), "record a recall")


class ReReleaseDialog(RecordDialog):
    def __init__(self, ops: Ops, sentence: SentenceView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Re-release after recall", parent, ok_text="Record release",
                         intro=f"Released again on the {_what(sentence)} (recalled on "
                               f"{format_date(sentence.recalled_on)}).")
        self.sentence = sentence
        self.on = _today("Release date")
        self.form.addRow("&Release date", self.on)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        sid, on = self.sentence.id, self.on.value()
        self.run(lambda db: svc.release_after_recall(db, sid, on), "record a re-release")


class TerminateDialog(RecordDialog):
    def __init__(self, ops: Ops, sentence: SentenceView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Terminate order", parent, ok_text="Terminate",
                         intro=f"End the {_what(sentence)} with its outcome. It stays in the case's history.")
        self.sentence = sentence
        self.on = _today("Termination date")
        self.outcome = _choices("Outcome", [("", "Choose the outcome")] + [
            (o.code, o.label) for o in case_codes().termination_outcomes.values()])
        self.notes = _line("Notes")
        self.form.addRow("&Termination date", self.on)
        self.form.addRow("&Outcome", self.outcome)
        self.form.addRow("&Notes", self.notes)
        self.resize(480, self.sizeHint().height())

    def submit(self) -> None:
        sid, on, outcome, notes = self.sentence.id, self.on.value(), self.outcome.currentData() or "", self.notes.text()
        self.run(lambda db: svc.terminate_sentence(db, sid, on, outcome, notes), "terminate an order")


class LicenceEndedDialog(RecordDialog):
    def __init__(self, ops: Ops, sentence: SentenceView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Licence ended", parent, ok_text="Record end",
                         intro=f"The {_what(sentence)} has ended.")
        self.sentence = sentence
        self.on = DateEntry("End date")
        self.on.setValue(sentence.end_date if sentence.end_date and sentence.end_date <= date.today()
                         else date.today())
        self.form.addRow("&End date", self.on)
        self.resize(440, self.sizeHint().height())

    def submit(self) -> None:
        sid, on = self.sentence.id, self.on.value()
        self.run(lambda db: svc.end_licence(db, sid, on), "record a licence end")


class VaryLicenceDialog(RecordDialog):
    """One variation a form: a condition added, changed (new wording) or removed, from a date."""

    def __init__(self, ops: Ops, sentence: SentenceView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Vary licence", parent, ok_text="Record variation",
                         intro=f"A variation of the {_what(sentence)}: the old wording stays in the history.")
        self.sentence = sentence
        self.on = _today("Variation date")
        self.kind_box, self.kind = _radios(self, "Variation", [("add", "&Add a condition"),
                                                               ("change", "&Change a condition"),
                                                               ("remove", "&Remove a condition")])
        self.condition = _choices("Condition", [(cid, text if len(text) < 90 else text[:87] + "…")
                                                for cid, text in sentence.current_conditions])
        self.text = QPlainTextEdit()
        self.text.setAccessibleName("Wording")
        self.text.setTabChangesFocus(True)
        self.text.setFixedHeight(70)
        self.form.addRow("Variation &date", self.on)
        self.form.addRow("", self.kind_box)
        self.form.addRow("C&ondition", self.condition)
        self.form.addRow("&Wording", self.text)
        self.kind.idToggled.connect(lambda _i, _on: self._kind_changed())
        self.condition.currentIndexChanged.connect(lambda _i: self._kind_changed())
        for button in self.kind.buttons()[1:]:
            if not sentence.current_conditions:
                button.setEnabled(False)
                button.setToolTip("Not available: the licence has no additional conditions in force")
        self._kind_changed()
        self.resize(600, self.sizeHint().height())

    def _kind_changed(self) -> None:
        kind = _checked(self.kind)
        self.form.setRowVisible(self.condition, kind != "add")
        self.form.setRowVisible(self.text, kind != "remove")
        if kind == "change":
            current = dict(self.sentence.current_conditions).get(self.condition.currentData() or "", "")
            self.text.setPlainText(current)

    def submit(self) -> None:
        sid, on, kind = self.sentence.id, self.on.value(), _checked(self.kind)
        cid, text = self.condition.currentData() or "", self.text.toPlainText()
        add = (text,) if kind == "add" else ()
        change = {cid: text} if kind == "change" and cid else {}
        remove = (cid,) if kind == "remove" and cid else ()
        self.run(lambda db: svc.vary_licence(db, sid, on, add=add, change=change, remove=remove),
                 "record a licence variation")


class RequirementDialog(RecordDialog):
    """A requirement of the order starting or ending."""

    def __init__(self, ops: Ops, sentence: SentenceView, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Requirement started or ended", parent, ok_text="Save",
                         intro=f"A requirement of the {_what(sentence)}.")
        self.sentence = sentence
        self.requirement = _choices("Requirement", [
            (r.id, f"{r.label}" + (f" ({r.summary})" if r.summary else "")
             + (f", ended {format_date(r.end_date)}" if r.end_date else "")) for r in sentence.requirements])
        self.kind_box, self.kind = _radios(self, "What happened", [("start", "&Started"), ("end", "&Ended")])
        self.on = _today("Date")
        self.reason = _line("Reason", "e.g. hours completed")
        self.form.addRow("Re&quirement", self.requirement)
        self.form.addRow("", self.kind_box)
        self.form.addRow("&Date", self.on)
        self.form.addRow("&Reason", self.reason)
        self.kind.idToggled.connect(lambda _i, _on: self.form.setRowVisible(self.reason, _checked(self.kind) == "end"))
        self.form.setRowVisible(self.reason, False)
        self.resize(560, self.sizeHint().height())

    def submit(self) -> None:
        rid, on, reason = self.requirement.currentData() or "", self.on.value(), self.reason.text()
        if _checked(self.kind) == "end":
            self.run(lambda db: svc.end_requirement(db, rid, on, reason), "record a requirement's end")
        else:
            self.run(lambda db: svc.start_requirement(db, rid, on), "record a requirement's start")


class TransferDialog(RecordDialog):
    """A transfer in or out, recorded on the case's current order or licence. A transfer out also asks the
    central store's administrator to move the case (a transfer request, sent at the next sync): the form says so."""

    def __init__(self, ops: Ops, person_id: str, parent: QWidget | None = None) -> None:
        super().__init__(ops, "Transfer in or out", parent, ok_text="Record transfer")
        self.person_id = person_id
        self.kind_box, self.kind = _radios(self, "Transfer", [("in", "Transferred &in"), ("out", "Transferring &out")])
        self.on = _today("Transfer date")
        self.where = _line("From", "the area or team")
        self.reason = _line("Reason", "e.g. moved to Cumbria")
        self.note = svc_note = QPlainTextEdit()
        svc_note.setReadOnly(True)
        svc_note.setFixedHeight(54)
        svc_note.setAccessibleName("What happens next")
        svc_note.setPlainText("The transfer is recorded on the case, and a request to move the case goes to the "
                              "central store's administrator when this laptop next syncs. The Sentence page shows "
                              "when they have moved it or why they refused.")
        self.form.addRow("", self.kind_box)
        self.form.addRow("Transfer &date", self.on)
        self.form.addRow("&From or to", self.where)
        self.form.addRow("&Reason or notes", self.reason)
        self.form.addRow("", self.note)
        self.kind.idToggled.connect(lambda _i, _on: self._kind_changed())
        self._kind_changed()
        self.resize(560, self.sizeHint().height())

    def _kind_changed(self) -> None:
        out = _checked(self.kind) == "out"
        self.where.setAccessibleName("To" if out else "From")  # the service's messages name the field so
        self.reason.setAccessibleName("Reason" if out else "Notes")
        self.note.setVisible(out)

    def submit(self) -> None:
        person, on, where, reason = self.person_id, self.on.value(), self.where.text(), self.reason.text()
        if _checked(self.kind) == "out":
            self.run(lambda db: svc.transfer_out(db, person, on, where, reason), "record a transfer out")
        else:
            self.run(lambda db: svc.transfer_in(db, person, on, where, reason or None), "record a transfer in")
