"""The order-or-licence rows shared by New case and New order or licence: type, dates, length, offence, court,
requirements (offered as the court report's requirement editor offers them, by the order's date) and licence
conditions. Everything is checked again by the service (services/case_record.new_sentence and create_case)."""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QFormLayout, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.reference import reference
from lpt_desktop.gui.date_entry import DateEntry
from lpt_desktop.gui.report_fields import CourtPicker, RequirementsField
from lpt_desktop.services.case_record import LICENCE_TYPES, RequirementIn, SentenceIn


class SentenceFields(QObject):
    """Adds its rows to a form; sentence() reads them as a SentenceIn."""

    def __init__(self, form: QFormLayout, parent: QWidget, order_types: tuple[str, ...] | None = None) -> None:
        super().__init__(parent)
        self.form = form
        ref = reference()
        self.order_type = QComboBox()
        self.order_type.setAccessibleName("Order type")
        for o in ref.order_types.values():
            if order_types is None or o.code in order_types:
                self.order_type.addItem(o.label, o.code)
        self.sentence_date = DateEntry("Sentence date", optional=True)
        self.sentence_date.setToolTip("The day the court sentenced (the requirements offered are those of that day)")
        self.start = DateEntry("Start date")
        self.start.setValue(date.today())
        self.length = QSpinBox()
        self.length.setAccessibleName("Length")
        self.length.setRange(0, 120)
        self.length.setSpecialValueText("Not set")
        self.length.setSuffix(" months")
        self.end = DateEntry("End date", optional=True)
        self.end.setToolTip("Filled from the start and the length; change it if the order says otherwise")
        self.offence = QLineEdit()
        self.offence.setAccessibleName("Offence")
        self.court = CourtPicker("Court")
        self.court.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # so the label's Alt+U reaches it (focus proxy)
        self.requirements = RequirementsField(SimpleNamespace(label="Requirements"))
        self.conditions = QPlainTextEdit()
        self.conditions.setAccessibleName("Licence conditions")
        self.conditions.setPlaceholderText("One additional condition a line (the standard conditions apply anyway)")
        self.conditions.setTabChangesFocus(True)
        self.conditions.setFixedHeight(70)
        form.addRow("&Order or licence", self.order_type)
        form.addRow("Sentence &date", self.sentence_date)
        form.addRow("&Start date", self.start)
        form.addRow("Length in &months", self.length)
        form.addRow("&End date", self.end)
        form.addRow("Offe&nce", self.offence)
        form.addRow("Co&urt", self.court)
        form.addRow("Requirements", self.requirements)
        form.addRow("Licence condi&tions", self.conditions)
        self._proposed_end: date | None = None
        self.order_type.currentIndexChanged.connect(self._type_changed)
        self.sentence_date.valueChanged.connect(lambda _v: self._dates_changed())
        self.start.valueChanged.connect(lambda _v: self._dates_changed())
        self.length.valueChanged.connect(lambda _v: self._dates_changed())
        # A requirement row added to a dialog already shown was squeezed into the room the dialog had (seen on
        # screen: the row and Add requirement cut in half): the window grows to hold it, within the screen.
        self.requirements.add_button.clicked.connect(lambda: QTimer.singleShot(0, self._grow))
        self.requirements.undo_button.clicked.connect(lambda: QTimer.singleShot(0, self._grow))
        self._type_changed()
        self._dates_changed()

    def _grow(self) -> None:
        window = self.requirements.window()
        if window is self.requirements or not window.isVisible():
            return
        wanted = window.sizeHint().height()
        screen = window.screen()
        room = screen.availableGeometry().height() - 60 if screen is not None else wanted
        if window.height() < min(wanted, room):
            window.resize(window.width(), min(wanted, room))

    def _type_changed(self) -> None:
        order = reference().order_types.get(self.order_type.currentData() or "")
        self.form.setRowVisible(self.requirements, bool(order and order.has_requirements))
        self.form.setRowVisible(self.conditions, self.order_type.currentData() in LICENCE_TYPES)

    def _dates_changed(self) -> None:
        # Requirements are offered as an order made on its sentence date (or start) could include them.
        self.requirements.set_order_date(self.sentence_date.value() or self.start.value())
        start, months = self.start.value(), self.length.value()
        proposed = add_months(start, months) - timedelta(days=1) if start and months else None
        # The end follows the start and length until the officer types another.
        if self.end.value() in (None, self._proposed_end):
            self.end.setValue(proposed)
        self._proposed_end = proposed

    def sentence(self) -> SentenceIn:
        code = self.order_type.currentData() or ""
        order = reference().order_types.get(code)
        requirements = tuple(RequirementIn(r["type_code"], r["params"]) for r in self.requirements.value()) \
            if order and order.has_requirements else ()
        conditions = tuple(line.strip() for line in self.conditions.toPlainText().splitlines() if line.strip()) \
            if code in LICENCE_TYPES else ()
        return SentenceIn(order_type=code, start_date=self.start.value(), end_date=self.end.value(),
                          sentence_date=self.sentence_date.value(), length_months=self.length.value() or None,
                          offence=self.offence.text(), court=self.court.text(), requirements=requirements,
                          conditions=conditions)
