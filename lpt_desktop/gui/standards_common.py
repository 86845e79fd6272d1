"""What every National Standards screen shares: today's date, status styles, the policy label, loaders.

The loaders run on the read pool (host.ops.query) and import the services there, so the window opens without
waiting for the engine to load.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel

if TYPE_CHECKING:
    from lpt_desktop.standards.obligations import Obligation
    from lpt_desktop.store.database import Database


def today() -> date:
    """The 'as of' date of every standards screen (tests replace it to pin the demo's date)."""
    return date.today()


@dataclass(frozen=True)
class StatusStyle:
    label: str  # the word, so colour is never the only cue
    symbol: str
    colour: str  # text colour, AA contrast on white
    background: str
    rank: int  # sort order: the most urgent first


STATUS_STYLES: dict[str, StatusStyle] = {
    "overdue": StatusStyle("Overdue", "⚠", "#a4161a", "#fde7e9", 0),
    "due": StatusStyle("Due", "●", "#7a4d00", "#fff3cd", 1),
    "upcoming": StatusStyle("Upcoming", "○", "#3d4754", "#eef2f6", 2),
    "missed": StatusStyle("Missed", "✖", "#7a1020", "#f6dadd", 3),
    "met": StatusStyle("Met", "✔", "#1f5a22", "#e3f1e3", 4),
}
UNKNOWN_STATUS = StatusStyle("Unknown", "?", "#3d4754", "#ffffff", 9)


def status_style(status: str) -> StatusStyle:
    return STATUS_STYLES.get(status, UNKNOWN_STATUS)


def status_text(status: str) -> str:
    s = status_style(status)
    return f"{s.symbol} {s.label}"


def status_brush(status: str, background: bool = False) -> QBrush:
    s = status_style(status)
    return QBrush(QColor(s.background if background else s.colour))


def kind_text(kind: str) -> str:
    """'home_visit' -> 'Home visit'."""
    text = kind.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def window_text(o: Obligation) -> str:
    """The due window as the officer reads it: 'by 27/11/2026' or '23/11/2026 to 27/11/2026'."""
    from lpt_desktop.domain.dates import format_date

    if o.due_from and o.due_from != o.due_by:
        return f"{format_date(o.due_from)} to {format_date(o.due_by)}"
    return f"by {format_date(o.due_by)}"


def policy_label() -> QLabel:
    """The 'Policy: …' label every screen that uses the engine shows (text set once loaded)."""
    label = QLabel("Policy: …")
    label.setObjectName("policyLabel")
    label.setAccessibleName("Policy in force")
    label.setToolTip("The National Standards policy in force for this caseload (Edit › Preferences)")
    label.setStyleSheet("background: #e9eef4; border-radius: 4px; padding: 3px 8px; color: #1d4f7a;")
    return label


def set_policy(label: QLabel, title: str) -> None:
    label.setText(f"Policy: {title}")


# -- loaders: fn(db, ...) run on a worker -------------------------------------------------------------
def policy_title(db: Database) -> str:
    from lpt_desktop.services.obligations import policy_in_force
    from lpt_desktop.standards.policy import load_policy

    name = policy_in_force(db)
    try:
        return load_policy(name).title or name
    except Exception:  # a policy file that will not load still names the policy
        return name


def policy_choices(db: Database) -> tuple[str, list[tuple[str, str]]]:
    """The policy in force and every shipped policy as (name, title)."""
    from lpt_desktop.services.obligations import policy_in_force
    from lpt_desktop.standards.policy import load_policy, policy_names

    choices = []
    for name in policy_names():
        try:
            choices.append((name, load_policy(name).title or name))
        except Exception:
            choices.append((name, name))
    return policy_in_force(db), choices


def set_policy_in_force(db: Database, name: str) -> None:
    from lpt_desktop.services.obligations import set_policy_in_force as set_it

    set_it(db, name)


def load_due(db: Database, as_of: date, horizon_days: int = 7) -> tuple[list[Any], str]:
    """The caseload's due and overdue items and the policy title."""
    from lpt_desktop.services.obligations import caseload_due

    return caseload_due(db, as_of, horizon_days), policy_title(db)


def is_due_or_overdue(status: str) -> bool:
    return status in ("due", "overdue")
