"""Needs assessments (issue 20): the OASys needs sections, Skills for Life screening and the learning plan it
calls for, barriers to engagement with their adjustments (taken from and written back to the case record), and
the needs the tier engine reads.

Every rule is the assessment room's (assessment/needs.py; text carried forward: assessment/carried_forward.py);
this module stores, reads and calls them.

A form sends flat fields (key -> value), the unit an autosave compares and a clash is found in:
  section.<key>.severity        none | standard | severe | None       (<key>: a needs_assessment.json section)
  section.<key>.risk_of_harm    bool
  section.<key>.reoffending     bool
  section.<key>.evidence        text (carried forward into the next assessment)
  skills.<area>                 no_need | need_identified | not_screened   (<area>: literacy, numeracy, language)
  skills.referred_on            date | None   referred for a full assessment of learning needs
  skills.full_assessment        need_confirmed | no_need | None
  barrier.<key>.present         bool | None   (<key>: a barrier code)
  barrier.<key>.adjustment      text (carried forward)

Writes (each one transaction, audited; starting and completing add a timeline event):
  start_assessment(db, person_id, today=None) -> assessment id
      from the latest completed one (its ratings copied, its texts carried forward with their origin dates), or
      a first one; either way the barriers the case record shows (disabilities, language, caring, and a
      literacy or language need the last screening found) are pre-filled as present
  save_draft(db, assessment_id, fields, today=None, before=None)   autosave; a field changed elsewhere since
      the form showed it (`before`) is refused with EditedElsewhere naming it, nothing of the call saved
  confirm_carried(db, assessment_id, key, today=None)              one carried text per call
  discard_draft(db, assessment_id, today=None)
  complete_assessment(db, assessment_id, today=None) -> NeedsCompletion
      errors refuse (ValidationError naming each field: assessment_errors, and carried text not confirmed);
      barriers are written back to the case record (the disabilities' adjustments; a line of the individual
      needs for each other barrier present, replacing its earlier line, taken out when no longer present)
Reads:
  needs_overview(db, person_id, today=None) -> NeedsOverview
  needs_view(db, assessment_id, today=None) -> NeedsView
  completion_errors(db, assessment_id) -> list[FieldError]
  field_label(key) -> words
  tier_needs_bulk(s, person_ids, as_of) -> {person_id: severities}   for services/tiering.py (session level)
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.assessment import carried_forward as cf
from lpt_desktop.assessment import needs as rules
from lpt_desktop.assessment.sentence_plan import PlanData, plan_data
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.validation import FieldError, ValidationError, require
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.rosh import EditedElsewhere
from lpt_desktop.store.case_record_models import Disability
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person
from lpt_desktop.store.plan_models import NeedsAssessment

__all__ = ["BarrierView", "EditedElsewhere", "NeedsCompletion", "NeedsItem", "NeedsOverview", "NeedsView",
           "SectionView", "SkillsView", "complete_assessment", "completion_errors", "confirm_carried",
           "discard_draft", "field_label", "model_of", "needs_overview", "needs_view", "save_draft",
           "start_assessment", "tier_needs_bulk"]

SEVERITY_FIELDS = ("severity", "risk_of_harm", "reoffending", "evidence")
BARRIER_FIELDS = ("present", "adjustment")
SKILLS_FIELDS = ("referred_on", "full_assessment")
_BOOL_SUFFIXES = (".risk_of_harm", ".reoffending", ".present")


# -- what the screens read --------------------------------------------------------------------------
@dataclass(frozen=True)
class SectionView:
    key: str
    label: str
    help: str
    severity: str | None  # none | standard | severe; None: not yet rated
    severity_label: str  # "Standard need", "" when not rated
    risk_of_harm: bool
    reoffending: bool
    evidence: str
    carried: str  # "carried forward from 03/02/2025, 9 months old", or "" for text written in this assessment
    carried_confirmed: bool


@dataclass(frozen=True)
class SkillsView:
    results: dict[str, str]  # area -> result code (missing: not screened)
    result_labels: dict[str, str]  # area label -> result label, in the data's order
    referred_on: date | None
    full_assessment: str | None
    referral_needed: bool  # a positive screening with no referral recorded
    referral_why: str
    learning_plan_needed: bool  # the sentence plan must hold a learning plan
    learning_plan_why: str


@dataclass(frozen=True)
class BarrierView:
    key: str
    label: str
    help: str
    present: bool | None  # None: not yet assessed
    adjustment: str
    carried: str
    on_case_record: str  # what the case record says of it ("Dyslexia (adjustment: ...)"), "" when nothing


@dataclass(frozen=True)
class NeedsView:
    id: str
    person_id: str
    status: str  # draft | complete
    started_on: date
    completed_on: date | None
    completed_by_name: str
    previous_id: str | None
    sections: tuple[SectionView, ...]
    skills: SkillsView
    barriers: tuple[BarrierView, ...]
    errors: tuple[FieldError, ...]  # what completing would refuse (empty for a completed one)
    unconfirmed_carried: tuple[str, ...]  # keys of carried text not yet confirmed
    unassessed_barriers: tuple[str, ...]  # barrier labels not answered present or absent
    services_called_for: tuple[str, ...]  # "Women's centre: women with needs the centre meets"
    valid_for_tiering: bool
    tier_needs: dict[str, str] | None  # what the tier engine reads from it (None: not valid for tiering)
    fields: dict[str, Any]  # the flat fields as stored: what a form shows, and sends back as `before`


@dataclass(frozen=True)
class NeedsItem:
    id: str
    status: str
    started_on: date
    completed_on: date | None
    completed_by_name: str


@dataclass(frozen=True)
class NeedsOverview:
    person_id: str
    current: NeedsView | None  # the latest completed assessment
    draft: NeedsView | None  # the open draft
    history: tuple[NeedsItem, ...]  # newest first
    valid_until: date | None  # the last day the current one counts for tiering


@dataclass(frozen=True)
class NeedsCompletion:
    completed: bool
    written_to_case_record: tuple[str, ...]  # what went back to the case record, in words


# -- the stored record as the rules see it ---------------------------------------------------------------
def _day(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def model_of(a: NeedsAssessment) -> rules.NeedsAssessment:
    """The stored assessment as assessment/needs.py's record."""
    sections = {k: rules.SectionRating(v.get("severity"), bool(v.get("risk_of_harm")), bool(v.get("reoffending")),
                                       v.get("evidence") or "")
                for k, v in (a.sections or {}).items() if isinstance(v, dict)}
    skills = a.skills or {}
    screening = rules.SkillsScreening({k: v for k, v in (skills.get("results") or {}).items() if v},
                                      _day(skills.get("referred_on")), skills.get("full_assessment") or None)
    barriers = {k: rules.BarrierAnswer(v.get("present"), v.get("adjustment") or "")
                for k, v in (a.barriers or {}).items() if isinstance(v, dict)}
    return rules.NeedsAssessment(sections, screening, barriers, a.completed_on)


