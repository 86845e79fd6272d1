"""The checks before a report is marked ready (pure): each failing check says what to add."""

from __future__ import annotations

import copy
from datetime import date

import pytest

from lpt_desktop.domain.court import check_report
from lpt_desktop.services.court import ReportDraft, ready_checks

COMPLETE = {
    "offender_assessment": {"issues": ["accommodation", "substance_misuse"], "vulnerability": "Low mood."},
    "risk": {"rosh_level": "M", "rosh_summary": "Known adult: ex-partner."},
    "proposal": {
        "sentence": "CO", "length_months": 12,
        "requirements": [{"type_code": "UPW", "params": {"hours": 120}}, {"type_code": "RAR", "params": {"days": 15}}],
        "outline_plan": "Housing referral; drug service; RAR days on relationships; safety planning.",
        "plan_addresses": ["accommodation", "substance_misuse", "risk", "vulnerability"],
        "equality_considered": True,
    },
    "sources": {"used": ["interview", "domestic_abuse", "childrens_services"]},
    "sign_off": {"author": "Alex Morgan"},
}


def failing(sections) -> dict[str, str]:
    return {c.check_id: c.message for c in check_report(sections) if not c.ok}


def edited(**changes) -> dict:
    s = copy.deepcopy(COMPLETE)
    for path, value in changes.items():
        section, field = path.split("__")
        if value is None:
            s[section].pop(field, None)
        else:
            s[section][field] = value
    return s


def test_a_complete_report_passes_every_check():
    results = check_report(COMPLETE)
    assert [c.check_id for c in results] == ["proposal", "requirements", "outline_plan", "plan_covers_issues",
                                             "safeguarding_checks", "sign_off"]
    assert all(c.ok and c.message == "" for c in results)


def test_an_empty_report_says_what_to_add():
    bad = failing({})
    assert set(bad) == {"proposal", "safeguarding_checks", "sign_off"}
    assert "choose the proposed sentence in section 7" in bad["proposal"]
    assert "domestic abuse checks" in bad["safeguarding_checks"]
    assert "child protection checks" in bad["safeguarding_checks"]
    assert "section 9" in bad["sign_off"]


@pytest.mark.parametrize(("hours", "ok"), [(39, False), (40, True), (300, True), (301, False), ("ten", False)])
def test_unpaid_work_hours_are_40_to_300(hours, ok):
    s = edited(proposal__requirements=[{"type_code": "UPW", "params": {"hours": hours}}])
    bad = failing(s)
    assert ("requirements" not in bad) is ok
    if not ok:
        assert "Unpaid work: Hours" in bad["requirements"]
        assert "between 40 and 300" in bad["requirements"]


def test_a_requirement_without_its_parameter_is_named():
    bad = failing(edited(proposal__requirements=[{"type_code": "CUR", "params": {"hours_per_day": 8}}]))
    assert "Curfew: Months" in bad["requirements"]


def test_an_unknown_requirement_is_refused():
    bad = failing(edited(proposal__requirements=[{"type_code": "XYZ", "params": {}}]))
    assert "unknown" in bad["requirements"]


def test_a_community_sentence_needs_a_requirement():
    bad = failing(edited(proposal__requirements=None))
    assert "at least one requirement" in bad["requirements"]


def test_a_community_sentence_needs_an_outline_plan():
    for sentence in ("CO", "SSO"):
        bad = failing(edited(proposal__sentence=sentence, proposal__outline_plan="   "))
        assert "outline sentence plan" in bad["outline_plan"]


def test_no_outline_plan_is_needed_for_a_fine():
    s = edited(proposal__sentence="fine", proposal__outline_plan=None, proposal__requirements=None,
               proposal__plan_addresses=None)
    assert failing(s) == {}


def test_requirements_proposed_with_a_fine_are_still_checked():
    s = edited(proposal__sentence="fine", proposal__requirements=[{"type_code": "UPW", "params": {"hours": 500}}])
    assert "requirements" in failing(s)


def test_vulnerability_recorded_must_be_in_the_plan():
    bad = failing(edited(proposal__plan_addresses=["accommodation", "substance_misuse", "risk"]))
    assert set(bad) == {"plan_covers_issues"}
    assert "Vulnerability" in bad["plan_covers_issues"]


def test_every_issue_and_the_risk_must_be_in_the_plan():
    bad = failing(edited(proposal__plan_addresses=["vulnerability"]))
    message = bad["plan_covers_issues"]
    for label in ("Accommodation", "Substance misuse", "Risk of serious harm"):
        assert label in message


def test_low_risk_with_nothing_written_does_not_need_a_risk_line():
    s = edited(risk__rosh_level="L", risk__rosh_summary=None,
               proposal__plan_addresses=["accommodation", "substance_misuse", "vulnerability"])
    assert failing(s) == {}


def test_no_vulnerability_recorded_means_none_to_plan():
    s = edited(offender_assessment__vulnerability="  ",
               proposal__plan_addresses=["accommodation", "substance_misuse", "risk"])
    assert failing(s) == {}


