"""The practice audit's checks (pure): each case checked against the inspection's criteria.

Every check has a stable id, the inspection criterion it serves, a plain-English statement of good practice,
the screen that fixes it (a stable key the window maps to a tab or dialog) and a rule, in words, for when it does
not apply. Those are data in resources/data/practice_checks.json; so are the simple checks, which judge the
standards engine's obligations (kind "obligation": the deadline is "what is due"'s, never a second definition).
The rest are the small functions below, one per check id.

A check answers met, not met or not applicable, each with its reason in words. Missing data (no screening, no
plan) is not met; a check is not applicable only by the rule it states.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache, lru_cache
from typing import Any, NamedTuple

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.assessment import needs as needs_rules
from lpt_desktop.assessment import risk_plan as rp
from lpt_desktop.assessment import sentence_plan as sp
from lpt_desktop.assessment.carried_forward import months_between
from lpt_desktop.assessment.plan_wording import outcome_flags
from lpt_desktop.assessment.rosh_screening import reason_is_a_sentence, screening
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.words import all_of, plural
from lpt_desktop.practice.case_facts import CaseFacts, GoalFacts, NeedsFacts, RoshFacts
from lpt_desktop.standards.obligations import Obligation

MET = "met"
NOT_MET = "not_met"
NOT_APPLICABLE = "not_applicable"
STATUSES = (MET, NOT_MET, NOT_APPLICABLE)
STATUS_LABELS = {MET: "Met", NOT_MET: "Not met", NOT_APPLICABLE: "Not applicable"}
LEVEL_WORDS = {"L": "low", "M": "medium", "H": "high", "VH": "very high"}
# The screens that fix a check: stable keys the window maps to a tab or dialog (a check's `screen`, or a result's
# when the fix lies elsewhere, such as the needs assessment for a plan made without one).
SCREENS = {
    "rosh_screening": "the RoSH assessment (screening, review and carried text)",
    "rosh_full_analysis": "the RoSH assessment's full analysis or the decision not to do one",
    "rosh_sources": "the RoSH assessment's sources checked",
    "rosh_review": "a RoSH review (which reviews the risk management plan)",
    "risk_plan": "the risk management plan and its actions",
    "risk_plan_sharing": "the risk management plan's sharing with other agencies",
    "countersign": "submitting the work for countersignature",
    "sentence_plan": "the sentence plan",
    "sentence_plan_goals": "the sentence plan's goals and steps",
    "sentence_plan_agreement": "the sentence plan's involvement, own words and agreement",
    "needs_assessment": "the needs assessment",
    "needs_barriers": "the needs assessment's diversity and barriers",
    "needs_skills": "the needs assessment's Skills for Life screening",
    "contacts": "the contact log and appointments",
    "home_visit": "a new home visit contact",
    "enforcement": "the enforcement decisions owed",
    "oversight": "management oversight (the team manager's oversight note)",
    "registers": "the case's registers",
    "victim_contact": "a victim liaison contact",
}


@dataclass(frozen=True)
class Settings:
    """What a Trust may set (practice_checks.json "settings"), and the audit day."""

    as_of: date
    carried_forward_months: int = 12
    contact_lookback_months: int = 6
    contact_share_required: float = 0.75
    screening_within_days: int = 21
    period_months: int = 6  # repeating obligations are judged over this period before "as of"

    @classmethod
    def default(cls, as_of: date, **overrides: float) -> Settings:
        s = dict(_data().get("settings", {}))
        values: dict[str, Any] = {k: int(s[k]) for k in ("carried_forward_months", "contact_lookback_months",
                                                         "screening_within_days", "period_months") if k in s}
        if "contact_share_required" in s:
            values["contact_share_required"] = float(s["contact_share_required"])
        values.update(overrides)
        return cls(as_of=as_of, **values)


class Outcome(NamedTuple):
    """One check's finding on one case (a tuple: made about 30 times a case, so cheap to make)."""

    status: str  # met | not_met | not_applicable
    reason: str
    screen: str | None = None  # a screen other than the check's own (the carried-forward check's assessment)
    action: str | None = None  # what to do, when not the check's own (work done late cannot be done again)


Evaluate = Callable[[CaseFacts, Settings], Outcome]


@dataclass(frozen=True)
class Check:
    id: str
    criterion: str  # "1.2"
    criterion_title: str
    statement: str
    screen: str
    not_applicable: str  # the rule, in words, under which the check does not apply
    evaluate: Evaluate = field(compare=False, repr=False)
    action: str = ""  # what to do when it is not met, in words (the panel's line beside the button)


@dataclass(frozen=True)
class CheckResult:
    check: Check
    status: str
    reason: str
    screen: str

    @property
    def id(self) -> str:
        return self.check.id

    def as_json(self) -> dict[str, Any]:
        return {"id": self.check.id, "criterion": self.check.criterion, "status": self.status,
                "reason": self.reason}


def met(reason: str) -> Outcome:
    return Outcome(MET, reason)