def _stored_fields(a: NeedsAssessment) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in (a.sections or {}).items():
        for f in SEVERITY_FIELDS:
            value = (v or {}).get(f)
            out[f"section.{key}.{f}"] = bool(value) if f in ("risk_of_harm", "reoffending") else (value or "")
    skills = a.skills or {}
    for area, result in (skills.get("results") or {}).items():
        out[f"skills.{area}"] = result or ""
    out["skills.referred_on"] = _day(skills.get("referred_on"))
    out["skills.full_assessment"] = skills.get("full_assessment") or ""
    for key, v in (a.barriers or {}).items():
        out[f"barrier.{key}.present"] = (v or {}).get("present")
        out[f"barrier.{key}.adjustment"] = (v or {}).get("adjustment") or ""
    return out


def _texts(a: NeedsAssessment) -> dict[str, str]:
    """The text fields carried forward (evidence notes and adjustments), empty ones left out."""
    out = {}
    for key, v in (a.sections or {}).items():
        if ((v or {}).get("evidence") or "").strip():
            out[f"section.{key}.evidence"] = v["evidence"]
    for key, v in (a.barriers or {}).items():
        if ((v or {}).get("adjustment") or "").strip():
            out[f"barrier.{key}.adjustment"] = v["adjustment"]
    return out


