"""Workload sums (practice/workload.py) and the weights file (resources/data/workload_weights.json): table-driven,
pure, no database."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from typing import Any

import pytest

from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.practice.workload import (
    COURT_REPORT,
    WORK_DUE,
    Capacity,
    CaseInput,
    OfficerInput,
    WorkItem,
    available_points,
    band_of,
    case_points,
    load_weights,
    normal_tier,
    officer_workload,
    parse_weights,
    team_workload,
    work_points,
)
from lpt_desktop.standards.obligations import RULE_IDS

TODAY = date(2026, 11, 23)
W = load_weights()


def case(tier: str | None, order: str | None = "CO", scheme: str | None = None, recalled: bool = False,
         work: tuple[WorkItem, ...] = (), pid: str = "p1") -> CaseInput:
    return CaseInput(pid, "X123456", "Test Person", tier, scheme, order, recalled, work)


def report(code: str, days: int = 5) -> WorkItem:
    return WorkItem(COURT_REPORT, code, TODAY + timedelta(days=days))


def due(rule: str, days: int = 3) -> WorkItem:
    return WorkItem(WORK_DUE, rule, TODAY + timedelta(days=days))


# -- tier points ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("tier", "scheme", "order", "recalled", "points", "case_type"), [
    ("A3", "ab03", "CO", False, 206, "community"),  # WMT comm_tier_1
    ("D0", "ab03", "CO", False, 29, "community"),  # comm_tier_16
    ("B2", None, "SSO", False, 115, "community"),  # scheme read from the tier's form
    ("b2s", None, "CO", False, 115, "community"),  # the old unsupervised suffix is weighed as its tier
    ("A3", "ab03", "LIC", False, 219, "licence"),  # lic_tier_1
    ("C1", "ab03", "PSS", False, 52, "licence"),
    ("A0", "ab03", "LIC", False, 0, "licence"),  # WMT has no points for a licence with no change level
    ("A3", "ab03", "LIC", True, 75, "custody"),  # a recalled licence is a custody case (cust_tier_1)
    ("A", "2026", "CO", False, 206, "community"),
    ("G", "2026", "CO", False, 29, "community"),
    ("C", None, "LIC", False, 119, "licence"),
    ("E", "2026", "LIC", True, 23, "custody"),
])
def test_tier_points(tier, scheme, order, recalled, points, case_type):
    c = case_points(case(tier, order, scheme, recalled), TODAY, W)
    assert (c.tier_points, c.case_type, c.untiered) == (points, case_type, False)
    assert c.points == points
    assert f"{points} points" in c.tier_why


@pytest.mark.parametrize(("tier", "scheme", "order", "points", "untiered", "words"), [
    (None, None, "CO", 79, True, "No tier in force"),
    ("", None, "LIC", 77, True, "No tier in force"),
    ("MISSING", None, "CO", 79, True, "No tier in force"),
    ("B2", "2026", "CO", 79, True, "No tier in force"),  # a tier not of its stated scheme is no tier
    ("H", None, "CO", 79, True, "No tier in force"),  # a letter of neither scheme
    ("B2", "ab03", None, 0, False, "Not supervised"),  # no current sentence
    ("NOT_SUPERVISED", "2026", None, 0, False, "Not supervised"),
])
def test_no_tier_or_not_supervised(tier, scheme, order, points, untiered, words):
    c = case_points(case(tier, order, scheme), TODAY, W)
    assert (c.tier_points, c.untiered) == (points, untiered)
    assert c.tier_why.startswith(words)


@pytest.mark.parametrize(("tier", "scheme", "expected"), [
    ("b2s", None, ("B2", "ab03")), (" c ", None, ("C", "2026")), ("B2", "ab03", ("B2", "ab03")),
    ("B", "ab03", (None, None)), (None, None, (None, None)), ("D3S", "ab03", ("D3", "ab03")),
])
def test_normal_tier(tier, scheme, expected):
    assert normal_tier(tier, scheme) == expected


# -- reports and other work due ------------------------------------------------------------------------
@pytest.mark.parametrize(("item", "points", "counted"), [
    (report("sdr"), 138, True),  # WMT sdr
    (report("fdr"), 65, True),  # WMT sdr_conversion (fast delivery)
    (report("oral", 0), 27, True),
    (report("addendum"), 65, True),
    (report("sdr", -4), 138, True),  # overdue still counts
    (report("sdr", 30), 138, True),  # the last day of the window
    (report("sdr", 31), 138, False),  # beyond the window: listed, not counted
    (due("rosh_full_analysis"), 69, True),
    (due("initial_sentence_plan"), 27, True),
    (due("home_visit", -1), 13, True),
    (due("breach_initiation"), 18, True),
    (due("ns_contacts"), 0, True),  # what the tier pays for
    (due("report_due"), 0, True),  # counted as a court report by type
    (report("unknown"), 0, True),
])
def test_work_points(item, points, counted):
    w = work_points(item, TODAY, W)
    assert (w.points, w.counted) == (points, counted)


def test_case_adds_its_work_and_leaves_out_what_weighs_nothing():
    c = case_points(case("B2", work=(report("sdr"), due("rosh_full_analysis"), due("ns_contacts"),
                                     report("fdr", 40))), TODAY, W)
    assert c.tier_points == 115
    assert [w.item.code for w in c.work] == ["rosh_full_analysis", "sdr", "fdr"]  # by due date; contacts gone
    assert c.work_points == 138 + 69  # the fast delivery report is due after the window
    assert c.points == 115 + 138 + 69
    assert "not counted yet" in c.work[-1].why


def test_a_case_not_supervised_still_carries_its_report():
    c = case_points(case(None, order=None, work=(report("sdr"),)), TODAY, W)
    assert (c.tier_points, c.points) == (0, 138)


# -- capacity ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("grade", "hours", "reduction", "available"), [
    ("po", None, 0, 2176),  # WMT nominal_target_po, 37 hours
    ("pso", 37, 0, 2176),
    (None, None, 0, 2176),  # the default grade
    ("nonsense", None, 0, 2176),
    ("trainee", None, 0, 870),
    ("po", 18.5, 0, 1088),  # half time
    ("po", 30, 0, 1764),  # 2176 x 30/37 = 1764.3, rounded down
    ("po", 37, 7.4, 1740),  # 2176 x 29.6/37 = 1740.8
    ("po", 20, 5, 882),  # 2176 x 20/37 x 15/20 = 882.16
    ("po", 0, 0, 0),
    ("po", 10, 12, 0),  # reductions above the hours: nothing left
])
def test_available_points(grade, hours, reduction, available):
    points, _grade, _hours, why = available_points(grade, Capacity(hours, reduction), W)
    assert points == available
    assert ("No contracted hours" if hours == 0 else "points for a full-time") in why


@pytest.mark.parametrize(("percent", "band"), [
    (None, "No capacity recorded"), (50.0, "Within capacity"), (100.0, "Within capacity"),
    (100.1, "Over capacity"), (110.0, "Over capacity"), (110.5, "Well over capacity"),
])
def test_bands(percent, band):
    assert band_of(percent, W) == band


def test_officer_and_team():
    alex = OfficerInput("o1", "Alex Morgan", "po", Capacity(), (
        case("A3", pid="a"), case("C", "LIC", pid="b", work=(report("sdr"),)), case(None, pid="c"),
    ), work=(report("fdr"),))
    sam = OfficerInput("o2", "Sam Patel", "pso", Capacity(18.5), (case("B2", pid="d"),))
    nobody = OfficerInput("o3", "New Starter", "po", Capacity(0))
    team = team_workload([alex, sam, nobody], TODAY, W, name="Preston North")
    a, s, n = team.officers
    assert [c.points for c in a.cases] == [206, 119 + 138, 79]
    assert (a.available, a.used, a.remaining) == (2176, 206 + 257 + 79 + 65, 2176 - 607)
    assert a.percent == round(607 / 2176 * 100, 1) == 27.9
    assert (a.tier_points, a.work_points, a.case_count) == (206 + 119 + 79, 138 + 65, 3)
    assert (s.available, s.used, s.percent, s.band) == (1088, 115, 10.6, "Within capacity")
    assert (n.available, n.used, n.percent, n.band) == (0, 0, None, "No capacity recorded")
    assert (team.available, team.used, team.remaining) == (2176 + 1088, 607 + 115, 2176 + 1088 - 722)
    assert team.percent == 22.1 and team.case_count == 4 and team.name == "Preston North"


def test_over_capacity():
    load = tuple(case("A3", pid=str(i)) for i in range(12))  # 12 x 206 = 2472 of 2176
    o = officer_workload(OfficerInput("o1", "Alex", "po", Capacity(), load), TODAY, W)
    assert (o.used, o.remaining, o.percent, o.band) == (2472, -296, 113.6, "Well over capacity")


# -- the weights file ----------------------------------------------------------------------------------
def test_the_shipped_file_covers_every_tier_rule_and_order():
    data = load_json("workload_weights.json")
    tiers = load_json("tier_schemes.json")
    assert set(W.tiers["2026"]["community"]) == set(tiers["2026"]["letters"])
    assert len(W.tiers["ab03"]["licence"]) == 16
    assert set(W.work_due) == set(RULE_IDS)  # every rule the standards engine has, weighed or zero
    assert set(W.court_reports) == {t["code"] for t in load_json("court_reports.json")["report_types"]}
    orders = {o["code"] for o in load_json("order_types.json")["order_types"]}
    assert orders <= set(W.order_case_types)
    for key in ("untiered", "case_types", "court_reports", "work_due", "capacity", "bands"):
        section = data[key]
        assert section.get("source"), f"{key} has no source note"
    for scheme in ("ab03", "2026"):
        assert data["schemes"][scheme]["source"]
    assert "ministryofjustice/wmt-db" in data["source"]


def _broken(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(load_json("workload_weights.json"))
    change(data)
    return data


@pytest.mark.parametrize(("change", "key", "words"), [
    (lambda d: d["schemes"]["ab03"]["community"].pop("B2"), "schemes.ab03.community.B2", "whole number"),
    (lambda d: d["schemes"]["2026"]["licence"].update(C="many"), "schemes.2026.licence.C", "whole number"),
    (lambda d: d["schemes"]["2026"]["custody"].update(H=3), "schemes.2026.custody", "should not: H"),
    (lambda d: d["schemes"].pop("2026"), "schemes.2026", "missing"),
    (lambda d: d["untiered"].update(licence=-1), "untiered.licence", "0 or more"),
    (lambda d: d["court_reports"].update(sdr=1.5), "court_reports.sdr", "whole number"),
    (lambda d: d["work_due"]["points"].update(home_visit=True), "work_due.points.home_visit", "whole number"),
    (lambda d: d["work_due"].update(due_within_days="30"), "work_due.due_within_days", "whole number of days"),
    (lambda d: d["capacity"].update(full_time_hours=0), "capacity.full_time_hours", "above 0"),
    (lambda d: d["capacity"].update(default_grade="spo2"), "capacity.default_grade", "no points"),
    (lambda d: d["case_types"].update(licence=["LIC", "CO"]), "case_types.licence", "already a community"),
    (lambda d: d["case_types"].update(recalled="prison"), "case_types.recalled", "one of"),
    (lambda d: d["bands"].update(over=[[100, "Over"], [110, "Well over"]]), "bands.over", "highest percent first"),
    (lambda d: d["bands"].update(over=[[100]]), "bands.over[0]", "[percent, words]"),
    (lambda d: d.pop("capacity"), "capacity", "missing"),
])
def test_a_bad_file_names_the_key(change, key, words):
    with pytest.raises(ValidationError) as err:
        parse_weights(_broken(change))
    fields = {e.field: e.message for e in err.value.errors}
    assert f"workload_weights.json: {key}" in fields, fields
    assert words in fields[f"workload_weights.json: {key}"]
    assert key in str(err.value)


def test_every_problem_is_named_at_once():
    def two(d: dict[str, Any]) -> None:
        d["court_reports"]["oral"] = "x"
        d["capacity"]["points_by_grade"]["po"] = None
    with pytest.raises(ValidationError) as err:
        parse_weights(_broken(two))
    assert {e.field for e in err.value.errors} == {"workload_weights.json: court_reports.oral",
                                                   "workload_weights.json: capacity.points_by_grade.po"}
