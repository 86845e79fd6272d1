"""The sentence plan: the data file's shape, goals and their target dates and status notes, steps and who does
them, interventions from the order, the agreement and ready-to-agree rules, involvement, sequencing and
moving goals, reviews, and the plan checked against the needs."""

from __future__ import annotations

import json
from datetime import date

import pytest

from lpt_desktop.assessment import sentence_plan as sp
from lpt_desktop.assessment.needs import BarrierAnswer, NeedsAssessment, SectionRating, SkillsScreening
from lpt_desktop.assessment.sentence_plan import Agreement, Goal, Plan, Review, Step
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.paths import resources_dir

DATA = resources_dir() / "data" / "sentence_plan.json"
TODAY = date(2026, 11, 23)
STEP = Step("Meet the housing officer", "practitioner", by=date(2026, 12, 4))


def _goal(title: str = "Find a settled home", **kw) -> Goal:
    base = {"area": "accommodation", "outcome": "Sam has a settled home", "target_date": date(2027, 5, 23),
            "steps": (STEP,)}
    return Goal(title, **{**base, **kw})


# -- the data ------------------------------------------------------------------------------------------
def _raw() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_data_file_is_sound():
    assert sp.validate_plan_data(_raw()) == []
    assert sp.validate_plan_data(None) == ["the file does not hold an object"]


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d.pop("who"), "'who' is missing"),
    (lambda d: d["plan_types"].pop("transfer"),
     "'plan_types' must have exactly initial, review, termination, transfer, other, in that order, each with a label"),
    (lambda d: d["step_statuses"].update(paused="Paused"),
     "'step_statuses' must have exactly not_started, in_progress, completed, cannot_be_done_yet, no_longer_needed, "
     "in that order, each with a label"),
    (lambda d: d["target_choices"].pop(4),
     "'target_choices' must be 3_months, 6_months, 12_months, date and none, in that order"),
    (lambda d: d["who"][3].update(partner="maybe"),
     "who 4: needs a code, label, partner (none, optional or required) and named true or false"),
    (lambda d: d["who_placeholder"].update(code="person"),
     "'who_placeholder' must have a code that is not a choice on the who list"),
    (lambda d: d["partners"].append({"code": "womens_centre", "label": "Another"}),
     "'partners' must be objects with distinct codes and labels"),
    (lambda d: d["interventions"].pop(0), "requirement 'UPW' is neither an intervention nor listed as not one"),
    (lambda d: d["interventions"].pop(1), "programme 'TSP' is neither an intervention nor listed as not one"),
    (lambda d: d["not_interventions"]["requirements"].remove("CUR"),
     "requirement 'CUR' is neither an intervention nor listed as not one"),
    (lambda d: d["interventions"][2].update(area="substances"),
     "intervention 3: area 'substances' is not a needs section"),
    (lambda d: d["agreement"]["answers"].pop("could_not_answer"),
     "'agreement' needs answers yes, no and could_not_answer, 'reason_required_for' among them and a whole number "
     "'reason_max_chars'"),
    (lambda d: d["wording"].update(activity_phrases=[]),
     "'wording.activity_phrases' must be a non-empty list of phrases"),
])
def test_a_broken_copy_of_the_data_is_caught(edit, expected):
    data = _raw()
    edit(data)
    assert expected in sp.validate_plan_data(data)
    with pytest.raises(ValueError, match="sentence_plan.json"):
        sp.plan_data_from(data)


def test_a_new_requirement_type_must_be_classified():
    problems = sp.validate_plan_data(_raw(), requirement_codes=["UPW", "NEWREQ"], programmes=["TSP", "NEWPROG"])
    assert problems == ["requirement 'NEWREQ' is neither an intervention nor listed as not one",
                        "programme 'NEWPROG' is neither an intervention nor listed as not one"]