def not_met(reason: str, screen: str | None = None, action: str | None = None) -> Outcome:
    return Outcome(NOT_MET, reason, screen, action)


def _late_action(done_on: date | None, due_by: date | None) -> str:
    """What to do about work done, but late: it cannot be put right now; the next one is to be on time."""
    return (f"Completed late on {_d(done_on)} (due {_d(due_by)}), which cannot be put right now: complete the "
            f"next one on time.")


def _tidy(reason: str) -> str:
    """One full stop at the end (a quoted note that ends in its own stop gets no second one)."""
    return reason[:-1] if reason.endswith(("..", "?.", "!.")) else reason


def n_a(reason: str) -> Outcome:
    return Outcome(NOT_APPLICABLE, reason)


@lru_cache(maxsize=8192)  # a caseload's reasons name the same few hundred days thousands of times
def _day_words(day: date) -> str:
    return format_date(day)


def _d(day: date | None) -> str:
    return _day_words(day) if day else "no date"


# -- the data -------------------------------------------------------------------------------------------
@cache
def _data() -> dict[str, Any]:
    data = load_json("practice_checks.json")
    assert isinstance(data, dict)
    return data


def validate_checks_data(data: Any) -> list[str]:
    """Problems with practice_checks.json's shape, in words (a test runs it on the real file)."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return ["the file is not a JSON object"]
    criteria = data.get("criteria")
    if not isinstance(criteria, Mapping):
        problems.append("criteria: not an object of criterion -> title")
        criteria = {}
    seen: set[str] = set()
    for n, c in enumerate(data.get("checks") or []):
        where = f"checks[{n}]"
        if not isinstance(c, Mapping):
            problems.append(f"{where}: not an object")
            continue
        for key in ("id", "criterion", "statement", "screen", "not_applicable", "action"):
            if not isinstance(c.get(key), str) or not c.get(key):
                problems.append(f"{where}: '{key}' is missing or empty")
        if c.get("screen") and c.get("screen") not in SCREENS:
            problems.append(f"{where}: screen '{c.get('screen')}' is not one of {', '.join(SCREENS)}")
        cid = c.get("id")
        if cid in seen:
            problems.append(f"{where}: id '{cid}' is used twice")
        seen.add(str(cid))
        if c.get("criterion") not in criteria:
            problems.append(f"{where}: criterion '{c.get('criterion')}' is not in criteria")
        kind = c.get("kind", "function")
        if kind == "obligation":
            if not c.get("rules"):
                problems.append(f"{where}: an obligation check needs 'rules'")
        elif kind == "function":
            if cid not in FUNCTIONS:
                problems.append(f"{where}: no function for check '{cid}'")
        else:
            problems.append(f"{where}: kind '{kind}' is not obligation or function")
    return problems


@cache
def all_checks() -> tuple[Check, ...]:
    """Every check, in the data's order (the order the checklist shows)."""
    data = _data()
    problems = validate_checks_data(data)
    if problems:
        raise ValueError("practice_checks.json: " + "; ".join(problems))
    out = []
    for c in data["checks"]:
        fn = _obligation_check(c) if c.get("kind") == "obligation" else FUNCTIONS[c["id"]]
        out.append(Check(c["id"], c["criterion"], data["criteria"][c["criterion"]], c["statement"], c["screen"],
                         c["not_applicable"], fn, c.get("action", "")))
    return tuple(out)


def check(check_id: str) -> Check:
    found = next((c for c in all_checks() if c.id == check_id), None)
    if found is None:
        raise KeyError(check_id)
    return found


def criteria() -> dict[str, str]:
    """Criterion -> its title, in the data's order."""
    return dict(_data()["criteria"])


# Results met before, shared: most of a caseload's results are the same few hundred findings (not applicable for
# the same reason, met in the same words), and a result is a frozen value, so one object serves every case that has
# it (a fifth of the checks' time was making them; the audits kept per day hold far fewer objects).
# Only the stock checks' results (all_checks(): kept for good, their ids unique), keyed by check id.
_RESULTS: dict[tuple[str, str, str, str | None, str | None], CheckResult] = {}
_RESULTS_MAX = 100_000  # emptied when full: the dates in the reasons make the findings of many days distinct


def run_checks(case: CaseFacts, settings: Settings, checks: Sequence[Check] | None = None) -> list[CheckResult]:
    """Every check on one case, in order."""
    out = []
    known = _RESULTS if checks is None else {}
    for c in checks if checks is not None else all_checks():
        o = c.evaluate(case, settings)
        key = (c.id, o.status, o.reason, o.screen, o.action)
        found = known.get(key)
        if found is None:
            shown = replace(c, action=o.action) if o.action and o.status == NOT_MET else c
            found = CheckResult(shown, o.status, _tidy(o.reason), o.screen or c.screen)
            if len(known) >= _RESULTS_MAX:
                known.clear()
            known[key] = found
        out.append(found)
    return out


# -- obligation checks (data) -------------------------------------------------------------------------
def _applies(when: Mapping[str, Any], case: CaseFacts) -> bool:
    if "rosh" in when and case.rosh_level not in when["rosh"]:
        return False
    return not (when.get("risk_plan_required") and not rp.plan_required(case.rosh_level))


