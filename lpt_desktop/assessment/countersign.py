"""Countersignature (issue 19): the signing statuses shared by RoSH assessments, risk management plans and
(later) sentence plans, the checked transitions between them, which work needs countersigning (the Trust's
rule, data in resources/data/countersign_rules.json), who may take each action, and agreement or refusal of
a tier override. Pure: no store, no Qt; the laptop's services and the central server both call it.

The statuses follow the MoJ sentence plan service's signing statuses. Its countersigning outcomes are the
model for the transitions: an officer signs (self-signed, or awaiting countersignature); a countersigner
countersigns, or passes work that needs a second countersignature on to awaiting double countersignature,
or rejects it; a second (senior) countersigner double countersigns or rejects. Here a rejected piece goes
back to its officer, who revises and resubmits it (awaiting countersignature again).

A target's status is never stored as the truth: it is replayed from its chain of countersignature records
(status_of), so two laptops holding the same records agree, and a record that a concurrent action on another
laptop had already overtaken (two managers countersigning at once) changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple, Protocol, TypeVar

from lpt_desktop.domain.reference import load_json

# -- statuses ---------------------------------------------------------------------------------------
UNSIGNED = "unsigned"
SELF_SIGNED = "self_signed"
AWAITING = "awaiting_countersignature"
AWAITING_DOUBLE = "awaiting_double_countersignature"
COUNTERSIGNED = "countersigned"
DOUBLE_COUNTERSIGNED = "double_countersigned"
REJECTED = "rejected"
LOCKED_INCOMPLETE = "locked_incomplete"
STATUSES = (UNSIGNED, SELF_SIGNED, AWAITING, AWAITING_DOUBLE, COUNTERSIGNED, DOUBLE_COUNTERSIGNED, REJECTED,
            LOCKED_INCOMPLETE)
# A tier override is agreed or refused by the team manager rather than signed.
AWAITING_AGREEMENT = "awaiting_agreement"
AGREED = "agreed"
REFUSED = "refused"
OVERRIDE_STATUSES = (AWAITING_AGREEMENT, AGREED, REFUSED)

STATUS_LABELS: dict[str, str] = {
    UNSIGNED: "Unsigned",
    SELF_SIGNED: "Self-signed",
    AWAITING: "Awaiting countersignature",
    AWAITING_DOUBLE: "Awaiting double countersignature",
    COUNTERSIGNED: "Countersigned",
    DOUBLE_COUNTERSIGNED: "Double countersigned",
    REJECTED: "Returned to the officer",
    LOCKED_INCOMPLETE: "Locked incomplete",
    AWAITING_AGREEMENT: "Awaiting the manager's agreement",
    AGREED: "Agreed by the manager",
    REFUSED: "Refused by the manager",
}
AWAITING_STATUSES = (AWAITING, AWAITING_DOUBLE)
SIGNED_STATUSES = (SELF_SIGNED, COUNTERSIGNED, DOUBLE_COUNTERSIGNED)

# -- what is signed ---------------------------------------------------------------------------------
ROSH_ASSESSMENT = "rosh_assessment"
RISK_PLAN = "risk_plan"
SENTENCE_PLAN = "sentence_plan"
TIER_DECISION = "tier_decision"
TARGET_KINDS = (ROSH_ASSESSMENT, RISK_PLAN, SENTENCE_PLAN, TIER_DECISION)
SIGNED_KINDS = (ROSH_ASSESSMENT, RISK_PLAN, SENTENCE_PLAN)

# -- actions (the `action` of a countersignature record) --------------------------------------------
SUBMITTED = "submitted"
RESUBMITTED = "resubmitted"
SELF_SIGN = "self_signed"
COUNTERSIGN = "countersigned"
DOUBLE_COUNTERSIGN = "double_countersigned"
RETURNED = "returned"
AGREE = "agreed"
REFUSE = "refused"
LOCK = "locked_incomplete"
ACTIONS = (SUBMITTED, RESUBMITTED, SELF_SIGN, COUNTERSIGN, DOUBLE_COUNTERSIGN, RETURNED, AGREE, REFUSE, LOCK)
ACTION_LABELS: dict[str, str] = {
    SUBMITTED: "Submitted for countersignature",
    RESUBMITTED: "Revised and resubmitted",
    SELF_SIGN: "Self-signed",
    COUNTERSIGN: "Countersigned",
    DOUBLE_COUNTERSIGN: "Double countersigned",
    RETURNED: "Returned to the officer",
    AGREE: "Override agreed",
    REFUSE: "Override refused",
    LOCK: "Locked incomplete",
}
OFFICER_ACTIONS = frozenset({SUBMITTED, RESUBMITTED, SELF_SIGN})
MANAGER_ACTIONS = frozenset({COUNTERSIGN, DOUBLE_COUNTERSIGN, RETURNED, AGREE, REFUSE, LOCK})
OVERRIDE_ACTIONS = frozenset({AGREE, REFUSE})

# Roles as the central store names them (central/auth.py ROLES).
OFFENDER_MANAGER = "offender_manager"
TEAM_MANAGER = "team_manager"
ROLE_LABELS = {OFFENDER_MANAGER: "offender manager", TEAM_MANAGER: "team manager",
               "court_officer": "court officer", "administrator": "administrator",
               "victim_liaison": "victim liaison officer"}

# Grades of an officer (issue 19): the codes the central store delivers to the laptop.
GRADES = ("po", "pso", "trainee")


class TransitionError(ValueError):
    """An action the status does not allow; str() says so in words."""


# (from status, action) -> status after; "countersigned" from awaiting also leads to awaiting double when the
# work needs a second countersignature (next_status's double).
_TRANSITIONS: dict[tuple[str, str], str] = {
    (UNSIGNED, SUBMITTED): AWAITING,
    (UNSIGNED, SELF_SIGN): SELF_SIGNED,
    (REJECTED, RESUBMITTED): AWAITING,
    (AWAITING, COUNTERSIGN): COUNTERSIGNED,
    (AWAITING_DOUBLE, DOUBLE_COUNTERSIGN): DOUBLE_COUNTERSIGNED,
    (AWAITING, RETURNED): REJECTED,
    (AWAITING_DOUBLE, RETURNED): REJECTED,
    # Work never finished: left unsigned, or returned and never resubmitted (e.g. the case ended or moved).
    (UNSIGNED, LOCK): LOCKED_INCOMPLETE,
    (REJECTED, LOCK): LOCKED_INCOMPLETE,
    (AWAITING_AGREEMENT, AGREE): AGREED,
    (AWAITING_AGREEMENT, REFUSE): REFUSED,
}

_WHY_NOT: dict[str, str] = {
    SUBMITTED: "only unsigned work is submitted: returned work is resubmitted",
    RESUBMITTED: "only work returned to the officer is resubmitted",
    SELF_SIGN: "only unsigned work that needs no countersignature is self-signed",
    COUNTERSIGN: "only work awaiting countersignature is countersigned",
    DOUBLE_COUNTERSIGN: "only work awaiting double countersignature is double countersigned",
    RETURNED: "only work awaiting countersignature or double countersignature is returned",
    LOCK: "only unsigned or returned work is locked incomplete",
    AGREE: "only an override awaiting the manager's agreement is agreed",
    REFUSE: "only an override awaiting the manager's agreement is refused",
}


def status_label(status: str) -> str:
    """The status in words ("Awaiting countersignature")."""
    return STATUS_LABELS.get(status, status.replace("_", " ").capitalize())


def action_label(action: str) -> str:
    return ACTION_LABELS.get(action, action.replace("_", " ").capitalize())


def is_awaiting(status: str) -> bool:
    return status in AWAITING_STATUSES


def start_status(kind: str) -> str:
    """Where a target's chain starts: unsigned work, or an override awaiting agreement."""
    return AWAITING_AGREEMENT if kind == TIER_DECISION else UNSIGNED


