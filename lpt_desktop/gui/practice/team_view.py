"""The practice view (issue 21): on a team manager's laptop, the team's practice against the inspection's
criteria; on an officer's, the officer's own figures with a line saying so (services/practice.team_view's
`own_only` and `note`).

One tab (View > Practice quality, and Manager > Practice quality on a manager's laptop) with four pages:
- Team: the officers (cases, average score, how many checks they are rated met, near and far on) and the cases
  most needing attention (Enter or a double-click opens the case);
- Checks: each check's share met across the team and per officer with the rating against the team's own average
  (met, near, far) and the previous period's beside it; the chosen check's figures in words below;
- Cases: every case with its score and the checks it does not meet;
- Charts: each criterion's share met (bars, this period beside the previous) and month by month (lines), over
  the criterion table that gives every charted figure as text.

Reads go through ops.query, off the UI thread (the first audit of a caseload takes seconds; a progress line says
so and the window stays usable; services/practice.cached_audit makes opening it again quick). The view reads
again after a save that can change the audit (ops.changed), at once if it is on show, else when next shown.

The countersign queue and Record oversight… are the Manager menu's own actions on the view's toolbar (oversight
starts on the case chosen here). Print and export are added by gui/practice/export_actions.py through the hook
below (EXTENSIONS and PracticeView.add_actions), never built here.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.enabling import set_available
from lpt_desktop.gui.ops import Ops
from lpt_desktop.gui.practice.charts import CriterionBars, CriterionTrend, percent, share_words
from lpt_desktop.gui.preferences import Preferences
from lpt_desktop.gui.table_model import Column, RecordTableModel, current_record, record_table
from lpt_desktop.practice.checks import criteria
from lpt_desktop.practice.score import CaseAudit, score_words
from lpt_desktop.practice.team import FAR, NEAR, RATED_MET, RATING_LABELS, CheckFigure, Share, criterion_shares
from lpt_desktop.services import practice
from lpt_desktop.services.changes import Change
from lpt_desktop.services.practice import TeamView

TITLE = "Practice quality"
TREND_MONTHS = 6
# Saves that can change a case's audit: the record, registers, contacts and enforcement, the standards in force,
# assessments and plans (a sync announces what it wrote the same way).
REFRESH_ON = Change.CASE | Change.REGISTER | Change.CONTACT | Change.ENFORCEMENT | Change.STANDARDS | Change.ASSESSMENT
OWN_RULE = ("Your share of each check, beside the previous period's. No rating: one officer against their own "
            "average says nothing; the team manager's laptop rates each officer against the team.")
RATING_RULE = ("Rated against the team's own average of the officers' shares: met, at or better than the average; "
               "near, below it by no more than the interquartile range of the officers' shares; far, further below.")
LOADING = "Reading every case's practice audit… the first time takes a few seconds; you can carry on meanwhile."
TREND_LOADING = f"Reading the last {TREND_MONTHS} months for the trend…"
# The hook for print and export (gui/practice/export_actions.py): each is called with every new practice view,
# once its toolbar is built, and adds its actions with view.add_actions(...). The figures are view.data (the
# TeamView), view.trend, and the charts view.bars and view.trend_chart (QChartView: render(painter, rect)).
EXTENSIONS: list[Callable[[PracticeView], None]] = []

_SHADE = {RATED_MET: QColor("#e3f1e4"), NEAR: QColor("#fdf0d5"), FAR: QColor("#fbe3e1")}
_INK = {RATED_MET: QColor("#1f5a22"), NEAR: QColor("#6b3d00"), FAR: QColor("#8c1316")}


def load_team(db: Any) -> TeamView:
    return practice.team_view(db)


def load_trend(db: Any, as_of: date) -> list[tuple[date, dict[str, Share]]]:
    return practice.criterion_trend(db, as_of, TREND_MONTHS)


# -- the rows ------------------------------------------------------------------------------------------------
def rating_words(rating: str | None) -> str:
    return RATING_LABELS.get(rating, "") if rating else ""


def _pct(share: Share | None) -> str:
    value = percent(share)
    return "none applicable" if value is None else f"{value:.0f}%"


@dataclass(frozen=True)
class OfficerRow:
    name: str
    cases: int
    average: float | None  # the mean of their cases' scores
    met: int
    near: int
    far: int
    far_before: int


@dataclass(frozen=True)
class CriterionRow:
    criterion: str
    title: str
    now: Share | None
    previous: Share | None
    months: tuple[Share | None, ...] = ()


def officer_rows(view: TeamView) -> list[OfficerRow]:
    by_officer: dict[str, list[CaseAudit]] = {}
    for a in view.audits:
        by_officer.setdefault(a.officer or practice.NOT_KNOWN, []).append(a)
    out = []
    for name in view.team.officers:
        cases = by_officer.get(name, [])
        scores = [s for a in cases if (s := a.score) is not None]
        ratings = [f.rating for _c, f in view.team.officer_ratings(name)]
        before = [f.previous_rating for _c, f in view.team.officer_ratings(name)]
        out.append(OfficerRow(name, len(cases), sum(scores) / len(scores) if scores else None,
                              ratings.count(RATED_MET), ratings.count(NEAR), ratings.count(FAR), before.count(FAR)))
    return out


def previous_criterion_shares(checks: Iterable[CheckFigure]) -> dict[str, Share]:
    """Each criterion's share met in the previous period: the sum of its checks' previous team shares (the same
    sum criterion_shares makes over the cases)."""
    out: dict[str, Share] = {}
    for c in checks:
        p = c.previous_team
        if p is None or not p.applicable:
            continue
        held = out.get(c.check.criterion, Share(0, 0))
        out[c.check.criterion] = Share(held.met + p.met, held.applicable + p.applicable)
    return out


def criterion_rows(view: TeamView, trend: Sequence[tuple[date, dict[str, Share]]] | None) -> list[CriterionRow]:
    now = criterion_shares(view.audits)
    previous = previous_criterion_shares(view.team.checks)
    out = []
    for k, title in criteria().items():
        if k in now or k in previous:
            months = tuple(shares.get(k) for _d, shares in trend or ())
            out.append(CriterionRow(k, title, now.get(k), previous.get(k), months))
    return out


def _unmet_words(a: CaseAudit) -> str:
    """The unmet checks' statements as one sentence, punctuated once ('...on time; ...by when.')."""
    parts = [r.check.statement.rstrip(".") for r in a.unmet]
    return "; ".join(parts) + "." if parts else ""


