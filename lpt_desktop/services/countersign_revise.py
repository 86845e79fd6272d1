"""Revising work the team manager returned (issue 19): a new version, since a completed RoSH assessment is
never edited (issue 18). For an assessment, a review started from the returned one (its text carried forward,
each section confirmed or rewritten); for a risk management plan, a new plan from the returned plan's open
actions; for a sentence plan (issue 20), a new version of the same type from the returned plan (its goals still
active or future, their unfinished steps and the person's words: services/sentence_plan.start_plan, whose
previous_id names the returned plan). Completing it submits it to the manager again
(services/countersign.py record_completion), whatever the level now.

A module of its own: it starts RoSH work and sentence plans (services/rosh.py, rosh_plan.py, sentence_plan.py),
which themselves call services/countersign.py, so revise cannot live there without an import cycle.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.services import rosh, rosh_plan, sentence_plan
from lpt_desktop.services.countersign import actor_in, chain_status, person_of, refusal
from lpt_desktop.store.database import Database
from lpt_desktop.store.plan_models import SentencePlan


def revise(db: Database, target_kind: str, target_id: str, today: date | None = None) -> str:
    """Start revising returned work: a RoSH review started from the returned assessment (its text carried
    forward, each section confirmed or rewritten), a new risk management plan from the returned plan's open
    actions, or a new version of a returned sentence plan. Completing it submits it to the manager again.
    Returns the new draft's id."""
    with db.read() as s:
        person_id = person_of(s, target_kind, target_id)
        actor = actor_in(s, db)
        status = chain_status(s, target_kind, target_id)
        plan = s.get(SentencePlan, target_id) if target_kind == cs.SENTENCE_PLAN else None
        plan_type = plan.plan_type if plan is not None else None
        latest = s.scalar(select(SentencePlan.id).where(SentencePlan.person_id == person_id,
                                                        SentencePlan.status == "complete")
                          .order_by(SentencePlan.completed_on.desc(), SentencePlan.created_at.desc())
                          .limit(1)) if plan is not None else None
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
    if target_kind == cs.SENTENCE_PLAN and plan_type is not None:
        if latest != target_id:
            # A new version starts from the latest completed plan: a later one would be revised, not this one.
            raise refusal("a later plan has been completed since this one was returned: revise that plan, or "
                          "start a new version from it", cs.kind_label(target_kind))
        return sentence_plan.start_plan(db, person_id, plan_type, today)
    raise refusal("is not revised here", cs.kind_label(target_kind))


__all__ = ["revise"]
