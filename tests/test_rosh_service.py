"""RoSH screenings, reviews, summaries and risk management plans through the services (issue 18), on a real
encrypted file: the trigger rules and the gate, the sources warnings, the level flowing to the case, its register
and the caseload, text carried forward (edited then put back still carried; confirmed one section at a time),
the report writer's screening confirmed or revised as an obligation, reviews owed after each significant change
met by a completed review, and the plan's completeness and evidence."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import count

import pytest
from sqlalchemy import select

from lpt_desktop.assessment.rosh_screening import GATE_FIELD
from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.contacts import ContactInput
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import obligations as so
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.caseload import load_caseload
from lpt_desktop.services.contacts import record_contact
from lpt_desktop.services.tiering import tier_inputs
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person, Registration
from lpt_desktop.store.rosh_models import RoshAssessment
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.rosh_fill import REASON, all_answers, complete_screened_out, full, levels, required_sources, screened_out

TODAY = TEST_TODAY  # Monday 23/11/2026
START = TODAY - timedelta(days=120)
AFTER = "after a significant change"
OFFICER = "Alex Morgan"
_crns = count(100001)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("rosh") / "r.lptdb", PASSPHRASE, OFFICER, "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def new_case(db: Database, start: date = START) -> str:
    return cr.create_case(db, cr.NewCase(f"R{next(_crns)}", "Sam", "Riley", date(1988, 4, 5), cr.SentenceIn(
        "CO", start, start + timedelta(days=365), requirements=(cr.RequirementIn("UPW", {"hours": 60}),))),
        today=min(start, TODAY))


def owed(db: Database, pid: str, rule: str, as_of: date = TODAY) -> list[so.Obligation]:
    return [o for o in so.case_obligations(db, pid, as_of) if o.rule == rule]


def rosh_registers(db: Database, pid: str) -> list[tuple[str, date, date | None]]:
    with db.read() as s:
        rows = s.execute(select(Registration.type_code, Registration.start_date, Registration.ended_on)
                         .where(Registration.person_id == pid, Registration.type_code.in_(
                             ["RLRH", "RMRH", "RHRH", "RVHR"])).order_by(Registration.start_date)).all()
    return [tuple(r) for r in rows]


# -- the screening: triggers, the gate, the sources -------------------------------------------------
def test_nothing_of_concern_needs_no_full_analysis_and_missing_checks_are_warned_about_until_acknowledged(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    assert rosh.assessment_view(db, aid, TODAY).kind == "screening"
    rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(), sources_checked=["interview"],
                                                  summary=rosh.SummaryDraft(community=levels("L"),
                                                                            no_analysis_reason=REASON)), TODAY)
    view = rosh.assessment_view(db, aid, TODAY)
    assert view.triggers == () and view.full_analysis == "not_needed"
    first = rosh.complete_assessment(db, aid, today=TODAY)
    assert not first.completed and len(first.warnings) == 2
    assert any("domestic abuse" in w for w in first.warnings) and any("Children's services" in w
                                                                       for w in first.warnings)
    with db.read() as s:  # nothing written: still a draft, the case has no level
        assert s.get(RoshAssessment, aid).status == "draft" and s.get(Person, pid).rosh is None
    done = rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TODAY)
    assert done.completed and done.level == "L" and done.register == "RLRH"
    view = rosh.assessment_view(db, aid, TODAY)
    assert view.status == "complete" and view.warnings_acknowledged == first.warnings
    assert view.completed_by == OFFICER and view.completed_on == TODAY and view.countersign_status == "self_signed"


def test_a_reason_recorded_for_a_check_not_made_is_not_warned_about(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    screened_out(db, aid, today=TODAY)
    rosh.set_sources(db, aid, ["interview", "childrens_services"],
                     {"police_domestic_abuse": "Police checks requested; no reply by the court date."})
    assert rosh.completion_check(db, aid, TODAY).warnings == []


@pytest.mark.parametrize(("question", "period", "answer", "triggers"), [
    ("wounding_gbh", "previous", "yes", True),  # previous behaviour alone triggers it
    ("domestic_abuse", "current", "dont_know", True),  # don't know counts as yes
    ("robbery", "current", "no", False),
    ("suicide", "current", "yes", False),  # risk to self: not an offending or behaviour block
    ("child_concerns", "current", "yes", False),
])
def test_trigger_rules_through_the_service(db, question, period, answer, triggers):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(**{question: {period: answer}})), TODAY)
    view = rosh.assessment_view(db, aid, TODAY)
    assert bool(view.triggers) == triggers
    assert view.full_analysis == ("required" if triggers else "not_needed")
    rosh.discard_draft(db, aid, TODAY)


def test_a_required_full_analysis_is_an_obligation_and_refuses_completion_until_written(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY - timedelta(days=7))
    rosh.save_draft(db, aid, rosh.AssessmentDraft(answers=all_answers(wounding_gbh={"previous": "yes"}),
                                                  sources_checked=required_sources()), TODAY)
    [o] = owed(db, pid, "rosh_full_analysis")
    assert o.status in ("due", "overdue") and o.due_from == TODAY - timedelta(days=7)
    assert o.due_by == date(2026, 12, 7)  # 15 working days from Monday 16/11/2026
    with pytest.raises(ValidationError) as refused:
        rosh.complete_assessment(db, aid, today=TODAY)
    fields = {e.field for e in refused.value.errors}
    assert {"Previous behaviour: What happened", "Current behaviour: Sources", "Who is at risk",
            "Nature of the risk"} <= fields
    full(db, aid, "M", TODAY)
    done = rosh.complete_assessment(db, aid, today=TODAY)
    assert done.completed and done.level == "M"
    [o] = owed(db, pid, "rosh_full_analysis")
    assert o.status == "met" and o.met_on == TODAY
    assert rosh.assessment_view(db, aid, TODAY).full_analysis == "done"


def test_the_gate_needs_a_reason_of_a_sentence_and_then_the_summary_is_screened_out(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    screened_out(db, aid, today=TODAY)
    rosh.set_answer(db, aid, "weapons", "previous", "yes")
    rosh.decide_full_analysis(db, aid, True, "Old matter.")
    with pytest.raises(ValidationError) as refused:
        rosh.complete_assessment(db, aid, today=TODAY)
    assert GATE_FIELD in {e.field for e in refused.value.errors}
    rosh.decide_full_analysis(db, aid, True, "A knife carried in 2009 as a teenager, no violence since or before.")
    assert rosh.assessment_view(db, aid, TODAY).full_analysis == "not_doing"
    assert not owed(db, pid, "rosh_full_analysis")
    assert rosh.complete_assessment(db, aid, today=TODAY).completed
    view = rosh.assessment_view(db, aid, TODAY)
    assert view.full_analysis == "not_doing" and view.gate_reason.startswith("A knife")


def test_the_gates_reason_stands_as_why_no_full_analysis_was_needed(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    rosh.save_draft(db, aid, rosh.AssessmentDraft(
        answers=all_answers(arson={"previous": "yes"}), sources_checked=required_sources(),
        summary=rosh.SummaryDraft(community=levels("L"))), TODAY)
    assert "Who is at risk" in {e.field for e in rosh.completion_check(db, aid, TODAY).errors}
    rosh.decide_full_analysis(db, aid, True, "A bin set alight at school aged 12; nothing like it in 20 years.")
    assert rosh.completion_check(db, aid, TODAY).errors == []


def test_autosave_keeps_what_is_typed_refuses_wrong_types_and_a_completed_assessment_is_kept(db):
    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    rosh.save_analysis(db, aid, "current", "what", "Half a sentence", TODAY)
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"who_at_risk": "Partner"}), TODAY)
    rosh.save_analysis(db, aid, "current", "how", "With a", TODAY)
    view = rosh.assessment_view(db, aid, TODAY)
    assert view.analysis["current"] == {"what": "Half a sentence", "how": "With a"}
    assert view.summary_texts == {"who_at_risk": "Partner"}
    with pytest.raises(ValidationError, match="not a level"):
        rosh.save_summary(db, aid, rosh.SummaryDraft(community={"public": "extreme"}), TODAY)
    with pytest.raises(ValidationError, match="not an answer"):
        rosh.save_draft(db, aid, rosh.AssessmentDraft(answers={"murder": {"current": "maybe"}}), TODAY)
    with pytest.raises(ValidationError, match="draft .* is open"):
        rosh.start_assessment(db, pid, today=TODAY)
    rosh.discard_draft(db, aid, TODAY)
    done = complete_screened_out(db, pid, TODAY)
    with pytest.raises(ValidationError, match="completed on 23/11/2026"):
        rosh.save_analysis(db, done, "current", "what", "Changed later", TODAY)


# -- the level on the case, its register and the caseload -------------------------------------------
def test_the_level_flows_to_the_case_the_register_and_the_caseload_and_custody_levels_count_in_custody(db):
    pid = new_case(db)
    first = TODAY - timedelta(days=200)
    complete_screened_out(db, pid, first)
    assert rosh_registers(db, pid) == [("RLRH", first, None)]
    aid = rosh.start_assessment(db, pid, today=TODAY)
    full(db, aid, "H", TODAY)
    for key in rosh.assessment_view(db, aid, TODAY).unconfirmed:
        rosh.confirm_carried(db, aid, key, TODAY)
    done = rosh.complete_assessment(db, aid, today=TODAY)
    assert (done.level, done.register) == ("H", "RHRH")
    assert rosh_registers(db, pid) == [("RLRH", first, TODAY), ("RHRH", TODAY, None)]
    [row] = [r for r in load_caseload(db, TODAY) if r.person_id == pid]
    assert (row.rosh, row.rosh_label) == ("H", "High")
    with db.read() as s:
        assert s.get(Person, pid).rosh == "H"
        assert tier_inputs(s, pid, TODAY).rosh == "H"  # tiering reads the level at once
    # and so do the policy's rules that depend on it
    assert [o.description for o in owed(db, pid, "home_visit")] == [
        "Home visit within 15 days of the start of supervision (high or very high RoSH)"]
    # Completing does not itself open a review (its register is not a 'new register' change).
    assert not [o for o in owed(db, pid, "rosh_review") if AFTER in o.description and o.status != "met"]
    overview = rosh.rosh_overview(db, pid, TODAY)
    assert overview.level == "H" and overview.plan_required and overview.plan is None
    assert [h.level for h in overview.history] == ["H", "L"]


def test_in_custody_the_custody_levels_give_the_overall_level(db):
    pid = new_case(db)
    with db.read() as s:
        sid = s.get(Person, pid).sentences[0].id
    cr.terminate_sentence(db, sid, TODAY - timedelta(days=60), "breached_resentenced")
    lic = cr.release_on_licence(db, pid, cr.ReleaseIn(TODAY - timedelta(days=50), TODAY - timedelta(days=59),
                                                      TODAY + timedelta(days=700)))
    cr.recall(db, lic, TODAY - timedelta(days=3), "Further offence", "standard")
    aid = rosh.start_assessment(db, pid, today=TODAY)
    screened_out(db, aid, "L", TODAY)
    check = rosh.completion_check(db, aid, TODAY)
    assert "Risk to prisoners (in custody)" in {e.field for e in check.errors}
    rosh.save_summary(db, aid, rosh.SummaryDraft(custody={**levels("L", custody=True), "prisoners": "M"}), TODAY)
    done = rosh.complete_assessment(db, aid, acknowledge_warnings=True, today=TODAY)
    assert done.level == "M" and rosh.assessment_view(db, aid, TODAY).in_custody


# -- reviews: text carried forward ------------------------------------------------------------------
def test_a_review_carries_text_forward_marked_with_its_age_and_each_section_is_confirmed_on_its_own(db):
    pid = new_case(db, TODAY - timedelta(days=900))
    written = TODAY - timedelta(days=800)
    first = rosh.start_assessment(db, pid, today=written)
    full(db, first, "M", written)
    assert rosh.complete_assessment(db, first, today=written).completed
    aid = rosh.start_assessment(db, pid, today=TODAY)
    view = rosh.assessment_view(db, aid, TODAY)
    assert view.kind == "review" and view.previous_id == first
    carried = {s.key: s for s in view.sections if s.carried}
    assert set(carried) == set(view.unconfirmed) and "summary.who_at_risk" in carried
    assert carried["summary.who_at_risk"].origin == written
    assert carried["summary.who_at_risk"].carried_label == "carried forward from 14/09/2024, 2 years 2 months old"
    assert view.carried_share == 1.0 and view.oldest_carried == written
    assert view.stale_carried and {k for k, _o in view.stale_carried} == set(carried)  # over 12 months old
    rosh.set_sources(db, aid, required_sources(), {})
    with pytest.raises(ValidationError) as refused:
        rosh.complete_assessment(db, aid, today=TODAY)
    assert {"Who is at risk", "Current behaviour: What happened"} <= {e.field for e in refused.value.errors}
    assert any("carried forward from 14/09/2024" in e.message for e in refused.value.errors)

    # Edited, then put back as it was: still carried, and still to be confirmed.
    before = view.summary_texts["who_at_risk"]
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"who_at_risk": "Anyone"}), TODAY)
    assert "summary.who_at_risk" not in rosh.assessment_view(db, aid, TODAY).unconfirmed
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"who_at_risk": before + "  "}), TODAY)
    again = rosh.assessment_view(db, aid, TODAY)
    assert "summary.who_at_risk" in again.unconfirmed
    assert next(s for s in again.sections if s.key == "summary.who_at_risk").origin == written

    # Rewritten: no longer carried; the share falls.
    rosh.save_summary(db, aid, rosh.SummaryDraft(texts={"nature": "Physical harm, with threats to kill."}), TODAY)
    rewritten = rosh.assessment_view(db, aid, TODAY)
    assert "summary.nature" not in rewritten.unconfirmed and 0 < rewritten.carried_share < 1
    with pytest.raises(ValidationError, match="not carried forward"):
        rosh.confirm_carried(db, aid, "summary.nature", TODAY)

    # One section per call: confirming one leaves the others to confirm; who and when are kept.
    rosh.confirm_carried(db, aid, "summary.who_at_risk", TODAY)
    after = rosh.assessment_view(db, aid, TODAY)
    assert set(after.unconfirmed) == set(rewritten.unconfirmed) - {"summary.who_at_risk"}
    who = next(s for s in after.sections if s.key == "summary.who_at_risk")
    assert (who.confirmed_by, who.confirmed_on, who.carried) == (OFFICER, TODAY, True)
    for key in after.unconfirmed:
        rosh.confirm_carried(db, aid, key, TODAY)
    rosh.save_summary(db, aid, rosh.SummaryDraft(community={**levels("M"), "known_adult": "H"}), TODAY)
    done = rosh.complete_assessment(db, aid, today=TODAY)
    assert done.completed and done.level == "H"
    final = rosh.assessment_view(db, aid, TODAY)
    assert next(s for s in final.sections if s.key == "summary.who_at_risk").confirmed_by == OFFICER
    # The earlier version stays readable, and the two compare in words.
    assert rosh.assessment_view(db, first, TODAY).overall_level == "M"
    words = [d.words for d in rosh.compare_assessments(db, first, aid)]
    assert "Nature of the risk: rewritten" in words
    assert "Risk to known adult (in the community): medium to high" in words
    assert "Overall RoSH level: medium to high" in words
    # The next review carries the older text with its first date, and this review's own text from today.
    nxt = rosh.start_assessment(db, pid, today=TODAY)
    sections = {s.key: s for s in rosh.assessment_view(db, nxt, TODAY).sections}
    assert sections["summary.who_at_risk"].origin == written and sections["summary.nature"].origin == TODAY
    rosh.discard_draft(db, nxt, TODAY)


# -- the report writer's screening ------------------------------------------------------------------
def test_a_report_writers_screening_is_an_obligation_until_the_offender_manager_confirms_it(db):
    start = TODAY - timedelta(days=10)
    pid = new_case(db, start)
    aid = rosh.start_assessment(db, pid, by_report_writer=True, today=start - timedelta(days=20))
    screened_out(db, aid, today=start - timedelta(days=20))
    assert rosh.complete_assessment(db, aid, today=start - timedelta(days=20)).completed
    [o] = owed(db, pid, "rosh_confirmation")
    assert o.status == "due" and o.due_from == start and o.due_by == date(2026, 12, 4)
    assert rosh.rosh_overview(db, pid, TODAY).confirmation_due == o.due_by
    rosh.confirm_screening(db, aid, TODAY)
    [o] = owed(db, pid, "rosh_confirmation")
    assert o.status == "met" and o.met_on == TODAY
    view = rosh.assessment_view(db, aid, TODAY)
    assert (view.confirmation, view.confirmed_by, view.confirmed_on) == ("confirmed", OFFICER, TODAY)
    assert rosh.rosh_overview(db, pid, TODAY).confirmation_due is None
    with pytest.raises(ValidationError, match="already confirmed"):
        rosh.confirm_screening(db, aid, TODAY)


def test_revising_a_report_writers_screening_is_a_review_that_meets_the_obligation(db):
    start = TODAY - timedelta(days=40)
    pid = new_case(db, start)
    aid = rosh.start_assessment(db, pid, today=start - timedelta(days=5))
    rosh.mark_report_writer(db, aid)
    screened_out(db, aid, today=start - timedelta(days=5))
    assert rosh.complete_assessment(db, aid, today=start - timedelta(days=5)).completed
    [o] = owed(db, pid, "rosh_confirmation")
    assert o.status == "overdue"
    review = rosh.revise_screening(db, aid, TODAY)
    full(db, review, "M", TODAY)
    for key in rosh.assessment_view(db, review, TODAY).unconfirmed:
        rosh.confirm_carried(db, review, key, TODAY)
    assert rosh.complete_assessment(db, review, today=TODAY).completed
    assert rosh.assessment_view(db, aid, TODAY).confirmation == "revised"
    [o] = owed(db, pid, "rosh_confirmation")
    assert o.status == "met" and o.met_on == TODAY


# -- reviews owed after significant changes ---------------------------------------------------------
ROSH_CHANGES = sorted(k.code for k in case_codes().events.values() if "rosh_review" in k.reviews)


def test_every_significant_change_kind_owes_a_rosh_review():
    assert {"register_added", "change_of_address", "new_offence", "recall", "release"} <= set(ROSH_CHANGES)


@pytest.mark.parametrize("kind", ROSH_CHANGES)
def test_a_significant_change_opens_a_rosh_review_met_by_a_completed_review(db, kind):
    pid = new_case(db)
    complete_screened_out(db, pid, TODAY - timedelta(days=30))
    assert not [o for o in owed(db, pid, "rosh_review") if AFTER in o.description]
    with db.write() as s:
        add_event(s, pid, kind, TODAY - timedelta(days=2), "Changed")
    [o] = [o for o in owed(db, pid, "rosh_review") if AFTER in o.description]
    assert o.status == "due" and case_codes().event_label(kind).lower() in o.description
    due = rosh.rosh_overview(db, pid, TODAY).review
    assert due.due_on == o.due_by and case_codes().event_label(kind).lower() in due.why
    complete_screened_out(db, pid, TODAY)
    [o] = [o for o in owed(db, pid, "rosh_review") if AFTER in o.description]
    assert o.status == "met" and o.met_on == TODAY


def test_changes_recorded_through_the_case_record_services_open_the_review(db):
    pid = new_case(db)
    complete_screened_out(db, pid, TODAY - timedelta(days=30))
    cr.new_main_address(db, pid, cr.AddressIn("3 Moor Lane", "", "Lancaster", "LA1 1QD"), TODAY)
    from lpt_desktop.services import registers
    registers.add_register(db, pid, "ADVP", TODAY, today=TODAY)
    [o] = [o for o in owed(db, pid, "rosh_review") if AFTER in o.description]
    assert "change of address" in o.description and "new register" in o.description and o.status == "due"
    fast, _ = so.all_obligations(db, TODAY, since=TODAY)  # the caseload's fast path sees the same
    assert [x.status for x in fast[pid] if x.rule == "rosh_review" and AFTER in x.description] == ["due"]
    complete_screened_out(db, pid, TODAY)
    assert [o.status for o in owed(db, pid, "rosh_review") if AFTER in o.description] == ["met"]
    # The six-monthly review counts from the completed one.
    assert rosh.rosh_overview(db, pid, TODAY).review.due_on == date(2027, 5, 21)


# -- the risk management plan -----------------------------------------------------------------------
def test_the_plan_refuses_completion_while_an_action_lacks_who_what_or_when_and_shows_evidence(db):
    pid = new_case(db)
    with pytest.raises(ValidationError, match="completed RoSH assessment"):
        rosh_plan.start_plan(db, pid, TODAY)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    full(db, aid, "M", TODAY)
    assert rosh.complete_assessment(db, aid, today=TODAY).completed
    assert rosh.rosh_overview(db, pid, TODAY).plan_required
    plan = rosh_plan.start_plan(db, pid, TODAY)
    a1 = rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting"),
                              TODAY)
    a2 = rosh_plan.add_action(db, plan, rosh_plan.ActionIn("victim_safety", "", "Check on the victim's safety",
                                                           TODAY + timedelta(days=14)), TODAY)
    a3 = rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Police PPU", "Home visit jointly",
                                                           TODAY + timedelta(days=7)), TODAY)
    with pytest.raises(ValidationError) as refused:
        rosh_plan.complete_plan(db, plan, today=TODAY)
    errors = {e.field: e.message for e in refused.value.errors}
    assert errors["Supervision, action 1"].startswith("by when missing")
    assert errors["Victim safety planning, action 1"].startswith("who missing")
    rosh_plan.update_action(db, a1, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                       TODAY + timedelta(days=90)), TODAY)
    rosh_plan.update_action(db, a2, rosh_plan.ActionIn("victim_safety", "Victim liaison officer",
                                                       "Check on the victim's safety", TODAY + timedelta(days=14)),
                            TODAY)
    rosh_plan.move_action(db, a3, 0, TODAY)
    view = rosh_plan.plan_view(db, plan)
    assert [(a.section, a.number, a.who) for a in view.actions] == [
        ("supervision", 1, "Police PPU"), ("supervision", 2, "Offender manager"),
        ("victim_safety", 1, "Victim liaison officer")]
    result = rosh_plan.complete_plan(db, plan, today=TODAY)
    assert not result.completed and "not recorded as shared" in result.warnings[0]
    rosh_plan.record_sharing(db, plan, "police", TODAY, today=TODAY)
    with pytest.raises(ValidationError, match="say who"):
        rosh_plan.record_sharing(db, plan, "other", TODAY, today=TODAY)
    assert rosh_plan.complete_plan(db, plan, today=TODAY).completed
    with pytest.raises(ValidationError, match="completed on 23/11/2026"):
        rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "x", "y", TODAY), TODAY)
    # A contact delivers two actions: each shows it as evidence; the third has none.
    cid = record_contact(db, pid, ContactInput(type_code="COAP", starts_at=datetime(2026, 11, 20, 10, 0),
                                               outcome="ATTC", location="Preston office",
                                               notes="Weekly reporting; joint visit arranged with police."),
                         now=datetime(2026, 11, 23, 9, 0))
    rosh_plan.link_contact_to_actions(db, cid, [a1, a3])
    view = rosh_plan.plan_view(db, plan)
    evidence = {a.id: [e.contact_id for e in a.evidence] for a in view.actions}
    assert evidence == {a3: [cid], a1: [cid], a2: []}
    assert [a.id for a in view.without_evidence] == [a2]
    assert {a.id for a in rosh_plan.open_actions(db, pid)} == {a1, a2, a3}
    rosh_plan.mark_action_done(db, a1, TODAY, TODAY)
    assert {a.id for a in rosh_plan.open_actions(db, pid)} == {a2, a3}
    overview = rosh.rosh_overview(db, pid, TODAY)
    assert overview.plan is not None and overview.plan.status == "complete" and overview.plan.shared[0]["with"] == \
        "police"
    # The next plan may bring the open actions across, each without its old timescale.
    nxt = rosh_plan.start_plan(db, pid, TODAY, copy_open_actions=True)
    copied = rosh_plan.plan_view(db, nxt).actions
    assert sorted(a.what for a in copied) == ["Check on the victim's safety", "Home visit jointly"]
    assert all(a.by_when is None and a.missing == ("by when",) for a in copied)
    assert rosh.rosh_overview(db, pid, TODAY).plan.id == nxt  # the draft is shown; the contact entry offers both
    assert {a.plan_id for a in rosh_plan.open_actions(db, pid)} == {plan, nxt}


# -- the demo caseload ------------------------------------------------------------------------------
def test_every_demo_case_has_a_current_rosh_summary_at_its_level_and_some_keep_the_inspections_failings(tmp_path):
    from lpt_desktop.services.demo import DemoSpec, create_demo

    demo = create_demo(tmp_path / "d.lptdb", PASSPHRASE, DemoSpec(cases=40, contacts_per_case=2, seed=3,
                                                                   today=TODAY), kdf=KdfParams.fast())
    try:
        with demo.read() as s:
            people = s.execute(select(Person.id, Person.rosh)).all()
        drafts = no_checks = pulled = 0
        for pid, level in people:
            ov = rosh.rosh_overview(demo, pid, TODAY)
            assert ov.current is not None and ov.current.status == "complete", pid
            assert ov.current.overall_level == level and ov.level == level
            assert [r[0] for r in rosh_registers(demo, pid) if r[2] is None] == [
                {"L": "RLRH", "M": "RMRH", "H": "RHRH", "VH": "RVHR"}[level]]
            assert ov.plan_required == (ov.plan is not None)
            drafts += ov.plan is not None and ov.plan.status == "draft"
            no_checks += bool(ov.current.warnings_acknowledged)
            pulled += ov.oldest_carried is not None and (TODAY - ov.oldest_carried).days > 500
            if ov.plan is not None and ov.plan.status == "draft":
                assert any(a.missing for a in ov.plan.actions)  # actions without timescales
        assert drafts and no_checks and pulled
    finally:
        demo.close()


def test_assessments_and_plans_travel_in_the_export_and_import(db, tmp_path):
    from lpt_desktop.services import case_transfer

    pid = new_case(db)
    aid = rosh.start_assessment(db, pid, today=TODAY)
    full(db, aid, "M", TODAY)
    assert rosh.complete_assessment(db, aid, today=TODAY).completed
    plan = rosh_plan.start_plan(db, pid, TODAY)
    rosh_plan.add_action(db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                      TODAY + timedelta(days=30)), TODAY)
    rosh_plan.record_sharing(db, plan, "police", TODAY, today=TODAY)
    with db.read() as s:
        crn = s.get(Person, pid).crn
    data = case_transfer.export_cases(db, [crn])
    [case] = data["cases"]
    assert [a["overall_level"] for a in case["rosh_assessments"]] == ["M"]
    assert case["risk_plans"][0]["sharing"][0]["agency"] == "police"  # a row of its own (risk_plan_sharing)
    assert case["risk_plans"][0]["actions"][0]["who"] == "Offender manager"
    other = create_caseload(tmp_path / "other.lptdb", PASSPHRASE, "Sam Lee", "LPT0043", kdf=KdfParams.fast())
    try:
        case_transfer.import_cases(other, data)
        ov = rosh.rosh_overview(other, pid, TODAY)
        assert ov.current is not None and ov.current.id == aid and ov.current.summary_texts["who_at_risk"]
        assert ov.plan is not None and [a.what for a in ov.plan.actions] == ["Weekly reporting"]
        assert [x["with"] for x in ov.plan.shared] == ["police"]
    finally:
        other.close()
