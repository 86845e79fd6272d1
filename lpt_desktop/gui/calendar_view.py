"""The diary: a week or a month of booked appointments and National Standards due windows.

A grid of days (each cell lists its appointments and what falls due that day) above a list of the chosen
day's entries; from a due window in that list the officer books an appointment (once or repeating)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.words import plural
from lpt_desktop.gui import standards_common as common
from lpt_desktop.gui.table_model import Column, RecordTableModel, empty_state, record_table
from lpt_desktop.standards.calendar import bank_holiday_name

if TYPE_CHECKING:
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.standards.obligations import Obligation
    from lpt_desktop.store.database import Database

LINES_ROLE = Qt.ItemDataRole.UserRole + 10
DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
APPOINTMENT_COLOUR = "#1d4f7a"
SHUT_COLOUR = "#a61b1b"  # a bank holiday or office closure, and what is booked on a day nobody works
SHUT_BACKGROUND = "#fbe9e7"
WEEKEND_BACKGROUND = "#eceff3"
DUE_LINES = 4  # a week cell lists up to this many due items, and counts them when there are more


@dataclass(frozen=True)
class CalendarEntry:
    """One line in the diary: a booked appointment or a due window's last day."""

    day: date
    kind: str  # 'appointment' or 'due'
    time: str  # '10:00' for appointments, '' for due windows
    what: str
    person_id: str
    crn: str
    name: str
    status: str = ""  # an obligation status for due entries
    place: str = ""  # appointment location, or the due window
    obligation: Obligation | None = None

    @property
    def sort_key(self) -> tuple:
        rank = common.status_style(self.status).rank if self.kind == "due" else -1
        return self.day, rank, self.time, self.crn


def _attr(obj: Any, *names: str, default: Any = "") -> Any:
    for n in names:
        value = getattr(obj, n, None)
        if value not in (None, ""):
            return value
    return default


def appointment_entry(a: Any) -> CalendarEntry:
    """A CalendarEntry from the service's AppointmentView (read by attribute, so it can grow)."""
    starts: datetime = a.starts_at
    return CalendarEntry(starts.date(), "appointment", f"{starts:%H:%M}",
                         str(_attr(a, "type_label", "type_code", default="Appointment")),
                         str(_attr(a, "person_id")), str(_attr(a, "crn")), str(_attr(a, "name")),
                         "booked" if getattr(a, "outcome", None) is None else "recorded", str(_attr(a, "location")))


def due_entry(item: Any) -> CalendarEntry:
    o = item.obligation
    return CalendarEntry(o.due_by, "due", "", o.description, item.person_id, item.crn, item.name, o.status,
                         common.window_text(o), o)


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def visible_days(mode: str, anchor: date) -> list[date]:
    """The days a week (7) or month (whole weeks Monday to Sunday covering the month) view shows."""
    if mode == "week":
        first = week_start(anchor)
        return [first + timedelta(days=i) for i in range(7)]
    first = week_start(anchor.replace(day=1))
    last = add_months(anchor.replace(day=1), 1) - timedelta(days=1)
    days: list[date] = []
    d = first
    while d <= last or len(days) % 7:
        days.append(d)
        d += timedelta(days=1)
    return days


def load_calendar(db: Database, start: date, end: date, as_of: date
                  ) -> tuple[list[Any], list[Any], str, dict[date, str]]:
    """Appointments from start to end (inclusive), what falls due up to end, the policy's title and the office
    closures in the period (day: reason) (worker side)."""
    from lpt_desktop.services.appointments import appointments_between, closures
    from lpt_desktop.services.obligations import caseload_due

    appointments = appointments_between(db, start, end + timedelta(days=1))
    horizon = max(0, (end - as_of).days)
    due = [i for i in caseload_due(db, as_of, horizon) if i.obligation.due_by <= end]
    shut = {c.day: c.reason for c in closures(db) if start <= c.day <= end}
    return appointments, due, common.policy_title(db), shut


