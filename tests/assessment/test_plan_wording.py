"""The wording check on a goal's outcome: activity-only outcomes flagged with a suggestion, outcomes stating a
change passing even when they name an activity, and the wording data's shape."""

from __future__ import annotations

import json

import pytest

from lpt_desktop.assessment import plan_wording as pw
from lpt_desktop.paths import resources_dir

DATA = resources_dir() / "data" / "sentence_plan.json"

ACTIVITY_ONLY = [
    "Attend AA meetings weekly",
    "Complete the Thinking Skills Programme",
    "Engage with the drug service",
    "Go to the jobcentre every fortnight",
    "Take part in the Building Better Relationships programme",  # "better" is the programme's name
    "Comply with the curfew",
    "Sam will attend all appointments",
    "Sam is attending the women's centre",  # "is" helps the activity: not a state
    "Sam will be attending ASRO",
    "Has to complete 120 hours of unpaid work",
    "Is to attend the job club",
    "Participate in the CALM programme",
    "To be referred to the accommodation provider",
    "Sign up for a literacy course at college",
    "Register with a GP",
    "Apply for jobs in warehousing",
    "Engaging with Inspire Women's Centre",
    "Completion of the DID programme",
    "Keeps all appointments with probation",  # "keeps" here is compliance, not a change
    "Successfully complete the drug rehabilitation requirement",
    "Regularly attend and engage with the ETE provider",
    "Sam must comply with the residence requirement",
    "Work through the debt advice sessions",
    "Undertake 60 hours of unpaid work",
    "Look for work with the help of the ETE provider",
    "Attendance at the alcohol service",
    "Sam has attended the first three sessions",
    "Sam\u2019s going to go to the housing office",
    "ATTEND THE THINKING SKILLS PROGRAMME",
    "  complete   ASRO  ",
    "Sam is required to attend ASRO",  # "is required to" helps the activity (review of issue 20)
    "Sam is expected to complete the programme",
    "Sam needs to engage more with the alcohol service",  # "more" says how much, not what changes
    "Sam has agreed to attend the women's centre",
    "Sam is asked to attend the job club weekly",
    "Sam has been asked to engage fully with the drug service",
    "Sam is willing to attend more regularly",
]

STATES_A_CHANGE = [
    "Sam has a settled home",
    "Sam is in paid work",
    "No longer uses heroin",
    "Is able to manage her anger without violence",
    "Stays sober for six months",
    "Keeps her tenancy",
    "Will have a stable income and no rent arrears",
    "Sam is sober and attends AA weekly",
    "Has a settled home after working with the accommodation provider",
    "Complete ASRO so that Sam no longer uses cocaine",
    "Able to attend college without support",
    "Sam is going to have a full-time job by the summer",
    "Feels able to cope without self-harming",
    "Understands the harm caused to the victim",
    "Drinks less and never drives after drinking",
    "Lives in her own flat with her children",
    "Manages her money and pays bills on time",
    "Has more contact with his children",
    "Is free from drugs",
    "Sam won't go back to the people he offended with",
    "Maintains the job he has",
    "Spends less time with people who offend",
    "Knows where to get help when he feels low",
    "Will be in full-time work after completing the ETE course",
    "Reduced drinking to within safe limits",
    "Recognises warning signs and walks away from arguments",
    "Relationship is free from abuse",
    "Stopped using cannabis",
    "Has completed the programme and uses what he learned to stay calm",
    "Does not carry a knife",
    "Sam is more confident after attending college",
    "Engage more and feel less anxious",
    "Sam has agreed to attend and is now in paid work",
]


@pytest.mark.parametrize("text", ACTIVITY_ONLY)
def test_an_outcome_naming_only_an_activity_is_flagged(text):
    flags = pw.outcome_flags(text, "Sam")
    assert [f.code for f in flags] == [pw.ACTIVITY_ONLY]
    assert flags[0].suggestion == "What will be different for Sam when this is done? e.g. 'has a settled home'"
    assert str(flags[0]) == flags[0].message.strip() and "state the change sought" in flags[0].message


@pytest.mark.parametrize("text", STATES_A_CHANGE)
def test_an_outcome_stating_a_change_passes(text):
    assert pw.outcome_flags(text, "Sam") == []


@pytest.mark.parametrize(("text", "activity", "change"), [
    ("Attend AA", True, False),
    ("Is sober", False, True),
    ("Is attending AA", True, False),
    ("Is sober and attends AA", True, True),
    ("Building Better Relationships", False, False),
    ("Housing", False, False),
    ("Able to attend college", True, True),
    ("Engage", True, False),
])
def test_the_two_halves_of_the_check(text, activity, change):
    assert pw.names_an_activity(text) is activity
    assert pw.states_a_change(text) is change


def test_a_text_with_neither_an_activity_nor_a_change_is_not_flagged_as_activity_only():
    assert pw.outcome_flags("Housing") == []


@pytest.mark.parametrize("text", ["", "   ", None, "..."])
def test_an_empty_outcome_is_flagged(text):
    flags = pw.outcome_flags(text)
    assert [f.code for f in flags] == [pw.NO_OUTCOME]
    assert flags[0].suggestion == "What will be different for the person when this is done? e.g. 'has a settled home'"


@pytest.mark.parametrize(("name", "area", "expected"), [
    ("Sam", None, "What will be different for Sam when this is done? e.g. 'has a settled home'"),
    (None, "drugs", "What will be different for the person when this is done? e.g. 'no longer uses heroin'"),
    ("  ", "ete", "What will be different for the person when this is done? e.g. 'is in paid work and keeps the job'"),
    ("Jo", "no_such_area", "What will be different for Jo when this is done? e.g. 'has a settled home'"),
])
def test_the_suggestion_names_the_person_and_fits_the_area(name, area, expected):
    assert pw.suggestion(name, area) == expected
    assert pw.outcome_flags("Attend", name, area)[0].suggestion == expected


def test_every_example_outcome_passes_its_own_check():
    for example in pw.wording().examples.values():
        assert pw.outcome_flags(example) == [], example


def _wording() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))["wording"]


def test_the_wording_data_is_sound():
    assert pw.validate_wording_data(_wording()) == []
    assert pw.validate_wording_data([]) == ["'wording' must be an object"]


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda w: w.update(activity_phrases=[]), "'wording.activity_phrases' must be a non-empty list of phrases"),
    (lambda w: w["change_markers"].append(""), "'wording.change_markers' must be a non-empty list of phrases"),
    (lambda w: w.update(suggestion="Say what changes"),
     "'wording.suggestion' must be a text with {name} and {example}"),
    (lambda w: w["change_markers"].append("Attend"), "'wording': attend cannot be both an activity and a change"),
    (lambda w: w.pop("default_example"), "'wording.default_example' must be a non-empty text"),
])
def test_a_broken_copy_of_the_wording_is_caught(edit, expected):
    w = _wording()
    edit(w)
    assert expected in pw.validate_wording_data(w)
    with pytest.raises(ValueError, match="sentence_plan.json"):
        pw.wording_from(w)


def test_an_activity_added_to_the_data_is_checked_without_code():
    w = _wording()
    w["activity_phrases"].append("visit")
    data = pw.wording_from(w)
    assert pw.names_an_activity("Visit the library", data)
    assert not pw.names_an_activity("Visit the library")
