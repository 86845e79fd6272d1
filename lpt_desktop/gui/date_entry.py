"""The one date entry and date-and-time entry used by every form in the window.

A line edit, not a QDateTimeEdit: a QDateTimeEdit types into whichever section the cursor is in, so a date
typed in full landed in the wrong parts (01/12/2026 became 02/12/2026, then 15/01/2026). Here what is typed
is read as a whole by the pure parser (domain/dates.py: day first always), and the field either holds exactly
that date or says, under itself, why it is not one; a form asks error() before it saves. A calendar button
(or Alt+Down / F4) picks a date with the mouse. Entering the field selects what is in it, so typing replaces
it rather than being mixed into it.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import cast

from PySide6.QtCore import QDate, QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCalendarWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import (
    DateTextError,
    format_date,
    format_datetime,
    parse_date_text,
    parse_datetime_text,
)
from lpt_desktop.gui import standards_common
from lpt_desktop.gui.form_errors import fit_height


def _today() -> date:
    return standards_common.today()  # looked up each time: tests pin it


class _CalendarPopup(QFrame):
    picked = Signal(object)  # a date

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.calendar = QCalendarWidget(self)
        self.calendar.setFirstDayOfWeek(Qt.DayOfWeek.Monday)
        self.calendar.setGridVisible(True)
        self.calendar.setAccessibleName("Choose a date")
        self.calendar.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        # Its size hint alone cut the last week off: give the grid room for six weeks.
        hint = self.calendar.sizeHint()
        self.calendar.setMinimumSize(hint.width(), hint.height() + 24)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.calendar)
        self.calendar.activated.connect(self._pick)
        self.calendar.clicked.connect(self._pick)

    def _pick(self, q: QDate) -> None:
        self.hide()
        self.picked.emit(date(q.year(), q.month(), q.day()))


class _DateEntryBase(QWidget):
    """Shared by DateEntry and DateTimeEntry: the typing, the message, the limits and the popup."""

    valueChanged = Signal(object)  # the new value (date, datetime or None) whenever it changes
    textChanged = Signal(str)
    editingFinished = Signal()
    with_time = False

    def __init__(self, name: str, parent: QWidget | None = None, *, optional: bool = False) -> None:
        super().__init__(parent)
        self.name = name
        self.optional = optional
        self._minimum: date | datetime | None = None
        self._maximum: date | datetime | None = None
        self._minimum_why = ""
        self._maximum_why = ""
        self._last: date | datetime | None = None
        self.edit = QLineEdit()
        super().setAccessibleName(name)  # the form's messages find the field by it (gui/form_errors.py)
        self.edit.setAccessibleName(name)
        self.edit.setPlaceholderText(self.format_hint())
        self.edit.setToolTip(self._hint_tooltip())
        self.edit.setMinimumWidth(150 if self.with_time else 110)
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setAccessibleName(f"Choose the {name.lower()} from a calendar")
        self.button.setToolTip("Choose from a calendar (Alt+Down)")
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # not a stop on the keyboard path
        self.message = QLabel("")
        self.message.setObjectName("fieldError")
        self.message.setWordWrap(True)
        self.message.setAccessibleName(f"{name}: problem")
        self.message.hide()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit, 1)
        row.addWidget(self.button)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(1)
        outer.addLayout(row)
        outer.addWidget(self.message)  # in the layout: a message pushes the rows below down, never over them
        self.setFocusProxy(self.edit)
        # A label's Alt+letter focuses its buddy only if the buddy takes focus; the proxy passes it on (Tab
        # skips a widget with a focus proxy, so this adds no stop).
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.popup: _CalendarPopup | None = None
        self.button.clicked.connect(self.show_calendar)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.editingFinished.connect(self._finished)
        self.edit.installEventFilter(self)

    # -- what the subclasses differ in -------------------------------------------------------------
    def format_hint(self) -> str:
        return "dd/mm/yyyy"

    def _hint_tooltip(self) -> str:
        return "Day first: 01/12/2026, 1/12/26, 01122026; or today (t), tomorrow, +3"

    def _parse(self, text: str) -> date | datetime | None:
        return parse_date_text(text, _today())

    def _format(self, value: date | datetime) -> str:
        return format_date(value)

    # -- the typed API -----------------------------------------------------------------------------
    def text(self) -> str:
        return self.edit.text()

    def setText(self, text: str) -> None:
        self.edit.setText(text)

    def lineEdit(self) -> QLineEdit:
        return self.edit

    def setAccessibleName(self, name: str) -> None:
        super().setAccessibleName(name)
        if hasattr(self, "edit"):
            self.edit.setAccessibleName(name)

    def _value(self) -> date | datetime | None:
        try:
            return self._parse(self.edit.text())
        except DateTextError:
            return None

    def _set(self, value: date | datetime | None) -> None:
        self.edit.setText("" if value is None else self._format(value))
        self._show_message("")

    def set_limits(self, minimum: date | datetime | None = None, maximum: date | datetime | None = None,
                   minimum_why: str = "", maximum_why: str = "") -> None:
        """Limits a value must keep to, each with the reason said when it does not ("the order starts then")."""
        self._minimum, self._maximum = minimum, maximum
        self._minimum_why, self._maximum_why = minimum_why, maximum_why

    def error(self) -> str:
        """Why the field cannot be saved as it is ("" when it can), naming the field and the fix."""
        try:
            value = self._parse(self.edit.text())
        except DateTextError as e:
            return f"{self.name}: {e}"
        if value is None:
            return "" if self.optional else f"{self.name}: none typed: {self._hint_tooltip().lower()}"
        low, high = self._minimum, self._maximum
        if low is not None and _before(value, low):
            why = f" ({self._minimum_why})" if self._minimum_why else ""
            return f"{self.name}: {self._format(value)} is before {self._format(low)}{why}: type a later one"
        if high is not None and _before(high, value):
            why = f" ({self._maximum_why})" if self._maximum_why else ""
            return f"{self.name}: {self._format(value)} is after {self._format(high)}{why}: type an earlier one"
        return ""

    def validate(self) -> bool:
        """Show the field's message under it (or clear it); True when it can be saved."""
        message = self.error()
        self._show_message(message)
        return not message

    def is_valid(self) -> bool:
        return not self.error()

    # -- behaviour ---------------------------------------------------------------------------------
    def _show_message(self, message: str) -> None:
        self.message.setText(message)
        self.message.setVisible(bool(message))
        self.edit.setProperty("invalid", bool(message))
        self.edit.style().unpolish(self.edit)
        self.edit.style().polish(self.edit)
        fit_height(self.window())  # a dialog grows to hold the message rather than squeezing its rows

    def _text_changed(self, text: str) -> None:
        if self.message.isVisible() and not self.error():
            self._show_message("")  # put right: the message goes at once, not at the next save
        value = self._value()
        self.textChanged.emit(text)
        if value != self._last:
            self._last = value
            self.valueChanged.emit(value)

    def _finished(self) -> None:
        if self.popup is not None and self.popup.isVisible():
            return
        value = self._value()
        if value is not None and not self.error():
            canonical = self._format(value)
            if canonical != self.edit.text():
                self.edit.setText(canonical)  # shows what was understood: "1/12/26 2pm" -> 01/12/2026 14:00
        if self.edit.text().strip():
            self.validate()
        self.editingFinished.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.edit:
            if event.type() == QEvent.Type.FocusIn:
                QTimer.singleShot(0, self.edit.selectAll)  # typing replaces the date, never mixes into it
            elif event.type() == QEvent.Type.KeyPress:
                key_event = cast(QKeyEvent, event)
                key, mods = key_event.key(), key_event.modifiers()
                if key == Qt.Key.Key_F4 or (key == Qt.Key.Key_Down and mods & Qt.KeyboardModifier.AltModifier):
                    self.show_calendar()
                    return True
        return super().eventFilter(watched, event)

    def show_calendar(self) -> None:
        if self.popup is None:
            self.popup = _CalendarPopup(self)
            self.popup.picked.connect(self._picked)
        current = self._value()
        day = current.date() if isinstance(current, datetime) else current or _today()
        self.popup.calendar.setSelectedDate(QDate(day.year, day.month, day.day))
        self.popup.adjustSize()
        self.popup.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        self.popup.show()
        self.popup.calendar.setFocus()

    def _picked(self, day: date) -> None:
        self._set_day(day)
        self.edit.setFocus()
        self.validate()

    def _set_day(self, day: date) -> None:
        self._set(day)