def _late(o: Obligation) -> bool:
    return o.status in ("overdue", "missed") or (o.status == "met" and not o.met_on_time)


def _failing_words(o: Obligation) -> str:
    if o.status == "overdue":
        return f"{o.description}: overdue since {_d(o.due_by)}"
    if o.status == "missed":
        return f"{o.description}: missed (due by {_d(o.due_by)})"
    return f"{o.description}: met late on {_d(o.met_on)} (due by {_d(o.due_by)})"


def _obligation_check(spec: Mapping[str, Any]) -> Evaluate:
    rules = tuple(spec["rules"])
    when = spec.get("applies") or {}
    lookback_key = spec.get("lookback")
    share_key = spec.get("share_required")
    rule_words = spec["not_applicable"]

    def evaluate(case: CaseFacts, settings: Settings) -> Outcome:
        if (gate := _no_sentence(case, settings)) is not None:
            return gate
        if when and (gate := _rosh_level_unknown(case, settings)) is not None:
            return gate
        if when and not _applies(when, case):
            return n_a(rule_words)
        found = case.obligations_of(*rules)
        if lookback_key:
            months = int(getattr(settings, lookback_key))
            since = add_months(settings.as_of, -months)
            found = [o for o in found if o.due_by >= since and (o.due_from or o.due_by) <= settings.as_of]
        if not found:
            return n_a(rule_words)
        judged = [o for o in found if o.status in ("met", "overdue", "missed")]
        if not judged:
            first = min(found, key=lambda o: o.due_by)
            return n_a(f"Not yet due: {_lower_first(first.description)} by {_d(first.due_by)}.")
        failing = [o for o in judged if _late(o)]
        if share_key and failing:
            need = float(getattr(settings, share_key))
            on_time = len(judged) - len(failing)
            words = f"{on_time} of {len(judged)} met on time in the period (at least {need:.0%} required)"
            if on_time / len(judged) >= need:
                return met(f"{words}.")
            return not_met(f"{words}; the latest not met: {_failing_words(failing[-1])}.")
        if failing:
            if "management_oversight" in rules and (none := _no_oversight(case, judged)) is not None:
                return none
            worst = failing[0]
            more = f" ({len(failing)} of {len(judged)} not met on time)" if len(judged) > 1 else ""
            late_only = all(o.status == "met" for o in failing)
            return not_met(_failing_words(worst) + more + ".", None,
                           _late_action(failing[-1].met_on, failing[-1].due_by) if late_only else None)
        if len(judged) == 1:
            o = judged[0]
            return met(f"{o.description}: met on {_d(o.met_on)}.")
        both = "Both" if len(judged) == 2 else f"All {len(judged)}"
        return met(f"{both} met on time ({judged[-1].label.lower()} last met on {_d(judged[-1].met_on)}).")

    return evaluate


# -- helpers ---------------------------------------------------------------------------------------------
def _no_oversight(case: CaseFacts, due: Sequence[Obligation]) -> Outcome | None:
    """No management oversight recorded at all under the sentence: say so, with the days it was due (None when
    some was recorded)."""
    if case.sentence is None or any(d >= _since(case) for d in case.contacts.oversight):
        return None
    days = [_d(o.due_by) for o in due]
    shown = ", ".join(days[:3]) + (f" and {len(days) - 3} more" if len(days) > 3 else "")
    return not_met(f"No management oversight recorded ({len(days)} {'was' if len(days) == 1 else 'were'} due: "
                   f"{shown}).")


def _lower_first(text: str) -> str:
    """A description inside a sentence: its first letter lower case, unless its first word is an abbreviation or
    a name with other capitals ("RoSH review" and "OASys review" stay as they are, "Home visit" becomes "home
    visit")."""
    word = text.split(" ", 1)[0]
    if word[:1].isupper() and (len(word) == 1 or word[1:].islower()):
        return text[0].lower() + text[1:]
    return text


def _no_sentence(case: CaseFacts, s: Settings) -> Outcome | None:
    """Not applicable with no sentence or order in force: none recorded, or the order's end date has passed (an
    order never terminated on the record is not audited as if still running)."""
    if case.sentence is None:
        return n_a("No sentence or order in force.")
    end = case.sentence.end
    if end is not None and end < s.as_of:
        return n_a(f"No sentence or order in force: the order ended on {_d(end)}.")
    return None


def _screening_due_by(case: CaseFacts, s: Settings) -> date:
    assert case.sentence is not None
    plan_due = case.obligations_of("initial_sentence_plan")
    return plan_due[0].due_by if plan_due else case.sentence.start + timedelta(days=s.screening_within_days)


def _rosh_level_unknown(case: CaseFacts, s: Settings) -> Outcome | None:
    """No RoSH level recorded: missing data, not met (whether the check applies is not known), unless the first
    screening is not yet due."""
    if case.rosh_level is not None:
        return None
    due_by = _screening_due_by(case, s)
    if s.as_of <= due_by and not case.rosh_records:
        return n_a(f"Not yet due: the first RoSH screening is due by {_d(due_by)}.")
    return not_met("No RoSH level recorded, so whether this check applies is not known.", "rosh_screening")


