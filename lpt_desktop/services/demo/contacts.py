"""Each case's contact history up to yesterday, with enforcement decisions, then what is still to come."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from lpt_desktop.domain.dates import add_months
from lpt_desktop.domain.enforcement import Requirement as Need
from lpt_desktop.domain.enforcement import failure_number, is_licence, required, warned_within_window
from lpt_desktop.services.demo.common import _QuickRandom, _uuid, _weighted
from lpt_desktop.services.demo.notes import (
    _ABSENCE_TABLE,
    _ENFORCEMENT_REASONS,
    _ETE_CREDIT,
    _LETTER,
    _MAPPA,
    _MARAC,
    _OUTCOME_TABLES,
    _OVERSIGHT,
    _PRESENT_3WAY,
    _PRESENT_MAPPA,
    _PROGRAMMES,
    _REGULAR,
    APPOINTMENT_TYPES,
    COMPLIANCE,
    FAILURES,
    LOCATIONS,
    NEED_WEIGHTS,
    NOT_APPOINTMENTS,
    OFFICE,
    OFFICE_HOURS,
    PLACEMENTS,
    REMOTE,
    TEXT,
    VIOLENT_OR_SEXUAL,
    _pick,
)
from lpt_desktop.services.demo.standards import LATE, ON_TIME
from lpt_desktop.services.obligations import offence_category
from lpt_desktop.standards.calendar import add_working_days, is_working_day
from lpt_desktop.store.models import (
    Contact,
    Enforcement,
)


@dataclass(frozen=True)
class CaseFacts:
    """What a contact history needs to know about its case (defaults: a plain community order)."""

    order: str = "CO"
    end: date | None = None
    offence: str = ""
    requirements: tuple[tuple[str, int], ...] = ()  # (type code, UPW hours or 0)
    registers: tuple[str, ...] = ()
    rosh: str = "L"
    male: bool = True
    author: str = ""


@dataclass
class _History:
    """The enforcement state of one case as its history unfolds (see lpt_desktop.domain.enforcement)."""

    facts: CaseFacts
    compliance: str
    failures: list[date] = field(default_factory=list)
    warnings: list[date] = field(default_factory=list)
    oversight_due: bool = False


def _decide(rng: random.Random, h: _History, need: Need, on: date, today: date
            ) -> list[tuple[str, date, str]]:
    """The decisions an officer would have made on one failure by `today` (action, decided on, reason)."""
    licence = is_licence(h.facts.order)
    r = rng.random()
    if need.kind == "warning":
        letter = "EA03" if licence and need.number >= 2 else "EA02"
        if licence and h.facts.rosh in ("H", "VH") and r < 0.06:
            steps = ["EA11"]  # recall sooner on risk
        elif r < 0.86:
            steps = [letter]
        elif r < 0.91:
            steps = ["NFA"]
        elif r < 0.97:
            steps = ["ROM", letter]
        else:
            steps = ["EA11" if licence else "IBR"]
    elif need.kind == "breach":
        steps = ["IBR"] if r < 0.85 else ["ROM", "IBR"]
    else:
        steps = ["EA11"] if r < 0.8 else ["ROM", "EA11"]
    # Mostly within the 2 working days; a few late.
    day = add_working_days(on, rng.choices((0, 1, 2, 3, 5), weights=(15, 50, 27, 5, 3))[0])
    out = []
    for i, action in enumerate(steps):
        if i:
            day = add_working_days(day, rng.randint(1, 4))
        if day >= today:
            break  # not decided yet: an open item on the "enforcement due" list
        out.append((action, day, rng.choice(_ENFORCEMENT_REASONS[action])))
    return out


HEALTH_NEED = 0.12  # cases whose contacts also work on health and other considerations (issue 20)


def _case_needs(rng: random.Random, facts: CaseFacts, pid: str = "") -> list[str]:
    reqs = {code for code, _ in facts.requirements}
    chosen = [code for code, p in NEED_WEIGHTS if rng.random() < p]
    if "DRR" in reqs or "Possession with intent" in facts.offence:
        chosen.append("drugs")
    if "ATR" in reqs or facts.offence == "Drink driving":
        chosen.append("alcohol")
    for extra in ("thinking_behaviour", "ete", "accommodation"):
        if len(set(chosen)) >= 2:
            break
        chosen.append(extra)
    ordered = [code for code, _ in NEED_WEIGHTS if code in chosen]  # the reference order, no repeats
    # Health from a stream of its own, so every other case's contacts are drawn as before.
    if _QuickRandom(f"health:{pid}").random() < HEALTH_NEED:
        ordered.append("health")
    return ordered


def _case_risks(facts: CaseFacts) -> list[str]:
    risks = []
    if facts.offence in VIOLENT_OR_SEXUAL:
        risks.append("victim")
    if "RCPR" in facts.registers:
        risks.append("children")
    if "ADVP" in facts.registers:
        risks.append("domestic")
    risks.append("other")
    return risks


def _home_visit_days(facts: CaseFacts) -> int:
    """The 'current' policy's window for the first home visit, in days from the start."""
    if facts.rosh in ("H", "VH") or "ARSO" in facts.registers or offence_category(facts.offence) == "cse":
        return 15
    return 42 if facts.rosh == "M" else 84


