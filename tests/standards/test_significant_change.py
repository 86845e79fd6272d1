"""Review RoSH and plan on significant change (issue 16): the `current` policy opens a rosh_review and a
plan_review after significant changes on the case's timeline, each due the working days that
resources/data/significant_changes.json gives after the later of the day it happened and the day it was
recorded; every change not yet followed by a review is met by one review (due by the soonest of their due
dates), a review recorded on or after the change."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.services import cases
from lpt_desktop.services import obligations as so
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.standards.obligations import CaseFacts, EventFact, RecordFact, case_from_json, obligations
from lpt_desktop.standards.policy import load_policy
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import LONDON, PASSPHRASE
from tests.rosh_fill import complete_screened_out

MON = date(2026, 11, 23)  # a Monday; 30/11 is 5 working days on, 07/12 is 10, 14/12 is 15
START = date(2026, 6, 1)
AFTER = "after a significant change"


def _case(events=(), records=()) -> CaseFacts:
    return CaseFacts(person_id="p", sentence_type="CO", start=START, length_months=12, rosh="M",
                     events=tuple(EventFact(k, on, f"e{i}", *recorded)
                                  for i, (k, on, *recorded) in enumerate(events)),
                     records=tuple(RecordFact(k, on, f"r{i}") for i, (k, on) in enumerate(records)))


def _after_changes(policy: str, case: CaseFacts, as_of: date, since: date | None = None):
    return sorted((o.rule, o.due_by, o.status) for o in obligations(load_policy(policy), case, as_of, since=since)
                  if "after a significant change" in o.description)


CASES = [
    # (name, events, records, as of, what the significant changes owe)
    ("a change of address", [("change_of_address", MON)], [], MON,
     [("plan_review", date(2026, 12, 14), "due"), ("rosh_review", date(2026, 12, 7), "due")]),
    ("a recall: sooner, by the data", [("recall", MON)], [], MON,
     [("plan_review", date(2026, 12, 7), "due"), ("rosh_review", date(2026, 11, 30), "due")]),
    ("not significant: a register review", [("register_reviewed", MON)], [], MON, []),
    ("not significant: a completed order", [("order_completed", MON)], [], MON, []),
    ("before the sentence started", [("change_of_address", START - timedelta(days=1))], [], MON, []),
    ("after the day asked about", [("recall", MON + timedelta(days=1))], [], MON, []),
    ("met by a review on or after it", [("new_offence", MON)], [("rosh_review", MON + timedelta(days=2))],
     date(2026, 12, 1), [("plan_review", date(2026, 12, 7), "due"), ("rosh_review", date(2026, 11, 30), "met")]),
    ("a review before the change does not meet it", [("change_of_address", MON)],
     [("rosh_review", MON - timedelta(days=3)), ("plan_review", MON)],
     date(2026, 12, 8), [("plan_review", date(2026, 12, 14), "met"), ("rosh_review", date(2026, 12, 7), "overdue")]),
    ("two changes on a day owe one review, by the sooner", [("change_of_address", MON), ("new_offence", MON)], [],
     MON, [("plan_review", date(2026, 12, 7), "due"), ("rosh_review", date(2026, 11, 30), "due")]),
    ("changes on two days not yet reviewed owe one, by the sooner",
     [("register_added", MON - timedelta(days=7)), ("release", MON)], [], MON,
     [("plan_review", date(2026, 12, 7), "due"), ("rosh_review", date(2026, 11, 30), "due")]),
    ("a review between two changes meets the first; the second owes its own",
     [("register_added", MON - timedelta(days=7)), ("release", MON)],
     [("rosh_review", MON - timedelta(days=3)), ("plan_review", MON - timedelta(days=3))], MON,
     [("plan_review", date(2026, 12, 7), "met"), ("plan_review", date(2026, 12, 14), "due"),
      ("rosh_review", date(2026, 11, 30), "met"), ("rosh_review", date(2026, 12, 7), "due")]),
    # The officer's walk, 06/12/2026 (a Sunday): employed full time from 01/06/2026, recorded that day, is due
    # from the day it was recorded, not overdue since 22/06/2026.
    ("a back-dated change is due from the day it was recorded",
     [("change_of_employment", date(2026, 6, 1), date(2026, 12, 6))], [], date(2026, 12, 6),
     [("plan_review", date(2026, 12, 29), "due"), ("rosh_review", date(2026, 12, 18), "due")]),
    ("recorded on the day it happened: due from that day",
     [("change_of_employment", date(2026, 6, 1), date(2026, 6, 1))], [], date(2026, 12, 6),
     [("plan_review", date(2026, 6, 22), "overdue"), ("rosh_review", date(2026, 6, 15), "overdue")]),
    # The walk again: an address change on 01/12 and a job loss on 05/12 owe one RoSH and one plan review.
    ("an address change and a job loss days apart owe one review each",
     [("change_of_address", date(2026, 12, 1)), ("change_of_employment", date(2026, 12, 5))], [],
     date(2026, 12, 6), [("plan_review", date(2026, 12, 22), "due"), ("rosh_review", date(2026, 12, 15), "due")]),
    ("a late review is met late", [("change_of_employment", MON - timedelta(days=30))],
     [("rosh_review", MON), ("plan_review", MON)], MON,
     [("plan_review", date(2026, 11, 13), "met"), ("rosh_review", date(2026, 11, 6), "met")]),
]


@pytest.mark.parametrize(("events", "records", "as_of", "owed"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_significant_changes_open_reviews_under_the_current_policy(events, records, as_of, owed):
    assert _after_changes("current", _case(events, records), as_of) == owed


@pytest.mark.parametrize("policy", ["ns-2003", "ns-2007"])
def test_older_policies_do_not_model_it(policy):
    assert _after_changes(policy, _case([("recall", MON)]), MON) == []


def test_a_review_settled_before_the_period_is_left_out_and_an_open_one_stays():
    case = _case([("recall", MON - timedelta(days=60)), ("change_of_address", MON - timedelta(days=30))],
                 [("rosh_review", MON - timedelta(days=58))])
    since = MON - timedelta(days=10)
    full = _after_changes("current", case, MON)
    part = _after_changes("current", case, MON, since=since)
    assert ("rosh_review", date(2026, 10, 1), "met") in full and ("rosh_review", date(2026, 10, 1), "met") not in part
    assert {o for o in full if o[2] != "met"} <= set(part) and set(part) <= set(full)


def test_met_late_is_not_on_time():
    [o] = [o for o in obligations(load_policy("current"),
                                  _case([("recall", MON - timedelta(days=30))], [("rosh_review", MON)]), MON)
           if o.rule == "rosh_review" and "after a significant change" in o.description]
    assert o.status == "met" and not o.met_on_time and "recalled" in o.description
    assert "HM Inspectorate of Probation" in o.source and "unverified" in o.source


def test_every_significant_kind_has_both_reviews_and_the_data_cites_its_source():
    codes = case_codes()
    for kind in codes.events.values():
        if kind.significant:
            assert set(kind.reviews) == {"rosh_review", "plan_review"}, kind.code
            assert all(0 < days <= 30 for days in kind.reviews.values())
        else:
            assert kind.reviews == {}


def test_case_json_reads_the_day_a_change_was_recorded():
    case = case_from_json({"sentence_type": "CO", "start": "2026-06-01", "events": [
        {"kind": "change_of_employment", "on": "2026-06-01", "recorded": "2026-12-06"}]})
    assert [(e.on, e.known) for e in case.events] == [(date(2026, 6, 1), date(2026, 12, 6))]


def test_case_json_reads_events_and_refuses_an_unknown_kind():
    case = case_from_json({"sentence_type": "CO", "start": "2026-06-01", "events": [{"kind": "recall",
                                                                                     "on": "2026-11-23"}]})
    assert case.events == (EventFact("recall", MON, "event-1"),)
    with pytest.raises(ValidationError, match="events\\[0\\].kind"):
        case_from_json({"sentence_type": "CO", "start": "2026-06-01", "events": [{"kind": "moved", "on": "x"}]})


@pytest.mark.parametrize(("recalled", "last_window_before"), [
    (None, date(2027, 6, 1)),  # no recall: contact owed to the end of the licence's supervision
    (MON, MON),  # recalled: no contact owed in the community from the day of recall
    (MON + timedelta(days=14), MON + timedelta(days=14)),  # a recall after "as of" still stops the windows ahead
])
def test_a_recalled_licence_owes_no_contact_from_the_recall(recalled, last_window_before):
    case = CaseFacts(person_id="p", sentence_type="LIC", start=START, length_months=12, rosh="M",
                     overrides={"ns_contacts": 14}, recalled_on=recalled)
    windows = [o for o in obligations(load_policy("current"), case, MON + timedelta(days=30))
               if o.rule == "ns_contacts"]
    assert windows and all(o.due_from < last_window_before for o in windows)
    assert (max(o.due_from for o in windows) + timedelta(days=14) >= last_window_before) == (recalled is not None)
    if recalled is not None:  # the rosh review the recall owes is unaffected
        case = CaseFacts(person_id="p", sentence_type="LIC", start=START, length_months=12, recalled_on=recalled,
                         events=(EventFact("recall", MON, "e"),))
        assert [o.rule for o in obligations(load_policy("current"), case, MON + timedelta(days=30))
                if AFTER in o.description] == ["rosh_review", "plan_review"]


# -- through the database: the service's facts carry the timeline -------------------------------------
def so_current(db, pid: str) -> str:
    [sentence] = [x for x in cases.open_case(db, pid).sentences]
    return sentence.id


def test_one_review_names_every_change_it_covers_and_a_late_recording():
    case = _case([("change_of_address", date(2026, 12, 1)), ("change_of_employment", date(2026, 6, 1),
                                                             date(2026, 12, 5))])
    [o] = [o for o in obligations(load_policy("current"), case, date(2026, 12, 6))
           if o.rule == "rosh_review" and AFTER in o.description]
    assert o.description == ("RoSH review after a significant change (change of employment, training or education, "
                             "change of address) on 01/06/2026 and 01/12/2026, recorded 05/12/2026")
    assert (o.due_from, o.due_by, o.status) == (date(2026, 12, 1), date(2026, 12, 15), "due")


@time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=LONDON), tick=True)  # MON, whatever the test day
def test_a_back_dated_change_recorded_through_the_services_is_due_from_the_day_it_was_recorded(tmp_path):
    db = create_caseload(tmp_path / "s.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        pid = cr.create_case(db, cr.NewCase("X123456", "Jo", "Bloggs", date(1990, 5, 6),
                                            cr.SentenceIn("CO", START, START + timedelta(days=364), requirements=(
                                                cr.RequirementIn("UPW", {"hours": 60}),))), today=MON)
        cr.record_circumstance(db, pid, "ete", "full_time", date(2026, 7, 1), "Warehouse")  # told today
        cr.new_main_address(db, pid, cr.AddressIn("3 Moor Lane", "", "Lancaster", "LA1 1QD"), MON)
        for fast in (False, True):
            found = (so.all_obligations(db, MON, since=MON)[0][pid] if fast else so.case_obligations(db, pid, MON))
            owed = sorted((o.rule, o.due_by, o.status) for o in found if AFTER in o.description)
            assert owed == [("plan_review", date(2026, 12, 14), "due"),
                            ("rosh_review", date(2026, 12, 7), "due")], fast
    finally:
        db.close()


@time_machine.travel(datetime(2026, 11, 23, 9, 30, tzinfo=LONDON), tick=True)  # recorded on MON, as the dates say
def test_a_recorded_change_opens_reviews_and_a_recorded_review_meets_one(tmp_path):
    db = create_caseload(tmp_path / "s.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042", kdf=KdfParams.fast())
    try:
        pid = cr.create_case(db, cr.NewCase("X123456", "Jo", "Bloggs", date(1990, 5, 6),
                                            cr.SentenceIn("CO", START, START + timedelta(days=364), requirements=(
                                                cr.RequirementIn("UPW", {"hours": 60}),))), today=MON)
        assert not [o for o in so.case_obligations(db, pid, MON) if "after a significant change" in o.description]
        cr.new_main_address(db, pid, cr.AddressIn("3 Moor Lane", "", "Lancaster", "LA1 1QD"), MON)
        owed = {o.rule: o for o in so.case_obligations(db, pid, MON) if "after a significant change" in o.description}
        assert {r: (o.due_by, o.status) for r, o in owed.items()} == {"rosh_review": (date(2026, 12, 7), "due"),
                                                                      "plan_review": (date(2026, 12, 14), "due")}
        assert "change of address" in owed["rosh_review"].description
        # A RoSH review is a completed RoSH assessment now (issue 18), not a bare record.
        with pytest.raises(ValidationError, match="completing one"):
            so.record_done(db, pid, "rosh_review", MON, "Reviewed after the move")
        complete_screened_out(db, pid, MON)
        owed = {o.rule: o.status for o in so.case_obligations(db, pid, MON) if AFTER in o.description}
        assert owed == {"rosh_review": "met", "plan_review": "due"}
        # The caseload's fast path sees the same.
        fast, _ = so.all_obligations(db, MON, since=MON)
        assert {o.rule: o.status for o in fast[pid] if AFTER in o.description} == owed
        # A recalled licence owes no contact from the recall; re-released, it does again.
        cr.terminate_sentence(db, so_current(db, pid), MON - timedelta(days=60), "breached_resentenced")
        lic = cr.release_on_licence(db, pid, cr.ReleaseIn(MON - timedelta(days=50), MON - timedelta(days=59),
                                                          MON + timedelta(days=720)))
        so.set_frequency_override(db, pid, "ns_contacts", 14)
        assert any(o.due_from >= MON for o in so.case_obligations(db, pid, MON) if o.rule == "ns_contacts")
        cr.recall(db, lic, MON - timedelta(days=7), "Further offence", "standard")
        assert not any(o.due_from >= MON - timedelta(days=7) for o in so.case_obligations(db, pid, MON)
                       if o.rule == "ns_contacts")
        cr.release_after_recall(db, lic, MON)
        assert any(o.due_from >= MON for o in so.case_obligations(db, pid, MON) if o.rule == "ns_contacts")
    finally:
        db.close()