def _plan_not_due(case: CaseFacts, s: Settings) -> Outcome | None:
    """Not applicable while no plan is owed yet: no sentence, or the initial plan's deadline is still ahead and
    no plan has been completed."""
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    plan = case.sentence_plan
    if plan is not None and plan.status == "complete":
        return None
    due = case.obligations_of("initial_sentence_plan")
    if due and all(o.status in ("upcoming", "due") for o in due):
        return n_a(f"The initial sentence plan is not yet due (due by {_d(min(o.due_by for o in due))}).")
    return None


def _plan_in_force(case: CaseFacts) -> Outcome | None:
    """Not met unless a completed sentence plan is in force."""
    plan = case.sentence_plan
    if plan is None:
        return not_met("No sentence plan has been started.", "sentence_plan")
    if plan.status != "complete":
        return not_met(f"The sentence plan started on {_d(plan.started_on)} is still a draft.", "sentence_plan")
    return None


def _live_goals(goals: Sequence[GoalFacts]) -> list[GoalFacts]:
    return [g for g in goals if g.status in ("active", "future")]


def _plan_goals(goals: Sequence[GoalFacts]) -> list[GoalFacts]:
    """The goals the plan set (achieved ones too: their wording and links were judged when set), removed left out."""
    return [g for g in goals if g.status != "removed"]


def child_protection(case: CaseFacts) -> bool:
    """Child-protection concerns on the case (CaseFacts.child_protection: the countersignature rule's)."""
    return case.child_protection


def _cp_gate(case: CaseFacts, s: Settings) -> Outcome | None:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    if not child_protection(case) and case.latest_rosh is None:
        # No screening at all: whether there are concerns about children is not known (missing data, not met).
        due_by = _screening_due_by(case, s)
        if s.as_of <= due_by and not case.rosh_records:
            return n_a(f"Not yet due: the first RoSH screening is due by {_d(due_by)}.")
        what = ("No RoSH screening's answers about children are recorded here" if case.rosh_records else
                "No RoSH screening completed")
        return not_met(f"{what}, so whether there are concerns about children is not known.", "rosh_screening")
    if not child_protection(case):
        return n_a("No child-protection concerns recorded (no child-protection register, no concerns about "
                   "children in the screening).")
    return None


def _since(case: CaseFacts) -> date:
    assert case.sentence is not None
    return case.sentence.start


# -- RoSH ------------------------------------------------------------------------------------------------
def first_rosh(case: CaseFacts) -> RoshFacts | None:
    """The first RoSH work completed for this sentence: from 90 days before its sentence date (a report writer's
    screening is made for court), else None."""
    if case.sentence is None:
        return None
    since = (case.sentence.sentence_date or case.sentence.start) - timedelta(days=90)
    return next((r for r in case.rosh if r.completed_on >= since), None)


