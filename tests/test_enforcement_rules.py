"""Enforcement rules: rolling 12-month counts, order vs licence, allowed actions, and the deadlines."""

from __future__ import annotations

import re
from datetime import date

import pytest

from lpt_desktop.domain.enforcement import (
    OpenItem,
    Requirement,
    allowed_actions,
    breach_due,
    check_action,
    check_judgement,
    decision_due,
    enforcement_open,
    failure_number,
    is_licence,
    judged_outcome,
    needs_judgement,
    offered_actions,
    open_items,
    policy,
    required,
    warned_within_window,
    warning_period,
    window_start,
)
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.domain.workdays import WorkingDays
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, WorkingCalendar

CAL = ENGLAND_AND_WALES  # bank holidays in England and Wales, no office closures

FIX = re.compile(r"\b(choose|say|enter|clear|use|check)\b", re.I)
ORDERS = ["CO", "SSO", "PSS"]
ON = date(2024, 6, 15)


def d(text: str) -> date:
    day, month, year = (int(p) for p in text.split("/"))
    return date(year, month, day)


# --- policy --------------------------------------------------------------------------------------

def test_policy_numbers_come_from_the_data_file():
    p = policy()
    assert (p.decision_working_days, p.breach_working_days, p.window_months) == (2, 10, 12)
    assert (p.orders_breach_at, p.licence_recall_at) == (2, 3)
    assert p.licence_types == ("LIC",)


@pytest.mark.parametrize(("code", "kind", "needs_reason"), [
    ("EA02", "warning", True), ("EA03", "warning", True), ("IBR", "breach", True),
    ("EA11", "recall", True), ("NFA", "nfa", True), ("ROM", "refer", True),
])
def test_policy_actions(code, kind, needs_reason):
    a = policy().actions[code]
    assert a.code == code and a.kind == kind and a.needs_reason is needs_reason
    assert a.label.strip()


def test_warning_letters_name_their_letter():
    assert policy().actions["EA02"].letter == "first"
    assert policy().actions["EA03"].letter == "second"


@pytest.mark.parametrize(("order_type", "licence"), [("LIC", True), ("CO", False), ("SSO", False), ("PSS", False)])
def test_is_licence(order_type, licence):
    assert is_licence(order_type) is licence


# --- failure_number and the window -------------------------------------------------------------

@pytest.mark.parametrize(("on", "start"), [
    ("15/06/2024", "15/06/2023"),
    ("29/02/2024", "28/02/2023"),
    ("01/01/2024", "01/01/2023"),
    ("31/03/2025", "31/03/2024"),
])
def test_window_start_is_twelve_months_back(on, start):
    assert window_start(d(on)) == d(start)


@pytest.mark.parametrize(("failures", "expected"), [
    ([], 0),
    (["15/06/2024"], 1),                      # on `on` itself: included
    (["16/06/2023"], 1),                      # the day after the window's first day
    (["15/06/2023"], 0),                      # on the window's first day: excluded
    (["14/06/2023"], 0),                      # before the window
    (["16/06/2024"], 0),                      # after `on`
    (["15/06/2023", "16/06/2023", "01/01/2024", "15/06/2024", "16/06/2024"], 3),
    (["01/02/2024", "01/03/2024", "01/04/2024", "01/05/2024"], 4),
])
def test_failure_number_counts_the_rolling_window(failures, expected):
    assert failure_number([d(f) for f in failures], ON) == expected


def test_failure_number_over_a_leap_day():
    on = d("29/02/2024")
    assert failure_number([d("28/02/2023")], on) == 0
    assert failure_number([d("01/03/2023")], on) == 1


@pytest.mark.parametrize(("since", "expected"), [
    (None, 3),
    ("01/01/2024", 2),    # failures after 01/01/2024 only
    ("10/01/2024", 1),    # failure on `since` itself is excluded
    ("09/01/2024", 2),
    ("01/01/2020", 3),    # `since` before the window start does not widen the window
    ("15/06/2024", 0),
])
def test_since_moves_the_window_start(since, expected):
    failures = [d("01/09/2023"), d("10/01/2024"), d("15/06/2024"), d("01/01/2023")]
    assert failure_number(failures, ON, d(since) if since else None) == expected


