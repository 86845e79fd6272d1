"""Enforcement obligations per policy: action on an absence, warning, breach, recall; the same rule as
domain/enforcement.py under the current policy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lpt_desktop.domain.enforcement import decision_due, failure_number, required, warned_within_window
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES
from lpt_desktop.standards.obligations import EnforcementFact, obligations
from lpt_desktop.standards.policy import load_policy
from tests.standards.conftest import case, contact, d, of_rule

FAR = d("01/01/2030")


def enf(items):
    return [(o.rule, o.due_by, o.status) for o in items if o.kind == "enforcement"]


def test_first_failure_asks_for_action_and_a_warning_within_two_working_days():
    c = case("CO", "01/09/2022", contacts=(contact("f1", "16/09/2022", outcome="UAAB"),))
    for name in ("ns-2003", "ns-2007", "current"):
        got = enf(obligations(load_policy(name), c, d("19/09/2022")))
        # Friday 16/09/2022; Monday 19/09 is the Queen's funeral: two working days is Wednesday 21/09.
        assert got == [("absence_action", d("21/09/2022"), "due"), ("warning", d("21/09/2022"), "due")], name


def test_decisions_meet_the_obligations():
    c = case("CO", "01/09/2022", contacts=(contact("f1", "16/09/2022", outcome="UAAB"),),
             enforcement=(EnforcementFact("f1", "EA02", d("22/09/2022"), "e1"),))
    got = [(o.rule, o.status, o.met_by, o.met_on_time) for o in obligations(load_policy("current"), c, FAR)
           if o.kind == "enforcement"]
    assert got == [("absence_action", "met", "e1", False), ("warning", "met", "e1", False)]  # a day late
    referred = case("CO", "01/09/2022", contacts=(contact("f1", "16/09/2022", outcome="AFTA"),),
                    enforcement=(EnforcementFact("f1", "ROM", d("20/09/2022"), "e1"),))
    got = {o.rule: o.status for o in obligations(load_policy("current"), referred, FAR) if o.kind == "enforcement"}
    assert got == {"absence_action": "met", "warning": "overdue"}  # a referral is a decision, not the warning


def test_second_failure_on_an_order_needs_breach_within_ten_working_days():
    c = case("CO", "01/09/2022", contacts=(contact("f1", "16/09/2022", outcome="UAAB"),
                                           contact("f2", "03/10/2022", outcome="AFTC")),
             enforcement=(EnforcementFact("f1", "EA02", d("20/09/2022"), "e1"),))
    for name, by in (("ns-2007", "17/10/2022"), ("current", "17/10/2022"), ("ns-2003", "05/10/2022")):
        breach = of_rule(obligations(load_policy(name), c, d("10/10/2022")), "breach_initiation")
        assert [(o.due_by, o.status) for o in breach] == [(d(by), "due" if name != "ns-2003" else "overdue")], name
    done = case("CO", "01/09/2022", contacts=c.contacts,
                enforcement=(*c.enforcement, EnforcementFact("f2", "IBR", d("10/10/2022"), "e2")))
    [b] = of_rule(obligations(load_policy("current"), done, FAR), "breach_initiation")
    assert (b.status, b.met_by) == ("met", "e2")


def test_warning_then_a_failure_more_than_a_year_after_the_first_differs_by_policy():
    """Sch 8 (current): a further failure within 12 months of a warning is breach, whatever the count."""
    c = case("CO", "01/12/2021", length_months=24,
             contacts=(contact("f1", "10/01/2022", outcome="UAAB"), contact("f2", "15/01/2023", outcome="UAAB")),
             enforcement=(EnforcementFact("f1", "EA02", d("20/01/2022"), "e1"),))
    assert of_rule(obligations(load_policy("current"), c, FAR), "breach_initiation")
    assert not of_rule(obligations(load_policy("ns-2007"), c, FAR), "breach_initiation")  # 1 failure in 12 months
    assert not of_rule(obligations(load_policy("ns-2007"), c, FAR), "breach_initiation")
    # 2003 counted absences over the whole order: the second is breach.
    assert of_rule(obligations(load_policy("ns-2003"), c, FAR), "breach_initiation")


def test_a_warning_given_on_29_february_runs_as_its_letter_says():
    """Given 29/02/2028, the letter says the warning runs to 27/02/2029 (12 months beginning with the day given):
    a failure on 28/02/2029 is then a first failure for a warning, not breach, in the engine as on the form."""
    c = case("CO", "01/12/2027", length_months=36,
             contacts=(contact("f1", "20/02/2028", outcome="UAAB"), contact("f2", "28/02/2029", outcome="UAAB")),
             enforcement=(EnforcementFact("f1", "EA02", d("29/02/2028"), "e1"),))
    items = obligations(load_policy("current"), c, FAR)
    on_f2 = [o.rule for o in items if o.description.endswith("failure on 28/02/2029")]
    assert "breach_initiation" not in on_f2 and "warning" in on_f2
    assert required("CO", 1, warned_within_window([d("29/02/2028")], d("28/02/2029"))).kind == "warning"
    c27 = case("CO", "01/12/2027", length_months=36,
               contacts=(contact("f1", "20/02/2028", outcome="UAAB"), contact("f2", "27/02/2029", outcome="UAAB")),
               enforcement=(EnforcementFact("f1", "EA02", d("29/02/2028"), "e1"),))
    assert of_rule(obligations(load_policy("current"), c27, FAR), "breach_initiation")  # the period's last day


def test_licence_recall_at_the_third_failure():
    fails = (contact("f1", "10/01/2022", outcome="UAAB"), contact("f2", "10/06/2022", outcome="UAAB"),
             contact("f3", "06/03/2023", outcome="UAAB"))
    c = case("LIC", "03/01/2022", length_months=24, contacts=fails)
    # 2003: the third over the licence; 2007 and today: the third in 12 months (only two by 06/03/2023).
    assert [o.due_by for o in of_rule(obligations(load_policy("ns-2003"), c, FAR), "recall_decision")] == [
        d("08/03/2023")]
    for name in ("ns-2007", "current"):
        assert not of_rule(obligations(load_policy(name), c, FAR), "recall_decision"), name
    close = (*fails[:2], contact("f3", "06/12/2022", outcome="UAAB"))
    c = case("LIC", "03/01/2022", length_months=24, contacts=close,
             enforcement=(EnforcementFact("f3", "EA11", d("07/12/2022"), "e3"),))
    for name in ("ns-2003", "ns-2007", "current"):
        [r] = of_rule(obligations(load_policy(name), c, FAR), "recall_decision")
        assert (r.due_by, r.status, r.met_by) == (d("08/12/2022"), "met", "e3"), name


def test_failures_before_the_order_do_not_count():
    c = case("CO", "01/09/2022", contacts=(contact("old", "01/08/2022", outcome="UAAB"),
                                           contact("f1", "16/09/2022", outcome="UAAB")))
    assert [o.rule for o in obligations(load_policy("current"), c, FAR) if o.kind == "enforcement"] == [
        "absence_action", "warning"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=700), min_size=1, max_size=6, unique=True),
       st.sampled_from(["CO", "SSO", "LIC", "PSS"]), st.data())
def test_current_policy_agrees_with_the_contact_recording_rule(offsets, order, data):
    """The engine under `current` requires what domain/enforcement.required does, by the same deadline."""
    start = d("03/01/2023")  # the 700 days run over 29/02/2024 and its anniversary, where the two once parted
    days = sorted(start + timedelta(days=o) for o in offsets)
    warned = [x for x in days if data.draw(st.booleans(), label=f"warned {x}")]
    contacts = tuple(contact(f"f{i}", x.strftime("%d/%m/%Y"), outcome="UAAB") for i, x in enumerate(days))
    decisions = tuple(EnforcementFact(f"f{days.index(x)}", "EA02", x, f"e{i}") for i, x in enumerate(warned))
    items = obligations(load_policy("current"), case(order, "03/01/2023", length_months=36, contacts=contacts,
                                                     enforcement=decisions), d("01/01/2027"))
    kinds = {"warning": "warning", "breach_initiation": "breach", "recall_decision": "recall"}
    got = [(o.description.rsplit("failure on ", 1)[1], kinds[o.rule]) for o in items if o.rule in kinds]
    expected = []
    for x in days:
        number = failure_number(days, x, since=start - timedelta(days=1))
        last = warned_within_window([w for w in warned if w != x], x)
        expected.append((x.strftime("%d/%m/%Y"), required(order, number, last).kind))
    assert sorted(got) == sorted(expected)
    for o in items:
        if o.rule == "absence_action":
            assert o.due_by == decision_due(o.due_from, ENGLAND_AND_WALES)


@pytest.mark.parametrize("name", ["ns-2003", "ns-2007", "current"])
def test_enforcement_cites_its_source(name):
    c = case("CO", "01/09/2022", contacts=(contact("f1", "16/09/2022", outcome="UAAB"),))
    for o in obligations(load_policy(name), c, FAR):
        if o.kind == "enforcement":
            assert o.source == load_policy(name).enforcement.source
