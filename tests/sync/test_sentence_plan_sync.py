"""Sentence plan deletes travel (issue 20 review 1): a draft plan's goals, steps and the contacts' links to them,
deleted on one laptop, are deleted on the central store and on the other laptop too (each delete went to the
outbox row by row), so no laptop pulls a child whose parent is gone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select

from lpt_desktop.central.models import Record
from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services import sync as sync_service
from lpt_desktop.services.contacts import record_contact
from lpt_desktop.store.models import ContactPlanLink
from lpt_desktop.store.plan_models import (
    ContactStepLink,
    PlanAgreement,
    PlanGoal,
    PlanGoalStatus,
    PlanStep,
    SentencePlan,
)
from tests.plan_fill import goal, step
from tests.sync.cases import ids
from tests.sync.conftest import Laptop

MODELS = (SentencePlan, PlanGoal, PlanStep)


def _links(lap: Laptop) -> set[tuple[str, str]]:
    with lap.db.read() as s:
        return {*s.execute(s.query(ContactPlanLink.contact_id, ContactPlanLink.objective_id).statement).tuples(),
                *s.execute(s.query(ContactStepLink.contact_id, ContactStepLink.step_id).statement).tuples()}


def _case(central, laptop_factory, unique) -> tuple[Laptop, Laptop, str, str, str, str, date]:
    om = central.add_user(f"om-{unique}", team=f"team-{unique}")
    a, b = laptop_factory(om), laptop_factory(om)
    today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
    start = today - timedelta(days=60)
    pid = cr.create_case(a.db, cr.NewCase(f"P{int(unique, 16) % 1_000_000:06d}", "Sam", "Riley", date(1990, 2, 3),
                                          cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                                              cr.RequirementIn("UPW", {"hours": 80}),))))
    plan = sp.start_plan(a.db, pid, today=today)
    g = sp.add_goal(a.db, plan, goal(), today)
    st = sp.add_step(a.db, g, step(by=today + timedelta(days=14)))
    at = datetime.combine(today - timedelta(days=1), time(10, 0))
    record_contact(a.db, pid, ContactInput(type_code="COAP", starts_at=at, outcome="ATTC", location="Preston office",
                                           notes="Housing options", plan_objective_ids=(g,), plan_step_ids=(st,)),
                   now=at + timedelta(hours=1))
    return a, b, pid, plan, g, st, today


def test_a_discarded_draft_plan_leaves_no_goal_step_or_link_on_the_other_laptop(central, laptop_factory, unique):
    a, b, _pid, plan, g, _st, today = _case(central, laptop_factory, unique)
    a.sync()
    b.sync()
    assert ids(b.db, PlanGoal) == {g} and len(_links(b)) == 2
    sp.discard_plan(a.db, plan, today)
    result = a.sync()
    assert result.open_rejections == 0, sync_service.list_rejections(a.db)
    b.sync()
    for model in MODELS:
        assert ids(b.db, model) == ids(a.db, model) == set(), model.__tablename__
    assert _links(b) == _links(a) == set()


def test_a_discarded_draft_with_an_agreement_and_goal_statuses_is_accepted_by_the_central_store(
        central, laptop_factory, unique):
    """Agreements and goal status rows are append-only, but a discarded draft's go with it (kinds.py draft_of):
    the central store takes their deletes while the plan is a draft there, and the other laptop drops them too."""
    a, b, _pid, plan, g, _st, today = _case(central, laptop_factory, unique)
    sp.set_persons_words(a.db, plan, "I want my own place", involvement="At the office")
    sp.record_agreement(a.db, plan, sp.AgreementIn("yes"), today)
    sp.set_goal_status(a.db, g, "future", "Housing first, once the rent arrears are paid", today)
    a.sync()
    b.sync()
    assert len(ids(b.db, PlanAgreement)) == 1 and len(ids(b.db, PlanGoalStatus)) == 1
    sp.discard_plan(a.db, plan, today)
    result = a.sync()
    assert result.open_rejections == 0, sync_service.list_rejections(a.db)
    b.sync()
    for model in (*MODELS, PlanAgreement, PlanGoalStatus):
        assert ids(b.db, model) == ids(a.db, model) == set(), model.__tablename__
    for kind in ("plan_agreement", "plan_goal_status"):
        with central.db.read() as s:
            assert not s.scalars(select(Record).where(Record.kind == kind, Record.deleted.is_(False),
                                                      Record.person_id == _pid)).all(), kind


def test_a_completed_plans_agreement_and_goal_status_are_still_never_deleted(central, laptop_factory, unique):
    a, _b, _pid, plan, g, _st, today = _case(central, laptop_factory, unique)
    sp.set_goal_status(a.db, g, "future", "Housing first, once the rent arrears are paid", today)
    sp.set_goal_status(a.db, g, "active", "The arrears are paid", today, target_choice="6_months")
    sp.set_persons_words(a.db, plan, "I want my own place", involvement="At the office")
    sp.record_agreement(a.db, plan, sp.AgreementIn("yes"), today)
    assert sp.complete_plan(a.db, plan, acknowledge_warnings=True, today=today).completed
    assert a.sync().open_rejections == 0
    with a.db.write() as s:  # what no service does: a completed plan's rows taken out by hand
        s.delete(s.scalars(select(PlanAgreement).where(PlanAgreement.plan_id == plan)).one())
        s.delete(s.scalars(select(PlanGoalStatus).where(PlanGoalStatus.goal_id == g)).first())
    a.sync()
    messages = {r.kind: r.reason for r in sync_service.list_rejections(a.db)}
    assert messages == {"plan_agreement": "Saved plan_agreement records are never deleted: add an amendment instead.",
                        "plan_goal_status": "Saved plan_goal_status records are never deleted: add an amendment "
                                            "instead."}, messages