def test_failure_number_accepts_any_iterable():
    assert failure_number((f for f in [d("01/06/2024"), d("02/06/2024")]), ON) == 2


@pytest.mark.parametrize(("warnings", "expected"), [
    ([], None),
    (["01/01/2024"], "01/01/2024"),
    (["01/05/2023"], None),                   # 13 months ago
    (["15/06/2023"], None),                   # exactly 12 months ago: outside
    (["16/06/2023"], "16/06/2023"),
    (["01/09/2023", "01/03/2024", "01/05/2023"], "01/03/2024"),   # the latest
    (["20/06/2024"], None),                   # after `on`
])
def test_warned_within_window(warnings, expected):
    got = warned_within_window([d(w) for w in warnings], ON)
    assert got == (d(expected) if expected else None)


# --- required ------------------------------------------------------------------------------------

@pytest.mark.parametrize("order_type", ORDERS)
def test_order_first_failure_is_a_warning(order_type):
    need = required(order_type, 1, None)
    assert need == Requirement("warning", 1, need.why)
    assert need.why


@pytest.mark.parametrize("order_type", ORDERS)
@pytest.mark.parametrize("number", [2, 3, 5])
def test_order_second_and_later_failure_is_a_breach(order_type, number):
    need = required(order_type, number, None)
    assert need.kind == "breach" and need.number == number
    assert "breach" in need.why


@pytest.mark.parametrize("order_type", ORDERS)
def test_order_first_failure_with_a_warning_within_12_months_is_a_breach(order_type):
    warning = warned_within_window([d("01/01/2024")], ON)
    need = required(order_type, 1, warning)
    assert need.kind == "breach"
    assert "01/01/2024" in need.why


@pytest.mark.parametrize("order_type", ORDERS)
def test_order_first_failure_with_a_warning_13_months_ago_is_a_warning(order_type):
    warning = warned_within_window([d("15/05/2023")], ON)
    assert warning is None
    assert required(order_type, 1, warning).kind == "warning"


@pytest.mark.parametrize(("number", "kind"), [(1, "warning"), (2, "warning"), (3, "recall"), (4, "recall")])
def test_licence_warnings_then_recall_at_the_third(number, kind):
    need = required("LIC", number, None)
    assert need.kind == kind and need.number == number


@pytest.mark.parametrize("number", [1, 2])
def test_licence_is_never_breached_even_after_a_warning(number):
    assert required("LIC", number, d("01/01/2024")).kind == "warning"


def test_order_and_licence_differ_at_the_same_count():
    failures = [d("01/02/2024"), d("01/05/2024")]
    n = failure_number(failures, d("01/05/2024"))
    assert n == 2
    assert required("CO", n, None).kind == "breach"
    assert required("LIC", n, None).kind == "warning"


# --- allowed_actions -----------------------------------------------------------------------------

@pytest.mark.parametrize(("order_type", "need", "expected"), [
    ("CO", Requirement("warning", 1, ""), {"EA02", "EA03", "NFA", "ROM", "IBR"}),
    ("SSO", Requirement("warning", 1, ""), {"EA02", "EA03", "NFA", "ROM", "IBR"}),
    ("PSS", Requirement("warning", 1, ""), {"EA02", "EA03", "NFA", "ROM", "IBR"}),
    ("LIC", Requirement("warning", 1, ""), {"EA02", "EA03", "NFA", "ROM", "EA11"}),
    ("CO", Requirement("breach", 2, ""), {"IBR", "ROM"}),
    ("PSS", Requirement("breach", 2, ""), {"IBR", "ROM"}),
    ("LIC", Requirement("recall", 3, ""), {"EA11", "ROM"}),
])
def test_allowed_actions(order_type, need, expected):
    assert set(allowed_actions(order_type, need)) == expected


@pytest.mark.parametrize(("order_type", "need"), [
    ("CO", Requirement("warning", 1, "")), ("CO", Requirement("breach", 2, "")),
    ("LIC", Requirement("warning", 2, "")), ("LIC", Requirement("recall", 3, "")),
])
def test_every_allowed_action_is_a_known_code_and_refer_is_always_allowed(order_type, need):
    codes = allowed_actions(order_type, need)
    assert "ROM" in codes
    assert set(codes) <= set(policy().actions)
    assert len(codes) == len(set(codes))