def test_the_loaded_lists():
    d = sp.plan_data()
    assert [w.code for w in d.who] == ["person", "practitioner", "programme_staff", "partnership_agency",
                                       "crs_provider", "someone_named"]
    assert [p.label for p in d.partners] == ["Women's centre", "Education, training and employment provider",
                                             "Drug or alcohol service", "Accommodation provider", "Approved premises",
                                             "Programme team"]
    assert d.reason_max_chars == 4000
    assert sp.plan_data() is d


# -- goals ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("choice", "chosen", "expected"), [
    ("3_months", None, date(2027, 2, 23)),
    ("6_months", None, date(2027, 5, 23)),
    ("12_months", None, date(2027, 11, 23)),
    ("date", date(2027, 1, 8), date(2027, 1, 8)),
    ("none", None, None),
])
def test_target_date_choices(choice, chosen, expected):
    assert sp.target_date_for(choice, TODAY, chosen) == expected


@pytest.mark.parametrize(("choice", "message"), [("9_months", "'9_months' is not a choice"),
                                                 ("date", "no date given")])
def test_a_target_choice_that_gives_no_date(choice, message):
    with pytest.raises(ValueError, match=message):
        sp.target_date_for(choice, TODAY)


def test_three_months_from_the_end_of_a_month():
    assert sp.target_date_for("3_months", date(2026, 11, 30)) == date(2027, 2, 28)


@pytest.mark.parametrize(("goal", "kw", "expected"), [
    (_goal(), {}, []),
    (_goal(target_date=TODAY), {}, []),
    (_goal(" "), {}, [FieldError("Goal", "is empty: give the goal a title in words the person would use")]),
    (_goal(area="housing"), {},
     [FieldError("Area of need", "'housing' is not an area: choose one of the needs sections")]),
    (_goal(related_areas=("finance", "accommodation")), {},
     [FieldError("Related areas", "Accommodation is already the goal's area: remove it here")]),
    (_goal(related_areas=("money",)), {},
     [FieldError("Related areas", "'money' is not an area: choose from the needs sections")]),
    (_goal(outcome=""), {}, [FieldError("Outcome", "is empty: say what will be different when the goal is achieved")]),
    (_goal(target_date=None), {}, [FieldError("Target date", "is missing for an active goal: choose 3, 6 or 12 months "
                                                             "or a date, or make it a future goal")]),
    (_goal(status="future"), {}, [FieldError("Target date", "is set on a future goal: remove it, or make the goal "
                                                            "active")]),
    (_goal(status="future", target_date=None), {}, []),
    (_goal(target_date=date(2026, 11, 22)), {},
     [FieldError("Target date", "22/11/2026 is in the past: choose today or a later date")]),
    (_goal(target_date=date(2026, 11, 22)), {"target_changed": False}, []),  # set before, now passed
    (_goal(status="achieved", outcome=""), {}, []),
    (_goal(status="paused"), {}, [FieldError("Goal status", "'paused' is not a status: choose active, future, "
                                                             "achieved or removed")]),
    (_goal(interventions=("tsp", "yoga")), {},
     [FieldError("Interventions", "'yoga' is not an intervention of the order: remove it")]),
])
def test_goal_errors(goal, kw, expected):
    assert sp.goal_errors(goal, TODAY, **kw) == expected


@pytest.mark.parametrize(("old", "new", "note", "expected"), [
    ("active", "active", "", []),
    ("active", "achieved", "Moved into her own flat on 2 November", []),
    ("active", "achieved", "  ", [FieldError("Note", "is empty: say why the goal is now achieved")]),
    ("active", "removed", None, [FieldError("Note", "is empty: say why the goal is now removed")]),
    ("removed", "active", "", [FieldError("Note", "is empty: say why the goal is now active")]),
    ("future", "active", "Now off heroin, ready to look for work", []),
    ("active", "future", "x" * 4001, [FieldError("Note", "is 4001 characters long: shorten it to 4000 or fewer")]),
    ("active", "done", "x", [FieldError("Goal status", "'done' is not a status: choose active, future, achieved or "
                                                       "removed")]),
])
def test_every_status_change_needs_a_note(old, new, note, expected):
    assert sp.status_change_errors(old, new, note) == expected


