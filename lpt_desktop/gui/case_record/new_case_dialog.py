"""Case › New case…: the person and their sentence in one form, one transaction (services create_case).

The CRN is checked as it is typed (a letter and six digits); a CRN already on the caseload is refused by the
service with the existing case named, and the officer is offered that case instead of a second copy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QIcon, QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QLineEdit, QMessageBox, QWidget

from lpt_desktop.domain.reference import genders
from lpt_desktop.domain.validation import CRN_RE
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.case_record.sentence_form import SentenceFields
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.services.case_record import DuplicateCase, NewCase, create_case
from lpt_desktop.services.cases import person_id_for_crn

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops

CRN_HINT = "A capital letter then six digits, e.g. X123456"
CRN_TAKEN = "⚠ Already on the caseload"


class NewCaseDialog(RecordDialog):
    def __init__(self, ops: Ops, open_case: Callable[[str], None], parent: QWidget | None = None) -> None:
        super().__init__(ops, "New case", parent, ok_text="Make case",
                         intro="Someone new on your caseload: who they are and the order or licence they are "
                               "supervised on. Addresses, registers and the rest follow on the case's tab.")
        self.open_case = open_case
        self.question: QMessageBox | None = None
        self.first = QLineEdit()
        self.first.setAccessibleName("First name")
        self.last = QLineEdit()
        self.last.setAccessibleName("Last name")
        self.preferred = QLineEdit()
        self.preferred.setAccessibleName("Preferred name")
        self.dob = DateEntry("Date of birth")
        self.crn = QLineEdit()
        self.crn.setAccessibleName("CRN")
        self.crn.setPlaceholderText("e.g. X123456")
        self.crn.setMaxLength(7)
        # Only what can still become a CRN can be typed; a lower-case letter is made a capital.
        self.crn.setValidator(QRegularExpressionValidator(QRegularExpression(r"[A-Za-z]\d{0,6}"), self.crn))
        self.crn_note = QLabel(CRN_HINT)
        self.crn_note.setAccessibleName("CRN: format")
        self.crn_note.setStyleSheet("color: #6b7480;")
        crn_row = QWidget()
        row = QHBoxLayout(crn_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.crn)
        row.addWidget(self.crn_note, 1)
        crn_row.setFocusProxy(self.crn)
        crn_row.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so the label's Alt+C reaches the box
        self.pnc = QLineEdit()
        self.pnc.setAccessibleName("PNC number")
        self.pnc.setPlaceholderText("e.g. 2011/0123456A (optional)")
        self.gender = QComboBox()
        self.gender.setAccessibleName("Gender")
        # The one list of genders (resources/data/genders.json), meant for the personal details too.
        self.gender.addItems(["", *genders()])
        self.form.addRow("&First name", self.first)
        self.form.addRow("&Last name", self.last)
        self.form.addRow("P&referred name", self.preferred)
        self.form.addRow("Date of &birth", self.dob)
        self.form.addRow("&CRN", crn_row)
        self.form.addRow("&PNC number", self.pnc)
        self.form.addRow("&Gender", self.gender)
        self.sentence = SentenceFields(self.form, self)
        self.crn.textEdited.connect(self._crn_edited)
        self.resize(640, self.sizeHint().height())

    def _crn_edited(self, text: str) -> None:
        if text != text.upper():
            at = self.crn.cursorPosition()
            self.crn.setText(text.upper())
            self.crn.setCursorPosition(at)
        crn = self.crn.text()
        if not CRN_RE.match(crn):
            self._note(CRN_HINT, "#6b7480")
            return
        # The tick means whole and free: a whole CRN is looked up first, and one already taken is marked so.
        self._note("Checking…", "#6b7480")
        self.ops.query(person_id_for_crn, crn, owner=self, label="check the CRN",
                       on_ok=lambda _pid: self._checked(crn, taken=True),
                       on_error=lambda _exc: self._checked(crn, taken=False))

    def _checked(self, crn: str, taken: bool) -> None:
        if self.crn.text() != crn:  # typed on meanwhile: the newer check says
            return
        if taken:
            self._note(CRN_TAKEN, "#8a4b00")
        else:
            self._note("✓", "#1b6e3a")

    def _note(self, text: str, colour: str) -> None:
        self.crn_note.setText(text)
        self.crn_note.setStyleSheet(f"color: {colour};")

    def submit(self) -> None:
        case = NewCase(crn=self.crn.text().strip().upper(), first_name=self.first.text(), last_name=self.last.text(),
                       date_of_birth=self.dob.value(), sentence=self.sentence.sentence(),
                       preferred_name=self.preferred.text(), pnc=self.pnc.text(), gender=self.gender.currentText())
        self.run(lambda db: create_case(db, case), "make a new case")

    def refused(self, exc: BaseException) -> None:
        super().refused(exc)
        if isinstance(exc, DuplicateCase):
            self._note(CRN_TAKEN, "#8a4b00")
            self._offer_existing(exc)

    def _offer_existing(self, exc: DuplicateCase) -> None:
        box = QMessageBox(QMessageBox.Icon.Information, "CRN already on the caseload",
                          f"{exc.crn} is already on this caseload: {exc.existing_name}.\n\nOpen that case instead? "
                          "(A CRN is one person: a second case for it is not made.)",
                          QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, self)
        # Buttons are set before the box shows (gui/main_window.show_message says why).
        for which, words in ((QMessageBox.StandardButton.Yes, "Open that case"),
                             (QMessageBox.StandardButton.No, "Back to the form")):
            button = box.button(which)
            button.setText(words)
            button.setIcon(QIcon())
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(words) + 32)
        box.setDefaultButton(QMessageBox.StandardButton.Yes)
        box.setEscapeButton(box.button(QMessageBox.StandardButton.No))
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setAccessibleName("CRN already on the caseload")
        person_id = exc.existing_person_id

        def answered(result: Any) -> None:
            if result == QMessageBox.StandardButton.Yes:
                self.discard()  # the officer chose the existing case: nothing of this form is wanted
                self.open_case(person_id)
            else:
                self.crn.setFocus()
                self.crn.selectAll()

        box.finished.connect(answered)
        self.question = box
        box.open()
