"""National Standards: the case obligations, 'This week', the calendar and compliance.

The main window calls install(); this module adds the Diary menu, the status-bar count of what is due and the
tabs it opens. One controller (window.standards) keeps them in step with the caseload: filled on unlock,
refreshed after a save or a change of policy, emptied on lock."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QByteArray, QObject, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QPushButton, QWidget

from lpt_desktop.gui import standards_common as common

if TYPE_CHECKING:
    from lpt_desktop.gui.calendar_view import CalendarEntry, CalendarView
    from lpt_desktop.gui.compliance_view import ComplianceView, Person
    from lpt_desktop.gui.main_window import MainWindow
    from lpt_desktop.gui.this_week import ThisWeekView

# Ctrl+1 is the caseload, Ctrl+W closes a tab, Ctrl+E is enforcement due: these are free.
THIS_WEEK_KEYS = "Ctrl+Shift+W"
CALENDAR_KEYS = "Ctrl+Shift+D"
COMPLIANCE_KEYS = "Ctrl+Shift+M"
BOOK_KEYS = "Ctrl+Shift+B"


class StandardsController(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.this_week: ThisWeekView | None = None
        self.calendar: CalendarView | None = None
        self.compliance: ComplianceView | None = None
        self.due_items: list[Any] = []
        self.policy_title = ""
        self.booking_dialog: QDialog | None = None

        self.this_week_action = self._action("This &week", self.show_this_week, THIS_WEEK_KEYS,
                                             "Everything due or overdue across the caseload, by due date")
        self.calendar_action = self._action("&Calendar", self.show_calendar, CALENDAR_KEYS,
                                            "Booked appointments and due windows, by week or month")
        self.book_action = self._action("&Book appointment…", self.book_for_current_case, BOOK_KEYS,
                                        "Book an appointment (once or repeating) for the open case")
        self.compliance_action = self._action("C&ompliance…", self.show_compliance, COMPLIANCE_KEYS,
                                              "Share of obligations met on time, per case and overall (SPM 5, 24)")
        menu = window.menuBar().addMenu("&Diary")
        for a in (self.this_week_action, self.calendar_action, self.book_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.compliance_action)
        window.feature_actions.extend([self.this_week_action, self.calendar_action, self.book_action,
                                       self.compliance_action])

        self.count_button = QPushButton("")
        self.count_button.setFlat(True)
        self.count_button.setAccessibleName("Due this week")
        self.count_button.setToolTip(f"Due or overdue within {self._horizon()} days: open This week "
                                     f"({THIS_WEEK_KEYS})")
        self.count_button.setStyleSheet("QPushButton { border: none; padding: 0 6px; background: transparent; }")
        self.count_button.clicked.connect(self.show_this_week)
        self.count_button.hide()
        window.statusBar().addPermanentWidget(self.count_button)

        self.debounce = QTimer(self)
        self.debounce.setSingleShot(True)
        self.debounce.setInterval(400)
        self.debounce.timeout.connect(self.refresh)
        window.unlocked.connect(self.refresh)
        window.locked.connect(self.clear)
        window.data_changed.connect(self._data_changed)

    @staticmethod
    def _horizon() -> int:
        from lpt_desktop.gui.this_week import HORIZON_DAYS

        return HORIZON_DAYS

    def _action(self, text: str, slot: Any, keys: str, tip: str) -> QAction:
        action = QAction(text, self.window)
        action.setShortcut(QKeySequence(keys))
        action.setStatusTip(tip)
        action.setToolTip(f"{tip} ({keys})")
        action.triggered.connect(slot)
        action.setEnabled(False)
        self.window.addAction(action)
        return action

    # -- keeping in step ---------------------------------------------------------------------------
    def _data_changed(self, _what: str) -> None:
        if self.window.is_unlocked:
            self.debounce.start()

    def refresh(self) -> None:
        """Reload the count and every open standards view from the engine."""
        if not self.window.is_unlocked:
            return
        self.window.run_db(common.load_due, common.today(), self._horizon(), on_ok=self._due_loaded,
                           on_error=self._count_failed)
        if self.calendar is not None:
            self.calendar.refresh()
        for view in self.window.case_views():
            obligations = getattr(view, "obligations", None)
            if obligations is not None:
                obligations.refresh()

    def _due_loaded(self, result: tuple[list[Any], str]) -> None:
        from lpt_desktop.gui.this_week import due_counts

        self.due_items, self.policy_title = result
        due, overdue = due_counts(self.due_items)
        self.count_button.setText(f"Due: {due} · Overdue: {overdue}")
        self.count_button.setAccessibleDescription(f"{due} due and {overdue} overdue within {self._horizon()} days")
        self.count_button.show()
        if self.this_week is not None:
            self.this_week.show_items(self.due_items, self.policy_title)

    def _count_failed(self, exc: BaseException) -> None:
        self.count_button.setText("Due: not available")
        self.count_button.show()
        if not isinstance(exc, (ImportError, NotImplementedError)):
            self.window._job_failed(exc)

    def clear(self) -> None:
        """On lock: nothing of the caseload stays on screen (the window has already closed the tabs)."""
        self.debounce.stop()
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
        tabs = self.window.tabs
        index = tabs.indexOf(view)
        if index < 0:
            index = tabs.addTab(view, title)
        tabs.setCurrentIndex(index)

    def _forget(self, name: str) -> Any:
        # Closing a tab deletes its widget: drop the reference with it.
        return lambda *_a: setattr(self, name, None)

    def show_this_week(self) -> None:
        if not self.window.is_unlocked:
            return
        if self.this_week is None:
            from lpt_desktop.gui.this_week import ThisWeekView

            self.this_week = ThisWeekView()
            self.this_week.activated.connect(lambda item: self.window.open_case(item.person_id))
            self.this_week.destroyed.connect(self._forget("this_week"))
            if self.policy_title:
                self.this_week.show_items(self.due_items, self.policy_title)
        self._show_tab(self.this_week, "This week")
        self.this_week.table.setFocus()
        self.window.run_db(common.load_due, common.today(), self._horizon(), on_ok=self._due_loaded)

    def show_calendar(self) -> None:
        if not self.window.is_unlocked:
            return
        if self.calendar is None:
            from lpt_desktop.gui.calendar_view import CalendarView

            self.calendar = CalendarView(self.window.run_db)
            self.calendar.case_requested.connect(self.window.open_case)
            self.calendar.book_requested.connect(self.book_from_calendar)
            self.calendar.destroyed.connect(self._forget("calendar"))
            # The officer's choice of week or month is remembered (layout only, never case data).
            saved = self.window.prefs.state("calendar_mode")
            if saved is not None and bytes(saved.data()) == b"month":
                self.calendar.mode = "month"
                self.calendar.month_button.setChecked(True)
            for button, mode in ((self.calendar.week_button, b"week"), (self.calendar.month_button, b"month")):
                button.clicked.connect(lambda _c=False, m=mode: self.window.prefs.save_state("calendar_mode",
                                                                                              QByteArray(m)))
        self._show_tab(self.calendar, "Calendar")
        self.calendar.refresh()
        self.calendar.grid.setFocus()

    def show_compliance(self) -> None:
        if not self.window.is_unlocked:
            return
        if self.compliance is None:
            from lpt_desktop.gui.compliance_view import ComplianceView

            self.compliance = ComplianceView(self.window.run_db, self.people)
            self.compliance.destroyed.connect(self._forget("compliance"))
            self._show_tab(self.compliance, "Compliance")
            self.compliance.calculate()
        self._show_tab(self.compliance, "Compliance")

    def people(self) -> list[Person]:
        from lpt_desktop.gui.compliance_view import Person

        return [Person(r.person_id, r.crn, r.name, r.rosh, r.rosh_label)
                for r in self.window.caseload_view.model.records]

    # -- booking -----------------------------------------------------------------------------------
    def _people_choices(self) -> list[tuple[str, str]]:
        return [(r.person_id, f"{r.crn}  {r.name}") for r in self.window.caseload_view.model.records]

    def open_booking(self, person_id: str | None = None, starts_at: datetime | None = None,
                     obligation: Any = None) -> QDialog:
        from lpt_desktop.gui.appointment_dialog import AppointmentDialog

        dialog = AppointmentDialog(self.window.run_db, self._people_choices(), starts_at, person_id, obligation,
                                   self.window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.booked.connect(self._booked)
        self.booking_dialog = dialog
        dialog.destroyed.connect(self._forget("booking_dialog"))
        dialog.open()
        return dialog

    def book_for_current_case(self) -> None:
        if not self.window.is_unlocked:
            return
        view = self.window.current_case()
        self.open_booking(view.case.person_id if view is not None else None)

    def book_from_calendar(self, entry: CalendarEntry | None, day: date) -> None:
        from lpt_desktop.gui.appointment_dialog import DEFAULT_TIME

        if entry is not None and entry.kind == "due":
            self.open_booking(entry.person_id, None, entry.obligation)
        else:  # an appointment chosen: the same person, on that day, to change if need be
            self.open_booking(entry.person_id if entry else None, datetime.combine(day, DEFAULT_TIME))

    def _booked(self, ids: list[str]) -> None:
        n = len(ids)
        self.window.statusBar().showMessage(f"{n} appointment{'' if n == 1 else 's'} booked", 5000)
        self.window.data_changed.emit("appointment")


def install(window: MainWindow) -> None:
    """Add this feature's menus and actions to the window (actions needing a caseload go in window.feature_actions)."""
    window.standards = StandardsController(window)  # type: ignore[attr-defined]