def _review_text(a: NeedsAssessment) -> cf.ReviewText:
    """The assessment's sections as carried_forward sees them: what was carried in, and the text now."""
    return cf.from_json(a.carried, _texts(a), a.started_on)


def _store_now(a: NeedsAssessment, review: cf.ReviewText) -> None:
    a.carried = cf.with_now(a.carried, review)


def field_label(key: str) -> str:
    """The words for a flat field, as the form names it ("Accommodation evidence")."""
    d = rules.needs_data()
    head, _, rest = key.partition(".")
    name, _, part = rest.partition(".")
    try:
        if head == "section":
            label = d.section(name).label
            return {"severity": label, "risk_of_harm": f"{label}: linked to risk of harm",
                    "reoffending": f"{label}: linked to reoffending", "evidence": f"{label} evidence"}.get(part, label)
        if head == "barrier":
            label = d.barrier(name).label
            return f"{label} adjustment" if part == "adjustment" else label
    except KeyError:
        return key
    if head == "skills":
        if name == "referred_on":
            return "Referred for a full assessment of learning needs"
        if name == "full_assessment":
            return "Full assessment of learning needs"
        return f"Skills for Life {d.skills_areas.get(name, name).lower()}"
    return key


def _type_errors(fields: Mapping[str, Any]) -> list[FieldError]:
    """Types only (an autosave keeps whatever is typed); the rules apply at completion."""
    d = rules.needs_data()
    errors = []
    sections = {s.key for s in d.sections}
    barriers = {b.key for b in d.barriers}
    for key, value in fields.items():
        head, _, rest = key.partition(".")
        name, _, part = rest.partition(".")
        known = (head == "section" and name in sections and part in SEVERITY_FIELDS) or \
            (head == "barrier" and name in barriers and part in BARRIER_FIELDS) or \
            (head == "skills" and (name in d.skills_areas or name in SKILLS_FIELDS) and not part)
        if not known:
            errors.append(FieldError("Needs assessment", f"'{key}' is not a field of the form: open it again"))
        elif key.endswith(_BOOL_SUFFIXES) and value is not None and not isinstance(value, bool):
            errors.append(FieldError(field_label(key), "must be yes or no"))
        elif key == "skills.referred_on" and value is not None and not isinstance(value, date):
            errors.append(FieldError(field_label(key), "is not a date: enter it as dd/mm/yyyy"))
        elif part == "severity" and value not in (None, "", *d.severities):
            errors.append(FieldError(field_label(key), "is not a rating: choose no need, standard or severe"))
        elif key.startswith("skills.") and name in d.skills_areas and value not in (None, "", *d.skills_results):
            errors.append(FieldError(field_label(key), "is not a screening result: choose one from the list"))
        elif key == "skills.full_assessment" and value not in (None, "", *d.full_assessment_results):
            errors.append(FieldError(field_label(key), "is not a result: choose one from the list"))
        elif isinstance(value, str) and len(value) > 4000:
            errors.append(FieldError(field_label(key), f"is {len(value)} characters long: shorten it to 4,000"))
    return errors


def _norm(value: Any) -> Any:
    if value is None or value == "":
        return ""
    return " ".join(value.split()) if isinstance(value, str) else value