def _unmet_tip(a: CaseAudit) -> str:
    return "\n".join(f"• {r.check.statement} {r.reason}" for r in a.unmet) or "Every applicable check is met."


def _score_sort(a: CaseAudit) -> float:
    return a.score if a.score is not None else 2.0


CASE_COLUMNS: list[Column[CaseAudit]] = [
    Column("Case", lambda a: a.name),
    Column("CRN", lambda a: a.crn),
    Column("Officer", lambda a: a.officer),
    Column("Score", lambda a: score_words(a.score), sort=_score_sort, align_centre=True,
           tooltip=lambda a: f"{sum(r.status == 'met' for r in a.results)} of {a.applicable} applicable checks met"),
    Column("Not met", lambda a: str(len(a.unmet)), sort=lambda a: len(a.unmet), align_centre=True),
    Column("Checks not met", _unmet_words, sort=lambda a: _unmet_words(a).casefold(), tooltip=_unmet_tip),
]


def _average_words(v: float | None) -> str:
    return "no applicable checks" if v is None else f"{v:.0%}"


OFFICER_COLUMNS: list[Column[OfficerRow]] = [
    Column("Officer", lambda o: o.name),
    Column("Cases", lambda o: str(o.cases), sort=lambda o: o.cases, align_centre=True),
    Column("Average score", lambda o: _average_words(o.average), sort=lambda o: -1.0 if o.average is None
           else o.average, align_centre=True, tooltip=lambda o: "The mean of their cases' scores"),
    Column("Checks met", lambda o: str(o.met), sort=lambda o: o.met, align_centre=True,
           tooltip=lambda o: "Checks on which their share is at or better than the team's average"),
    Column("Near", lambda o: str(o.near), sort=lambda o: o.near, align_centre=True,
           tooltip=lambda o: "Checks on which they are below the average, within one interquartile range"),
    Column("Far", lambda o: str(o.far), sort=lambda o: o.far, align_centre=True,
           tooltip=lambda o: "Checks on which they are further below the team's average"),
    Column("Far, previous period", lambda o: str(o.far_before), sort=lambda o: o.far_before, align_centre=True),
]


@dataclass(frozen=True)
class DetailRow:
    """One officer's figures on the chosen check."""

    officer: str
    share: Share
    rating: str | None
    previous_share: Share | None
    previous_rating: str | None


