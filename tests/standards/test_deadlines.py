"""Each shipped policy's deadlines across year ends, Easter, substitute days and one-off bank holidays.

Dates are dd/mm/yyyy. The event day is day 0; working-day deadlines skip weekends and bank holidays;
calendar-day deadlines that land on a non-working day move back to the working day before.
"""

from __future__ import annotations

import pytest

from lpt_desktop.standards.calendar import ENGLAND_AND_WALES
from lpt_desktop.standards.obligations import CaseFacts, RegisterFact, ReportFact, deadline, obligations
from lpt_desktop.standards.policy import load_policy
from tests.standards.conftest import case, d, only

FAR = d("01/01/2030")  # "as of" long after, so nothing is upcoming

# (policy, sentence type, start, extra case fields, rule, expected due_by, why)
CASES = [
    # ns-2003 community rehabilitation order: first appointment within 5 working days
    ("ns-2003", "CO", "23/12/2022", {}, "first_contact", "04/01/2023", "Christmas 2022 substitute and 02/01/2023"),
    ("ns-2003", "CO", "28/03/2024", {}, "first_contact", "08/04/2024", "Good Friday and Easter Monday 2024"),
    ("ns-2003", "CO", "01/06/2012", {}, "first_contact", "12/06/2012", "4-5 June 2012 jubilee"),
    ("ns-2003", "SSO", "16/09/2022", {}, "first_contact", "26/09/2022", "19/09/2022 the Queen's funeral"),
    ("ns-2003", "CO", "05/05/2023", {}, "first_contact", "15/05/2023", "08/05/2023 the coronation"),
    ("ns-2003", "CO", "24/12/2021", {}, "first_contact", "05/01/2022", "substitute days 27-28/12/2021 and 03/01/2022"),
    ("ns-2003", "CO", "02/03/2024", {}, "first_contact", "08/03/2024", "a Saturday start is day 0"),
    # ns-2003: supervision plan within 15 working days; unpaid work placement within 10
    ("ns-2003", "CO", "16/12/2022", {}, "initial_sentence_plan", "11/01/2023", "Christmas and New Year 2022-23"),
    ("ns-2003", "CO", "20/05/2022", {"requirements": ("UPW",)}, "upw_placement", "07/06/2022",
     "2-3 June 2022 platinum jubilee; 30/05/2022 is an ordinary Monday"),
    # ns-2003 licences: first appointment within one working day; home visit within 10 days
    ("ns-2003", "LIC", "01/06/2012", {}, "first_contact", "06/06/2012", "jubilee"),
    ("ns-2003", "LIC", "16/09/2022", {}, "first_contact", "20/09/2022", "Queen's funeral"),
    ("ns-2003", "LIC", "24/12/2020", {}, "first_contact", "29/12/2020", "Christmas 2020 and the 28/12 substitute"),
    ("ns-2003", "LIC", "17/04/2025", {}, "first_contact", "22/04/2025", "Easter 2025"),
    ("ns-2003", "PSS", "05/05/2023", {}, "first_contact", "09/05/2023", "coronation"),
    ("ns-2003", "LIC", "09/09/2022", {}, "home_visit", "16/09/2022", "day 10 is the funeral: back to the Friday"),
    ("ns-2003", "LIC", "28/04/2023", {}, "home_visit", "05/05/2023", "day 10 is the coronation"),
    ("ns-2003", "LIC", "16/12/2021", {}, "home_visit", "24/12/2021", "day 10 is Boxing Day (a Sunday)"),
    ("ns-2003", "LIC", "23/03/2021", {}, "home_visit", "01/04/2021", "day 10 is Good Friday 2021"),
    # ns-2007: tier 4 (A) first contact in 2 working days and plan in 5; others 5 and 15
    ("ns-2007", "CO", "16/09/2022", {"tier": "A1"}, "first_contact", "21/09/2022", "tier 4, funeral"),
    ("ns-2007", "CO", "16/09/2022", {"tier": "4"}, "initial_sentence_plan", "26/09/2022", "tier 4 given as 4"),
    ("ns-2007", "CO", "16/09/2022", {"tier": "C2"}, "first_contact", "26/09/2022", "tier 2"),
    ("ns-2007", "LIC", "16/09/2022", {"tier": "C2"}, "initial_sentence_plan", "10/10/2022", "tier 2, 15 days"),
    ("ns-2007", "CO", "30/12/2022", {"tier": "B0"}, "first_contact", "09/01/2023", "tier 3, New Year substitute"),
    # current: first contact 5 working days; home visits by RoSH and registers (calendar days/weeks)
    ("current", "CO", "01/06/2012", {}, "first_contact", "12/06/2012", "jubilee"),
    ("current", "LIC", "21/05/2012", {"rosh": "H"}, "home_visit", "01/06/2012", "15 days lands on 05/06/2012"),
    ("current", "CO", "04/09/2022", {"rosh": "VH"}, "home_visit", "16/09/2022", "day 15 is the funeral"),
    ("current", "CO", "04/09/2022", {"rosh": "L", "registers": (RegisterFact("ARSO"),)}, "home_visit",
     "16/09/2022", "registered sex offender: 15 days whatever the RoSH"),
    ("current", "CO", "27/03/2023", {"rosh": "M"}, "home_visit", "05/05/2023", "6 weeks lands on the coronation"),
    ("current", "CO", "02/10/2023", {"rosh": "L"}, "home_visit", "22/12/2023", "12 weeks lands on Christmas Day"),
    ("current", "CO", "02/10/2023", {"rosh": "L", "offence_category": "cse"}, "home_visit", "17/10/2023",
     "child sexual exploitation: 15 days"),
    ("current", "SSO", "30/12/2022", {}, "initial_sentence_plan", "23/01/2023", "15 working days over New Year"),
]


