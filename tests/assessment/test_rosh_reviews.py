"""When the next RoSH review is due (interval, each significant change kind) and when a report writer's
screening must be confirmed. Dates are counted on the real working calendar (England and Wales bank
holidays; 25/12/2026 is a Friday and 28/12/2026 the substitute for Boxing Day)."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.assessment import rosh_reviews as rr
from lpt_desktop.assessment.rosh_reviews import ReviewDue, SignificantChange
from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.standards.calendar import WorkingCalendar
from lpt_desktop.standards.policy import load_policy

CAL = WorkingCalendar.of([])
AS_OF = date(2026, 11, 23)
LAST = date(2026, 6, 1)  # a Monday; six months on is Tuesday 01/12/2026


@pytest.mark.parametrize(("last", "months", "due", "why"), [
    (LAST, 6, date(2026, 12, 1), "Due 01/12/2026: 6 months after the last review on 01/06/2026"),
    (LAST, 4, date(2026, 10, 1), "Due 01/10/2026: 4 months after the last review on 01/06/2026"),
    (date(2026, 5, 28), 6, date(2026, 11, 27),  # Saturday 28/11 moves back to Friday
     "Due 27/11/2026: 6 months after the last review on 28/05/2026"),
    (date(2026, 6, 25), 6, date(2026, 12, 24),  # Christmas Day moves back to Christmas Eve
     "Due 24/12/2026: 6 months after the last review on 25/06/2026"),
    (date(2026, 8, 31), 6, date(2027, 2, 26),  # 31/08 + 6 months is 28/02/2027, a Sunday
     "Due 26/02/2027: 6 months after the last review on 31/08/2026"),
    (date(2026, 9, 1), 1, date(2026, 10, 1), "Due 01/10/2026: 1 month after the last review on 01/09/2026"),
])
def test_due_at_the_interval_alone(last, months, due, why):
    assert rr.review_due(last, months, [], AS_OF, CAL) == ReviewDue(due, why)


def test_the_interval_is_the_policys_number():
    months = {name: next(r.every_months for r in load_policy(name).rules if r.id == "rosh_review")
              for name in ("current", "ns-2007")}
    assert months == {"current": 6, "ns-2007": 4}
    assert rr.review_due(LAST, months["ns-2007"], [], AS_OF, CAL).due_on == date(2026, 10, 1)


CHANGE_ON = date(2026, 11, 16)  # a Monday: 5 working days on is 23/11, 10 is 30/11
TEN = date(2026, 11, 30)
FIVE = date(2026, 11, 23)


@pytest.mark.parametrize(("kind", "label", "days", "due"), [
    ("change_of_address", "change of address", 10, TEN),
    ("no_fixed_abode", "no fixed abode", 5, FIVE),
    ("approved_premises", "moved to approved premises", 10, TEN),
    ("change_of_accommodation", "change of accommodation", 10, TEN),
    ("change_of_employment", "change of employment, training or education", 10, TEN),
    ("change_of_relationship", "change of relationship", 10, TEN),
    ("change_of_household", "change of children in the household", 10, TEN),
    ("change_of_health", "change of health", 10, TEN),
    ("new_offence", "new offence or arrest", 5, FIVE),
    ("register_added", "new register", 10, TEN),
    ("new_sentence", "new order or licence", 10, TEN),
    ("order_revoked", "order revoked", 10, TEN),
    ("breach", "breached and resentenced", 10, TEN),
    ("release", "released on licence", 10, TEN),
    ("licence_varied", "licence varied", 10, TEN),
    ("recall", "recalled", 5, FIVE),
    ("transfer_in", "transferred in", 10, TEN),
    ("other_significant", "other significant change", 10, TEN),
])
def test_each_significant_change_brings_the_review_forward(kind, label, days, due):
    got = rr.review_due(LAST, 6, [(CHANGE_ON, kind)], AS_OF, CAL)
    assert got == ReviewDue(due, f"Due {due:%d/%m/%Y}: {days} working days after a significant change ({label}) "
                                 "on 16/11/2026", (SignificantChange(CHANGE_ON, kind),))


def test_every_significant_kind_of_the_case_record_is_in_the_table_above():
    assert len(case_codes().significant()) == 18


@pytest.mark.parametrize("kind", ["case_created", "personal_details", "change_of_income", "register_reviewed",
                                  "order_completed", "transfer_out", "no_such_kind"])
def test_other_events_owe_no_review(kind):
    assert rr.review_due(LAST, 6, [(CHANGE_ON, kind)], AS_OF, CAL) == ReviewDue(
        date(2026, 12, 1), "Due 01/12/2026: 6 months after the last review on 01/06/2026")


@pytest.mark.parametrize("on", [date(2026, 5, 20), LAST])  # before the last review, and on its day
def test_a_change_the_last_review_followed_is_ignored(on):
    assert rr.review_due(LAST, 6, [(on, "recall")], AS_OF, CAL).due_on == date(2026, 12, 1)


def test_a_change_after_as_of_is_not_known_yet():
    assert rr.review_due(LAST, 6, [(date(2026, 11, 24), "recall")], AS_OF, CAL).due_on == date(2026, 12, 1)


def test_a_change_recorded_late_counts_from_the_day_it_was_recorded():
    change = SignificantChange(date(2026, 11, 2), "change_of_address", recorded=date(2026, 11, 20))
    got = rr.review_due(date(2026, 9, 1), 6, [change], AS_OF, CAL)
    assert got.due_on == date(2026, 12, 4)  # 10 working days after Friday 20/11
    assert got.why == "Due 04/12/2026: 10 working days after a significant change (change of address) on 02/11/2026"


def test_the_soonest_of_several_changes_wins_and_all_are_listed():
    changes = [(date(2026, 11, 20), "recall"), (date(2026, 11, 2), "change_of_address"),
               (date(2026, 3, 1), "new_offence")]  # the last before the review
    got = rr.review_due(LAST, 6, changes, AS_OF, CAL)
    assert got.due_on == date(2026, 11, 16)  # 10 working days after 02/11 beats 5 after 20/11 (27/11)
    assert got.changes == (SignificantChange(date(2026, 11, 2), "change_of_address"),
                           SignificantChange(date(2026, 11, 20), "recall"))


def test_no_review_completed_yet():
    assert rr.review_due(None, 6, [], AS_OF, CAL) == ReviewDue(
        None, "No RoSH review is due: no assessment has been completed and no significant change has been recorded "
              "since")
    assert rr.review_due(None, 6, [(CHANGE_ON, "recall")], AS_OF, CAL).due_on == FIVE


# -- a report writer's screening -----------------------------------------------------------------------
@pytest.mark.parametrize(("by_writer", "confirmed", "start", "kwargs", "due"), [
    (True, False, date(2026, 11, 23), {}, date(2026, 12, 14)),  # the data's 15 working days
    (True, False, date(2026, 12, 21), {}, date(2027, 1, 14)),  # over Christmas and New Year
    (True, False, date(2026, 12, 21), {"within": 10}, date(2027, 1, 7)),
    (True, False, date(2026, 11, 23), {"within": 10, "unit": "days"}, date(2026, 12, 3)),
    (True, True, date(2026, 11, 23), {}, None),  # confirmed: no longer owed
    (False, False, date(2026, 11, 23), {}, None),  # the offender manager's own screening
    (True, False, None, {}, None),  # no sentence yet (still at court)
])
def test_confirmation_due(by_writer, confirmed, start, kwargs, due):
    assert rr.confirmation_due(by_writer, confirmed, start, CAL, **kwargs) == due


def test_confirmation_due_needs_the_calendar_for_working_days_and_a_known_unit():
    with pytest.raises(ValueError, match="working calendar"):
        rr.confirmation_due(True, False, AS_OF)
    assert rr.confirmation_due(True, False, AS_OF, unit="days", within=15) == date(2026, 12, 8)
    with pytest.raises(ValueError, match="unknown unit"):
        rr.confirmation_due(True, False, AS_OF, CAL, unit="weeks")