@pytest.mark.parametrize("order_type", ORDERS)
def test_no_further_action_is_not_allowed_when_breach_is_required(order_type):
    assert "NFA" not in allowed_actions(order_type, required(order_type, 2, None))
    assert "EA02" not in allowed_actions(order_type, required(order_type, 2, None))


@pytest.mark.parametrize("number", [1, 2])
def test_licence_recall_allowed_at_a_warning(number):
    assert "EA11" in allowed_actions("LIC", required("LIC", number, None))


@pytest.mark.parametrize("number", [1, 2, 3])
def test_breach_is_never_allowed_for_a_licence(number):
    assert "IBR" not in allowed_actions("LIC", required("LIC", number, None))


@pytest.mark.parametrize("order_type", ORDERS)
def test_recall_is_never_allowed_for_an_order(order_type):
    for number in (1, 2, 3):
        assert "EA11" not in allowed_actions(order_type, required(order_type, number, None))


def test_licence_recall_required_no_warning_or_nfa():
    codes = allowed_actions("LIC", required("LIC", 3, None))
    assert not {"EA02", "EA03", "NFA", "IBR"} & set(codes)


# --- check_action --------------------------------------------------------------------------------

def _assert_good_errors(errors: list[FieldError]) -> None:
    for e in errors:
        assert e.field in {"Enforcement action", "Decision reason"}
        assert e.message.strip()
        assert FIX.search(e.message), f"no fix in {e}"


@pytest.mark.parametrize(("order_type", "number", "warning", "action"), [
    ("CO", 1, None, "EA02"), ("CO", 1, None, "EA03"), ("CO", 1, None, "ROM"), ("CO", 1, None, "IBR"),
    ("SSO", 2, None, "IBR"), ("PSS", 2, None, "ROM"), ("CO", 1, date(2024, 1, 1), "IBR"),
    ("LIC", 1, None, "EA02"), ("LIC", 2, None, "EA03"), ("LIC", 2, None, "EA11"), ("LIC", 3, None, "EA11"),
    ("LIC", 3, None, "ROM"),
])
def test_check_action_accepts_fitting_actions(order_type, number, warning, action):
    assert check_action(order_type, required(order_type, number, warning), action, "Missed without a reason") == []


@pytest.mark.parametrize(("order_type", "number", "action", "right"), [
    ("CO", 2, "NFA", ["breach initiated", "refer to manager"]),
    ("CO", 2, "EA02", ["breach initiated", "refer to manager"]),
    ("SSO", 3, "EA03", ["breach initiated", "refer to manager"]),
    ("LIC", 3, "EA02", ["recall requested", "refer to manager"]),
    ("LIC", 3, "NFA", ["recall requested", "refer to manager"]),
    ("LIC", 1, "IBR", ["first warning letter", "recall requested"]),
    ("LIC", 3, "IBR", ["recall requested"]),
    ("CO", 1, "EA11", ["first warning letter", "breach initiated"]),
])
def test_check_action_rejects_an_action_that_does_not_fit(order_type, number, action, right):
    need = required(order_type, number, None)
    errors = check_action(order_type, need, action, "a reason")
    assert len(errors) == 1
    e = errors[0]
    assert e.field == "Enforcement action"
    msg = e.message.lower()
    assert policy().actions[action].label.lower() in msg, "says which action does not fit"
    for label in right:
        assert label in msg, f"'{label}' missing from: {e.message}"
    assert need.why in e.message, "says why"
    _assert_good_errors(errors)


def test_check_action_breach_after_warning_names_the_warning_date():
    need = required("CO", 1, date(2024, 1, 1))
    errors = check_action("CO", need, "EA02", "")
    assert [e.field for e in errors] == ["Enforcement action"]
    assert "01/01/2024" in errors[0].message


@pytest.mark.parametrize("reason", ["", "   ", "\n\t"])
@pytest.mark.parametrize(("order_type", "number"), [("CO", 1), ("LIC", 1), ("LIC", 2)])
def test_no_further_action_needs_a_reason(order_type, number, reason):
    errors = check_action(order_type, required(order_type, number, None), "NFA", reason)
    assert [e.field for e in errors] == ["Decision reason"]
    assert "no further action" in errors[0].message.lower()
    _assert_good_errors(errors)