# -- steps ---------------------------------------------------------------------------------------------
WHO_LIST = ("the person on probation, the probation practitioner, programme staff, a partnership agency, a "
            "commissioned rehabilitative services provider, someone else (give their name)")


@pytest.mark.parametrize(("step", "expected"), [
    (STEP, []),
    (Step("Go to the drop-in", "partnership_agency", "drug_alcohol_service", by=TODAY), []),
    (Step("Sessions", "programme_staff", by=TODAY, status="in_progress"), []),
    (Step("Sessions", "programme_staff", "programme_team", by=TODAY), []),
    (Step("Talk to the landlord", "someone_named", named="Jo Bloggs, housing officer", by=TODAY), []),
    (Step("Done", "person", status="completed"), []),
    (Step("Later", "person", status="cannot_be_done_yet"), []),
    (Step("", "person", by=TODAY), [FieldError("Step", "is empty: say what will be done")]),
    (Step("Call", "choose_someone", by=TODAY), [FieldError("Who", f"is not chosen: choose one of {WHO_LIST}")]),
    (Step("Call", "", by=TODAY), [FieldError("Who", f"is not chosen: choose one of {WHO_LIST}")]),
    (Step("Call", "the landlord", by=TODAY), [FieldError("Who", f"'the landlord' is not a choice: choose one of "
                                                                f"{WHO_LIST}")]),
    (Step("Call", "partnership_agency", by=TODAY),
     [FieldError("Partner", "is not chosen: say which partner, for a partnership agency")]),
    (Step("Call", "crs_provider", "the_council", by=TODAY),
     [FieldError("Partner", "'the_council' is not a partner on the list: choose one")]),
    (Step("Call", "person", "womens_centre", by=TODAY),
     [FieldError("Partner", "is given for the person on probation: remove it, or choose a partnership agency")]),
    (Step("Call", "someone_named", by=TODAY),
     [FieldError("Who", "someone else is chosen but not named: give their name and role")]),
    (Step("Call", "person"), [FieldError("By when", "is missing: give the date the step should be done by")]),
    (Step("Call", "person", by=TODAY, status="stuck"),
     [FieldError("Step status", "'stuck' is not a status: choose not started, in progress, completed, cannot be "
                                "done yet, no longer needed")]),
])
def test_step_errors(step, expected):
    assert sp.step_errors(step) == expected


@pytest.mark.parametrize(("step", "words"), [
    (STEP, "The probation practitioner"),
    (Step("x", "partnership_agency", "drug_alcohol_service"), "Drug or alcohol service (a partnership agency)"),
    (Step("x", "someone_named", named=" Jo Bloggs "), "Jo Bloggs"),
    (Step("x", "choose_someone"), ""),
])
def test_who_in_words(step, words):
    assert sp.who_words(step) == words


# -- interventions -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "programme", "expected"), [
    ("UPW", None, "upw"),
    ("upw", None, "upw"),
    ("RAR", None, "rar"),
    ("PROG", "TSP", "tsp"),
    ("PROG", "Thinking Skills Programme", "tsp"),
    ("PROG", "thinking  skills", "tsp"),
    ("PROG", "ASRO", "asro"),
    ("PROG", "DID", "did"),
    ("PROG", "Drink Impaired Drivers", "did"),
    ("PROG", "SOGP", "sogp"),
    ("PROG", "i-SOTP", "isotp"),
    ("PROG", "CALM", "calm"),
    ("PROG", "CDVP", "cdvp"),
    ("PROG", "Building Better Relationships", "bbr"),
    ("PROG", "Other", None),
    ("PROG", None, None),
    ("CUR", None, None),
    ("EM", None, None),
    ("DRR", None, "drr"),
    ("XYZ", None, None),
])
def test_requirements_map_to_placeable_interventions(code, programme, expected):
    found = sp.intervention_for(code, programme)
    assert (found.code if found else None) == expected