def next_status(current: str, action: str, *, double: bool = False) -> str:
    """The status after `action` from `current`; TransitionError (in words) when the action is not allowed.

    double: the work needs a second countersignature, so a first countersignature leaves it awaiting double
    countersignature rather than countersigned."""
    if action not in ACTIONS:
        raise TransitionError(f"'{action}' is not a countersignature action")
    after = _TRANSITIONS.get((current, action))
    if after is None:
        raise TransitionError(f"{action_label(action)} is not possible: the work is "
                              f"{status_label(current).lower()}, and {_WHY_NOT[action]}")
    if after == COUNTERSIGNED and double:
        return AWAITING_DOUBLE
    return after


class ChainRecord(Protocol):
    """A countersignature record as status_of reads it (the store's row, or anything alike)."""

    @property
    def action(self) -> str: ...

    @property
    def status_after(self) -> str: ...


class LinkedRecord(Protocol):
    """A countersignature record as chain_order reads it: its id and the id of the record it follows."""

    @property
    def id(self) -> str: ...

    @property
    def follows_id(self) -> str | None: ...


_R = TypeVar("_R", bound=LinkedRecord)


def chain_order(records: Iterable[_R]) -> list[_R]:
    """A target's records in causal order, whatever the laptops' clocks said: each record comes after the one
    it follows (follows_id: the chain's head where it was written; the central store refuses a record that
    does not follow its head). records: in the old order (on_date, created_at, id), which breaks ties and
    orders legacy rows written before follows_id (none of them follows anything). A record following one not
    held here (yet) goes last."""
    pending = list(records)
    held = {r.id for r in pending}
    done: set[str] = set()
    out: list[_R] = []
    while pending:
        ready = next((r for r in pending if r.follows_id is None or r.follows_id in done), None)
        if ready is None:  # what is left follows records not held here, or a cycle: keep the old order
            ready = next((r for r in pending if r.follows_id not in held), pending[0])
        pending.remove(ready)
        done.add(ready.id)
        out.append(ready)
    return out