def rosh_screening_on_time(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    assert case.sentence is not None
    due_by = _screening_due_by(case, s)
    since = (case.sentence.sentence_date or case.sentence.start) - timedelta(days=90)
    first = first_rosh(case)
    days = sorted({d for d in case.rosh_records if d >= since} | ({first.completed_on} if first else set()))
    if not days:
        if s.as_of <= due_by:
            return n_a(f"Not yet due: the first RoSH screening is due by {_d(due_by)}.")
        return not_met(f"No RoSH screening completed for this sentence (due by {_d(due_by)}).")
    on = days[0]
    writer = first is not None and first.completed_on == on and first.by_report_writer
    who = "a report writer's RoSH screening" if writer else "RoSH screening"
    if on > due_by:
        first_words = "The first RoSH screening, a report writer's," if writer else "The first RoSH screening"
        return not_met(f"{first_words} was completed late, on {_d(on)} (due by {_d(due_by)}).", None,
                       _late_action(on, due_by))
    return met(f"{who[0].upper()}{who[1:]} completed on {_d(on)} (due by {_d(due_by)}).")


def rosh_full_analysis(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    latest = case.latest_rosh
    if latest is None:
        return not_met("No RoSH screening completed, so whether a full analysis is needed is not known.")
    state = latest.full_analysis
    if state is None:
        return n_a(f"The screening completed on {_d(latest.completed_on)} triggered no full analysis.")
    if state == "not_doing":
        if reason_is_a_sentence(latest.gate_reason, 20, 4):
            return met(f"A reasoned decision not to do a full analysis was recorded: \"{latest.gate_reason}\".")
        return not_met("A full analysis was triggered and not done, without a reason of at least a sentence.")
    if state == "required":
        return not_met(f"The screening completed on {_d(latest.completed_on)} requires a full analysis, not "
                       f"yet done.")
    late = [o for o in case.obligations_of("rosh_full_analysis") if _late(o)]
    if late:
        return not_met(_failing_words(late[0]) + ".")
    return met(f"Full analysis done with the assessment completed on {_d(latest.completed_on)}.")


SOURCE_CODES = ("police_domestic_abuse", "childrens_services")


def _source_label(code: str) -> str:
    found = next((c for c in screening().sources if c.code == code), None)
    return found.label if found else code


def rosh_sources(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    latest = case.latest_rosh
    if latest is None:
        return not_met("No RoSH screening completed: no domestic abuse or children's services checks recorded.")
    missing = []
    for code in SOURCE_CODES:
        if code in latest.sources_checked:
            continue
        reason = (latest.source_reasons or {}).get(code)
        if reason and reason_is_a_sentence(reason, 20, 4):
            continue
        missing.append(_source_label(code).lower())
    if missing:
        return not_met(f"The RoSH assessment completed on {_d(latest.completed_on)} did not check "
                       f"{' or '.join(missing)} and gives no reason of at least a sentence.")
    return met(f"Domestic abuse and children's services checks recorded in the assessment completed on "
               f"{_d(latest.completed_on)}.")


# -- the risk management plan ----------------------------------------------------------------------------
def _rmp_gate(case: CaseFacts, s: Settings) -> Outcome | None:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    if not rp.plan_required(case.rosh_level):
        level = LEVEL_WORDS.get(case.rosh_level or "", "not set")
        if case.rosh_level is None:
            return None  # a level not known is missing data: the plan check says so
        return n_a(f"The RoSH level ({level}) does not require a risk management plan.")
    return None


def _rmp_missing(case: CaseFacts) -> Outcome | None:
    if case.rosh_level is None:
        return not_met("No RoSH level recorded, so whether a risk management plan is needed is not known.",
                       "rosh_screening")
    plan = case.risk_plan
    level = LEVEL_WORDS.get(case.rosh_level or "", "")
    if plan is None:
        return not_met(f"The RoSH level is {level} and there is no risk management plan.")
    if plan.status != "complete":
        return not_met(f"The risk management plan started on {_d(plan.started_on)} is still a draft.")
    return None


def _rmp_not_in_force(case: CaseFacts, s: Settings) -> Outcome | None:
    """Every risk plan check's answer when there is no completed plan to judge (not needed, none, a draft)."""
    return _rmp_gate(case, s) or _rmp_missing(case)


def risk_plan_present(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _rmp_not_in_force(case, s)) is not None:
        return gate
    assert case.risk_plan is not None
    return met(f"Risk management plan completed on {_d(case.risk_plan.completed_on)}.")


def risk_plan_actions(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _rmp_not_in_force(case, s)) is not None:
        return gate
    plan = case.risk_plan
    assert plan is not None
    if not plan.actions:
        return not_met("The risk management plan has no actions.")
    gaps = []
    for n, a in enumerate(plan.actions, start=1):
        lacking = [w for w, v in (("who", a.who), ("what", a.what), ("by when", a.by_when))
                   if not (v.strip() if isinstance(v, str) else v)]
        if lacking:
            gaps.append(f"action {n} has no {' or '.join(lacking)}")
    if gaps:
        more = f" and {len(gaps) - 2} more" if len(gaps) > 2 else ""
        return not_met(f"{'; '.join(gaps[:2])}{more}.".capitalize())
    n = len(plan.actions)
    return met(f"{all_of(n, 'action')} {'says' if n == 1 else 'say'} who, what and by when.")


def risk_plan_shared(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _rmp_not_in_force(case, s)) is not None:
        return gate
    plan = case.risk_plan
    assert plan is not None
    if not plan.shared:
        return not_met("The risk management plan has not been shared with anyone.")
    agencies = {a for a, _on in plan.shared}
    return met(f"Shared with {len(agencies)} {'agency' if len(agencies) == 1 else 'agencies'}, last on "
               f"{_d(max(on for _a, on in plan.shared))}.")


def _signed_words(status: str) -> str:
    return cs.status_label(status).lower()


def risk_plan_countersigned(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _rmp_not_in_force(case, s)) is not None:
        return gate
    plan = case.risk_plan
    assert plan is not None
    need = cs.needs_countersignature(case.rosh_level, child_protection(case), plan.author_grade, cs.RISK_PLAN)
    if not need.needed:
        return n_a(need.why + ".")
    if plan.signing in (cs.COUNTERSIGNED, cs.DOUBLE_COUNTERSIGNED):
        return met(f"Countersigned ({need.why[0].lower()}{need.why[1:]}).")
    return not_met(f"{need.why}; the plan is {_signed_words(plan.signing)}.")


# -- the sentence plan -----------------------------------------------------------------------------------
def plan_outcome_focused(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s) or _plan_in_force(case)) is not None:
        return gate
    plan = case.sentence_plan
    assert plan is not None
    goals = _plan_goals(plan.goals)
    if not goals:
        return not_met("The sentence plan has no goals.")
    weak = [n for n, g in enumerate(goals, start=1) if _activity_only(g.outcome or "")]
    if weak:
        names = ", ".join(f"goal {n} ({goals[n - 1].title})" for n in weak[:3])
        return not_met(f"Only an activity, no change stated: {names}.")
    return met(f"{all_of(len(goals), 'goal')} {'states' if len(goals) == 1 else 'state'} what will be different.")


def plan_sequenced(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s) or _plan_in_force(case)) is not None:
        return gate
    plan = case.sentence_plan
    assert plan is not None
    goals = tuple(sp.Goal(g.title, g.area or "", g.outcome or "", risk_of_harm=g.rosh_link, status=g.status)
                  for g in plan.goals)
    problems = sp.sequencing_problems(goals, plan.sequence_reason)
    if problems:
        return not_met(f"{problems[0].message}, with no reason recorded.")
    active = [g for g in goals if g.status == "active"]
    if (plan.sequence_reason or "").strip() and any(g.risk_of_harm for g in active) \
            and not active[0].risk_of_harm:
        return met(f"Risk of harm work is not first, and the plan says why: \"{plan.sequence_reason}\".")
    return met("Risk of harm goals come first." if any(g.risk_of_harm for g in active) else
               "No risk of harm goals to put first.")


@lru_cache(maxsize=20_000)
def _activity_only(outcome: str) -> bool:
    """The wording check (assessment/plan_wording.py), remembered: outcomes repeat across a caseload."""
    return bool(outcome_flags(outcome))


def _called(needs: NeedsFacts) -> set[str]:
    return {k for k, r in needs.assessment.sections.items() if r.severity in needs_rules.NEED_CALLING}


def plan_linked_to_needs(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s) or _plan_in_force(case)) is not None:
        return gate
    plan = case.sentence_plan
    assert plan is not None
    if case.needs is None or not plan.needs_assessment_id:
        return not_met("The sentence plan was not made from a completed needs assessment.", "needs_assessment")
    assessed = _called(case.needs)
    goals = _plan_goals(plan.goals)
    if not goals:
        return not_met("The sentence plan has no goals.")
    # A learning plan goal addresses the literacy, numeracy or language need the Skills for Life screening found
    # (or the education, training and employment need).
    learning = bool(needs_rules.positive_areas(case.needs.assessment.skills)) or "ete" in assessed
    unlinked = [g.title for g in goals
                if not g.rosh_link and not ({g.area, *g.need_links} & assessed) and not (g.learning_plan and learning)]
    if unlinked:
        return not_met(f"Not linked to an assessed need or the risk of harm: {', '.join(unlinked[:3])}.")
    return met(f"{all_of(len(goals), 'goal')} {'addresses' if len(goals) == 1 else 'address'} an assessed need or "
               f"the risk of harm.")


