"""The plan page's tables: the plan's actions section by section, who it was shared with, and what stops it
being completed. Missing who, what or by when and an action no contact has delivered are flagged in the cell
itself, in words (not colour alone), so a printout or a screen reader says it too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.domain.dates import format_date
from lpt_desktop.gui.table_model import Column, RecordTableModel
from lpt_desktop.services.rosh_plan import ActionView

NOT_SET = "Not set"
NO_EVIDENCE = "No evidence yet"
ALARM = QColor("#a4161a")
ALARM_SHADE = QColor("#fbe3e1")
WARN = QColor("#8a4b00")
DONE = QColor("#2e6b30")


def evidence_words(a: ActionView) -> str:
    n = len(a.evidence)
    return NO_EVIDENCE if n == 0 else "1 contact" if n == 1 else f"{n} contacts"


def evidence_tip(a: ActionView) -> str:
    if not a.evidence:
        return "No contact is recorded as delivering this action: tick it under 'This contact delivered…' when " \
               "you record the contact that does"
    return "\n".join(f"{format_date(e.on)}  {e.type_code}  {e.summary}".rstrip() for e in a.evidence)


def _missing_tip(a: ActionView) -> str:
    if not a.missing:
        return ""
    return f"{' and '.join(a.missing).capitalize()} missing: the plan cannot be completed until it says who will " \
           "do what, by when (Edit…)"


ACTION_COLUMNS: list[Column[ActionView]] = [
    Column("Section", lambda a: a.section_label if a.number == 1 else "", tooltip=lambda a: a.section_label),
    Column("No.", lambda a: str(a.number), align_centre=True),
    Column("Who", lambda a: a.who or NOT_SET, tooltip=_missing_tip),
    Column("What", lambda a: a.what or NOT_SET, tooltip=_missing_tip),
    Column("By when", lambda a: format_date(a.by_when) if a.by_when else NOT_SET, tooltip=_missing_tip),
    Column("Done", lambda a: format_date(a.done_on) if a.done_on else "Not yet"),
    Column("Evidence", evidence_words, tooltip=evidence_tip),
]
MISSING_COLUMN = {2: "who", 3: "what", 4: "by when"}
EVIDENCE_COLUMN = 6


class ActionModel(RecordTableModel[ActionView]):
    """The plan's actions in section order; a section's name shows on its first action."""

    def extra_data(self, rec: ActionView, column: int, role: int) -> Any:
        missing = MISSING_COLUMN.get(column) in rec.missing
        no_evidence = column == EVIDENCE_COLUMN and not rec.evidence
        if role == Qt.ItemDataRole.ForegroundRole:
            if missing:
                return QBrush(ALARM)
            if no_evidence:
                return QBrush(WARN)
            if column == 5 and rec.done_on:
                return QBrush(DONE)
        if role == Qt.ItemDataRole.BackgroundRole and missing:
            return QBrush(ALARM_SHADE)
        if role == Qt.ItemDataRole.FontRole and (missing or no_evidence or column == 0):
            font = QFont()
            font.setBold(missing or column == 0)
            font.setItalic(no_evidence)
            return font
        return None


@dataclass(frozen=True)
class SharedRow:
    id: str  # its place in the list: records of sharing have no id of their own
    agency: str
    on: date | None


def shared_rows(shared: list[dict[str, Any]]) -> list[SharedRow]:
    out = []
    for i, x in enumerate(shared):
        code, detail = str(x.get("with") or ""), str(x.get("detail") or "").strip()
        found = rp.plan_data().agency(code)
        label = found.label if found else code
        on = date.fromisoformat(str(x["on"])) if x.get("on") else None
        out.append(SharedRow(str(i), f"{label}: {detail}" if detail else label, on))
    return out


SHARED_COLUMNS: list[Column[SharedRow]] = [
    Column("Agency", lambda r: r.agency),
    Column("Date shared", lambda r: format_date(r.on) if r.on else NOT_SET, sort=lambda r: r.on or date.min),
]


@dataclass(frozen=True)
class Problem:
    """One thing stopping completion, and the action it is about (if it is about one)."""

    id: str
    text: str
    action_id: str | None


PROBLEM_COLUMNS: list[Column[Problem]] = [
    Column("Put right before completing (double-click or Enter to go to the action)", lambda p: p.text),
]


class ProblemModel(RecordTableModel[Problem]):
    def extra_data(self, rec: Problem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(ALARM)
        return None