def test_no_further_action_with_a_reason_is_accepted():
    assert check_action("CO", required("CO", 1, None), "NFA", "Hospital admission confirmed by letter") == []


@pytest.mark.parametrize("action", ["XYZ", "ea02", "BRE", "EA08"])
def test_check_action_unknown_code(action):
    errors = check_action("CO", required("CO", 1, None), action, "")
    assert [e.field for e in errors] == ["Enforcement action"]
    assert action in errors[0].message
    _assert_good_errors(errors)


def test_check_action_empty_code_says_it_is_empty():
    errors = check_action("CO", required("CO", 1, None), "", "")
    assert [e.field for e in errors] == ["Enforcement action"]
    assert "empty" in errors[0].message
    _assert_good_errors(errors)


# --- deadlines -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("failure", "due"), [
    ("01/06/2022", "07/06/2022"),   # Wednesday; Thursday and Friday are jubilee bank holidays
    ("23/12/2022", "29/12/2022"),   # Friday before Christmas; 26 and 27 are bank holidays
    ("07/05/2020", "12/05/2020"),   # VE day 08/05/2020
    ("01/05/2020", "05/05/2020"),   # 04/05/2020 was a working day
    ("16/09/2022", "21/09/2022"),   # state funeral
    ("05/05/2023", "10/05/2023"),   # coronation
    ("04/03/2024", "06/03/2024"),   # plain Monday
    ("01/03/2024", "05/03/2024"),   # plain Friday
    ("02/03/2024", "05/03/2024"),   # Saturday (a UPW session)
])
def test_decision_due_two_working_days(failure, due):
    assert decision_due(d(failure), CAL) == d(due)


@pytest.mark.parametrize(("failure", "due"), [
    # Wed 01/06/2022: Mon 6 (1), Tue 7, Wed 8, Thu 9, Fri 10 (5), Mon 13 ... Fri 17 (10).
    ("01/06/2022", "17/06/2022"),
    # Fri 23/12/2022: Wed 28 (1), Thu 29, Fri 30 (3), [Mon 02/01 holiday], Tue 3 (4) ... Wed 11 (10).
    ("23/12/2022", "11/01/2023"),
    # Wed 14/09/2022: Thu 15, Fri 16 (2), [Mon 19 funeral], Tue 20 (3) ... Thu 29 (10).
    ("14/09/2022", "29/09/2022"),
    # Wed 26/04/2023: Thu 27, Fri 28 (2), [Mon 01/05], Tue 2 ... Fri 5 (6), [Mon 08/05], Tue 9 ... Fri 12 (10).
    ("26/04/2023", "12/05/2023"),
    # Mon 04/03/2024, no holidays: two calendar weeks.
    ("04/03/2024", "18/03/2024"),
    # Thu 21/03/2024: Fri 22 (1), Mon 25 ... Thu 28 (5), [Good Friday, Easter Monday], Tue 2 ... Fri 5 (9), Mon 8 (10).
    ("21/03/2024", "08/04/2024"),
])
def test_breach_due_ten_working_days(failure, due):
    assert breach_due(d(failure), CAL) == d(due)


# --- open_items ----------------------------------------------------------------------------------

FAILURE = d("01/06/2022")
DECISION = d("07/06/2022")
BREACH = d("17/06/2022")


def test_no_decision_yet_gives_a_decision_item():
    need = required("CO", 1, None)
    assert open_items("CO", FAILURE, need, [], CAL) == [OpenItem("Enforcement decision", DECISION, FAILURE)]


def test_warning_given_closes_everything():
    assert open_items("CO", FAILURE, required("CO", 1, None), ["EA02"], CAL) == []


def test_no_further_action_at_a_warning_closes_everything():
    assert open_items("CO", FAILURE, required("CO", 1, None), ["NFA"], CAL) == []


def test_breach_required_and_no_decision_gives_both_items():
    items = open_items("CO", FAILURE, required("CO", 2, None), [], CAL)
    assert items == [OpenItem("Enforcement decision", DECISION, FAILURE),
                     OpenItem("Breach to be initiated", BREACH, FAILURE)]