def plan_involvement(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s) or _plan_in_force(case)) is not None:
        return gate
    plan = case.sentence_plan
    assert plan is not None
    missing = []
    if not (plan.involvement or "").strip():
        missing.append("how the person took part")
    if not (plan.persons_words or "").strip():
        missing.append("their own words")
    if plan.agreement is None:
        missing.append("their agreement")
    elif plan.agreement != "yes" and not (plan.agreement_reason or "").strip():
        missing.append("the reason they did not agree")
    if missing:
        return not_met(f"Not recorded: {', '.join(missing)}.")
    agreed = {"yes": "agreed", "no": "did not agree", "could_not_answer": "could not answer"}
    return met(f"Involvement and own words recorded; the person {agreed.get(plan.agreement or '', 'answered')}.")


def diversity_assessed(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s)) is not None:
        return gate
    if case.needs is None:
        return not_met("No needs assessment yet: its barriers page records diversity needs.", "needs_assessment")
    barriers = case.needs.assessment.barriers
    unassessed = needs_rules.unassessed_barriers(barriers)
    if unassessed:
        labels = [needs_rules.needs_data().barrier(k).label.lower() for k in unassessed]
        shown = ", ".join(labels[:4]) + (f" and {len(labels) - 4} more" if len(labels) > 4 else "")
        return not_met(f"Not assessed in the needs assessment of {_d(case.needs.completed_on)}: {shown}.")
    no_adjustment = [k for k in needs_rules.adjustments_required(barriers) if not barriers[k].adjustment.strip()]
    if no_adjustment:
        labels = [needs_rules.needs_data().barrier(k).label.lower() for k in no_adjustment[:3]]
        return not_met(f"Present but no adjustment recorded: {', '.join(labels)}.")
    present = needs_rules.adjustments_required(barriers)
    return met(f"All barriers assessed; {len(present)} present, each with its adjustment." if present else
               "All barriers assessed; none present.")


