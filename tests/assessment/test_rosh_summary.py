"""The RoSH summary: the data file, levels and their definitions, required fields, the overall level and the
RoSH register."""

from __future__ import annotations

import json

import pytest

from lpt_desktop.assessment import rosh_summary as rsum
from lpt_desktop.assessment.rosh_summary import RoshSummary
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.paths import resources_dir

DATA = resources_dir() / "data" / "rosh_assessment.json"
COMMUNITY = ("children", "public", "known_adult", "staff")
CUSTODY = (*COMMUNITY, "prisoners")


def test_the_data_file_is_sound():
    assert rsum.validate_assessment_data(json.loads(DATA.read_text(encoding="utf-8"))) == []


@pytest.mark.parametrize(("edit", "expected"), [
    (lambda d: d.pop("plan"), "'plan' is missing"),
    (lambda d: d["groups"].pop(4), "group 'prisoners' is missing"),
    (lambda d: d["registers"].pop("VH"), "'registers' must give a register for each level (H, L, M, VH)"),
    (lambda d: d["summary_fields"][1].update(required=False), "summary fields who_at_risk and nature must be required"),
    (lambda d: d["plan"].update(required_from="Medium"), "plan 'required_from' must be a level code"),
    (lambda d: d["plan"]["sections"].append({"code": "supervision", "label": "Again"}),
     "plan 'sections' must be a non-empty list of objects with distinct codes and labels"),
    (lambda d: d["plan"].update(share_with=[]),
     "plan 'share_with' must be a non-empty list of objects with distinct codes and labels"),
    (lambda d: d["carried_forward"].update(stale_after_months=0),
     "'carried_forward' needs a whole number stale_after_months above 0"),
    (lambda d: d["analysis_fields"][0].pop("help"), "analysis_fields 'what': needs a label and help"),
    (lambda d: d["screened_out"].update(usual_level="low"),
     "'screened_out' needs a label, usual_level (a level code) and the reason's minimums"),
    (lambda d: d["groups"][0].update(custody="yes"),
     "'groups' must be objects with code, label, community and custody"),
])
def test_a_broken_copy_of_the_data_is_caught(edit, expected):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    edit(data)
    assert expected in rsum.validate_assessment_data(data)
    with pytest.raises(ValueError, match="rosh_assessment.json"):
        rsum.assessment_from(data)


def test_groups_fields_and_levels():
    d = rsum.assessment_data()
    assert [g.code for g in d.community_groups] == list(COMMUNITY)
    assert [g.code for g in d.custody_groups] == list(CUSTODY)
    assert [f.code for f in d.summary_fields if f.required] == ["who_at_risk", "nature"]
    assert [f.code for f in d.summary_fields] == ["who_at_risk", "nature", "imminence", "increases", "reduces",
                                                  "analysis"]
    assert [f.code for f in d.analysis_fields] == ["what", "where_when", "how", "victims", "others_involved", "why",
                                                   "sources"]
    assert list(d.analysis_periods) == ["current", "previous"]
    assert [(lv.code, lv.label) for lv in rsum.levels()] == [("L", "Low"), ("M", "Medium"), ("H", "High"),
                                                             ("VH", "Very high")]
    assert rsum.levels()[3].definition.startswith("Imminent risk of serious harm")
    assert not [w for w in ("DOMAIN.md", "seed", ".md", ".json", "resources/") if w.lower() in d.source.lower()]