def _apply(a: NeedsAssessment, fields: Mapping[str, Any], on: date) -> None:
    sections = {k: dict(v) for k, v in (a.sections or {}).items()}
    skills = dict(a.skills or {})
    results = dict(skills.get("results") or {})
    barriers = {k: dict(v) for k, v in (a.barriers or {}).items()}
    texts: dict[str, str] = {}
    for key, value in fields.items():
        head, _, rest = key.partition(".")
        name, _, part = rest.partition(".")
        if head == "section":
            sections.setdefault(name, {})[part] = value if part != "severity" else (value or None)
            if part == "evidence":
                texts[key] = value or ""
        elif head == "barrier":
            barriers.setdefault(name, {})[part] = value
            if part == "adjustment":
                texts[key] = value or ""
        elif name == "referred_on":
            skills["referred_on"] = value.isoformat() if isinstance(value, date) else None
        elif name == "full_assessment":
            skills["full_assessment"] = value or None
        else:
            results[name] = value or None
    skills["results"] = {k: v for k, v in results.items() if v}
    review = _review_text(a)
    a.sections, a.skills, a.barriers = sections, skills, barriers
    _store_now(a, review.write(texts, on))


# -- small helpers ----------------------------------------------------------------------------------
def _officer_name(s: Session, db: Database) -> str:
    oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
    officer = s.get(Officer, oid) if oid else None
    return officer.name if officer else db.actor


def _assessment(s: Session, assessment_id: str) -> NeedsAssessment:
    a = s.get(NeedsAssessment, assessment_id)
    if a is None:
        raise ValidationError([FieldError("Needs assessment", "is no longer on this case: open the case again")])
    return a


def _draft(s: Session, assessment_id: str) -> NeedsAssessment:
    a = _assessment(s, assessment_id)
    if a.status != "draft":
        raise ValidationError([FieldError("Needs assessment", f"was completed on {format_date(a.completed_on)} and "
                                                              "cannot be changed: start a new assessment")])
    return a


def _person(s: Session, person_id: str) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return p


def _latest_complete(s: Session, person_id: str) -> NeedsAssessment | None:
    return s.scalar(select(NeedsAssessment).where(NeedsAssessment.person_id == person_id,
                                                  NeedsAssessment.status == "complete")
                    .order_by(NeedsAssessment.completed_on.desc(), NeedsAssessment.created_at.desc()).limit(1))


def _current_disabilities(s: Session, person_id: str, on: date) -> list[Disability]:
    return [d for d in s.scalars(select(Disability).where(Disability.person_id == person_id)
                                 .order_by(Disability.from_date, Disability.created_at))
            if d.to_date is None or d.to_date >= on]


def _screened_need(skills: rules.SkillsScreening, area: str) -> bool:
    """A need the Skills for Life screening found in `area` that the full assessment has not ruled out."""
    return skills.results.get(area) in rules.needs_data().skills_positive and skills.full_assessment != "no_need"


SCREENING_BARRIERS = {"literacy": "literacy", "language": "language"}  # barrier key -> screening area


def _from_case_record(s: Session, p: Person, on: date,
                      skills: rules.SkillsScreening | None = None) -> dict[str, str]:
    """What the case record says of each barrier (barrier key -> words), for the form and to pre-fill a new
    assessment: the current disabilities, the first language and interpreter, the caring responsibilities, and
    a literacy or language need the Skills for Life screening (`skills`) found."""
    out: dict[str, str] = {}
    disabilities = _current_disabilities(s, p.id, on)
    if disabilities:
        out["disability"] = "; ".join(d.description + (f" (adjustment: {d.adjustment})" if d.adjustment else "")
                                      for d in disabilities)
    elif (p.disabilities or "").strip():
        out["disability"] = p.disabilities or ""
    if p.interpreter_required or ((p.first_language or "").strip()
                                  and (p.first_language or "").strip().lower() != "english"):
        out["language"] = f"First language {p.first_language or 'not recorded'}" + \
            (", interpreter needed" if p.interpreter_required else "")
    if (p.caring_responsibilities or "").strip():
        out["childcare"] = p.caring_responsibilities or ""
    for key, area in SCREENING_BARRIERS.items():
        if skills is not None and _screened_need(skills, area):
            found = f"Skills for Life screening: {area} need identified"
            out[key] = f"{out[key]}; {found}" if key in out else found
    return out


