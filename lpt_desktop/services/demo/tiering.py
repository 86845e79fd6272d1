"""The demo's tiering (issue 17): each case's predictor scores, and the tier decisions after them.

Scores follow the case's RoSH and registers (a higher RoSH, more serious reoffending; prolific and IOM cases,
more reoffending of any kind), a DC-SRP with its band only for the cases with a sexual offence, and a few
assessments older than the scores' 'old' age. The decisions are made once every case is written, from the
same inputs and engine the case screen uses (services/tiering.py), so an accepted tier is exactly what the
case suggests: most cases accepted, a few overridden with a reason, a few decided before a register that
now changes the suggestion, and a few still on a tier typed under the earlier A-D scheme.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update
from sqlalchemy.orm import Session

from lpt_desktop.assessment.tier_json import result_to_json
from lpt_desktop.assessment.tier_types import (
    MISSING,
    NOT_SUPERVISED,
    SCHEME_2026,
    SCHEME_LABELS,
    DcSrp,
    Predictor,
    TierInputs,
    TierResult,
)
from lpt_desktop.assessment.tiering import compute_tier, tier_letters
from lpt_desktop.services.demo.common import _uuid
from lpt_desktop.services.tiering import tier_inputs_bulk
from lpt_desktop.standards.calendar import last_working_day_on_or_before
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.models import Person, Registration
from lpt_desktop.store.tiering_models import PredictorScore, TierDecision

OVERRIDE_REASONS = (
    "Intelligence from the police shows contact with a known gang, so more contact is needed than the scores say.",
    "Recent disclosure of domestic abuse by the partner; the risk is higher than the assessment shows.",
    "Stable for over a year: settled work and home, full compliance, and the scores overstate the risk.",
    "Manager agreed at supervision that the lower tier fits the progress made on the programme.",
    "Serious concerns raised by children's services this month, pending a review of the RoSH assessment.",
)
# Shares of the cases: still on a typed A-D tier, and overridden (the rest accept the suggested tier); and of
# the cases something changed for since, those decided before it.
OVERRIDDEN, STILL_AB03, CHANGED_LATER = 0.06, 0.04, 0.5
SEXUAL_WORDS = ("sexual", "rape", "indecent")


def _pct(x: float) -> float:
    return round(min(99.9, max(0.1, x)), 1)


def _predictors(rng: random.Random, today: date, stamp: dict[str, datetime], pid: str, rosh: str,
                registers: tuple[str, ...], offence: str, rows: dict[type, list[dict[str, Any]]]) -> None:
    """One or two OASys assessments' scores for the case."""
    arp_range = {"L": (8, 55), "M": (25, 80), "H": (40, 92), "VH": (55, 96)}[rosh]
    csrp_range = {"L": (0.1, 1.2), "M": (0.4, 3.5), "H": (1.5, 7.5), "VH": (3.5, 12.0)}[rosh]
    arp = rng.uniform(*arp_range) + (12 if {"APPO", "IIOM"} & set(registers) else 0)
    csrp = rng.uniform(*csrp_range)
    sexual = "ARSO" in registers or any(w in offence.casefold() for w in SEXUAL_WORDS)
    # Most assessed in the last eight months; about one in eight is older than the 55 weeks that flag it old.
    weeks = rng.randint(58, 80) if rng.random() < 0.12 else rng.randint(1, 34)
    latest = last_working_day_on_or_before(today - timedelta(weeks=weeks, days=rng.randint(0, 6)))
    earlier = last_working_day_on_or_before(latest - timedelta(weeks=rng.randint(26, 52))) \
        if rng.random() < 0.3 else None
    # An earlier assessment scored the case higher or lower (before or after work on its risks).
    for on, drift in ((earlier, rng.choice((0.55, 1.6))), (latest, 1.0)):
        if on is None:
            continue
        static_arp, static_csrp = rng.random() < 0.12, rng.random() < 0.1
        scores: list[tuple[str, float, str | None, bool]] = [
            ("OGRS3", _pct(arp * drift + rng.uniform(-8, 8)), None, False),
            ("RSR", round(min(25.0, csrp * drift * rng.uniform(1.0, 1.4)), 2), None, False),
            ("ARP", _pct(arp * drift), None, static_arp),
            ("CSRP", round(min(25.0, max(0.05, csrp * drift)), 2), None, static_csrp),
        ]
        if sexual:
            band = rng.choices(("L", "M", "H", "VH"), weights=(45, 35, 15, 5))[0]
            low, high = {"L": (0.1, 1.1), "M": (0.6, 3.6), "H": (3.6, 6.0), "VH": (6.0, 11.0)}[band]
            scores.append(("DCSRP", round(rng.uniform(low, high), 2), band, False))
        for kind, score, band_, static in scores:
            rows[PredictorScore].append({"id": _uuid(rng), **stamp, "person_id": pid, "kind": kind, "score": score,
                                         "band": band_, "static": static, "assessed_on": on})


def _without(inputs: TierInputs, code: str) -> TierInputs:
    """The inputs as they were before the register `code` was added."""
    gone = inputs.registers - {code}
    if code == "MAPP":
        return replace(inputs, registers=gone, mappa_category=None, mappa_level=None)
    return replace(inputs, registers=gone)