def _before(a: date | datetime, b: date | datetime) -> bool:
    if isinstance(a, datetime) != isinstance(b, datetime):
        a = a.date() if isinstance(a, datetime) else a
        b = b.date() if isinstance(b, datetime) else b
    return a < b


class DateEntry(_DateEntryBase):
    """A date typed day first; optional=True lets it be empty (value() None: not known)."""

    def value(self) -> date | None:
        v = self._value()
        return v if isinstance(v, date) and not isinstance(v, datetime) else None

    def setValue(self, value: date | None) -> None:
        self._set(value)


class DateTimeEntry(_DateEntryBase):
    """A date then a time ("01/12/2026 14:00", "1/12/26 2pm"); picking a day in the calendar keeps the time."""

    with_time = True

    def format_hint(self) -> str:
        return "dd/mm/yyyy hh:mm"

    def _hint_tooltip(self) -> str:
        return "Day first, then the time: 01/12/2026 14:00, 1/12/26 2pm, 011220261400; or t 10:00, +3 9am"

    def _parse(self, text: str) -> date | datetime | None:
        return parse_datetime_text(text, _today())

    def _format(self, value: date | datetime) -> str:
        return format_datetime(value) if isinstance(value, datetime) else format_date(value)

    def value(self) -> datetime | None:
        v = self._value()
        return v if isinstance(v, datetime) else None

    def setValue(self, value: datetime | None) -> None:
        self._set(value.replace(second=0, microsecond=0) if value is not None else None)

    def _set_day(self, day: date) -> None:
        current = self.value()
        self._set(datetime.combine(day, current.time() if current else time(10, 0)))