def _disability_adjustment(disabilities: list[Disability]) -> str:
    """The record's adjustments as the disability barrier's text: with one disability its adjustment, with several
    a line "Description: adjustment" each (the shape _write_disabilities reads back)."""
    if len(disabilities) == 1:
        return disabilities[0].adjustment or ""
    return "\n".join(f"{d.description}: {d.adjustment}" for d in disabilities if (d.adjustment or "").strip())


def _prefill(s: Session, p: Person, today: date, barriers: dict[str, Any],
             skills: rules.SkillsScreening | None) -> None:
    """Barriers the case record (or the last screening) shows are pre-filled as present, over an earlier
    assessment's "not assessed" or "no": the record says they are there, and the officer answers. A barrier
    already present keeps its adjustment (carried forward); a new one takes the record's adjustments."""
    for key in _from_case_record(s, p, today, skills):
        answer = barriers.get(key) or {}
        if answer.get("present"):
            continue
        adjustment = _disability_adjustment(_current_disabilities(s, p.id, today)) if key == "disability" else ""
        barriers[key] = {"present": True, "adjustment": adjustment}


def _new_from(s: Session, previous: NeedsAssessment | None, p: Person, today: date) -> NeedsAssessment:
    if previous is None:
        barriers: dict[str, Any] = {}
        _prefill(s, p, today, barriers, None)
        return NeedsAssessment(person_id=p.id, status="draft", started_on=today, sections={},
                               skills={"results": {}}, barriers=barriers, carried={})
    skills = dict(previous.skills or {})
    barriers = {k: dict(v) for k, v in (previous.barriers or {}).items()}
    _prefill(s, p, today, barriers, model_of(previous).skills)
    a = NeedsAssessment(person_id=p.id, status="draft", started_on=today, previous_id=previous.id,
                        sections={k: dict(v) for k, v in (previous.sections or {}).items()}, skills=skills,
                        barriers=barriers)
    # The previous assessment's texts with the days they were first written, every confirmation cleared (an
    # adjustment the record pre-filled over an earlier "no" differs from what was carried: it reads as new).
    a.carried = cf.to_json(cf.ReviewText.start(_review_text(previous).now))
    return a


# -- writes -----------------------------------------------------------------------------------------
@writes(Change.ASSESSMENT, Change.CASE)
def start_assessment(db: Database, person_id: str, today: date | None = None) -> str:
    """Start a needs assessment: from the latest completed one (ratings copied, evidence and adjustments carried
    forward with the dates they were first written), else a first one with the barriers the case record shows.
    Refused while another draft is open."""
    today = today or date.today()
    with db.write() as s:
        p = _person(s, person_id)
        open_draft = s.scalar(select(NeedsAssessment).where(NeedsAssessment.person_id == person_id,
                                                            NeedsAssessment.status == "draft"))
        if open_draft is not None:
            raise ValidationError([FieldError("Needs assessment", f"a draft started "
                                              f"{format_date(open_draft.started_on)} is open: carry on with it, or "
                                              "discard it first")])
        a = _new_from(s, _latest_complete(s, person_id), p, today)
        s.add(a)
        add_event(s, person_id, "needs_started", today, "Needs assessment started", a)
        return a.id


@writes(Change.ASSESSMENT)
def save_draft(db: Database, assessment_id: str, fields: Mapping[str, Any], today: date | None = None,
               before: Mapping[str, Any] | None = None) -> None:
    """Autosave the fields the form changed (types only, so nothing typed is lost).

    `before`: those fields as the form last showed them. A field whose stored value is no longer that, nor what
    the form now sends (a sync brought another laptop's change), is refused with EditedElsewhere naming it, and
    nothing of this call is saved."""
    require(_type_errors(fields))
    with db.write() as s:
        a = _draft(s, assessment_id)
        if before is not None:
            stored = _stored_fields(a)
            clashes = {k: stored.get(k, "") for k, v in fields.items() if k in before
                       and _norm(stored.get(k, "")) != _norm(before[k]) and _norm(stored.get(k, "")) != _norm(v)}
            if clashes:
                raise EditedElsewhere(
                    [FieldError(field_label(k), "was changed on another laptop since you opened the assessment: "
                                                "the form now shows that, and yours beside it to merge")
                     for k in clashes], clashes)
        _apply(a, fields, today or date.today())