# -- overall level -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("community", "custody", "in_custody", "expected"), [
    ({"children": "L", "public": "M", "known_adult": "L", "staff": "L"}, {}, False, "M"),
    ({"children": "H", "public": "M", "known_adult": "VH", "staff": "L"}, {}, False, "VH"),
    ({"children": "H", "public": "H", "known_adult": "L", "staff": "M"}, {}, False, "H"),  # a tie
    ({"children": "L", "public": "L", "known_adult": "L", "staff": "L"}, {}, False, "L"),
    ({"children": "L", "public": None, "known_adult": None, "staff": None}, {}, False, "L"),
    ({}, {}, False, None),
    ({"children": None}, {"children": "H"}, False, None),  # custody levels do not count in the community
    # in custody: the custody levels, prisoners included, whatever the community levels say
    ({"children": "VH"}, {"children": "L", "public": "M", "prisoners": "H"}, True, "H"),
    ({"children": "L"}, {"staff": "VH", "prisoners": "H"}, True, "VH"),
    ({"children": "H"}, {"children": "M", "prisoners": "M"}, True, "M"),  # a tie
    ({"children": "H"}, {}, True, None),  # no fall-back to the community levels
    ({"public": "H"}, {"public": "X"}, True, None),  # not a level
])
def test_overall_level(community, custody, in_custody, expected):
    assert rsum.overall_level(community, custody, in_custody) == expected


@pytest.mark.parametrize(("level", "register"), [("L", "RLRH"), ("M", "RMRH"), ("H", "RHRH"), ("VH", "RVHR")])
def test_rosh_register_for(level, register):
    assert rsum.rosh_register_for(level) == register


@pytest.mark.parametrize("level", ["", "Low", "X", "l"])
def test_rosh_register_for_something_else(level):
    with pytest.raises(ValueError, match="is not a RoSH level"):
        rsum.rosh_register_for(level)


# -- required fields -----------------------------------------------------------------------------------
ALL_LOW = dict.fromkeys(COMMUNITY, "L")
TEXTS = {"who_at_risk": "His former partner and her two children.", "nature": "Physical and psychological harm."}


def _missing_level(group: str, where: str) -> FieldError:
    return FieldError(f"Risk to {group} ({where})", "has no level: choose low, medium, high or very high")


@pytest.mark.parametrize(("summary", "expected"), [
    (RoshSummary(TEXTS, ALL_LOW), []),
    (RoshSummary({**TEXTS, "imminence": "", "analysis": "x"}, ALL_LOW), []),  # the others are optional
    (RoshSummary({"nature": "Physical harm."}, ALL_LOW),
     [FieldError("Who is at risk", "is empty: name the people or groups at risk: a partner, her children, lone "
                                   "women at night.")]),
    (RoshSummary({"who_at_risk": "Partner", "nature": "  "}, ALL_LOW),
     [FieldError("Nature of the risk", "is empty: what serious harm could happen: physical, sexual, psychological.")]),
    (RoshSummary(TEXTS, {**ALL_LOW, "staff": None}), [_missing_level("staff", "in the community")]),
    (RoshSummary(TEXTS, {"children": "L", "public": "L"}),
     [_missing_level("known adult", "in the community"), _missing_level("staff", "in the community")]),
    (RoshSummary(TEXTS, {**ALL_LOW, "public": "Medium"}),
     [FieldError("Risk to public (in the community)", "'Medium' is not a level: choose low, medium, high or "
                                                      "very high")]),
    (RoshSummary(TEXTS, {**ALL_LOW, "prisoners": "L"}),
     [FieldError("Risk (in the community)", "'prisoners' is not a group assessed in the community: remove it")]),
    # in custody every custody group needs a level, prisoners included
    (RoshSummary(TEXTS, ALL_LOW, dict.fromkeys(CUSTODY, "M"), in_custody=True), []),
    (RoshSummary(TEXTS, ALL_LOW, dict.fromkeys(COMMUNITY, "M"), in_custody=True),
     [_missing_level("prisoners", "in custody")]),
    (RoshSummary(TEXTS, ALL_LOW, {}, in_custody=True), [_missing_level(g, "in custody") for g in
                                                        ("children", "public", "known adult", "staff", "prisoners")]),
    (RoshSummary({**TEXTS, "mood": "x"}, ALL_LOW),
     [FieldError("Summary", "'mood' is not a summary field: remove it")]),
])
def test_summary_errors(summary, expected):
    assert rsum.summary_errors(summary) == expected


