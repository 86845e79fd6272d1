"""A sentence plan as a court report's outline sentence plan (issue 20: "court reports' outline plans can start
from a draft plan"). Pure: the goals in, plain text out, for the report writer to edit in the report's
"Outline sentence plan" box.

  outline_text(goals) -> str   numbered goals in the plan's order, each with what will be different, by when, the
                               order's interventions placed under it and the steps still to do (what, who, by when)
  open_goals(goals) -> list    the goals an outline carries: active and future ones (achieved and removed ones
                               are the plan's history, not what is proposed)

An outline of a plan without goals would be empty: services/plan_outline.py says so instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from lpt_desktop.domain.dates import format_date

OUTLINED_GOALS = ("active", "future")
STEPS_DONE = ("completed", "no_longer_needed")


@dataclass(frozen=True)
class OutlineStep:
    what: str
    who: str  # in words, as a sentence in a report puts it: "the defendant", "Drug or alcohol service (...)"
    by_when: date | None
    status: str = "not_started"  # a step code (sentence_plan.json): done steps are left out


@dataclass(frozen=True)
class OutlineGoal:
    title: str
    area: str  # the area of need in words ("Accommodation"); "" when none
    outcome: str  # what will be different
    target_date: date | None  # None: a goal for later
    status: str = "active"  # a goal status code: only active and future goals are outlined
    steps: tuple[OutlineStep, ...] = ()
    interventions: tuple[str, ...] = ()  # the order's requirements placed under the goal, in words


def open_goals(goals: Sequence[OutlineGoal]) -> list[OutlineGoal]:
    return [g for g in goals if g.status in OUTLINED_GOALS]


def _sentence(text: str) -> str:
    """One line, ending in a full stop (the report reads as sentences)."""
    line = " ".join(text.split())
    return line if not line or line[-1] in ".!?" else line + "."


def _step_line(st: OutlineStep) -> str:
    what = " ".join(st.what.split()).rstrip(".")
    who = " ".join(st.who.split())
    by = f", by {format_date(st.by_when)}" if st.by_when else ""
    return f"   - {what} ({who}{by})." if who or by else f"   - {what}."


def outline_text(goals: Sequence[OutlineGoal]) -> str:
    """The open goals as numbered plain text (no markup: the report box is plain text), one block per goal."""
    blocks: list[str] = []
    for n, g in enumerate(open_goals(goals), start=1):
        title = " ".join(g.title.split()).rstrip(".")
        area = f" ({g.area.lower()})" if g.area and g.area.lower() not in title.lower() else ""
        when = f"by {format_date(g.target_date)}" if g.target_date else "later in the order: no target date yet"
        lines = [f"{n}. {title}{area}, {when}."]
        if g.outcome.strip():
            lines.append(f"   What will be different: {_sentence(g.outcome)}")
        if g.interventions:
            lines.append(f"   Through the order: {', '.join(g.interventions)}.")
        steps = [st for st in g.steps if st.status not in STEPS_DONE]
        if steps:
            lines.append("   Steps:")
            lines += [_step_line(st) for st in steps]
        blocks.append("\n".join(lines))
    return "\n".join(blocks)
