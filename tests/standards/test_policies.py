"""The shipped policy files: named, dated, each citing its source; the format is checked on load."""

from __future__ import annotations

import tomllib

import pytest

from lpt_desktop.paths import resources_dir
from lpt_desktop.standards.obligations import RULE_IDS
from lpt_desktop.standards.policy import KINDS, PolicyError, load_policy, parse_policy, policy_names


def test_three_policies_ship():
    assert policy_names() == ["current", "ns-2003", "ns-2007"]


@pytest.mark.parametrize("name", ["ns-2003", "ns-2007", "current"])
def test_each_policy_cites_its_source_and_uses_known_ids(name):
    p = load_policy(name)
    assert p.name == name and p.title and p.source and p.effective_from
    assert p.enforcement.source
    for rule in p.rules:
        assert rule.id in RULE_IDS, rule.id
        assert rule.kind in KINDS
        assert rule.description and rule.source
    assert p.reports, "every policy has report deadlines"


def test_the_2003_table_is_in_ns_2003():
    """The figures of the 2003-04 business plan's table, read back from the file."""
    p = load_policy("ns-2003")
    first = {r.description: r.within for r in p.rules if r.id == "first_contact"}
    assert first == {"First appointment within 5 working days of the order": 5,
                     "First appointment within one working day of release": 1}
    assert {(r.id, r.within, r.unit) for r in p.rules if r.id in ("upw_placement", "home_visit",
                                                                   "initial_sentence_plan")} == {
        ("upw_placement", 10, "working_days"), ("home_visit", 10, "days"),
        ("initial_sentence_plan", 15, "working_days")}
    order = next(r for r in p.rules if r.id == "ns_contacts" and "12 in the first" in r.description)
    assert [(ph.count, ph.end_weeks) for ph in order.phases[:2]] == [(12, 12), (6, 24)]
    assert (p.enforcement.decision_working_days, p.enforcement.orders_breach_at, p.enforcement.licence_recall_at) == (
        2, 2, 3)
    assert "Business Plan 2003-04" in p.source


def test_current_two_thirds_and_overrides():
    p = load_policy("current")
    assert p.two_thirds is not None
    assert set(p.two_thirds.exempt_registers) == {"MAPP", "RCPR"} and p.two_thirds.exempt_rosh == ("VH",)
    contacts = next(r for r in p.rules if r.id == "ns_contacts")
    assert contacts.override and contacts.two_thirds
    assert p.enforcement.warning_first and "Sch 8" in p.enforcement.source


def _doc(**rule):
    with open(resources_dir() / "standards" / "current.toml", "rb") as fh:
        doc = tomllib.load(fh)
    doc["rule"] = [{"id": "first_contact", "kind": "contact", "description": "x", **rule}]
    return doc


@pytest.mark.parametrize(("rule", "message"), [
    ({"unit": "fortnights"}, "unit"),
    ({"kind": "coffee"}, "kind"),
    ({"when": {"colour": ["red"]}}, "unknown conditions"),
    ({"bogus": 1}, "unknown keys"),
    ({"anchor": "birthday"}, "anchor"),
])
def test_bad_policy_files_are_refused_with_the_reason(rule, message):
    with pytest.raises(PolicyError, match=message):
        parse_policy("test", _doc(**rule))


def test_unknown_policy_name():
    with pytest.raises(ValueError, match="choose one of current, ns-2003, ns-2007"):
        load_policy("ns-1999")