def head_of(ordered: Sequence[LinkedRecord]) -> str | None:
    """The id a new record follows: the last of the ordered chain (None: the chain is empty)."""
    return ordered[-1].id if ordered else None


def status_of(chain: Iterable[ChainRecord], kind: str = ROSH_ASSESSMENT) -> str:
    """The status a target's ordered chain of records leads to. Each record is replayed through next_status
    (a first countersignature whose record says awaiting double is replayed as such); a record the status
    no longer allows, because a concurrent action on another laptop came first, changes nothing."""
    status = start_status(kind)
    for record in chain:
        try:
            status = next_status(status, record.action, double=record.status_after == AWAITING_DOUBLE)
        except TransitionError:
            continue
    return status


# -- which work needs countersigning: the Trust's rule ----------------------------------------------
@dataclass(frozen=True)
class Rules:
    signed_kinds: tuple[str, ...]
    levels_always: tuple[str, ...]  # RoSH levels always countersigned (H, VH)
    child_protection_always: bool
    double_levels: tuple[str, ...]  # RoSH levels needing a second countersignature (VH)
    grade_kinds: Mapping[str, tuple[str, ...]]  # grade -> kinds of its work always countersigned
    grade_labels: Mapping[str, str]
    kind_labels: Mapping[str, str]
    unknown_grade: str
    source: str  # in words an officer may be shown (the file's own "source" names the developer's sources too)


def rules_from(data: Mapping[str, Any]) -> Rules:
    grades = data.get("grades") or {}
    return Rules(
        signed_kinds=tuple(data.get("signed_kinds") or SIGNED_KINDS),
        levels_always=tuple(data.get("levels_always") or ()),
        child_protection_always=bool(data.get("child_protection_always", True)),
        double_levels=tuple(data.get("double_levels") or ()),
        grade_kinds={g: tuple(v.get("countersigned") or ()) for g, v in grades.items()},
        grade_labels={g: str(v.get("label") or g) for g, v in grades.items()},
        kind_labels=dict(data.get("kinds") or {}),
        unknown_grade=str(data.get("unknown_grade") or "po"),
        source=str(data.get("shown_source") or data.get("source") or ""),
    )