@writes(Change.ASSESSMENT)
def confirm_carried(db: Database, assessment_id: str, key: str, today: date | None = None) -> None:
    """Confirm that one text carried forward still holds (by the file's officer, today)."""
    today = today or date.today()
    with db.write() as s:
        a = _draft(s, assessment_id)
        review = _review_text(a)
        if key not in review.now:
            raise ValidationError([FieldError(field_label(key), "has no text to confirm: write it first")])
        _store_now(a, review.confirm(key, _officer_name(s, db), today))


@writes(Change.ASSESSMENT, Change.CASE)
def discard_draft(db: Database, assessment_id: str, today: date | None = None) -> None:
    """Throw a draft away (a completed assessment is never discarded)."""
    today = today or date.today()
    with db.write() as s:
        a = _draft(s, assessment_id)
        add_event(s, a.person_id, "needs_discarded", today,
                  f"Needs assessment draft started {format_date(a.started_on)} discarded")
        s.delete(a)


def _errors(a: NeedsAssessment) -> list[FieldError]:
    errors = rules.assessment_errors(model_of(a))
    review = _review_text(a)
    for key in review.unconfirmed():
        errors.append(FieldError(field_label(key), "is carried forward from the last assessment and not confirmed: "
                                                   "confirm it still holds, or rewrite it"))
    return errors


def _write_disabilities(s: Session, p: Person, adjustment: str, today: date) -> list[str]:
    """The disability barrier's adjustment written to the case record's disabilities: a line "Description:
    adjustment" sets that disability's adjustment; with one current disability, text naming none is its
    adjustment; with none on record, a disability is added (described by its line's "Description:", else by the
    record's disabilities text). Text that cannot be matched to one of several disabilities is left out, and
    said so."""
    rows = _current_disabilities(s, p.id, today)
    lines = [" ".join(line.split()) for line in adjustment.splitlines() if line.strip()]
    matched: dict[str, str] = {}
    loose: list[str] = []
    for line in lines:
        head, colon, rest = line.partition(":")
        row = next((r for r in rows if colon and r.description.strip().lower() == head.strip().lower()), None)
        if row is not None and rest.strip():
            matched[row.id] = "; ".join(x for x in (matched.get(row.id), rest.strip()) if x)
        else:
            loose.append(line)
    written = []
    if not rows:
        for line in loose or lines:
            head, colon, rest = line.partition(":")
            described = colon and rest.strip() and 0 < len(head.strip()) <= 60
            description = head.strip() if described else \
                (" ".join((p.disabilities or "").split())[:200] or f"Assessed in the needs assessment of "
                                                                   f"{format_date(today)}")
            row = Disability(person_id=p.id, description=description, adjustment=rest.strip() if described else line,
                             from_date=today)
            s.add(row)
            add_event(s, p.id, "disability_added", today, f"{row.description} (adjustment: {row.adjustment})", row)
            written.append(f"disability '{row.description}' added with the adjustment '{row.adjustment}'")
        return written
    if loose and len(rows) == 1 and rows[0].id not in matched:
        matched[rows[0].id], loose = "; ".join(loose), []
    for row in rows:
        text = matched.get(row.id)
        if text is None or " ".join((row.adjustment or "").split()) == text:
            continue
        row.adjustment = text
        add_event(s, p.id, "personal_details", today,
                  f"Changed: adjustment for {row.description} (from the needs assessment): {text}", row)
        written.append(f"the adjustment for {row.description} is now '{text}'")
    if loose:
        written.append("not written to a disability (say which it is for, as 'Description: adjustment'): "
                       + "; ".join(loose))
    return written


