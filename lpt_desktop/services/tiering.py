"""Tiering on the case (issue 17): predictor scores, the suggested tier with its working, accepting or
overriding it, and the scheme chosen in preferences.

The engine (assessment/tiering.py) is pure; this module builds its inputs from what the case holds
(`tier_inputs`, and `tier_inputs_bulk` for the caseload, one query per table) and records the officer's
decisions. Where each input comes from:

* gender: person.gender ("Male"/"Female"; any other value is neither, as the schemes only count women);
* RoSH: person.rosh; predictors: the latest score of each kind assessed on or before the day;
* MAPPA category and level: a current MAPP registration; registers: the codes of the current registrations;
* lifer or IPP release: the start of the latest licence (LIC) when the case has a current INLL register;
* ever a sexual offence: an ARSO registration (current or ended) or a sentence whose offence the standards'
  offence categories call sexual or child sexual exploitation (resources/standards/_offences.toml);
* sentences: every sentence started by the day, with its requirement codes; terminated when terminated_on
  is set or its end date has passed;
* needs: the latest completed needs assessment valid for tiering on the day (complete, less than 55 weeks old:
  assessment/needs.needs_for_tiering, read by services/needs.tier_needs_bulk); None ("no valid assessment")
  without one;
* women: parenting when a current "children in the household" circumstance says own, a partner's or
  visiting children (the case record holds no other sign of parenting: a personal contact has no
  relationship for a child, and the caring responsibilities field is free text that may be a parent);
  a breach or recall in the 12 months before the day from a breach or recall enforcement decision or a
  recorded recall of a licence; impulsivity or temper control from a valid needs assessment's thinking and
  behaviour need, standard or severe, for women only (assessment/tiering.women_from_needs, as hmpps-tier reads
  OASys 11.2 and 11.4; False without a valid assessment).
"""

from __future__ import annotations

import dataclasses
import weakref
from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select, true
from sqlalchemy.orm import QueryableAttribute, Session

from lpt_desktop.assessment.tier_json import inputs_to_json, result_to_json
from lpt_desktop.assessment.tier_types import (
    CANNOT_TIER,
    MISSING,
    NOT_SUPERVISED,
    ROSH_LEVELS,
    SCHEME_2026,
    SCHEME_AB03,
    SCHEME_LABELS,
    SCHEMES,
    SENTENCE_TYPES,
    DcSrp,
    Predictor,
    SentenceInput,
    Step,
    TierInputs,
    TierResult,
    WomenFactors,
)
from lpt_desktop.assessment.tiering import (
    compute_or_explain,
    predictor_old_after_weeks,
    predictor_problems,
    scheme_of_tier,
    tier_differs,
    tier_letters,
    valid_tier,
    women_from_needs,
)
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.validation import FieldError, ValidationError, require
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.needs import tier_needs_bulk
from lpt_desktop.services.obligations import INCREMENTAL_MAX, cases_changed_since, offence_category, write_count
from lpt_desktop.store.case_record_models import Circumstance, SentenceEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Audit, Enforcement, Meta, Person, Registration, Requirement, Sentence
from lpt_desktop.store.tiering_models import PredictorScore, TierDecision

__all__ = ["PREDICTOR_KINDS", "PredictorRow", "TierDecisionRow", "TierView", "accept_tier", "caseload_tiers",
           "check_predictors", "overridden_from", "override_tier", "predictor_errors", "record_predictors",
           "scheme_of", "scheme_of_tier", "set_tier_scheme", "suggested_tiers", "tier_differs", "tier_inputs",
           "tier_inputs_bulk", "tier_inputs_json", "tier_scheme", "tier_view", "valid_tier"]

