"""The practice view's charts (issue 21): each inspection criterion's share of applicable checks met (a bar chart,
this period beside the previous) and its trend month by month (a line chart, one series per criterion).

QtCharts (PySide6-Addons), not matplotlib embedded in Qt: the charts are drawn by the same toolkit as the window
(one rendering stack, the window's fonts, palette and high-DPI scaling, nothing else to bundle or keep in step),
a chart prints or exports with the QPainter the rest of the app prints with (`render(painter, rect)`), and it is
a widget with an accessible name and description like any other. Every figure a chart shows is also in words: the
description says each criterion's share, and the practice view's criterion table is the text equivalent.

Each series is told apart by more than colour (the Okabe-Ito palette, safe for colour-blind readers, with a
different line style and marker shape each), and values are percentages of 0 to 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSet,
    QChart,
    QChartView,
    QHorizontalBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from lpt_desktop.domain.dates import format_date
from lpt_desktop.practice.team import Share

# Okabe & Ito's palette (colour-blind safe), then the line styles and markers that tell series apart without it.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#000000", "#F0E442")
STYLES = (Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine,
          Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine, Qt.PenStyle.DashDotDotLine, Qt.PenStyle.DotLine)
MARKERS = ("circle", "square", "triangle", "diamond", "down", "cross", "circle", "square")
MARKER_SIZE = 11
THIS_PERIOD = "#0072B2"
PREVIOUS_PERIOD = "#B7C4D1"
WRAP = 28  # characters a line of a criterion's label on a chart: two lines at most fit a bar's height
BAR_WIDTH = 0.8  # of a category's height: each of the paired bars tall enough that their labels do not touch
# What the criteria's titles begin with, left off a chart's labels (the criterion table gives the whole title).
_PREFIXES = ("Assessment and planning to ", "Assessment and planning for ", "Delivering ", "Managing ")


def percent(share: Share | None) -> float | None:
    """A share as a whole percentage, rounded as share_words and the tables round it (the bars said 84.8% beside
    the table's 85%, review 21), or None when nothing applies."""
    value = share.value if share is not None else None
    return None if value is None else float(f"{value:.0%}".removesuffix("%"))


def share_words(share: Share | None) -> str:
    """'7 of 10 met (70%)', or 'none applicable'."""
    if share is None or not share.applicable:
        return "none applicable"
    return f"{share.met} of {share.applicable} met ({share.met / share.applicable:.0%})"


def short_title(title: str) -> str:
    """A criterion's title without its opening words ('Delivering restrictive interventions' ->
    'Restrictive interventions'), for a chart's labels."""
    for prefix in _PREFIXES:
        if title.startswith(prefix):
            rest = title[len(prefix):]
            return rest[:1].upper() + rest[1:]
    return title


def month_label(day: date) -> str:
    """'Jun': a point of the trend (the axis title gives the years, the criterion table each day in full)."""
    return f"{day:%b}"


def label(criterion: str, titles: Mapping[str, str]) -> str:
    return f"{criterion} {short_title(titles.get(criterion, ''))}".strip()


def full_label(criterion: str, titles: Mapping[str, str]) -> str:
    """The criterion's whole title, for the tooltip and description (a chart's labels are shortened)."""
    return f"{criterion} {titles.get(criterion, '')}".strip()


def wrapped(text: str, width: int = WRAP) -> str:
    """A chart label on lines of about `width` characters (an axis or legend label is rich text: '<br>' breaks
    it), so a long criterion is shown whole rather than cut ('1.3 Reduce the Likelihood of Reoff...', review
    21)."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return "<br>".join(lines)


def marker(shape: str, colour: str) -> QImage:
    """A line's point marker: a filled shape in the line's colour (the shape tells lines apart without colour)."""
    size = MARKER_SIZE
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(QPen(QColor(colour).darker(140), 1.0))
    p.setBrush(QBrush(QColor(colour)))
    m, e = 1.0, size - 1.0
    c = size / 2
    if shape == "circle":
        p.drawEllipse(QPointF(c, c), c - m, c - m)
    elif shape == "square":
        p.drawRect(int(m + 1), int(m + 1), int(e - m - 2), int(e - m - 2))
    elif shape == "cross":
        p.setPen(QPen(QColor(colour), 2.5))
        p.drawLine(QPointF(m + 1, m + 1), QPointF(e - 1, e - 1))
        p.drawLine(QPointF(m + 1, e - 1), QPointF(e - 1, m + 1))
    else:
        points = {"triangle": [(c, m), (e, e), (m, e)], "down": [(m, m), (e, m), (c, e)],
                  "diamond": [(c, m), (e, c), (c, e), (m, c)]}[shape]
        p.drawPolygon(QPolygonF([QPointF(x, y) for x, y in points]))
    p.end()
    return image


def _percent_axis(headroom: float) -> QValueAxis:
    """0% to 100% in steps of 20, with room past 100% (a bar's label, a point's marker) and no tick there."""
    axis = QValueAxis()
    axis.setRange(0, 100 + headroom)
    axis.setTickType(QValueAxis.TickType.TicksDynamic)
    axis.setTickAnchor(0)
    axis.setTickInterval(20)
    axis.setLabelFormat("%d%%")
    axis.setTitleText("Share of applicable checks met")
    return axis


class _Chart(QChartView):
    """A chart view with the settings both charts share; it can be reached by Tab so a screen reader reads its
    description."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.words = ""  # the figures in words (the accessible description)

    def _clear(self) -> None:
        chart = self.chart()
        chart.removeAllSeries()
        for axis in chart.axes():
            chart.removeAxis(axis)
            axis.deleteLater()

    def _describe(self, words: str) -> None:
        self.words = words
        self.setAccessibleDescription(words)
        self.setToolTip(words.replace("; ", "\n"))


class CriterionBars(_Chart):
    """Each criterion's share met this period (and the previous period's beside it), as horizontal bars."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Share met by inspection criterion, bar chart",
                         "Share of applicable checks met, by inspection criterion", parent)
        self.criteria: list[str] = []
        self.series: QHorizontalBarSeries | None = None

    def set_figures(self, now: Mapping[str, Share], previous: Mapping[str, Share] | None,
                    titles: Mapping[str, str], as_of: date, previous_as_of: date | None = None) -> None:
        """`now` and `previous`: criterion -> Share; the criteria are shown in `titles`' order (those with a
        figure)."""
        self._clear()
        self.criteria = [k for k in titles if k in now or (previous and k in previous)]
        shown = list(reversed(self.criteria))  # a horizontal chart draws its first category at the bottom
        series = QHorizontalBarSeries()
        sets = [(f"This period, to {format_date(as_of)}", now, THIS_PERIOD)]
        if previous is not None and previous_as_of is not None:
            sets.insert(0, (f"Previous period, to {format_date(previous_as_of)}", previous, PREVIOUS_PERIOD))
        for name, figures, colour in sets:
            bar = QBarSet(name)
            bar.setColor(QColor(colour))
            bar.setBorderColor(QColor(colour).darker(130))
            bar.setLabelColor(QColor("#1b1f24"))
            for k in shown:
                bar.append(percent(figures.get(k)) or 0.0)
            series.append(bar)
        series.setLabelsVisible(True)
        series.setLabelsFormat("@value%")  # whole percentages (percent), as the tables give them
        series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        chart = self.chart()
        chart.addSeries(series)
        series.setBarWidth(BAR_WIDTH)
        categories = QBarCategoryAxis()
        categories.append([wrapped(label(k, titles)) for k in shown])
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        values = _percent_axis(14)  # room for '100%' beside a full bar
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
        series.attachAxis(categories)
        series.attachAxis(values)
        chart.legend().setVisible(len(sets) > 1)
        self.series = series
        parts = []
        for k in self.criteria:
            text = f"{full_label(k, titles)}: {share_words(now.get(k))}"
            if previous is not None:
                text += f", previous period {share_words(previous.get(k))}"
            parts.append(text)
        self._describe("; ".join(parts) if parts else "No check applies to any case yet.")

    def values(self, which: int = -1) -> dict[str, float]:
        """criterion -> the bar's value (this period's set by default): what the chart shows, for the tests."""
        if self.series is None:
            return {}
        bar = self.series.barSets()[which]
        shown = list(reversed(self.criteria))
        return {k: bar.at(i) for i, k in enumerate(shown)}


class CriterionTrend(_Chart):
    """Each criterion's share met at the end of each month: one line per criterion."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("Share met by inspection criterion month by month, line chart",
                         "Share of applicable checks met at the end of each month", parent)
        self.lines: dict[str, QLineSeries] = {}
        self.days: list[date] = []

    def set_trend(self, trend: Sequence[tuple[date, Mapping[str, Share]]], titles: Mapping[str, str]) -> None:
        self._clear()
        self.lines = {}
        self.days = [day for day, _s in trend]
        chart = self.chart()
        months = QBarCategoryAxis()
        months.append([month_label(day) for day in self.days])
        if self.days:
            # Short enough not to be cut ('July 2026 to 07/12...', review 21); the tooltip and the table give
            # each day in full.
            months.setTitleText(f"Month ends, {self.days[0]:%b %Y} to {format_date(self.days[-1])}")
        values = _percent_axis(4)
        chart.addAxis(months, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
        present = [k for k in titles if any(k in shares for _d, shares in trend)]
        parts = []
        for n, k in enumerate(present):
            line = QLineSeries()
            line.setName(wrapped(label(k, titles)))  # the legend's entry: whole, not cut
            pen = QPen(QColor(PALETTE[n % len(PALETTE)]))
            pen.setWidthF(2.0)
            pen.setStyle(STYLES[n % len(STYLES)])
            line.setPen(pen)
            line.setLightMarker(marker(MARKERS[n % len(MARKERS)], PALETTE[n % len(PALETTE)]))
            line.setMarkerSize(MARKER_SIZE)
            words = []
            for i, (day, shares) in enumerate(trend):
                value = percent(shares.get(k))
                if value is not None:  # a month with nothing applicable has no point (the line joins its neighbours)
                    line.append(float(i), value)
                words.append(f"{format_date(day)} {'none applicable' if value is None else f'{value:g}%'}")
            chart.addSeries(line)
            line.attachAxis(months)
            line.attachAxis(values)
            self.lines[k] = line
            parts.append(f"{full_label(k, titles)}: " + ", ".join(words))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignRight)  # seven names: whole, one a line
        chart.legend().setVisible(bool(present))
        self._describe("; ".join(parts) if parts else "No month has a check that applies yet.")

    def points(self, criterion: str) -> list[tuple[int, float]]:
        """(month index, value) of one criterion's line: what the chart shows, for the tests."""
        line = self.lines.get(criterion)
        return [] if line is None else [(int(p.x()), p.y()) for p in line.points()]