def _write_back(s: Session, a: NeedsAssessment, p: Person, today: date) -> list[str]:
    """The barriers go back to the case record: the disability's adjustment to the disabilities it is for
    (_write_disabilities), and each other barrier present as its own line of the individual needs ("Childcare
    and caring: Appointments in school hours"), replacing that barrier's earlier line; a barrier assessed as
    not present has its line taken out. Lines about anything else stay as the officer wrote them. Returns what
    changed, in words without a closing full stop."""
    d = rules.needs_data()
    model = model_of(a)
    present = rules.adjustments_required(model.barriers)
    written = []
    if "disability" in present:
        written += _write_disabilities(s, p, model.barriers["disability"].adjustment, today)
    old = [line for line in (p.individual_needs or "").splitlines() if line.strip()]
    # The disability lives in its own table: no line for it (an earlier version wrote one: it goes once the
    # disability is answered).
    new = {key: f"{d.barrier(key).label}: {' '.join(model.barriers[key].adjustment.split()).rstrip('.;, ')}"
           for key in present if key != "disability"}
    prefixes = {b.key: f"{b.label.lower()}:" for b in d.barriers}
    lines: list[str] = []
    for line in old:
        key = next((k for k, prefix in prefixes.items() if line.strip().lower().startswith(prefix)), None)
        answer = model.barriers.get(key) if key else None
        if key in new:
            if new[key] not in lines:
                lines.append(new[key])
        elif key is None or answer is None or answer.present is None:
            lines.append(line)  # not a barrier's line, or a barrier this assessment left unanswered
    lines += [line for line in new.values() if line not in lines]
    written += [f"individual needs line '{line}'" for line in lines if line not in old]
    written += [f"individual needs line '{line}' taken out" for line in old if line not in lines]
    if lines != old:
        p.individual_needs = "\n".join(lines) or None
        add_event(s, p.id, "personal_details", today, "Changed: individual needs (from the needs assessment)", p)
    return written


@writes(Change.ASSESSMENT, Change.CASE)
def complete_assessment(db: Database, assessment_id: str, today: date | None = None) -> NeedsCompletion:
    """Complete the assessment: refused naming each field while a section is unrated or lacks its evidence, a
    barrier present has no adjustment, or carried text is not confirmed. The barriers present are written back
    to the case record in the same transaction."""
    today = today or date.today()
    with db.write() as s:
        a = _draft(s, assessment_id)
        require(_errors(a))
        p = _person(s, a.person_id)
        name = _officer_name(s, db)  # before any field changes: its query flushes, and sealing is one change
        written = _write_back(s, a, p, today)
        a.status = "complete"
        a.completed_on = today
        a.completed_by_name = name
        add_event(s, a.person_id, "needs_completed", today, "Needs assessment completed", a)
        return NeedsCompletion(True, tuple(written))