@pytest.mark.parametrize("decisions", [["EA02"], ["EA03"], ["ROM"], ["EA02", "ROM"]])
def test_breach_required_and_not_yet_initiated_keeps_the_breach_item(decisions):
    items = open_items("SSO", FAILURE, required("SSO", 2, None), decisions, CAL)
    assert items == [OpenItem("Breach to be initiated", BREACH, FAILURE)]


@pytest.mark.parametrize("decisions", [["IBR"], ["ROM", "IBR"], ["EA02", "IBR"]])
def test_breach_initiated_closes_everything(decisions):
    assert open_items("CO", FAILURE, required("CO", 2, None), decisions, CAL) == []


def test_recall_required_and_no_decision_gives_a_decision_item():
    assert open_items("LIC", FAILURE, required("LIC", 3, None), [], CAL) == [
        OpenItem("Enforcement decision", DECISION, FAILURE)]


def test_recall_required_after_refer_to_manager_gives_a_recall_item():
    items = open_items("LIC", FAILURE, required("LIC", 3, None), ["ROM"], CAL)
    assert items == [OpenItem("Recall decision", DECISION, FAILURE)]


@pytest.mark.parametrize("decisions", [["EA11"], ["ROM", "EA11"]])
def test_recall_requested_closes_everything(decisions):
    assert open_items("LIC", FAILURE, required("LIC", 3, None), decisions, CAL) == []


def test_open_items_accepts_a_generator():
    items = open_items("CO", FAILURE, required("CO", 2, None), (c for c in ["ROM"]), CAL)
    assert [i.what for i in items] == ["Breach to be initiated"]


# --- the calendar is the caller's: an office closure moves the deadlines -------------------------------

def test_deadlines_follow_the_calendar_passed():
    closed = WorkingCalendar.of({d("06/06/2022")})  # the Monday after the jubilee weekend
    assert decision_due(FAILURE, CAL) == DECISION
    assert decision_due(FAILURE, closed) == d("08/06/2022")
    assert breach_due(FAILURE, closed) == d("20/06/2022")
    assert open_items("CO", FAILURE, required("CO", 2, None), [], closed) == [
        OpenItem("Enforcement decision", d("08/06/2022"), FAILURE),
        OpenItem("Breach to be initiated", d("20/06/2022"), FAILURE)]


def test_any_working_days_will_do():
    """The rule needs only add_working_days (domain/workdays.py): the domain does not import the calendar."""

    class EveryDay:
        def is_working_day(self, day: date) -> bool:
            return True

        def add_working_days(self, start: date, days: int) -> date:
            return date.fromordinal(start.toordinal() + days)

    cal: WorkingDays = EveryDay()
    assert decision_due(d("03/06/2022"), cal) == d("05/06/2022")


# --- the warning period: one function for the letter and the breach rule (issue 15 item 3) ---------

@pytest.mark.parametrize(("given", "last_day"), [
    ("17/07/2026", "16/07/2027"),   # the warning: runs to July 2027, not December
    ("01/01/2026", "31/12/2026"),
    ("29/02/2024", "27/02/2025"),   # a leap day: 12 months beginning 29/02/2024 end before 28/02/2025
    ("28/02/2023", "27/02/2024"),
    ("01/03/2023", "29/02/2024"),
    ("31/03/2025", "30/03/2026"),
    ("31/12/2026", "30/12/2027"),
])
def test_warning_period_is_twelve_months_beginning_with_the_day_given(given, last_day):
    assert warning_period(d(given)) == (d(given), d(last_day))


def test_warning_period_length_comes_from_the_data_file():
    assert policy().warning_months == 12


@pytest.mark.parametrize("given", ["17/07/2026", "29/02/2024", "01/03/2023", "31/12/2026", "15/06/2023"])
def test_the_breach_rule_counts_exactly_the_warning_period(given):
    """A further failure on the period's last day needs breach action; the day after, a new warning."""
    start, end = warning_period(d(given))
    assert warned_within_window([start], start) == start
    assert warned_within_window([start], end) == start
    assert required("CO", 1, warned_within_window([start], end)).kind == "breach"
    day_after = date.fromordinal(end.toordinal() + 1)
    assert warned_within_window([start], day_after) is None
    assert required("CO", 1, warned_within_window([start], day_after)).kind == "warning"