def test_an_orders_interventions_once_each_in_order():
    got = sp.interventions_from([("UPW", None), ("PROG", "TSP"), ("CUR", None), ("RAR", None), ("PROG", "tsp")])
    assert [(i.code, i.label) for i in got] == [("upw", "Unpaid work"), ("tsp", "Thinking Skills Programme"),
                                                ("rar", "Rehabilitation activity requirement days")]
    assert sp.intervention_for("PROG", "CDVP").risk_of_harm is True


# -- agreement -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(("plan", "ready", "reasons"), [
    (Plan(goals=(_goal(),)), True, []),
    (Plan(), False, ["No goal has a target date: give at least one goal a target date"]),
    (Plan(goals=(_goal(status="future", target_date=None),)), False,
     ["No goal has a target date: give at least one goal a target date"]),
    (Plan(goals=(_goal(), _goal("Stop using heroin", area="drugs", steps=()))), False,
     ["Goal 2 (Stop using heroin) has no steps: add at least one"]),
    (Plan(goals=(_goal(), _goal("Later", status="future", target_date=None, steps=()))), True, []),
    (Plan(goals=(_goal(status="removed"), _goal("Work", status="future", target_date=None))), False,
     ["No goal has a target date: give at least one goal a target date"]),
    (Plan(goals=(_goal(target_date=None, steps=()),)), False,
     ["No goal has a target date: give at least one goal a target date", "Goal 1 (Find a settled home) has no steps: "
                                                                         "add at least one"]),
])
def test_ready_to_agree(plan, ready, reasons):
    assert sp.ready_to_agree(plan) == (ready, reasons)


@pytest.mark.parametrize(("agreement", "expected"), [
    (Agreement("yes"), []),
    (Agreement("no", "He says the drug work is not needed"), []),
    (Agreement("could_not_answer", "Too unwell to discuss the plan today"), []),
    (Agreement("no"), [FieldError("Agreement details", "are empty: say why the answer is 'No, I do not agree'")]),
    (Agreement("could_not_answer", "  "), [FieldError("Agreement details", "are empty: say why the answer is "
                                                                           "'Could not answer'")]),
    (Agreement("no", "x" * 4000), []),
    (Agreement("no", "x" * 4001), [FieldError("Agreement details", "are 4,001 characters long: shorten them to "
                                                                   "4,000 or fewer")]),
    (Agreement("maybe"), [FieldError("Agreement", "'maybe' is not an answer: choose 'Yes, I agree', 'No, I do not "
                                                  "agree', 'Could not answer'")]),
])
def test_agreement_errors(agreement, expected):
    assert sp.agreement_errors(agreement) == expected


@pytest.mark.parametrize(("plan", "codes"), [
    (Plan(own_words="I want my kids back", involvement="Written together at the office"), []),
    (Plan(own_words="I want my kids back", completed=True), ["no_involvement"]),
    (Plan(involvement="Agreed by phone"), ["no_own_words"]),
    (Plan(completed=True), ["no_involvement", "no_own_words"]),
    (Plan(completed=False, own_words="Stay off the gear"), []),
])
def test_involvement_flags(plan, codes):
    flags = sp.involvement_flags(plan)
    assert [f.code for f in flags] == codes
    assert all(str(f) == f.message for f in flags)


# -- order ---------------------------------------------------------------------------------------------
HOME = _goal("Home")
JOB = _goal("Job", area="ete")
HARM = _goal("Safe relationships", area="relationships", risk_of_harm=True)
ANGER = _goal("Anger", area="thinking_behaviour", risk_of_harm=True)


