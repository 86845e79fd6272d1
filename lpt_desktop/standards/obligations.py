"""The National Standards engine: what a case owes, by when, and whether it was met (pure).

One definition of each status, used by every screen:
- upcoming: the window opens after the "as of" date;
- due: the "as of" date is within [due_from, due_by] and nothing has met it;
- overdue: past due_by, not met, still actionable;
- missed: past due_by and no longer actionable (the window closed: a contact week that ended);
- met: a contact or record satisfied it (met_by, met_on; met late if met_on > due_by).

Dates: the event day is day 0; "within N working days" is on or before the Nth working day after it;
"within N days/weeks/months" counts calendar time, and a deadline that lands on a weekend, bank holiday
or office closure moves back to the working day before it (never before the event itself). Working days
are those of the calendar the caller passes (standards/calendar.py: a value with the office closures).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.enforcement import allowed_actions, warning_period
from lpt_desktop.domain.enforcement import policy as enforcement_actions
from lpt_desktop.domain.enforcement import required as cja_required
from lpt_desktop.domain.reference import load_json, reference
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, WorkingCalendar
from lpt_desktop.standards.policy import TIER_SCHEMES, Phase, Policy, Rule, tier_scheme_of

STATUSES = ("upcoming", "due", "overdue", "met", "missed")
RULE_IDS = ("first_contact", "home_visit", "initial_sentence_plan", "plan_review", "rosh_review", "victim_contact",
            "absence_action", "warning", "breach_initiation", "recall_decision", "report_due", "ns_contacts",
            "upw_placement", "register_review", "rosh_full_analysis", "rosh_confirmation", "management_oversight")
# Short names for lists and the caseload's "next due" column (the description carries the full wording).
RULE_LABELS = {
    "first_contact": "First contact", "home_visit": "Home visit", "initial_sentence_plan": "Sentence plan",
    "plan_review": "Plan review", "rosh_review": "RoSH review", "victim_contact": "Victim contact",
    "absence_action": "Enforcement decision", "warning": "Warning", "breach_initiation": "Breach",
    "recall_decision": "Recall decision", "report_due": "Report", "ns_contacts": "Contact",
    "upw_placement": "Unpaid work placement", "register_review": "Register review",
    "rosh_full_analysis": "RoSH full analysis", "rosh_confirmation": "RoSH screening confirmation",
    "management_oversight": "Management oversight",
}
HORIZON_DAYS = 42  # repeating windows are listed this far ahead of "as of" (the next one or two)


@dataclass(frozen=True)
class Obligation:
    rule: str
    kind: str  # contact | home_visit | plan | review | enforcement | victim | report
    description: str
    source: str
    due_from: date | None
    due_by: date
    status: str  # one of STATUSES
    met_by: str | None = None
    met_on: date | None = None
    person_id: str | None = None
    policy: str = ""

    @property
    def label(self) -> str:
        """A short name: "Home visit", "MAPPA review" (register reviews name their register)."""
        return self.description if self.rule == "register_review" else RULE_LABELS.get(self.rule, self.rule)

    @property
    def met_on_time(self) -> bool:
        return self.met_on is not None and self.met_on <= self.due_by

    @property
    def shown_status(self) -> str:
        """The status as the officer reads it: 'met_late' for one met after its due date (status stays 'met',
        so every path counts the same; compliance already counts it as not on time)."""
        return "met_late" if self.status == "met" and not self.met_on_time else self.status

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "kind": self.kind, "description": self.description, "source": self.source,
                "due_from": self.due_from.isoformat() if self.due_from else None, "due_by": self.due_by.isoformat(),
                "status": self.status, "met_by": self.met_by,
                "met_on": self.met_on.isoformat() if self.met_on else None, "policy": self.policy}


@lru_cache(maxsize=8192)  # the descriptions name the same few hundred days across a caseload
def _day_words(day: date) -> str:
    return format_date(day)


# -- the facts the engine reads ---------------------------------------------------------------------
class ContactFact(NamedTuple):
    """One recorded contact; the engine reads contacts by position, so a plain tuple in this order will do."""

    id: str
    starts_at: datetime
    type_code: str
    outcome: str | None


# What CaseFacts.contacts holds: ContactFacts, or plain tuples in the same order (read by position).
ContactRow = tuple[str, datetime, str, str | None]


@dataclass(frozen=True)
class EnforcementFact:
    contact_id: str  # the current version of the failure contact
    action: str
    decided_on: date
    id: str = ""


@dataclass(frozen=True)
class RegisterFact:
    code: str
    start: date | None = None
    next_review: date | None = None
    category: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class RecordFact:
    """A plan or review recorded for the case (kind: sentence_plan | plan_review | rosh_review)."""

    kind: str
    on: date
    id: str = ""


@dataclass(frozen=True)
class RoshFollowUpFact:
    """Something a RoSH screening left owing (issue 18), read by rules whose types are "rosh:KIND":
    full_analysis (a screening required one and it is not done) or confirmation (a report writer's screening
    the offender manager has not yet confirmed or revised). `opened` is the day the rule's deadline counts from."""

    kind: str  # full_analysis | confirmation
    opened: date
    met_on: date | None = None
    id: str = ""


@dataclass(frozen=True)
class EventFact:
    """A change on the case's timeline (kind: a case_event kind of resources/data/significant_changes.json)."""

    kind: str
    on: date
    id: str = ""
    recorded: date | None = None  # the day it was recorded (None: on the day it happened)

    @property
    def known(self) -> date:
        """The day the officer knew of the change: a review cannot fall due before it."""
        return self.on if self.recorded is None or self.recorded < self.on else self.recorded


@dataclass(frozen=True)
class ReportFact:
    id: str
    type: str  # FDR | SDR | PSR | ...
    requested_on: date
    remanded: bool = False
    delivered_on: date | None = None