# --- what is offered: recall on licences only (issue 15 item 4) ---------------------------------

@pytest.mark.parametrize(("order_type", "offered"), [
    ("CO", ["EA02", "EA03", "IBR", "NFA", "ROM"]),
    ("SSO", ["EA02", "EA03", "IBR", "NFA", "ROM"]),
    ("PSS", ["EA02", "EA03", "IBR", "NFA", "ROM"]),  # breach to the magistrates, never recall (s.256AC)
    ("LIC", ["EA02", "EA03", "EA11", "NFA", "ROM"]),
])
def test_offered_actions(order_type, offered):
    assert offered_actions(order_type) == offered


@pytest.mark.parametrize("order_type", ["CO", "SSO", "PSS", "LIC"])
@pytest.mark.parametrize("number", [1, 2, 3])
def test_allowed_actions_are_always_offered_ones(order_type, number):
    assert set(allowed_actions(order_type, required(order_type, number, None))) <= set(offered_actions(order_type))


@pytest.mark.parametrize("order_type", ["CO", "SSO", "PSS"])
def test_recall_on_an_order_is_refused_saying_why(order_type):
    errors = check_action(order_type, required(order_type, 1, None), "EA11", "Risk")
    assert [e.field for e in errors] == ["Enforcement action"]
    assert "only a licence is recalled" in errors[0].message and "magistrates" in errors[0].message


@pytest.mark.parametrize("action", ["EA02", "EA03", "NFA", "ROM", "IBR"])
@pytest.mark.parametrize("reason", ["", " "])
def test_every_decision_needs_its_reason(action, reason):
    errors = check_action("CO", required("CO", 1, None), action, reason)
    assert [e.field for e in errors] == ["Decision reason"]
    assert policy().actions[action].label.lower() in errors[0].message


@pytest.mark.parametrize("action", ["IBR", "ROM"])
def test_breach_needs_its_reason(action):
    errors = check_action("CO", required("CO", 2, None), action, "")
    assert [e.field for e in errors] == ["Decision reason"]


# --- judging a failure to attend -----------------------------------------------------------------

@pytest.mark.parametrize(("outcome", "judged"), [
    ("AFTA", True), ("UAAB", False), ("AFTC", False), ("ATSH", False), ("ATTC", False), ("AA", False), ("", False),
])
def test_needs_judgement(outcome, judged):
    assert needs_judgement(outcome) is judged


@pytest.mark.parametrize(("outcome", "judgement", "recorded"), [
    ("AFTA", "acceptable", "AA"), ("AFTA", "unacceptable", "AFTA"), ("AFTA", "", "AFTA"),
    ("UAAB", "acceptable", "UAAB"), ("ATTC", "", "ATTC"), ("", "", ""),
])
def test_judged_outcome(outcome, judgement, recorded):
    assert judged_outcome(outcome, judgement) == recorded


@pytest.mark.parametrize(("outcome", "failure", "judgement", "open_"), [
    ("AFTA", True, "", False), ("AFTA", True, "acceptable", False), ("AFTA", True, "unacceptable", True),
    ("UAAB", True, "", True), ("AFTC", True, "", True), ("ATTC", False, "", False), ("AA", False, "", False),
])
def test_enforcement_is_offered_only_once_judged_unacceptable(outcome, failure, judgement, open_):
    assert enforcement_open(outcome, failure, judgement) is open_


@pytest.mark.parametrize(("outcome", "judgement", "action", "fields"), [
    ("AFTA", "unacceptable", "EA02", []),
    ("AFTA", "", "", []),
    ("AFTA", "acceptable", "", []),
    ("AFTA", "", "EA02", ["Judgement"]),
    ("AFTA", "acceptable", "EA02", ["Enforcement action"]),
    ("AFTA", "maybe", "", ["Judgement"]),
    ("UAAB", "unacceptable", "", ["Judgement"]),
    ("UAAB", "", "EA02", []),
])
def test_check_judgement(outcome, judgement, action, fields):
    errors = check_judgement(outcome, judgement, action)
    assert [e.field for e in errors] == fields
    _assert_good_errors([e for e in errors if e.field != "Judgement"])
    for e in errors:
        assert FIX.search(e.message), e