def _rescored(inputs: TierInputs, earlier: dict[str, tuple[float, str | None, bool]]) -> TierInputs:
    """The inputs with an earlier assessment's scores (the case was tiered before its latest assessment)."""
    def pred(kind: str) -> Predictor | None:
        return Predictor(earlier[kind][0], earlier[kind][2]) if kind in earlier else None

    dc = earlier.get("DCSRP")
    return replace(inputs, arp=pred("ARP"), csrp=pred("CSRP"), dc_srp=DcSrp(dc[0], dc[1]) if dc else None,
                   rsr=earlier["RSR"][0] if "RSR" in earlier else None,
                   ogrs=earlier["OGRS3"][0] if "OGRS3" in earlier else None)


def _other_tier(rng: random.Random, tier: str) -> str:
    letters = tier_letters(SCHEME_2026)
    i = letters.index(tier)
    step = rng.choice((-1, 1)) if 0 < i < len(letters) - 1 else (1 if i == 0 else -1)
    return letters[i + step]


def _tier_decisions(s: Session, conn: Connection, seed: int, today: date, stamp: dict[str, datetime],
                    owner: str | None, author: str) -> None:
    """Put a tier in force on every demo case (see the module docstring), in bulk."""
    inputs = tier_inputs_bulk(s, None, today)
    facts: dict[str, dict[str, Any]] = {pid: {"regs": []} for pid in inputs}
    for pid, code, start in conn.execute(select(Registration.person_id, Registration.type_code,
                                                Registration.start_date).where(Registration.ended_on.is_(None))):
        facts[pid]["regs"].append((start, code))
    created = {pid: on for pid, on in conn.execute(select(CaseEvent.person_id, CaseEvent.on_date)
                                                  .where(CaseEvent.kind == "case_created"))}
    scores: dict[str, dict[date, dict[str, tuple[float, str | None, bool]]]] = {}
    for pid, on, kind, score, band, static in conn.execute(
            select(PredictorScore.person_id, PredictorScore.assessed_on, PredictorScore.kind, PredictorScore.score,
                   PredictorScore.band, PredictorScore.static)):
        scores.setdefault(pid, {}).setdefault(on, {})[kind] = (score, band, bool(static))
    decisions: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    people: list[dict[str, Any]] = []
    for pid in sorted(inputs):
        rng = random.Random(f"tier:{seed}:{pid}")
        now = compute_tier(SCHEME_2026, inputs[pid], today)
        if now.tier in (NOT_SUPERVISED, MISSING):
            continue
        regs = sorted(facts[pid]["regs"])
        assessments = sorted(scores.get(pid, {}))
        assessed = assessments[-1] if assessments else today
        opened = created.get(pid, assessed)  # the case was tiered once it was on the caseload
        settled = max([opened, assessed, *(start for start, _ in regs)])
        roll = rng.random()
        if roll < STILL_AB03:
            people.append({"pid": pid, "t": None, "sch": "ab03"})  # the typed A-D tier stays (keep "t" as is)
            continue
        action, tier, reason, result = "accepted", now.tier, None, now
        on = min(today, settled + timedelta(days=rng.randint(0, 10)))
        # Something that now changes the suggestion, after which the case was not tiered again: the latest
        # register, or a new assessment. Some of the cases that have one were decided before it.
        change: tuple[TierResult, date] | None = None
        if regs and regs[-1][0] > max(assessed, opened) + timedelta(days=7):
            start, code = regs[-1]
            before = compute_tier(SCHEME_2026, _without(inputs[pid], code), today)
            if before.tier != now.tier:
                change = before, max(assessed, opened, start - timedelta(days=rng.randint(7, 60)))
        if change is None and len(assessments) > 1 and assessments[-1] > opened + timedelta(days=7):
            before = compute_tier(SCHEME_2026, _rescored(inputs[pid], scores[pid][assessments[-2]]), today)
            if before.tier != now.tier:
                change = before, min(assessments[-1] - timedelta(days=1),
                                     max(opened, assessments[-2]) + timedelta(days=rng.randint(3, 20)))
        if change is not None and rng.random() < CHANGED_LATER:
            result, on = change
            tier = result.tier
        elif roll < STILL_AB03 + OVERRIDDEN:
            action, tier, reason = "overridden", _other_tier(rng, now.tier), rng.choice(OVERRIDE_REASONS)
        # An office day before today, and not before the case was opened.
        on = max(opened, last_working_day_on_or_before(min(on, today - timedelta(days=1))))
        did = _uuid(rng)
        decisions.append({"id": did, **stamp, "person_id": pid, "decided_on": on, "officer_id": owner,
                          "author": author, "action": action, "scheme": SCHEME_2026, "tier": tier,
                          "suggested": result.tier, "reason": reason, "working": result_to_json(result)})
        summary = (f"Tier {tier} accepted ({SCHEME_LABELS[SCHEME_2026]})" if action == "accepted" else
                   f"Tier {tier} in force, overriding the suggested {result.tier}: {reason}")
        events.append({"id": _uuid(rng), **stamp, "person_id": pid, "kind": f"tier_{action}", "on_date": on,
                       "summary": summary[:200], "source_table": "tier_decision", "source_id": did})
        people.append({"pid": pid, "t": tier, "sch": SCHEME_2026})
    if decisions:
        conn.execute(insert(TierDecision), decisions)
        conn.execute(insert(CaseEvent), events)
    decided = [p for p in people if p["t"] is not None]
    if decided:
        conn.execute(update(Person).where(Person.id == bindparam("pid"))
                     .values(tier=bindparam("t"), tier_scheme=bindparam("sch")), decided)
    kept = [{"pid": p["pid"], "sch": p["sch"]} for p in people if p["t"] is None]
    if kept:
        conn.execute(update(Person).where(Person.id == bindparam("pid")).values(tier_scheme=bindparam("sch")), kept)