@pytest.mark.parametrize(("goals", "why", "expected"), [
    ((HARM, ANGER, HOME, JOB), "", []),
    ((HOME, JOB), "", []),
    ((HOME, HARM), "", [("risk_not_first", "'Safe relationships' is risk of harm work but comes after 'Home'")]),
    ((HOME, HARM, JOB, ANGER), None, [("risk_not_first", "'Safe relationships' is risk of harm work but comes after "
                                                         "'Home'"),
                                      ("risk_not_first", "'Anger' is risk of harm work but comes after 'Home'")]),
    ((HOME, HARM), "Homeless: nothing else can start until he has a room", []),
    ((HOME, HARM), "   ", [("risk_not_first", "'Safe relationships' is risk of harm work but comes after 'Home'")]),
    ((_goal("Old", status="achieved"), HARM), "", []),
    ((_goal("Later", status="future", target_date=None), HARM), "", []),
])
def test_risk_of_harm_goals_come_first_unless_the_officer_says_why(goals, why, expected):
    assert [(f.code, f.message) for f in sp.sequencing_problems(goals, why)] == expected


@pytest.mark.parametrize(("index", "to", "expected"), [
    (0, 1, ("B", "A", "C", "D")),
    (3, 0, ("D", "A", "B", "C")),
    (1, 3, ("A", "C", "D", "B")),
    (0, -1, ("A", "B", "C", "D")),  # up from the top: no change
    (3, 9, ("A", "B", "C", "D")),  # down from the bottom: no change
    (2, 2, ("A", "B", "C", "D")),
])
def test_move_goal(index, to, expected):
    goals = tuple(_goal(t) for t in "ABCD")
    moved = sp.move_goal(goals, index, to)
    assert tuple(g.title for g in moved) == expected
    assert tuple(g.title for g in goals) == ("A", "B", "C", "D")  # the input is untouched


@pytest.mark.parametrize("index", [-1, 4])
def test_moving_a_goal_that_is_not_there(index):
    with pytest.raises(IndexError):
        sp.move_goal(tuple(_goal(t) for t in "ABCD"), index, 0)


def test_moving_the_risk_goal_first_clears_the_sequencing_problem():
    goals = (HOME, JOB, HARM)
    assert sp.sequencing_problems(sp.move_goal(goals, 2, 0), "") == []


# -- reviews -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("review", "expected"), [
    (Review((HOME, JOB), {0: "met", 1: "partly_met"}, True), []),
    (Review((HOME, JOB), {0: "met", 1: "not_met"}, False, "Both goals still right; more time needed for work"), []),
    (Review((HOME, JOB), {0: "met"}, True), [FieldError("Goal 2 (Job)", "is not rated: choose met, partly met or not "
                                                                        "met")]),
    (Review((HOME,), {0: "nearly"}, True), [FieldError("Goal 1 (Home)", "'nearly' is not a rating: choose met, "
                                                                        "partly met or not met")]),
    (Review((HOME,), {0: "met", 3: "met"}, True), [FieldError("Review", "goal 4 is not under review: remove its "
                                                                       "rating")]),
    (Review((HOME,), {0: "met"}, False), [FieldError("Reason for no change", "is empty: the review changes nothing "
                                                                             "in the plan, so say why it still "
                                                                             "stands")]),
    (Review((), {}, True), []),
])
def test_review_errors(review, expected):
    assert sp.review_errors(review) == expected


@pytest.mark.parametrize(("after", "changed"), [
    ((HOME, JOB), False),
    ((Goal(**{**HOME.__dict__, "id": 7}), JOB), False),  # stored again with an id: no change
    ((JOB, HOME), True),
    ((HOME,), True),
    ((_goal("Home", status="achieved"), JOB), True),
    ((_goal("Home", steps=(STEP, Step("New", "person", by=TODAY))), JOB), True),
    ((_goal("Home", steps=(Step(STEP.what, STEP.who, by=STEP.by, status="completed"),)), JOB), True),
])
def test_plan_changed(after, changed):
    assert sp.plan_changed((HOME, JOB), after) is changed


# -- the plan against the needs ------------------------------------------------------------------------
NO_SCREENING = SkillsScreening()