DETAIL_COLUMNS: list[Column[DetailRow]] = [
    Column("Officer", lambda d: d.officer),
    Column("This period", lambda d: share_words(d.share), sort=lambda d: percent(d.share) or -1.0),
    Column("Rating", lambda d: rating_words(d.rating) or "not rated",
           sort=lambda d: (RATED_MET, NEAR, FAR).index(d.rating) if d.rating in (RATED_MET, NEAR, FAR) else 9),
    Column("Previous period", lambda d: share_words(d.previous_share),
           sort=lambda d: percent(d.previous_share) or -1.0),
    Column("Previous rating", lambda d: rating_words(d.previous_rating) or "not rated",
           sort=lambda d: (RATED_MET, NEAR, FAR).index(d.previous_rating)
           if d.previous_rating in (RATED_MET, NEAR, FAR) else 9),
]


def _cell(share: Share | None, rating: str | None, previous: str | None) -> str:
    if share is None or not share.applicable:  # last period's rating still said: 'n/a (was Near)'
        return f"n/a (was {rating_words(previous)})" if previous else "n/a"
    text = _pct(share)
    if rating:
        text += f" {rating_words(rating)}"
    if previous:
        text += f" (was {rating_words(previous)})"
    return text


def check_columns(officers: Sequence[str]) -> list[Column[CheckFigure]]:
    """The matrix: the check, the team's share and its average, one column per officer, then last period's."""
    cols: list[Column[CheckFigure]] = [
        Column("Criterion", lambda c: c.check.criterion, tooltip=lambda c: c.check.criterion_title),
        Column("Check", lambda c: c.check.statement,
               tooltip=lambda c: f"{c.check.statement}\nNot applicable when: {c.check.not_applicable}"),
        Column("Team", lambda c: _pct(c.team), sort=lambda c: percent(c.team) or -1.0, align_centre=True,
               tooltip=lambda c: share_words(c.team)),
        Column("Officers' average", lambda c: "n/a" if c.average is None else f"{c.average:.0%}",
               sort=lambda c: -1.0 if c.average is None else c.average, align_centre=True),
    ]
    for name in officers:
        def figure(c: CheckFigure, name: str = name) -> Any:
            return next((f for f in c.officers if f.officer == name), None)

        def shown(c: CheckFigure, figure: Callable[[CheckFigure], Any] = figure) -> str:
            f = figure(c)
            return "n/a" if f is None else _cell(f.share, f.rating, f.previous_rating)

        def tip(c: CheckFigure, figure: Callable[[CheckFigure], Any] = figure, name: str = name) -> str:
            f = figure(c)
            if f is None or not f.share.applicable:
                return f"{name}: no case of theirs to which this check applies"
            words = f"{name}: {share_words(f.share)}"
            if f.rating:
                words += f", rated {rating_words(f.rating).lower()}"
            if f.previous_share is not None:
                words += f"; previous period {share_words(f.previous_share)}"
                if f.previous_rating:
                    words += f", rated {rating_words(f.previous_rating).lower()}"
            return words

        def order(c: CheckFigure, figure: Callable[[CheckFigure], Any] = figure) -> float:
            f = figure(c)
            value = percent(f.share) if f is not None else None
            return -1.0 if value is None else value

        cols.append(Column(name, shown, sort=order, tooltip=tip, align_centre=True))
    # This period's columns first, then the previous period's (an officer's own column came after it, review 21).
    cols.append(Column("Previous period", lambda c: _pct(c.previous_team),
                       sort=lambda c: percent(c.previous_team) or -1.0, align_centre=True,
                       tooltip=lambda c: share_words(c.previous_team)))
    return cols


OFFICER_COLUMN = 4  # the matrix's first officer's column
CHECK_WIDTH = 420  # the check's words wrap within it