@cache
def load_rules() -> Rules:
    """The rule as shipped (resources/data/countersign_rules.json)."""
    return rules_from(load_json("countersign_rules.json"))


def kind_label(kind: str, rules: Rules | None = None) -> str:
    return (rules or load_rules()).kind_labels.get(kind, kind.replace("_", " ").capitalize())


def grade_label(grade: str | None, rules: Rules | None = None) -> str:
    r = rules or load_rules()
    return r.grade_labels.get(grade or "", "Grade not known")


def normal_grade(grade: str | None) -> str | None:
    """A grade code from what an Officer row or the central store says ("PSO", "Probation services officer",
    "pso"); None when it is none of them."""
    g = (grade or "").strip().lower()
    words = {"probation officer": "po", "probation services officer": "pso", "trainee probation officer": "trainee",
             "pqip": "trainee", "trainee po": "trainee"}
    g = words.get(g, g)
    return g if g in GRADES else None


class Need(NamedTuple):
    needed: bool
    double: bool
    why: str  # in words: why it needs countersigning, or why it does not


_LEVEL_WORDS = {"L": "low", "M": "medium", "H": "high", "VH": "very high"}


def needs_countersignature(level: str | None, child_protection_concerns: bool, author_grade: str | None,
                           kind: str, rules: Rules | None = None) -> Need:
    """Whether a completed piece of work needs countersigning, whether it needs a second countersignature,
    and why, in words. level: the RoSH level (L, M, H, VH) the work sets or plans for."""
    r = rules or load_rules()
    if kind not in r.signed_kinds:
        return Need(False, False, f"{kind_label(kind, r)} is not countersigned")
    grade = normal_grade(author_grade) or r.unknown_grade
    reasons = []
    if level in r.levels_always:
        reasons.append(f"the RoSH level is {_LEVEL_WORDS.get(level or '', level)}")
    if child_protection_concerns and r.child_protection_always:
        reasons.append("there are child-protection concerns")
    if kind in r.grade_kinds.get(grade, ()):
        reasons.append(f"the author is a {grade_label(grade, r).lower()}")
    double = level in r.double_levels
    if double and not reasons:  # a level needing a second countersignature needs a first one too
        reasons.append(f"the RoSH level is {_LEVEL_WORDS.get(level or '', level)}")
    if not reasons:
        return Need(False, False, f"No countersignature needed: the RoSH level is "
                                  f"{_LEVEL_WORDS.get(level or '', 'not set')}, no child-protection concerns, "
                                  f"and a {grade_label(grade, r).lower()}'s work is self-signed")
    why = "Countersignature needed: " + _and(reasons)
    if double:
        why += "; very high RoSH work also needs a second (senior) countersignature" if level == "VH" else \
            "; this level also needs a second (senior) countersignature"
    return Need(True, double, why)


