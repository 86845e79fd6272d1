"""Enforcement rules: counting failures, what action is required, and by when (pure).

Orders (community orders, SSOs, PSS): a warning at the first unacceptable failure unless one was
given in the previous 12 months; breach action at the second (CJA 2003 Sch 8; PI 06/2014).
Licences: warnings, and the recall decision at the third failure in 12 months, or sooner on risk.
A decision is due within 2 working days of the failure; breach proceedings within 10. Working days
come from the calendar the caller passes (domain/workdays.py): the service's, with its office closures.

The rules are data (resources/data/enforcement.json, each with its source); the functions here read them.
The warning period has ONE definition, warning_period(): the letter (reports/warning_letter.py) prints its
end and the breach rule (warned_within_window) counts with it, so the two cannot disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import _make, load_json
from lpt_desktop.domain.validation import FieldError
from lpt_desktop.domain.workdays import WorkingDays


@dataclass(frozen=True)
class Action:
    code: str
    label: str
    kind: str  # warning | breach | recall | nfa | refer
    needs_reason: bool = False
    letter: str | None = None
    order_types: tuple[str, ...] = ()  # offered only on these (empty: on every order and licence)


@dataclass(frozen=True)
class Policy:
    decision_working_days: int
    breach_working_days: int
    window_months: int
    orders_breach_at: int
    licence_recall_at: int
    licence_types: tuple[str, ...]
    actions: dict[str, Action]
    warning_months: int
    judged_outcomes: tuple[str, ...]  # outcomes judged acceptable or unacceptable before any enforcement
    acceptable_outcome: str  # what a failure to attend judged acceptable is recorded as


@cache
def policy() -> Policy:
    doc = load_json("enforcement.json")
    return Policy(
        decision_working_days=doc["decision_working_days"], breach_working_days=doc["breach_working_days"],
        window_months=doc["window_months"], orders_breach_at=doc["orders_breach_at"],
        licence_recall_at=doc["licence_recall_at"], licence_types=tuple(doc["licence_types"]),
        actions={a["code"]: _make(Action, {**a, "order_types": tuple(a.get("order_types", ()))})
                 for a in doc["actions"]},
        warning_months=doc["warning_period"]["months"],
        judged_outcomes=tuple(doc["absence_judgement"]["outcomes"]),
        acceptable_outcome=doc["absence_judgement"]["acceptable_outcome"],
    )


def is_licence(order_type: str) -> bool:
    return order_type in policy().licence_types


def window_start(on: date) -> date:
    """The first day of the rolling window that ends on `on`."""
    return add_months(on, -policy().window_months)


def failure_number(failure_dates: Iterable[date], on: date, since: date | None = None) -> int:
    """Which failure this is: failures in the 12 months up to and including `on` (after `since`)."""
    start = window_start(on)
    if since and since > start:
        start = since
    return sum(1 for d in failure_dates if start < d <= on)


def warning_period(given_on: date, months: int | None = None) -> tuple[date, date]:
    """(first day, last day) of the period a warning given on `given_on` runs: 12 months beginning with the
    day it was given (CJA 2003 Sch 8 paras 5-6; resources/data/enforcement.json "warning_period"), so a
    warning given on 17/07/2026 runs to 16/07/2027 inclusive. The letter prints this end; the breach rule
    counts with it."""
    return given_on, add_months(given_on, months or policy().warning_months) - timedelta(days=1)


def warned_within_window(warning_dates: Iterable[date], on: date) -> date | None:
    """The latest warning whose period (warning_period) includes `on`, if any."""
    live = [d for d in warning_dates if warning_period(d)[0] <= on <= warning_period(d)[1]]
    return max(live) if live else None


@dataclass(frozen=True)
class Requirement:
    """What the law and policy ask for at this failure."""

    kind: str  # warning | breach | recall
    number: int
    why: str


def required(order_type: str, number: int, last_warning: date | None) -> Requirement:
    p = policy()
    if is_licence(order_type):
        if number >= p.licence_recall_at:
            return Requirement("recall", number, f"failure {number} in 12 months on licence: a recall decision is due")
        return Requirement("warning", number, f"failure {number} in 12 months on licence: a warning (or recall "
                                              "sooner on risk)")
    if number >= p.orders_breach_at:
        return Requirement("breach", number, f"failure {number} in 12 months on an order: breach action is required")
    if last_warning is not None:
        return Requirement("breach", number, f"a warning was given on {format_date(last_warning)}, within 12 "
                                             "months: breach action is required")
    return Requirement("warning", number, "first failure in 12 months: a warning")


def offered_actions(order_type: str) -> list[str]:
    """Action codes that may ever be taken on this kind of sentence, in the data file's order: recall only on
    a licence (an order's breach goes to court; post-sentence supervision's to the magistrates, CJA 2003
    s.256AC), breach initiated never on a licence (its route is recall)."""
    licence = is_licence(order_type)
    out = []
    for code, a in policy().actions.items():
        if a.order_types and order_type not in a.order_types:
            continue
        if licence and a.kind == "breach":
            continue
        out.append(code)
    return out


def allowed_actions(order_type: str, need: Requirement) -> list[str]:
    """Action codes that satisfy the requirement (refer to manager always; NFA only at a warning)."""
    licence = is_licence(order_type)
    if need.kind == "warning":
        codes = ["EA02", "EA03", "NFA", "ROM", "EA11" if licence else "IBR"]
    elif need.kind == "breach":
        codes = ["IBR", "ROM"]
    else:
        codes = ["EA11", "ROM"]
    offered = offered_actions(order_type)
    return [c for c in codes if c in offered]


REASON_FIELD = "Decision reason"


def check_action(order_type: str, need: Requirement, action: str, reason: str) -> list[FieldError]:
    p = policy()
    allowed = allowed_actions(order_type, need)
    labels = ", ".join(p.actions[c].label.lower() for c in allowed)
    if not action.strip():
        return [FieldError("Enforcement action", f"is empty: {need.why}; choose {labels}")]
    a = p.actions.get(action)
    if a is None:
        return [FieldError("Enforcement action", f"'{action}' is unknown: choose an action from the list")]
    if a.order_types and order_type not in a.order_types:
        return [FieldError("Enforcement action", f"{a.label.lower()} does not fit: only a licence is recalled (an "
                                                 "order's breach goes to court, post-sentence supervision's to the "
                                                 f"magistrates); {need.why}; choose {labels}")]
    if action not in allowed:
        return [FieldError("Enforcement action", f"{a.label.lower()} does not fit: {need.why}; choose {labels}")]
    if a.needs_reason and not reason.strip():
        return [FieldError(REASON_FIELD, f"is empty: say why {a.label.lower()} is right for this failure")]
    return []


# -- judging a failure to attend ------------------------------------------------------------------
JUDGEMENTS = ("acceptable", "unacceptable")


def needs_judgement(outcome: str) -> bool:
    """A failure to attend is judged acceptable or unacceptable before any enforcement is offered."""
    return outcome in policy().judged_outcomes


def judged_outcome(outcome: str, judgement: str) -> str:
    """The outcome recorded: a failure to attend judged acceptable is an acceptable absence (its reason and
    evidence recorded); judged unacceptable, or not yet judged, it stays a failure to attend."""
    if needs_judgement(outcome) and judgement == "acceptable":
        return policy().acceptable_outcome
    return outcome


def enforcement_open(outcome: str, is_failure: bool, judgement: str) -> bool:
    """Whether an enforcement decision may be taken now: on a failure, once a failure to attend has been
    judged unacceptable."""
    if needs_judgement(outcome):
        return judgement == "unacceptable"
    return is_failure


def check_judgement(outcome: str, judgement: str, action: str) -> list[FieldError]:
    """The judgement of a failure to attend, before the enforcement decision that depends on it."""
    if judgement and judgement not in JUDGEMENTS:
        return [FieldError("Judgement", f"'{judgement}' is unknown: choose acceptable or unacceptable")]
    if judgement and not needs_judgement(outcome):
        return [FieldError("Judgement", "is only for a failure to attend: clear it")]
    if action and needs_judgement(outcome) and judgement != "unacceptable":
        if judgement == "acceptable":
            return [FieldError("Enforcement action", "is only for an unacceptable failure: this absence was judged "
                                                     "acceptable, so clear the action")]
        return [FieldError("Judgement", "is empty: choose whether the failure to attend was acceptable or "
                                        "unacceptable before choosing an enforcement action")]
    return []


def decision_due(failure_on: date, calendar: WorkingDays) -> date:
    return calendar.add_working_days(failure_on, policy().decision_working_days)


def breach_due(failure_on: date, calendar: WorkingDays) -> date:
    return calendar.add_working_days(failure_on, policy().breach_working_days)


@dataclass(frozen=True)
class OpenItem:
    """Something enforcement still owes for one failure."""

    what: str  # "Enforcement decision" | "Breach to be initiated" | "Recall decision"
    due: date
    failure_on: date


def open_items(order_type: str, failure_on: date, need: Requirement, decisions: Iterable[str],
               calendar: WorkingDays) -> list[OpenItem]:
    """What is still owed for one failure, given the action codes decided so far (in order), with due
    dates in the working days of `calendar`."""
    taken = list(decisions)
    items: list[OpenItem] = []
    if not taken:
        items.append(OpenItem("Enforcement decision", decision_due(failure_on, calendar), failure_on))
    if need.kind == "breach" and "IBR" not in taken:
        items.append(OpenItem("Breach to be initiated", breach_due(failure_on, calendar), failure_on))
    if need.kind == "recall" and "EA11" not in taken and taken and taken[-1] == "ROM":
        items.append(OpenItem("Recall decision", decision_due(failure_on, calendar), failure_on))
    return items