@pytest.mark.parametrize(("used", "da_reason", "cp_reason", "missing"), [
    (["interview"], None, None, {"domestic abuse", "child protection"}),
    (["domestic_abuse"], None, None, {"child protection"}),
    (["childrens_services"], None, None, {"domestic abuse"}),
    (["interview"], "Police system down at court; requested for the adjourned hearing.", None, {"child protection"}),
    (["interview"], "Police system down.", "No children in the household or family.", set()),
])
def test_safeguarding_checks_or_a_reason(used, da_reason, cp_reason, missing):
    s = edited(sources__used=used, sources__da_not_done_reason=da_reason, sources__cp_not_done_reason=cp_reason)
    bad = failing(s)
    if not missing:
        assert "safeguarding_checks" not in bad
        return
    for words in missing:
        assert words in bad["safeguarding_checks"]
    for words in {"domestic abuse", "child protection"} - missing:
        assert words not in bad["safeguarding_checks"]


def test_ready_checks_reads_a_draft():
    draft = ReportDraft(id="r", request_id="q", report_type="sdr", sections=edited(proposal__sentence=None),
                        prefilled={}, status="drafting", signed_by=None, signed_on=None, countersigned_by=None,
                        hearing_date=date(2026, 12, 1))
    assert [c.check_id for c in ready_checks(draft) if not c.ok] == ["proposal"]


# -- the oral report: what a court hears ---------------------------------------------------------------
ORAL = {**copy.deepcopy(COMPLETE),
        "offence_details": {"main_offence": "Theft from a shop", "summary": "Took goods worth £86; admitted it."},
        "offence_analysis": {"analysis": "Stole to buy heroin; accepts responsibility."},
        "risk": {**COMPLETE["risk"], "likelihood": "High: five thefts this year."}}


def test_an_oral_report_with_the_proposal_only_is_not_ready():
    """Issue 15 item 5: 'All 6 checks' passed with no offence, no analysis and no assessment."""
    thin = {k: v for k, v in copy.deepcopy(ORAL).items() if k not in ("offence_details", "offence_analysis",
                                                                        "offender_assessment")}
    thin["risk"] = {}
    bad = {c.check_id: c.message for c in check_report(thin, "oral") if not c.ok}
    assert set(bad) == {"offence", "offence_analysis", "assessment", "risk"}
    # Each names the oral form's own section, not the written report's numbering.
    assert "the main offence and what happened in section 1 (Offence)" in bad["offence"]
    assert "why the offence happened" in bad["offence_analysis"] and "section 1 (Offence)" in bad["offence_analysis"]
    assert "section 2 (Relevant background)" in bad["assessment"]
    assert "likelihood of further offending and the risk of serious harm level in section 3 (Risk)" in bad["risk"]
    # The same sections pass a written report's checks: the oral checks are the oral report's own.
    assert not [c for c in check_report(thin, "sdr") if not c.ok]


def test_a_complete_oral_report_passes_and_names_its_sections():
    results = check_report(ORAL, "oral")
    assert [c.check_id for c in results] == ["offence", "offence_analysis", "assessment", "risk", "proposal",
                                             "requirements", "outline_plan", "plan_covers_issues",
                                             "safeguarding_checks", "sign_off"]
    assert all(c.ok for c in results)
    bad = {c.check_id: c.message for c in check_report({}, "oral") if not c.ok}
    assert "section 4 (Proposal)" in bad["proposal"]
    assert "section 5 (Sources)" in bad["safeguarding_checks"] and "section 5 (Sources)" in bad["sign_off"]
    assert "section 7" not in " ".join(bad.values()) and "section 9" not in " ".join(bad.values())


@pytest.mark.parametrize(("path", "check"), [
    ("offence_details__main_offence", "offence"), ("offence_details__summary", "offence"),
    ("offence_analysis__analysis", "offence_analysis"), ("risk__likelihood", "risk"), ("risk__rosh_level", "risk"),
])
def test_each_oral_essential_is_required(path, check):
    section, field = path.split("__")
    sections = copy.deepcopy(ORAL)
    sections[section].pop(field)
    assert [c.check_id for c in check_report(sections, "oral") if not c.ok] == [check]


def test_oral_background_is_the_issues_or_their_description():
    sections = copy.deepcopy(ORAL)
    sections["offender_assessment"] = {"issues_detail": "Sofa-surfing since June."}
    assert all(c.ok for c in check_report(sections, "oral"))
    sections["offender_assessment"] = {"caring_responsibilities": "None."}
    assert [c.check_id for c in check_report(sections, "oral") if not c.ok] == ["assessment"]


def test_ready_checks_use_the_drafts_report_type():
    draft = ReportDraft(id="r", request_id="q", report_type="oral", sections=copy.deepcopy(COMPLETE),
                        prefilled={}, status="drafting", signed_by=None, signed_on=None, countersigned_by=None)
    assert [c.check_id for c in ready_checks(draft) if not c.ok] == ["offence", "offence_analysis", "risk"]