PREDICTOR_KINDS = ("OGRS3", "RSR", "ARP", "CSRP", "DCSRP")
PREDICTOR_LABELS = {"OGRS3": "OGRS3", "RSR": "RSR", "ARP": "ARP", "CSRP": "CSRP", "DCSRP": "DC-SRP"}
SCHEME_KEY = "tier_scheme"
DEFAULT_SCHEME = SCHEME_2026
ACCEPTED, OVERRIDDEN = "accepted", "overridden"
GENDERS = {"male": "male", "female": "female"}  # genders.json values, case-folded; others are neither
SEXUAL_CATEGORIES = frozenset({"sexual", "cse"})
# "Children in the household" values that mean the person has parenting responsibilities (see the docstring).
PARENTING_VALUES = frozenset({"own", "partner", "visiting"})
REASON_MIN_CHARS = 20
REASON_MIN_WORDS = 4


@dataclass(frozen=True)
class PredictorRow:
    id: str
    kind: str
    score: float
    band: str | None
    static: bool
    assessed_on: date
    age_text: str  # "3 months", "1 year 2 months"
    old: bool  # older than the data's predictor_old_after_weeks
    in_use: bool = False  # the latest of its kind on the day: the score the suggested tier uses


@dataclass(frozen=True)
class TierDecisionRow:
    id: str
    decided_on: date
    officer: str
    action: str  # accepted | overridden
    scheme: str
    tier: str
    suggested: str
    reason: str | None
    working: tuple[Step, ...]


@dataclass(frozen=True)
class TierView:
    person_id: str
    scheme: str  # the scheme chosen in preferences
    scheme_label: str
    in_force: str | None
    in_force_scheme: str | None
    suggested: TierResult
    differs: bool
    predictors: tuple[PredictorRow, ...]  # the latest of each kind first, then older ones
    history: tuple[TierDecisionRow, ...]  # newest first


# -- the scheme in preferences -----------------------------------------------------------------------
def tier_scheme(db: Database) -> str:
    """The tiering scheme chosen in preferences (default: the 2026 scheme)."""
    with db.read() as s:
        return _scheme(s)


def scheme_of(s: Session) -> str:
    """The scheme in preferences, read in the caller's session."""
    return _scheme(s)


def _scheme(s: Session) -> str:
    value = s.scalar(select(Meta.value).where(Meta.key == SCHEME_KEY))
    return value if value in SCHEMES else DEFAULT_SCHEME


@writes(Change.STANDARDS)
def set_tier_scheme(db: Database, scheme: str) -> None:
    if scheme not in SCHEMES:
        choices = "; ".join(f"{k} ({v})" for k, v in SCHEME_LABELS.items())
        raise ValidationError([FieldError("Tier scheme", f"'{scheme}' is not a tiering scheme: choose {choices}")])
    with db.write() as s:
        row = s.get(Meta, SCHEME_KEY)
        if row is None:
            s.add(Meta(key=SCHEME_KEY, value=scheme))
        else:
            row.value = scheme


# -- inputs from the case ----------------------------------------------------------------------------
def _in(column: QueryableAttribute[Any], ids: Collection[str] | None) -> ColumnElement[bool]:
    return column.in_(list(ids)) if ids is not None else true()


def _int_or_none(text: str | None) -> int | None:
    return int(text) if text and text.strip().isdigit() else None


@dataclass
class _Gathered:
    """What one case holds, as the bulk queries found it."""

    gender: str | None = None
    rosh: str | None = None
    predictors: dict[str, tuple[date, Any, float, str | None, bool]] | None = None  # kind -> the latest
    mappa: tuple[int | None, int | None] | None = None
    registers: set[str] | None = None
    inll: bool = False
    arso_ever: bool = False
    sexual_offence: bool = False
    latest_licence_start: date | None = None
    sentences: list[tuple[date, str, str, bool]] | None = None  # (start, id, type, terminated)
    parenting: bool = False
    breach_or_recall: bool = False


