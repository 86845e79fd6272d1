"""Needs assessments through the services (issue 20) on a real encrypted file: completion refused naming the
field, text carried forward into the next assessment and confirmed one field at a time, a field changed
elsewhere refused rather than overwritten, the Skills for Life screening calling for a referral and a learning
plan, barriers taken from and written back to the case record, and needs changing the suggested tier."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.assessment.tier_types import SCHEME_AB03
from lpt_desktop.assessment.tiering import compute_or_explain
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import needs
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.tiering import tier_inputs
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import complete_needs, goal, new_case, rated, step

TODAY = TEST_TODAY
START = TODAY - timedelta(days=60)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("needs") / "n.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def test_completing_is_refused_naming_each_field_until_every_section_is_rated_with_evidence(db):
    pid = new_case(db, START)
    aid = needs.start_assessment(db, pid, today=TODAY)
    fields = rated({"accommodation": "severe"})
    del fields["section.accommodation.evidence"]
    del fields["section.attitudes.severity"]
    needs.save_draft(db, aid, fields, TODAY)
    with pytest.raises(ValidationError) as refused:
        needs.complete_assessment(db, aid, today=TODAY)
    named = {e.field for e in refused.value.errors}
    assert {"Accommodation evidence", "Attitudes"} <= named
    assert needs.needs_view(db, aid, TODAY).status == "draft"
    needs.save_draft(db, aid, {"section.accommodation.evidence": "Sofa surfing since June",
                               "section.attitudes.severity": "none"}, TODAY)
    assert needs.complete_assessment(db, aid, today=TODAY).completed
    with pytest.raises(ValidationError, match="cannot be changed"):
        needs.save_draft(db, aid, {"section.ete.severity": "severe"}, TODAY)


def test_an_unknown_field_or_a_wrong_value_is_refused_by_the_autosave(db):
    pid = new_case(db, START)
    aid = needs.start_assessment(db, pid, today=TODAY)
    with pytest.raises(ValidationError, match="not a field"):
        needs.save_draft(db, aid, {"section.nonsense.severity": "none"}, TODAY)
    with pytest.raises(ValidationError, match="not a rating"):
        needs.save_draft(db, aid, {"section.drugs.severity": "huge"}, TODAY)


def test_a_field_changed_elsewhere_is_refused_not_overwritten(db):
    pid = new_case(db, START)
    aid = needs.start_assessment(db, pid, today=TODAY)
    needs.save_draft(db, aid, {"section.drugs.evidence": "Cannabis daily"}, TODAY)
    shown = needs.needs_view(db, aid, TODAY).fields
    # Another laptop's text arrives (a sync) while this form still shows the old one.
    needs.save_draft(db, aid, {"section.drugs.evidence": "Cannabis daily; heroin since October"}, TODAY)
    with pytest.raises(needs.EditedElsewhere) as clash:
        needs.save_draft(db, aid, {"section.drugs.evidence": "Cannabis most days",
                                   "section.drugs.severity": "standard"}, TODAY,
                         before={"section.drugs.evidence": shown["section.drugs.evidence"],
                                 "section.drugs.severity": shown.get("section.drugs.severity", "")})
    assert clash.value.now == {"section.drugs.evidence": "Cannabis daily; heroin since October"}
    after = needs.needs_view(db, aid, TODAY)
    assert after.fields["section.drugs.evidence"] == "Cannabis daily; heroin since October"
    assert after.fields.get("section.drugs.severity", "") == ""  # nothing of the refused call was saved


def test_the_next_assessment_carries_text_forward_and_each_text_is_confirmed_before_completing(db):
    pid = new_case(db, START)
    complete_needs(db, pid, START, {"accommodation": "standard"})
    aid = needs.start_assessment(db, pid, today=TODAY)
    view = needs.needs_view(db, aid, TODAY)
    acc = next(x for x in view.sections if x.key == "accommodation")
    assert acc.severity == "standard" and acc.carried.startswith("carried forward from " + START.strftime("%d/%m/%Y"))
    assert "section.accommodation.evidence" in view.unconfirmed_carried
    with pytest.raises(ValidationError, match="carried forward"):
        needs.complete_assessment(db, aid, today=TODAY)
    needs.confirm_carried(db, aid, "section.accommodation.evidence", TODAY)
    assert needs.complete_assessment(db, aid, today=TODAY).completed
    assert needs.needs_overview(db, pid, TODAY).current.id == aid


def test_a_positive_screening_asks_for_a_referral_and_a_learning_plan_that_the_plan_then_holds(db):
    pid = new_case(db, START)
    aid = needs.start_assessment(db, pid, today=TODAY)
    needs.save_draft(db, aid, rated({"ete": "standard"}, **{"skills.literacy": "need_identified",
                                                            "skills.numeracy": "no_need"}), TODAY)
    skills = needs.needs_view(db, aid, TODAY).skills
    assert skills.referral_needed and skills.learning_plan_needed
    needs.save_draft(db, aid, {"skills.referred_on": TODAY}, TODAY)
    skills = needs.needs_view(db, aid, TODAY).skills
    assert not skills.referral_needed and skills.learning_plan_needed
    needs.complete_assessment(db, aid, today=TODAY)
    plan = sp.start_plan(db, pid, today=TODAY)
    sp.add_goal(db, plan, goal("Better reading", "ete", "Sam reads letters from the council without help"), TODAY)
    assert "learning_plan_missing" in {f.code for f in sp.plan_view(db, plan, TODAY).flags}
    g = sp.add_goal(db, plan, goal("Learning plan", "ete", "Sam is able to fill in job applications alone",
                                   learning_plan=True), TODAY)
    sp.add_step(db, g, step("Start the literacy course at the college", "partnership_agency",
                            TODAY + timedelta(days=30), partner="ete_provider"))
    assert "learning_plan_missing" not in {f.code for f in sp.plan_view(db, plan, TODAY).flags}


def test_a_full_assessment_finding_no_learning_need_lifts_the_learning_plan(db):
    pid = new_case(db, START)
    aid = needs.start_assessment(db, pid, today=TODAY)
    needs.save_draft(db, aid, rated(**{"skills.literacy": "need_identified", "skills.referred_on": START,
                                       "skills.full_assessment": "no_need"}), TODAY)
    assert not needs.needs_view(db, aid, TODAY).skills.learning_plan_needed


def test_barriers_are_taken_from_the_case_record_and_written_back_to_it(db):
    pid = new_case(db, START)
    cr.add_disability(db, pid, "Dyslexia", "Read letters aloud", START)
    update_person(db, pid, first_language="Polish", interpreter_required=True)
    aid = needs.start_assessment(db, pid, today=TODAY)
    view = needs.needs_view(db, aid, TODAY)
    barriers = {b.key: b for b in view.barriers}
    assert barriers["disability"].present and barriers["disability"].adjustment == "Read letters aloud"
    assert "Dyslexia" in barriers["disability"].on_case_record
    assert barriers["language"].present and "interpreter" in barriers["language"].on_case_record
    fields = rated(**{"barrier.language.present": True, "barrier.disability.present": True,
                      "barrier.childcare.present": True})
    needs.save_draft(db, aid, fields, TODAY)
    with pytest.raises(ValidationError) as refused:
        needs.complete_assessment(db, aid, today=TODAY)
    assert {e.field for e in refused.value.errors} >= {"Language and interpreter adjustment",
                                                       "Childcare and caring adjustment"}
    needs.save_draft(db, aid, {"barrier.language.adjustment": "Polish interpreter booked for every appointment",
                               "barrier.childcare.adjustment": "Appointments in school hours"}, TODAY)
    done = needs.complete_assessment(db, aid, today=TODAY)
    assert any("school hours" in w for w in done.written_to_case_record)
    with db.read() as s:
        record = s.get(Person, pid).individual_needs or ""
    assert "Childcare and caring: Appointments in school hours" in record
    assert "Language and interpreter: Polish interpreter booked for every appointment" in record
    # Completing again later does not write the same lines twice.
    again = needs.start_assessment(db, pid, today=TODAY)
    for key in needs.needs_view(db, again, TODAY).unconfirmed_carried:
        needs.confirm_carried(db, again, key, TODAY)
    needs.complete_assessment(db, again, today=TODAY)
    with db.read() as s:
        assert (s.get(Person, pid).individual_needs or "").count("school hours") == 1


def _change_level(db: Database, pid: str, as_of: date) -> tuple[int | None, str]:
    with db.read() as s:
        result = compute_or_explain(SCHEME_AB03, tier_inputs(s, pid, as_of), as_of)
    assert result.change is not None
    why = next(st.why for st in result.working if st.step in ("Change level", "Needs"))
    return result.change.level, why


def test_needs_change_the_suggested_tier_while_the_assessment_is_valid(db):
    pid = new_case(db, START, days=730)  # a programme requirement: a mandate for change
    before, why = _change_level(db, pid, TODAY)
    assert "No valid needs assessment" in why
    complete_needs(db, pid, TODAY - timedelta(days=7), {s: "severe" for s in
                                                        ("accommodation", "ete", "drugs", "alcohol", "lifestyle",
                                                         "thinking_behaviour", "attitudes", "relationships")})
    after, why = _change_level(db, pid, TODAY)
    assert after != before and "severe" in why
    # 55 weeks on, the assessment no longer counts: back to no valid assessment.
    late = TODAY - timedelta(days=7) + timedelta(weeks=55)
    assert "No valid needs assessment" in _change_level(db, pid, late)[1]
