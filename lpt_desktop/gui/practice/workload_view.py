"""The workload view (issue 21): each officer's points available, used and remaining against their capacity, the
team's, a bar chart of the team, and the chosen officer's cases with their points and why (services/workload.py).

On a team manager's laptop (Manager > Workload, or View > Workload) the team; on an officer's (View > Workload)
the officer's own figures, the scope line saying so. "Officer's hours…" records the chosen officer's hours a week
and reductions (services/workload.set_capacity, a write this laptop keeps: never synced). Reads go through
ops.query; the view reads again after a save that can change a workload (ops.changed), at once if it is on show,
else when next shown.

The chart is QtCharts (as gui/practice/charts.py, which says why): for each officer, points available beside points
used, so an officer over capacity shows a used bar longer than the available one. Every figure is also in words in
the table and the chart's accessible description.

install(host) adds the action; the controller is host.feature("workload").
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCharts import QBarCategoryAxis, QBarSeries, QBarSet, QChart, QChartView, QValueAxis
from PySide6.QtCore import QMargins, QObject, Qt
from PySide6.QtGui import QColor, QPainter, QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.gui.case_record.record_dialog import RecordDialog
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, record_table
from lpt_desktop.practice.workload import Capacity, CasePoints, OfficerWorkload, Weights, available_points
from lpt_desktop.services import workload as svc
from lpt_desktop.services.changes import Change

if TYPE_CHECKING:
    from lpt_desktop.gui.host import Host
    from lpt_desktop.gui.ops import Ops
    from lpt_desktop.services.workload import WorkloadView
    from lpt_desktop.store.database import Database

TITLE = "Workload"
WORKLOAD_KEYS = "Ctrl+Shift+L"  # workLoad (Ctrl+Shift+W is taken)
# Saves that can change a workload: a case, its tier or sentence, court work, the standards engine's open work
# (contacts, enforcement, registers, assessments and plans close or open it), recorded hours (lpt_meta: STANDARDS).
REFRESH_ON = (Change.CASE | Change.REGISTER | Change.CONTACT | Change.ENFORCEMENT | Change.REPORT | Change.STANDARDS
              | Change.ASSESSMENT | Change.APPOINTMENT)
AVAILABLE = "#B7C4D1"
USED = "#0072B2"
LABEL = "#1b1f24"
EMPTY_CASES = "No cases counted against this officer."


def load(db: Database) -> tuple[WorkloadView, dict[str, str]]:
    """The workload figures and each officer row's staff code (the key its hours are recorded under)."""
    return svc.workload(db), svc.capacity_keys(db)


def percent_words(percent: float | None) -> str:
    return "n/a" if percent is None else f"{percent:g}%"


def hours_words(o: OfficerWorkload) -> str:
    text = f"{o.hours:g}"
    return f"{text} less {o.reduction_hours:g}" if o.reduction_hours else text


def work_words(c: CasePoints) -> str:
    counted = [w.why for w in c.work if w.counted]
    later = [w.why for w in c.work if not w.counted]
    return "; ".join(counted + later)


def why_words(c: CasePoints) -> str:
    work = work_words(c)
    return f"{c.tier_why}. {work}" if work else c.tier_why


def officer_line(o: OfficerWorkload) -> str:
    return (f"{o.name}: {o.used} of {o.available} points used ({percent_words(o.percent)}), {o.remaining} "
            f"remaining, {o.band.lower()}; {o.case_count} case{'' if o.case_count == 1 else 's'}")


def team_line(view: WorkloadView) -> str:
    t = view.team
    who = f"The team ({t.name})" if view.scope == svc.TEAM and t.name else "The team" if view.scope == svc.TEAM \
        else "You"
    line = (f"{who}: {t.used} of {t.available} points used ({percent_words(t.percent)}), {t.remaining} remaining, "
            f"{t.band.lower()}; {t.case_count} case{'' if t.case_count == 1 else 's'}. As of "
            f"{format_date(view.as_of)}.")
    if view.unallocated and view.scope == svc.TEAM:  # on an officer's laptop the scope line says it
        line += (f" Not counted against anyone: {len(view.unallocated)} case"
                 f"{'' if len(view.unallocated) == 1 else 's'}, {view.unallocated_points} points.")
    return line