def tier_inputs_bulk(s: Session, person_ids: Collection[str] | None, as_of: date) -> dict[str, TierInputs]:
    """Each person's tiering inputs on `as_of` (person_ids None: everyone), from one query per table."""
    conn = s.connection()  # Core rows: no ORM bookkeeping for a caseload's worth
    cases: dict[str, _Gathered] = {}
    for pid, gender, rosh in conn.execute(select(Person.id, Person.gender, Person.rosh)
                                          .where(_in(Person.id, person_ids))):
        cases[pid] = _Gathered(gender=GENDERS.get((gender or "").strip().casefold()),
                               rosh=rosh if rosh in ROSH_LEVELS else None, predictors={}, registers=set(),
                               sentences=[])
    for pid, kind, on, created, score, band, static in conn.execute(
            select(PredictorScore.person_id, PredictorScore.kind, PredictorScore.assessed_on,
                   PredictorScore.created_at, PredictorScore.score, PredictorScore.band, PredictorScore.static)
            .where(_in(PredictorScore.person_id, person_ids), PredictorScore.assessed_on <= as_of)):
        g = cases.get(pid)
        if g is None or g.predictors is None:
            continue
        held = g.predictors.get(kind)
        if held is None or (on, created) > (held[0], held[1]):  # the latest entry (a correction wins a tie)
            g.predictors[kind] = (on, created, score, band, bool(static))
    for pid, code, cat, level, start, ended in conn.execute(
            select(Registration.person_id, Registration.type_code, Registration.category, Registration.level,
                   Registration.start_date, Registration.ended_on)
            .where(_in(Registration.person_id, person_ids))):
        g = cases.get(pid)
        if g is None or g.registers is None:
            continue
        if code == "ARSO" and start <= as_of:
            g.arso_ever = True
        if start > as_of or (ended is not None and ended <= as_of):
            continue
        g.registers.add(code)
        if code == "MAPP":
            g.mappa = (_int_or_none(cat), _int_or_none(level))
        if code == "INLL":
            g.inll = True
    sentence_person: dict[str, str] = {}
    for sid, pid, order, offence, start, end, terminated_on in conn.execute(
            select(Sentence.id, Sentence.person_id, Sentence.order_type, Sentence.offence, Sentence.start_date,
                   Sentence.end_date, Sentence.terminated_on)
            .where(_in(Sentence.person_id, person_ids))):
        g = cases.get(pid)
        if g is None or g.sentences is None:
            continue
        if offence_category(offence) in SEXUAL_CATEGORIES:
            g.sexual_offence = True
        if start > as_of or order not in SENTENCE_TYPES:
            continue
        ended = (terminated_on is not None and terminated_on <= as_of) or (end is not None and end < as_of)
        g.sentences.append((start, sid, order, ended))
        sentence_person[sid] = pid
        if order == "LIC" and (g.latest_licence_start is None or start > g.latest_licence_start):
            g.latest_licence_start = start
    requirements: dict[str, list[str]] = defaultdict(list)
    for sid, code in conn.execute(select(Requirement.sentence_id, Requirement.type_code)
                                  .join(Sentence, Sentence.id == Requirement.sentence_id)
                                  .where(_in(Sentence.person_id, person_ids))
                                  .order_by(Requirement.type_code)):
        if sid in sentence_person and code not in requirements[sid]:
            requirements[sid].append(code)
    for pid, value in conn.execute(
            select(Circumstance.person_id, Circumstance.value)
            .where(_in(Circumstance.person_id, person_ids), Circumstance.kind == "children",
                   Circumstance.from_date <= as_of,
                   (Circumstance.to_date.is_(None)) | (Circumstance.to_date > as_of))):
        g = cases.get(pid)
        if g is not None and value in PARENTING_VALUES:
            g.parenting = True
    year_ago = add_months(as_of, -12)
    breach_actions = sorted(a["code"] for a in load_json("enforcement.json")["actions"]
                            if a.get("kind") in ("breach", "recall"))
    for (pid,) in conn.execute(select(Enforcement.person_id)
                               .where(_in(Enforcement.person_id, person_ids), Enforcement.action.in_(breach_actions),
                                      Enforcement.decided_on > year_ago, Enforcement.decided_on <= as_of)):
        if pid in cases:
            cases[pid].breach_or_recall = True
    for (pid,) in conn.execute(select(SentenceEvent.person_id)
                               .where(_in(SentenceEvent.person_id, person_ids), SentenceEvent.kind == "recalled",
                                      SentenceEvent.on_date > year_ago, SentenceEvent.on_date <= as_of)):
        if pid in cases:
            cases[pid].breach_or_recall = True
    needs = tier_needs_bulk(s, person_ids, as_of)
    return {pid: _inputs(g, requirements, needs.get(pid)) for pid, g in cases.items()}


