"""What each role may write, kind by kind: the one table the server enforces (issue 19).

scope.py decides which cases a principal reaches; this decides what they may change there. A change the table
does not allow is a rejection (kept, shown to its sender in words, never applied), deletes included.

- offender manager: every kind on the cases allocated to them; countersignature records only to submit,
  resubmit or self-sign their own work;
- team manager: nothing of a case's own records (the team's cases are theirs to read), only countersignature
  records that countersign, return, lock incomplete, or agree or refuse a tier override (never on their own
  work, and only from the status the work is in now), and management oversight contacts they add themselves;
- court officer: court work (pre-sentence records, report requests, court reports) of the cases at their court,
  and all of a case they made (a pre-sentence record promoted to a case) while they still hold it;
- everyone: their own case-free records (note templates, a pre-sentence record not yet on a case).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.central.auth import Principal
from lpt_desktop.central.models import Allocation, Record
from lpt_desktop.domain.contacts import contact_codes
from lpt_desktop.sync.protocol import Change

COUNTERSIGN_KIND = "countersignature"
ALL = "*"  # every record kind
# How a rule reads another record: the push's own batch first (its records are not flushed yet inside the
# push's no_autoflush, so s.get would not see work added earlier in the same push), then the database.
RecordOf = Callable[[str, str], Record | None]


@dataclass(frozen=True)
class RoleRule:
    """What one role may write on the cases in its scope."""

    kinds: frozenset[str]  # kinds changed freely (ALL: every kind)
    countersign_actions: frozenset[str]  # countersignature records it may add, by action
    oversight_contacts: bool  # may add management oversight contacts (and change only its own)
    title: str  # the role in a sentence: "A team manager"
    # A case of their own making, held by them until it is allocated to an offender manager (a court officer
    # promotes a pre-sentence record to a case): they write all of it, as its holder.
    holds_cases: bool = False


OFFICER_ACTIONS = cs.OFFICER_ACTIONS  # submitted, resubmitted, self_signed
MANAGER_ACTIONS = cs.MANAGER_ACTIONS  # countersigned, double countersigned, returned, agreed, refused, locked
COURT_KINDS = frozenset({"pre_sentence", "report_request", "court_report"})

WRITE_RULES: dict[str, RoleRule] = {
    "offender_manager": RoleRule(frozenset({ALL}), OFFICER_ACTIONS, False, "An offender manager"),
    "team_manager": RoleRule(frozenset(), MANAGER_ACTIONS, True, "A team manager"),
    "court_officer": RoleRule(COURT_KINDS, frozenset(), False, "A court officer", holds_cases=True),
    "administrator": RoleRule(frozenset(), frozenset(), False, "An administrator"),
}
# Actions whose comment must say why (a return goes back to the officer; a refused override to its author).
COMMENT_REQUIRED = frozenset({cs.RETURNED, cs.AGREE, cs.REFUSE})


@cache
def oversight_codes() -> frozenset[str]:
    """Contact types that are management oversight (the Management group of the contact types)."""
    return frozenset(k.code for k in contact_codes().kinds.values() if k.group == "Management")


def may_add_cases(p: Principal) -> bool:
    """Whether a case first saved on this principal's laptop is taken (and allocated to them)."""
    rule = WRITE_RULES.get(p.role)
    return rule is not None and (ALL in rule.kinds or "person" in rule.kinds or rule.holds_cases)


def _holds(s: Session, p: Principal, person_id: str) -> bool:
    alloc = s.get(Allocation, person_id)
    return alloc is not None and alloc.officer == p.username


def may_settle_others(p: Principal) -> bool:
    """Whether this principal settles conflicts raised by others on their cases (the case's officer does)."""
    rule = WRITE_RULES.get(p.role)
    return rule is not None and ALL in rule.kinds


def _words(kind: str) -> str:
    return kind.replace("_", " ")


def refusal(s: Session, p: Principal, ch: Change, rec: Record | None, person_id: str | None,
            record_of: RecordOf | None = None) -> str | None:
    """Why this role may not make this change (a sentence naming what and who to ask), or None.

    Called after scope.py has said the case is in reach; `rec` is the server's record (None: a new one).
    record_of: how to read another record (the push's batch, which sees its own unflushed records)."""
    lookup: RecordOf = record_of or (lambda kind, record_id: s.get(Record, (kind, record_id)))
    rule = WRITE_RULES.get(p.role)
    if rule is None:
        return "Your account's role may not change records: ask an administrator."
    if person_id is None:  # case-free: the officer's own (apply_change refuses another officer's)
        return None
    holder = rule.holds_cases and _holds(s, p, person_id)
    if ALL in rule.kinds or ch.kind in rule.kinds or holder:
        if ch.kind == COUNTERSIGN_KIND:
            return _countersign_refusal(s, p, rule, ch, rec, person_id, lookup)
        return None
    if ch.kind == COUNTERSIGN_KIND and rule.countersign_actions:
        return _countersign_refusal(s, p, rule, ch, rec, person_id, lookup)
    if ch.kind == "contact" and rule.oversight_contacts:
        return _oversight_refusal(p, rule, ch, rec)
    if p.role == "court_officer":
        return (f"{rule.title} cannot change {_words(ch.kind)} records, only court work (pre-sentence records, "
                "report requests and court reports): ask the case's offender manager.")
    return f"{rule.title} cannot change {_words(ch.kind)} records: ask the case's offender manager."