def _plan(rng: random.Random, facts: CaseFacts, past: int, start: date, today: date,
          home_visit: bool = False) -> tuple[list[str], int]:
    """The type of each past contact in order, and the UPW minutes the sessions should reach."""
    types = [""] * past
    types[0] = "COAI"
    free = list(range(1, past))
    if (rng.random() < 0.6 or home_visit) and past >= 2:
        types[1] = "COHV"
        free.remove(1)
    reqs = dict(facts.requirements)
    elapsed = max((today - start).days, 1)
    specials: list[str] = []
    upw_target = 0
    if reqs.get("UPW"):
        ordered = reqs["UPW"] * 60
        pace = rng.choice((0.5, 0.7, 0.85, 1.1, 1.2, 1.35, 1.5, 1.8, 2.2, 2.6))  # 1.0 finishes in 12 months
        upw_target = int(min(ordered, ordered * pace * elapsed / 365))
        specials += ["CUPW"] * min(math.ceil(upw_target / 390), max(len(free) - 2, len(free) // 2))
    if "PROG" in reqs and elapsed > 30:
        specials += ["CPRG"] * min(rng.randint(6, 24), len(free) // 6)
    if facts.order == "LIC" and offence_category(facts.offence) in ("sexual", "violent") and rng.random() < 0.92:
        specials += ["CVIC"] * max(1, len(free) // 40)
    if "MAPP" in facts.registers and len(free) >= 5:
        specials += ["CCMM"] * max(1, len(free) // 30)
    if "ADVP" in facts.registers and len(free) >= 8 and rng.random() < 0.5:
        specials += ["C005"] * (1 + len(free) // 60)
    specials = specials[:len(free)]
    for pos, code in zip(sorted(rng.sample(free, len(specials))), rng.sample(specials, len(specials)),
                         strict=True):
        types[pos] = code
    for i in range(past):
        if not types[i]:
            types[i] = _pick(rng, _REGULAR)
    return types, upw_target


# Contact types a manager's oversight may take the place of in a demo history (ordinary supervision).
_OVERSEEABLE = frozenset(("COAP", "COPT", "COVC", "C084", "COOO", "CHVS", "CODC", "CLET", "CPOL"))


def _oversight_at(facts: CaseFacts, types: list[str], pid: str, force_open: bool) -> frozenset[int]:
    """Which past contacts are the manager's oversight: on most high-RoSH and child protection cases the first
    soon after the start and the latest ordinary one (so the current quarter's is met); about one case in ten
    has none, so the caseload shows oversight overdue (deterministic by person)."""
    if facts.rosh not in ("H", "VH") and "RCPR" not in facts.registers:
        return frozenset()
    if _QuickRandom(f"oversight:{pid}").random() < 0.1:
        return frozenset()
    last = len(types) - 2 if force_open else len(types) - 1
    ordinary = [k for k in range(1, last + 1) if types[k] in _OVERSEEABLE]
    return frozenset((ordinary[0], ordinary[-1])) if ordinary else frozenset()


def _working_day_near(day: date, lo: date, hi: date) -> date:
    """The working day nearest `day` within lo..hi (the day before first, so a Saturday goes to Friday and a
    Sunday to Monday), or `day` itself when the range has none (a case that began yesterday, a Sunday)."""
    for shift in range(15):
        for d in (day - timedelta(days=shift), day + timedelta(days=shift)) if shift else (day,):
            if lo <= d <= hi and is_working_day(d):
                return d
    return day


def _contacts(rng: random.Random, today: date, stamp: dict[str, Any], pid: str, start: date, n: int,
              rows: dict[type, list[dict[str, Any]]], facts: CaseFacts | None = None) -> None:
    """n contacts for one case: a history up to yesterday and one or two appointments still to come.

    The history carries notes, structure (risk of harm, needs, flags), absences and failures with
    the enforcement decisions the rules ask for (rows[Enforcement]), unpaid work sessions and victim
    liaison contacts where the case has them. A few recent failures are left undecided.
    """
    if n <= 0:
        return
    facts = facts or CaseFacts()
    text = TEXT[facts.male]
    author = facts.author or None
    future = 1 if n < 3 else 2
    past = n - future
    end = facts.end or add_months(start, 12)
    days = max((today - start).days, 1)  # past contacts fall on start .. yesterday
    contacts, enforcement = rows[Contact], rows.setdefault(Enforcement, [])
    h = _History(facts, _weighted(rng, COMPLIANCE))
    case_needs = _case_needs(rng, facts, pid)
    case_risks = _case_risks(facts)
    placement, skills = rng.choice(PLACEMENTS)
    upw_ordered = dict(facts.requirements).get("UPW", 0) * 60
    upw_done = 0
    # Good practice for most cases: a home visit and the first victim contact within the policy's window.
    practice = _QuickRandom(f"practice:{pid}")
    visit_roll, victim_roll = practice.random(), practice.random()
    visit_by = _home_visit_days(facts)
    visit_on = start + timedelta(days=practice.randint(1, visit_by - 3) if visit_roll < ON_TIME
                                 else visit_by + practice.randint(3, 25))
    victim_on = start + timedelta(days=practice.randint(2, 45) if victim_roll < 0.9 else 60 + practice.randint(1, 40))
    victim_done = False
    prev_day = start
    types, upw_target = _plan(rng, facts, past, start, today, visit_roll < LATE) if past else ([], 0)
    # A few cases end with a recent failure nobody has decided on yet (some overdue by now).
    force_open = past >= 3 and days >= 10 and rng.random() < 0.09
    last_failure: date | None = None
    yesterday = today - timedelta(days=1)
    oversight = _oversight_at(facts, types, pid, force_open)
    for k in range(past):
        type_code = types[k]
        day = start + timedelta(days=k * days // past)
        if force_open and k == past - 1:
            # Some days ago, after the contact before it: about a third still in time for a decision,
            # the rest overdue by now.
            ago = rng.randint(1, 3) if int(pid[-1], 16) % 3 == 0 else rng.randint(5, 12)
            day = max(prev_day, today - timedelta(days=ago))
            if type_code != "CUPW":
                type_code = "COAP"
        elif k == 1 and type_code == "COHV" and visit_roll < LATE:
            day = min(visit_on, yesterday)
        elif type_code == "CVIC" and not victim_done:
            day, victim_done = min(victim_on, yesterday), True
        if type_code == "CUPW" and upw_done >= upw_target:
            type_code = "COAP"  # the hours are done (or the pace is met): an ordinary appointment instead
        if k in oversight:  # the manager's oversight (standards rule management_oversight)
            type_code = "MO1"
            roll = _QuickRandom(f"oversight:{pid}:{k}")
            if k == min(oversight) and (len(oversight) > 1 or today < add_months(start, 3)):  # the first, in time
                day = min(start + timedelta(days=roll.randint(5, 16)), yesterday)
            else:  # the latest in the last six weeks: this quarter's
                day = min(max(day, today - timedelta(days=roll.randint(5, 42))), yesterday)
        if type_code == "MO1" or (h.oversight_due and type_code == "COAP" and not (force_open and k == past - 1)):
            type_code, h.oversight_due = "MO1", False
        if type_code != "CVIC":  # appointments fall on working days (offices are shut at weekends and bank holidays)
            day = _working_day_near(day, start, yesterday)
        if type_code == "CUPW":
            at = time(rng.choice((8, 9)), rng.choice((0, 30)))
        elif type_code in OFFICE_HOURS:
            at = time(rng.randint(9, 16), rng.choice((0, 15, 30, 45)))
        else:
            at = time(rng.randint(9, 18), rng.choice((0, 10, 20, 30, 40, 50)))
        when = datetime.combine(day, at)
        prev_day = day
        row = {
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": type_code, "starts_at": when,
            "outcome": "ATTC", "notes": None,
            "location": placement if type_code == "CUPW" else rng.choice(LOCATIONS.get(type_code, (OFFICE,))),
            "present": None, "absence_reason": None, "evidence": None, "risk_areas": [], "needs": [],
            "sensitive": False, "alert": False, "management_oversight": False, "restricted": False,
            "upw_minutes_worked": 0, "upw_minutes_credited": 0, "upw_skills": None, "victim_views": None,
            "author": author, "amends_id": None, "amendment_reason": None,
        }
        contacts.append(row)
        if type_code in NOT_APPOINTMENTS:
            _event(rng, row, type_code, text, case_risks)
            continue
        if k == 0:
            row["notes"] = f"{rng.choice(text['induction'])} {_needs_text(rng, text, case_needs, row)}"
            row["risk_areas"] = list(case_risks)
            continue
        if force_open and k == past - 1:
            outcome = rng.choice(("AFTA", "UAAB"))
        else:
            outcome = _pick(rng, _OUTCOME_TABLES[h.compliance])
            if outcome in FAILURES and (day == last_failure or type_code == "COHV"):
                outcome = "ATTC"  # one failure a day at most keeps the counting simple
            elif k == 1 and type_code == "COHV" and visit_roll < LATE:
                outcome = "ATTC"  # the planned home visit took place
            elif outcome in ("AFTC", "ATSH") and type_code in REMOTE:
                outcome = "AFTA"
        if type_code == "CUPW" and outcome == "ATTC" and rng.random() < 0.03:
            outcome = "ATSS"  # stood down (weather, no supervisor): some hours credited
        row["outcome"] = outcome
        if outcome in FAILURES:
            _failure(rng, h, row, outcome, day, today, text, enforcement, stamp, pid, author,
                     decide=not (force_open and k == past - 1))
            last_failure = day
            if type_code == "CUPW" and outcome == "ATSH":
                row["upw_minutes_worked"] = rng.choice((60, 90, 120))
                upw_done += row["upw_minutes_worked"]
        elif outcome == "AA":
            reason = _pick(rng, _ABSENCE_TABLE)
            row["absence_reason"] = reason
            row["evidence"] = ("not_needed" if reason in ("AAHO", "AARE", "CO05") else
                               "awaited" if (today - day).days < 14 or rng.random() < 0.15 else "received")
            row["notes"] = rng.choice(text["absence"][reason])
            row["sensitive"] = reason == "AAME" and rng.random() < 0.3
        elif outcome in ("RSSR", "RSOF"):
            row["notes"] = rng.choice(text["rescheduled"][outcome])
        elif type_code == "CUPW":
            upw_done += _upw_session(rng, row, text, placement, skills, upw_ordered - upw_done)
        elif type_code == "CPRG":
            row["notes"] = rng.choice(_PROGRAMMES)
            row["needs"] = ["thinking_behaviour"]
        else:
            _supervision(rng, row, type_code, text, case_needs, case_risks)
    for k in range(future):
        latest = min(end, today + timedelta(days=42))
        day = _working_day_near(min(today + timedelta(days=rng.randint(1, 14) + 14 * k), latest),
                                today + timedelta(days=1), latest)
        type_code = rng.choice(APPOINTMENT_TYPES)
        contacts.append({
            "id": _uuid(rng), **stamp, "person_id": pid, "type_code": type_code,
            "starts_at": datetime.combine(day, time(rng.randint(9, 16), rng.choice((0, 30)))),
            "outcome": None, "location": LOCATIONS[type_code][0], "notes": None,
            "present": None, "absence_reason": None, "evidence": None, "risk_areas": [], "needs": [],
            "sensitive": False, "alert": False, "management_oversight": False, "restricted": False,
            "upw_minutes_worked": 0, "upw_minutes_credited": 0, "upw_skills": None, "victim_views": None,
            "author": author, "amends_id": None, "amendment_reason": None,
        })


def _needs_text(rng: random.Random, text: dict[str, Any], needs: list[str], row: dict[str, Any]) -> str:
    i = rng.randint(0, len(needs) - 1)
    if len(needs) > 1 and rng.random() < 0.35:  # two needs, in the reference order
        j = (i + rng.randint(1, len(needs) - 1)) % len(needs)
        first, second = needs[min(i, j)], needs[max(i, j)]
        row["needs"] = [first, second]
        return f"{rng.choice(text['needs'][first])} {rng.choice(text['needs'][second])}"
    row["needs"] = [needs[i]]
    sentence: str = rng.choice(text["needs"][needs[i]])
    return sentence


def _supervision(rng: random.Random, row: dict[str, Any], type_code: str, text: dict[str, Any], needs: list[str],
                 risks: list[str]) -> None:
    openers = text["openers"]
    if type_code in ("CHVS", "COHV"):
        opener = rng.choice(openers["home"])
        row["present"] = rng.choice(text["home"])
    elif type_code == "C084":
        opener = rng.choice(openers["C084"])
        row["present"] = rng.choice(_PRESENT_3WAY)
    else:
        opener = rng.choice(openers.get(type_code) or openers["office"])
    parts = [opener, _needs_text(rng, text, needs, row)]
    if rng.random() < 0.45:
        risk = rng.choice(risks)
        row["risk_areas"] = [risk]
        parts.append(rng.choice(text["risks"][risk]))
        row["alert"] = risk != "other" and rng.random() < 0.04
    parts.append(rng.choice(text["actions"]))
    row["notes"] = " ".join(parts)
    row["sensitive"] = "emotional" in row["needs"] and rng.random() < 0.3


def _event(rng: random.Random, row: dict[str, Any], type_code: str, text: dict[str, Any], risks: list[str]) -> None:
    """A contact that is not an appointment (outcome Attended and complied, as check_contact allows)."""
    if type_code == "CVIC":
        notes, views = rng.choice(text["victim"])
        row.update(notes=notes, victim_views=views, restricted=True, risk_areas=["victim"],
                   present="Victim liaison officer; victim", sensitive=True)
    elif type_code == "CCMM":
        row.update(notes=rng.choice(_MAPPA), present=rng.choice(_PRESENT_MAPPA), risk_areas=list(risks),
                   management_oversight=rng.random() < 0.3, alert=rng.random() < 0.15)
    elif type_code == "C005":
        row.update(notes=rng.choice(_MARAC), risk_areas=[r for r in risks if r in ("domestic", "children")],
                   alert=rng.random() < 0.3, sensitive=True)
    elif type_code == "CPOL":
        notes = rng.choice(text["police"])
        row.update(notes=notes, risk_areas=["other"], alert="associates" in notes)
    elif type_code == "MO1":
        row.update(notes=rng.choice(_OVERSIGHT), management_oversight=True)
    else:
        row["notes"] = rng.choice(_LETTER)


def _upw_session(rng: random.Random, row: dict[str, Any], text: dict[str, Any], placement: str, skills: tuple[str, ...],
                 remaining: int) -> int:
    """Fill in an unpaid work session; returns the minutes it adds to the hours done."""
    row["location"] = placement
    if row["outcome"] == "ATSS":
        credited = min(60, max(remaining, 15))
        row.update(upw_minutes_credited=credited,
                   notes="Session stood down because of heavy rain; one hour credited.")
        return credited
    if rng.random() < 0.08:
        notes, skill = rng.choice(_ETE_CREDIT)
        credited = min(rng.choice((120, 180, 240)), max(remaining, 15))
        row.update(location="Preston College", upw_minutes_credited=credited, notes=notes, upw_skills=skill,
                   needs=["ete"])
        return credited
    worked = min(rng.choice((360, 375, 390, 405, 420)), max(remaining, 15))
    row.update(upw_minutes_worked=worked, notes=rng.choice(text["upw"]),
               upw_skills=rng.choice(skills) if rng.random() < 0.7 else None)
    return worked


def _failure(rng: random.Random, h: _History, row: dict[str, Any], outcome: str, day: date, today: date,
             text: dict[str, Any], enforcement: list[dict[str, Any]], stamp: dict[str, Any], pid: str,
             author: str | None, decide: bool) -> None:
    """Notes for a failure, and the enforcement decisions the rules call for (unless still open)."""
    key = outcome
    if outcome == "AFTA" and row["type_code"] in REMOTE:
        key = "AFTA-home" if row["type_code"] in ("CHVS", "COHV", "CODC") else "AFTA-remote"
    row["notes"] = rng.choice(text["failure"][key])
    h.failures.append(day)
    number = failure_number(h.failures, day)
    need = required(h.facts.order, number, warned_within_window([w for w in h.warnings if w < day], day))
    if not decide:
        return
    for action, decided_on, reason in _decide(rng, h, need, day, today):
        enforcement.append({
            "id": _uuid(rng), **stamp, "contact_id": row["id"], "person_id": pid, "action": action,
            "reason": reason, "decided_on": decided_on, "required_kind": need.kind, "failure_number": need.number,
            "author": author,
        })
        if action in ("EA02", "EA03"):
            h.warnings.append(decided_on)
        elif action in ("IBR", "EA11"):
            h.compliance = "good"  # back at court or recalled: later histories settle down
            h.oversight_due = True
        if action in ("IBR", "EA11", "ROM"):
            row["alert"] = True
