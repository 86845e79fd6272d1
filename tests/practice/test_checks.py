"""Every practice check: the model case meets it, and one spoiled part fails it (table-driven, pure)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

import pytest

from lpt_desktop.assessment.needs import BarrierAnswer
from lpt_desktop.domain.reference import load_json
from lpt_desktop.practice import checks
from lpt_desktop.practice.case_facts import CaseFacts, ContactSummary, GoalFacts, PlanAction, RegisterFacts
from lpt_desktop.practice.checks import MET, NOT_APPLICABLE, NOT_MET, all_checks, run_checks, validate_checks_data
from tests.practice.facts import AS_OF, GOOD, NEEDS, SENTENCE, SETTINGS, contact_windows, day, ob, with_obligations


def _rosh(case: CaseFacts, **changes: object) -> CaseFacts:
    return replace(case, rosh=(*case.rosh[:-1], replace(case.rosh[-1], **changes)))  # type: ignore[arg-type]


def _rmp(case: CaseFacts, **changes: object) -> CaseFacts:
    assert case.risk_plan is not None
    return replace(case, risk_plan=replace(case.risk_plan, **changes))  # type: ignore[arg-type]


def _plan(case: CaseFacts, **changes: object) -> CaseFacts:
    assert case.sentence_plan is not None
    return replace(case, sentence_plan=replace(case.sentence_plan, **changes))  # type: ignore[arg-type]


def _goals(case: CaseFacts, fn: Callable[[GoalFacts], GoalFacts]) -> CaseFacts:
    assert case.sentence_plan is not None
    return _plan(case, goals=tuple(fn(g) for g in case.sentence_plan.goals))


def _needs(case: CaseFacts, **changes: object) -> CaseFacts:
    assert case.needs is not None
    return replace(case, needs=replace(case.needs, assessment=replace(case.needs.assessment, **changes)))  # type: ignore[arg-type]


# check id -> (how the model case is spoiled, words the reason must contain)
FAILS: dict[str, tuple[Callable[[CaseFacts], CaseFacts], str]] = {
    "rosh_screening_on_time": (lambda c: replace(c, rosh=(), rosh_records=()), "No RoSH screening completed"),
    "rosh_screening_confirmed": (lambda c: with_obligations(c, ob("rosh_confirmation", "overdue", day(21))),
                                 "overdue since"),
    "rosh_full_analysis": (lambda c: _rosh(c, full_analysis="required"), "requires a full analysis"),
    "rosh_sources": (lambda c: _rosh(c, sources_checked=("police_domestic_abuse",)), "children's services"),
    "risk_plan_present": (lambda c: replace(c, risk_plan=None), "no risk management plan"),
    "risk_plan_actions": (lambda c: _rmp(c, actions=(PlanAction("supervision", None, "Weekly reporting", None),)),
                          "Action 1 has no who or by when"),
    "risk_plan_shared": (lambda c: _rmp(c, shared=()), "not been shared"),
    "risk_plan_reviewed": (lambda c: with_obligations(c, ob("rosh_review", "overdue", day(184))), "overdue"),
    "risk_plan_countersigned": (lambda c: _rmp(c, signing="awaiting_countersignature"),
                                "the plan is awaiting countersignature"),
    "initial_plan_on_time": (lambda c: with_obligations(c, ob("initial_sentence_plan", "met", day(21), day(30))),
                             "met late"),
    "plan_outcome_focused": (lambda c: _goals(c, lambda g: replace(g, outcome="Attend the programme")),
                             "Only an activity"),
    "plan_sequenced": (lambda c: _plan(c, goals=tuple(reversed(c.sentence_plan.goals))),  # type: ignore[union-attr]
                       "comes after"),
    "plan_linked_to_needs": (lambda c: _goals(c, lambda g: replace(g, area="finance", need_links=(),
                                                                   rosh_link=False)), "Not linked"),
    "plan_involvement": (lambda c: _plan(c, involvement="", agreement=None), "how the person took part"),
    "diversity_assessed": (lambda c: _needs(c, barriers={**c.needs.assessment.barriers,  # type: ignore[union-attr]
                                                         "travel": BarrierAnswer(None)}),
                           "Not assessed in the needs assessment of 05/03/2026: travel"),
    "learning_plan": (lambda c: _goals(c, lambda g: replace(g, learning_plan=False)), "no learning plan"),
    "commissioned_services": (lambda c: _goals(c, lambda g: replace(g, steps=())), "named in no step"),
    "contact_frequency": (lambda c: with_obligations(c, *contact_windows(["met", "missed", "missed", "met", "met",
                                                                          "missed"])), "3 of 6 met on time"),
    "absence_decisions": (lambda c: with_obligations(c, ob("absence_action", "overdue", AS_OF - timedelta(days=3))),
                          "overdue since"),
    "breach_on_time": (lambda c: with_obligations(c, ob("breach_initiation", "missed", day(140))), "missed"),
    "high_rosh_home_visit": (lambda c: with_obligations(c, ob("home_visit", "met", day(15), day(40))), "met late"),
    "high_rosh_oversight": (lambda c: with_obligations(c, ob("management_oversight", "overdue", day(28))),
                            "overdue"),
    "high_rosh_countersigned": (lambda c: _rosh(c, signing="unsigned"), "is unsigned"),
    "cp_home_visit": (lambda c: replace(c, contacts=replace(c.contacts, home_visits=())), "no home visit"),
    "cp_oversight": (lambda c: replace(c, contacts=replace(c.contacts, oversight=())),
                     "no management oversight recorded"),
    "cp_goals": (lambda c: _goals(c, lambda g: replace(g, title="Stay well", outcome="Sam is well", steps=())),
                 "no goal"),
    "mappa_identified": (lambda c: replace(c, registers=tuple(r if r.code != "MAPP" else replace(r, level=None)
                                                              for r in c.registers)), "no level"),
    "victim_contact": (lambda c: with_obligations(c, ob("victim_contact", "missed", day(56))), "missed"),
    "victim_safety": (lambda c: _rmp(c, actions=c.risk_plan.actions[:1]),  # type: ignore[union-attr]
                      "no victim safety action"),
    "carried_forward": (lambda c: replace(c, needs=replace(NEEDS, carried=(("section.ete.evidence",
                                                                            date(2025, 1, 5)),))),
                        "dates from 05/01/2025"),
}


def test_the_data_file_is_valid_and_every_check_has_a_case_each_way():
    assert validate_checks_data(load_json("practice_checks.json")) == []
    ids = [c.id for c in all_checks()]
    assert len(ids) == len(set(ids)) == 30
    assert set(FAILS) == set(ids)


def test_a_bad_data_file_is_named_and_every_screen_is_known():
    data = load_json("practice_checks.json")
    broken = {**data, "checks": [{**data["checks"][0], "screen": "nowhere", "criterion": "9.9"},
                                 data["checks"][0], {"id": "mystery", "criterion": "1.2", "statement": "x",
                                                     "screen": "contacts", "not_applicable": "x", "action": "x"}]}
    problems = validate_checks_data(broken)
    assert any("screen 'nowhere'" in p for p in problems)
    assert any("criterion '9.9'" in p for p in problems)
    assert any("used twice" in p for p in problems)
    assert any("no function for check 'mystery'" in p for p in problems)
    results = run_checks(replace(GOOD, needs=None), SETTINGS)
    assert {r.screen for r in results} <= set(checks.SCREENS)
    assert next(r for r in results if r.id == "plan_linked_to_needs").screen == "needs_assessment"


def test_the_model_case_meets_every_check():
    results = run_checks(GOOD, SETTINGS)
    assert [(r.id, r.status) for r in results if r.status != MET] == []
    assert all(r.reason for r in results)


@pytest.mark.parametrize("check_id", list(FAILS))
def test_each_check_meets_and_fails(check_id):
    check = checks.check(check_id)
    good = check.evaluate(GOOD, SETTINGS)
    assert good.status == MET, good.reason
    spoil, words = FAILS[check_id]
    bad = check.evaluate(spoil(GOOD), SETTINGS)
    assert bad.status == NOT_MET, bad.reason
    assert words in bad.reason


def test_missing_data_is_not_met_never_not_applicable():
    bare = CaseFacts("p2", "X000002", sentence=GOOD.sentence, rosh_level=None,
                     obligations=(ob("initial_sentence_plan", "missed", day(21)),))
    results = {r.id: r for r in run_checks(bare, SETTINGS)}
    for cid in ("rosh_screening_on_time", "rosh_full_analysis", "rosh_sources", "risk_plan_present",
                "plan_outcome_focused", "plan_involvement", "diversity_assessed", "learning_plan",
                "commissioned_services", "initial_plan_on_time"):
        assert results[cid].status == NOT_MET, (cid, results[cid].reason)
    assert "No RoSH level recorded" in results["risk_plan_present"].reason


def test_not_applicable_only_by_the_stated_rules():
    low = replace(GOOD, rosh_level="L", registers=(), rosh=(_rosh(GOOD, answers={}).rosh[-1],),
                  sentence=replace(SENTENCE, offence="Theft", offence_category="other", custody_months=None),
                  obligations=tuple(o for o in GOOD.obligations if o.rule not in ("victim_contact", "home_visit",
                                                                                    "management_oversight",
                                                                                    "rosh_confirmation")))
    results = {r.id: r for r in run_checks(low, SETTINGS)}
    expect_na = {"risk_plan_present": "does not require a risk management plan",
                 "risk_plan_countersigned": "does not require", "high_rosh_home_visit": "not high",
                 "high_rosh_countersigned": "not high", "cp_home_visit": "No child-protection concerns",
                 "cp_goals": "No child-protection concerns", "mappa_identified": "MAPPA criteria are not met",
                 "victim_contact": "Victim Contact Scheme does not apply", "victim_safety": "No identifiable victim",
                 "rosh_screening_confirmed": "No report writer's screening"}
    for cid, words in expect_na.items():
        assert results[cid].status == NOT_APPLICABLE, (cid, results[cid].reason)
        assert words in results[cid].reason, (cid, results[cid].reason)
    nothing = run_checks(CaseFacts("p3", "X000003"), SETTINGS)
    assert {r.status for r in nothing} == {NOT_APPLICABLE}
    assert {r.reason for r in nothing} <= {"No sentence or order in force."} | {c.not_applicable for c in all_checks()}


def test_child_protection_from_the_screening_alone():
    no_register = replace(GOOD, registers=tuple(r for r in GOOD.registers if r.code != "RCPR"))
    assert not no_register.child_protection
    assert checks.cp_home_visit(no_register, SETTINGS).status == NOT_APPLICABLE
    answered = _rosh(no_register, answers={"child_concerns": {"current": "yes"}})
    assert answered.child_protection
    assert checks.cp_home_visit(answered, SETTINGS).status == MET


def test_not_yet_due_is_not_applicable_and_says_when():
    fresh = replace(GOOD, sentence=replace(SENTENCE, start=AS_OF - timedelta(days=3),
                                           sentence_date=AS_OF - timedelta(days=3)),
                    rosh=(), rosh_records=(), sentence_plan=None, needs=None,
                    obligations=(ob("initial_sentence_plan", "due", AS_OF + timedelta(days=12)),))
    results = {r.id: r for r in run_checks(fresh, SETTINGS)}
    assert results["initial_plan_on_time"].status == NOT_APPLICABLE
    assert "Not yet due" in results["initial_plan_on_time"].reason
    assert results["plan_outcome_focused"].status == NOT_APPLICABLE
    assert "not yet due (due by" in results["plan_outcome_focused"].reason
    assert results["rosh_screening_on_time"].status == NOT_APPLICABLE


def test_the_carried_forward_threshold_is_a_setting():
    case = FAILS["carried_forward"][0](GOOD)  # text from 05/01/2025: 22 months old on the audit day
    assert checks.carried_forward(case, SETTINGS).status == NOT_MET
    assert checks.carried_forward(case, replace(SETTINGS, carried_forward_months=24)).status == MET
    assert "24 months" in checks.carried_forward(case, replace(SETTINGS, carried_forward_months=24)).reason


def test_contact_frequency_share_and_lookback():
    three_of_four = with_obligations(GOOD, *contact_windows(["missed", "met", "met", "met"]))
    assert checks.check("contact_frequency").evaluate(three_of_four, SETTINGS).status == MET
    old_miss = with_obligations(GOOD, ob("ns_contacts", "missed", AS_OF - timedelta(days=400)),
                                *contact_windows(["met"] * 6))
    assert checks.check("contact_frequency").evaluate(old_miss, SETTINGS).status == MET  # outside the 6 months


def test_a_reasoned_decision_not_to_do_a_full_analysis_meets_it():
    case = _rosh(GOOD, full_analysis="not_doing", gate_reason="Previous behaviour was a single shove; "
                                                              "no injury and no pattern found in police checks")
    assert checks.rosh_full_analysis(case, SETTINGS).status == MET
    assert checks.rosh_full_analysis(_rosh(GOOD, full_analysis="not_doing", gate_reason="no"),
                                     SETTINGS).status == NOT_MET


def test_register_facts_and_contacts_defaults():
    assert RegisterFacts("MAPP").level is None
    assert ContactSummary().home_visits == ()


def test_unknown_level_screening_and_offence_are_not_met_never_not_applicable():
    # review 21 item 1: missing data made these "not applicable" with false reasons
    bare = CaseFacts("p2", "X000002", sentence=replace(SENTENCE, offence=None, offence_category=None),
                     rosh_level=None, obligations=(ob("initial_sentence_plan", "missed", day(21)),
                                                   ob("home_visit", "overdue", day(15)),
                                                   ob("management_oversight", "overdue", day(28)),
                                                   ob("rosh_review", "overdue", day(184))))
    results = {r.id: r for r in run_checks(bare, SETTINGS)}
    for cid in ("high_rosh_home_visit", "high_rosh_oversight", "high_rosh_countersigned", "risk_plan_reviewed"):
        assert results[cid].status == NOT_MET, (cid, results[cid].reason)
        assert "No RoSH level recorded" in results[cid].reason, (cid, results[cid].reason)
        assert results[cid].screen == "rosh_screening"
    for cid in ("cp_home_visit", "cp_oversight", "cp_goals"):
        assert results[cid].status == NOT_MET, (cid, results[cid].reason)
        assert "concerns about children is not known" in results[cid].reason
    assert results["mappa_identified"].status == NOT_MET
    assert "The offence is not recorded, so whether the MAPPA criteria are met is not known" in \
        results["mappa_identified"].reason
    no_custody = replace(GOOD, registers=(), sentence=replace(SENTENCE, custody_months=None))
    assert checks.mappa_identified(no_custody, SETTINGS).status == NOT_MET
    # before the first screening is due, an unknown level is not yet due, not a failure
    fresh = replace(bare, sentence=replace(SENTENCE, start=AS_OF - timedelta(days=3)),
                    obligations=(ob("home_visit", "due", AS_OF + timedelta(days=7)),))
    early = {r.id: r for r in run_checks(fresh, SETTINGS)}
    assert early["high_rosh_home_visit"].status == NOT_APPLICABLE
    assert "Not yet due: the first RoSH screening" in early["high_rosh_home_visit"].reason
    assert early["cp_home_visit"].status == NOT_APPLICABLE


def test_an_order_past_its_end_date_is_not_in_force():
    ended = replace(GOOD, sentence=replace(SENTENCE, end=AS_OF - timedelta(days=1)))
    results = run_checks(ended, SETTINGS)
    assert {r.status for r in results} == {NOT_APPLICABLE}
    assert all("the order ended on 22/11/2026" in r.reason for r in results), [r.reason for r in results]
    ends_today = replace(GOOD, sentence=replace(SENTENCE, end=AS_OF))
    assert [r.id for r in run_checks(ends_today, SETTINGS) if r.status != MET] == []


def test_sequenced_says_why_only_when_risk_of_harm_is_not_first():
    reasoned = _plan(GOOD, sequence_reason="Housing first: the hostel place ends in two weeks")
    assert checks.plan_sequenced(reasoned, SETTINGS).reason == "Risk of harm goals come first."
    reversed_ = _plan(reasoned, goals=tuple(reversed(GOOD.sentence_plan.goals)))  # type: ignore[union-attr]
    out = checks.plan_sequenced(reversed_, SETTINGS)
    assert out.status == MET and "is not first, and the plan says why" in out.reason


def test_sources_with_too_short_a_reason_says_so():
    case = _rosh(GOOD, sources_checked=("police_domestic_abuse",), source_reasons={"childrens_services": "n/a"})
    out = checks.rosh_sources(case, SETTINGS)
    assert out.status == NOT_MET and out.reason.endswith("gives no reason of at least a sentence.")


def test_words_counted_and_cased():
    one_action = _rmp(GOOD, actions=GOOD.risk_plan.actions[:1])  # type: ignore[union-attr]
    assert checks.risk_plan_actions(one_action, SETTINGS).reason == "The one action says who, what and by when."
    assert checks.plan_outcome_focused(GOOD, SETTINGS).reason == "Both goals state what will be different."
    assert "Both goals address" in checks.plan_linked_to_needs(GOOD, SETTINGS).reason
    assert "Both services the needs call for are in the plan" in checks.commissioned_services(GOOD, SETTINGS).reason
    due = with_obligations(GOOD, ob("rosh_review", "upcoming", AS_OF + timedelta(days=30), description="RoSH review"))
    assert "Not yet due: RoSH review by" in checks.check("risk_plan_reviewed").evaluate(due, SETTINGS).reason
    visit = with_obligations(GOOD, ob("home_visit", "upcoming", AS_OF + timedelta(days=3), description="Home visit"))
    assert "Not yet due: home visit by" in checks.check("high_rosh_home_visit").evaluate(visit, SETTINGS).reason
    writer = checks.rosh_screening_on_time(GOOD, SETTINGS).reason
    assert writer.startswith("A report writer's RoSH screening completed on"), writer
    late = replace(GOOD, rosh=(replace(GOOD.rosh[0], completed_on=day(40)), GOOD.rosh[1]),
                   rosh_records=(day(40), day(180)))
    assert checks.rosh_screening_on_time(late, SETTINGS).reason.startswith(
        "The first RoSH screening, a report writer's, was completed late")


def test_a_goal_only_mentioning_children_does_not_address_child_protection():
    job = _goals(GOOD, lambda g: replace(g, title="A job to support my son", outcome="Sam works", rosh_link=False,
                                         steps=()))
    out = checks.cp_goals(job, SETTINGS)
    assert out.status == NOT_MET and "mentions children but is not linked" in out.reason


def test_an_older_record_of_rosh_work_without_answers_leaves_child_protection_not_known():
    legacy = replace(GOOD, registers=(), rosh=(), rosh_records=(day(2),))
    out = checks.cp_home_visit(legacy, SETTINGS)
    assert out.status == NOT_MET and out.reason.startswith("No RoSH screening's answers about children")


def _with_goals(case: CaseFacts, *goals: GoalFacts) -> CaseFacts:
    assert case.sentence_plan is not None
    return replace(case, sentence_plan=replace(case.sentence_plan, goals=goals))


def test_an_achieved_learning_plan_goal_is_the_learning_plan_and_linked_to_the_screened_need():
    safety = GOOD.sentence_plan.goals[0]  # type: ignore[union-attr]
    reading = GoalFacts("Reading and writing (learning plan)", "thinking", "Reads letters unaided", "achieved",
                        learning_plan=True, achieved_on=day(150))
    done = _with_goals(GOOD, safety, reading)
    got = checks.check("learning_plan").evaluate(done, SETTINGS)
    assert got.status == MET and got.reason == "The learning plan goal was achieved on 30/07/2026."
    linked = checks.check("plan_linked_to_needs").evaluate(done, SETTINGS)
    assert linked.status == MET, linked.reason
    # No learning plan goal at all, and a goal linked to nothing assessed: both fail.
    other = GoalFacts("Reading and writing", "thinking", "Reads letters unaided", "achieved", achieved_on=day(150))
    none = _with_goals(GOOD, safety, other)
    assert checks.check("learning_plan").evaluate(none, SETTINGS).status == NOT_MET
    assert checks.check("plan_linked_to_needs").evaluate(none, SETTINGS).status == NOT_MET


def test_diversity_without_a_needs_assessment_opens_the_needs_assessment():
    got = checks.check("diversity_assessed").evaluate(replace(GOOD, needs=None), SETTINGS)
    assert got.status == NOT_MET and got.screen == "needs_assessment"
    assert got.reason == "No needs assessment yet: its barriers page records diversity needs."
    (result,) = run_checks(replace(GOOD, needs=None), SETTINGS, [checks.check("diversity_assessed")])
    assert result.screen == "needs_assessment"
    # Barriers answered (a disability present with its adjustment, language absent) are not "not assessed".
    answered = replace(NEEDS.assessment, barriers={**NEEDS.assessment.barriers,
        "disability": BarrierAnswer(True, "Ground floor room"), "language": BarrierAnswer(False),
        "health": BarrierAnswer(None)})
    got = checks.check("diversity_assessed").evaluate(replace(GOOD, needs=replace(NEEDS, assessment=answered)),
                                                      SETTINGS)
    assert got.status == NOT_MET and got.reason == "Not assessed in the needs assessment of 05/03/2026: health."
    fine = replace(NEEDS.assessment, barriers={**answered.barriers, "health": BarrierAnswer(False)})
    assert checks.check("diversity_assessed").evaluate(replace(GOOD, needs=replace(NEEDS, assessment=fine)),
                                                       SETTINGS).status == MET


def test_work_done_late_is_not_asked_for_again():
    late_plan = with_obligations(GOOD, ob("initial_sentence_plan", "met", day(21), day(30)))
    (r,) = run_checks(late_plan, SETTINGS, [checks.check("initial_plan_on_time")])
    assert r.status == NOT_MET
    assert r.check.action == ("Completed late on 01/04/2026 (due 23/03/2026), which cannot be put right now: "
                              "complete the next one on time.")
    missing = with_obligations(GOOD, ob("initial_sentence_plan", "missed", day(21)))
    (r,) = run_checks(missing, SETTINGS, [checks.check("initial_plan_on_time")])
    assert r.check.action == "Complete the initial sentence plan."
    late_rosh = replace(GOOD, rosh=(replace(GOOD.rosh[0], by_report_writer=False, completed_on=day(30)),
                                    GOOD.rosh[1]), rosh_records=(day(30), day(180)))
    (r,) = run_checks(late_rosh, SETTINGS, [checks.check("rosh_screening_on_time")])
    assert r.status == NOT_MET and r.check.action.startswith("Completed late on 01/04/2026 (due 23/03/2026)")
    (r,) = run_checks(GOOD, SETTINGS, [checks.check("rosh_screening_on_time")])
    assert r.status == MET and r.check.action == "Complete the RoSH screening for this sentence."


def test_no_oversight_at_all_names_the_days_it_was_due_and_reasons_end_in_one_stop():
    due = (ob("management_oversight", "missed", day(28)), ob("management_oversight", "overdue", day(120)))
    none = replace(with_obligations(GOOD, *due), contacts=replace(GOOD.contacts, oversight=()))
    got = checks.check("high_rosh_oversight").evaluate(none, SETTINGS)
    assert got.status == NOT_MET
    assert got.reason == "No management oversight recorded (2 were due: 30/03/2026, 30/06/2026)."
    some = with_obligations(GOOD, *due)
    assert "2 of 2 not met on time" in checks.check("high_rosh_oversight").evaluate(some, SETTINGS).reason
    assert GOOD.sentence_plan is not None
    quoted = replace(GOOD, sentence_plan=replace(GOOD.sentence_plan, sequence_reason="The goals still fit."))
    for r in run_checks(quoted, SETTINGS):
        assert not r.reason.endswith(".."), r.reason
    assert checks._tidy('Said "the goals still fit.".') == 'Said "the goals still fit.".'
    assert checks._tidy("The goals still fit..") == "The goals still fit."