def day_mark(day: date, closures: dict[date, str]) -> tuple[str, str]:
    """Why nobody works on `day`, as (kind, words): ('closed', 'Office closed: Staff training'),
    ('bank_holiday', 'Bank holiday: Christmas Day'), ('weekend', 'Weekend'), or ('', '') on a working day.
    The same order of reasons as the booking warning (services.appointments.overlaps)."""
    if day in closures:
        return "closed", f"Office closed: {closures[day]}" if closures[day] else "Office closed"
    if day.weekday() >= 5:
        return "weekend", "Weekend"
    name = bank_holiday_name(day)
    if name:
        return "bank_holiday", f"Bank holiday: {name}"
    return "", ""


Line = tuple[str, str, bool]  # colour, text, bold


def _due_counts(entries: Sequence[CalendarEntry]) -> list[Line]:
    lines = []
    for status in ("overdue", "due", "upcoming"):
        n = sum(1 for e in entries if e.kind == "due" and e.status == status)
        if n:
            s = common.status_style(status)
            lines.append((s.colour, f"{s.symbol} {n} {s.label.lower()}", False))
    return lines


def cell_lines(day: date, entries: Sequence[CalendarEntry], limit: int, in_month: bool, is_today: bool,
               mark: tuple[str, str] = ("", "")) -> list[Line]:
    """A day cell, one entry a line (each elided at the cell's edge, so a long rule never pushes the day's
    appointments out of sight; the person's name comes before the type, so the type is what elides). A bank
    holiday or closure is named under the day, and what is booked on a day nobody works is marked ⚠. Week
    (limit > 0): the appointments, then what is due (counted when there is a lot). Month (limit 0): counts
    only; the list under the grid has the detail."""
    kind, words = mark
    head = f"{DAY_NAMES[day.weekday()]} {day.day}" + (f" {day:%b}" if day.day == 1 else "")
    lines: list[Line] = [("#1b1f24" if in_month else "#6b7480", head + (" · today" if is_today else ""), True)]
    if kind in ("closed", "bank_holiday"):  # short enough for a month cell; the tooltip says it in full
        lines.append((SHUT_COLOUR, words.removeprefix("Bank holiday: ").replace("Office closed", "Closed"), True))
    booked = [e for e in entries if e.kind == "appointment"]
    due = [e for e in entries if e.kind == "due"]
    warn = "⚠ " if kind and booked else ""
    colour = SHUT_COLOUR if warn else APPOINTMENT_COLOUR
    if limit == 0:
        lines += _due_counts(due)
        if booked:
            lines.append((colour, f"{warn}{len(booked)} booked", bool(warn)))
        return lines
    lines += [(colour, f"{warn}{e.time} {e.name} · {e.what}", False) for e in booked[:limit]]
    if len(booked) > limit:
        lines.append((colour, f"+ {len(booked) - limit} more booked", False))
    if len(due) <= DUE_LINES:
        for e in due:
            st = common.status_style(e.status)
            lines.append((st.colour, f"{st.symbol} {e.name} · {e.what}", False))
    else:
        lines += _due_counts(due)
    return lines


def entry_text(e: CalendarEntry) -> str:
    """An entry in full, for a cell's tooltip (the cell itself elides)."""
    when = e.time if e.kind == "appointment" else "Due"
    where = f", {e.place}" if e.place else ""
    return f"{when} {e.name} ({e.crn}): {e.what}{where}"


