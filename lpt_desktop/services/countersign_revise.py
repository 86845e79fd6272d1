"""Revising work the team manager returned (issue 19): a new version, since a completed RoSH assessment is
never edited (issue 18). For an assessment, a review started from the returned one (its text carried forward,
each section confirmed or rewritten); for a plan, a new plan from the returned plan's open actions. Completing
it submits it to the manager again (services/countersign.py record_completion), whatever the level now.

A module of its own: it starts RoSH work (services/rosh.py, rosh_plan.py), which itself calls
services/countersign.py, so revise cannot live there without an import cycle.
"""

from __future__ import annotations

from datetime import date

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.services.countersign import actor_in, chain_status, person_of, refusal
from lpt_desktop.store.database import Database


def revise(db: Database, target_kind: str, target_id: str, today: date | None = None) -> str:
    """Start revising returned work: a RoSH review started from the returned assessment (its text carried
    forward, each section confirmed or rewritten), or a new plan from the returned plan's open actions.
    Completing it submits it to the manager again. Returns the new draft's id."""
    with db.read() as s:
        person_id = person_of(s, target_kind, target_id)
        actor = actor_in(s, db)
        status = chain_status(s, target_kind, target_id)
    ok, why = cs.may_act(actor.role, actor.username, actor.username, cs.RESUBMITTED)
    if not ok:
        raise refusal(why)
    if status != cs.REJECTED:
        raise refusal(f"{cs.kind_label(target_kind)} is {cs.status_label(status).lower()}: only work returned to "
                      "the officer is revised")
    if target_kind == cs.ROSH_ASSESSMENT:
        return rosh.start_assessment(db, person_id, False, today)
    if target_kind == cs.RISK_PLAN:
        return rosh_plan.start_plan(db, person_id, today, copy_open_actions=True)
    raise refusal("is not revised here", cs.kind_label(target_kind))


__all__ = ["revise"]