@dataclass(frozen=True)
class CaseFacts:
    """Everything the engine needs about one case; built from the database or from JSON."""

    person_id: str | None = None
    sentence_type: str | None = None  # CO | SSO | LIC | PSS
    start: date | None = None  # order start, or release date for a licence or PSS
    sentence_date: date | None = None
    end: date | None = None
    length_months: int | None = None
    requirements: tuple[str, ...] = ()
    tier: str | None = None
    tier_scheme: str | None = None  # the scheme of the tier (2026 | ab03); None: typed, read by its form
    rosh: str | None = None  # L | M | H | VH
    registers: tuple[RegisterFact, ...] = ()
    offence_category: str | None = None  # sexual | violent | cse | other
    custody_months: int | None = None
    contacts: tuple[ContactRow, ...] = ()
    enforcement: tuple[EnforcementFact, ...] = ()
    records: tuple[RecordFact, ...] = ()
    reports: tuple[ReportFact, ...] = ()
    overrides: Mapping[str, int] = field(default_factory=dict)  # rule id -> every N days
    events: tuple[EventFact, ...] = ()  # the timeline's significant changes (others are ignored)
    recalled_on: date | None = None  # a licence recalled and not yet re-released
    rosh_followups: tuple[RoshFollowUpFact, ...] = ()  # what RoSH screenings left owing (rules "rosh:KIND")

    @property
    def end_date(self) -> date | None:
        if self.end is not None:
            return self.end
        if self.start is not None and self.length_months:
            return add_months(self.start, self.length_months) - timedelta(days=1)
        return None

    @property
    def register_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.registers)

    @classmethod
    def from_json(cls, data: Any) -> CaseFacts:
        return case_from_json(data)


# -- reference data ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Codes:
    national_standard: frozenset[str]
    failures: frozenset[str]
    outcomes: frozenset[str]
    contact_types: frozenset[str]


@cache
def _codes() -> _Codes:
    doc = load_json("contact_types.json")
    return _Codes(
        national_standard=frozenset(c["code"] for c in doc["contact_types"] if c["national_standard"]),
        failures=frozenset(o["code"] for o in doc["outcomes"] if o["failure"]),
        outcomes=frozenset(o["code"] for o in doc["outcomes"]),
        contact_types=frozenset(c["code"] for c in doc["contact_types"]),
    )


# -- dates ------------------------------------------------------------------------------------------
def deadline(event: date, within: int, unit: str, calendar: WorkingCalendar) -> date:
    """The last day to act: the event is day 0; calendar deadlines on a non-working day move back."""
    if unit == "working_days":
        if within > 0:
            return calendar.add_working_days(event, within)
        return calendar.first_working_day_on_or_after(event)
    if unit == "days":
        d = event + timedelta(days=within)
    elif unit == "weeks":
        d = event + timedelta(weeks=within)
    elif unit == "months":
        d = add_months(event, within)
    else:
        raise ValueError(f"unknown unit {unit!r}")
    d = calendar.last_working_day_on_or_before(d)
    return d if d >= event else calendar.first_working_day_on_or_after(event)


def status_of(due_from: date | None, due_by: date, as_of: date, met_on: date | None,
              closes: date | None = None) -> str:
    """One definition of the statuses (see the module docstring); `closes` is the last actionable day."""
    if met_on is not None:
        return "met"
    if due_from is not None and as_of < due_from:
        return "upcoming"
    if as_of <= due_by:
        return "due"
    if closes is not None and as_of > closes:
        return "missed"
    return "overdue"


# -- matching a rule to a case ----------------------------------------------------------------------
def case_tier(policy: Policy, case: CaseFacts) -> str:
    """The case's tier in the policy's terms, read with its scheme (ns-2007 tiers 1-4 from the A-D letters of
    the earlier scheme, or of a tier with no scheme; from the 2026 scheme's A-G by its own map). A tier whose
    scheme the policy does not map is kept as it is, so a 2026 "C" is never read as the earlier scheme's C."""
    tier = (case.tier or "").strip().upper()
    if not tier:
        return ""
    tier_map = policy.tier_maps.get(tier_scheme_of(tier, case.tier_scheme), {})
    return tier_map.get(tier, tier_map.get(tier[0], tier))


def matches(policy: Policy, when: Mapping[str, Any], case: CaseFacts) -> bool:
    for key, want in when.items():
        if key == "orders" and case.sentence_type not in want:
            return False
        if key == "requirements" and not set(want) & set(case.requirements):
            return False
        if key == "tiers" and case_tier(policy, case) not in want:
            return False
        if key == "rosh" and (case.rosh or "") not in want:
            return False
        if key == "registers" and not set(want) & case.register_codes:
            return False
        if key == "offence_categories" and (case.offence_category or "") not in want:
            return False
        if key == "min_custody_months" and (case.custody_months or 0) < want:
            return False
        if key == "licence" and (case.sentence_type in policy.licence_types) != want:
            return False
    return True


# A caseload has a few hundred kinds of case as the rules see them: each kind's rules are chosen once.
_chosen: dict[tuple[Any, ...], tuple[Policy, list[Rule]]] = {}


def rules_for(policy: Policy, case: CaseFacts) -> list[Rule]:
    """For each rule id, the first entry whose `when` matches the case."""
    key = (id(policy), case.sentence_type, case.requirements, case.tier, case.tier_scheme, case.rosh,
           case.register_codes, case.offence_category, case.custody_months)
    hit = _chosen.get(key)
    if hit is not None and hit[0] is policy:
        return hit[1]
    chosen: dict[str, Rule] = {}
    for rule in policy.rules:
        if rule.id not in chosen and matches(policy, rule.when, case):
            chosen[rule.id] = rule
    if len(_chosen) > 10_000:
        _chosen.clear()
    _chosen[key] = (policy, list(chosen.values()))
    return _chosen[key][1]


def two_thirds_point(policy: Policy, case: CaseFacts) -> date | None:
    """Where supervision appointments stop under the policy, or None if they run to the end."""
    tt = policy.two_thirds
    end = case.end_date
    if tt is None or case.start is None or end is None:
        return None
    applies = case.sentence_type in tt.orders or bool(set(case.requirements) & set(tt.requirements))
    exempt = bool(case.register_codes & set(tt.exempt_registers)) or (case.rosh or "") in tt.exempt_rosh
    if not applies or exempt:
        return None
    return case.start + timedelta(days=math.ceil((end - case.start).days * 2 / 3))


