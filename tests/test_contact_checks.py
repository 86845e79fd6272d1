"""Contact checks (issue 4 "Bad input"): each message names the field and says what would be right."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from lpt_desktop.assessment.needs import needs_data
from lpt_desktop.domain.contacts import MAX_UPW_HOURS_PER_SESSION, ContactInput, check_contact, contact_codes
from lpt_desktop.domain.validation import FieldError

NOW = datetime(2026, 11, 23, 15, 30)
EARLIER = datetime(2026, 11, 23, 10, 0)
START = date(2026, 1, 5)
END = date(2027, 1, 4)
FIX = re.compile(r"\b(choose|enter|clear|leave|say|check|tick|change|must be)\b", re.I)
FIELDS = {"Contact type", "Date and time", "Outcome", "Absence reason", "Evidence", "Notes", "Enforcement action",
          "Risk of harm addressed", "Needs worked on", "Hours worked", "Hours credited", "Skills developed",
          "Victim's views"}

OFFICE = ContactInput(type_code="COAP", starts_at=EARLIER, outcome="ATTC", location="Preston office",
                      notes="Discussed job search; CV updated.", needs=("ete",))
FAILURES = ["AFTC", "ATSH", "AFTA", "UAAB"]
NON_FAILURES = ["ATTC", "ATSS", "RSSR", "RSOF"]
NON_APPOINTMENTS = ["CCMM", "C005", "CPOL", "CVIC", "MO1", "CCRT", "CLET"]


def check(c: ContactInput, now: datetime = NOW, start: date | None = START, end: date | None = END) -> list[FieldError]:
    errors = check_contact(c, now, start, end)
    for e in errors:
        assert e.field in FIELDS, f"unexpected field name in {e}"
        assert e.message.strip(), f"empty message for {e.field}"
        assert FIX.search(e.message), f"no way to put it right in: {e}"
    return errors


def only(errors: list[FieldError], field: str) -> FieldError:
    assert [e.field for e in errors] == [field], errors
    return errors[0]


# --- reference data ------------------------------------------------------------------------------

def test_reference_data_has_the_issue_4_types_and_outcomes():
    codes = contact_codes()
    assert {"COAP", "COAI", "COPT", "COVC", "CHVS", "COHV", "CODC", "C084", "COOO", "CPRG", "CUPW", "CCMM", "C005",
            "CPOL", "CVIC", "MO1", "CCRT", "CCUS", "CLET"} <= set(codes.kinds)
    assert {"ATTC", "AFTC", "ATSH", "ATSS", "AFTA", "UAAB", "AA", "RSSR", "RSOF"} <= set(codes.outcomes)
    assert set(codes.absence_reasons) == {"AACL", "AAEM", "AAFC", "AAHO", "AAME", "AARE", "AARC", "CO05"}
    assert set(codes.evidence) == {"awaited", "received", "not_needed"}
    assert set(codes.risk_areas) == {"victim", "children", "domestic", "other"}
    # "Needs worked on" are the sections of the needs assessment (issue 20), in its order, with its codes.
    assert list(codes.needs) == [x.key for x in needs_data().sections]


@pytest.mark.parametrize(("code", "failure"), [(c, True) for c in FAILURES] + [(c, False) for c in NON_FAILURES]
                         + [("AA", False)])
def test_which_outcomes_are_failures(code, failure):
    assert contact_codes().outcomes[code].failure is failure


def test_only_unpaid_work_is_unpaid_work_and_only_victim_liaison_is_restricted():
    kinds = contact_codes().kinds
    assert [k for k in kinds if kinds[k].unpaid_work] == ["CUPW"]
    assert [k for k in kinds if kinds[k].restricted] == ["CVIC"]


# --- good input ----------------------------------------------------------------------------------

GOOD = {
    "office appointment attended and complied, short note": OFFICE,
    "acceptable absence, medical, evidence awaited": ContactInput(
        type_code="COAP", starts_at=EARLIER, outcome="AA", absence_reason="AAME", evidence="awaited",
        notes="Phoned at 09:00: flu; GP note to follow."),
    "acceptable absence with no note and evidence received": ContactInput(
        type_code="CHVS", starts_at=EARLIER, outcome="AA", absence_reason="AAEM", evidence="received"),
    "acceptable absence, professional judgement, no evidence field": ContactInput(
        type_code="COAP", starts_at=EARLIER, outcome="AA", absence_reason="CO05"),
    "unpaid work session, 6 hours and skills": ContactInput(
        type_code="CUPW", starts_at=datetime(2026, 11, 21, 9, 0), outcome="ATTC", upw_minutes_worked=360,
        upw_skills="Painting and decorating; working in a team"),
    "unpaid work session, exactly 12 hours": ContactInput(
        type_code="CUPW", starts_at=EARLIER, outcome="ATTC", upw_minutes_worked=12 * 60),
    "unpaid work session, hours credited only": ContactInput(
        type_code="CUPW", starts_at=EARLIER, outcome="ATTC", upw_minutes_credited=180),
    "unpaid work session booked, no outcome yet": ContactInput(type_code="CUPW", starts_at=NOW + timedelta(days=3)),
    "failed to attend with a note and a first warning": ContactInput(
        type_code="COAP", starts_at=EARLIER, outcome="AFTA", notes="No contact; phone off.",
        absence_judgement="unacceptable", enforcement_action="EA02", enforcement_reason="No reason given."),
    "unacceptable absence with a note": ContactInput(
        type_code="COAP", starts_at=EARLIER, outcome="UAAB", notes="Said he overslept."),
    "future appointment without an outcome": ContactInput(type_code="COAP", starts_at=NOW + timedelta(days=7)),
    "outcome at exactly now": replace(OFFICE, starts_at=NOW),
    "victim liaison with views": ContactInput(
        type_code="CVIC", starts_at=EARLIER, notes="Spoke to the victim.",
        victim_views="Asks for an exclusion zone around Fishergate."),
    "MAPPA meeting without an outcome": ContactInput(type_code="CCMM", starts_at=EARLIER, notes="Level 2 review."),
    "management oversight marked attended and complied": ContactInput(
        type_code="MO1", starts_at=EARLIER, outcome="ATTC", notes="Reviewed."),
    "on the sentence's first day": replace(OFFICE, starts_at=datetime(2026, 1, 5, 9, 0)),
    "every risk area and need ticked": replace(
        OFFICE, risk_areas=tuple(contact_codes().risk_areas), needs=tuple(contact_codes().needs)),
    "sent home for service issues, no note": ContactInput(type_code="COAP", starts_at=EARLIER, outcome="ATSS"),
    "rescheduled by staff": ContactInput(type_code="COAP", starts_at=EARLIER, outcome="RSSR"),
}


@pytest.mark.parametrize("contact", GOOD.values(), ids=list(GOOD))
def test_good_contacts_have_no_errors(contact):
    assert check(contact) == []


def test_contact_on_the_sentence_last_day_is_fine():
    on_end = replace(OFFICE, starts_at=datetime(2027, 1, 4, 9, 0))
    assert check(on_end, now=datetime(2027, 1, 4, 17, 0)) == []


def test_no_sentence_dates_means_no_date_range_check():
    assert check(replace(OFFICE, starts_at=datetime(2001, 1, 1, 9, 0)), start=None, end=None) == []


# --- bad input: the outcome ----------------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["ATTC", "AFTA", "UAAB", "AA"])
def test_outcome_on_a_future_contact(outcome):
    c = ContactInput(type_code="COAP", starts_at=NOW + timedelta(minutes=1), outcome=outcome, notes="x",
                     absence_reason="AAME" if outcome == "AA" else "")
    e = only(check(c), "Outcome")
    assert "future" in e.message and "leave it empty" in e.message


@pytest.mark.parametrize("outcome", ["RSOF", "RSSR"])
def test_an_appointment_can_be_rescheduled_before_it_happens(outcome):
    c = ContactInput(type_code="COAP", starts_at=NOW + timedelta(days=3), outcome=outcome, notes="Moved")
    assert check(c) == []


@pytest.mark.parametrize("type_code", NON_APPOINTMENTS)
@pytest.mark.parametrize("outcome", FAILURES)
def test_failure_outcome_on_a_non_appointment_type(type_code, outcome):
    c = ContactInput(type_code=type_code, starts_at=EARLIER, outcome=outcome, notes="Did not attend.")
    e = only(check(c), "Outcome")
    assert "not an appointment" in e.message
    assert contact_codes().kinds[type_code].label.lower() in e.message


@pytest.mark.parametrize("type_code", ["CCMM", "CLET"])
def test_acceptable_absence_on_a_non_appointment_type(type_code):
    c = ContactInput(type_code=type_code, starts_at=EARLIER, outcome="AA", absence_reason="AAME")
    assert "Outcome" in [e.field for e in check(c)]


@pytest.mark.parametrize("outcome", ["ZZZZ", "attc", "AAME"])
def test_unknown_outcome(outcome):
    e = only(check(replace(OFFICE, outcome=outcome)), "Outcome")
    assert outcome in e.message and "choose" in e.message


# --- bad input: absences and evidence ------------------------------------------------------------

@pytest.mark.parametrize("outcome", ["ATTC", "AFTC", "ATSS"])
def test_absence_reason_on_an_attended_outcome(outcome):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome=outcome, absence_reason="AAME", notes="x")
    e = only(check(c), "Absence reason")
    assert "acceptable absence" in e.message.lower()


@pytest.mark.parametrize("outcome", ["", "AFTA", "UAAB", "RSSR"])
def test_absence_reason_without_an_acceptable_absence(outcome):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome=outcome, absence_reason="AAHO", notes="x")
    only(check(c), "Absence reason")


@pytest.mark.parametrize("evidence", ["", "awaited"])
def test_acceptable_absence_without_a_reason(evidence):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome="AA", evidence=evidence)
    e = only(check(c), "Absence reason")
    assert "empty" in e.message


def test_unknown_absence_reason():
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome="AA", absence_reason="AAXX")
    e = only(check(c), "Absence reason")
    assert "AAXX" in e.message


@pytest.mark.parametrize("outcome", ["", "ATTC", "AFTA", "RSOF"])
@pytest.mark.parametrize("evidence", ["awaited", "received"])
def test_evidence_without_an_acceptable_absence(outcome, evidence):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome=outcome, evidence=evidence, notes="x")
    e = only(check(c), "Evidence")
    assert "acceptable absence" in e.message


def test_unknown_evidence():
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome="AA", absence_reason="AAME", evidence="maybe")
    e = only(check(c), "Evidence")
    assert "maybe" in e.message and "awaited" in e.message


# --- bad input: failures, notes and enforcement -------------------------------------------------

@pytest.mark.parametrize("notes", ["", "   ", "\n\t "])
@pytest.mark.parametrize("outcome", FAILURES)
def test_empty_note_on_a_failure(outcome, notes):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome=outcome, notes=notes)
    e = only(check(c), "Notes")
    assert "empty" in e.message
    assert contact_codes().outcomes[outcome].label.lower() in e.message


@pytest.mark.parametrize("outcome", NON_FAILURES + [""])
def test_enforcement_action_on_a_non_failure(outcome):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome=outcome, notes="x", enforcement_action="EA02")
    e = only(check(c), "Enforcement action")
    assert "only for a failure" in e.message and "clear it" in e.message


def test_enforcement_action_on_an_acceptable_absence():
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome="AA", absence_reason="AAME",
                     enforcement_action="NFA", enforcement_reason="Medical")
    only(check(c), "Enforcement action")


@pytest.mark.parametrize("outcome", FAILURES)
def test_enforcement_action_on_a_failure_passes_the_contact_check(outcome):
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome=outcome, notes="x", enforcement_action="EA02",
                     absence_judgement="unacceptable" if outcome == "AFTA" else "")
    assert check(c) == []


# --- bad input: dates ----------------------------------------------------------------------------

def test_date_before_the_sentence_start():
    c = replace(OFFICE, starts_at=datetime(2026, 1, 4, 23, 59))
    e = only(check(c), "Date and time")
    assert "before the sentence started" in e.message and "05/01/2026" in e.message


def test_date_after_the_sentence_end():
    c = replace(OFFICE, starts_at=datetime(2027, 1, 5, 9, 0), outcome="")
    e = only(check(c), "Date and time")
    assert "after the sentence ends" in e.message and "04/01/2027" in e.message


def test_missing_date():
    c = replace(OFFICE, starts_at=None)
    e = only(check(c), "Date and time")
    assert "empty" in e.message


# --- bad input: unknown codes --------------------------------------------------------------------

@pytest.mark.parametrize("type_code", ["", "XXXX", "coap"])
def test_unknown_type(type_code):
    e = only(check(replace(OFFICE, type_code=type_code)), "Contact type")
    assert f"'{type_code}'" in e.message


@pytest.mark.parametrize("areas", [("weapons",), ("victim", "Victim"), ("children", "")])
def test_unknown_risk_area(areas):
    errors = check(replace(OFFICE, risk_areas=areas))
    bad = [a for a in areas if a not in contact_codes().risk_areas]
    assert [e.field for e in errors] == ["Risk of harm addressed"] * len(bad)
    for e, code in zip(errors, bad, strict=True):
        assert f"'{code}'" in e.message


@pytest.mark.parametrize("needs", [("housing",), ("ete", "gambling", "drink")])
def test_unknown_need(needs):
    errors = check(replace(OFFICE, needs=needs))
    bad = [n for n in needs if n not in contact_codes().needs]
    assert [e.field for e in errors] == ["Needs worked on"] * len(bad)


# --- bad input: unpaid work ----------------------------------------------------------------------

@pytest.mark.parametrize("type_code", ["COAP", "CPRG", "CVIC", "MO1"])
def test_hours_worked_on_a_non_unpaid_work_type(type_code):
    c = ContactInput(type_code=type_code, starts_at=EARLIER, upw_minutes_worked=120)
    e = only(check(c), "Hours worked")
    assert "unpaid work" in e.message


def test_hours_credited_on_a_non_unpaid_work_type():
    e = only(check(replace(OFFICE, upw_minutes_credited=60)), "Hours credited")
    assert "unpaid work" in e.message


def test_skills_on_a_non_unpaid_work_type():
    e = only(check(replace(OFFICE, upw_skills="Bricklaying")), "Skills developed")
    assert "unpaid work" in e.message


@pytest.mark.parametrize(("field", "minutes"), [
    ("Hours worked", MAX_UPW_HOURS_PER_SESSION * 60 + 1), ("Hours worked", 13 * 60), ("Hours worked", -60),
    ("Hours credited", 24 * 60), ("Hours credited", -1),
])
def test_unpaid_work_hours_out_of_range(field, minutes):
    kwargs: dict[str, Any] = {"upw_minutes_worked": 360}
    kwargs["upw_minutes_worked" if field == "Hours worked" else "upw_minutes_credited"] = minutes
    c = ContactInput(type_code="CUPW", starts_at=EARLIER, outcome="ATTC", **kwargs)
    e = only(check(c), field)
    assert "12 hours" in e.message


def test_attended_unpaid_work_session_without_hours():
    c = ContactInput(type_code="CUPW", starts_at=EARLIER, outcome="ATTC")
    e = only(check(c), "Hours worked")
    assert "empty" in e.message


def test_unpaid_work_sent_home_for_service_issues_needs_hours_worked_or_credited():
    c = ContactInput(type_code="CUPW", starts_at=EARLIER, outcome="ATSS", notes="No supervisor: stood down.")
    only(check(c), "Hours worked")
    assert check(replace(c, upw_minutes_credited=60)) == []


@pytest.mark.parametrize("outcome", ["AFTC", "ATSH"])
def test_unpaid_work_failure_with_hours_worked_is_fine(outcome):
    c = ContactInput(type_code="CUPW", starts_at=EARLIER, outcome=outcome, notes="Sent home at lunch.",
                     upw_minutes_worked=150)
    assert check(c) == []


@pytest.mark.parametrize("outcome", ["AFTC", "ATSH"])
def test_unpaid_work_failure_needs_no_hours(outcome):
    # Sent home for behaviour (or failed to comply) may mean no hours at all: do not demand any.
    c = ContactInput(type_code="CUPW", starts_at=EARLIER, outcome=outcome, notes="Refused to work; sent home.")
    assert check(c) == []


@pytest.mark.parametrize("outcome", ["AFTA", "UAAB", "RSSR"])
def test_unpaid_work_not_attended_needs_no_hours(outcome):
    c = ContactInput(type_code="CUPW", starts_at=EARLIER, outcome=outcome, notes="Did not arrive.")
    assert check(c) == []


# --- bad input: victim views ---------------------------------------------------------------------

@pytest.mark.parametrize("type_code", ["COAP", "CHVS", "CCMM", "C005", "MO1"])
def test_victim_views_on_a_non_victim_type(type_code):
    c = ContactInput(type_code=type_code, starts_at=EARLIER, victim_views="Wants no contact.")
    e = only(check(c), "Victim's views")
    assert "Victim liaison" in e.message


# --- several problems at once --------------------------------------------------------------------

def test_every_problem_is_reported_not_just_the_first():
    c = ContactInput(type_code="COAP", starts_at=EARLIER, outcome="AFTA", absence_reason="AAME",
                     evidence="awaited", notes="", risk_areas=("bogus",), upw_minutes_worked=60,
                     victim_views="x")
    fields = {e.field for e in check(c)}
    assert fields == {"Absence reason", "Evidence", "Notes", "Risk of harm addressed", "Hours worked",
                      "Victim's views"}


# --- the default location (issue 15 item 2) ----------------------------------------------------------------
def _used(*rows: tuple[str, str, str]) -> list:
    from lpt_desktop.domain.contacts import UsedLocation

    return [UsedLocation(code, datetime.strptime(when, "%d/%m/%Y %H:%M"), loc) for code, when, loc in rows]


DEFAULT_NOW = datetime(2026, 11, 23, 9, 30)


@pytest.mark.parametrize(("type_code", "used", "office", "expected"), [
    # the issue: a video contact booked for a future date gave a new office appointment "Video call"
    ("COAP", [("COVC", "30/11/2026 10:00", "Video call")], "Preston Central", "Preston Central"),
    ("COAP", [("COVC", "30/11/2026 10:00", "Video call"), ("COAP", "16/11/2026 10:00", "Preston office")], "",
     "Preston office"),
    # a booking of the same type still to come says nothing either
    ("COAP", [("COAP", "30/11/2026 10:00", "Lancaster office"), ("COAP", "16/11/2026 10:00", "Preston office")],
     "", "Preston office"),
    ("COAP", [("COAP", "02/11/2026 10:00", "Chorley office"), ("COAP", "16/11/2026 10:00", "Preston office")],
     "", "Preston office"),  # the latest past one
    ("COAP", [("COAP", "23/11/2026 09:30", "Room 4")], "", "Room 4"),  # now itself is past
    ("COAP", [("COAP", "23/11/2026 09:31", "Room 4")], "Preston Central", "Preston Central"),
    ("COAP", [("COAP", "16/11/2026 10:00", "   ")], "Preston Central", "Preston Central"),  # blank: not a place
    ("COAP", [], "Preston Central", "Preston Central"),
    ("COAI", [], "Preston Central", "Preston Central"),
    ("COAP", [], "", ""),
    ("COVC", [("COVC", "16/11/2026 10:00", "Video call")], "Preston Central", "Video call"),
    ("COVC", [("COAP", "16/11/2026 10:00", "Preston office")], "Preston Central", ""),  # not held at the office
    ("CHVS", [("CHVS", "01/10/2026 14:00", "14 Ribble Way")], "Preston Central", "14 Ribble Way"),
    ("CHVS", [("COAP", "16/11/2026 10:00", "Preston office")], "Preston Central", ""),
    ("COPT", [], "Preston Central", ""),
])
def test_default_location(type_code, used, office, expected):
    from lpt_desktop.domain.contacts import default_location

    assert default_location(type_code, _used(*used), DEFAULT_NOW, office) == expected
