"""A court report's outline sentence plan started from the case's sentence plan (issue 20): the pure wording
(assessment/plan_outline.py) and the service (services/plan_outline.py) on a real caseload file: the draft plan's
open goals in order with what will be different, by when, the order's interventions and the steps still to do;
no plan, no goals and a pre-sentence record each refused in words that say what to do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lpt_desktop.assessment.plan_outline import OutlineGoal, OutlineStep, outline_text
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import court
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.plan_outline import outline_for_report
from tests.court.conftest import COURT, TODAY

WHEN = date(2027, 5, 23)


def test_the_wording_numbers_open_goals_and_leaves_out_done_steps_and_closed_goals():
    goals = [
        OutlineGoal("Stay away from the shop staff", "Thinking and behaviour", "Walks away when challenged", WHEN,
                    steps=(OutlineStep("Thinking Skills sessions", "programme staff", date(2027, 2, 1)),
                           OutlineStep("Victim awareness work.", "the probation practitioner", None, "completed")),
                    interventions=("Accredited programme: Thinking Skills",)),
        OutlineGoal("Old goal", "Accommodation", "Housed", WHEN, status="achieved"),
        OutlineGoal("Removed goal", "", "", None, status="removed"),
        OutlineGoal("A settled home", "Accommodation", "Has a tenancy of his own", None, status="future",
                    steps=(OutlineStep("Register with housing options", "the defendant", None),)),
    ]
    assert outline_text(goals) == (
        "1. Stay away from the shop staff (thinking and behaviour), by 23/05/2027."
        "\n   What will be different: Walks away when challenged."
        "\n   Through the order: Accredited programme: Thinking Skills."
        "\n   Steps:"
        "\n   - Thinking Skills sessions (programme staff, by 01/02/2027)."
        "\n2. A settled home (accommodation), later in the order: no target date yet."
        "\n   What will be different: Has a tenancy of his own."
        "\n   Steps:"
        "\n   - Register with housing options (the defendant).")
    assert outline_text([]) == ""
    # The area is not repeated when the title already names it.
    assert outline_text([OutlineGoal("Accommodation found", "Accommodation", "", None)]).startswith(
        "1. Accommodation found, later")


def _report(caseload, person_id=None, pre_sentence_id=None) -> str:
    req = court.create_request(caseload.db, person_id=person_id, pre_sentence_id=pre_sentence_id, **COURT,
                               hearing_date=TODAY + timedelta(days=21), report_type="sdr", requested_on=TODAY)
    return court.start_report(caseload.db, req, today=TODAY)


def test_the_outline_comes_from_the_draft_plan(caseload):
    db = caseload.db
    plan = sp.start_plan(db, caseload.person_id, today=TODAY)
    first = sp.add_goal(db, plan, sp.GoalIn("Stop using heroin", "drugs", "No longer uses heroin", "6_months"), TODAY)
    sp.add_step(db, first, sp.StepIn("Start treatment with the drug service", "partnership_agency",
                                     partner="drug_alcohol_service", by_when=TODAY + timedelta(days=7)))
    sp.add_step(db, first, sp.StepIn("Talk about what leads to using", "person", by_when=TODAY + timedelta(days=28)))
    second = sp.add_goal(db, plan, sp.GoalIn("A settled home", "accommodation", "Has a home of his own",
                                             "12_months"), TODAY)
    sp.add_step(db, second, sp.StepIn("Housing referral", "practitioner", by_when=TODAY + timedelta(days=14)))
    report_id = _report(caseload, person_id=caseload.person_id)

    outline = outline_for_report(db, report_id, TODAY)
    assert outline.source == "the draft initial plan started 23/11/2026"
    lines = outline.text.splitlines()
    assert lines[0] == "1. Stop using heroin (drug misuse), by 23/05/2027."
    assert lines[1] == "   What will be different: No longer uses heroin."
    assert "   - Start treatment with the drug service (Drug or alcohol service (a partnership agency), by " \
           "30/11/2026)." in lines
    assert "   - Talk about what leads to using (the defendant, by 21/12/2026)." in lines
    assert "2. A settled home (accommodation), by 23/11/2027." in lines
    assert "   - Housing referral (the probation practitioner, by 07/12/2026)." in lines


def test_no_plan_no_goals_and_a_pre_sentence_record_are_refused_in_words(caseload):
    db = caseload.db
    report_id = _report(caseload, person_id=caseload.person_id)
    with pytest.raises(ValidationError) as no_plan:
        outline_for_report(db, report_id, TODAY)
    assert str(no_plan.value.errors[0]) == ("Outline sentence plan: the case has no sentence plan yet: start one on "
                                            "the case's Plans tab, or write the outline here")

    sp.start_plan(db, caseload.person_id, today=TODAY)
    with pytest.raises(ValidationError) as no_goals:
        outline_for_report(db, report_id, TODAY)
    assert "has no active or future goals" in str(no_goals.value.errors[0])

    pre = court.create_pre_sentence(db, first_name="Jo", last_name="Bloggs", date_of_birth=date(1999, 1, 2),
                                    today=TODAY)
    with pytest.raises(ValidationError) as no_case:
        outline_for_report(db, _report(caseload, pre_sentence_id=pre), TODAY)
    assert "pre-sentence record, not a case" in str(no_case.value.errors[0])