# -- evidence ---------------------------------------------------------------------------------------
class _Evidence:
    """Sorted evidence of one kind for one case: (date, id) with a bisectable list of dates."""

    def __init__(self, items: list[tuple[date, str]]) -> None:
        items.sort()
        self.items = items
        self.dates = [d for d, _ in items]

    def first_on_or_after(self, d: date, up_to: date) -> tuple[date, str] | None:
        i = bisect.bisect_left(self.dates, d)
        if i < len(self.items) and self.items[i][0] <= up_to:
            return self.items[i]
        return None

    def nth_between(self, start: date, end_excl: date, n: int, up_to: date) -> tuple[date, str] | None:
        i = bisect.bisect_left(self.dates, start)
        j = i + n - 1
        if j < len(self.items) and self.items[j][0] < end_excl and self.items[j][0] <= up_to:
            return self.items[j]
        return None


class _Context:
    def __init__(self, policy: Policy, case: CaseFacts, as_of: date, since: date | None,
                 calendar: WorkingCalendar) -> None:
        self.since = since
        self.calendar = calendar
        self.policy = policy
        self.case = case
        self.as_of = as_of
        self._cache: dict[tuple[Any, ...], _Evidence] = {}
        self._dated: list[tuple[date, str, str, str]] | None = None

    def dated(self) -> list[tuple[date, str, str, str]]:
        """(day, id, type, outcome) of each contact with an outcome, worked out once per case."""
        if self._dated is None:
            # Contacts are read by position (id, starts_at, type_code, outcome): plain tuples from the
            # database are as good as ContactFacts, and a Trust-scale caseload passes a million of them.
            self._dated = [(c[1].date(), c[0], c[2], c[3]) for c in self.case.contacts if c[3] is not None]
        return self._dated

    def evidence(self, rule: Rule) -> _Evidence:
        key = (rule.types, rule.outcomes)
        ev = self._cache.get(key)
        if ev is None:
            ev = self._cache[key] = _Evidence(self._collect(rule))
        return ev

    def _collect(self, rule: Rule) -> list[tuple[date, str]]:
        if isinstance(rule.types, str) and rule.types.startswith("record:"):
            kind = rule.types.removeprefix("record:")
            return [(r.on, r.id) for r in self.case.records if r.kind == kind]
        types = _codes().national_standard if rule.types == "national_standard" else frozenset(rule.types)
        if rule.outcomes is None:
            outcomes: frozenset[str] | None = frozenset(self.policy.counting_outcomes)
        else:
            outcomes = frozenset(rule.outcomes) or None  # () = any recorded outcome
        if outcomes is None:
            return [(day, cid) for day, cid, t, _o in self.dated() if t in types]
        return [(day, cid) for day, cid, t, o in self.dated() if t in types and o in outcomes]

    def anchor(self, rule: Rule) -> date | None:
        if rule.anchor == "sentence":
            return self.case.sentence_date or self.case.start
        return self.case.start


def _ob(ctx: _Context, rule: Rule, description: str, due_from: date | None, due_by: date, met: tuple[date, str] | None,
        closes: date | None = None, source: str | None = None) -> Obligation:
    met_on, met_by = met if met else (None, None)
    return Obligation(rule=rule.id, kind=rule.kind, description=description, source=source or rule.source,
                      due_from=due_from, due_by=due_by, status=status_of(due_from, due_by, ctx.as_of, met_on, closes),
                      met_by=met_by, met_on=met_on, person_id=ctx.case.person_id, policy=ctx.policy.name)


def _once(ctx: _Context, rule: Rule) -> list[Obligation]:
    event = ctx.anchor(rule)
    if event is None:
        return []
    due_by = deadline(event, rule.within, rule.unit, ctx.calendar)
    met = ctx.evidence(rule).first_on_or_after(event, ctx.as_of)
    closes = due_by + timedelta(days=rule.closes_after_days) if rule.closes_after_days is not None else None
    return [_ob(ctx, rule, rule.description, event, due_by, met, closes)]


