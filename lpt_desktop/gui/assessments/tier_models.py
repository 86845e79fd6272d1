"""The tier page's tables: the working (step, result, why), the predictor scores and the decisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import QApplication, QStyle

from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.assessments.tier_words import (
    BAND_NAMES,
    OLD_TIP,
    PREDICTOR_NAMES,
    SUPERSEDED_TIP,
    scheme_label,
    score_text,
    tier_text,
)
from lpt_desktop.gui.table_model import Column, RecordTableModel

if TYPE_CHECKING:
    from lpt_desktop.assessment.tier_types import Step
    from lpt_desktop.services.tiering import PredictorRow, TierDecisionRow

OLD_COLOUR = "#a4161a"
WITH_STATIC = ("ARP", "CSRP")  # the OGRS4 predictors OASys gives as static or dynamic


def _result(step: Step) -> str:
    return step.result if step.result is not None else "No result"


WORKING_COLUMNS: list[Column[Step]] = [
    Column("Step", lambda s: s.step),
    Column("Result", _result, align_centre=True),
    Column("Why", lambda s: s.why, tooltip=lambda s: s.why),
]


class WorkingModel(RecordTableModel["Step"]):
    """A step that gave a result is in bold: those are what the tier is the highest of."""

    def extra_data(self, rec: Step, column: int, role: int) -> Any:
        if rec.result is None and role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor("#5b6470"))
        if rec.result is not None and role == Qt.ItemDataRole.FontRole and column in (0, 1):
            font = QFont()
            font.setBold(True)
            return font
        return None


def _kind(p: PredictorRow) -> str:
    return PREDICTOR_NAMES.get(p.kind, p.kind)


def _static(p: PredictorRow) -> str:
    if p.kind not in WITH_STATIC:
        return ""
    return "Static" if p.static else "Dynamic"


def _age(p: PredictorRow) -> str:
    # Only a score in use may be "old" (the tier still uses it); an earlier one is just superseded.
    if not p.in_use:
        return f"{p.age_text} (superseded)"
    return f"{p.age_text} (old)" if p.old else p.age_text


def _age_tip(p: PredictorRow) -> str:
    if not p.in_use:
        return SUPERSEDED_TIP
    return OLD_TIP if p.old else ""


PREDICTOR_COLUMNS: list[Column[PredictorRow]] = [
    Column("Predictor", _kind),
    Column("Score (%)", lambda p: score_text(p.score), sort=lambda p: p.score, align_centre=True),
    Column("Band", lambda p: BAND_NAMES.get(p.band or "", p.band or "")),
    Column("Static or dynamic", _static, tooltip=lambda p: "Static: no dynamic factors assessed, so the score "
           "may rise when they are" if p.static and p.kind in WITH_STATIC else ""),
    Column("Assessed", lambda p: format_date(p.assessed_on), sort=lambda p: p.assessed_on),
    Column("Age", _age, sort=lambda p: p.assessed_on, tooltip=_age_tip),
]
PREDICTOR_AGE = len(PREDICTOR_COLUMNS) - 1


class PredictorModel(RecordTableModel["PredictorRow"]):
    """Old scores stand out: red, with a warning icon and the tooltip that says to refresh them."""

    def extra_data(self, rec: PredictorRow, column: int, role: int) -> Any:
        if not rec.in_use:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor("#6b7480"))
            if role == Qt.ItemDataRole.ToolTipRole:
                return SUPERSEDED_TIP
            return None
        if not rec.old:
            return None
        if role == Qt.ItemDataRole.ForegroundRole and column in (PREDICTOR_AGE, PREDICTOR_AGE - 1):
            return QBrush(QColor(OLD_COLOUR))
        if role == Qt.ItemDataRole.DecorationRole and column == PREDICTOR_AGE:
            return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        if role == Qt.ItemDataRole.ToolTipRole and column != PREDICTOR_AGE:
            return OLD_TIP
        return None


ACTIONS = {"accepted": "Accepted", "overridden": "Overridden"}


def _decided_tier(d: TierDecisionRow) -> str:
    return tier_text(d.tier)


HISTORY_COLUMNS: list[Column[TierDecisionRow]] = [
    Column("Date", lambda d: format_date(d.decided_on), sort=lambda d: d.decided_on),
    Column("Officer", lambda d: d.officer),
    Column("Decision", lambda d: ACTIONS.get(d.action, d.action)),
    Column("Tier", _decided_tier, align_centre=True, tooltip=lambda d: scheme_label(d.scheme)),
    Column("Suggested", lambda d: tier_text(d.suggested), align_centre=True,
           tooltip=lambda d: scheme_label(d.scheme)),
    Column("Reason", lambda d: d.reason or ("" if d.action == "accepted" else "—"),
           tooltip=lambda d: d.reason or ""),
]