def _inputs(g: _Gathered, requirements: dict[str, list[str]], needs: dict[str, str] | None) -> TierInputs:
    preds = g.predictors or {}

    def score(kind: str) -> float | None:
        held = preds.get(kind)
        return None if held is None else held[2]

    def predictor(kind: str) -> Predictor | None:
        held = preds.get(kind)
        return None if held is None else Predictor(held[2], held[4])

    dc = preds.get("DCSRP")
    sentences = tuple(SentenceInput(order, tuple(requirements.get(sid, ())), ended)
                      for _start, sid, order, ended in sorted(g.sentences or (), key=lambda x: (x[0], x[1])))
    category, level = g.mappa or (None, None)
    return TierInputs(
        gender=g.gender, rosh=g.rosh, rsr=score("RSR"), ogrs=score("OGRS3"), arp=predictor("ARP"),
        csrp=predictor("CSRP"), dc_srp=None if dc is None else DcSrp(dc[2], dc[3]),
        mappa_category=category, mappa_level=level, registers=frozenset(g.registers or ()),
        lifer_ipp_released=g.latest_licence_start if g.inll else None,
        ever_sexual_offence=g.arso_ever or g.sexual_offence, sentences=sentences,
        needs=needs,  # None: no valid assessment
        women=women_from_needs(WomenFactors(parenting=g.parenting, breach_or_recall_12m=g.breach_or_recall),
                               g.gender, needs),
    )


def tier_inputs(s: Session, person_id: str, as_of: date) -> TierInputs:
    """The case's tiering inputs on `as_of` (ValidationError if the case is not on this caseload)."""
    found = tier_inputs_bulk(s, [person_id], as_of)
    if person_id not in found:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return found[person_id]


def tier_inputs_json(db: Database, person_id: str, *, today: date | None = None) -> dict[str, Any]:
    """The case's inputs as the `lpt tier` JSON (every key)."""
    with db.read() as s:
        return inputs_to_json(tier_inputs(s, person_id, today or date.today()))


def suggested_tiers(s: Session, scheme: str, as_of: date,
                    person_ids: Collection[str] | None = None) -> dict[str, TierResult]:
    """Each person's suggested tier under `scheme` (the caseload's bulk read)."""
    return {pid: compute_or_explain(scheme, inputs, as_of)
            for pid, inputs in tier_inputs_bulk(s, person_ids, as_of).items()}


# The caseload's suggested tiers, per open database: recomputed only after a write, and then only for the cases
# the audit says were written (as services/obligations.next_due_by_person does for the next-due column).
_caseload_cache: weakref.WeakKeyDictionary[Database, tuple[int, tuple[date, str], int, dict[str, str],
                                                           dict[str, str]]] = weakref.WeakKeyDictionary()
# Tables whose writes change no case's suggested tier: the scheme (lpt_meta) is in the kept results' key, and the
# office closures are not read.
_NOT_TIERING = frozenset({"lpt_meta", "office_closure"})