class CheckMatrixModel(RecordTableModel[CheckFigure]):
    """Checks down, officers across; an officer's cell is shaded by its rating (and says it in words)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(check_columns(()), parent)
        self.officers: tuple[str, ...] = ()

    def set_figures(self, figures: Sequence[CheckFigure], officers: Sequence[str]) -> None:
        self.beginResetModel()
        self.officers = tuple(officers)
        self.columns = check_columns(officers)
        self._rows = list(figures)
        self.endResetModel()
        if self.sorted_by is not None and self.sorted_by[0] < len(self.columns):
            self.sort(*self.sorted_by)

    def rating_at(self, row: int, column: int) -> str | None:
        offset = column - OFFICER_COLUMN
        if not 0 <= offset < len(self.officers):
            return None
        name = self.officers[offset]
        f = next((f for f in self.record(row).officers if f.officer == name), None)
        return f.rating if f is not None else None

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if index.isValid() and role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            rating = self.rating_at(index.row(), index.column())
            if rating is None:
                return None
            return QBrush(_SHADE[rating] if role == Qt.ItemDataRole.BackgroundRole else _INK[rating])
        return super().data(index, role)


class DetailModel(RecordTableModel[DetailRow]):
    def extra_data(self, rec: DetailRow, column: int, role: int) -> Any:
        rating = rec.rating if column == 2 else rec.previous_rating if column == 4 else None
        if rating is None:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_SHADE[rating])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(_INK[rating])
        return None


def criterion_columns(days: Sequence[date]) -> list[Column[CriterionRow]]:
    cols: list[Column[CriterionRow]] = [
        Column("Criterion", lambda r: r.criterion),
        Column("Title", lambda r: r.title),
        Column("This period", lambda r: share_words(r.now), sort=lambda r: percent(r.now) or -1.0),
        Column("Previous period", lambda r: share_words(r.previous), sort=lambda r: percent(r.previous) or -1.0),
    ]
    for i, day in enumerate(days):
        def month(r: CriterionRow, i: int = i) -> Share | None:
            return r.months[i] if i < len(r.months) else None

        def value(r: CriterionRow, month: Callable[[CriterionRow], Share | None] = month) -> float:
            v = percent(month(r))
            return -1.0 if v is None else v

        def shown(r: CriterionRow, month: Callable[[CriterionRow], Share | None] = month) -> str:
            return _pct(month(r))

        def tip(r: CriterionRow, month: Callable[[CriterionRow], Share | None] = month) -> str:
            return share_words(month(r))

        cols.append(Column(f"To {format_date(day)}", shown, sort=value, tooltip=tip, align_centre=True))
    return cols


class CriterionModel(RecordTableModel[CriterionRow]):
    def set_table(self, rows: Sequence[CriterionRow], days: Sequence[date]) -> None:
        self.beginResetModel()
        self.columns = criterion_columns(days)
        self._rows = list(rows)
        self.endResetModel()


# -- the view --------------------------------------------------------------------------------------------------
def _titled(title: str, widget: QWidget, intro: str = "") -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 4, 0, 0)
    heading = QLabel(f"<b>{title}</b>")
    heading.setAccessibleName(title)
    layout.addWidget(heading)
    if intro:
        words = QLabel(intro)
        words.setWordWrap(True)
        layout.addWidget(words)
    layout.addWidget(widget, 1)
    return box


class PracticeView(QWidget):
    """The practice tab. open_case_requested carries a case's person id (Enter or a double-click on a case)."""

    open_case_requested = Signal(str)
    loaded = Signal()  # the team figures arrived (and again with the trend)

    def __init__(self, ops: Ops, prefs: Preferences, manager_actions: Sequence[QAction] = (),
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ops = ops
        self.prefs = prefs
        self.data: TeamView | None = None
        self.trend: list[tuple[date, dict[str, Share]]] | None = None
        self.loads = 0  # team figures read (for the tests)
        self.trend_loads = 0
        self._asked = 0  # the latest request: older answers are dropped
        self._stale = False
        self._reading = self._read_again = False  # the team figures: a read running, another asked meanwhile
        self._trend_reading = self._trend_again = False  # the same for the trend
        self._trend_stale = True
        self.setAccessibleName(TITLE)

        self.title = QLabel(TITLE)
        self.title.setObjectName("caseHeader")
        self.note = QLabel("")
        self.note.setWordWrap(True)
        self.note.setAccessibleName("Whose figures these are")
        self.period = QLabel("")
        self.period.setAccessibleName("Period")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy: how long the audit takes is not known in advance
        self.progress.setMaximumWidth(140)
        self.progress.setAccessibleName("Reading")
        self.progress_line = QLabel("")
        self.progress_line.setAccessibleName("Reading status")
        self.progress_line.setWordWrap(True)
        busy = QHBoxLayout()
        busy.addWidget(self.progress)
        busy.addWidget(self.progress_line, 1)

        # The toolbar: the Manager menu's own actions (shown only on a manager's laptop, as those actions are),
        # then whatever EXTENSIONS add (print and export).
        self.toolbar = QToolBar("Practice actions")
        self.toolbar.setAccessibleName("Practice actions")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in manager_actions:
            self.toolbar.addAction(action)
        self.extensions_separator = self.toolbar.addSeparator()

        # Team page: officers over the cases most needing attention.
        self.officers_model: RecordTableModel[OfficerRow] = RecordTableModel(OFFICER_COLUMNS, self)
        self.officers_table = record_table(self.officers_model, "Officers", empty_text="No cases yet.")
        self.attention_model: RecordTableModel[CaseAudit] = RecordTableModel(CASE_COLUMNS, self)
        self.attention_table = record_table(self.attention_model, "Cases most needing attention",
                                            empty_text="No case has a check not met.")
        self.attention_table.activated.connect(lambda i: self._open_from(self.attention_model, i))
        self.open_button = QPushButton("Open case")
        self.open_button.setToolTip("Open the chosen case (Enter or a double-click does the same)")
        self.open_button.clicked.connect(self.open_current)
        attention_box = _titled("Cases most needing attention", self.attention_table,
                                "Most checks not met first, then the lowest score. Enter or a double-click opens "
                                "the case.")
        attention_layout = attention_box.layout()
        assert attention_layout is not None
        open_row = QHBoxLayout()
        open_row.addWidget(self.open_button)
        open_row.addStretch(1)
        assert isinstance(attention_layout, QVBoxLayout)
        attention_layout.addLayout(open_row)
        self.team_split = QSplitter(Qt.Orientation.Vertical)
        self.team_split.setObjectName("practiceTeamSplit")
        self.team_split.addWidget(_titled("Officers", self.officers_table))
        self.team_split.addWidget(attention_box)
        self.team_split.setStretchFactor(0, 1)
        self.team_split.setStretchFactor(1, 2)

        # Checks page: the matrix over the chosen check's figures in words.
        self.checks_model = CheckMatrixModel(self)
        self.checks_table = record_table(self.checks_model, "Checks by officer")
        # The check's words wrap in a column of bounded width (they were cut, review 21); the tooltip has them too.
        self.checks_table.setWordWrap(True)
        self.checks_table.horizontalHeader().setStretchLastSection(False)
        self.checks_table.selectionModel().currentRowChanged.connect(lambda *_a: self._show_check())
        self.rule = QLabel(RATING_RULE)
        self.rule.setWordWrap(True)
        self.detail_heading = QLabel("")
        self.detail_heading.setWordWrap(True)
        self.detail_heading.setAccessibleName("Chosen check")
        self.detail_model = DetailModel(DETAIL_COLUMNS, self)
        self.detail_table = record_table(self.detail_model, "Officers on the chosen check")
        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 4, 0, 0)
        detail_layout.addWidget(self.detail_heading)
        detail_layout.addWidget(self.detail_table, 1)
        self.checks_split = QSplitter(Qt.Orientation.Vertical)
        self.checks_split.setObjectName("practiceChecksSplit")
        checks_box = QWidget()
        checks_layout = QVBoxLayout(checks_box)
        checks_layout.setContentsMargins(0, 4, 0, 0)
        self.checks_heading = QLabel("<b>Each check across the team and by officer</b>")
        checks_layout.addWidget(self.checks_heading)
        checks_layout.addWidget(self.rule)
        checks_layout.addWidget(self.checks_table, 1)
        self.checks_split.addWidget(checks_box)
        self.checks_split.addWidget(detail)

        # Cases page.
        self.cases_model: RecordTableModel[CaseAudit] = RecordTableModel(CASE_COLUMNS, self)
        self.cases_table = record_table(self.cases_model, "Cases", empty_text="No cases yet.")
        self.cases_table.activated.connect(lambda i: self._open_from(self.cases_model, i))

        # Charts page: the two charts side by side over their text equivalent.
        self.bars = CriterionBars()
        self.trend_chart = CriterionTrend()
        self.criteria_model = CriterionModel(criterion_columns(()), self)
        self.criteria_table = record_table(self.criteria_model, "Share met by criterion, the charts' figures")
        self.charts_row = QSplitter(Qt.Orientation.Horizontal)
        self.charts_row.setObjectName("practiceChartsRow")
        self.charts_row.addWidget(self.bars)
        self.charts_row.addWidget(self.trend_chart)
        self.charts_row.setStretchFactor(0, 1)
        self.charts_row.setStretchFactor(1, 1)
        self.charts_split = QSplitter(Qt.Orientation.Vertical)
        self.charts_split.setObjectName("practiceChartsSplit")
        self.charts_split.addWidget(self.charts_row)
        self.charts_split.addWidget(_titled("The charts' figures", self.criteria_table))
        self.charts_split.setStretchFactor(0, 3)
        self.charts_split.setStretchFactor(1, 1)

        self.pages = QTabWidget()
        self.pages.setAccessibleName("Practice pages")
        self.pages.addTab(self.team_split, "Team")
        self.pages.addTab(self.checks_split, "Checks")
        self.pages.addTab(self.cases_table, "Cases")
        self.pages.addTab(self.charts_split, "Charts")

        for table in (self.attention_table, self.cases_table):
            table.setWordWrap(False)  # one line a case; the tooltip lists each check not met with its reason
        # No arrow on a column until one is clicked: rows come in the service's order (officers by name, cases by
        # CRN, the attention list most checks not met first). Turning sorting on sorted by the first column.
        for table in (self.officers_table, self.attention_table, self.cases_table, self.checks_table,
                      self.detail_table, self.criteria_table):
            table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
            model = table.model()
            if isinstance(model, RecordTableModel):
                model.sorted_by = None

        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        top.addWidget(self.toolbar)
        layout.addLayout(top)
        layout.addWidget(self.note)
        layout.addWidget(self.period)
        layout.addLayout(busy)
        layout.addWidget(self.pages, 1)
        self._set_busy("")
        set_available(self.open_button, False, "no case is chosen")
        self.attention_table.selectionModel().currentRowChanged.connect(lambda *_a: self._chosen_changed())

        self._restore_layout()
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setSingleShot(True)
        self.refresh_timer.setInterval(300)  # a burst of saves reads once
        self.refresh_timer.timeout.connect(self.reload)
        ops.changed.connect(self._changed)
        for extend in EXTENSIONS:
            extend(self)

    # -- the hook ----------------------------------------------------------------------------------------
    def add_actions(self, *actions: QAction) -> None:
        """Add actions (print, export) to the view's toolbar, after the manager's."""
        for action in actions:
            self.toolbar.addAction(action)

    # -- layout remembered (layout only: no case data in settings) ---------------------------------------------
    _SPLITTERS = ("team_split", "checks_split", "charts_split", "charts_row")
    _HEADERS = ("officers_table", "attention_table", "cases_table")
    _SIZES = {"team_split": (300, 600), "checks_split": (600, 300), "charts_split": (700, 300),
              "charts_row": (1000, 1000)}

    def _restore_layout(self) -> None:
        for name in self._SPLITTERS:
            splitter: QSplitter = getattr(self, name)
            state = self.prefs.state(f"practice_{name}")
            if state is None or not splitter.restoreState(state):
                splitter.setSizes(list(self._SIZES[name]))  # shares of the space, until the officer moves it
            splitter.splitterMoved.connect(lambda *_a, n=name: self._save(n))
        for name in self._HEADERS:
            header = getattr(self, name).horizontalHeader()
            state = self.prefs.state(f"practice_{name}_header")
            if state is not None:
                header.blockSignals(True)
                header.restoreState(state)
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # widths and order kept, not a sort
                header.blockSignals(False)
            for signal in (header.sectionResized, header.sectionMoved):
                signal.connect(lambda *_a, n=name: self._save_header(n))
        page = self.prefs.settings.value("layout/practice_page", 0)
        with contextlib.suppress(TypeError, ValueError):
            self.pages.setCurrentIndex(int(page))  # type: ignore[call-overload]
        self.pages.currentChanged.connect(lambda i: self.prefs.settings.setValue("layout/practice_page", int(i)))
        self.pages.currentChanged.connect(lambda _i: self._page_changed())
        self._sized = {name: self.prefs.state(f"practice_{name}_header") is not None for name in self._HEADERS}

    def _save(self, name: str) -> None:
        self.prefs.save_state(f"practice_{name}", getattr(self, name).saveState())

    def _save_header(self, name: str) -> None:
        self.prefs.save_state(f"practice_{name}_header", getattr(self, name).horizontalHeader().saveState())

    def _fit(self, name: str) -> None:
        """Columns fitted to their contents the first time only: after that the officer's widths stand."""
        if not self._sized.get(name):
            table: QTableView = getattr(self, name)
            header = table.horizontalHeader()
            header.blockSignals(True)
            table.resizeColumnsToContents()
            header.blockSignals(False)
            self._sized[name] = table.model().rowCount() > 0

    # -- reading -------------------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the figures again (off the UI thread). One read at a time: asked again while one runs, it reads
        once more when that one ends (two first audits side by side would each take the seconds one takes)."""
        self._stale = False
        if self._reading:
            self._read_again = True
            return
        self._asked += 1
        asked = self._asked
        self._set_busy(LOADING)
        job = self.ops.query(load_team, owner=self, label="the practice audit",
                             on_ok=lambda v: self._team_read(asked, v),
                             on_error=lambda e: self._failed(asked, e))
        self._reading = job is not None
        if job is None:
            self._set_busy("")

    def _team_read(self, asked: int, view: TeamView) -> None:
        self._reading = False
        if self._read_again:
            self._read_again = False
            self.reload()
            return
        if asked != self._asked:
            return
        self.data = view
        self.loads += 1
        self._show_team(view)
        # The trend audits the caseload once a month back (no audit kept): read at the first opening, and after a
        # save only once the charts are on show.
        self._trend_stale = True
        if self.trend is None or self.pages.currentWidget() is self.charts_split:
            self._read_trend()
        else:
            self._set_busy("")
        self.loaded.emit()

    def _read_trend(self) -> None:
        if self.data is None or not self._trend_stale:
            return
        if self._trend_reading:
            self._trend_again = True
            return
        self._trend_stale = False
        asked = self._asked
        self._set_busy(TREND_LOADING)
        job = self.ops.query(load_trend, self.data.as_of, owner=self, label="the practice trend",
                             on_ok=lambda t: self._trend_read(asked, t),
                             on_error=lambda e: self._trend_failed(asked, e))
        self._trend_reading = job is not None
        if job is None:
            self._set_busy("")

    def _trend_read(self, asked: int, trend: list[tuple[date, dict[str, Share]]]) -> None:
        self._trend_reading = False
        if self._trend_again:
            self._trend_again = False
            self._trend_stale = True
            self._read_trend()
            return
        if asked != self._asked or self.data is None:  # the figures were read again meanwhile
            self._trend_stale = True
            self._page_changed()
            if not (self._reading or self._trend_reading):
                self._set_busy("")
            return
        self.trend = trend
        self.trend_loads += 1
        titles = criteria()
        self.trend_chart.set_trend(trend, titles)
        self.criteria_model.set_table(criterion_rows(self.data, trend), [d for d, _s in trend])
        self.criteria_table.resizeColumnsToContents()
        if not self._reading:
            self._set_busy("")
        self.loaded.emit()

    def _page_changed(self) -> None:
        if self.pages.currentWidget() is self.charts_split and self._trend_stale:
            self._read_trend()

    def _failed(self, asked: int, exc: BaseException) -> None:
        self._reading = False
        if asked != self._asked:
            return
        self._set_busy("")
        self.progress_line.setText(f"The figures could not be read: {exc}")
        self.progress_line.show()

    def _trend_failed(self, asked: int, exc: BaseException) -> None:
        """The trend alone failed: the figures shown were read, and a team read still running carries on."""
        self._trend_reading = False
        self._trend_again = False
        self._trend_stale = True  # read again when the charts are next opened or the figures change
        if asked != self._asked or self._reading:
            return
        self._set_busy("")
        self.progress_line.setText(f"The trend could not be read: {exc}")
        self.progress_line.show()

    def _set_busy(self, text: str) -> None:
        self.progress.setVisible(bool(text))
        self.progress_line.setVisible(bool(text))
        self.progress_line.setText(text)

    def _changed(self, changes: Change) -> None:
        if not changes & REFRESH_ON:
            return
        if self.isVisible():
            self.refresh_timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh_timer.start()

    # -- showing ----------------------------------------------------------------------------------------------
    def _show_team(self, view: TeamView) -> None:
        team = view.team
        self.title.setText("Your practice quality" if view.own_only else "Team practice quality")
        self.checks_heading.setText("<b>Each check: your share</b>" if view.own_only
                                    else "<b>Each check across the team and by officer</b>")
        self.rule.setText(OWN_RULE if view.own_only else RATING_RULE)
        self.note.setText(view.note)
        self.period.setText(f"Figures as at {format_date(view.as_of)}, beside the previous period to "
                            f"{format_date(view.previous_as_of)}.")
        keep_check = c.check.id if (c := self.current_check()) else None
        keep_case = a.person_id if (a := self.chosen_case()) else None
        self.officers_model.set_rows(officer_rows(view))
        self.attention_model.set_rows(team.attention)
        self.cases_model.set_rows(view.audits)
        self.checks_model.set_figures(team.checks, team.officers)
        for name in self._HEADERS:
            self._fit(name)
        self.checks_table.resizeColumnsToContents()
        self.checks_table.setColumnWidth(1, min(self.checks_table.columnWidth(1), CHECK_WIDTH))
        for column in (OFFICER_COLUMN + i for i in range(len(team.officers))):
            self.checks_table.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.checks_table.resizeRowsToContents()  # the check's words wrapped, whole
        # The officer's name takes the room left, not the last column on show ('Average score' on an officer's
        # laptop, where the rating columns after it are hidden, stretched across the table: review 21).
        for table in (self.officers_table, self.detail_table):
            header = table.horizontalHeader()
            header.setStretchLastSection(False)
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Ratings say nothing of one officer against themselves: an officer's laptop shows shares alone.
        for column in (3, 4, 5):
            self.officers_table.setColumnHidden(column, view.own_only)
        self.officers_table.setColumnHidden(6, view.own_only)
        for column in (2, 3):  # the team's share and the officers' average are the officer's own share here
            self.checks_table.setColumnHidden(column, view.own_only)
        for column in (2, 4):
            self.detail_table.setColumnHidden(column, view.own_only)
        self._select(self.checks_table, next((i for i, c in enumerate(team.checks) if c.check.id == keep_check), 0))
        self._select(self.attention_table,
                     next((i for i, a in enumerate(self.attention_model.records) if a.person_id == keep_case), 0))
        self._show_check()
        self._chosen_changed()
        titles = criteria()
        now = criterion_shares(view.audits)
        self.bars.set_figures(now, previous_criterion_shares(team.checks), titles, view.as_of, view.previous_as_of)
        self.criteria_model.set_table(criterion_rows(view, self.trend), [d for d, _s in self.trend or ()])
        self.criteria_table.resizeColumnsToContents()

    @staticmethod
    def _select(table: QTableView, row: int) -> None:
        model = table.model()
        if model is not None and model.rowCount():
            table.selectRow(row)
            table.setCurrentIndex(model.index(row, 0))

    def current_check(self) -> CheckFigure | None:
        return current_record(self.checks_table, self.checks_model)

    def _show_check(self) -> None:
        c = self.current_check()
        if c is None:
            self.detail_heading.setText("")
            self.detail_model.set_rows([])
            return
        own = self.data is not None and self.data.own_only
        spread = f"; interquartile range {c.spread * 100:.0f} points" if c.average is not None else ""
        average = "no officer has a case it applies to" if c.average is None else f"{c.average:.0%}"
        figures = (f"Your cases: {share_words(c.team)}" if own else
                   f"Team: {share_words(c.team)}; the officers' average {average}{spread}")
        self.detail_heading.setText(
            f"<b>{escape(c.check.statement)}</b> ({c.check.criterion} {escape(c.check.criterion_title)}). "
            f"{figures}; previous period {share_words(c.previous_team)}.")
        self.detail_model.set_rows([DetailRow(f.officer, f.share, f.rating, f.previous_share, f.previous_rating)
                                    for f in c.officers])
        self.detail_table.resizeColumnsToContents()

    # -- cases ---------------------------------------------------------------------------------------------------
    def chosen_case(self) -> CaseAudit | None:
        """The case chosen on the page on show (the attention list, or the cases list on its page)."""
        if self.pages.currentWidget() is self.cases_table:
            return current_record(self.cases_table, self.cases_model)
        return current_record(self.attention_table, self.attention_model)

    def chosen_person_id(self) -> str | None:
        a = self.chosen_case()
        return a.person_id if a is not None else None

    def _chosen_changed(self) -> None:
        set_available(self.open_button, current_record(self.attention_table, self.attention_model) is not None,
                      "no case is chosen")

    def open_current(self) -> None:
        a = current_record(self.attention_table, self.attention_model)
        if a is not None:
            self.open_case_requested.emit(a.person_id)

    def _open_from(self, model: RecordTableModel[CaseAudit], index: QModelIndex) -> None:
        if index.isValid():
            self.open_case_requested.emit(model.record(index.row()).person_id)