def _new_values(ch: Change, rec: Record | None) -> dict[str, Any]:
    data = dict(rec.data or {}) if rec is not None and not rec.deleted else {}
    data.update({name: fc.new for name, fc in ch.fields.items()})
    return data


def _oversight_refusal(p: Principal, rule: RoleRule, ch: Change, rec: Record | None) -> str | None:
    """A manager adds management oversight contacts; other people's contacts are never theirs to change."""
    if rec is not None and rec.owner != p.username:
        return f"{rule.title} cannot change another officer's contacts: ask the case's offender manager."
    if ch.op == "delete":
        return None  # their own booking (a recorded contact is sealed: apply_change refuses)
    data = _new_values(ch, rec)
    if data.get("type_code") not in oversight_codes() or data.get("management_oversight") is not True:
        return (f"{rule.title} may add only management oversight contacts (type MO1, marked as oversight): "
                "ask the case's offender manager for any other contact.")
    if data.get("restricted"):
        return f"{rule.title} cannot add a restricted contact: ask the case's offender manager."
    return None


# -- countersignatures ------------------------------------------------------------------------------
class _Step(NamedTuple):
    action: str
    status_after: str


def _chain(s: Session, target_kind: str, target_id: str) -> list[dict[str, Any]]:
    """The countersignature records of one piece of work on the server, in the order the server took them."""
    s.flush()  # the batch's own earlier records (a submit and its countersignature may travel together)
    rows = s.scalars(select(Record).where(Record.kind == COUNTERSIGN_KIND, Record.deleted.is_(False),
                                          Record.data["target_id"].as_string() == target_id)
                     .order_by(Record.version)).all()
    return [{**(r.data or {}), "id": r.record_id} for r in rows if (r.data or {}).get("target_kind") == target_kind]


def _level(record_of: RecordOf, target: Record) -> str | None:
    """The RoSH level of the work, from the server's own copies: an assessment's own, a risk management plan
    its assessment's, a sentence plan the case's RoSH level now (the person record's, as the laptop's
    services/countersign.py reads it: a sentence plan answers the case's level)."""
    data = target.data or {}
    if target.kind == cs.SENTENCE_PLAN:
        person = record_of("person", target.person_id) if target.person_id else None
        level = (person.data or {}).get("rosh") if person is not None and not person.deleted else None
        return level if isinstance(level, str) else None
    if target.kind == cs.RISK_PLAN and isinstance(data.get("assessment_id"), str):
        assessment = record_of(cs.ROSH_ASSESSMENT, data["assessment_id"])
        data = (assessment.data or {}) if assessment is not None else {}
    level = data.get("overall_level")
    return level if isinstance(level, str) else None


def _child_protection(s: Session, record_of: RecordOf, target: Record) -> bool:
    """Child-protection concerns on the work, from the server's own copies: the screening's answers (a risk
    management plan takes its assessment's; a sentence plan has none, so only the case's registers count) and
    the case's open child-protection registrations (assessment/countersign.py)."""
    data = target.data or {}
    if target.kind == cs.SENTENCE_PLAN:
        data = {}
    elif target.kind == cs.RISK_PLAN:
        assessment = record_of(cs.ROSH_ASSESSMENT, data["assessment_id"]) \
            if isinstance(data.get("assessment_id"), str) else None
        data = (assessment.data or {}) if assessment is not None else {}
    answers = data.get("answers")
    s.flush()  # registrations this push added earlier
    code = Record.data["type_code"].as_string()
    registers = [c for c, ended in s.execute(
        select(code, Record.data["ended_on"].as_string()).where(
            Record.kind == "registration", Record.person_id == target.person_id, Record.deleted.is_(False),
            code.in_(cs.CHILD_PROTECTION_REGISTERS))).tuples() if not ended]
    return cs.child_protection_concerns(answers if isinstance(answers, dict) else None, registers)


def _on(iso: Any) -> str:
    """ on dd/mm/yyyy, from a record's ISO date ('' when it has none)."""
    if not isinstance(iso, str) or len(iso) < 10:
        return ""
    y, m, d = iso[:10].split("-")
    return f" on {d}/{m}/{y}"