def _assessed(skills: SkillsScreening = NO_SCREENING, all_barriers: bool = True, **severities: str):
    sections = {k: SectionRating(v, evidence="seen") for k, v in severities.items()}
    barriers = {b: BarrierAnswer(False) for b in ("literacy", "language", "disability", "health", "childcare",
                                                  "faith", "gender", "trauma", "travel")} if all_barriers else {}
    return NeedsAssessment(sections, skills, barriers)


CENTRE = Step("Drop-in", "partnership_agency", "womens_centre", by=TODAY)
DRUGS = Step("Assessment", "crs_provider", "drug_alcohol_service", by=TODAY)


@pytest.mark.parametrize(("plan", "needs", "gender", "codes"), [
    (Plan(goals=(_goal(),)), _assessed(), "Male", []),
    (Plan(goals=(_goal(),)), None, "Male", ["no_needs_assessment"]),
    (Plan(goals=(_goal(),)), _assessed(drugs="severe"), "Male", ["service_missing:drug_alcohol_service"]),
    (Plan(goals=(_goal(steps=(DRUGS,)),)), _assessed(drugs="severe"), "Male", []),
    (Plan(goals=(_goal(steps=(DRUGS,), status="removed"), _goal())), _assessed(drugs="severe"), "Male",
     ["service_missing:drug_alcohol_service"]),  # only a removed goal names it
    (Plan(goals=(_goal(steps=(DRUGS,)),)), _assessed(drugs="severe", emotional="standard"), "Female",
     ["service_missing:womens_centre"]),
    (Plan(goals=(_goal(steps=(DRUGS, CENTRE)),)), _assessed(drugs="severe", emotional="standard"), "Female", []),
    (Plan(goals=(_goal(),)), _assessed(SkillsScreening({"literacy": "need_identified"})), "Male",
     ["learning_plan_missing"]),
    (Plan(goals=(_goal(),), learning_plan=True), _assessed(SkillsScreening({"literacy": "need_identified"})), "Male",
     []),
    (Plan(goals=(_goal(),)), _assessed(SkillsScreening({"literacy": "need_identified"}, full_assessment="no_need")),
     "Male", []),
    (Plan(goals=(_goal(),)), _assessed(all_barriers=False), "Male", ["diversity_unassessed"]),
    (Plan(goals=(_goal(outcome="Attend the housing drop-in"), _goal("B", outcome="", status="future",
                                                                     target_date=None))),
     _assessed(), "Male", ["goal_1:activity_only", "goal_2:no_outcome"]),
    (Plan(goals=(_goal(outcome="Attend", status="achieved"),)), _assessed(), "Male", []),
])
def test_plan_flags(plan, needs, gender, codes):
    assert [f.code for f in sp.plan_flags(plan, needs, gender)] == codes


def test_plan_flags_in_words():
    plan = Plan(goals=(_goal(outcome="Complete ASRO"),))
    needs = _assessed(SkillsScreening({"numeracy": "need_identified"}), all_barriers=False, ete="standard")
    flags = sp.plan_flags(plan, needs, "Male", name="Sam")
    assert [(f.message, f.suggestion) for f in flags] == [
        ("Education, training and employment provider is called for (an education, training and employment need) "
         "but no step names it",
         "Add a step for the education, training and employment provider, or say in a goal why not"),
        ("A learning plan is required but not part of the plan: a numeracy need identified at screening and no full "
         "assessment result yet: refer for one, and add a learning plan to the sentence plan unless it finds no "
         "learning need", "Add the learning plan to the sentence plan"),
        ("Diversity needs and barriers not assessed: literacy, language and interpreter, disability, health, "
         "childcare and caring, faith, gender-specific needs, trauma, travel",
         "Say for each whether it is a barrier, and the adjustment made"),
        ("Goal 1 (Find a settled home): Outcome: only names an activity: state the change sought, not what will be "
         "done to get there", "What will be different for Sam when this is done? e.g. 'has a settled home'"),
    ]
