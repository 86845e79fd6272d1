"""The needs assessment: the data file's shape, what stops completion, Skills for Life and the learning plan,
barriers to engagement, validity for tiering, the needs the tier engine reads, and commissioned services."""

from __future__ import annotations

import json
from datetime import date

import pytest

from lpt_desktop.assessment import needs as nd
from lpt_desktop.assessment.needs import BarrierAnswer, NeedsAssessment, SectionRating, SkillsScreening
from lpt_desktop.assessment.tier_types import NEED_KEYS
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.paths import resources_dir

DATA = resources_dir() / "data" / "needs_assessment.json"
KEYS = ["accommodation", "ete", "finance", "relationships", "lifestyle", "drugs", "alcohol", "emotional",
        "thinking_behaviour", "attitudes", "health"]


def _rated(**severities: str) -> dict[str, SectionRating]:
    out = {k: SectionRating("none") for k in KEYS}
    for k, sev in severities.items():
        out[k] = SectionRating(sev, evidence="" if sev == "none" else "Said so at interview; police records")
    return out


# -- the data ------------------------------------------------------------------------------------------
def _raw() -> dict:
    return json.loads(DATA.read_text(encoding="utf-8"))


def test_the_data_file_is_sound():
    assert nd.validate_needs_data(_raw()) == []
    assert nd.validate_needs_data("x") == ["the file does not hold an object"]


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d.pop("sections"), "'sections' is missing"),
    (lambda d: d["sections"][0].pop("help"), "sections 1: 'help' missing or empty"),
    (lambda d: d["sections"].append(dict(d["sections"][0])), "sections 12: key 'accommodation' is used twice"),
    (lambda d: d["sections"][9].update(tier_need=False),
     "the sections read by tiering must be exactly " + ", ".join(NEED_KEYS)),
    (lambda d: d["sections"][10].update(tier_need="no"), "section 'health': 'tier_need' must be true or false"),
    (lambda d: d["severities"].pop("severe"), "'severities' must have exactly none, standard, severe, in that order"),
    (lambda d: d.update(valid_for_tiering_weeks="55"), "'valid_for_tiering_weeks' must be a whole number of weeks"),
    (lambda d: d["evidence"].update(required_for=["urgent"]),
     "'evidence' needs 'required_for' (severities) and a whole number 'max_chars'"),
    (lambda d: d["skills_for_life"]["results"].pop("not_screened"),
     "'skills_for_life.results' must name the results, 'not_screened' among them"),
    (lambda d: d["skills_for_life"].update(positive=["not_screened"]),
     "'skills_for_life.positive' must list results that count as a need identified"),
    (lambda d: d["barriers"][2].update(label=""), "barriers 3: 'label' missing or empty"),
    (lambda d: d["commissioned_services"][1].update(needs=["jobs"]),
     "commissioned service 2: jobs is not a section key"),
    (lambda d: d["commissioned_services"][0].pop("genders"),
     "commissioned service 1: needs a partner, why, genders (a list) and needs (a non-empty list)"),
])
def test_a_broken_copy_of_the_data_is_caught(edit, expected):
    data = _raw()
    edit(data)
    assert expected in nd.validate_needs_data(data)
    with pytest.raises(ValueError, match="needs_assessment.json"):
        nd.needs_from(data)


def test_the_sections_follow_oasys_3_to_13_with_the_tier_engines_keys():
    d = nd.needs_data()
    assert [(s.key, s.oasys) for s in d.sections] == list(zip(KEYS, [str(n) for n in range(3, 14)], strict=True))
    assert {s.key for s in d.sections if s.tier_need} == set(NEED_KEYS)
    assert d.section("ete").label == "Education, training and employment"
    assert [b.key for b in d.barriers] == ["literacy", "language", "disability", "health", "childcare", "faith",
                                           "gender", "trauma", "travel"]
    assert list(d.skills_areas) == ["literacy", "numeracy", "language"]
    assert d.valid_for_tiering_weeks == 55
    assert nd.needs_data() is d  # read once


def test_every_service_names_a_partner_on_the_plans_list():
    partners = {p["code"] for p in json.loads((resources_dir() / "data" / "sentence_plan.json")
                                              .read_text(encoding="utf-8"))["partners"]}
    assert {s.partner for s in nd.needs_data().services} <= partners


# -- completion ----------------------------------------------------------------------------------------
def test_a_fully_rated_assessment_has_no_errors():
    assert nd.assessment_errors(NeedsAssessment(_rated(accommodation="severe", drugs="standard"))) == []