def caseload_tiers(db: Database, as_of: date) -> tuple[str, dict[str, str], dict[str, str]]:
    """The scheme in preferences, each case's suggested tier under it on `as_of`, and for each case whose latest
    decision is an override, the suggestion it overrode (for tier_differs). Cached until the next write."""
    count = write_count(db)  # read first: a write while computing makes the next call look again
    with db.read() as s:
        scheme = _scheme(s)
        key = (as_of, scheme)
        hit = _caseload_cache.get(db)
        if hit is not None and hit[1] == key and hit[0] == count:
            return scheme, hit[3], hit[4]
        # Which cases the writes since changed (obligations.cases_changed_since: None when the audit cannot say).
        people = cases_changed_since(db, s, hit[0], hit[2], _NOT_TIERING) if hit is not None and hit[1] == key \
            else None
        audit_max = s.scalar(select(func.max(Audit.id))) or 0
        if hit is not None and people is not None and len(people) <= INCREMENTAL_MAX:
            tiers = {pid: t for pid, t in hit[3].items() if pid not in people}
            overrides = {pid: t for pid, t in hit[4].items() if pid not in people}
            if people:
                asked = sorted(people)
                tiers.update({pid: r.tier for pid, r in suggested_tiers(s, scheme, as_of, asked).items()})
                overrides.update(overridden_from(s, asked))
        else:
            tiers = {pid: r.tier for pid, r in suggested_tiers(s, scheme, as_of).items()}
            overrides = overridden_from(s)
    _caseload_cache[db] = (count, key, audit_max, tiers, overrides)
    return scheme, tiers, overrides


def overridden_from(s: Session, person_ids: Collection[str] | None = None) -> dict[str, str]:
    """For each case whose latest tier decision is an override, the suggested tier it overrode (one query)."""
    latest: dict[str, tuple[date, Any, str, str]] = {}
    for pid, on, created, action, suggested in s.connection().execute(
            select(TierDecision.person_id, TierDecision.decided_on, TierDecision.created_at, TierDecision.action,
                   TierDecision.suggested).where(_in(TierDecision.person_id, person_ids))):
        held = latest.get(pid)
        if held is None or (on, created) > (held[0], held[1]):
            latest[pid] = (on, created, action, suggested)
    return {pid: suggested for pid, (_on, _c, action, suggested) in latest.items() if action == OVERRIDDEN}


# -- the view on the case -----------------------------------------------------------------------------
def age_text(earlier: date, today: date) -> str:
    """How long ago, in years and months ("3 months", "1 year 2 months", "under a month")."""
    months = (today.year - earlier.year) * 12 + today.month - earlier.month - (today.day < earlier.day)
    if months <= 0:
        return "under a month"
    years, rest = divmod(months, 12)
    parts = ([f"{years} year{'s' if years != 1 else ''}"] if years else []) + \
        ([f"{rest} month{'s' if rest != 1 else ''}"] if rest else [])
    return " ".join(parts)


def _working(data: dict[str, Any] | None) -> tuple[Step, ...]:
    return tuple(Step(str(w.get("step", "")), w.get("result"), str(w.get("why", "")))
                 for w in (data or {}).get("working", ()) if isinstance(w, dict))


def tier_view(db: Database, person_id: str, *, today: date | None = None) -> TierView:
    """The case's tier in force, its suggested tier with the working, its predictor scores and decisions."""
    today = today or date.today()
    old_days = predictor_old_after_weeks() * 7
    with db.read() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        scheme = _scheme(s)
        suggested = compute_or_explain(scheme, tier_inputs(s, person_id, today), today)
        scores = s.scalars(select(PredictorScore).where(PredictorScore.person_id == person_id)
                           .order_by(PredictorScore.assessed_on.desc(), PredictorScore.created_at.desc())).all()
        rows = [PredictorRow(p.id, p.kind, p.score, p.band, p.static, p.assessed_on, age_text(p.assessed_on, today),
                             (today - p.assessed_on).days > old_days) for p in scores]
        latest: dict[str, PredictorRow] = {}
        for r in rows:
            if r.assessed_on <= today:
                latest.setdefault(r.kind, r)
        first = [dataclasses.replace(latest[k], in_use=True) for k in PREDICTOR_KINDS if k in latest]
        ids = {r.id for r in first}
        decisions = s.scalars(select(TierDecision).where(TierDecision.person_id == person_id)
                              .order_by(TierDecision.decided_on.desc(), TierDecision.created_at.desc())).all()
        history = tuple(TierDecisionRow(d.id, d.decided_on, d.author or "", d.action, d.scheme, d.tier, d.suggested,
                                        d.reason, _working(d.working)) for d in decisions)
        return TierView(person_id=person_id, scheme=scheme, scheme_label=SCHEME_LABELS[scheme],
                        in_force=person.tier or None, in_force_scheme=person.tier_scheme,
                        suggested=suggested,
                        differs=tier_differs(suggested.tier, person.tier, person.tier_scheme, scheme,
                                             overridden_from(s, [person_id]).get(person_id)),
                        predictors=(*first, *(r for r in rows if r.id not in ids)), history=history)