SCREENED = FieldError("Why no full analysis was needed",
                      "is too short: say in at least a sentence (20 characters or more, more than 3 words) why the "
                      "screening needed no full analysis")


@pytest.mark.parametrize(("reason", "levels", "errors", "warned"), [
    ("No violence, weapons or concerns in any record checked.", ALL_LOW, [], False),
    (None, ALL_LOW, [SCREENED], False),
    ("Nothing found.", ALL_LOW, [SCREENED], False),
    ("aaaa bbbb cccc ddddd", ALL_LOW, [], False),  # the edge: 20 characters, four words
    ("No violence, weapons or concerns in any record checked.", {**ALL_LOW, "public": "M"}, [], True),
    ("No violence, weapons or concerns in any record checked.", {**ALL_LOW, "staff": None},
     [_missing_level("staff", "in the community")], False),
])
def test_a_screened_out_summary(reason, levels, errors, warned):
    summary = RoshSummary({}, levels, screened_out=True, no_analysis_reason=reason)  # no texts needed
    assert rsum.summary_errors(summary) == errors
    expected = (["No full analysis, yet the risk to public is above low: check the screening, as a level above low "
                 "usually needs a full analysis"] if warned else [])
    assert rsum.summary_warnings(summary) == expected


def test_a_full_summary_is_not_warned_about_its_levels():
    assert rsum.summary_warnings(RoshSummary(TEXTS, dict.fromkeys(COMMUNITY, "VH"))) == []


# -- the full analysis ---------------------------------------------------------------------------------
WHAT = ("is empty: the behaviour, not only the offence as charged. For previous behaviour with nothing of concern, "
        "say so.")
SOURCES = ("is empty: where this information comes from: police, CPS papers, children's services, youth offending "
           "team, previous OASys. For previous behaviour, the records that were checked.")
DONE = {"what": "Punched his partner twice.", "sources": "CPS papers; police call-outs."}


@pytest.mark.parametrize(("analysis", "expected"), [
    ({"current": DONE, "previous": DONE}, []),
    ({"current": {**DONE, "why": "Jealousy.", "how": ""}, "previous": DONE}, []),  # the rest is optional
    ({"current": DONE}, [FieldError("Previous behaviour: What happened", WHAT),
                         FieldError("Previous behaviour: Sources", SOURCES)]),  # previous never skipped
    ({"current": DONE, "previous": {"what": "None known."}}, [FieldError("Previous behaviour: Sources", SOURCES)]),
    ({"current": {"what": " ", "sources": "CPS"}, "previous": DONE},
     [FieldError("Current behaviour: What happened", WHAT)]),
    ({}, [FieldError("Current behaviour: What happened", WHAT), FieldError("Current behaviour: Sources", SOURCES),
          FieldError("Previous behaviour: What happened", WHAT), FieldError("Previous behaviour: Sources", SOURCES)]),
    ({"current": {**DONE, "motive": "x"}, "previous": DONE, "future": {}},
     [FieldError("Current behaviour", "'motive' is not a field of the analysis: remove it"),
      FieldError("Full analysis", "'future' is not current or previous behaviour: remove it")]),
])
def test_analysis_errors(analysis, expected):
    assert rsum.analysis_errors(analysis) == expected


def test_the_analysis_asks_the_same_fields_of_both_periods():
    d = rsum.assessment_data()
    assert [f.code for f in d.analysis_fields if f.required] == ["what", "sources"]
    assert d.analysis_periods == {"current": "Current behaviour", "previous": "Previous behaviour"}


def test_levels_by_group():
    summary = RoshSummary(TEXTS, {**ALL_LOW, "public": "H", "prisoners": "M"}, {"children": "M", "prisoners": "H"})
    assert rsum.levels_by_group(summary) == {
        "children": {"community": "L", "custody": "M"}, "public": {"community": "H", "custody": None},
        "known_adult": {"community": "L", "custody": None}, "staff": {"community": "L", "custody": None},
        "prisoners": {"community": None, "custody": "H"}}  # prisoners are assessed in custody only
