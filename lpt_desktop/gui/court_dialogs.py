"""Court work dialogs: a new report request, a new pre-sentence record, and making a case from one.

Each dialog stays open on bad input and shows the service's field errors; the I/O runs on workers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
)

from lpt_desktop.domain.court import report_types
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import local_justice_areas
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.form_errors import FormErrors
from lpt_desktop.gui.report_fields import CourtPicker

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host



def _date_edit(name: str, value: date) -> DateEntry:
    edit = DateEntry(name)
    edit.setValue(value)
    return edit


def error_text(exc: BaseException) -> str | None:
    """The field errors of a ValidationError as a list for a label, or None for any other failure."""
    errors = getattr(exc, "errors", None)
    if not errors:
        return None
    return "Not saved yet. Put these right:\n• " + "\n• ".join(str(e) for e in errors)


class _ServiceDialog(QDialog):
    """A form whose OK runs a service call on a worker and closes only when it succeeded."""

    def __init__(self, host: Host, title: str) -> None:
        super().__init__(host.widget())
        self.host = host
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.error = QLabel("")
        self.error.setObjectName("errorLabel")
        self.error.setWordWrap(True)
        self.error.setAccessibleName("Problems to put right")
        self.form_errors = FormErrors(self.error)  # a field put right loses its message as it is edited
        self._watching = False
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        self.result_id: str | None = None

    def run(self, fn: Callable[[Any], Any], on_ok: Callable[[Any], None]) -> None:
        self.buttons.setEnabled(False)

        def ok(result: Any) -> None:
            self.buttons.setEnabled(True)
            self.result_id = result
            on_ok(result)
            self.accept()

        def failed(exc: BaseException) -> None:
            self.buttons.setEnabled(True)
            errors = getattr(exc, "errors", None)
            if not errors:
                self.error.setText(f"That did not work ({exc.__class__.__name__}). Nothing has been half-saved.")
                self.error.show()
            else:
                self.form_errors.show(list(errors))

        self.host.ops.write(fn, on_ok=ok, on_error=failed, owner=self, label=self.windowTitle().lower())

    def submit(self) -> None:
        raise NotImplementedError

    def showEvent(self, event: QShowEvent) -> None:
        if not self._watching:  # the subclass has built its fields by now
            self._watching = True
            self.form_errors.watch_children(self)
        super().showEvent(event)


class PreSentenceDialog(_ServiceDialog):
    """Someone the court asked about who is not on the caseload: name, date of birth, PNC, address."""

    def __init__(self, host: Host, on_created: Callable[[str, str], None]) -> None:
        super().__init__(host, "New pre-sentence record")
        self.on_created = on_created
        self.first = QLineEdit()
        self.first.setAccessibleName("First name")
        self.last = QLineEdit()
        self.last.setAccessibleName("Last name")
        self.dob = DateEntry("Date of birth", optional=True)
        self.pnc = QLineEdit()
        self.pnc.setAccessibleName("PNC number")
        self.pnc.setPlaceholderText("e.g. 2011/0123456A (optional)")
        self.address = QPlainTextEdit()
        self.address.setAccessibleName("Address")
        self.address.setTabChangesFocus(True)
        self.address.setFixedHeight(70)
        note = QLabel("For someone not on the caseload. If a community sentence follows, make it a case "
                      "from the court work list: nothing is typed twice.")
        note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&First name", self.first)
        form.addRow("&Last name", self.last)
        form.addRow("&Date of birth", self.dob)
        form.addRow("&PNC", self.pnc)
        form.addRow("&Address", self.address)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(460, self.sizeHint().height())

    def submit(self) -> None:
        from lpt_desktop.services import court as svc
        if not self.dob.validate():  # the reason shows under the field
            self.dob.setFocus()
            return
        dob = self.dob.value()
        first, last = self.first.text(), self.last.text()
        pnc, address = self.pnc.text(), self.address.toPlainText()
        name = f"{first.strip()} {last.strip()}"
        self.run(lambda db: svc.create_pre_sentence(db, first_name=first, last_name=last, date_of_birth=dob,
                                                        pnc=pnc or None, address=address or None),
                 lambda new_id: self.on_created(new_id, name))


class RequestDialog(_ServiceDialog):
    """A court's request for a report, for a case on the caseload or a pre-sentence record."""

    def __init__(self, host: Host, caseload: Sequence[Any], requests: Sequence[Any],
                 on_created: Callable[[str], None], person_id: str | None = None,
                 pre_sentence: tuple[str, str] | None = None) -> None:
        super().__init__(host, "New report request")
        self.on_created = on_created
        self.on_caseload = QRadioButton("A case on the &caseload")
        self.pre_sentence = QRadioButton("Someone &not on the caseload (pre-sentence record)")
        group = QButtonGroup(self)
        group.addButton(self.on_caseload)
        group.addButton(self.pre_sentence)
        self.person = QComboBox()
        self.person.setAccessibleName("Case on the caseload")
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        completer = self.person.completer()
        assert completer is not None  # an editable combo box has one
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        for row in sorted(caseload, key=lambda r: r.name.casefold()):
            self.person.addItem(f"{row.name} · {row.crn}", row.person_id)
        self.person.setCurrentIndex(-1)
        line = self.person.lineEdit()
        assert line is not None  # an editable combo box has one
        line.setPlaceholderText("Type a name or CRN")
        self.record = QComboBox()
        self.record.setAccessibleName("Pre-sentence record")
        seen: set[str] = set()
        for r in requests:
            if r.person_id is None and r.pre_sentence_id and r.pre_sentence_id not in seen:
                seen.add(r.pre_sentence_id)
                self.record.addItem(r.name, r.pre_sentence_id)
        if pre_sentence is not None and pre_sentence[0] not in seen:
            self.record.addItem(pre_sentence[1], pre_sentence[0])
        if pre_sentence is not None:
            self.record.setCurrentIndex(self.record.findData(pre_sentence[0]))
            person_id = None
        self.new_record = QPushButton("New pre-sentence &record…")
        self.new_record.setAccessibleName("New pre-sentence record")
        # The court from the court list (typed, a court not on it is kept and marked); its local justice area
        # comes with it. The last court used is the default: most requests come from the same court.
        self.court = CourtPicker("Court")
        self.lja = QLineEdit()
        self.lja.setAccessibleName("Local justice area")
        areas = sorted(set(local_justice_areas()) | {r.lja for r in requests if r.lja})
        self.lja.setCompleter(QCompleter(areas, self.lja))
        self.court.courtChosen.connect(lambda c: self.lja.setText(c.lja) if c is not None else None)
        last = getattr(getattr(host, "prefs", None), "last_court", "")
        if last:
            self.court.setText(last)
        today = date.today()
        self.hearing = _date_edit("Hearing date", today)
        self.requested = _date_edit("Requested on", today)
        self.type = QComboBox()
        self.type.setAccessibleName("Report type")
        for code, t in report_types().items():
            self.type.addItem(t.label, code)
        self.remanded = QCheckBox("Re&manded in custody")
        self.due = QLabel()
        self.due.setAccessibleName("Due date")

        record_row = QHBoxLayout()
        record_row.addWidget(self.record, 1)
        record_row.addWidget(self.new_record)
        form = QFormLayout()
        form.addRow(self.on_caseload)
        form.addRow("&Person", self.person)
        form.addRow(self.pre_sentence)
        record_label = QLabel("Recor&d")
        record_label.setBuddy(self.record)
        form.addRow(record_label, record_row)
        form.addRow("C&ourt", self.court)
        form.addRow("Local &justice area", self.lja)
        form.addRow("&Hearing date", self.hearing)
        form.addRow("Report &type", self.type)
        form.addRow("", self.remanded)
        form.addRow("Re&quested on", self.requested)
        form.addRow("Due", self.due)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)

        self.on_caseload.toggled.connect(self._who_changed)
        self.new_record.clicked.connect(self._new_record)
        for signal in (self.hearing.valueChanged, self.requested.valueChanged, self.type.currentIndexChanged,
                       self.remanded.toggled):
            signal.connect(self._update_due)
        if person_id is not None:
            self.person.setCurrentIndex(self.person.findData(person_id))
        on_caseload = pre_sentence is None and bool(caseload)
        (self.on_caseload if on_caseload else self.pre_sentence).setChecked(True)
        self._who_changed()
        self._update_due()
        self.resize(560, self.sizeHint().height())
        # Start where the typing starts: the person, or the court once the person is known.
        (self.person if on_caseload and self.person.currentIndex() < 0 else self.court).setFocus()

    def _who_changed(self) -> None:
        known = self.on_caseload.isChecked()
        set_available(self.person, known, "choose “On the caseload” above")
        set_available(self.record, not known, "choose “Pre-sentence record” above")
        set_available(self.new_record, not known, "choose “Pre-sentence record” above")

    def _new_record(self) -> None:
        def created(new_id: str, name: str) -> None:
            self.record.addItem(name, new_id)
            self.record.setCurrentIndex(self.record.count() - 1)
            self.pre_sentence.setChecked(True)
            self.court.setFocus()

        dialog = PreSentenceDialog(self.host, created)
        dialog.setParent(self, dialog.windowFlags())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.pre_sentence_dialog = dialog
        dialog.open()

    def _update_due(self) -> None:
        from lpt_desktop.services import court as svc
        requested, hearing = self.requested.value(), self.hearing.value()
        if requested is None or hearing is None:
            self.due.setText("")
            return
        try:
            due = svc.due_date_for(self.type.currentData(), requested, self.remanded.isChecked(), hearing)
        except Exception:  # the preview is a help, never a blocker: the service checks again on save
            self.due.setText("")
            return
        self.due.setText(f"{format_date(due)} (from the national standard; never after the hearing)")

    def chosen(self) -> tuple[str | None, str | None]:
        if self.on_caseload.isChecked():
            pid = self.person.currentData() if self.person.currentIndex() >= 0 else None
            # A typed name that matches exactly one case counts as choosing it.
            if pid is None and self.person.currentText().strip():
                i = self.person.findText(self.person.currentText(), Qt.MatchFlag.MatchContains)
                pid = self.person.itemData(i) if i >= 0 else None
            return pid, None
        return None, self.record.currentData()

    def submit(self) -> None:
        from lpt_desktop.services import court as svc
        person_id, pre_id = self.chosen()
        if person_id is None and pre_id is None:
            self.form_errors.show(["Person: choose a case on the caseload, or choose or make a pre-sentence "
                                   "record."])
            return
        for field in (self.hearing, self.requested):
            if not field.validate():  # the reason shows under the field
                field.setFocus()
                return
        court = self.court.text()
        kwargs = dict(person_id=person_id, pre_sentence_id=pre_id, court=court, lja=self.lja.text(),
                      hearing_date=self.hearing.value(), report_type=self.type.currentData(),
                      remanded=self.remanded.isChecked(), requested_on=self.requested.value())

        def made(request_id: str) -> None:
            prefs = getattr(self.host, "prefs", None)
            if prefs is not None and court.strip():
                prefs.last_court = court.strip()  # the default for the next request
            self.on_created(request_id)

        self.run(lambda db: svc.create_request(db, **kwargs), made)


class PromoteDialog(_ServiceDialog):
    """Make a case from a pre-sentence record after a community sentence: the details carry over."""

    def __init__(self, host: Host, request: Any, on_done: Callable[[str], None]) -> None:
        super().__init__(host, "Make a case")
        self.request = request
        self.on_done = on_done
        text = QLabel(f"Make <b>{request.name}</b> a case on your caseload. Their name, date of birth, PNC, "
                      "address and reports carry over from the pre-sentence record.")
        text.setWordWrap(True)
        self.crn = QLineEdit()
        self.crn.setAccessibleName("CRN")
        self.crn.setPlaceholderText("leave empty to use the next free CRN")
        form = QFormLayout()
        form.addRow("&CRN", self.crn)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Make case")
        self.resize(440, self.sizeHint().height())

    def submit(self) -> None:
        from lpt_desktop.services import court as svc
        crn = self.crn.text().strip() or None
        pre_id = self.request.pre_sentence_id
        self.run(lambda db: svc.promote_to_case(db, pre_id, crn=crn), self.on_done)

