"""Sentence plan fixes after the issue 20 review, on real encrypted files: deletes reach the sync outbox row by
row (children first), contact links go with a deleted goal, a contact's goal ids are checked and de-duplicated,
goal status changes always leave a note, a completed plan's content changes only inside an open review, the
agreement is one transaction recorded only when it changed, and evidence follows a goal into a new version."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.contacts import record_contact
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import ContactPlanLink
from lpt_desktop.store.plan_models import ContactStepLink, PlanAgreement, PlanGoalStatus
from lpt_desktop.store.sync_models import SyncOutbox, SyncState
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import goal, new_case, ready_plan, step

TODAY = TEST_TODAY
START = TODAY - timedelta(days=40)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("plans") / "p.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    with database.write() as s:  # as if enrolled: changes to synced records go to the outbox
        s.add(SyncState(key="laptop_id", value="laptop-under-test"))
    yield database
    database.close()


def _seq(db: Database) -> int:
    with db.read() as s:
        return int(s.scalar(select(func.coalesce(func.max(SyncOutbox.seq), 0))))


def _deletes(db: Database, after: int) -> list[tuple[str, str]]:
    with db.read() as s:
        return [(r.kind, r.record_id) for r in s.scalars(select(SyncOutbox).where(SyncOutbox.seq > after,
                                                                                  SyncOutbox.op == "delete")
                                                         .order_by(SyncOutbox.seq))]


def _contact(db: Database, pid: str, goals: tuple[str, ...] = (), steps: tuple[str, ...] = (),
             day: int = 1) -> str:
    at = datetime.combine(TODAY - timedelta(days=day), time(10, 0))
    return record_contact(db, pid, ContactInput(type_code="COAP", starts_at=at, outcome="ATTC",
                                                location="Preston office", notes="Talked about the housing list",
                                                plan_objective_ids=goals, plan_step_ids=steps),
                          now=datetime.combine(TODAY, time(17, 0)))


# -- 1 and 11: deletes reach the outbox, links go with the goal ----------------------------------------
def test_discarding_a_draft_sends_a_delete_for_every_goal_step_link_and_agreement_children_first(db):
    pid = new_case(db, START)
    plan, g1, s1 = ready_plan(db, pid, TODAY)
    g2 = sp.add_goal(db, plan, goal("Work", "ete", "Sam is in paid work"), TODAY)
    s2 = sp.add_step(db, g2, step("See the ETE provider", by=TODAY + timedelta(days=14)))
    sp.set_goal_status(db, g2, "future", "Work waits until Sam has a home", TODAY)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY)
    cid = _contact(db, pid, (g1,), (s1,))
    with db.read() as s:
        agreement = s.scalar(select(PlanAgreement.id).where(PlanAgreement.plan_id == plan))
        history = s.scalar(select(PlanGoalStatus.id).where(PlanGoalStatus.goal_id == g2))
    before = _seq(db)
    sp.discard_plan(db, plan, TODAY)
    sent = _deletes(db, before)
    assert set(sent) == {("contact_step_link", f"{cid}|{s1}"), ("contact_plan_link", f"{cid}|{g1}"),
                         ("plan_goal_status", history), ("plan_step", s1), ("plan_step", s2), ("plan_goal", g1),
                         ("plan_goal", g2), ("plan_agreement", agreement), ("sentence_plan", plan)}, sent
    order = [k for k, _ in sent]
    assert order.index("plan_step") < order.index("plan_goal") < order.index("sentence_plan")
    assert max(order.index("contact_step_link"), order.index("contact_plan_link")) < order.index("plan_step")


def test_deleting_a_goal_deletes_its_steps_and_contact_links_through_the_outbox(db):
    pid = new_case(db, START)
    plan, g1, s1 = ready_plan(db, pid, TODAY)
    cid = _contact(db, pid, (g1,), (s1,))
    before = _seq(db)
    sp.delete_goal(db, g1)
    assert set(_deletes(db, before)) == {("contact_step_link", f"{cid}|{s1}"), ("contact_plan_link", f"{cid}|{g1}"),
                                         ("plan_step", s1), ("plan_goal", g1)}
    with db.read() as s:  # no link left saying "a goal of an earlier sentence plan"
        assert s.scalar(select(func.count()).select_from(ContactPlanLink)
                        .where(ContactPlanLink.contact_id == cid)) == 0
        assert s.scalar(select(func.count()).select_from(ContactStepLink)
                        .where(ContactStepLink.contact_id == cid)) == 0


def test_relinking_a_contact_sends_a_delete_for_the_link_taken_off(db):
    pid = new_case(db, START)
    plan, g1, s1 = ready_plan(db, pid, TODAY)
    cid = _contact(db, pid, (g1,), (s1,))
    before = _seq(db)
    sp.link_contact(db, cid, [], [s1])
    assert _deletes(db, before) == [("contact_plan_link", f"{cid}|{g1}")]


# -- 20: a contact's goals are this case's, once each ------------------------------------------------
def test_a_contact_refuses_another_cases_goal_and_links_a_goal_ticked_twice_once(db):
    pid, other = new_case(db, START), new_case(db, START)
    _plan, g1, _s1 = ready_plan(db, pid, TODAY)
    _plan2, theirs, _s2 = ready_plan(db, other, TODAY)
    with pytest.raises(ValidationError) as refused:
        _contact(db, pid, (theirs,))
    assert [e.field for e in refused.value.errors] == ["Sentence plan goals"]
    cid = _contact(db, pid, (g1, g1))
    with db.read() as s:
        assert list(s.scalars(select(ContactPlanLink.objective_id).where(ContactPlanLink.contact_id == cid))) == [g1]


def completed(db: Database, pid: str) -> tuple[str, str, str]:
    plan, g, st = ready_plan(db, pid, TODAY)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY)
    assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY).completed
    return plan, g, st


# -- 4: every status change has its note -------------------------------------------------------------
def test_a_target_given_or_taken_off_changes_the_status_with_a_note_in_the_history(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    g = sp.add_goal(db, plan, goal(choice="none"), TODAY)
    sp.update_goal(db, g, goal(choice="3_months"), TODAY)
    sp.update_goal(db, g, goal(choice="none"), TODAY)
    view = sp.plan_view(db, plan, TODAY).goals[0]
    assert view.status == "future"
    assert [(h.status, h.note) for h in view.history] == [
        ("active", "Target date set to 23/02/2027 when the goal was changed"),
        ("future", "Target date taken off when the goal was changed")]


def test_making_a_goal_future_takes_its_target_off_and_making_it_active_asks_for_one(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    g = sp.add_goal(db, plan, goal(choice="6_months"), TODAY)
    sp.set_goal_status(db, g, "future", "Waits until Sam has a home", TODAY)
    view = sp.plan_view(db, plan, TODAY).goals[0]
    assert (view.status, view.target_date, view.target_choice, view.errors) == ("future", None, "none", ())
    with pytest.raises(ValidationError, match="Target date"):
        sp.set_goal_status(db, g, "active", "Sam has a home now", TODAY)
    sp.set_goal_status(db, g, "active", "Sam has a home now", TODAY, target_choice="3_months")
    view = sp.plan_view(db, plan, TODAY).goals[0]
    assert (view.status, view.target_date, view.errors) == ("active", TODAY.replace(year=2027, month=2), ())
    assert [h.status for h in view.history] == ["future", "active"]


# -- 6: a completed plan's content changes only in a review ---------------------------------------------
def test_a_completed_plans_content_is_not_edited_in_place_but_its_progress_is(db):
    pid = new_case(db, START)
    plan, g, st = completed(db, pid)
    for change in (lambda: sp.update_goal(db, g, goal(title="Another home"), TODAY),
                   lambda: sp.add_goal(db, plan, goal("Work", "ete", "Sam is in paid work"), TODAY),
                   lambda: sp.add_step(db, g, step(by=TODAY + timedelta(days=7))),
                   lambda: sp.update_step(db, st, step("Something else", by=TODAY + timedelta(days=7))),
                   lambda: sp.move_goal(db, g, 0)):
        with pytest.raises(ValidationError, match="in a review"):
            change()
    sp.set_step_status(db, st, "in_progress")  # progress is recorded against the plan in force
    sp.set_goal_status(db, g, "achieved", "Moved into a council flat", TODAY)
    pid2 = new_case(db, START)
    plan2, g2, st2 = completed(db, pid2)
    sp.start_review(db, plan2, today=TODAY)  # inside an open review the plan may change
    sp.update_goal(db, g2, goal(title="A settled home near work"), TODAY)
    sp.add_step(db, g2, step("Bid for flats each week", by=TODAY + timedelta(days=7)))
    assert sp.plan_view(db, plan2, TODAY).goals[0].title == "A settled home near work"


# -- 2 and 5: the agreement form's one transaction --------------------------------------------------------
def _agreements(db: Database, plan: str) -> list[tuple[str, str | None, bool]]:
    with db.read() as s:
        return [(a.agreement, a.persons_words, a.updated) for a in s.scalars(
            select(PlanAgreement).where(PlanAgreement.plan_id == plan).order_by(PlanAgreement.created_at))]


def test_saving_the_agreement_again_without_a_change_records_nothing_new(db):
    pid = new_case(db, START)
    plan, _g, _st = ready_plan(db, pid, TODAY)
    words = "I want my own place and to stop sofa surfing"
    assert sp.save_agreement(db, plan, words, "At the office", sp.AgreementIn("yes"), today=TODAY)
    assert sp.save_agreement(db, plan, words, "At the office", sp.AgreementIn("yes"), today=TODAY) is None
    sp.save_agreement(db, plan, words + " and to get work", "At the office", sp.AgreementIn("yes"), today=TODAY)
    assert len(_agreements(db, plan)) == 1  # a draft's words are the plan's, not a new agreement
    assert sp.plan_view(db, plan, TODAY).persons_words.endswith("and to get work")
    sp.save_agreement(db, plan, words, "At the office", sp.AgreementIn("no", "Wants work first"), today=TODAY)
    assert [a for a, _w, _u in _agreements(db, plan)] == ["yes", "no"]


def test_a_refused_agreement_leaves_the_words_unsaved_and_long_words_are_refused_by_name(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    sp.add_goal(db, plan, goal(), TODAY)  # an active goal without a step: not ready to agree
    with pytest.raises(ValidationError, match="cannot be recorded yet"):
        sp.save_agreement(db, plan, "New words", "At home", sp.AgreementIn("yes"), today=TODAY)
    assert sp.plan_view(db, plan, TODAY).persons_words == ""  # one transaction: nothing half saved
    for call in (lambda: sp.save_agreement(db, plan, "x" * 4001, None, None, today=TODAY),
                 lambda: sp.record_agreement(db, plan, sp.AgreementIn("yes", persons_words="x" * 4001), TODAY)):
        with pytest.raises(ValidationError) as refused:
            call()
        assert refused.value.errors[0].field == "The person's words"
        assert "4,000" in refused.value.errors[0].message


def test_an_updated_agreement_on_a_completed_plan_keeps_their_new_words(db):
    pid = new_case(db, START)
    plan, _g, _st = completed(db, pid)
    shown = sp.plan_view(db, plan, TODAY)
    assert sp.save_agreement(db, plan, shown.persons_words, None, sp.AgreementIn("yes"), today=TODAY) is None
    sp.save_agreement(db, plan, "I have a flat now; I want work", None,
                      sp.AgreementIn("no", "Does not want the drug goal"), today=TODAY)
    view = sp.plan_view(db, plan, TODAY)
    assert view.persons_words == shown.persons_words  # the completed plan stays as it was
    assert (view.agreement.agreement, view.agreement.persons_words, view.agreement.updated) == (
        "no", "I have a flat now; I want work", True)
    with pytest.raises(ValidationError, match="How they took part"):
        sp.save_agreement(db, plan, "I have a flat now; I want work", "Changed", sp.AgreementIn("yes"), today=TODAY)


# -- 14: completing after the agreement ------------------------------------------------------------------
def test_completing_refuses_an_agreement_the_plan_no_longer_fits_and_warns_when_it_predates_changes(db):
    pid = new_case(db, START)
    plan, g, st = ready_plan(db, pid, TODAY)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY)
    g2 = sp.add_goal(db, plan, goal("Work", "ete", "Sam is in paid work"), TODAY)  # active, no step
    with pytest.raises(ValidationError) as refused:
        sp.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY)
    assert refused.value.errors[0].field == "Agreement" and "has no steps" in refused.value.errors[0].message
    sp.add_step(db, g2, step("See the ETE provider", by=TODAY + timedelta(days=14)))
    done = sp.complete_plan(db, plan, today=TODAY)
    assert not done.completed and any("predates changes" in w for w in done.warnings)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY)  # agreed again to the plan as it is now
    done = sp.complete_plan(db, plan, today=TODAY)
    assert not any("predates" in w for w in done.warnings)
    assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY).completed


# -- 10: one version offered, evidence follows the goal ------------------------------------------------
def test_contacts_are_offered_one_version_and_evidence_follows_a_goal_into_the_new_version(db):
    pid = new_case(db, START)
    plan, g, st = completed(db, pid)
    cid = _contact(db, pid, (g,), (st,))
    draft = sp.start_plan(db, pid, "review", today=TODAY)
    new = sp.add_goal(db, draft, goal("Work", "ete", "Sam is in paid work"), TODAY)
    offered = [(c.kind, c.id, c.label) for c in sp.open_items(db, pid)]
    assert offered == [("goal", g, "Goal 1: A settled home"),
                       ("step", st, "Step: Register with the housing options team"),
                       ("goal", new, "Goal 2 (draft plan): Work")]
    copied = sp.plan_view(db, draft, TODAY).goals[0]
    assert [e.contact_id for e in copied.evidence] == [cid]
    assert [e.contact_id for e in copied.steps[0].evidence] == [cid]
