"""Shared fillers for the needs and sentence plan tests (issue 20): a case with an order, a needs assessment
rated in every section, and a plan ready to agree."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from itertools import count
from typing import Any

from lpt_desktop.assessment.needs import needs_data
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import needs
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.store.database import Database

_crns = count(300001)


def new_case(db: Database, start: date, *, gender: str = "Male", programme: str | None = "TSP",
             days: int = 365) -> str:
    reqs = [cr.RequirementIn("UPW", {"hours": 80})]
    if programme:
        reqs.append(cr.RequirementIn("PROG", {"programme": programme}))
    pid = cr.create_case(db, cr.NewCase(f"N{next(_crns)}", "Sam", "Riley", date(1990, 2, 3), cr.SentenceIn(
        "CO", start, start + timedelta(days=days), requirements=tuple(reqs))), today=start)
    if gender != "Male":
        from lpt_desktop.services.cases import update_person

        update_person(db, pid, gender=gender)
    return pid


def rated(severities: Mapping[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    """Flat fields rating every section (none unless given), evidence for each need, no barriers present."""
    fields: dict[str, Any] = {}
    for s in needs_data().sections:
        sev = (severities or {}).get(s.key, "none")
        fields[f"section.{s.key}.severity"] = sev
        if sev != "none":
            fields[f"section.{s.key}.evidence"] = f"{s.label}: seen at interview and in the pre-sentence report"
            fields[f"section.{s.key}.reoffending"] = True
    for b in needs_data().barriers:
        fields.setdefault(f"barrier.{b.key}.present", False)
    fields.update(extra)
    return fields


def complete_needs(db: Database, pid: str, on: date, severities: Mapping[str, str] | None = None,
                   **extra: Any) -> str:
    aid = needs.start_assessment(db, pid, today=on)
    needs.save_draft(db, aid, rated(severities, **extra), on)
    needs.complete_assessment(db, aid, today=on)
    return aid


def goal(title: str = "A settled home", area: str = "accommodation", outcome: str = "Sam has a settled home",
         choice: str = "6_months", **kw: Any) -> sp.GoalIn:
    return sp.GoalIn(title, area, outcome, choice, **kw)


def step(what: str = "Register with the housing options team", who: str = "person", by: date | None = None,
         **kw: Any) -> sp.StepIn:
    return sp.StepIn(what, who, by_when=by, **kw)


def ready_plan(db: Database, pid: str, on: date) -> tuple[str, str, str]:
    """A draft plan with one goal and one step, ready to agree: (plan, goal, step)."""
    plan = sp.start_plan(db, pid, today=on)
    g = sp.add_goal(db, plan, goal(), on)
    st = sp.add_step(db, g, step(by=on + timedelta(days=28)), today=on)
    sp.set_persons_words(db, plan, "I want my own place and to stop sofa surfing",
                         involvement="Wrote the plan together at the office")
    return plan, g, st