def learning_plan(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s)) is not None:
        return gate
    if case.needs is None:
        return not_met("No completed needs assessment: no Skills for Life screening recorded.", "needs_assessment")
    skills = case.needs.assessment.skills
    if not skills.results:
        return not_met("No Skills for Life screening recorded.")
    required, why = needs_rules.learning_plan_required(skills)
    if not required:
        return n_a(f"{why[0].upper()}{why[1:]}.")
    plan = case.sentence_plan
    if plan is None or plan.status != "complete":
        return not_met(f"{why.split(':')[0]}, and no sentence plan is in force.", "sentence_plan")
    if any(g.learning_plan for g in _live_goals(plan.goals)):
        return met("A learning plan is part of the sentence plan.")
    done = [g for g in plan.goals if g.learning_plan and g.status == "achieved"]
    if done:
        on = max((g.achieved_on for g in done if g.achieved_on), default=None)
        return met(f"The learning plan goal was achieved{' on ' + _d(on) if on else ''}.")
    return not_met(f"{why.split(':')[0]}, but no learning plan is part of the sentence plan.", "sentence_plan_goals")


def commissioned_services(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _plan_not_due(case, s)) is not None:
        return gate
    if case.needs is None:
        return not_met("No completed needs assessment: the services the needs call for are not known.",
                       "needs_assessment")
    called = needs_rules.services_called_for(case.needs.assessment, case.gender)
    if not called:
        return n_a("The assessed needs call for no commissioned service.")
    if (gate := _plan_in_force(case)) is not None:
        return gate
    plan = case.sentence_plan
    assert plan is not None
    named = {st.partner for g in plan.goals if g.status != "removed" for st in g.steps if st.partner}
    data = sp.plan_data()
    missing = [c for c in called if c.partner not in named]
    if missing:
        labels = [(p.label if (p := data.partner(c.partner)) else c.partner) for c in missing]
        return not_met(f"Called for but named in no step: {', '.join(labels)}.")
    n = len(called)
    return met(f"{all_of(n, 'service')} the needs call for {'is' if n == 1 else 'are'} in the plan.")