# -- writes -------------------------------------------------------------------------------------------
# The case's words for each predictor's fields (the shared check, assessment/tiering.predictor_problems, names
# them "score" and "band").
_FIELD_LABELS = {"OGRS3": "OGRS3", "RSR": "RSR", "ARP": "ARP", "CSRP": "CSRP", "DCSRP": "DC-SRP score"}


def predictor_errors(kind: str, score: float, band: str | None = None) -> list[FieldError]:
    """The shared predictor check's problems as the case's fields ("DC-SRP band", "ARP", ...)."""
    return [FieldError("DC-SRP band" if field == "band" else _FIELD_LABELS[kind], message)
            for field, message in predictor_problems(kind, score, band)]


def check_predictors(assessed_on: date | None, *, ogrs3: float | None = None, rsr: float | None = None,
                     arp: Predictor | None = None, csrp: Predictor | None = None, dc_srp: DcSrp | None = None,
                     today: date | None = None) -> list[FieldError]:
    """Every problem record_predictors would refuse, without the database: the form lists them all at once."""
    today = today or date.today()
    errors: list[FieldError] = []
    if assessed_on is None:
        errors.append(FieldError("Assessment date", "is empty: enter the date of the OASys assessment as "
                                                    "dd/mm/yyyy"))
    elif assessed_on > today:
        errors.append(FieldError("Assessment date", f"{format_date(assessed_on)} is in the future: enter the date "
                                                    "the assessment was completed"))
    if all(v is None for v in (ogrs3, rsr, arp, csrp, dc_srp)):
        errors.append(FieldError("Scores", "none entered: enter at least one predictor score"))
    for kind, value in (("OGRS3", ogrs3), ("RSR", rsr), ("ARP", arp.score if arp else None),
                        ("CSRP", csrp.score if csrp else None)):
        if value is not None:
            errors += predictor_errors(kind, value)
    if dc_srp is not None:
        errors += predictor_errors("DCSRP", dc_srp.score, dc_srp.band)
    return errors


@writes(Change.CASE)
def record_predictors(db: Database, person_id: str, assessed_on: date | None, *, ogrs3: float | None = None,
                      rsr: float | None = None, arp: Predictor | None = None, csrp: Predictor | None = None,
                      dc_srp: DcSrp | None = None, today: date | None = None) -> list[str]:
    """Record the predictor scores of an OASys assessment dated assessed_on; returns the new rows' ids.

    A wrong score is put right by recording the corrected one: the latest entry of each kind counts."""
    today = today or date.today()
    require(check_predictors(assessed_on, ogrs3=ogrs3, rsr=rsr, arp=arp, csrp=csrp, dc_srp=dc_srp, today=today))
    assert assessed_on is not None
    entries: list[tuple[str, float, str | None, bool]] = []
    for kind, value in (("OGRS3", ogrs3), ("RSR", rsr)):
        if value is not None:
            entries.append((kind, float(value), None, False))
    for kind, pred in (("ARP", arp), ("CSRP", csrp)):
        if pred is not None:
            entries.append((kind, float(pred.score), None, pred.static))
    if dc_srp is not None:
        entries.append(("DCSRP", float(dc_srp.score), dc_srp.band, False))
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        rows = [PredictorScore(person_id=person_id, kind=k, score=v, band=b, static=st, assessed_on=assessed_on)
                for k, v, b, st in entries]
        s.add_all(rows)
        s.flush()
        words = ", ".join(f"{PREDICTOR_LABELS[k]} {v:g}%{f' ({b})' if b else ''}{' static' if st else ''}"
                          for k, v, b, st in entries)
        add_event(s, person_id, "predictors_recorded", assessed_on,
                  f"Predictor scores from the assessment of {format_date(assessed_on)}: {words}", rows[0])
        return [r.id for r in rows]