def _phase_windows(anchor: date, phase: Phase, limit: date, horizon: date,
                   since: date | None = None) -> list[tuple[date, date, int, int]]:
    """(start, end exclusive, count, full length in days) for one phase's windows that open before `horizon`.

    `limit` (the sentence's end or the two-thirds point) cuts the last window short; the horizon does not.
    """
    start = add_months(anchor, phase.start_months) + timedelta(weeks=phase.start_weeks)
    if phase.end_weeks is None and phase.end_months is None:
        end = limit
    else:
        end = add_months(anchor, phase.end_months or 0) + timedelta(weeks=phase.end_weeks or 0)
    end = min(end, limit)
    out: list[tuple[date, date, int, int]] = []
    k = 0
    if since is not None and since > start:  # skip windows that closed long before `since` (start a step early)
        if phase.every_months:
            k = max(0, ((since.year - start.year) * 12 + since.month - start.month) // phase.every_months - 1)
        else:
            k = max(0, (since - start).days // (7 * (phase.every_weeks or 1)) - 1)
    while True:
        if phase.every_months:
            w_start = add_months(start, k * phase.every_months)
            w_full_end = add_months(start, (k + 1) * phase.every_months)
        else:
            w_start = start + timedelta(weeks=k * (phase.every_weeks or 1))
            w_full_end = start + timedelta(weeks=(k + 1) * (phase.every_weeks or 1))
        if w_start >= end or w_start > horizon:
            return out
        out.append((w_start, min(w_full_end, end), phase.count, (w_full_end - w_start).days))
        k += 1


class _Window(NamedTuple):
    start: date
    end: date  # exclusive
    need: int  # contacts owed in it
    due_by: date
    text: str


# Window plans are pure in (rule, anchor, limit, override, as of, since, calendar): the caseload works
# each one out twice (contacts_needed, then the engine) and many cases share a start date.
_plans: dict[tuple[Any, ...], tuple[Rule, tuple[tuple[_Window, ...], str]]] = {}


def _window_plan(ctx: _Context, rule: Rule, since: date | None) -> tuple[tuple[_Window, ...], str]:
    """The contact windows the engine judges for a repeating rule (and the source to cite)."""
    anchor = ctx.anchor(rule)
    if anchor is None:
        return (), rule.source
    case = ctx.case
    end_date = case.end_date
    limit = end_date + timedelta(days=1) if end_date is not None else date.max
    if rule.two_thirds:
        point = two_thirds_point(ctx.policy, case)
        if point is not None and point < limit:
            limit = point
    if case.recalled_on is not None and case.recalled_on < limit:
        limit = case.recalled_on  # back in custody: no contact owed in the community from the day of recall
    override = case.overrides.get(rule.id)
    key = (id(rule), anchor, limit, override, ctx.as_of, since, ctx.calendar)
    hit = _plans.get(key)
    if hit is not None and hit[0] is rule:
        return hit[1]
    plan = _make_plan(rule, anchor, limit, override, ctx.as_of, since, ctx.calendar)
    if len(_plans) > 50_000:  # bounded: a long-running window must not grow without limit
        _plans.clear()
    _plans[key] = (rule, plan)
    return plan


def _make_plan(rule: Rule, anchor: date, limit: date, override: int | None, as_of: date,
               since: date | None, calendar: WorkingCalendar) -> tuple[tuple[_Window, ...], str]:
    horizon = as_of + timedelta(days=HORIZON_DAYS)
    description = rule.description
    source = rule.source
    every = override if rule.override else None
    if every is None and rule.default_every_days and not override:
        every = rule.default_every_days
        description = f"{rule.description} (default: one every {every} days until the officer sets it)"
    elif every is not None:
        description = f"Contact at least every {every} days (frequency set for this case)"
        source = f"{rule.source}; frequency set by the officer for this case"
    if every:
        windows = []
        w = anchor
        if since is not None and since > anchor:
            w = anchor + timedelta(days=max(0, (since - anchor).days // every - 1) * every)
        while w < limit and w <= horizon:
            windows.append((w, min(w + timedelta(days=every), limit), 1, every))
            w += timedelta(days=every)
    else:
        windows = [w for p in rule.phases for w in _phase_windows(anchor, p, limit, horizon, since)]
    out = []
    for w_start, w_end, count, full in windows:
        last_day = w_end - timedelta(days=1)
        if since is not None and last_day < since:
            continue
        need = max(1, math.ceil(count * (w_end - w_start).days / full)) if full else count
        due_by = calendar.last_working_day_on_or_before(last_day)
        if due_by < w_start:  # a stub of only non-working days (cut short by the end): nothing can be owed
            continue
        text = description if need == count else f"{description} ({need} in this shortened period)"
        out.append(_Window(w_start, w_end, need, due_by, text))
    return tuple(out), source


def _windows(ctx: _Context, rule: Rule, since: date | None) -> list[Obligation]:
    windows, source = _window_plan(ctx, rule, since)
    ev = ctx.evidence(rule)
    return [_ob(ctx, rule, w.text, w.start, w.due_by, ev.nth_between(w.start, w.end, w.need, ctx.as_of),
                closes=w.end - timedelta(days=1), source=source) for w in windows]


def _first_then_cycles(ctx: _Context, rule: Rule, since: date | None) -> list[Obligation]:
    """A review rule with `within` and `every_months`: the first due `within` of the anchor, then the cycles;
    the first cycle counts only evidence after the one that met the first, so one contact meets one of them."""
    text = f"{rule.description} (the first within {_span(rule.within, rule.unit)} of the start)"
    first = [replace(o, description=text) for o in _once(ctx, rule)]
    return first + _cycles(ctx, rule, since, counted_after=first[0].met_on if first else None)


def _span(n: int, unit: str) -> str:
    """"20 working days", "1 week": a rule's `within` in words."""
    words = unit.replace("_", " ")
    return f"{n} {words.removesuffix('s') if n == 1 else words}"


def _cycles(ctx: _Context, rule: Rule, since: date | None, counted_after: date | None = None) -> list[Obligation]:
    """Reviews every N months from the anchor: due from lead_days before; lapses when the next is due.
    `counted_after`: the first cycle counts no evidence on or before it (that met the rule's first review)."""
    anchor = ctx.anchor(rule)
    if anchor is None or not rule.every_months:
        return []
    end = ctx.case.end_date
    key = (id(rule), anchor, end, ctx.as_of, since, ctx.calendar)
    hit = _cycle_plans.get(key)
    if hit is None or hit[0] is not rule:
        if len(_cycle_plans) > 50_000:  # bounded: a long-running window must not grow without limit
            _cycle_plans.clear()
        hit = _cycle_plans[key] = (rule, _cycle_plan(rule, anchor, end, ctx.as_of, since, ctx.calendar))
    ev = ctx.evidence(rule)
    as_of = ctx.as_of
    if counted_after is not None:
        # Only the first cycle (counted from the day after the anchor): a first review done so late that it
        # falls in a later cycle also meets that cycle (one review that quarter).
        first_day = anchor + timedelta(days=1)
        return [_ob(ctx, rule, rule.description, due_from, due_by,
                    ev.first_on_or_after(max(after, counted_after + timedelta(days=1)) if after == first_day
                                         else after, min(as_of, closes)), closes)
                for after, due_from, due_by, closes in hit[1]]
    return [_ob(ctx, rule, rule.description, due_from, due_by, ev.first_on_or_after(after, min(as_of, closes)), closes)
            for after, due_from, due_by, closes in hit[1]]


ROSH_REVIEW = "rosh_review"
PLAN_REVIEW = "plan_review"


def _plan_reviews(ctx: _Context, rule: Rule) -> list[Obligation]:
    """Sentence plan reviews (issue 20) every N months from the case's first completed plan under the current
    sentence, then from the last review, as RoSH reviews are counted; none before there is a plan (the
    initial_sentence_plan rule owes that)."""
    start = ctx.anchor(rule)
    plans = sorted(r.on for r in ctx.case.records
                   if r.kind == "sentence_plan" and start is not None and start <= r.on <= ctx.as_of)
    if not plans:
        return []
    return _rolling_reviews(ctx, rule, plans[0], "Plan review", "the plan was completed on")


def _rolling_reviews(ctx: _Context, rule: Rule, anchor: date | None = None, what: str = "RoSH review",
                     first: str = "the sentence started on") -> list[Obligation]:
    """RoSH reviews every N months from the last completed review (from the sentence's start before the first),
    as OASys counts them and the RoSH page shows them: each met by the next review after the one before, and one
    open review owed N months after the latest, listed however far ahead (the page reads its date). The words
    say what it is counted from (a plan's reviews count from the plan: `anchor`, `what` and `first`)."""
    anchor = anchor or ctx.anchor(rule)
    every = rule.every_months
    if anchor is None or not every:
        return []
    ev = ctx.evidence(rule)
    end = ctx.case.end_date
    out: list[Obligation] = []
    prev, after_review = anchor, False
    months = f"{every} month{'s' if every != 1 else ''}"
    while True:
        due = add_months(prev, every)
        if end is not None and due > end:
            return out
        due_by = ctx.calendar.last_working_day_on_or_before(due)
        due_from = max(prev + timedelta(days=1), due - timedelta(days=rule.lead_days))
        counted = (f"{months} after the last review on {_day_words(prev)}" if after_review
                   else f"{months} after {first} {_day_words(prev)}")
        met = ev.first_on_or_after(prev + timedelta(days=1), ctx.as_of)
        if met is not None:
            due_from = min(due_from, met[0])  # reviewed early: owed from then, never "from" after its own review
        if met is None or not (ctx.since is not None and due_by < ctx.since):
            out.append(_ob(ctx, rule, f"{what}: {counted}", due_from, due_by, met))
        if met is None:
            return out
        prev, after_review = met[0], True


# Cycle dates are pure in (rule, anchor, end, as of, since, calendar): cases sharing a start share them.
_cycle_plans: dict[tuple[Any, ...], tuple[Rule, tuple[tuple[date, date, date, date], ...]]] = {}


def _cycle_plan(rule: Rule, anchor: date, end: date | None, as_of: date, since: date | None,
                calendar: WorkingCalendar) -> tuple[tuple[date, date, date, date], ...]:
    """(first day evidence counts from, due from, due by, closes) of each review cycle the engine judges."""
    every = rule.every_months
    assert every
    horizon = as_of + timedelta(days=HORIZON_DAYS)
    out: list[tuple[date, date, date, date]] = []
    k = 1
    if since is not None and since > anchor and rule.lead_days >= 0:
        # Start two cycles before `since`: every cycle before that closed before it and is left out anyway.
        k = max(1, ((since.year - anchor.year) * 12 + since.month - anchor.month) // every - 2)
    prev = add_months(anchor, (k - 1) * every)
    while True:
        due = add_months(anchor, k * every)
        due_from = due - timedelta(days=rule.lead_days)
        if due_from > horizon or (end is not None and due > end):
            return tuple(out)
        nxt = add_months(anchor, (k + 1) * every) - timedelta(days=rule.lead_days)
        closes = nxt - timedelta(days=1)
        due_by = calendar.last_working_day_on_or_before(due)
        if since is None or closes >= since:
            out.append((prev + timedelta(days=1), due_from, due_by, closes))
        prev = due
        k += 1


def _register_reviews(ctx: _Context, rule: Rule) -> list[Obligation]:
    """Register reviews from each active registration's next review date (met by moving the date on)."""
    out = []
    for reg in ctx.case.registers:
        if reg.next_review is None:
            continue
        due_by = reg.next_review  # a date the officer set, kept as recorded (not a computed deadline)
        rtype = reference().register_types.get(reg.code)
        out.append(_ob(ctx, rule, f"{rtype.label if rtype else reg.code} review",
                       due_by - timedelta(days=rule.lead_days), due_by, None))
    return out


def _is_rosh_followup(rule: Rule) -> bool:
    return isinstance(rule.types, str) and rule.types.startswith("rosh:")


def _rosh_followups(ctx: _Context, rule: Rule) -> list[Obligation]:
    """One obligation per thing a RoSH screening left owing of the rule's kind ("rosh:full_analysis",
    "rosh:confirmation"): due `within` its unit of the day it opened, met on the day it was done."""
    kind = str(rule.types).removeprefix("rosh:")
    out = []
    for f in ctx.case.rosh_followups:
        if f.kind != kind:
            continue
        due_by = deadline(f.opened, rule.within, rule.unit, ctx.calendar)
        met = (f.met_on, f.id) if f.met_on is not None and f.met_on <= ctx.as_of else None
        if ctx.since is not None and met is not None and due_by < ctx.since:
            continue  # settled before the period asked about
        out.append(_ob(ctx, rule, rule.description, f.opened, due_by, met))
    return out


# Shown to officers: it names the published sources, never a file of this project.
SIGNIFICANT_SOURCE = ("Review on significant change: National Standards 2007; HM Inspectorate of Probation, "
                      "Lancashire inspection 2011; timescale in working days set by LPT Desktop (unverified)")


@dataclass(frozen=True)
class ChangeReview:
    """One review owed after significant changes: the changes no review has followed yet are all met by the
    next review (the officer reviews them together), due by the soonest of their due dates."""

    changes: tuple[EventFact, ...]  # by the day they happened
    due_from: date  # the first day the officer knew of one of them
    due_by: date
    met: tuple[date, str] | None


def change_reviews(changes: Sequence[tuple[EventFact, date]], reviews: _Evidence,
                   as_of: date) -> list[ChangeReview]:
    """Group (change, its due date) by the first review on or after the change (pure): the changes before one
    review owe that one review, and those no review has followed yet owe one open review."""
    groups: dict[tuple[date, str] | None, list[tuple[EventFact, date]]] = {}
    for change, due_by in sorted(changes, key=lambda c: (c[0].on, c[0].id)):
        groups.setdefault(reviews.first_on_or_after(change.on, as_of), []).append((change, due_by))
    return [ChangeReview(tuple(c for c, _d in found), min(c.known for c, _d in found),
                         min(d for _c, d in found), met) for met, found in groups.items()]


def _significant_changes(ctx: _Context, rule: Rule) -> list[Obligation]:
    """A review owed after significant changes on the timeline under the current sentence: each falls due its
    working days after the later of the day it happened and the day it was recorded (a back-dated change is
    not overdue on the day it is recorded), and every change not yet followed by a review is met by one review,
    due by the soonest of their due dates (change_reviews); met by a review recorded on or after the change."""
    codes = case_codes()
    start = ctx.case.start
    if start is None or not ctx.case.events:
        return []
    found: list[tuple[EventFact, date]] = []
    for e in ctx.case.events:
        kind = codes.events.get(e.kind)
        if kind is None or rule.id not in kind.reviews or not start <= e.on <= ctx.as_of:
            continue
        found.append((e, deadline(e.known, kind.reviews[rule.id], "working_days", ctx.calendar)))
    out = []
    what = RULE_LABELS.get(rule.id, rule.id)
    for review in change_reviews(found, ctx.evidence(rule), ctx.as_of):
        if ctx.since is not None and review.met is not None and review.due_by < ctx.since:
            continue  # settled before the period asked about
        out.append(_ob(ctx, rule, _change_review_text(what, review.changes), review.due_from, review.due_by,
                       review.met, source=SIGNIFICANT_SOURCE))
    return out


def _change_review_text(what: str, changes: Sequence[EventFact]) -> str:
    codes = case_codes()
    labels = ", ".join(dict.fromkeys(codes.events[e.kind].label.lower() for e in changes))
    days = list(dict.fromkeys(e.on for e in changes))
    when = (f"on {_day_words(days[0])}" if len(days) == 1
            else f"on {', '.join(_day_words(d) for d in days[:-1])} and {_day_words(days[-1])}")
    late = [e for e in changes if e.known > e.on]
    recorded = f", recorded {_day_words(max(e.known for e in late))}" if late else ""
    # One wording however many changes (as for changes on one day): lists and tests find these by it.
    return f"{what} after a significant change ({labels}) {when}{recorded}"


# -- enforcement ------------------------------------------------------------------------------------
def _required(policy: Policy, order_type: str, number: int, last_warning: date | None) -> str:
    e = policy.enforcement
    if order_type in policy.licence_types:
        return "recall" if number >= e.licence_recall_at else "warning"
    if number >= e.orders_breach_at or (e.warning_first and last_warning is not None):
        return "breach"
    return "warning"


def _enforcement(ctx: _Context) -> list[Obligation]:
    case, policy = ctx.case, ctx.policy
    if case.start is None or case.sentence_type is None:
        return []
    e = policy.enforcement
    codes = _codes()
    failures = [ContactFact(*c) for c in sorted((c for c in case.contacts if c[3] in codes.failures
                                                 and case.start <= c[1].date() <= ctx.as_of), key=lambda c: c[1])]
    if not failures:
        return []
    kinds = _action_kinds()
    decisions: dict[str, list[EnforcementFact]] = {}
    for f in sorted(case.enforcement, key=lambda f: f.decided_on):
        decisions.setdefault(f.contact_id, []).append(f)
    warnings = [(f.contact_id, f.decided_on) for f in case.enforcement if kinds.get(f.action) == "warning"]
    dates = [c.starts_at.date() for c in failures]
    text = e.descriptions
    out: list[Obligation] = []

    def add(o: Obligation | None) -> None:
        if o is not None:
            out.append(o)

    before_start = case.start - timedelta(days=1)
    add_working_days = ctx.calendar.add_working_days
    for c in failures:
        on = c.starts_at.date()
        since = add_months(on, -e.window_months) if e.window_months else before_start
        since = max(since, before_start)
        number = bisect.bisect_right(dates, on) - bisect.bisect_right(dates, since)  # dates are sorted
        # A warning counts while its period runs: the same function the letter prints its end from (one rule;
        # they disagreed for a warning given on a 29 February). Without a window (ns-2003), since the start.
        recent = [d for cid, d in warnings if cid != c.id and (
            warning_period(d, e.window_months)[0] <= on <= warning_period(d, e.window_months)[1]
            if e.window_months else before_start < d <= on)]
        last_warning = max(recent) if recent else None
        need = _required(policy, case.sentence_type, number, last_warning)
        taken = decisions.get(c.id, [])
        decide_by = add_working_days(on, e.decision_working_days)
        first = (taken[0].decided_on, taken[0].id or taken[0].action) if taken else None
        rule_src = e.source
        add(_eob(ctx, "absence_action", text.get("absence_action", "Action on an absence"), on, decide_by,
                        first, rule_src))
        if need == "warning":
            # Any decision the law allows at a warning, except a referral to a manager, answers it.
            ok = _warning_answers(case.sentence_type)
            hit = next(((f.decided_on, f.id or f.action) for f in taken if f.action in ok), None)
            add(_eob(ctx, "warning", text.get("warning", "Warning"), on, decide_by, hit, rule_src))
        elif need == "breach":
            by = add_working_days(on, e.breach_working_days or e.decision_working_days)
            hit = next(((f.decided_on, f.id or f.action) for f in taken if f.action == "IBR"), None)
            add(_eob(ctx, "breach_initiation",
                            text.get("breach_initiation", "Breach action") + f" (failure {number})", on, by, hit,
                            rule_src))
        else:
            hit = next(((f.decided_on, f.id or f.action) for f in taken if f.action in ("EA11", "NFA")), None)
            add(_eob(ctx, "recall_decision",
                            text.get("recall_decision", "Recall decision") + f" (failure {number})", on, decide_by,
                            hit, rule_src))
    return out


@cache
def _warning_answers(sentence_type: str) -> frozenset[str]:
    """Any decision the law allows at a warning, except a referral to a manager (pure: one per sentence type)."""
    return frozenset(allowed_actions(sentence_type, cja_required(sentence_type, 1, None))) - {"ROM"}


@cache
def _action_kinds() -> dict[str, str]:
    return {code: a.kind for code, a in enforcement_actions().actions.items()}


def _eob(ctx: _Context, rule: str, description: str, on: date, due_by: date, met: tuple[date, str] | None,
         source: str) -> Obligation | None:
    met_on, met_by = met if met else (None, None)
    if ctx.since is not None and met_on is not None and due_by < ctx.since:
        return None  # settled before the period asked about
    return Obligation(rule=rule, kind="enforcement", description=f"{description}: failure on {_day_words(on)}",
                      source=source, due_from=on, due_by=due_by,
                      status=status_of(on, due_by, ctx.as_of, met_on), met_by=met_by, met_on=met_on,
                      person_id=ctx.case.person_id, policy=ctx.policy.name)


def _reports(ctx: _Context) -> list[Obligation]:
    out = []
    for rep in ctx.case.reports:
        rule = next((r for r in ctx.policy.reports if rep.type in r.types
                     and (r.remanded is None or r.remanded == rep.remanded)), None)
        if rule is None:
            continue
        due_by = deadline(rep.requested_on, rule.within, rule.unit, ctx.calendar)
        met = (rep.delivered_on, rep.id) if rep.delivered_on and rep.delivered_on <= ctx.as_of else None
        met_on, met_by = met if met else (None, None)
        out.append(Obligation(rule="report_due", kind="report", description=rule.description,
                              source=ctx.policy.source, due_from=rep.requested_on, due_by=due_by,
                              status=status_of(rep.requested_on, due_by, ctx.as_of, met_on), met_by=met_by,
                              met_on=met_on, person_id=ctx.case.person_id, policy=ctx.policy.name))
    return out


def obligations(policy: Policy, case: CaseFacts, as_of: date, since: date | None = None,
                calendar: WorkingCalendar = ENGLAND_AND_WALES) -> list[Obligation]:
    """The case's obligations under `policy` as of a date, soonest due first.

    `since` leaves out repeating windows and review cycles that closed before it (the caseload's
    "what is due" needs only the current ones; compliance over a period passes the period's start).
    `calendar` says which days are working days: a service passes the one with the office's closures.
    """
    ctx = _Context(policy, case, as_of, since, calendar)
    out: list[Obligation] = []
    if case.start is not None and case.sentence_type is not None:
        for rule in rules_for(policy, case):
            if rule.types == "registers":
                out += _register_reviews(ctx, rule)
            elif _is_rosh_followup(rule):
                out += _rosh_followups(ctx, rule)
            elif rule.phases or rule.override or rule.default_every_days:
                out += _windows(ctx, rule, since)
            elif rule.id == ROSH_REVIEW and rule.every_months:
                out += _rolling_reviews(ctx, rule)
            elif rule.id == PLAN_REVIEW and rule.every_months:
                out += _plan_reviews(ctx, rule)
            elif rule.every_months and rule.within:
                out += _first_then_cycles(ctx, rule, since)
            elif rule.every_months:
                out += _cycles(ctx, rule, since)
            else:
                out += _once(ctx, rule)
            if rule.on_significant_change:
                out += _significant_changes(ctx, rule)
        out += _enforcement(ctx)
    else:
        out += [o for rule in rules_for(policy, case) if rule.types == "registers"
                for o in _register_reviews(ctx, rule)]
        # Owed whether or not a sentence is recorded yet (a screening made for court).
        out += [o for rule in rules_for(policy, case) if _is_rosh_followup(rule) for o in _rosh_followups(ctx, rule)]
    out += _reports(ctx)
    out.sort(key=lambda o: (o.due_by, o.rule))
    return out


# -- what the "since" path reads ----------------------------------------------------------------------
def failure_outcomes() -> frozenset[str]:
    """Outcome codes that are failures to comply (enforcement reads every one under the sentence)."""
    return _codes().failures


@dataclass(frozen=True)
class Lookup:
    """The engine asks: the `need`-th contact of these types and outcomes on or after `on` (before `until`)."""

    on: date
    types: frozenset[str]
    outcomes: frozenset[str] | None  # None: any recorded outcome
    need: int = 1
    until: date | None = None  # exclusive; None: up to "as of"


def _lookup_terms(policy: Policy, rule: Rule) -> tuple[frozenset[str], frozenset[str] | None]:
    types = _codes().national_standard if rule.types == "national_standard" else frozenset(rule.types)
    if rule.outcomes is None:
        return frozenset(types), frozenset(policy.counting_outcomes)
    return frozenset(types), frozenset(rule.outcomes) or None


def contacts_needed(policy: Policy, case: CaseFacts, as_of: date, since: date,
                    calendar: WorkingCalendar = ENGLAND_AND_WALES) -> tuple[date | None, list[Lookup]]:
    """What `obligations(policy, case, as_of, since=since)` reads of the case's contacts, so a caller can
    read only that. Besides every failure (enforcement counts them all), it needs, for each lookup, every
    contact from `on` to the day of the `need`-th match (none if there are fewer before `until`), and every
    contact on or after the returned day (None: none; review cycles counted in contacts look back).
    Given those contacts only, the result is the same as with every contact.
    """
    cut: date | None = None
    lookups: list[Lookup] = []
    if case.start is None or case.sentence_type is None:
        return cut, lookups
    ctx = _Context(policy, case, as_of, since, calendar)
    for rule in rules_for(policy, case):
        if rule.types == "registers" or (isinstance(rule.types, str) and rule.types.startswith("record:")):
            continue  # reads registrations or records, not contacts
        if rule.phases or rule.override or rule.default_every_days:
            types, outcomes = _lookup_terms(policy, rule)
            windows, _source = _window_plan(ctx, rule, since)
            lookups += [Lookup(w.start, types, outcomes, w.need, w.end) for w in windows]
        elif rule.every_months:
            # A cycle open at `since` looks back to the previous review date (two cycles, plus slack).
            back = add_months(since, -(2 * rule.every_months + 1)) - timedelta(days=rule.lead_days)
            cut = back if cut is None else min(cut, back)
            on = ctx.anchor(rule)
            if rule.within and on is not None:  # the first review: the first match from the anchor
                lookups.append(Lookup(on, *_lookup_terms(policy, rule)))
        else:
            on = ctx.anchor(rule)
            if on is not None:
                lookups.append(Lookup(on, *_lookup_terms(policy, rule)))
    return cut, lookups

# -- JSON input (the CLI's case.json) ---------------------------------------------------------------
def _date(data: Mapping[str, Any], key: str, errors: list[FieldError], required: bool = False) -> date | None:
    v = data.get(key)
    if v in (None, ""):
        if required:
            errors.append(FieldError(key, "is missing: give an ISO date, e.g. 2024-01-31"))
        return None
    try:
        return date.fromisoformat(str(v)[:10])
    except ValueError:
        errors.append(FieldError(key, f"'{v}' is not a date: use ISO form, e.g. 2024-01-31"))
        return None


def case_from_json(data: Any) -> CaseFacts:
    """A case from the JSON the CLI reads (format in README "National Standards"); ValidationError if bad."""
    if not isinstance(data, Mapping):
        raise ValidationError([FieldError("case", "must be a JSON object")])
    errors: list[FieldError] = []
    stype = data.get("sentence_type")
    if stype not in ("CO", "SSO", "LIC", "PSS"):
        errors.append(FieldError("sentence_type", f"'{stype}' is not a sentence type: use CO, SSO, LIC or PSS"))
    start = _date(data, "release" if "release" in data else "start", errors, required=True)
    rosh = data.get("rosh")
    if rosh not in (None, "", "L", "M", "H", "VH"):
        errors.append(FieldError("rosh", f"'{rosh}' is not a RoSH level: use L, M, H or VH"))
    contacts = []
    for i, c in enumerate(data.get("contacts") or []):
        if not isinstance(c, Mapping):
            errors.append(FieldError(f"contacts[{i}]", "must be an object with at, type and outcome"))
            continue
        try:
            at = datetime.fromisoformat(str(c.get("at")))
        except ValueError:
            errors.append(FieldError(f"contacts[{i}].at", f"'{c.get('at')}' is not a date and time: "
                                                           "use ISO form, e.g. 2024-01-31T10:30"))
            continue
        if c.get("type") not in _codes().contact_types:
            errors.append(FieldError(f"contacts[{i}].type", f"'{c.get('type')}' is not a contact type code, "
                                                             "e.g. COAP, CHVS, CVIC"))
        outcome = c.get("outcome") or None
        if outcome is not None and outcome not in _codes().outcomes:
            errors.append(FieldError(f"contacts[{i}].outcome", f"'{outcome}' is not an outcome code, e.g. ATTC, UAAB"))
        contacts.append(ContactFact(str(c.get("id") or f"contact-{i + 1}"), at, str(c.get("type")), outcome))
    enforcement = []
    for i, f in enumerate(data.get("enforcement") or []):
        on = _date(f, "on", errors, required=True)
        if on is not None:
            enforcement.append(EnforcementFact(str(f.get("contact_id")), str(f.get("action")), on,
                                               str(f.get("id") or f"enforcement-{i + 1}")))
    registers = []
    for r in data.get("registers") or []:
        if isinstance(r, str):
            registers.append(RegisterFact(r))
        else:
            registers.append(RegisterFact(str(r.get("code")), _date(r, "start", errors),
                                          _date(r, "next_review", errors), r.get("category"), r.get("level")))
    records = [RecordFact(str(r.get("kind")), d, str(r.get("id") or f"record-{i + 1}"))
               for i, r in enumerate(data.get("records") or []) if (d := _date(r, "on", errors, required=True))]
    events = []
    for i, e in enumerate(data.get("events") or []):
        if not isinstance(e, Mapping) or e.get("kind") not in case_codes().events:
            errors.append(FieldError(f"events[{i}].kind", f"'{e.get('kind') if isinstance(e, Mapping) else e}' is "
                                                          "not a case event kind, e.g. change_of_address, recall"))
        elif (d := _date(e, "on", errors, required=True)) is not None:
            events.append(EventFact(str(e["kind"]), d, str(e.get("id") or f"event-{i + 1}"),
                                    _date(e, "recorded", errors)))
    followups = []
    for i, f in enumerate(data.get("rosh_followups") or []):
        if not isinstance(f, Mapping) or f.get("kind") not in ("full_analysis", "confirmation"):
            errors.append(FieldError(f"rosh_followups[{i}].kind", "must be full_analysis or confirmation"))
        elif (d := _date(f, "opened", errors, required=True)) is not None:
            followups.append(RoshFollowUpFact(str(f["kind"]), d, _date(f, "met", errors),
                                              str(f.get("id") or f"rosh-{i + 1}")))
    reports = []
    for i, r in enumerate(data.get("reports") or []):
        req = _date(r, "requested", errors, required=True)
        if req is not None:
            reports.append(ReportFact(str(r.get("id") or f"report-{i + 1}"), str(r.get("type", "SDR")), req,
                                      bool(r.get("remanded", False)), _date(r, "delivered", errors)))
    overrides = {}
    for rule, every in (data.get("overrides") or {}).items():
        if not isinstance(every, int) or every < 1:
            errors.append(FieldError(f"overrides.{rule}", f"'{every}' is not a number of days: use a whole number "
                                                           "of 1 or more, e.g. 14"))
        else:
            overrides[rule] = every
    for key in ("length_months", "custody_months"):
        if data.get(key) is not None and not isinstance(data.get(key), int):
            errors.append(FieldError(key, f"'{data.get(key)}' is not a whole number of months"))
    sentence_date = _date(data, "sentence_date", errors)
    end = _date(data, "end", errors)
    recalled_on = _date(data, "recalled", errors)
    if data.get("tier_scheme") not in (None, *TIER_SCHEMES):
        errors.append(FieldError("tier_scheme", f"'{data.get('tier_scheme')}' is not a tiering scheme: use "
                                                f"{' or '.join(TIER_SCHEMES)}, or leave it out for an A-D tier"))
    if errors:
        raise ValidationError(errors)
    return CaseFacts(
        person_id=data.get("person_id"), sentence_type=stype, start=start, sentence_date=sentence_date, end=end,
        length_months=data.get("length_months"), requirements=tuple(data.get("requirements") or ()),
        tier=data.get("tier"), tier_scheme=data.get("tier_scheme"), rosh=rosh or None, registers=tuple(registers),
        offence_category=data.get("offence_category"), custody_months=data.get("custody_months"),
        contacts=tuple(contacts), enforcement=tuple(enforcement), records=tuple(records), reports=tuple(reports),
        overrides=overrides, events=tuple(events), recalled_on=recalled_on, rosh_followups=tuple(followups),
    )


def summarise(items: Sequence[Obligation]) -> dict[str, int]:
    """How many obligations have each status (for status bars and dashboards)."""
    counts = dict.fromkeys(STATUSES, 0)
    for o in items:
        counts[o.status] += 1
    return counts