class CalendarGridModel(QAbstractTableModel):
    """Days in rows of seven; each cell's HTML lists that day's entries."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.days: list[date] = []
        self.by_day: dict[date, list[CalendarEntry]] = {}
        self.month = 0
        self.limit = 12
        self.closures: dict[date, str] = {}

    def set_days(self, days: list[date], entries: Sequence[CalendarEntry], month: int, limit: int,
                 closures: dict[date, str] | None = None) -> None:
        self.beginResetModel()
        self.days, self.month, self.limit = days, month, limit
        self.closures = dict(closures or {})
        self.by_day = {}
        for e in sorted(entries, key=lambda e: e.sort_key):
            self.by_day.setdefault(e.day, []).append(e)
        self.endResetModel()

    def day_at(self, index: QModelIndex | QPersistentModelIndex) -> date | None:
        i = index.row() * 7 + index.column()
        return self.days[i] if index.isValid() and i < len(self.days) else None

    def index_of(self, day: date) -> QModelIndex:
        if day in self.days:
            i = self.days.index(day)
            return self.index(i // 7, i % 7)
        return QModelIndex()

    def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.days) // 7

    def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 7

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return DAY_NAMES[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        day = self.day_at(index)
        if day is None:
            return None
        entries = self.by_day.get(day, [])
        in_month = self.month == 0 or day.month == self.month
        kind, words = mark = day_mark(day, self.closures)
        if role == LINES_ROLE:
            return cell_lines(day, entries, self.limit, in_month, day == common.today(), mark)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            appts = sum(1 for e in entries if e.kind == "appointment")
            due = len(entries) - appts
            return (f"{format_date(day)}" + (f" ({words})" if kind else "")
                    + f": {plural(appts, 'appointment')}, {due} due")
        if role == Qt.ItemDataRole.ToolTipRole and (entries or kind):
            head = [words + (": not a working day" if kind == "weekend" else "")] if kind else []
            if kind and any(e.kind == "appointment" for e in entries):
                head[0] += " (booked appointments fall on a day the office does not work)"
            return "\n".join(head + [entry_text(e) for e in entries])
        if role == Qt.ItemDataRole.BackgroundRole:
            if day == common.today():
                return QBrush(QColor("#fff6d6"))
            if kind in ("closed", "bank_holiday"):
                return QBrush(QColor(SHUT_BACKGROUND))
            if not in_month or kind == "weekend":
                return QBrush(QColor(WEEKEND_BACKGROUND))
        return None


class DayDelegate(QStyledItemDelegate):
    """Paints a day cell's LINES_ROLE lines top-left, each in its colour and elided to the cell's width."""

    def paint(self, painter: Any, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        rect = opt.rect.adjusted(4, 3, -4, -3)
        painter.save()
        painter.setClipRect(opt.rect)
        y = rect.top()
        for colour, text, bold in index.data(LINES_ROLE) or []:
            font = QFont(opt.font)
            font.setBold(bold)
            metrics = QFontMetrics(font)
            if y + metrics.height() > rect.bottom() + 1:
                break
            painter.setFont(font)
            painter.setPen(QColor(colour))
            painter.drawText(rect.left(), y + metrics.ascent(),
                             metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width()))
            y += metrics.height()
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(120, 90)


ENTRY_COLUMNS: list[Column[CalendarEntry]] = [
    Column("Date or due by", lambda e: format_date(e.obligation.due_by if e.obligation else e.day),
           sort=lambda e: e.sort_key),
    Column("Time", lambda e: e.time or "Due", sort=lambda e: (e.kind != "due", e.time)),
    Column("Status", lambda e: common.status_text(e.status) if e.kind == "due" else e.status.capitalize(),
           sort=lambda e: common.status_style(e.status).rank if e.kind == "due" else 10),
    Column("What", lambda e: e.what, tooltip=lambda e: e.what),
    Column("CRN", lambda e: e.crn),
    Column("Name", lambda e: e.name),
    Column("Where or window", lambda e: e.place),
]


class EntryTableModel(RecordTableModel[CalendarEntry]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(ENTRY_COLUMNS, parent)

    def extra_data(self, rec: CalendarEntry, column: int, role: int) -> Any:
        if column == 2 and rec.kind == "due":
            if role == Qt.ItemDataRole.ForegroundRole:
                return common.status_brush(rec.status)
            if role == Qt.ItemDataRole.BackgroundRole:
                return common.status_brush(rec.status, background=True)
        return None


class CalendarView(QWidget):
    """open_case(person_id) is called on a double-click; book(entry or None, day) when the officer books."""

    book_requested = Signal(object, object)  # the chosen CalendarEntry or None, the chosen day
    case_requested = Signal(str)

    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setAccessibleName("Calendar")
        self.mode = "week"
        self.anchor = common.today()
        self.selected_day = self.anchor
        self.entries: list[CalendarEntry] = []
        self.loaded = False

        self.title = QLabel("Calendar")
        self.title.setObjectName("caseHeader")
        self.policy = common.policy_label()
        self.week_button = QPushButton("&Week")
        self.month_button = QPushButton("&Month")
        self.modes = QButtonGroup(self)
        for b, mode in ((self.week_button, "week"), (self.month_button, "month")):
            b.setCheckable(True)
            b.setAccessibleName(f"{mode.capitalize()} view")
            self.modes.addButton(b)
            b.clicked.connect(lambda _c=False, m=mode: self.set_mode(m))
        self.week_button.setChecked(True)
        for b in (self.week_button, self.month_button):
            b.setStyleSheet("QPushButton:checked { background: #1d4f7a; color: white; border-color: #1d4f7a; "
                            "font-weight: 600; }")
            b.setMinimumWidth(b.sizeHint().width() + 12)  # room for the bold text when checked
        self.prev_button = QPushButton("◀ &Previous")
        self.prev_button.setAccessibleName("Previous period")
        self.today_button = QPushButton("&Today")
        self.next_button = QPushButton("&Next ▶")
        self.next_button.setAccessibleName("Next period")
        self.prev_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.go_to(common.today()))
        self.book_button = QPushButton("&Book appointment…")
        self.book_button.setAccessibleName("Book appointment")
        self.book_button.setToolTip("Book an appointment on the chosen day, or for the chosen due window")
        self.book_button.clicked.connect(self.request_booking)
        self.range_label = QLabel("")
        self.range_label.setAccessibleName("Dates shown")
        self.range_label.setStyleSheet("font-weight: 600;")
        bar = QHBoxLayout()
        for w in (self.title, self.week_button, self.month_button, self.prev_button, self.today_button,
                  self.next_button, self.range_label):
            bar.addWidget(w)
        bar.addStretch(1)
        bar.addWidget(self.book_button)
        bar.addWidget(self.policy)

        self.grid_model = CalendarGridModel(self)
        self.grid = QTableView()
        self.grid.setModel(self.grid_model)
        self.grid.setAccessibleName("Calendar days")
        self.grid.setItemDelegate(DayDelegate(self.grid))
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.grid.setTabKeyNavigation(False)
        self.grid.verticalHeader().hide()
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.grid.setWordWrap(True)
        self.grid.selectionModel().currentChanged.connect(self._day_chosen)
        self.grid.activated.connect(lambda _i: self.list.setFocus())  # Enter on a day moves to its entries

        self.day_title = QLabel("")
        self.day_title.setStyleSheet("font-weight: 600;")
        self.list_model = EntryTableModel(self)
        self.list: QTableView = record_table(self.list_model, "Entries on the chosen day")
        self.list.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.list.setWordWrap(False)
        self.list.activated.connect(self._entry_activated)
        self.list.selectionModel().selectionChanged.connect(lambda *_a: self._update_book_button())
        self.list_empty = empty_state("Nothing booked and nothing due on this day.")
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.list)
        self.list_stack.addWidget(self.list_empty)
        lower = QWidget()
        lower_layout = QVBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        lower_layout.addWidget(self.day_title)
        lower_layout.addWidget(self.list_stack)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.grid)
        self.splitter.addWidget(lower)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.splitter, 1)

        for keys, step in ((QKeySequence.StandardKey.MoveToPreviousPage, -1),
                           (QKeySequence.StandardKey.MoveToNextPage, 1)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda s=step: self.step(s))

    # -- navigation ------------------------------------------------------------------------------
    @property
    def days(self) -> list[date]:
        return visible_days(self.mode, self.anchor)

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        total = sum(self.splitter.sizes()) or 600
        self.splitter.setSizes([int(total * (0.7 if mode == "month" else 0.6)), int(total * (0.3 if mode == "month"
                                                                                             else 0.4))])
        (self.week_button if mode == "week" else self.month_button).setChecked(True)
        self.anchor = self.selected_day
        self.refresh()

    def step(self, n: int) -> None:
        self.anchor = self.anchor + timedelta(days=7 * n) if self.mode == "week" else add_months(
            self.anchor.replace(day=1), n)
        self.selected_day = self.anchor if self.mode == "week" else self.anchor.replace(day=1)
        self.refresh()

    def go_to(self, day: date) -> None:
        self.anchor = self.selected_day = day
        self.refresh()

    def refresh(self) -> None:
        days = self.days
        if self.mode == "week":
            self.range_label.setText(f"{format_date(days[0])} to {format_date(days[-1])}")
        else:
            self.range_label.setText(f"{self.anchor:%B %Y}")
        asked = (days[0], days[-1])
        self.ops.query(load_calendar, days[0], days[-1], common.today(),
                       on_ok=lambda result: self._loaded(result, asked), owner=self, label="calendar")

    def _loaded(self, result: tuple[list[Any], list[Any], str, dict[date, str]], asked: tuple[date, date]) -> None:
        days = self.days
        if asked != (days[0], days[-1]):
            # The reads run on two threads: a week or month left before its answer came must not overwrite the
            # one now shown (its own answer comes, or has come, for it).
            return
        appointments, due, title, closures = result
        self.show_entries([appointment_entry(a) for a in appointments] + [due_entry(i) for i in due], title,
                          closures)

    def show_entries(self, entries: list[CalendarEntry], policy_title: str,
                     closures: dict[date, str] | None = None) -> None:
        days = self.days
        shown = set(days)
        today = common.today()
        if today in shown:
            # Still owed: what fell overdue before this period is carried to today, where it must be done.
            entries = [replace(e, day=today) if e.kind == "due" and e.day < days[0] else e for e in entries]
        self.entries = [e for e in entries if e.day in shown]
        month = self.anchor.month if self.mode == "month" else 0
        self.grid_model.set_days(days, self.entries, month, 12 if self.mode == "week" else 0, closures)
        common.set_policy(self.policy, policy_title)
        self.title.setText("Calendar")
        if self.selected_day not in shown:
            self.selected_day = days[0]
        self.grid.setCurrentIndex(self.grid_model.index_of(self.selected_day))
        self._show_day(self.selected_day)
        self.loaded = True

    def clear(self) -> None:
        self.entries = []
        self.grid_model.set_days([], [], 0, 3)
        self.list_model.clear()
        self.policy.setText("Policy: …")
        self.loaded = False

    # -- the chosen day --------------------------------------------------------------------------
    def _day_chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        day = self.grid_model.day_at(current)
        if day is not None:
            self.selected_day = day
            self._show_day(day)

    def _show_day(self, day: date) -> None:
        entries = self.grid_model.by_day.get(day, [])
        self.list_model.set_rows(entries)
        booked = sum(e.kind == 'appointment' for e in entries)
        counts = [f"{booked} booked"]
        for status in ("overdue", "due", "upcoming"):
            n = sum(e.kind == "due" and e.status == status for e in entries)
            if n:
                counts.append(f"{n} {common.status_style(status).label.lower()}")
        kind, words = day_mark(day, self.grid_model.closures)
        shut = f" ({words})" if kind else ""
        warning = " ⚠ booked on a day the office does not work" if kind and booked else ""
        self.day_title.setText(f"{DAY_NAMES[day.weekday()]} {format_date(day)}{shut}: " + ", ".join(counts) + warning)
        self.day_title.setStyleSheet(f"font-weight: 600; color: {SHUT_COLOUR};" if warning else "font-weight: 600;")
        self.list_stack.setCurrentWidget(self.list if entries else self.list_empty)
        if entries:
            self.list.resizeColumnsToContents()
            header = self.list.horizontalHeader()
            if header.sectionSize(3) > 420:  # leave room for the window; the tooltip has the whole rule
                header.resizeSection(3, 420)
        self._update_book_button()

    def selected_entry(self) -> CalendarEntry | None:
        rows = self.list.selectionModel().selectedRows()
        return self.list_model.record(rows[0].row()) if rows else None

    def _update_book_button(self) -> None:
        e = self.selected_entry()
        self.book_button.setText("&Book for this due window…" if e is not None and e.kind == "due"
                                 else "&Book appointment…")

    def request_booking(self) -> None:
        """Book for the chosen due window, or with the chosen appointment's person on the chosen day."""
        self.book_requested.emit(self.selected_entry(), self.selected_day)

    def _entry_activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.case_requested.emit(self.list_model.record(index.row()).person_id)


def people_from(records: Sequence[Any]) -> list[tuple[str, str]]:
    """(person_id, 'CRN Name') for the booking dialog, from caseload rows."""
    return [(r.person_id, f"{r.crn}  {r.name}") for r in records]