OFFICER_COLUMNS: list[Column[OfficerWorkload]] = [
    Column("Officer", lambda o: o.name),
    Column("Grade", lambda o: o.grade.upper(), align_centre=True),
    Column("Hours", hours_words, sort=lambda o: o.hours - o.reduction_hours, tooltip=lambda o: o.capacity_why,
           align_centre=True),
    Column("Cases", lambda o: str(o.case_count), sort=lambda o: o.case_count, align_centre=True),
    Column("Available", lambda o: str(o.available), sort=lambda o: o.available, tooltip=lambda o: o.capacity_why,
           align_centre=True),
    Column("Used", lambda o: str(o.used), sort=lambda o: o.used,
           tooltip=lambda o: f"{o.tier_points} points for the cases' tiers, {o.work_points} for work due",
           align_centre=True),
    Column("Remaining", lambda o: str(o.remaining), sort=lambda o: o.remaining, align_centre=True),
    Column("Percent", lambda o: percent_words(o.percent), sort=lambda o: -1.0 if o.percent is None else o.percent,
           align_centre=True),
    Column("Band", lambda o: o.band),
]
CASE_COLUMNS: list[Column[CasePoints]] = [
    Column("CRN", lambda c: c.crn),
    Column("Name", lambda c: c.name),
    Column("Tier", lambda c: c.tier or ("untiered" if c.untiered else "none"), align_centre=True),
    Column("Case type", lambda c: c.case_type or "not supervised"),
    Column("Tier points", lambda c: str(c.tier_points), sort=lambda c: c.tier_points, align_centre=True),
    Column("Work points", lambda c: str(c.work_points), sort=lambda c: c.work_points, tooltip=work_words,
           align_centre=True),
    Column("Points", lambda c: str(c.points), sort=lambda c: c.points, align_centre=True),
    Column("Why", why_words, tooltip=why_words),
]


