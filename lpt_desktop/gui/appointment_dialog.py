"""Book an appointment, once or repeating (weekly, fortnightly, four-weekly), optionally from a due window.

Overlaps with the officer's diary and the person's other appointments are checked as the officer types and
shown before anything is saved; booking over a clash needs a second, deliberate press ("Book anyway")."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.contacts import contact_codes
from lpt_desktop.domain.dates import format_date, format_datetime
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.gui.date_entry import DateTimeEntry
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.standards_common import today, window_text

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.standards.obligations import Obligation
    from lpt_desktop.store.database import Database

REPEATS: list[tuple[str, str, int]] = [  # (label, service code, days apart)
    ("Does not repeat", "", 0),
    ("Weekly", "weekly", 7),
    ("Fortnightly", "fortnightly", 14),
    ("Four-weekly", "four-weekly", 28),
]
DEFAULT_TIME = time(10, 0)
# The appointment type an obligation is usually met by (the officer can change it).
TYPE_FOR_RULE = {"first_contact": "COAI", "home_visit": "CHVS"}


@dataclass(frozen=True)
class Booking:
    person_id: str
    starts_at: datetime
    type_code: str
    location: str
    repeat: str  # '' or a REPEATS service code
    count: int


def occurrences(first: datetime, repeat: str, count: int) -> list[datetime]:
    """The date-times a booking makes (pure: tested directly)."""
    days = next((d for _label, code, d in REPEATS if code == repeat), 0)
    if not days:
        return [first]
    return [first + timedelta(days=days * i) for i in range(count)]


def describe_overlap(item: Any) -> str:
    """One overlap warning as a sentence, whatever shape the service gives it."""
    if isinstance(item, str):
        return item
    for attr in ("message", "text", "description"):
        value = getattr(item, attr, None)
        if isinstance(value, str) and value:
            return value
    when = getattr(item, "starts_at", None)
    what = getattr(item, "type_label", None) or getattr(item, "type_code", "") or "appointment"
    who = getattr(item, "crn", "") or getattr(item, "name", "")
    if isinstance(when, datetime):
        return f"{what} at {format_datetime(when)}" + (f" with {who}" if who else "")
    return str(item)


def check_overlaps(db: Database, person_id: str, times: Sequence[datetime]) -> list[tuple[datetime, list[str]]]:
    """Each proposed time with its clashes (worker side)."""
    from lpt_desktop.services.appointments import overlaps

    found = []
    for t in times:
        clashes = [describe_overlap(o) for o in overlaps(db, person_id, t)]
        if clashes:
            found.append((t, clashes))
    return found


def book(db: Database, b: Booking) -> list[str]:
    from lpt_desktop.services.appointments import book_appointment, book_series

    location = b.location or None
    if b.repeat:
        return book_series(db, b.person_id, b.starts_at, b.repeat, b.count, b.type_code, location)
    return [book_appointment(db, b.person_id, b.starts_at, b.type_code, location)]


class AppointmentDialog(QDialog):
    """people: (person_id, 'CRN Name') to choose from; or person_id fixed with obligation as the due window."""

    booked = Signal(list, object)  # appointment ids, the first occurrence's start (a datetime)

    def __init__(self, ops: Ops, people: Sequence[tuple[str, str]], starts_at: datetime | None = None,
                 person_id: str | None = None, obligation: Obligation | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.obligation = obligation
        self.setWindowTitle("Book appointment")
        self.setAccessibleName("Book appointment")
        self.person = QComboBox()
        self.person.setAccessibleName("Person")
        for pid, label in people:
            self.person.addItem(label, pid)
        if person_id is not None:
            i = self.person.findData(person_id)
            if i < 0:
                self.person.addItem(person_id, person_id)
                i = self.person.count() - 1
            self.person.setCurrentIndex(i)
            set_available(self.person, obligation is None, "booked for this case's due window")
        self.when = DateTimeEntry("Date and time")
        self.when.setValue(starts_at or self._default_start())
        self.type = QComboBox()
        self.type.setAccessibleName("Appointment type")
        for kind in contact_codes().kinds.values():
            if kind.appointment:
                self.type.addItem(kind.label, kind.code)
        code = TYPE_FOR_RULE.get(obligation.rule if obligation else "", "COAP")
        self.type.setCurrentIndex(max(0, self.type.findData(code)))
        self.location = QLineEdit()
        self.location.setAccessibleName("Location")
        self.location.setPlaceholderText("Office, home address or other place (optional)")
        self.repeat = QComboBox()
        self.repeat.setAccessibleName("Repeat")
        for label, code, _days in REPEATS:
            self.repeat.addItem(label, code)
        self.count = QSpinBox()
        self.count.setAccessibleName("Number of appointments")
        self.count.setRange(2, 52)
        self.count.setValue(6)
        self.count.setSuffix(" appointments")
        set_available(self.count, False, "choose how it repeats first")
        self.window_label = QLabel("")
        self.window_label.setWordWrap(True)
        self.window_label.setAccessibleName("Due window")
        if obligation is not None:
            self.window_label.setText(f"<b>For:</b> {obligation.description}, due {window_text(obligation)}")
        else:
            self.window_label.hide()
        self.warnings = QLabel("")
        self.warnings.setObjectName("errorLabel")
        self.warnings.setWordWrap(True)
        self.warnings.setAccessibleName("Warnings")
        self.warnings.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.book_button: QPushButton = self.buttons.addButton("&Book", QDialogButtonBox.ButtonRole.AcceptRole)
        self.book_button.setDefault(True)
        self.buttons.accepted.connect(self._submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Person", self.person)
        form.addRow("&Date and time", self.when)
        form.addRow("&Type", self.type)
        form.addRow("&Location", self.location)
        form.addRow("&Repeat", self.repeat)
        form.addRow("&How many", self.count)
        layout = QVBoxLayout(self)
        layout.addWidget(self.window_label)
        layout.addLayout(form)
        layout.addWidget(self.warnings)
        layout.addWidget(self.buttons)
        self.resize(460, 0)

        # Overlaps are looked up shortly after the officer stops changing the time, not on every keystroke.
        self.found: list[tuple[datetime, list[str]]] = []
        self.checked_for: tuple | None = None
        self.confirmed_for: tuple | None = None
        self._submit_after_check = False
        self._busy = False
        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(300)
        self.debounce.timeout.connect(self.check)
        self.repeat.currentIndexChanged.connect(lambda _i: set_available(
            self.count, bool(self.repeat.currentData()), "choose how it repeats first"))
        for signal in (self.when.valueChanged, self.repeat.currentIndexChanged, self.count.valueChanged,
                       self.person.currentIndexChanged):
            signal.connect(self._changed)
        self._changed()
        # The location starts where this type last took place for the person (never a booking still to come),
        # else the officer's office for an office type, until the officer types one of their own.
        self.location_typed = False
        self.location.textEdited.connect(self._location_edited)
        self.type.currentIndexChanged.connect(self.fill_default_location)
        self.person.currentIndexChanged.connect(self.fill_default_location)
        self.fill_default_location()

    def _location_edited(self, _text: str) -> None:
        self.location_typed = True

    def fill_default_location(self, *_args: Any) -> None:
        from lpt_desktop.services.contacts import default_location_for

        pid, code = self.person.currentData() or "", self.type.currentData() or ""
        if self.location_typed or not pid or not code:
            return

        shown = self.location.text()

        def fill(location: str) -> None:
            # Only if nothing was typed or set meanwhile and the answer is still for the chosen person and type.
            if (not self.location_typed and self.location.text() == shown
                    and (pid, code) == (self.person.currentData(), self.type.currentData())):
                self.location.setText(location)

        self.ops.query(lambda db: default_location_for(db, pid, code), on_ok=fill, owner=self,
                       label="the default location")

    def _default_start(self) -> datetime:
        # The next working morning, inside the due window when the window allows it.
        day = today() + timedelta(days=1)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        o = self.obligation
        if o is not None:
            if o.due_from and o.due_from > day:
                day = o.due_from
            if day > o.due_by >= today():
                day = o.due_by
        return datetime.combine(day, DEFAULT_TIME)

    # -- reading the form ------------------------------------------------------------------------
    def booking(self) -> Booking:
        # datetime.min while the date is not one yet: nothing is looked up or booked for it (see _submit).
        starts = self.when.value() or datetime.min
        repeat = self.repeat.currentData() or ""
        return Booking(self.person.currentData() or "", starts, self.type.currentData() or "",
                       self.location.text().strip(), repeat, self.count.value() if repeat else 1)

    def _key(self) -> tuple:
        b = self.booking()
        return b.person_id, b.starts_at, b.repeat, b.count

    def window_warning(self) -> str:
        """A booking outside the due window it was made from (a warning, not a block)."""
        o = self.obligation
        if o is None or not self.when.is_valid():
            return ""
        day = self.booking().starts_at.date()
        if day > o.due_by:
            return f"This is after the due date ({format_date(o.due_by)}): it will not meet “{o.description}” " \
                   "on time."
        if o.due_from and day < o.due_from:
            return f"This is before the due window opens ({format_date(o.due_from)})."
        return ""

    # -- overlaps --------------------------------------------------------------------------------
    def _changed(self, *_args: Any) -> None:
        self.checked_for = None
        self._show_warnings()
        self.debounce.start()

    def check(self) -> None:
        b = self.booking()
        if not b.person_id or not self.when.is_valid():
            return
        key = self._key()
        self.ops.query(check_overlaps, b.person_id, occurrences(b.starts_at, b.repeat, b.count),
                       on_ok=lambda found: self._checked(key, found), on_error=self._failed, owner=self,
                       label="check the diary")

    def _checked(self, key: tuple, found: list[tuple[datetime, list[str]]]) -> None:
        if key != self._key():
            return  # the form changed while this was being looked up: a newer check follows
        self.found, self.checked_for = found, key
        self._show_warnings()
        if self._submit_after_check:
            self._submit_after_check = False
            self._submit()

    def _show_warnings(self) -> None:
        lines = []
        if self.window_warning():
            lines.append(self.window_warning())
        if self.checked_for is not None and self.found:
            n = len(self.found)
            lines.append(f"{n} of these appointment times clash with the diary or a closed day:" if n > 1
                         else "This time clashes with the diary or a closed day:")
            for when, clashes in self.found[:6]:
                lines.append(f"• {format_datetime(when)}: " + "; ".join(clashes))
            if n > 6:
                lines.append(f"• and {n - 6} more")
            lines.append("Change the time, or press Book anyway.")
        self.warnings.setText("\n".join(lines))
        clash = self.checked_for is not None and bool(self.found)
        self.book_button.setText("&Book anyway" if clash and self.confirmed_for == self.checked_for else "&Book")

    # -- saving ----------------------------------------------------------------------------------
    def reject(self) -> None:
        if self._busy:
            return  # booking is under way: it finishes and says so, it cannot be half-cancelled
        super().reject()

    def _submit(self) -> None:
        if self._busy:
            return
        b = self.booking()
        if not b.person_id:
            self.warnings.setText("Person: none chosen: choose who the appointment is with.")
            return
        if not self.when.validate():  # the reason shows under the field
            self.when.setFocus()
            return
        if self.checked_for != self._key():
            self._submit_after_check = True  # check first: nothing is booked before its clashes are shown
            self.debounce.stop()
            self.check()
            return
        if self.found and self.confirmed_for != self.checked_for:
            self.confirmed_for = self.checked_for
            self._show_warnings()  # the clashes are on screen; a second press books anyway
            return
        self._busy = True
        set_available(self.book_button, False, "booking: wait for it to finish")
        self.ops.write(book, b, on_ok=self._booked, on_error=self._failed, owner=self, label="a booking")

    def _booked(self, ids: list[str]) -> None:
        self._busy = False
        set_available(self.book_button, True, "")
        self.booked.emit(list(ids), self.booking().starts_at)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self._busy = False
        self._submit_after_check = False
        set_available(self.book_button, True, "")
        if isinstance(exc, ValidationError):
            self.warnings.setText("\n".join(str(e) for e in exc.errors))
        else:
            self.warnings.setText(f"The appointment could not be booked ({exc.__class__.__name__}); nothing was "
                                  "saved.")
