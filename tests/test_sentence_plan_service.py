"""Sentence plans through the services (issue 20) on a real encrypted file: goals and steps checked by the
assessment room's rules, the wording check and the sequencing on the plan, the agreement refused until the
plan is ready, involvement flags, completion submitting for countersignature, goal status notes, interventions
placed under goals, contacts linked to goals and steps showing as evidence, and reviews rating every goal with
the no-change reason rule and the plan_review obligations they meet."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest

from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import obligations as so
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.contacts import record_contact
from lpt_desktop.services.countersign import countersign, countersign_queue, signing_status
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.standards.obligations import Obligation
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import complete_needs, goal, new_case, ready_plan, step

TODAY = TEST_TODAY
START = TODAY - timedelta(days=40)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("plans") / "p.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def codes(flags) -> set[str]:
    return {f.code for f in flags}


def completed_plan(db: Database, pid: str, on: date) -> tuple[str, str, str]:
    plan, g, st = ready_plan(db, pid, on)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), on)
    done = sp.complete_plan(db, plan, acknowledge_warnings=True, today=on)
    assert done.completed
    return plan, g, st


# -- goals, steps and the checks on them ------------------------------------------------------------
def test_a_goal_and_a_step_are_refused_naming_the_field_and_choose_someone_is_never_accepted(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        sp.add_goal(db, plan, goal(title="", area="nowhere"), TODAY)
    assert {e.field for e in refused.value.errors} >= {"Goal", "Area of need"}
    with pytest.raises(ValidationError, match="in the past"):
        sp.add_goal(db, plan, goal(choice="date", target_date=TODAY - timedelta(days=1)), TODAY)
    g = sp.add_goal(db, plan, goal(), TODAY)
    for who in ("choose_someone", ""):
        with pytest.raises(ValidationError) as refused:
            sp.add_step(db, g, step(who=who, by=TODAY + timedelta(days=7)))
        assert refused.value.errors[0].field == "Who"
    with pytest.raises(ValidationError, match="Partner"):
        sp.add_step(db, g, step(who="partnership_agency", by=TODAY + timedelta(days=7)))
    with pytest.raises(ValidationError, match="By when"):
        sp.add_step(db, g, step())
    sid = sp.add_step(db, g, step(who="partnership_agency", partner="accommodation_provider",
                                  by=TODAY + timedelta(days=7)))
    shown = sp.plan_view(db, plan, TODAY).goals[0].steps[0]
    assert shown.id == sid and shown.who_words.startswith("Accommodation provider")


def test_a_step_by_date_in_the_past_is_refused_as_a_goal_target_is_and_a_passed_one_shows_overdue(db):
    """Walk 7: a step's "by" date in the past was accepted silently while a goal's target in the past was refused.
    A new or changed "by" date in the past is refused by name; a step already past its date keeps it (its words
    can still change) and reads as overdue while it is still open."""
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    g = sp.add_goal(db, plan, goal(), TODAY)
    with pytest.raises(ValidationError) as refused:
        sp.add_step(db, g, step(by=TODAY - timedelta(days=1)), today=TODAY)
    assert refused.value.errors[0].field == "By when"
    assert refused.value.errors[0].message == "22/11/2026 is in the past: choose today or a later date"
    sid = sp.add_step(db, g, step(by=TODAY), today=TODAY)  # today itself is fine
    later = TODAY + timedelta(days=10)
    shown = sp.plan_view(db, plan, later).goals[0].steps[0]
    assert shown.overdue and not sp.plan_view(db, plan, TODAY).goals[0].steps[0].overdue
    sp.update_step(db, sid, step("Register with the council's housing team", by=TODAY), today=later)  # date kept
    with pytest.raises(ValidationError, match="By when"):
        sp.update_step(db, sid, step(by=later - timedelta(days=2)), today=later)
    assert sp.plan_view(db, plan, later).goals[0].steps[0].by_when == TODAY
    sp.set_step_status(db, sid, "completed")
    assert not sp.plan_view(db, plan, later).goals[0].steps[0].overdue  # done: not overdue


def test_an_activity_only_outcome_is_flagged_on_the_goal_with_a_suggestion(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    sp.add_goal(db, plan, goal("Drugs", "drugs", "Attend the drug service and complete the programme"), TODAY)
    sp.add_goal(db, plan, goal("Housing", "accommodation", "Sam has a settled home"), TODAY)
    first, second = sp.plan_view(db, plan, TODAY).goals
    assert [f.code for f in first.flags] == ["activity_only"] and "What will be different" in first.flags[0].suggestion
    assert second.flags == ()


def test_a_future_goal_has_no_target_date_and_an_active_one_needs_a_note_to_change(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    g = sp.add_goal(db, plan, goal(choice="none"), TODAY)
    view = sp.plan_view(db, plan, TODAY).goals[0]
    assert view.status == "future" and view.target_date is None
    sp.update_goal(db, g, goal(choice="3_months"), TODAY)
    view = sp.plan_view(db, plan, TODAY).goals[0]
    assert view.status == "active" and view.target_date == date(2027, 2, 23)
    with pytest.raises(ValidationError, match="Note"):
        sp.set_goal_status(db, g, "achieved", "", TODAY)
    sp.set_goal_status(db, g, "achieved", "Moved into a council flat on 20/11/2026", TODAY)
    history = sp.plan_view(db, plan, TODAY).goals[0].history
    assert [(h.status, h.note) for h in history] == [  # the target given made it active: noted too
        ("active", "Target date set to 23/02/2027 when the goal was changed"),
        ("achieved", "Moved into a council flat on 20/11/2026")]


# -- order -----------------------------------------------------------------------------------------
def test_risk_of_harm_work_first_unless_a_reason_is_recorded_and_goals_move_by_keys_or_dragging(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    a = sp.add_goal(db, plan, goal("Work", "ete", "Sam is in paid work"), TODAY)
    b = sp.add_goal(db, plan, goal("Temper", "thinking_behaviour", "Sam stays calm and walks away when angry",
                                   rosh_link=True), TODAY)
    c = sp.add_goal(db, plan, goal("Money", "finance", "Sam pays the rent on time"), TODAY)
    assert "risk_not_first" in codes(sp.plan_view(db, plan, TODAY).flags)
    sp.move_goal(db, b, 0)  # dragged to the top
    view = sp.plan_view(db, plan, TODAY)
    assert [g.id for g in view.goals] == [b, a, c] and "risk_not_first" not in codes(view.flags)
    sp.move_goal(db, c, 0)
    sp.move_goal(db, c, 1)  # one down, as Ctrl+Down does
    assert [g.id for g in sp.plan_view(db, plan, TODAY).goals] == [b, c, a]
    sp.move_goal(db, b, 2)
    assert "risk_not_first" in codes(sp.plan_view(db, plan, TODAY).flags)
    sp.set_sequence_reason(db, plan, "Housing first: nothing else holds without an address")
    assert "risk_not_first" not in codes(sp.plan_view(db, plan, TODAY).flags)


# -- interventions ---------------------------------------------------------------------------------
def test_the_orders_requirements_appear_and_are_placed_under_one_goal(db):
    pid = new_case(db, START, programme="TSP")
    plan = sp.start_plan(db, pid, today=TODAY)
    a = sp.add_goal(db, plan, goal("Temper", "thinking_behaviour", "Sam stays calm when angry"), TODAY)
    b = sp.add_goal(db, plan, goal(), TODAY)
    listed = {i.code: i for i in sp.plan_view(db, plan, TODAY).interventions}
    assert set(listed) == {"upw", "tsp"} and all(i.goal_id is None for i in listed.values())
    sp.place_intervention(db, a, listed["tsp"].requirement_id)
    sp.place_intervention(db, b, listed["tsp"].requirement_id)  # moves it
    goals = sp.plan_view(db, plan, TODAY).goals
    assert goals[0].interventions == () and [i.code for i in goals[1].interventions] == ["tsp"]
    sp.place_intervention(db, b, listed["tsp"].requirement_id, placed=False)
    assert sp.plan_view(db, plan, TODAY).goals[1].interventions == ()


# -- the person's voice ----------------------------------------------------------------------------
def test_agreement_is_refused_until_the_plan_is_ready_and_a_no_needs_the_reason(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    with pytest.raises(ValidationError, match="no goal has a target date"):
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY)
    g = sp.add_goal(db, plan, goal(), TODAY)
    view = sp.plan_view(db, plan, TODAY)
    assert not view.ready_to_agree and any("has no steps" in w for w in view.not_ready_because)
    with pytest.raises(ValidationError, match="has no steps"):
        sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY)
    sp.add_step(db, g, step(by=TODAY + timedelta(days=14)))
    assert sp.plan_view(db, plan, TODAY).ready_to_agree
    with pytest.raises(ValidationError) as refused:
        sp.record_agreement(db, plan, sp.AgreementIn("no"), TODAY)
    assert refused.value.errors[0].field == "Agreement details"
    with pytest.raises(ValidationError, match="4,000"):
        sp.record_agreement(db, plan, sp.AgreementIn("could_not_answer", "x" * 4001), TODAY)
    sp.record_agreement(db, plan, sp.AgreementIn("no", "Does not accept the drink goal", "I want a job first"),
                        TODAY)
    view = sp.plan_view(db, plan, TODAY)
    assert view.agreement is not None
    assert view.agreement.agreement == "no" and view.persons_words == "I want a job first"


def test_a_no_or_could_not_answer_is_recorded_on_a_plan_not_ready_to_agree_a_yes_is_not(db):
    """Only "yes" waits for the plan to be ready (a goal with a target date, a step under every active goal): the
    person can say they disagree with an unfinished plan, with the reason, in the same save as their words."""
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        sp.record_agreement(db, plan, sp.AgreementIn("no"), TODAY)
    assert refused.value.errors[0].field == "Agreement details"  # the reason is still required
    sp.record_agreement(db, plan, sp.AgreementIn("could_not_answer", "Too unwell to talk it through today"), TODAY)
    g = sp.add_goal(db, plan, goal(), TODAY)  # active, no step yet: not ready
    assert not sp.plan_view(db, plan, TODAY).ready_to_agree
    found = sp.save_agreement(db, plan, "I want my own place first", None,
                              sp.AgreementIn("no", "Wants the housing goal before any other"), today=TODAY)
    assert found is not None
    view = sp.plan_view(db, plan, TODAY)
    assert view.agreement is not None
    assert view.agreement.agreement == "no" and view.persons_words == "I want my own place first"
    assert [a.agreement for a in view.agreements] == ["could_not_answer", "no"]
    with pytest.raises(ValidationError, match="'yes' cannot be recorded yet") as refused:
        sp.save_agreement(db, plan, "I want my own place first", None, sp.AgreementIn("yes"), today=TODAY)
    assert "no" in refused.value.errors[0].message  # says what can be recorded now
    # Completing with the person's "no" on record is not refused for the plan being unready to agree (only a
    # "yes" would stand for agreeing to a plan that cannot be agreed).
    assert not sp.plan_view(db, plan, TODAY).ready_to_agree and g
    done = sp.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY)
    assert done.completed


def test_involvement_flags_a_plan_without_the_persons_words_or_involvement(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    g = sp.add_goal(db, plan, goal(), TODAY)
    sp.add_step(db, g, step(by=TODAY + timedelta(days=14)))
    assert "no_own_words" in codes(sp.plan_view(db, plan, TODAY).flags)
    first = sp.complete_plan(db, plan, today=TODAY)
    assert not first.completed
    assert any("without the person's involvement" in w for w in first.warnings)
    assert any("own words" in w for w in first.warnings)
    sp.set_persons_words(db, plan, "I want to stay out of trouble", involvement="Agreed the goals at the office")
    again = sp.complete_plan(db, plan, today=TODAY)
    assert not any("involvement" in w or "own words" in w for w in again.warnings)


def test_the_persons_words_changed_elsewhere_are_refused_not_overwritten(db):
    pid = new_case(db, START)
    plan = sp.start_plan(db, pid, today=TODAY)
    sp.set_persons_words(db, plan, "I want a flat")
    sp.set_persons_words(db, plan, "I want a flat near my kids")  # another laptop, synced
    with pytest.raises(sp.EditedElsewhere):
        sp.set_persons_words(db, plan, "I want a job", before="I want a flat")
    assert sp.plan_view(db, plan, TODAY).persons_words == "I want a flat near my kids"


# -- completion, countersignature, versions --------------------------------------------------------
def test_completing_submits_through_countersignature_and_seals_the_plan(db):
    pid = new_case(db, START)
    plan, g, _st = completed_plan(db, pid, TODAY)
    assert signing_status(db, "sentence_plan", plan) in ("self_signed", "awaiting_countersignature")
    assert sp.plan_view(db, plan, TODAY).signing_status == signing_status(db, "sentence_plan", plan)
    with pytest.raises(ValidationError, match="cannot be changed"):
        sp.set_sequence_reason(db, plan, "late")
    # An updated agreement later is kept beside the first.
    sp.record_agreement(db, plan, sp.AgreementIn("could_not_answer", "Too unwell to discuss it today"),
                        TODAY + timedelta(days=7))
    view = sp.plan_view(db, plan, TODAY + timedelta(days=7))
    assert view.agreement is not None
    assert [a.updated for a in view.agreements] == [False, True] and view.agreement.agreement == "could_not_answer"
    # A new version carries the open goals forward.
    new = sp.start_plan(db, pid, "review", today=TODAY + timedelta(days=8))
    carried = sp.plan_view(db, new, TODAY + timedelta(days=8))
    assert carried.plan_type == "review" and [x.title for x in carried.goals] == ["A settled home"]


def test_a_plan_at_high_rosh_awaits_the_managers_countersignature_in_the_queue(db):
    pid = new_case(db, START)
    update_person(db, pid, rosh="H")
    plan, _g, _st = completed_plan(db, pid, TODAY)
    assert signing_status(db, "sentence_plan", plan) == "awaiting_countersignature"
    queued = [q for q in countersign_queue(db, TODAY) if q.target_id == plan]
    assert len(queued) == 1 and queued[0].target_kind == "sentence_plan"
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Manager"})
    try:
        assert countersign(db, "sentence_plan", plan, today=TODAY) == "countersigned"
    finally:
        with db.write() as s:
            state.put(s, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None})
    assert sp.plan_view(db, plan, TODAY).signing_status == "countersigned"


def test_a_case_with_no_complete_plan_owes_the_initial_plan_met_by_completing_one(db):
    pid = new_case(db, START)
    owed = [o for o in so.case_obligations(db, pid, TODAY) if o.rule == "initial_sentence_plan"]
    assert owed and owed[0].status != "met"
    completed_plan(db, pid, TODAY)
    owed = [o for o in so.case_obligations(db, pid, TODAY) if o.rule == "initial_sentence_plan"]
    assert owed[0].status == "met" and owed[0].met_on == TODAY


# -- contacts as evidence --------------------------------------------------------------------------
def test_contacts_link_to_goals_and_steps_and_show_as_their_evidence(db):
    pid = new_case(db, START)
    plan, g, st = ready_plan(db, pid, TODAY)
    when = datetime.combine(TODAY - timedelta(days=1), time(10, 0))
    cid = record_contact(db, pid, ContactInput(type_code="COAP", starts_at=when, outcome="ATTC",
                                               location="Preston office", notes="Went to housing options together.",
                                               plan_objective_ids=(g,), plan_step_ids=(st,)), now=when)
    goal_view = sp.plan_view(db, plan, TODAY).goals[0]
    assert [e.contact_id for e in goal_view.evidence] == [cid]
    assert [e.contact_id for e in goal_view.steps[0].evidence] == [cid]
    assert goal_view.steps[0].evidence[0].summary == "Went to housing options together."
    other = new_case(db, START)
    with pytest.raises(ValidationError, match="Sentence plan steps"):
        record_contact(db, other, ContactInput(type_code="COAP", starts_at=when, outcome="ATTC",
                                               location="Preston office", notes="x", plan_step_ids=(st,)), now=when)
    sp.link_contact(db, cid, [g], [])
    assert sp.plan_view(db, plan, TODAY).goals[0].steps[0].evidence == ()
    choices = sp.open_items(db, pid)
    assert [c.kind for c in choices] == ["goal", "step"]


# -- reviews ----------------------------------------------------------------------------------------
def test_a_review_rates_every_goal_and_one_that_changes_nothing_says_why(db):
    pid = new_case(db, START)
    plan, g, _st = completed_plan(db, pid, START)
    on = START + timedelta(days=30)
    review = sp.start_review(db, plan, today=on)
    with pytest.raises(ValidationError) as refused:
        sp.complete_review(db, review, today=on)
    fields = {e.field for e in refused.value.errors}
    assert any(f.startswith("Goal 1") for f in fields) and "Reason for no change" in fields
    sp.save_review(db, review, sp.ReviewIn({g: "partly_met"}, {g: "On the housing list"},
                                           no_change_reason="Still waiting for an offer"))
    sp.complete_review(db, review, today=on)
    done = sp.plan_view(db, plan, on).reviews[0]
    assert done.status == "complete" and done.ratings == {g: "partly_met"} and not done.changed


def test_a_review_that_changes_the_plan_needs_no_reason(db):
    pid = new_case(db, START)
    plan, g, st = completed_plan(db, pid, START)
    on = START + timedelta(days=30)
    review = sp.start_review(db, plan, today=on)
    sp.set_step_status(db, st, "completed")
    sp.save_review(db, review, sp.ReviewIn({g: "met"}))
    sp.complete_review(db, review, today=on)
    assert sp.plan_view(db, plan, on).reviews[0].changed


def test_reviews_fall_due_at_the_interval_and_after_each_significant_change_and_a_review_meets_them(db):
    pid = new_case(db, START)
    plan, g, _st = completed_plan(db, pid, START)

    def open_reviews(as_of: date) -> list[Obligation]:
        return [o for o in so.case_obligations(db, pid, as_of) if o.rule == "plan_review" and o.status != "met"]

    assert min(o.due_by for o in open_reviews(TODAY)) > TODAY  # the next one at the interval, ahead
    with db.write() as s:
        add_event(s, pid, "change_of_address", TODAY - timedelta(days=10), "Moved to 4 Mill Lane")
    owed = open_reviews(TODAY)
    assert any("change" in o.description.lower() for o in owed)
    review = sp.start_review(db, plan, "change_of_address", today=TODAY)
    sp.save_review(db, review, sp.ReviewIn({g: "not_met"}, no_change_reason="The move keeps the same goals"))
    sp.complete_review(db, review, today=TODAY)
    assert not any("change" in o.description.lower() for o in open_reviews(TODAY))
    assert sp.plan_view(db, plan, TODAY).review_due is not None


def test_needs_in_the_plan_flags_services_called_for_but_not_named(db):
    pid = new_case(db, START, gender="Female")
    complete_needs(db, pid, START, {"accommodation": "severe", "drugs": "standard"})
    plan, g, _st = ready_plan(db, pid, TODAY)
    flags = codes(sp.plan_view(db, plan, TODAY).flags)
    assert {"service_missing:womens_centre", "service_missing:drug_alcohol_service"} <= flags
    sp.add_step(db, g, step("Weekly session at the women's centre", "partnership_agency",
                            TODAY + timedelta(days=7), partner="womens_centre"))
    flags = codes(sp.plan_view(db, plan, TODAY).flags)
    assert "service_missing:womens_centre" not in flags and "service_missing:drug_alcohol_service" in flags