class OfficerModel(RecordTableModel[OfficerWorkload]):
    def extra_data(self, rec: OfficerWorkload, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole and rec.percent is not None and rec.percent > 100 and \
                self.columns[column].title in ("Percent", "Band", "Remaining"):
            return QColor("#8c1316")
        return None


class WorkloadChart(QChartView):
    """Points available beside points used, per officer (one team)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName("Workload by officer, bar chart")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.words = ""
        self.officers: list[str] = []

    def set_team(self, view: WorkloadView) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()
        team = view.team
        chart.setTitle(f"Points available and used: {team.name}" if team.name else "Points available and used")
        # An officer over capacity is named so on the axis, not by a bar of another colour: a selected bar's colour
        # is not the legend's, so 'Points used' showed a blue square beside an orange bar (review 21).
        self.officers = [f"{o.name}<br>over capacity" if o.percent is not None and o.percent > 100 else o.name
                         for o in team.officers]
        series = QBarSeries()
        available, used = QBarSet("Points available"), QBarSet("Points used")
        for bar, colour in ((available, AVAILABLE), (used, USED)):
            bar.setColor(QColor(colour))
            bar.setBorderColor(QColor(colour).darker(130))
            bar.setLabelColor(QColor(LABEL))  # beside the bar's end, on the chart's light ground: dark, not white
        for o in team.officers:
            available.append(float(o.available))
            used.append(float(o.used))
        series.append(available)
        series.append(used)
        series.setLabelsVisible(True)
        series.setLabelsPosition(QBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsFormat("@value")
        chart.addSeries(series)
        categories = QBarCategoryAxis()
        categories.append(self.officers or [""])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        values = QValueAxis()
        top = max([o.available for o in team.officers] + [o.used for o in team.officers] + [1])
        values.setRange(0, top * 1.1)
        values.applyNiceNumbers()
        values.setLabelFormat("%d")
        values.setTitleText("Points")
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(categories)
        series.attachAxis(values)
        self.words = "; ".join(officer_line(o) for o in team.officers) or "No officers"
        self.setAccessibleDescription(self.words)
        self.setToolTip(self.words.replace("; ", "\n"))


def hours_typed(text: str, name: str, most: float, fix: str) -> tuple[float | None, FieldError | None]:
    """A number of hours as typed ('37.5', '18,5', '20 hours'), or the field's error naming the fix: a value out
    of range is refused as typed, never cut to fit (a spin box turned a typed 50 into 5.00, review 21)."""
    words = text.strip().lower().removesuffix("hours").removesuffix("hour").strip().replace(",", ".")
    if not words:
        return None, FieldError(name, f"is empty: {fix}")
    try:
        value = float(words)
    except ValueError:
        return None, FieldError(name, f"'{text.strip()}' is not a number of hours: {fix}")
    if value != value or value in (float("inf"), float("-inf")):
        return None, FieldError(name, f"'{text.strip()}' is not a number of hours: {fix}")
    if value < 0:
        return None, FieldError(name, f"{value:g} is less than 0: {fix}")
    if value > most:
        return None, FieldError(name, f"{value:g} is more than {most:g}: {fix}")
    return value, None


class CapacityDialog(RecordDialog):
    """An officer's hours a week (or full time) and the hours taken off them. The hours are typed in line edits
    checked on save (a spin box dropped a keystroke past its maximum: a typed 50 became 5.00, review 21); the
    points line below them follows what is typed."""

    def __init__(self, ops: Ops, officer: OfficerWorkload, key: str, weights: Weights,
                 parent: QWidget | None = None) -> None:
        super().__init__(ops, f"Hours for {officer.name}", parent, ok_text="Save hours",
                         intro=f"{officer.name}'s contracted hours a week and the hours taken off them (training, "
                               f"court duty and other reductions): the points available follow from them. Kept on "
                               f"this laptop only.")
        self.setMinimumWidth(460)
        self.key = key
        self.officer = officer
        self.weights = weights
        full_time = weights.full_time_hours
        self.full_time_hours = full_time
        self.full_time = QCheckBox(f"&Full time ({full_time:g} hours)")
        self.full_time.setAccessibleName("Full time")
        self.hours = QLineEdit()
        self.hours.setAccessibleName("Hours a week")
        self.hours.setToolTip(f"0 to {svc.MAX_HOURS:g} hours a week, for example 18.5")
        self.reduction = QLineEdit()
        self.reduction.setAccessibleName("Reduction hours")
        self.reduction.setToolTip("The hours a week taken off for training, court duty and other reductions")
        is_full = officer.hours == full_time
        self.full_time.setChecked(is_full)
        self.hours.setText(f"{officer.hours:g}")
        self.reduction.setText(f"{officer.reduction_hours:g}")
        self.hours.setEnabled(not is_full)
        self.full_time.toggled.connect(lambda on: self.hours.setEnabled(not on))
        self.points = QLabel("")
        self.points.setWordWrap(True)
        self.points.setAccessibleName("Points available")
        self.form.addRow("", self.full_time)
        for text, field in (("&Hours a week:", self.hours), ("&Reduction hours:", self.reduction)):
            label = QLabel(text)
            label.setBuddy(field)
            self.form.addRow(label, field)
        self.form.addRow("", self.points)
        for signal in (self.hours.textChanged, self.reduction.textChanged, self.full_time.toggled):
            signal.connect(lambda *_a: self._show_points())
        self._show_points()

    def entered(self) -> tuple[float | None, float, list[FieldError]]:
        """(hours a week, None for full time; reduction hours; the fields' errors) as typed."""
        errors: list[FieldError] = []
        hours: float | None = None
        if not self.full_time.isChecked():
            hours, err = hours_typed(self.hours.text(), "Hours a week", svc.MAX_HOURS,
                                     f"give 0 to {svc.MAX_HOURS:g} hours, or tick Full time")
            if err:
                errors.append(err)
        limit = self.full_time_hours if self.full_time.isChecked() else hours if hours is not None else svc.MAX_HOURS
        reduction, err = hours_typed(self.reduction.text(), "Reduction hours", limit,
                                     f"give no more than the {limit:g} hours worked (0 if none)")
        if err:
            errors.append(err)
        return hours, reduction or 0.0, errors

    def _show_points(self) -> None:
        hours, reduction, errors = self.entered()
        if errors:
            self.points.setText(f"Now {self.officer.available} points. With these hours: not known yet "
                                f"({errors[0]}).")
            return
        value, _grade, worked, why = available_points(self.officer.grade, Capacity(hours, reduction), self.weights)
        if (worked, reduction) == (self.officer.hours, self.officer.reduction_hours):
            self.points.setText(f"Now {value} points: {why}.")
        else:
            self.points.setText(f"Now {value} points with these hours (was {self.officer.available}): {why}.")

    def submit(self) -> None:
        hours, reduction, errors = self.entered()
        if errors:
            self.form_errors.show(errors)
            return
        self.run(functools.partial(svc.set_capacity, officer_key=self.key, hours=hours, reduction_hours=reduction),
                 f"hours for {self.windowTitle().removeprefix('Hours for ')}")


class WorkloadPage(QWidget):
    def __init__(self, ops: Ops, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.setAccessibleName(TITLE)
        self.data: WorkloadView | None = None
        self.keys: dict[str, str] = {}
        self.stale = True
        self.loads = 0
        self.dialog: CapacityDialog | None = None
        self.said = ""  # what the last save did: said again once the figures are read after it
        self.title = QLabel(TITLE)
        self.title.setObjectName("caseHeader")
        self.scope = QLabel("")
        self.scope.setWordWrap(True)
        self.scope.setAccessibleName("Whose workload")
        self.team = QLabel("")
        self.team.setWordWrap(True)
        self.team.setAccessibleName("Team workload")
        self.team.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.officers_model = OfficerModel(OFFICER_COLUMNS, self)
        self.officers_table = record_table(self.officers_model, "Officers' workload",
                                           empty_text="No officer's workload to show.")
        self.officers_table.setWordWrap(False)
        self.officers_table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_officer())
        self.chart = WorkloadChart()
        self.cases_title = QLabel("Cases")
        self.cases_model: RecordTableModel[CasePoints] = RecordTableModel(CASE_COLUMNS, self)
        self.cases_table = record_table(self.cases_model, "The officer's cases and their points",
                                        empty_text=EMPTY_CASES)
        self.cases_table.setWordWrap(False)
        for table, model in ((self.officers_table, self.officers_model), (self.cases_table, self.cases_model)):
            # The service's order (by name; cases as listed) until a column is clicked: turning sorting on sorted
            # by the first column, descending.
            table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            model.sorted_by = None
        self.other_work = QLabel("")
        self.other_work.setWordWrap(True)
        self.other_work.setAccessibleName("Work on no case")
        self.hours_button = QPushButton("Officer's hou&rs…")
        self.hours_button.setToolTip("Record the chosen officer's hours a week and reductions")
        self.hours_button.clicked.connect(self.edit_hours)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Workload status")

        top = QWidget()
        top_layout = QHBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.officers_table)
        buttons = QHBoxLayout()
        buttons.addWidget(self.hours_button)
        buttons.addWidget(self.status, 1)
        left_layout.addLayout(buttons)
        top_layout.addWidget(left, 3)
        top_layout.addWidget(self.chart, 2)
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.cases_title)
        bottom_layout.addWidget(self.cases_table)
        bottom_layout.addWidget(self.other_work)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        for w in (self.title, self.scope, self.team):
            layout.addWidget(w)
        layout.addWidget(split, 1)
        ops.changed.connect(self._changed)
        self._enable()

    # -- reading -------------------------------------------------------------------------------------------
    def reload(self) -> None:
        if not self.ops.is_open:
            return
        self.stale = False
        self.status.setText("Reading the workload…")
        self.ops.query(load, on_ok=self._read, on_error=self._failed, owner=self, label="the workload")

    def _read(self, result: tuple[WorkloadView, dict[str, str]]) -> None:
        view, keys = result
        self.loads += 1
        self.data, self.keys = view, keys
        chosen = current_record(self.officers_table, self.officers_model)
        self.title.setText("Team workload" if view.scope == svc.TEAM else "Your workload")
        self.scope.setText(view.scope_line)
        self.team.setText(team_line(view))
        self.officers_model.set_rows(view.team.officers)
        self.chart.set_team(view)
        rows = self.officers_model.records
        index = next((i for i, o in enumerate(rows) if chosen is not None and o.name == chosen.name), 0)
        if rows:
            self.officers_table.selectRow(index)
            self.officers_table.setCurrentIndex(self.officers_model.index(index, 0))
        self.officers_table.resizeColumnsToContents()
        self._show_officer()
        self.status.setText(self.said)
        self.said = ""  # said once, after the save's own read: a later reload does not say it again
        self._enable()

    def _failed(self, exc: BaseException) -> None:
        self.status.setText(f"The workload could not be read ({exc.__class__.__name__}).")

    def _changed(self, changes: Change) -> None:
        if changes & REFRESH_ON:
            self.stale = True
            if self.isVisible():
                self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.stale:
            self.reload()

    # -- the chosen officer ----------------------------------------------------------------------------------
    def chosen_officer(self) -> OfficerWorkload | None:
        return current_record(self.officers_table, self.officers_model)

    def _show_officer(self) -> None:
        o = self.chosen_officer()
        if o is None:
            self.cases_title.setText("Cases")
            self.cases_model.set_rows([])
            self.other_work.setText("")
        else:
            self.cases_title.setText(f"Cases counted against {o.name}, with their points and why "
                                     f"({o.case_count} case{'' if o.case_count == 1 else 's'}, {o.used} points used)")
            self.cases_model.set_rows(o.cases)
            self.cases_table.resizeColumnsToContents()
            other = [w.why for w in o.other_work]
            self.other_work.setText("Work on no case of theirs: " + "; ".join(other) + "." if other else "")
        self._enable()

    def key_of(self, o: OfficerWorkload) -> str:
        """The key the officer's hours are recorded under: their staff code, else their name."""
        return self.keys.get(o.officer_id or "", o.name)

    def _enable(self) -> None:
        o = self.chosen_officer()
        set_available(self.hours_button, o is not None and self.ops.is_open,
                      "choose an officer first" if self.ops.is_open else "unlock the caseload first")

    def edit_hours(self) -> CapacityDialog | None:
        o = self.chosen_officer()
        if o is None or not self.ops.is_open:
            return None
        dialog = CapacityDialog(self.ops, o, self.key_of(o), svc.weights(), self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda _r: self._say(f"Hours recorded for {o.name}."))
        dialog.destroyed.connect(lambda *_a: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.open()
        return dialog

    def _say(self, text: str) -> None:
        self.said = text
        self.status.setText(text)

    def officer_rows(self) -> Sequence[OfficerWorkload]:
        return self.officers_model.records


class WorkloadDesk(QObject):
    """The View > Workload (and Manager > Workload) action and its tab."""

    def __init__(self, host: Host) -> None:
        super().__init__(host.widget())
        self.host = host
        self.view: WorkloadPage | None = None
        self.action = host.add_action("&Workload", self.show, WORKLOAD_KEYS,
                                      "Each officer's points available, used and remaining against their hours "
                                      "(your own on an officer's laptop), with each case's points and why")
        host.menu("&View").addAction(self.action)
        try:
            manager = host.feature("manager")
        except KeyError:
            manager = None
        if manager is not None:
            manager.menu.addAction(self.action)  # its title changes with the role: reached by the controller

    def show(self) -> WorkloadPage | None:
        if not self.host.is_unlocked:
            return None
        if self.view is None:
            self.view = WorkloadPage(self.host.ops)
            self.view.destroyed.connect(lambda *_a: setattr(self, "view", None))
        self.host.show_tab(self.view, TITLE, f"Workload against capacity ({WORKLOAD_KEYS})")
        self.view.officers_table.setFocus()
        if not self.view.stale:
            self.view.reload()
        return self.view


def install(host: Host) -> WorkloadDesk:
    return WorkloadDesk(host)
