"""The risk management plan: when it is required, its sections, complete actions, sharing and evidence."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.assessment.risk_plan import Action, IncompleteAction, RiskPlan, Sharing
from lpt_desktop.domain.validation import FieldError

D = date(2026, 12, 15)
FULL = Action("Offender manager", "Home visit with the police domestic abuse officer", D)


def test_the_sections_and_agencies_from_the_data():
    data = rp.plan_data()
    assert [s.label for s in data.sections] == [
        "Key information about the current situation", "Further considerations", "Supervision",
        "Monitoring and control", "Interventions and treatment", "Victim safety planning", "Contingency plans",
        "Additional comments"]
    assert [(a.code, a.needs_detail) for a in data.share_with] == [
        ("police", False), ("childrens_services", False), ("mappa", False), ("approved_premises", False),
        ("other", True)]
    assert data.required_from == "M"


@pytest.mark.parametrize(("level", "threshold", "required"), [
    ("L", None, False), ("M", None, True), ("H", None, True), ("VH", None, True), (None, None, False),
    ("", None, False), ("X", None, False),
    ("L", "L", True), ("M", "L", True),
    ("L", "H", False), ("M", "H", False), ("H", "H", True), ("VH", "H", True),
    ("H", "VH", False), ("VH", "VH", True),
    ("M", "M", True), ("L", "M", False),
])
def test_plan_required(level, threshold, required):
    assert rp.plan_required(level, threshold) is required


def test_a_threshold_that_is_not_a_level():
    with pytest.raises(ValueError, match="'Medium' is not a RoSH level"):
        rp.plan_required("M", "Medium")


@pytest.mark.parametrize(("action", "missing"), [
    (FULL, ()),
    (Action("", "Home visit", D), ("who",)),
    (Action("   ", "Home visit", D), ("who",)),
    (Action("Police", "", D), ("what",)),
    (Action("Police", " \n", D), ("what",)),
    (Action("Police", "Home visit", None), ("by when",)),
    (Action("", "", None), ("who", "what", "by when")),
    (Action("Police", "", None), ("what", "by when")),
])
def test_each_part_of_an_action(action, missing):
    plan = RiskPlan({"supervision": [action]})
    assert rp.incomplete_actions(plan) == ([IncompleteAction("supervision", 1, missing)] if missing else [])


def test_several_actions_in_several_sections_come_in_the_plans_order():
    plan = RiskPlan({
        "contingency": [Action("Offender manager", "Recall if he contacts the victim", None)],
        "supervision": [FULL, Action("", "Weekly reporting", D), FULL, Action("Police", "", None)],
        "key_information": [FULL],
    })
    gaps = rp.incomplete_actions(plan)
    assert gaps == [IncompleteAction("supervision", 2, ("who",)),
                    IncompleteAction("supervision", 4, ("what", "by when")),
                    IncompleteAction("contingency", 1, ("by when",))]
    assert [g.describe() for g in gaps] == ["Supervision, action 2: who missing",
                                            "Supervision, action 4: what and by when missing",
                                            "Contingency plans, action 1: by when missing"]
    errors = rp.completion_errors(plan)
    assert errors == [
        FieldError("Supervision, action 2", "who missing: say who (a role or an agency) will do what, by when "
                                            "(dd/mm/yyyy)"),
        FieldError("Supervision, action 4", "what and by when missing: say who (a role or an agency) will do what, "
                                            "by when (dd/mm/yyyy)"),
        FieldError("Contingency plans, action 1", "by when missing: say who (a role or an agency) will do what, by "
                                                  "when (dd/mm/yyyy)"),
    ]


@pytest.mark.parametrize("plan", [RiskPlan(), RiskPlan({"supervision": []}),
                                  RiskPlan({"supervision": [], "contingency": []})])
def test_a_plan_needs_at_least_one_action(plan):
    assert rp.completion_errors(plan) == [
        FieldError("Risk management plan", "has no actions: add at least one action with who, what and by when")]


def test_a_complete_plan_and_a_section_not_on_the_list():
    assert rp.completion_errors(RiskPlan({"victim_safety": [FULL]}, [Sharing("police", D)])) == []
    assert rp.completion_errors(RiskPlan({"curfew": [FULL]})) == [
        FieldError("Plan section", "'curfew' is not a section of the plan: move its actions to a section on the list")]


@pytest.mark.parametrize(("shared", "expected"), [
    ([], []),
    ([Sharing("police", D)], []),
    ([Sharing("mappa", D), Sharing("childrens_services", D), Sharing("approved_premises", D)], []),
    ([Sharing("other", D, "Women's Aid outreach worker")], []),
    ([Sharing("police", None)],
     [FieldError("Shared with (1)", "Police: the date is empty: enter when it was shared as dd/mm/yyyy")]),
    ([Sharing("police", D), Sharing("other", D, "  ")],
     [FieldError("Shared with (2)", "Other: say who it was shared with")]),
    ([Sharing("other", None)],
     [FieldError("Shared with (1)", "Other: the date is empty: enter when it was shared as dd/mm/yyyy"),
      FieldError("Shared with (1)", "Other: say who it was shared with")]),
    ([Sharing("probation", D)],
     [FieldError("Shared with (1)", "'probation' is not on the list: choose Police, Children's services, MAPPA, "
                                    "Approved premises, Other")]),
])
def test_sharing(shared, expected):
    assert rp.sharing_errors(shared) == expected
    assert rp.completion_errors(RiskPlan({"supervision": [FULL]}, shared)) == expected


def test_a_plan_not_shared_is_warned_about_not_blocked():
    plan = RiskPlan({"supervision": [FULL]})
    assert rp.completion_errors(plan) == []
    assert rp.sharing_warnings(plan) == [
        "The plan is not recorded as shared with anyone: record who it was shared with (police, children's services, "
        "MAPPA, approved premises or other) and when"]
    assert rp.sharing_warnings(RiskPlan({"supervision": [FULL]}, [Sharing("mappa", D)])) == []


def test_open_actions_and_evidence():
    a1 = Action("Offender manager", "Home visit", D, id=1)
    a2 = Action("Police", "Check call-outs monthly", D, id=2, done_on=date(2026, 11, 1))
    a3 = Action("Offender manager", "Refer to the domestic abuse programme", D, id=3)
    unsaved = Action("Offender manager", "Curfew check", D)
    plan = RiskPlan({"interventions": [a3], "supervision": [a1, a2], "contingency": [unsaved]})
    assert rp.open_actions(plan) == [a1, a3, unsaved]
    assert [(k, n) for k, n, _a in rp.all_actions(plan)] == [("supervision", 1), ("supervision", 2),
                                                              ("interventions", 1), ("contingency", 1)]
    links = [(1, "C10"), (3, "C11"), (1, "C12")]
    assert rp.actions_without_evidence([a1, a2, a3, unsaved], links) == [a2, unsaved]
    assert rp.actions_without_evidence([a1, a2, a3], []) == [a1, a2, a3]
    assert rp.evidence_for(1, links) == ["C10", "C12"]
    assert rp.evidence_for(2, links) == []