def _tier_hint(scheme: str) -> str:
    letters = tier_letters(scheme)
    if scheme == SCHEME_AB03:
        return f"use a letter {letters[0]}-{letters[-1]} and a change level 0-3, e.g. B2"
    return f"use a letter {letters[0]}-{letters[-1]}, e.g. C"


def _decide(db: Database, person_id: str, today: date, action: str, tier: str | None, reason: str | None) -> str:
    with db.write() as s:
        person = s.get(Person, person_id)
        if person is None:
            raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
        scheme = _scheme(s)
        result = compute_or_explain(scheme, tier_inputs(s, person_id, today), today)
        if action == ACCEPTED:
            if result.tier == CANNOT_TIER:
                raise ValidationError([FieldError("Tier", f"cannot be suggested: {result.working[0].why}; record "
                                                          "the corrected scores, or override with a reason")])
            if result.tier == NOT_SUPERVISED:
                raise ValidationError([FieldError("Tier", "cannot be suggested: the case has no current order or "
                                                          "licence; add the sentence first, or override with a "
                                                          "reason")])
            if result.tier == MISSING:
                raise ValidationError([FieldError("Tier", "cannot be suggested without both the ARP and CSRP "
                                                          "scores: enter them from OASys first, or override with "
                                                          "a reason")])
            tier = result.tier
        assert tier is not None
        decision = TierDecision(person_id=person_id, decided_on=today, officer_id=getattr(db, "officer_id", None),
                                author=db.actor, action=action, scheme=scheme, tier=tier, suggested=result.tier,
                                reason=reason, working=result_to_json(result))
        s.add(decision)
        person.tier = tier
        person.tier_scheme = scheme
        s.flush()
        provisional = " (provisional)" if result.provisional else ""
        if action == ACCEPTED:
            summary = f"Tier {tier}{provisional} accepted ({SCHEME_LABELS[scheme]})"
        else:
            summary = f"Tier {tier} in force, overriding the suggested {result.tier}{provisional}: {reason}"
        add_event(s, person_id, f"tier_{action}", today, summary, decision)
        return decision.id


@writes(Change.CASE)
def accept_tier(db: Database, person_id: str, *, today: date | None = None) -> str:
    """Put the suggested tier in force (with its scheme) and keep the working; returns the decision's id."""
    return _decide(db, person_id, today or date.today(), ACCEPTED, None, None)


@writes(Change.CASE)
def override_tier(db: Database, person_id: str, tier: str, reason: str, *, today: date | None = None) -> str:
    """Put another tier in force with the officer's reason; the suggested tier and its working are kept beside
    it. Returns the decision's id."""
    today = today or date.today()
    tier = (tier or "").strip().upper()
    reason = " ".join((reason or "").split())
    scheme = tier_scheme(db)
    errors: list[FieldError] = []
    if not tier:
        errors.append(FieldError("Tier", f"is empty: {_tier_hint(scheme)}"))
    elif not valid_tier(scheme, tier):
        errors.append(FieldError("Tier", f"'{tier}' is not a tier of the {SCHEME_LABELS[scheme]} scheme: "
                                         f"{_tier_hint(scheme)}"))
    if len(reason) < REASON_MIN_CHARS or len(reason.split()) < REASON_MIN_WORDS:
        errors.append(FieldError("Reason", "is too short: say in at least a sentence why the suggested tier is "
                                           "not right for this case"))
    require(errors)
    return _decide(db, person_id, today, OVERRIDDEN, tier, reason)