@pytest.mark.parametrize(("sections", "expected"), [
    ({}, [FieldError(nd.needs_data().section(k).label, "is not rated: choose no need, standard or severe")
          for k in KEYS]),
    ({**_rated(), "drugs": SectionRating(None)},
     [FieldError("Drug misuse", "is not rated: choose no need, standard or severe")]),
    ({**_rated(), "alcohol": SectionRating("high")},
     [FieldError("Alcohol misuse", "'high' is not a rating: choose no need, standard or severe")]),
    ({**_rated(), "ete": SectionRating("standard")},
     [FieldError("Education, training and employment evidence", "is empty: say briefly what shows a standard need")]),
    ({**_rated(), "accommodation": SectionRating("severe", evidence="   ")},
     [FieldError("Accommodation evidence", "is empty: say briefly what shows a severe need")]),
    ({**_rated(), "attitudes": SectionRating("standard", evidence="x" * 2001)},
     [FieldError("Attitudes evidence", "is 2001 characters long: shorten it to 2000 or fewer")]),
    ({**_rated(), "relationships": SectionRating("none", risk_of_harm=True)},
     [FieldError("Relationships", "is rated no need but linked to risk of harm or reoffending: rate the need, or "
                                  "remove the link")]),
    ({**_rated(), "housing": SectionRating("none")},
     [FieldError("Needs", "'housing' is not a needs section: remove the rating")]),
])
def test_what_stops_the_sections_being_completed(sections, expected):
    assert nd.assessment_errors(NeedsAssessment(sections)) == expected


def test_a_need_with_evidence_and_links_is_sound():
    sections = {**_rated(), "thinking_behaviour": SectionRating("severe", True, True, "Impulsive; hit a stranger")}
    assert nd.assessment_errors(NeedsAssessment(sections)) == []


# -- Skills for Life -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("skills", "required", "why"), [
    (SkillsScreening(), False, "no need identified at screening"),
    (SkillsScreening({"literacy": "no_need", "numeracy": "not_screened"}), False, "no need identified at screening"),
    (SkillsScreening({"literacy": "need_identified"}), True,
     "A literacy need identified at screening and no full assessment result yet: refer for one, and add a learning "
     "plan to the sentence plan unless it finds no learning need"),
    (SkillsScreening({"literacy": "need_identified", "numeracy": "need_identified", "language": "need_identified"},
                     date(2026, 10, 1), "need_confirmed"), True,
     "A literacy, numeracy and english language need identified at screening and confirmed by the full "
     "assessment: add a learning plan to the sentence plan"),
    (SkillsScreening({"numeracy": "need_identified"}, date(2026, 10, 1), "no_need"), False,
     "A numeracy need identified at screening, but the full assessment found no learning need"),
])
def test_a_positive_screening_asks_for_a_learning_plan(skills, required, why):
    assert nd.learning_plan_required(skills) == (required, why)


@pytest.mark.parametrize(("skills", "owed"), [
    (SkillsScreening(), False),
    (SkillsScreening({"literacy": "no_need"}), False),
    (SkillsScreening({"literacy": "need_identified"}), True),
    (SkillsScreening({"literacy": "need_identified"}, referred_on=date(2026, 11, 2)), False),
    (SkillsScreening({"language": "need_identified"}, full_assessment="no_need"), False),
])
def test_a_positive_screening_asks_for_a_referral(skills, owed):
    assert nd.referral_required(skills)[0] is owed


@pytest.mark.parametrize(("skills", "expected"), [
    (SkillsScreening({"literacy": "passed"}),
     [FieldError("Skills for Life literacy", "'passed' is not a result: choose no need identified, need identified, "
                                             "not screened")]),
    (SkillsScreening({"ict": "no_need"}),
     [FieldError("Skills for Life", "'ict' is not screened: use literacy, numeracy or language")]),
    (SkillsScreening(full_assessment="maybe"),
     [FieldError("Full assessment of learning needs", "'maybe' is not a result: choose learning need confirmed or "
                                                      "no learning need found")]),
])
def test_screening_codes_are_checked(skills, expected):
    assert nd.assessment_errors(NeedsAssessment(_rated(), skills)) == expected


