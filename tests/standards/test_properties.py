"""Property tests: a computed due date is never a weekend, bank holiday or office closure, and never
precedes the event it runs from, whatever the policy, case, dates and closures."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from lpt_desktop.standards.calendar import WorkingCalendar
from lpt_desktop.standards.obligations import (
    CaseFacts,
    ContactFact,
    EventFact,
    RecordFact,
    RegisterFact,
    ReportFact,
    deadline,
    obligations,
)
from lpt_desktop.standards.policy import UNITS, load_policy, policy_names

days = st.dates(min_value=date(2003, 1, 1), max_value=date(2034, 12, 31))
# Around the one-off and substitute bank holidays, where mistakes hide.
tricky = st.sampled_from([date(2012, 6, 1), date(2022, 9, 16), date(2023, 5, 5), date(2022, 12, 23),
                          date(2021, 12, 24), date(2024, 3, 28), date(2020, 12, 24), date(2022, 5, 31)])
events = st.one_of(days, tricky.flatmap(lambda d: st.integers(-10, 10).map(lambda k: d + timedelta(days=k))))


@settings(max_examples=400, deadline=None)
@given(events, st.integers(min_value=0, max_value=70), st.sampled_from(UNITS),
       st.lists(st.integers(0, 40), max_size=4))
def test_deadline_is_a_working_day_on_or_after_the_event(event, within, unit, closed_offsets):
    calendar = WorkingCalendar.of({event + timedelta(days=k) for k in closed_offsets})
    due = deadline(event, within, unit, calendar)
    assert calendar.is_working_day(due)
    assert due >= event
    if unit == "working_days" and within > 0:
        assert due > event


contacts = st.lists(st.tuples(st.integers(-30, 500), st.sampled_from(["COAP", "CHVS", "COPT", "CUPW", "CVIC"]),
                              st.sampled_from(["ATTC", "UAAB", "AA", "AFTC", None])), max_size=12)


@settings(max_examples=150, deadline=None)
@given(st.sampled_from(policy_names()), st.sampled_from(["CO", "SSO", "LIC", "PSS"]), events,
       st.integers(-20, 900), st.sampled_from([None, 6, 12, 24]), st.sampled_from(["A1", "B2", "C3", "D0", None]),
       st.sampled_from(["L", "M", "H", "VH", None]), st.sampled_from([(), ("MAPP",), ("ARSO",), ("RCPR",)]),
       st.sampled_from([(), ("SUP",), ("RAR",), ("UPW",), ("SUP", "UPW")]),
       st.sampled_from([None, "violent", "sexual", "cse"]), contacts,
       st.sampled_from([{}, {"ns_contacts": 7}, {"ns_contacts": 30}]), st.lists(st.integers(0, 60), max_size=3))
def test_obligation_due_dates(policy, stype, start, as_of_offset, months, tier, rosh, regs, reqs, category,
                              contact_spec, overrides, closed_offsets):
    calendar = WorkingCalendar.of({start + timedelta(days=k) for k in closed_offsets})
    sentenced = start - timedelta(days=30)
    case = CaseFacts(
        person_id="p", sentence_type=stype, start=start, sentence_date=sentenced, length_months=months,
        requirements=reqs, tier=tier, rosh=rosh, registers=tuple(RegisterFact(r) for r in regs),
        offence_category=category, custody_months=24,
        contacts=tuple(ContactFact(f"c{i}", _at(start + timedelta(days=k)), t, o)
                       for i, (k, t, o) in enumerate(contact_spec)),
        reports=(ReportFact("r", "SDR", start, False),), overrides=overrides)
    as_of = start + timedelta(days=as_of_offset)
    items = obligations(load_policy(policy), case, as_of, calendar=calendar)
    for o in items:
        assert calendar.is_working_day(o.due_by), o
        assert o.due_by >= (sentenced if o.rule == "victim_contact" else start), o
        if o.due_from is not None:
            assert o.due_by >= o.due_from, o
        assert (o.met_by is not None) == (o.status == "met") == (o.met_on is not None), o
        if o.met_on is not None:
            assert o.met_on <= as_of
        if o.status == "upcoming":
            assert o.due_from > as_of
        if o.status == "due":
            assert o.due_from <= as_of <= o.due_by
        if o.status in ("overdue", "missed"):
            assert as_of > o.due_by


def _at(day: date):
    from datetime import datetime

    return datetime(day.year, day.month, day.day, 10, 0)


# Timeline changes (kind, days after the start) and reviews recorded (kind, days after the start).
timeline = st.lists(st.tuples(st.sampled_from(["change_of_address", "recall", "register_reviewed", "new_offence"]),
                              st.integers(-30, 900)), max_size=6)
reviews = st.lists(st.tuples(st.sampled_from(["rosh_review", "plan_review"]), st.integers(0, 900)), max_size=4)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(policy_names()), st.sampled_from(["CO", "LIC", "PSS"]), events, st.integers(0, 900),
       st.integers(0, 400), contacts, st.sampled_from([{}, {"ns_contacts": 10}]), timeline, reviews,
       st.one_of(st.none(), st.integers(0, 900)))
def test_since_only_leaves_out_what_closed_before_it(policy, stype, start, as_of_offset, since_back, contact_spec,
                                                     overrides, changes, done, recalled):
    """The caseload's lists ask only from "since"; they must see exactly the open items the case screen shows."""
    case = CaseFacts(person_id="p", sentence_type=stype, start=start, length_months=24, requirements=("RAR",),
                     rosh="M", contacts=tuple(ContactFact(f"c{i}", _at(start + timedelta(days=k)), t, o)
                                              for i, (k, t, o) in enumerate(contact_spec)), overrides=overrides,
                     events=tuple(EventFact(kind, start + timedelta(days=k), f"e{i}")
                                  for i, (kind, k) in enumerate(changes)),
                     records=tuple(RecordFact(kind, start + timedelta(days=k), f"r{i}")
                                   for i, (kind, k) in enumerate(done)),
                     recalled_on=start + timedelta(days=recalled) if recalled is not None else None)
    as_of = start + timedelta(days=as_of_offset)
    since = as_of - timedelta(days=since_back)
    full = obligations(load_policy(policy), case, as_of)
    part = obligations(load_policy(policy), case, as_of, since=since)
    assert set(part) <= set(full)
    assert {o for o in full if o.status in ("due", "overdue", "upcoming")} <= set(part)
    assert {o for o in full if o.due_by >= since} <= set(part)
