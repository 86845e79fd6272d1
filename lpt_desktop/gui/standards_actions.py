"""National Standards: the case obligations, 'This week', the calendar and compliance.

install(host) adds the Diary menu, the status-bar count of what is due and the tabs it opens, and returns one
controller (host.feature("standards")) that keeps them in step with the caseload: filled on unlock, refreshed
after a write that may change what is due, emptied on lock."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QByteArray, QObject, Qt, QTimer
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from lpt_desktop.gui import standards_common as common
from lpt_desktop.services.changes import Change
from lpt_desktop.services.rosh import due_state

if TYPE_CHECKING:
    from lpt_desktop.gui.calendar_view import CalendarEntry, CalendarView
    from lpt_desktop.gui.compliance_view import ComplianceView, Person
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.this_week import ThisWeekView

# Ctrl+1 is the caseload, Ctrl+W closes a tab, Ctrl+E is enforcement due: these are free.
THIS_WEEK_KEYS = "Ctrl+Shift+W"
CALENDAR_KEYS = "Ctrl+Shift+D"
COMPLIANCE_KEYS = "Ctrl+Shift+M"
BOOK_KEYS = "Ctrl+Shift+B"


# What a write may change of what is due. A RoSH draft's answers or gate decision add or remove the full
# analysis it owes, announced as ASSESSMENT alone; but the RoSH form autosaves about 0.8 s after each pause in
# typing, so an ASSESSMENT-only change first compares the small state the engine reads of assessments
# (services/rosh.py due_state) and refreshes only when that moved, not on every saved word.
DUE_CHANGES = (Change.CASE | Change.REGISTER | Change.CONTACT | Change.ENFORCEMENT | Change.APPOINTMENT
               | Change.REPORT | Change.STANDARDS | Change.ASSESSMENT)
CHECKED_FIRST = Change.ASSESSMENT


class StandardsController(QObject):
    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.ops = host.ops
        self.this_week: ThisWeekView | None = None
        self.calendar: CalendarView | None = None
        self.compliance: ComplianceView | None = None
        self.due_items: list[Any] = []
        self.policy_title = ""
        self.booking_dialog: QDialog | None = None
        self.assessment_state: Any = None  # due_state as last read (None: not yet, so the next change refreshes)
        self.refreshes = 0  # how many times "what is due" was read again (for the tests)
        self.assessment_checks = 0

        act = host.add_action
        self.this_week_action = act("This &week", self.show_this_week, THIS_WEEK_KEYS,
                                    "Everything due or overdue across the caseload, by due date")
        self.calendar_action = act("&Calendar", self.show_calendar, CALENDAR_KEYS,
                                   "Booked appointments and due windows, by week or month")
        self.book_action = act("&Book appointment…", self.book_for_current_case, BOOK_KEYS,
                               "Book an appointment (once or repeating) for the open case")
        self.compliance_action = act("C&ompliance…", self.show_compliance, COMPLIANCE_KEYS,
                                     "Share of obligations met on time, per case and overall (SPM 5, 24)")
        menu = host.menu("&Diary")
        for a in (self.this_week_action, self.calendar_action, self.book_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.compliance_action)

        self.count_button = QPushButton("")
        self.count_button.setFlat(True)
        self.count_button.setAccessibleName("Due this week")
        self.count_button.setToolTip(f"Cases with something due or overdue within {self._horizon()} days (the "
                                     f"overdue ones are red in the caseload): open This week ({THIS_WEEK_KEYS})")
        self.count_button.setStyleSheet("QPushButton { border: none; padding: 0 6px; background: transparent; }")
        self.count_button.clicked.connect(self.show_this_week)
        self.count_button.hide()
        host.status_bar().addPermanentWidget(self.count_button)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(400)
        self.debounce.timeout.connect(self.refresh)
        host.unlocked.connect(self.refresh)
        host.locked.connect(self.clear)
        host.ops.changed.connect(self._changed)

    @staticmethod
    def _horizon() -> int:
        from lpt_desktop.gui.this_week import HORIZON_DAYS

        return HORIZON_DAYS

    # -- keeping in step ---------------------------------------------------------------------------
    def _changed(self, changes: Change) -> None:
        if not (changes & DUE_CHANGES and self.host.is_unlocked):
            return
        if changes & DUE_CHANGES & ~CHECKED_FIRST:
            self.debounce.start()
        else:
            self.ops.query(due_state, on_ok=self._assessment_state_read, owner=self,
                           label="what the RoSH assessments owe")

    def _assessment_state_read(self, state: Any) -> None:
        self.assessment_checks += 1
        if state != self.assessment_state:
            self.assessment_state = state
            self.debounce.start()

    def refresh(self) -> None:
        """Reload the count and every open standards view from the engine."""
        if not self.host.is_unlocked:
            return
        self.refreshes += 1
        self.ops.query(due_state, on_ok=self._remember_assessment_state, owner=self,
                       label="what the RoSH assessments owe")
        self.ops.query(common.load_due, common.today(), self._horizon(), on_ok=self._due_loaded,
                       on_error=self._count_failed, label="what is due")
        if self.calendar is not None:
            self.calendar.refresh()
        for view in self.host.case_views():
            obligations = getattr(view, "obligations", None)
            if obligations is not None:
                obligations.refresh()

    def _remember_assessment_state(self, state: Any) -> None:
        self.assessment_state = state

    def _due_loaded(self, result: tuple[list[Any], str]) -> None:
        from lpt_desktop.gui.this_week import case_counts

        self.due_items, self.policy_title = result
        due, overdue = case_counts(self.due_items)  # cases, as the caseload's rows (red: overdue)
        self.count_button.setText(f"Cases due: {due} · Overdue: {overdue}")  # cases: the diary counts items
        self.count_button.setAccessibleDescription(f"{due} cases due and {overdue} cases overdue within "
                                                   f"{self._horizon()} days")
        self.count_button.show()
        if self.this_week is not None:
            self.this_week.show_items(self.due_items, self.policy_title)

    def _count_failed(self, exc: BaseException) -> None:
        self.count_button.setText("Cases due: not available")
        self.count_button.show()
        if not isinstance(exc, (ImportError, NotImplementedError)):
            self.host.report_error(exc)

    def clear(self) -> None:
        """On lock: nothing of the caseload stays on screen (the window has already closed the tabs)."""
        self.debounce.stop()
        self.assessment_state = None
        self.due_items = []
        self.policy_title = ""
        self.count_button.setText("")
        self.count_button.hide()
        for view in (self.this_week, self.calendar, self.compliance):
            if view is not None:
                view.clear()
        self.this_week = self.calendar = self.compliance = None
        dialog = self.booking_dialog
        if dialog is not None and shiboken6.isValid(dialog) and dialog.isVisible():
            dialog.done(QDialog.DialogCode.Rejected)  # even mid-booking: it names a person, and the result is dropped
        self.booking_dialog = None

    # -- tabs --------------------------------------------------------------------------------------
    def _show_tab(self, view: QWidget, title: str) -> None:
        self.host.show_tab(view, title)

    def _forget(self, name: str) -> Any:
        # Closing a tab deletes its widget: drop the reference with it.
        return lambda *_a: setattr(self, name, None)

    def show_this_week(self) -> None:
        if not self.host.is_unlocked:
            return
        if self.this_week is None:
            from lpt_desktop.gui.this_week import ThisWeekView

            self.this_week = ThisWeekView()
            self.this_week.activated.connect(lambda item: self.host.open_case(item.person_id))
            self.this_week.destroyed.connect(self._forget("this_week"))
            if self.policy_title:
                self.this_week.show_items(self.due_items, self.policy_title)
        self._show_tab(self.this_week, "This week")
        self.this_week.table.setFocus()
        self.ops.query(common.load_due, common.today(), self._horizon(), on_ok=self._due_loaded, label="what is due")

    def show_calendar(self) -> None:
        if not self.host.is_unlocked:
            return
        if self.calendar is None:
            from lpt_desktop.gui.calendar_view import CalendarView

            self.calendar = CalendarView(self.ops)
            self.calendar.case_requested.connect(self.host.open_case)
            self.calendar.book_requested.connect(self.book_from_calendar)
            self.calendar.destroyed.connect(self._forget("calendar"))
            # The officer's choice of week or month is remembered (layout only, never case data).
            saved = self.host.prefs.state("calendar_mode")
            if saved is not None and bytes(saved.data()) == b"month":
                self.calendar.mode = "month"
                self.calendar.month_button.setChecked(True)
            for button, mode in ((self.calendar.week_button, b"week"), (self.calendar.month_button, b"month")):
                button.clicked.connect(lambda _c=False, m=mode: self.host.prefs.save_state("calendar_mode",
                                                                                              QByteArray(m)))
        self._show_tab(self.calendar, "Calendar")
        self.calendar.refresh()
        self.calendar.grid.setFocus()

    def show_compliance(self) -> None:
        if not self.host.is_unlocked:
            return
        if self.compliance is None:
            from lpt_desktop.gui.compliance_view import ComplianceView

            self.compliance = ComplianceView(self.ops, self.people)
            self.compliance.destroyed.connect(self._forget("compliance"))
            self._show_tab(self.compliance, "Compliance")
            self.compliance.calculate()
        self._show_tab(self.compliance, "Compliance")

    def people(self) -> list[Person]:
        from lpt_desktop.gui.compliance_view import Person

        return [Person(r.person_id, r.crn, r.name, r.rosh, r.rosh_label)
                for r in self.host.caseload_records()]

    # -- booking -----------------------------------------------------------------------------------
    def _people_choices(self) -> list[tuple[str, str]]:
        return [(r.person_id, f"{r.crn}  {r.name}") for r in self.host.caseload_records()]

    def open_booking(self, person_id: str | None = None, starts_at: datetime | None = None,
                     obligation: Any = None) -> QDialog:
        from lpt_desktop.gui.appointment_dialog import AppointmentDialog

        dialog = AppointmentDialog(self.ops, self._people_choices(), starts_at, person_id, obligation,
                                   self.host.widget())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.booked.connect(self._booked)
        self.booking_dialog = dialog
        dialog.destroyed.connect(self._forget("booking_dialog"))
        dialog.open()
        return dialog

    def book_for_current_case(self) -> None:
        if not self.host.is_unlocked:
            return
        view = self.host.current_case()
        self.open_booking(view.case.person_id if view is not None else None)

    def book_from_calendar(self, entry: CalendarEntry | None, day: date) -> None:
        from lpt_desktop.gui.appointment_dialog import DEFAULT_TIME

        if entry is not None and entry.kind == "due":
            self.open_booking(entry.person_id, None, entry.obligation)
        else:  # an appointment chosen: the same person, on that day, to change if need be
            self.open_booking(entry.person_id if entry else None, datetime.combine(day, DEFAULT_TIME))

    def _booked(self, ids: list[str], first: datetime) -> None:
        n = len(ids)
        # The diary moves to the first booking, so what was booked is on screen whichever week it falls in.
        if self.calendar is not None:
            self.calendar.go_to(first.date())
        when = f"{first:%a %d/%m/%Y at %H:%M}"
        self.host.status_bar().showMessage(f"Appointment booked for {when}" if n == 1 else
                                           f"{n} appointments booked, the first on {when}", 8000)


def install(host: Host) -> StandardsController:
    """Add the Diary menu, its actions and the status-bar count; the controller is host.feature("standards")."""
    return StandardsController(host)
