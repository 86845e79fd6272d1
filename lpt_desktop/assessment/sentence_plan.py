"""The sentence plan (pure): goals, steps, interventions placed under goals, the person's agreement, the order of
goals, reviews, and what a plan is missing.

Plan types, statuses, who may do a step, partners, interventions, agreement answers and review ratings live in
resources/data/sentence_plan.json; `validate_plan_data` checks that file's shape (a test runs it, so a bad edit
is caught). The wording check on outcomes is assessment/plan_wording.py; the needs are assessment/needs.py.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from lpt_desktop.assessment.needs import (
    NeedsAssessment,
    learning_plan_required,
    needs_data,
    services_called_for,
    unassessed_barriers,
)
from lpt_desktop.assessment.plan_wording import Flag, outcome_flags, validate_wording_data
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.validation import FieldError

PARTNER_RULES = ("none", "optional", "required")
GoalKey = int | str  # a goal's id as the store keeps it


# -- the data --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class TargetChoice:
    code: str  # 3_months | 6_months | 12_months | date | none
    label: str
    months: int | None


@dataclass(frozen=True)
class Who:
    code: str
    label: str
    partner: str  # none | optional | required: whether a named partner goes with it
    named: bool  # the step names the person ("someone else")


@dataclass(frozen=True)
class Partner:
    code: str
    label: str


@dataclass(frozen=True)
class Intervention:
    code: str
    label: str
    requirement: str  # a requirement_types.json code
    programme: str | None  # the programme choice, for PROG
    area: str | None  # the need area it usually serves
    risk_of_harm: bool  # risk of harm work (sequenced first)
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class PlanData:
    source: str
    plan_types: Mapping[str, str]
    goal_statuses: Mapping[str, str]
    goal_note_max_chars: int
    target_choices: tuple[TargetChoice, ...]
    step_statuses: Mapping[str, str]
    step_by_required_for: frozenset[str]
    who: tuple[Who, ...]
    placeholder: Partner  # "Choose someone": never accepted
    partners: tuple[Partner, ...]
    interventions: tuple[Intervention, ...]
    agreement_answers: Mapping[str, str]
    reason_required_for: frozenset[str]
    reason_max_chars: int
    review_ratings: Mapping[str, str]

    def who_choice(self, code: str) -> Who | None:
        return next((w for w in self.who if w.code == code), None)

    def partner(self, code: str) -> Partner | None:
        return next((p for p in self.partners if p.code == code), None)

    def intervention(self, code: str) -> Intervention | None:
        return next((i for i in self.interventions if i.code == code), None)

    def target_choice(self, code: str) -> TargetChoice | None:
        return next((t for t in self.target_choices if t.code == code), None)


def _labels(problems: list[str], data: Mapping[str, Any], key: str, expected: tuple[str, ...]) -> None:
    value = data.get(key)
    if not (isinstance(value, dict) and list(value) == list(expected)
            and all(isinstance(v, str) and v.strip() for v in value.values())):
        problems.append(f"'{key}' must have exactly {', '.join(expected)}, in that order, each with a label")


def validate_plan_data(data: Any, requirement_codes: Iterable[str] | None = None,
                       programmes: Iterable[str] | None = None) -> list[str]:
    """What is wrong with the shape of sentence_plan.json (empty when it is sound), in words. Every requirement
    code and programme (requirement_types.json's, by default) must be an intervention or listed as not one."""
    if not isinstance(data, dict):
        return ["the file does not hold an object"]
    problems = [f"'{k}' is missing" for k in ("source", "plan_types", "goal_statuses", "goal_note_max_chars",
                                                 "target_choices", "step_statuses", "step_by_required_for", "who",
                                                 "who_placeholder", "partners", "interventions",
                                                 "not_interventions", "agreement", "review_ratings", "wording")
                if k not in data]
    if problems:
        return problems
    if not isinstance(data["source"], str) or not data["source"].strip():
        problems.append("'source' must be a non-empty text")
    _labels(problems, data, "plan_types", ("initial", "review", "termination", "transfer", "other"))
    _labels(problems, data, "goal_statuses", ("active", "future", "achieved", "removed"))
    _labels(problems, data, "step_statuses",
            ("not_started", "in_progress", "completed", "cannot_be_done_yet", "no_longer_needed"))
    _labels(problems, data, "review_ratings", ("met", "partly_met", "not_met"))
    if not (isinstance(data["goal_note_max_chars"], int) and data["goal_note_max_chars"] > 0):
        problems.append("'goal_note_max_chars' must be a whole number")
    targets = data["target_choices"] if isinstance(data["target_choices"], list) else []
    codes = [t.get("code") for t in targets if isinstance(t, dict)]
    if codes != ["3_months", "6_months", "12_months", "date", "none"]:
        problems.append("'target_choices' must be 3_months, 6_months, 12_months, date and none, in that order")
    for t in targets:
        if isinstance(t, dict) and t.get("code", "").endswith("_months") and not isinstance(t.get("months"), int):
            problems.append(f"target choice '{t['code']}' needs a whole number of months")
    if not (isinstance(data["step_by_required_for"], list)
            and set(data["step_by_required_for"]) <= set(data["step_statuses"] or {})):
        problems.append("'step_by_required_for' must list step statuses")
    who = data["who"] if isinstance(data["who"], list) else []
    if not who:
        problems.append("'who' must be a non-empty list")
    for i, w in enumerate(who):
        if not (isinstance(w, dict) and isinstance(w.get("code"), str) and isinstance(w.get("label"), str)
                and w.get("partner") in PARTNER_RULES and isinstance(w.get("named"), bool)):
            problems.append(f"who {i + 1}: needs a code, label, partner (none, optional or required) and named "
                            f"true or false")
    who_codes = [w.get("code") for w in who if isinstance(w, dict)]
    if len(set(who_codes)) != len(who_codes):
        problems.append("'who' codes must be distinct")
    ph = data["who_placeholder"]
    if not (isinstance(ph, dict) and isinstance(ph.get("code"), str) and ph["code"] not in who_codes):
        problems.append("'who_placeholder' must have a code that is not a choice on the who list")
    partners = data["partners"] if isinstance(data["partners"], list) else []
    partner_codes = [p.get("code") for p in partners if isinstance(p, dict) and isinstance(p.get("label"), str)]
    if not partners or len(partner_codes) != len(partners) or len(set(partner_codes)) != len(partner_codes):
        problems.append("'partners' must be objects with distinct codes and labels")
    areas = {s.get("key") for s in load_json("needs_assessment.json").get("sections", []) if isinstance(s, dict)}
    interventions = data["interventions"] if isinstance(data["interventions"], list) else []
    seen: set[str] = set()
    placed_reqs: set[str] = set()
    placed_progs: set[str] = set()
    for i, iv in enumerate(interventions):
        where = f"intervention {i + 1}"
        if not (isinstance(iv, dict) and isinstance(iv.get("code"), str) and isinstance(iv.get("label"), str)
                and isinstance(iv.get("requirement"), str) and isinstance(iv.get("risk_of_harm"), bool)
                and isinstance(iv.get("aliases"), list)):
            problems.append(f"{where}: needs a code, label, requirement, risk_of_harm and aliases")
            continue
        if iv["code"] in seen:
            problems.append(f"{where}: code '{iv['code']}' is used twice")
        seen.add(iv["code"])
        if iv.get("area") is not None and iv["area"] not in areas:
            problems.append(f"{where}: area '{iv['area']}' is not a needs section")
        if iv.get("programme"):
            placed_progs.add(iv["programme"])
        else:
            placed_reqs.add(iv["requirement"])
    ni = data["not_interventions"]
    if not (isinstance(ni, dict) and isinstance(ni.get("requirements"), list)
            and isinstance(ni.get("programmes"), list)):
        problems.append("'not_interventions' needs lists 'requirements' and 'programmes'")
        ni = {"requirements": [], "programmes": []}
    req_types = load_json("requirement_types.json")["requirement_types"]
    reqs = set(requirement_codes) if requirement_codes is not None else {r["code"] for r in req_types}
    progs = set(programmes) if programmes is not None else {
        c for r in req_types if r["code"] == "PROG" for p in r["params"] if p["name"] == "programme"
        for c in p.get("choices") or []}
    for code in sorted(reqs - placed_reqs - set(ni["requirements"]) - ({"PROG"} if placed_progs else set())):
        problems.append(f"requirement '{code}' is neither an intervention nor listed as not one")
    for name in sorted(progs - placed_progs - set(ni["programmes"])):
        problems.append(f"programme '{name}' is neither an intervention nor listed as not one")
    ag = data["agreement"]
    if not (isinstance(ag, dict) and isinstance(ag.get("answers"), dict)
            and list(ag["answers"]) == ["yes", "no", "could_not_answer"]
            and isinstance(ag.get("reason_required_for"), list)
            and set(ag["reason_required_for"]) <= set(ag["answers"])
            and isinstance(ag.get("reason_max_chars"), int) and ag["reason_max_chars"] > 0):
        problems.append("'agreement' needs answers yes, no and could_not_answer, 'reason_required_for' among them "
                        "and a whole number 'reason_max_chars'")
    problems.extend(validate_wording_data(data["wording"]))
    return problems


def plan_data_from(data: Mapping[str, Any]) -> PlanData:
    """Build the plan data from the file's contents (raises ValueError naming what is wrong)."""
    problems = validate_plan_data(data)
    if problems:
        raise ValueError("sentence_plan.json: " + "; ".join(problems))
    ag = data["agreement"]
    return PlanData(
        source=data["source"],
        plan_types=dict(data["plan_types"]),
        goal_statuses=dict(data["goal_statuses"]),
        goal_note_max_chars=data["goal_note_max_chars"],
        target_choices=tuple(TargetChoice(t["code"], t["label"], t.get("months")) for t in data["target_choices"]),
        step_statuses=dict(data["step_statuses"]),
        step_by_required_for=frozenset(data["step_by_required_for"]),
        who=tuple(Who(w["code"], w["label"], w["partner"], w["named"]) for w in data["who"]),
        placeholder=Partner(data["who_placeholder"]["code"], data["who_placeholder"].get("label", "")),
        partners=tuple(Partner(p["code"], p["label"]) for p in data["partners"]),
        interventions=tuple(Intervention(i["code"], i["label"], i["requirement"], i.get("programme"), i.get("area"),
                                         i["risk_of_harm"], tuple(a.lower() for a in i["aliases"]))
                            for i in data["interventions"]),
        agreement_answers=dict(ag["answers"]),
        reason_required_for=frozenset(ag["reason_required_for"]),
        reason_max_chars=ag["reason_max_chars"],
        review_ratings=dict(data["review_ratings"]),
    )


@cache
def plan_data() -> PlanData:
    """The plan data in resources/data/sentence_plan.json, read once."""
    return plan_data_from(load_json("sentence_plan.json"))


# -- the record ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Step:
    what: str
    who: str  # a who code; never the placeholder
    partner: str | None = None  # a partner code, required for some who choices
    named: str = ""  # the name, for someone_named
    by: date | None = None
    status: str = "not_started"
    id: int | str | None = None  # set once stored; contacts link to it


@dataclass(frozen=True)
class Goal:
    title: str
    area: str  # a needs section key
    outcome: str = ""  # what will be different
    related_areas: tuple[str, ...] = ()
    risk_of_harm: bool = False  # the goal addresses risk of serious harm
    target_date: date | None = None  # None: a future goal
    status: str = "active"
    steps: tuple[Step, ...] = ()
    interventions: tuple[str, ...] = ()  # intervention codes placed under it
    id: GoalKey | None = None


@dataclass(frozen=True)
class Agreement:
    answer: str  # yes | no | could_not_answer
    reason: str = ""  # required for no and could_not_answer
    on: date | None = None
    updated: bool = False  # a later, updated agreement


@dataclass(frozen=True)
class Plan:
    type: str = "initial"
    goals: tuple[Goal, ...] = ()
    own_words: str = ""  # the person's own words on what they want to change
    involvement: str = ""  # how the person was involved in making the plan
    agreement: Agreement | None = None
    why_not_risk_first: str = ""  # the officer's reason for not putting risk of harm work first
    learning_plan: bool = False  # a learning plan is part of this plan
    completed: bool = False


@dataclass(frozen=True)
class Review:
    goals: tuple[Goal, ...]  # the goals under review (those active when it began)
    ratings: Mapping[int, str]  # index into goals -> met | partly_met | not_met
    changed: bool  # the review changed the plan (see plan_changed)
    no_change_reason: str = ""


# -- goals -----------------------------------------------------------------------------------------------
def target_date_for(choice: str, today: date, chosen: date | None = None) -> date | None:
    """The target date a choice gives: 3, 6 or 12 months from today, the chosen date, or none (a future
    goal). Raises ValueError for an unknown choice, or "date" without a date."""
    t = plan_data().target_choice(choice)
    if t is None:
        raise ValueError(f"Target date: '{choice}' is not a choice: choose 3, 6 or 12 months, a date, or none")
    if t.months is not None:
        return add_months(today, t.months)
    if t.code == "date":
        if chosen is None:
            raise ValueError("Target date: no date given: enter the date, e.g. 23/05/2027")
        return chosen
    return None


def goal_errors(goal: Goal, today: date, *, target_changed: bool = True) -> list[FieldError]:
    """A goal's title, area (a needs section) and related areas, outcome, status, interventions and target
    date: not in the past when set now (`target_changed`), required for an active goal, absent on a future
    one."""
    d = plan_data()
    areas = {s.key: s.label for s in needs_data().sections}
    errors = []
    if not (goal.title or "").strip():
        errors.append(FieldError("Goal", "is empty: give the goal a title in words the person would use"))
    if goal.area not in areas:
        errors.append(FieldError("Area of need", f"'{goal.area}' is not an area: choose one of the needs "
                                                 f"sections"))
    for r in goal.related_areas:
        if r not in areas:
            errors.append(FieldError("Related areas", f"'{r}' is not an area: choose from the needs sections"))
        elif r == goal.area:
            errors.append(FieldError("Related areas", f"{areas[r]} is already the goal's area: remove it here"))
    if goal.status not in d.goal_statuses:
        errors.append(FieldError("Goal status", f"'{goal.status}' is not a status: choose active, future, "
                                                f"achieved or removed"))
    if goal.status in ("active", "future") and not (goal.outcome or "").strip():
        errors.append(FieldError("Outcome", "is empty: say what will be different when the goal is achieved"))
    if goal.status == "active" and goal.target_date is None:
        errors.append(FieldError("Target date", "is missing for an active goal: choose 3, 6 or 12 months or a "
                                                "date, or make it a future goal"))
    if goal.status == "future" and goal.target_date is not None:
        errors.append(FieldError("Target date", "is set on a future goal: remove it, or make the goal active"))
    if target_changed and goal.target_date is not None and goal.target_date < today:
        errors.append(FieldError("Target date", f"{format_date(goal.target_date)} is in the past: choose today "
                                                f"or a later date"))
    for code in goal.interventions:
        if d.intervention(code) is None:
            errors.append(FieldError("Interventions", f"'{code}' is not an intervention of the order: remove it"))
    return errors


def status_change_errors(old: str, new: str, note: str | None) -> list[FieldError]:
    """Every change of a goal's status needs a note (progress, why removed, how achieved, why re-added)."""
    d = plan_data()
    if new not in d.goal_statuses:
        return [FieldError("Goal status", f"'{new}' is not a status: choose active, future, achieved or removed")]
    if new == old:
        return []
    text = (note or "").strip()
    if not text:
        return [FieldError("Note", f"is empty: say why the goal is now {d.goal_statuses[new].lower()}")]
    if len(text) > d.goal_note_max_chars:
        return [FieldError("Note", f"is {len(text)} characters long: shorten it to {d.goal_note_max_chars} or "
                                   f"fewer")]
    return []


# -- steps -----------------------------------------------------------------------------------------------
def step_errors(step: Step) -> list[FieldError]:
    """What the step is, who does it (from the list, never "choose someone", with a partner or a name where the
    choice needs one), by when (while not started or in progress) and its status."""
    d = plan_data()
    errors = []
    if not (step.what or "").strip():
        errors.append(FieldError("Step", "is empty: say what will be done"))
    who = d.who_choice(step.who or "")
    if who is None:
        choices = ", ".join(w.label.lower() for w in d.who)
        what = "is not chosen" if step.who in ("", None, d.placeholder.code) else f"'{step.who}' is not a choice"
        errors.append(FieldError("Who", f"{what}: choose one of {choices}"))
    else:
        if step.partner is not None and d.partner(step.partner) is None:
            errors.append(FieldError("Partner", f"'{step.partner}' is not a partner on the list: choose one"))
        elif who.partner == "required" and step.partner is None:
            errors.append(FieldError("Partner", f"is not chosen: say which partner, for {who.label.lower()}"))
        elif who.partner == "none" and step.partner is not None:
            errors.append(FieldError("Partner", f"is given for {who.label.lower()}: remove it, or choose a "
                                                f"partnership agency"))
        if who.named and not (step.named or "").strip():
            errors.append(FieldError("Who", "someone else is chosen but not named: give their name and role"))
    if step.status not in d.step_statuses:
        errors.append(FieldError("Step status", f"'{step.status}' is not a status: choose "
                                                f"{', '.join(v.lower() for v in d.step_statuses.values())}"))
    elif step.status in d.step_by_required_for and step.by is None:
        errors.append(FieldError("By when", "is missing: give the date the step should be done by"))
    return errors


def who_words(step: Step) -> str:
    """Who does a step, in words: 'Drug or alcohol service (a partnership agency)', 'Jo Bloggs'."""
    d = plan_data()
    who = d.who_choice(step.who)
    if who is None:
        return ""
    if who.named:
        return (step.named or "").strip()
    partner = d.partner(step.partner) if step.partner else None
    return f"{partner.label} ({who.label[0].lower()}{who.label[1:]})" if partner else who.label


# -- interventions ---------------------------------------------------------------------------------------
def intervention_for(requirement: str, programme: str | None = None) -> Intervention | None:
    """The placeable intervention for a requirement of the order (a code of requirement_types.json) and, for a
    programme requirement, its programme (the code, "TSP", or a name or alias, any case); None when it is not
    one (a curfew, a programme named "Other")."""
    d = plan_data()
    code = (requirement or "").strip().upper()
    if code == "PROG":
        name = " ".join((programme or "").lower().split())
        return next((i for i in d.interventions if i.requirement == "PROG" and name and
                     (name == (i.programme or "").lower() or name == i.code or name in i.aliases
                      or name == i.label.lower())), None)
    return next((i for i in d.interventions if i.requirement == code and not i.programme), None)


def interventions_from(requirements: Iterable[tuple[str, str | None]]) -> list[Intervention]:
    """The interventions an order's requirements give ((code, programme) pairs), once each, in order."""
    out: list[Intervention] = []
    for code, programme in requirements:
        i = intervention_for(code, programme)
        if i is not None and i not in out:
            out.append(i)
    return out


# -- agreement -------------------------------------------------------------------------------------------
def ready_to_agree(plan: Plan) -> tuple[bool, list[str]]:
    """A plan can be agreed when at least one goal has a target date and every active goal has a step; the
    reasons it cannot, in words."""
    reasons = []
    live = [g for g in plan.goals if g.status != "removed"]
    if not any(g.target_date is not None for g in live):
        reasons.append("No goal has a target date: give at least one goal a target date")
    for n, g in enumerate(plan.goals, start=1):
        if g.status == "active" and not g.steps:
            reasons.append(f"Goal {n} ({(g.title or '').strip() or 'untitled'}) has no steps: add at least one")
    return not reasons, reasons


def agreement_errors(agreement: Agreement) -> list[FieldError]:
    """The answer is yes, no or could not answer; a no or could not answer needs the reason, within 4,000
    characters."""
    d = plan_data()
    if agreement.answer not in d.agreement_answers:
        return [FieldError("Agreement", f"'{agreement.answer}' is not an answer: choose "
                                        f"{', '.join(repr(v) for v in d.agreement_answers.values())}")]
    reason = (agreement.reason or "").strip()
    if agreement.answer in d.reason_required_for and not reason:
        return [FieldError("Agreement details", f"are empty: say why the answer is "
                                                f"'{d.agreement_answers[agreement.answer]}'")]
    if len(agreement.reason or "") > d.reason_max_chars:
        return [FieldError("Agreement details", f"are {len(agreement.reason):,} characters long: shorten them "
                                                f"to {d.reason_max_chars:,} or fewer")]
    return []


def involvement_flags(plan: Plan) -> list[Flag]:
    """A plan completed without the person's involvement recorded; a plan without their own words."""
    flags = []
    if plan.completed and not (plan.involvement or "").strip():
        flags.append(Flag("no_involvement", "The plan was completed without the person's involvement recorded",
                          "Record how the person took part in making the plan"))
    if not (plan.own_words or "").strip():
        flags.append(Flag("no_own_words", "The plan has none of the person's own words",
                          "Write down, in their words, what they want to change"))
    return flags


# -- order -----------------------------------------------------------------------------------------------
def sequencing_problems(goals: Sequence[Goal], why_not_risk_first: str | None) -> list[Flag]:
    """Risk of harm goals come first among the active goals, unless the officer has recorded why not: one
    flag per risk of harm goal after a goal that is not risk of harm work."""
    if (why_not_risk_first or "").strip():
        return []
    flags = []
    first_other: Goal | None = None
    for g in goals:
        if g.status != "active":
            continue
        if not g.risk_of_harm:
            first_other = first_other or g
        elif first_other is not None:
            flags.append(Flag("risk_not_first", f"'{g.title}' is risk of harm work but comes after "
                                                f"'{first_other.title}'",
                              "Move risk of harm goals first, or record why they are not first"))
    return flags


def move_goal(goals: Sequence[Goal], index: int, to: int) -> tuple[Goal, ...]:
    """The goals with the one at `index` moved to position `to` (clamped to the ends, so moving the first
    goal up changes nothing). Raises IndexError for an index that is not a goal."""
    if not 0 <= index < len(goals):
        raise IndexError(index)
    order = list(goals)
    goal = order.pop(index)
    order.insert(max(0, min(to, len(order))), goal)
    return tuple(order)


# -- reviews ---------------------------------------------------------------------------------------------
def plan_changed(before: Sequence[Goal], after: Sequence[Goal]) -> bool:
    """Whether a review changed the plan's goals or steps (ids aside: a goal stored again is not a change)."""
    def strip(gs: Sequence[Goal]) -> list[tuple[Any, ...]]:
        return [(g.title, g.area, g.outcome, g.related_areas, g.risk_of_harm, g.target_date, g.status,
                 g.interventions, tuple((s.what, s.who, s.partner, s.named, s.by, s.status) for s in g.steps))
                for g in gs]
    return strip(before) != strip(after)


def review_errors(review: Review) -> list[FieldError]:
    """Every goal under review rated met, partly met or not met; a review that changes nothing says why."""
    d = plan_data()
    errors = []
    for n, g in enumerate(review.goals):
        rating = review.ratings.get(n)
        name = f"Goal {n + 1} ({(g.title or '').strip() or 'untitled'})"
        if rating is None:
            errors.append(FieldError(name, "is not rated: choose met, partly met or not met"))
        elif rating not in d.review_ratings:
            errors.append(FieldError(name, f"'{rating}' is not a rating: choose met, partly met or not met"))
    for n in sorted(k for k in review.ratings if not 0 <= k < len(review.goals)):
        errors.append(FieldError("Review", f"goal {n + 1} is not under review: remove its rating"))
    if not review.changed and not (review.no_change_reason or "").strip():
        errors.append(FieldError("Reason for no change", "is empty: the review changes nothing in the plan, so "
                                                         "say why it still stands"))
    return errors


# -- the plan against the needs --------------------------------------------------------------------------
def named_partners(plan: Plan) -> set[str]:
    """Partner codes named by any step of a goal not removed."""
    return {s.partner for g in plan.goals if g.status != "removed" for s in g.steps if s.partner}


def plan_flags(plan: Plan, needs: NeedsAssessment | None, gender: str | None,
               name: str | None = None) -> list[Flag]:
    """What the plan is missing against the needs: commissioned services the needs call for but no step names;
    a learning plan required but absent; diversity needs unassessed; and each live goal's outcome wording."""
    d = plan_data()
    flags: list[Flag] = []
    if needs is None:
        flags.append(Flag("no_needs_assessment", "There is no needs assessment behind the plan",
                          "Complete the needs assessment, then check the plan against it"))
    else:
        named = named_partners(plan)
        for c in services_called_for(needs, gender):
            if c.partner not in named:
                p = d.partner(c.partner)
                label = p.label if p else c.partner
                flags.append(Flag(f"service_missing:{c.partner}", f"{label} is called for ({c.why}) but no step "
                                                                  f"names it",
                                  f"Add a step for the {label[0].lower()}{label[1:]}, or say in a goal why not"))
        required, why = learning_plan_required(needs.skills)
        if required and not plan.learning_plan:
            flags.append(Flag("learning_plan_missing", f"A learning plan is required but not part of the plan: "
                                                       f"{why[0].lower()}{why[1:]}",
                              "Add the learning plan to the sentence plan"))
        unassessed = unassessed_barriers(needs.barriers)
        if unassessed:
            labels = [needs_data().barrier(k).label.lower() for k in unassessed]
            flags.append(Flag("diversity_unassessed", f"Diversity needs and barriers not assessed: "
                                                      f"{', '.join(labels)}",
                              "Say for each whether it is a barrier, and the adjustment made"))
    for n, g in enumerate(plan.goals, start=1):
        if g.status in ("active", "future"):
            for f in outcome_flags(g.outcome, name, g.area):
                flags.append(Flag(f"goal_{n}:{f.code}", f"Goal {n} ({g.title}): {f.message}", f.suggestion))
    return flags