# -- reads ------------------------------------------------------------------------------------------
def _view(s: Session, a: NeedsAssessment, as_of: date) -> NeedsView:
    d = rules.needs_data()
    model = model_of(a)
    review = _review_text(a)
    p = s.get(Person, a.person_id)
    record = _from_case_record(s, p, as_of, model.skills) if p is not None else {}

    def carried(key: str) -> tuple[str, bool]:
        now = review.now.get(key)
        if now is None or cf.carried_state(now, review.carried.get(key)) != "carried":
            return "", False
        return cf.carried_label(review.carried[key].origin, as_of), now.confirmed

    sections = []
    for sec in d.sections:
        r = model.sections.get(sec.key) or rules.SectionRating()
        label, confirmed = carried(f"section.{sec.key}.evidence")
        sections.append(SectionView(sec.key, sec.label, sec.help, r.severity, d.severities.get(r.severity or "", ""),
                                    r.risk_of_harm, r.reoffending, r.evidence, label, confirmed))
    barriers = []
    for b in d.barriers:
        ans = model.barriers.get(b.key) or rules.BarrierAnswer()
        label, _confirmed = carried(f"barrier.{b.key}.adjustment")
        barriers.append(BarrierView(b.key, b.label, b.help, ans.present, ans.adjustment, label, record.get(b.key, "")))
    referral, referral_why = rules.referral_required(model.skills)
    learning, learning_why = rules.learning_plan_required(model.skills)
    skills = SkillsView(dict(model.skills.results),
                        {d.skills_areas[k]: d.skills_results.get(model.skills.results.get(k, "not_screened"), "")
                         for k in d.skills_areas},
                        model.skills.referred_on, model.skills.full_assessment, referral, referral_why, learning,
                        learning_why)
    partners = plan_data()
    called = tuple(f"{_partner_label(partners, c.partner)}: {c.why}"
                   for c in rules.services_called_for(model, p.gender if p else None))
    complete = a.status == "complete"
    tier = rules.needs_for_tiering(model, as_of) if complete else None
    return NeedsView(
        a.id, a.person_id, a.status, a.started_on, a.completed_on, a.completed_by_name or "", a.previous_id,
        tuple(sections), skills, tuple(barriers), () if complete else tuple(_errors(a)),
        () if complete else tuple(review.unconfirmed()),
        tuple(d.barrier(k).label for k in rules.unassessed_barriers(model.barriers)), called, tier is not None, tier,
        _stored_fields(a))


def _partner_label(data: PlanData, code: str) -> str:
    found = data.partner(code)
    return found.label if found else code


def needs_view(db: Database, assessment_id: str, today: date | None = None) -> NeedsView:
    with db.read() as s:
        return _view(s, _assessment(s, assessment_id), today or date.today())


def completion_errors(db: Database, assessment_id: str) -> list[FieldError]:
    """What completing would refuse now, naming each field (empty: it can be completed)."""
    with db.read() as s:
        return _errors(_assessment(s, assessment_id))


def needs_overview(db: Database, person_id: str, today: date | None = None) -> NeedsOverview:
    """The case's current (latest completed) assessment, its open draft and its history."""
    as_of = today or date.today()
    with db.read() as s:
        _person(s, person_id)
        rows = list(s.scalars(select(NeedsAssessment).where(NeedsAssessment.person_id == person_id)))
        rows.sort(key=lambda a: (a.completed_on or a.started_on, a.created_at), reverse=True)
        done = [a for a in rows if a.status == "complete"]
        draft = next((a for a in rows if a.status == "draft"), None)
        current = _view(s, done[0], as_of) if done else None
        until = None
        if done and done[0].completed_on is not None:
            until = done[0].completed_on + timedelta(weeks=rules.needs_data().valid_for_tiering_weeks, days=-1)
        return NeedsOverview(person_id, current, _view(s, draft, as_of) if draft is not None else None,
                             tuple(NeedsItem(a.id, a.status, a.started_on, a.completed_on, a.completed_by_name or "")
                                   for a in rows), until)


def tier_needs_bulk(s: Session, person_ids: Collection[str] | None, as_of: date) -> dict[str, dict[str, str]]:
    """For the tier engine: each case's needs from its latest completed assessment valid for tiering on `as_of`
    (assessment/needs.needs_for_tiering); a case without one is left out ("no valid assessment")."""
    query = select(NeedsAssessment).where(NeedsAssessment.status == "complete",
                                          NeedsAssessment.completed_on <= as_of)
    if person_ids is not None:
        query = query.where(NeedsAssessment.person_id.in_(list(person_ids)))
    latest: dict[str, NeedsAssessment] = {}
    for a in s.scalars(query):
        held = latest.get(a.person_id)
        if held is None or (a.completed_on, a.created_at) > (held.completed_on, held.created_at):
            latest[a.person_id] = a
    out = {}
    for pid, a in latest.items():
        needs = rules.needs_for_tiering(model_of(a), as_of)
        if needs is not None:
            out[pid] = needs
    return out