def _and(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# -- child-protection concerns ----------------------------------------------------------------------
# Registers that are child-protection concerns on the case whatever the screening says.
CHILD_PROTECTION_REGISTERS = ("RCPR", "RCHD")


def child_protection_concerns(answers: Mapping[str, Any] | None, open_registers: Iterable[str] = ()) -> bool:
    """Concerns about children answered yes in the RoSH screening (answers: question id -> period -> answer),
    or an open child-protection register on the case. One rule for the laptop and the central store, each
    reading its own copy of the work and the case's registrations."""
    if any(code in CHILD_PROTECTION_REGISTERS for code in open_registers):
        return True
    from lpt_desktop.assessment.rosh_screening import screening  # its data loads only when asked

    for q in screening().questions:
        if q.block != "children":
            continue
        periods = (answers or {}).get(q.id)
        if isinstance(periods, Mapping) and "yes" in periods.values():
            return True
    return False


# -- who may act ------------------------------------------------------------------------------------
def may_act(actor_role: str | None, actor_username: str | None, author_username: str | None, action: str,
            *, first_countersigner: str | None = None) -> tuple[bool, str]:
    """Whether this user may take the action on this author's work, and if not why, in words. Officers
    (offender managers) submit, resubmit and self-sign; only team managers countersign, return, lock, and
    agree or refuse overrides; nobody countersigns (or agrees to) their own work, and the second
    countersignature is another manager's than the first."""
    role = actor_role or ""
    who = ROLE_LABELS.get(role, role.replace("_", " ") or "user with no role")
    if action not in ACTIONS:
        return False, f"'{action}' is not a countersignature action"
    same = bool(actor_username) and (actor_username or "").strip().lower() == (author_username or "").strip().lower()
    if action in OFFICER_ACTIONS:
        if role != OFFENDER_MANAGER:
            return False, f"{_a(who).capitalize()} does not {_verb(action)}: the offender manager does"
        return True, ""
    if role != TEAM_MANAGER:
        return False, f"Only a team manager may {_verb(action)}: this laptop's user is {_a(who)}"
    if same:
        return False, (f"This is your own work, and nobody may {_verb(action)} of their own: another team "
                       "manager must")
    if action == DOUBLE_COUNTERSIGN and first_countersigner and \
            first_countersigner.strip().lower() == (actor_username or "").strip().lower():
        return False, "The second countersignature must be another manager's: you gave the first"
    return True, ""


def _a(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


def _verb(action: str) -> str:
    return {SUBMITTED: "submit work for countersignature", RESUBMITTED: "resubmit returned work",
            SELF_SIGN: "self-sign work", COUNTERSIGN: "countersign work", DOUBLE_COUNTERSIGN: "double countersign work",
            RETURNED: "return work to the officer", AGREE: "agree a tier override", REFUSE: "refuse a tier override",
            LOCK: "lock work incomplete"}[action]


def shown_level(level_label: str, status: str) -> str:
    """A RoSH level as shown while its assessment awaits countersignature: the level is in force meanwhile,
    and says so ("High (awaiting countersignature)")."""
    if is_awaiting(status):
        return f"{level_label} ({status_label(status).lower()})"
    return level_label


__all__ = [
    "ACTIONS", "ACTION_LABELS", "AGREE", "AGREED", "AWAITING", "AWAITING_AGREEMENT", "AWAITING_DOUBLE",
    "AWAITING_STATUSES", "CHILD_PROTECTION_REGISTERS", "COUNTERSIGN", "COUNTERSIGNED", "DOUBLE_COUNTERSIGN",
    "DOUBLE_COUNTERSIGNED", "GRADES", "LOCK", "LOCKED_INCOMPLETE", "MANAGER_ACTIONS", "OFFENDER_MANAGER",
    "OFFICER_ACTIONS", "OVERRIDE_ACTIONS", "OVERRIDE_STATUSES", "REFUSE", "REFUSED", "REJECTED", "RESUBMITTED",
    "RETURNED", "RISK_PLAN", "ROSH_ASSESSMENT", "SELF_SIGN", "SELF_SIGNED", "SENTENCE_PLAN", "SIGNED_KINDS",
    "SIGNED_STATUSES", "STATUSES", "STATUS_LABELS", "SUBMITTED", "TARGET_KINDS", "TEAM_MANAGER", "TIER_DECISION",
    "UNSIGNED", "ChainRecord", "LinkedRecord", "Need", "Rules", "TransitionError", "action_label", "chain_order",
    "child_protection_concerns", "grade_label", "head_of", "is_awaiting", "kind_label", "load_rules", "may_act",
    "needs_countersignature", "next_status", "normal_grade", "rules_from", "shown_level", "start_status",
    "status_label", "status_of",
]