# -- barriers ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("barriers", "errors", "unassessed", "adjust"), [
    ({}, [], ["literacy", "language", "disability", "health", "childcare", "faith", "gender", "trauma", "travel"], []),
    ({"childcare": BarrierAnswer(True)}, [FieldError("Childcare and caring adjustment",
                                                     "is empty: say what adjustment is made for it")],
     ["literacy", "language", "disability", "health", "faith", "gender", "trauma", "travel"], ["childcare"]),
    ({"language": BarrierAnswer(True, "Polish interpreter booked for every appointment"),
      "faith": BarrierAnswer(False)}, [],
     ["literacy", "disability", "health", "childcare", "gender", "trauma", "travel"], ["language"]),
    ({"wifi": BarrierAnswer(True, "x")}, [FieldError("Barriers to engagement", "'wifi' is not a barrier on the list: "
                                                                               "remove it")],
     ["literacy", "language", "disability", "health", "childcare", "faith", "gender", "trauma", "travel"], []),
])
def test_each_barrier_present_needs_an_adjustment(barriers, errors, unassessed, adjust):
    assert nd.assessment_errors(NeedsAssessment(_rated(), barriers=barriers)) == errors
    assert nd.unassessed_barriers(barriers) == unassessed
    assert nd.adjustments_required(barriers) == adjust


# -- tiering -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("completed_on", "as_of", "valid"), [
    (None, date(2026, 11, 23), False),
    (date(2026, 11, 23), date(2026, 11, 23), True),
    (date(2025, 10, 20), date(2026, 11, 2), True),  # 54 weeks exactly
    (date(2025, 10, 20), date(2026, 11, 8), True),  # 54 weeks 6 days
    (date(2025, 10, 20), date(2026, 11, 9), False),  # 55 weeks exactly: no longer less than 55
    (date(2024, 1, 1), date(2026, 11, 23), False),
    (date(2026, 11, 24), date(2026, 11, 23), False),  # a completion date after the day asked about
])
def test_an_assessment_counts_for_tiering_while_less_than_55_weeks_old(completed_on, as_of, valid):
    assert nd.valid_for_tiering(completed_on, as_of) is valid


def test_the_tier_engine_reads_the_need_keys_only():
    a = NeedsAssessment({**_rated(accommodation="severe", thinking_behaviour="standard", health="severe"),
                         "drugs": SectionRating(None)})
    assert nd.tier_needs(a) == {"accommodation": "severe", "ete": "none", "relationships": "none", "lifestyle": "none",
                                "drugs": "none", "alcohol": "none", "thinking_behaviour": "standard",
                                "attitudes": "none", "finance": "none", "emotional": "none"}


@pytest.mark.parametrize(("assessment", "expected"), [
    (None, None),
    (NeedsAssessment(_rated(alcohol="severe")), None),  # not completed
    (NeedsAssessment(_rated(alcohol="severe"), completed_on=date(2025, 1, 1)), None),  # too old
    (NeedsAssessment({"alcohol": SectionRating("severe", evidence="x")}, completed_on=date(2026, 11, 1)), None),
    (NeedsAssessment(_rated(alcohol="severe"), completed_on=date(2026, 11, 1)),
     {**dict.fromkeys(NEED_KEYS, "none"), "alcohol": "severe"}),
])
def test_needs_for_tiering_is_none_without_a_valid_complete_assessment(assessment, expected):
    assert nd.needs_for_tiering(assessment, date(2026, 11, 23)) == expected


# -- services ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("needs", "gender", "expected"), [
    ({}, "Female", []),
    ({"ete": "standard"}, "Male", [("ete_provider", ("ete",))]),
    ({"ete": "none", "drugs": "none"}, "Male", []),
    ({"ete": "standard"}, "Female", [("womens_centre", ("ete",)), ("ete_provider", ("ete",))]),
    ({"drugs": "severe", "alcohol": "standard"}, "Male", [("drug_alcohol_service", ("drugs", "alcohol"))]),
    ({"drugs": "severe"}, "female", [("drug_alcohol_service", ("drugs",))]),  # no women's centre need among these
    ({"accommodation": "severe", "emotional": "standard", "relationships": "severe"}, "Female",
     [("womens_centre", ("accommodation", "relationships", "emotional")),
      ("accommodation_provider", ("accommodation",))]),
    ({"emotional": "severe"}, "Not known", []),
    ({"emotional": "severe"}, None, []),
    ({"accommodation": "standard"}, None, [("accommodation_provider", ("accommodation",))]),
])
def test_which_commissioned_services_the_needs_call_for(needs, gender, expected):
    assert [(c.partner, c.because) for c in nd.services_called_for(needs, gender)] == expected


def test_services_are_called_for_from_an_assessment_too():
    a = NeedsAssessment(_rated(ete="severe"))
    assert [c.partner for c in nd.services_called_for(a, "Female")] == ["womens_centre", "ete_provider"]