# -- countersignature, home visits and oversight ---------------------------------------------------------
def high_rosh_countersigned(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    if (gate := _rosh_level_unknown(case, s)) is not None:
        return gate
    if case.rosh_level not in ("H", "VH"):
        return n_a("The RoSH level is not high or very high.")
    latest = case.latest_rosh
    if latest is None:
        return not_met("No completed RoSH assessment to countersign.", "rosh_screening")
    signed = (cs.COUNTERSIGNED, cs.DOUBLE_COUNTERSIGNED)
    unsigned = []
    if latest.signing not in signed:
        unsigned.append(f"the RoSH assessment completed on {_d(latest.completed_on)} is "
                        f"{_signed_words(latest.signing)}")
    plan = case.sentence_plan
    if plan is not None and plan.status == "complete" and plan.signing not in signed:
        unsigned.append(f"the sentence plan completed on {_d(plan.completed_on)} is {_signed_words(plan.signing)}")
    if unsigned:
        text = "; ".join(unsigned)
        return not_met(f"{text[0].upper()}{text[1:]}.")
    return met("The RoSH assessment" + (" and the sentence plan are" if plan is not None and plan.status == "complete"
                                         else " is") + " countersigned.")


def cp_home_visit(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _cp_gate(case, s)) is not None:
        return gate
    visits = [d for d in case.contacts.home_visits if d >= _since(case)]
    if not visits:
        return not_met(f"Child-protection concerns and no home visit since the start on {_d(_since(case))}.")
    return met(f"{plural(len(visits), 'home visit')}, the last on {_d(max(visits))}.")


def cp_oversight(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _cp_gate(case, s)) is not None:
        return gate
    late = [o for o in case.obligations_of("management_oversight") if o.status in ("overdue", "missed")]
    if late:
        judged = [o for o in case.obligations_of("management_oversight") if o.status in ("met", "overdue", "missed")]
        return _no_oversight(case, judged) or not_met(_failing_words(late[0]) + ".")
    seen = [d for d in case.contacts.oversight if d >= _since(case)]
    if not seen:
        return not_met(f"Child-protection concerns and no management oversight recorded since the start on "
                       f"{_d(_since(case))}.")
    return met(f"Management oversight recorded, last on {_d(max(seen))}.")


_CHILD_WORDS = re.compile(r"\b(child|children|childcare|safeguard\w*|parent\w*|son|daughter|baby|kids?)\b", re.I)


def cp_goals(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _cp_gate(case, s)) is not None:
        return gate
    if (gate := _plan_not_due(case, s) or _plan_in_force(case)) is not None:
        return gate
    plan = case.sentence_plan
    assert plan is not None
    # A goal counts only when it is risk of harm work (linked to the risk of serious harm) about children: a goal
    # that merely mentions a son or a parent (a job to support the family) does not address the concerns.
    mentions = None
    for g in _live_goals(plan.goals):
        text = " ".join([g.title, g.outcome or "", *(st.what for st in g.steps)])
        if _CHILD_WORDS.search(text):
            if g.rosh_link:
                return met(f"Goal '{g.title}' is risk of harm work about the children's safety.")
            mentions = mentions or g
    if mentions is not None:
        return not_met(f"Child-protection concerns, and no risk of harm goal addresses children's safety ('"
                       f"{mentions.title}' mentions children but is not linked to the risk of harm).")
    return not_met("Child-protection concerns, and no goal of the sentence plan addresses children's safety.")


# -- MAPPA and victims ------------------------------------------------------------------------------------
def mappa_eligible(case: CaseFacts) -> str | None:
    """Why the case meets a MAPPA category, in words (None: no category's criteria met on the record)."""
    if "ARSO" in case.register_codes:
        return "a registered sex offender (category 1)"
    sen = case.sentence
    if sen is None:
        return None
    if sen.offence_category in ("sexual", "cse"):
        return "a sexual offence (category 1 or 2)"
    if sen.offence_category == "violent" and (sen.custody_months or 0) >= 12:
        return f"a violent offence with {sen.custody_months} months in custody (category 2)"
    return None


def _mappa_unknown(case: CaseFacts) -> str | None:
    """What the MAPPA criteria read and the record lacks, in words (None: nothing missing)."""
    sen = case.sentence
    if sen is None:
        return None
    if sen.offence_category is None:
        return "The offence is not recorded" if not sen.offence else "The offence's category is not known"
    if sen.offence_category == "violent" and sen.order_type in ("LIC", "PSS") and sen.custody_months is None:
        return "The custody length is not recorded"
    return None


def mappa_identified(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    reg = case.register("MAPP")
    why = mappa_eligible(case)
    if reg is None:
        if why is None and (unknown := _mappa_unknown(case)) is not None:
            return not_met(f"{unknown}, so whether the MAPPA criteria are met is not known.", "registers")
        if why is None:
            return n_a("The MAPPA criteria are not met and there is no MAPPA register.")
        return not_met(f"The case meets the MAPPA criteria ({why}) but has no MAPPA register.")
    missing = [w for w, v in (("category", reg.category), ("level", reg.level)) if not v]
    if missing:
        return not_met(f"The MAPPA register has no {' or '.join(missing)} recorded.")
    return met(f"MAPPA category {reg.category[-1:]} level {reg.level[-1:]} recorded"  # type: ignore[index]
               f"{' (' + why + ')' if why else ''}.")


VICTIM_REGISTERS = ("INVI", "ADVP", "SPO")


def victim_safety(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    why = []
    if case.obligations_of("victim_contact"):
        why.append("the Victim Contact Scheme applies")
    regs = [c for c in VICTIM_REGISTERS if c in case.register_codes]
    if regs:
        why.append(f"{', '.join(regs)} registered")
    if not why:
        return n_a("No identifiable victim recorded (no victim contact, domestic abuse, stalking or victim "
                   "register).")
    plan = case.risk_plan
    because = " and ".join(why)
    if plan is None:
        return not_met(f"An identifiable victim ({because}) and no risk management plan.")
    acts = [a for a in plan.actions if a.section == "victim_safety" and (a.what or "").strip()]
    if not acts:
        return not_met(f"An identifiable victim ({because}) and no victim safety action in the risk management "
                       f"plan.")
    return met(f"{plural(len(acts), 'victim safety action')} in the risk management plan.")


# -- carried-forward text --------------------------------------------------------------------------------
def carried_forward(case: CaseFacts, s: Settings) -> Outcome:
    if (gate := _no_sentence(case, s)) is not None:
        return gate
    stale: list[tuple[str, str, date, str]] = []  # (what, section, origin, screen)
    latest = case.latest_rosh
    if latest is not None:
        stale += [("RoSH assessment", k, o, "rosh_screening") for k, o in latest.carried
                  if months_between(o, s.as_of) >= s.carried_forward_months]
    if case.needs is not None:
        stale += [("needs assessment", k, o, "needs_assessment") for k, o in case.needs.carried
                  if months_between(o, s.as_of) >= s.carried_forward_months]
    if stale:
        what, _k, origin, screen = min(stale, key=lambda t: t[2])
        n = len(stale)
        return not_met(f"{plural(n, 'section')} carried forward unchanged for "
                       f"{s.carried_forward_months} months or more; the oldest, in the {what}, dates from "
                       f"{_d(origin)}.", screen)
    return met(f"No text carried forward for {s.carried_forward_months} months or more.")


FUNCTIONS: dict[str, Evaluate] = {
    "rosh_screening_on_time": rosh_screening_on_time,
    "rosh_full_analysis": rosh_full_analysis,
    "rosh_sources": rosh_sources,
    "risk_plan_present": risk_plan_present,
    "risk_plan_actions": risk_plan_actions,
    "risk_plan_shared": risk_plan_shared,
    "risk_plan_countersigned": risk_plan_countersigned,
    "plan_outcome_focused": plan_outcome_focused,
    "plan_sequenced": plan_sequenced,
    "plan_linked_to_needs": plan_linked_to_needs,
    "plan_involvement": plan_involvement,
    "diversity_assessed": diversity_assessed,
    "learning_plan": learning_plan,
    "commissioned_services": commissioned_services,
    "high_rosh_countersigned": high_rosh_countersigned,
    "cp_home_visit": cp_home_visit,
    "cp_oversight": cp_oversight,
    "cp_goals": cp_goals,
    "mappa_identified": mappa_identified,
    "victim_safety": victim_safety,
    "carried_forward": carried_forward,
}
