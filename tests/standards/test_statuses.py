"""Every status, repeating windows, the officer's overrides and the two-thirds point (pure engine)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lpt_desktop.standards.obligations import (
    STATUSES,
    RecordFact,
    RegisterFact,
    obligations,
    status_of,
    summarise,
    two_thirds_point,
)
from lpt_desktop.standards.policy import load_policy
from tests.standards.conftest import case, contact, d, of_rule, only

CURRENT = load_policy("current")
NS2003 = load_policy("ns-2003")
NS2007 = load_policy("ns-2007")


# -- the one definition of each status ----------------------------------------------------------------
@pytest.mark.parametrize(("as_of", "contacts", "status", "met_on"), [
    ("30/08/2024", (), "upcoming", None),  # before the order starts
    ("02/09/2024", (), "due", None),  # day 0
    ("09/09/2024", (), "due", None),  # the last day
    ("10/09/2024", (), "overdue", None),  # still actionable: a first contact is owed however late
    ("10/09/2024", (("c1", "05/09/2024", "COAP", "ATTC"),), "met", "05/09/2024"),
    ("30/09/2024", (("c1", "12/09/2024", "COPT", "ATTC"),), "met", "12/09/2024"),  # met late
    ("30/09/2024", (("c1", "05/09/2024", "COAP", "UAAB"),), "overdue", None),  # an absence is not a contact
    ("30/09/2024", (("c1", "05/09/2024", "CUPW", "ATTC"),), "overdue", None),  # unpaid work does not count
    ("30/09/2024", (("c1", "05/09/2024", "COAP", None),), "overdue", None),  # booked, no outcome yet
    ("04/09/2024", (("c1", "05/09/2024", "COAP", "ATTC"),), "due", None),  # after "as of": not seen yet
])
def test_first_contact_statuses(as_of, contacts, status, met_on):
    c = case("CO", "02/09/2024", contacts=tuple(contact(*x) for x in contacts))
    o = only(obligations(CURRENT, c, d(as_of)), "first_contact")
    assert o.status == status
    assert o.due_by == d("09/09/2024")
    assert o.met_on == (d(met_on) if met_on else None)
    assert (o.met_by is not None) == (status == "met")
    assert o.met_on_time == (met_on is not None and d(met_on) <= o.due_by)


def test_status_of_covers_every_status():
    due_from, due_by = d("02/09/2024"), d("06/09/2024")
    seen = {
        status_of(due_from, due_by, d("01/09/2024"), None),
        status_of(due_from, due_by, d("03/09/2024"), None),
        status_of(due_from, due_by, d("07/09/2024"), None),
        status_of(due_from, due_by, d("09/09/2024"), None, closes=d("08/09/2024")),
        status_of(due_from, due_by, d("09/09/2024"), d("05/09/2024")),
    }
    assert seen == set(STATUSES)
    # "due" and "overdue" turn on due_by itself: the deadline day is still "due".
    assert status_of(due_from, due_by, due_by, None) == "due"
    assert status_of(due_from, due_by, d("08/09/2024"), None, closes=d("08/09/2024")) == "overdue"


def test_initial_plan_missed_once_it_lapses_and_met_by_a_record():
    c = case("CO", "02/09/2024")
    assert only(obligations(CURRENT, c, d("30/09/2024")), "initial_sentence_plan").status == "overdue"
    assert only(obligations(CURRENT, c, d("30/01/2025")), "initial_sentence_plan").status == "missed"
    done = case("CO", "02/09/2024", records=(RecordFact("sentence_plan", d("18/09/2024"), "rec-1"),))
    o = only(obligations(CURRENT, done, d("30/01/2025")), "initial_sentence_plan")
    assert (o.status, o.met_by, o.met_on_time) == ("met", "rec-1", True)


# -- repeating windows ----------------------------------------------------------------------------------
def test_ns2003_licence_windows_weekly_then_fortnightly_then_monthly():
    c = case("LIC", "05/09/2022", contacts=(contact("c1", "06/09/2022"), contact("c2", "13/09/2022", "CHVS")))
    windows = of_rule(obligations(NS2003, c, d("10/12/2022")), "ns_contacts")
    got = [(o.due_from, o.due_by, o.status) for o in windows]
    expected = [
        ("05/09/2022", "09/09/2022", "met"), ("12/09/2022", "16/09/2022", "met"),
        ("19/09/2022", "23/09/2022", "missed"), ("26/09/2022", "30/09/2022", "missed"),  # weekly, 4 weeks
        ("03/10/2022", "14/10/2022", "missed"), ("17/10/2022", "28/10/2022", "missed"),  # fortnightly
        ("31/10/2022", "11/11/2022", "missed"), ("14/11/2022", "25/11/2022", "missed"),
        ("28/11/2022", "02/12/2022", "missed"),  # the last fortnight cut short at three months (05/12)
        ("05/12/2022", "04/01/2023", "due"),  # monthly thereafter
        ("05/01/2023", "03/02/2023", "upcoming"),  # 04/02/2023 is a Saturday
    ]
    assert got == [(d(a), d(b), s) for a, b, s in expected]
    assert windows[0].met_by == "c1" and windows[1].met_by == "c2"


def test_ns2003_order_counts_twelve_in_the_first_twelve_weeks():
    start = d("07/01/2019")
    dates = [start + timedelta(days=7 * i) for i in range(12)]
    twelve = tuple(contact(f"w{i}", x.strftime("%d/%m/%Y")) for i, x in enumerate(dates))
    first = of_rule(obligations(NS2003, case("CO", "07/01/2019", contacts=twelve), d("01/04/2019")), "ns_contacts")[0]
    assert (first.due_from, first.due_by) == (start, d("29/03/2019"))  # 12 weeks end on Sunday 31/03
    assert (first.status, first.met_by, first.met_on) == ("met", "w11", dates[11])
    short = of_rule(obligations(NS2003, case("CO", "07/01/2019", contacts=twelve[:11]), d("01/04/2019")),
                    "ns_contacts")[0]
    assert short.status == "missed"
    during = of_rule(obligations(NS2003, case("CO", "07/01/2019", contacts=twelve[:5]), d("11/02/2019")),
                     "ns_contacts")[0]
    assert during.status == "due"
    # 2003 counted appointments arranged: an unacceptable absence still counts towards the twelve
    absent = tuple(contact(c.id, c.starts_at.strftime("%d/%m/%Y"), outcome="UAAB") for c in twelve)
    assert of_rule(obligations(NS2003, case("CO", "07/01/2019", contacts=absent), d("01/04/2019")),
                   "ns_contacts")[0].status == "met"


def test_ns2007_tier2_ten_in_sixteen_weeks_and_tiers_3_4_only_by_override():
    start = d("06/01/2025")
    ten = tuple(contact(f"c{i}", (start + timedelta(days=10 * i)).strftime("%d/%m/%Y")) for i in range(10))
    w = of_rule(obligations(NS2007, case("CO", "06/01/2025", tier="C1", contacts=ten), d("30/06/2025")),
                "ns_contacts")
    assert len(w) == 1
    assert (w[0].due_by, w[0].status, w[0].met_by) == (d("25/04/2025"), "met", "c9")  # 27/04 is a Sunday
    assert not of_rule(obligations(NS2007, case("CO", "06/01/2025", tier="B1"), d("30/06/2025")), "ns_contacts")
    overridden = case("CO", "06/01/2025", tier="B1", overrides={"ns_contacts": 14})
    w3 = of_rule(obligations(NS2007, overridden, d("30/06/2025")), "ns_contacts")
    assert w3 and all((o.due_from - start).days % 14 == 0 for o in w3)
    assert "set for this case" in w3[0].description


def test_current_default_frequency_and_override():
    c = case("CO", "02/09/2024", length_months=12)
    default = of_rule(obligations(CURRENT, c, d("01/12/2024")), "ns_contacts")
    assert [o.due_from for o in default][:3] == [d("02/09/2024"), d("30/09/2024"), d("28/10/2024")]
    assert "default" in default[0].description
    weekly = case("CO", "02/09/2024", length_months=12, overrides={"ns_contacts": 7},
                  contacts=(contact("c1", "03/09/2024"), contact("c2", "17/09/2024")))
    w = of_rule(obligations(CURRENT, weekly, d("01/10/2024")), "ns_contacts")
    assert [(o.due_from, o.status) for o in w[:4]] == [
        (d("02/09/2024"), "met"), (d("09/09/2024"), "missed"), (d("16/09/2024"), "met"), (d("23/09/2024"), "missed")]
    assert w[4].status == "due" and w[4].due_from == d("30/09/2024")
    assert "frequency set by the officer" in w[0].source
    # An override of a rule the policy does not leave to judgement changes nothing.
    fixed = case("CO", "02/09/2024", overrides={"first_contact": 1})
    assert only(obligations(CURRENT, fixed, d("30/09/2024")), "first_contact").due_by == d("09/09/2024")


def test_windows_stop_at_the_end_of_the_sentence():
    c = case("CO", "02/09/2024", end=d("30/11/2024"))
    w = of_rule(obligations(CURRENT, c, d("31/03/2025")), "ns_contacts")
    assert max(o.due_by for o in w) <= d("30/11/2024")
    assert w[-1].due_from == d("25/11/2024") and w[-1].due_by == d("29/11/2024")  # cut short at the end


# -- the two-thirds point -------------------------------------------------------------------------------
@pytest.mark.parametrize(("stype", "extra", "stops"), [
    ("LIC", {}, True),
    ("PSS", {}, True),
    ("CO", {"requirements": ("RAR",)}, True),
    ("CO", {"requirements": ("SUP", "UPW")}, False),  # no rehabilitation activity requirement
    ("LIC", {"registers": (RegisterFact("MAPP", category="2", level="1"),)}, False),
    ("LIC", {"rosh": "VH"}, False),
    ("LIC", {"rosh": "H"}, True),
    ("LIC", {"registers": (RegisterFact("RCPR"),)}, False),  # active child protection
    ("LIC", {"registers": (RegisterFact("ADVP"),)}, True),
])
def test_two_thirds_point(stype, extra, stops):
    c = case(stype, "01/03/2024", length_months=12, **extra)
    point = two_thirds_point(CURRENT, c)
    w = of_rule(obligations(CURRENT, c, d("01/03/2025")), "ns_contacts")
    if stops:
        assert point == d("30/10/2024")  # 364 days to 28/02/2025; two-thirds is day 243
        assert max(o.due_by for o in w) < point
        assert w[-1].due_from == d("11/10/2024")  # the last window is cut short at the point
    else:
        assert point is None
        assert max(o.due_by for o in w) > d("01/01/2025")
    # The 2003 and 2007 standards knew no two-thirds point.
    assert two_thirds_point(NS2003, c) is None


def test_summarise_counts_each_status():
    c = case("LIC", "05/09/2022", contacts=(contact("c1", "06/09/2022"),))
    counts = summarise(obligations(NS2003, c, d("10/12/2022")))
    assert set(counts) == set(STATUSES)
    assert counts["met"] >= 2 and counts["missed"] >= 5 and counts["upcoming"] >= 1