def _countersign_refusal(s: Session, p: Principal, rule: RoleRule, ch: Change, rec: Record | None,
                         person_id: str, record_of: RecordOf) -> str | None:
    """A new countersignature record: the action is this role's, the author is the sender as the server
    knows them (username, role, grade), the work is on this case, nobody signs their own work, and the action
    is allowed from the status the work's chain on the server is in now (assessment/countersign.py)."""
    if rec is not None and rec.owner != p.username:
        return f"{rule.title} cannot change another person's countersignature record: sign the work instead."
    if rec is not None or ch.op == "delete":
        return None  # append-only: an identical re-send changes nothing, anything else is refused as sealed
    data = _new_values(ch, None)
    action = data.get("action")
    if action not in rule.countersign_actions:
        if not rule.countersign_actions:
            return f"{rule.title} does not sign work: its offender manager submits it, and a team manager signs it."
        if rule.countersign_actions == MANAGER_ACTIONS:
            return (f"{rule.title} countersigns, returns, locks, agrees or refuses; submitting and self-signing "
                    "work are for its officer: ask the case's offender manager.")
        return (f"{rule.title} may only submit, resubmit or self-sign their own work: countersigning, returning, "
                "agreeing and refusing are for a team manager.")
    action = str(action)
    if data.get("author") != p.username:
        return f"Countersignature: the author must be the signed-in user ({p.username}): sign in as yourself."
    if data.get("author_role") != p.role:
        return (f"Countersignature: the author's role must be {p.role}, as the central store records it: sync "
                "again to refresh it.")
    # None: the laptop has not been told the grade yet (it claims nothing, and the rules here use the server's
    # own); any other grade must be the one the central store holds.
    if data.get("author_grade") not in (None, p.grade):
        known = cs.grade_label(p.grade).lower() if p.grade else "no grade"
        return (f"Countersignature: the central store records your grade as {known}, and this record says "
                f"{data.get('author_grade') or 'none'}: sync again to refresh it, then sign again.")
    if data.get("person_id") not in (None, person_id):
        return "Countersignature: its case is not the case of the work it signs."
    comment = data.get("comment")
    if action in COMMENT_REQUIRED and not (isinstance(comment, str) and comment.strip()):
        return "Comment: is empty: say why, for the officer whose work it is."
    target_kind, target_id = data.get("target_kind"), data.get("target_id")
    if target_kind not in cs.TARGET_KINDS or not isinstance(target_id, str):
        return "Countersignature: the work it signs (target kind and id) is missing or unknown."
    if (action in cs.OVERRIDE_ACTIONS) != (target_kind == cs.TIER_DECISION):
        return ("Countersignature: a tier override is agreed or refused, and other work countersigned or "
                "returned: choose the action that fits the work.")
    target = record_of(target_kind, target_id)
    if target is None or target.deleted or target.person_id != person_id:
        return "Countersignature: the central store does not hold the work it signs on this case: sync it first."
    chain = _chain(s, target_kind, target_id)
    # The chain's order is causal, never the laptops' clocks: a record follows the head the server holds now, or
    # someone acted on the work first (two managers at once) and this one is refused, in words.
    head = chain[-1] if chain else None
    if data.get("follows_id") != (head.get("id") if head else None):
        if head is None:
            return ("Countersignature: it follows a record the central store does not hold: sync, then act "
                    "again if it is still needed.")
        who = head.get("author_name") or head.get("author") or "another user"
        return (f"Someone acted on this first: {cs.action_label(str(head.get('action'))).lower()} by {who}"
                f"{_on(head.get('on_date'))}, so it is now {cs.status_label(str(head.get('status_after'))).lower()}"
                ": sync to see it, then act again if it is still needed.")
    if p.role == cs.TEAM_MANAGER:
        # The work's author: whoever submitted it (the chain), or wrote it (the server's record of it).
        submitters = [c.get("author") for c in chain if c.get("action") in cs.OFFICER_ACTIONS]
        authors = {target.owner, target.updated_by, *submitters}
        if p.username in authors:
            return "Nobody countersigns their own work: ask another manager to countersign it."
        author = submitters[-1] if submitters else target.owner
        first = next((c.get("author") for c in reversed(chain) if c.get("action") == cs.COUNTERSIGN), None)
        ok, why = cs.may_act(p.role, p.username, author, action, first_countersigner=first)
        if not ok:
            return f"Countersignature: {why}."
    elif action == cs.SELF_SIGN and target_kind in cs.SIGNED_KINDS:
        # Everything that decides it from the server's own copies: the level, child-protection concerns (the
        # screening's answers and the case's open registers) and the author's grade as the central store has it.
        need = cs.needs_countersignature(_level(record_of, target), _child_protection(s, record_of, target),
                                         p.grade, target_kind)
        if need.needed:
            return f"Countersignature: this work cannot be self-signed. {need.why}: submit it instead."
    steps = [_Step(str(c.get("action")), str(c.get("status_after"))) for c in chain]
    current = cs.status_of(steps, target_kind)
    try:
        # Whether a second countersignature is needed comes from the server's copy of the work, so a laptop
        # cannot skip it by saying so.
        double = action == cs.COUNTERSIGN and cs.needs_countersignature(_level(record_of, target), False, None,
                                                                        target_kind).double
        after = cs.next_status(current, action, double=double)
    except cs.TransitionError as exc:
        return f"Countersignature: {exc}."
    if data.get("status_after") != after:
        return (f"Countersignature: the work would be {cs.status_label(after).lower()} after this, not "
                f"{cs.status_label(str(data.get('status_after'))).lower()}: sync to see its current status.")
    return None