@pytest.mark.parametrize(("policy", "stype", "start", "extra", "rule", "due", "why"), CASES,
                         ids=[f"{c[0]}-{c[4]}-{c[2]}" for c in CASES])
def test_deadline_table(policy, stype, start, extra, rule, due, why):
    o = only(obligations(load_policy(policy), case(stype, start, **extra), FAR), rule)
    assert o.due_by == d(due), why
    assert o.due_from == d(start)
    assert ENGLAND_AND_WALES.is_working_day(o.due_by)
    assert o.policy == policy
    assert o.source  # every rule cites where it comes from


VICTIM = [
    ("14/11/2022", "09/01/2023"),
    ("31/10/2022", "23/12/2022"),  # 8 weeks is Boxing Day 2022 (a Monday)
    ("13/03/2023", "05/05/2023"),  # 8 weeks is the coronation
    ("25/07/2022", "16/09/2022"),  # 8 weeks is the Queen's funeral
]


@pytest.mark.parametrize("policy", ["ns-2003", "ns-2007", "current"])
@pytest.mark.parametrize(("sentenced", "due"), VICTIM)
def test_victim_contact_within_8_weeks_of_sentence(policy, sentenced, due):
    c = case("LIC", "01/06/2024", sentence_date=d(sentenced), offence_category="violent", custody_months=18)
    o = only(obligations(load_policy(policy), c, FAR), "victim_contact")
    assert (o.due_from, o.due_by, o.kind) == (d(sentenced), d(due), "victim")


@pytest.mark.parametrize(("category", "months"), [("other", 24), ("violent", 11), (None, 36)])
def test_no_victim_contact_outside_the_scheme(category, months):
    c = case("LIC", "01/06/2024", offence_category=category, custody_months=months)
    for policy in ("ns-2003", "ns-2007", "current"):
        assert not [o for o in obligations(load_policy(policy), c, FAR) if o.rule == "victim_contact"]


REPORTS = [
    ("current", "FDR", False, "01/06/2012", "12/06/2012"),
    ("current", "SDR", False, "16/12/2022", "11/01/2023"),
    ("current", "SDR", True, "16/12/2022", "04/01/2023"),
    ("ns-2007", "SDR", True, "28/03/2024", "15/04/2024"),
    ("ns-2007", "FDR", False, "05/05/2023", "15/05/2023"),
    ("ns-2003", "PSR", False, "09/09/2022", "03/10/2022"),
    ("ns-2003", "FDR", True, "09/09/2022", "03/10/2022"),  # 2003 knew one PSR standard: 15 working days
]


@pytest.mark.parametrize(("policy", "rtype", "remanded", "requested", "due"), REPORTS)
def test_report_deadlines(policy, rtype, remanded, requested, due):
    c = CaseFacts(person_id="p-1", reports=(ReportFact("r-1", rtype, d(requested), remanded),))
    o = only(obligations(load_policy(policy), c, FAR), "report_due")
    assert (o.due_by, o.status, o.kind) == (d(due), "overdue", "report")
    delivered = CaseFacts(person_id="p-1", reports=(ReportFact("r-1", rtype, d(requested), remanded, d(due)),))
    met = only(obligations(load_policy(policy), delivered, FAR), "report_due")
    assert (met.status, met.met_by, met.met_on_time) == ("met", "r-1", True)


@pytest.mark.parametrize(("event", "within", "unit", "due"), [
    ("31/12/2021", 1, "working_days", "04/01/2022"),
    ("31/12/2021", 0, "working_days", "31/12/2021"),
    ("01/01/2022", 0, "working_days", "04/01/2022"),  # day 0 on a holiday: the first working day after
    ("01/01/2022", 0, "days", "04/01/2022"),
    ("15/03/2024", 2, "weeks", "28/03/2024"),  # day 14 is Good Friday 2024: back to the Thursday
    ("31/01/2024", 1, "months", "29/02/2024"),
    ("30/11/2022", 1, "months", "30/12/2022"),
    ("26/11/2022", 1, "months", "23/12/2022"),  # 26/12/2022 Boxing Day, 24-25 weekend
])
def test_deadline_units(event, within, unit, due):
    assert deadline(d(event), within, unit, ENGLAND_AND_WALES) == d(due)
