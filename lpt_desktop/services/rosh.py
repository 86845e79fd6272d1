"""Risk of Serious Harm (issue 18): screenings and reviews, the full analysis, the summary, and the officer's
writes and reads around them. Risk management plans are in services/rosh_plan.py.

Every rule is the assessment room's (assessment/rosh_screening.py, rosh_summary.py, carried_forward.py,
rosh_reviews.py): this module stores, reads and calls them, and restates none.

Writes (each one transaction; each a change of the record also adds its case_event, services/case_events.py):
  start_assessment(db, person_id, by_report_writer=False, today=None) -> assessment id
      a screening, or a review when a completed assessment exists (it starts from the latest one, every text
      section carried forward with its origin date)
  mark_report_writer(db, assessment_id, by_report_writer=True)
  save_draft(db, assessment_id, AssessmentDraft, today=None)      autosave: partial, types only, nothing lost
  set_answer(db, assessment_id, question_id, period, answer)
  set_sources(db, assessment_id, checked, reasons)
  decide_full_analysis(db, assessment_id, not_doing, reason)       the gate question
  save_analysis(db, assessment_id, period, field, text, today=None)
  save_summary(db, assessment_id, SummaryDraft, today=None)
  confirm_carried(db, assessment_id, section_key, today=None)      one section per call, by the file's officer
  discard_draft(db, assessment_id, today=None)
  complete_assessment(db, assessment_id, acknowledge_warnings=False, today=None) -> Completion
      errors refuse (ValidationError naming the field); warnings come back unless acknowledged. Completing sets
      person.rosh to the overall level, moves the RoSH register, and adds a timeline event; the completed
      assessment is the RoSH review the standards engine counts.
  confirm_screening(db, assessment_id, today=None)                 the offender manager confirms a report
                                                                   writer's screening
  revise_screening(db, assessment_id, today=None) -> review id     ... or revises it (a review from it; when
                                                                   that is completed the screening is revised)
Reads:
  rosh_overview(db, person_id, today=None) -> RoshOverview
  assessment_view(db, assessment_id, today=None) -> AssessmentView
  completion_check(db, assessment_id, today=None) -> Check        what completing would refuse or warn about
  compare_assessments(db, a_id, b_id, today=None) -> list[Difference]
  assessment_history(db, person_id) -> list[AssessmentItem]
  due_state(db) -> Hashable                                        what the standards engine reads of assessments
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lpt_desktop.assessment import carried_forward as cf
from lpt_desktop.assessment.rosh_reviews import ReviewDue, SignificantChange, confirmation_due, review_due
from lpt_desktop.assessment.rosh_screening import (
    ANSWERS,
    GATE_FIELD,
    PERIODS,
    Trigger,
    completion_problems,
    full_analysis_required,
    full_analysis_triggers,
    screening,
    source_warnings,
)
from lpt_desktop.assessment.rosh_summary import (
    RoshSummary,
    analysis_errors,
    assessment_data,
    levels_by_group,
    overall_level,
    rosh_register_for,
    summary_errors,
    summary_warnings,
)
from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.validation import FieldError, ValidationError, require
from lpt_desktop.services import countersign
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.registers import first_review_date
from lpt_desktop.services.rosh_plan import PlanView, current_plan, plan_required
from lpt_desktop.standards.calendar import WorkingCalendar
from lpt_desktop.standards.policy import load_policy, policy_names
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Meta, Officer, Person, Registration, Sentence
from lpt_desktop.store.rosh_models import RoshAssessment, RoshConfirmation

KINDS = ("screening", "review")
DEFAULT_REVIEW_MONTHS = 6  # when the policy in force has no rosh_review interval (never, as shipped)


# -- what the screens send --------------------------------------------------------------------------
@dataclass(frozen=True)
class SummaryDraft:
    """The summary as typed; None leaves a part as it was (an autosave sends what it has)."""

    texts: Mapping[str, str] | None = None  # summary field code -> text (who_at_risk, nature, imminence, ...)
    community: Mapping[str, str | None] | None = None  # group code -> L | M | H | VH | None
    custody: Mapping[str, str | None] | None = None
    no_analysis_reason: str | None = None  # a screened-out summary: why no full analysis was needed


@dataclass(frozen=True)
class AssessmentDraft:
    """Everything an assessment form holds; None leaves a part as it was (autosave: partial, types only)."""

    answers: Mapping[str, Mapping[str, str]] | None = None  # question id -> period -> yes | no | dont_know
    sources_checked: Sequence[str] | None = None
    source_reasons: Mapping[str, str] | None = None  # source code -> why it could not be checked
    sources_note: str | None = None  # notes on the sources: names an "Other" source, says what a check found
    not_doing_full_analysis: bool | None = None  # the gate: a reasoned decision not to do one
    gate_reason: str | None = None
    analysis: Mapping[str, Mapping[str, str]] | None = None  # period -> field code -> text
    summary: SummaryDraft | None = None


# -- what the screens read --------------------------------------------------------------------------
@dataclass(frozen=True)
class Completion:
    """What complete_assessment did: completed, or not yet because of warnings to acknowledge."""

    completed: bool
    warnings: list[str]
    level: str | None = None  # the overall RoSH level put in force
    register: str | None = None  # the RoSH register now on the case (RLRH ...)


@dataclass(frozen=True)
class CheckWarning:
    """A warning with what it is about, so a screen goes to it without reading the words: the field (a source's
    label, "Risk of serious harm levels") and the form's step that holds it."""

    field: str
    step: str  # one of STEP_KEYS
    message: str

    def __str__(self) -> str:
        return self.message


STEP_KEYS = ("screening", "sources", "analysis", "summary", "carried")
LEVELS_FIELD = "Risk of serious harm levels"
SOURCES_NOTE_FIELD = "Notes on the sources"


@dataclass(frozen=True)
class Check:
    """What completing would refuse (errors) and warn about (warnings), without writing anything."""

    errors: list[FieldError]
    warnings: list[CheckWarning]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class SectionView:
    """One text section of an assessment, with whether it is carried forward unchanged."""

    key: str  # "analysis.current.what", "summary.who_at_risk", "summary.no_analysis_reason"
    label: str  # "Current behaviour: What happened", "Who is at risk"
    text: str
    carried: bool  # still the text carried in from the previous assessment
    origin: date | None  # when this text was first written
    carried_label: str  # "carried forward from 03/02/2024, 2 years 9 months old", or ""
    confirmed_by: str | None
    confirmed_on: date | None

    @property
    def needs_confirmation(self) -> bool:
        return self.carried and not (self.confirmed_by and self.confirmed_on)


@dataclass(frozen=True)
class AssessmentItem:
    """A line of a case's RoSH history."""

    id: str
    kind: str  # screening | review
    status: str  # draft | complete
    started_on: date
    completed_on: date | None
    completed_by: str | None  # by name
    level: str | None
    by_report_writer: bool
    confirmation: str | None  # confirmed | revised | None
    countersign_status: str


@dataclass(frozen=True)
class AssessmentView:
    id: str
    person_id: str
    kind: str
    status: str
    started_on: date
    completed_on: date | None
    completed_by: str | None
    by_report_writer: bool
    confirmation: str | None
    confirmed_on: date | None
    confirmed_by: str | None
    previous_id: str | None
    answers: dict[str, dict[str, str]]
    sources_checked: list[str]
    source_reasons: dict[str, str]
    triggers: tuple[Trigger, ...]  # the answers that require a full analysis
    full_analysis: str  # not_needed | required | carried (required, carried in: confirm or update) | not_doing | done
    gate_reason: str | None
    analysis: dict[str, dict[str, str]]  # period -> field -> text
    summary_texts: dict[str, str]
    community: dict[str, str | None]
    custody: dict[str, str | None]
    in_custody: bool
    no_analysis_reason: str | None
    overall_level: str | None  # the level now chosen (draft) or put in force (complete)
    sections: list[SectionView]
    carried_share: float  # 0.0 to 1.0 of the text still carried forward unchanged
    oldest_carried: date | None
    unconfirmed: list[str]  # keys of carried sections not yet confirmed
    warnings_acknowledged: list[str]
    countersign_status: str
    # Carried text as old as the data's threshold (12 months) or more: (section key, origin), oldest first.
    stale_carried: list[tuple[str, date]] = field(default_factory=list)
    sources_note: str = ""  # notes on the sources checked (names an "Other" source)


@dataclass(frozen=True)
class RoshOverview:
    person_id: str
    crn: str
    level: str | None  # the case's RoSH level now (person.rosh)
    level_label: str  # "Medium", or "Not assessed"
    current: AssessmentView | None  # the latest completed assessment
    draft: AssessmentView | None  # the assessment being written, if any
    review: ReviewDue  # due_on and why, in words
    confirmation_due: date | None  # a report writer's screening not yet confirmed: by when
    carried_share: float  # of the current (or draft) assessment
    oldest_carried: date | None
    plan: PlanView | None  # the current plan (services/rosh_plan.py)
    plan_required: bool
    history: list[AssessmentItem] = field(default_factory=list)  # newest first
    signing_status: str = "unsigned"


@dataclass(frozen=True)
class Difference:
    """One section that differs between two assessments, in words."""

    key: str
    label: str
    before: str
    after: str
    words: str  # "Who is at risk: rewritten", "Risk to children (in the community): low to medium"


# -- sections: the texts an assessment holds --------------------------------------------------------
def section_labels() -> dict[str, str]:
    """Every text section's key and label, in the form's order."""
    data = assessment_data()
    out = {}
    for period, plabel in data.analysis_periods.items():
        for f in data.analysis_fields:
            out[f"analysis.{period}.{f.code}"] = f"{plabel}: {f.label}"
    for f in data.summary_fields:
        out[f"summary.{f.code}"] = f.label
    out["summary.no_analysis_reason"] = data.screened_out_label
    return out


def _texts(a: RoshAssessment) -> dict[str, str]:
    """The assessment's text sections now, by key (empty ones left out)."""
    out: dict[str, str] = {}
    state = _full_analysis_state(a)
    # The full analysis is a section only while one is owed or done: with no trigger, or after a decision not to
    # do one, the form does not show it, so it is neither carried nor confirmed nor compared.
    for period, fields in (a.analysis or {}).items() if state not in ("not_needed", "not_doing") else ():
        for code, text in (fields or {}).items():
            if (text or "").strip():
                out[f"analysis.{period}.{code}"] = text
    for code, text in ((a.summary or {}).get("texts") or {}).items():
        if (text or "").strip():
            out[f"summary.{code}"] = text
    reason = (a.summary or {}).get("no_analysis_reason")
    # Why no full analysis was needed is a section only while none is needed: once an answer requires one, the
    # analysis or the gate's reason (written in this assessment) takes its place, so it is neither carried nor
    # confirmed nor printed.
    if (reason or "").strip() and state == "not_needed":
        out["summary.no_analysis_reason"] = str(reason)
    return out


def _review_text(a: RoshAssessment) -> cf.ReviewText:
    """The assessment's sections as carried_forward sees them: what was carried in, and the text now."""
    return cf.from_json(a.carried, _texts(a), a.started_on)


def _store_now(a: RoshAssessment, review: cf.ReviewText) -> None:
    a.carried = cf.with_now(a.carried, review)


def _set_texts(a: RoshAssessment, new: Mapping[str, str], on: date) -> None:
    """Write text sections (key -> text), keeping each one's origin and confirmation as carried_forward says."""
    review = _review_text(a).write(new, on)
    analysis = {p: dict(f) for p, f in (a.analysis or {}).items()}
    summary = dict(a.summary or {})
    texts = dict(summary.get("texts") or {})
    for key, text in new.items():
        part = key.split(".")
        if part[0] == "analysis":
            analysis.setdefault(part[1], {})[part[2]] = text
        elif key == "summary.no_analysis_reason":
            summary["no_analysis_reason"] = text
        else:
            texts[part[1]] = text
    summary["texts"] = texts
    a.analysis = analysis
    a.summary = summary
    _store_now(a, review)


# -- small helpers ----------------------------------------------------------------------------------
def _officer(s: Session, db: Database) -> tuple[str | None, str]:
    """(id, name) of the file's officer: who completes and confirms on this laptop."""
    oid = db.officer_id or s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
    officer = s.get(Officer, oid) if oid else None
    return (officer.id, officer.name) if officer else (oid, db.actor)


def _assessment(s: Session, assessment_id: str) -> RoshAssessment:
    a = s.get(RoshAssessment, assessment_id)
    if a is None:
        raise ValidationError([FieldError("RoSH assessment", "is no longer on this case: open the case again")])
    return a


def _draft(s: Session, assessment_id: str) -> RoshAssessment:
    a = _assessment(s, assessment_id)
    if a.status != "draft":
        raise ValidationError([FieldError("RoSH assessment", f"was completed on {format_date(a.completed_on)} "
                                                             "and is kept as it was: start a review to change it")])
    return a


def _confirmation(s: Session, assessment_id: str) -> RoshConfirmation | None:
    """The offender manager's confirmation (or revision) of a report writer's screening, if made."""
    return s.get(RoshConfirmation, assessment_id)


def _person(s: Session, person_id: str) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return p


def _in_custody(s: Session, person_id: str) -> bool:
    """Recalled on a licence and not yet re-released: the custody levels then give the overall level."""
    return s.scalar(select(Sentence.id).where(Sentence.person_id == person_id, Sentence.terminated_on.is_(None),
                                              Sentence.recalled_on.is_not(None)).limit(1)) is not None


def _sentence_start(s: Session, person_id: str) -> date | None:
    starts = s.scalars(select(Sentence.start_date).where(Sentence.person_id == person_id,
                                                         Sentence.terminated_on.is_(None))).all()
    return max(starts) if starts else None


def _full_analysis_state(a: RoshAssessment) -> str:
    """not_needed | required | carried | not_doing | done, from the answers and the gate decision. A review
    whose required analysis was carried in from the previous assessment is 'carried': the officer confirms or
    updates each carried section rather than writing it afresh."""
    triggers = full_analysis_triggers(a.answers or {})
    if not triggers:
        return "not_needed"
    if a.full_analysis == "not_doing":
        return "not_doing"
    if a.status == "complete":
        return "done"
    if not full_analysis_required(triggers, False):
        return "not_needed"
    carried_in = ((a.carried or {}).get("in") or {})
    return "carried" if any(k.startswith("analysis.") for k in carried_in) else "required"


def _summary_of(a: RoshAssessment, in_custody: bool) -> RoshSummary:
    summary = a.summary or {}
    state = _full_analysis_state(a)
    # The gate's reason, written in this assessment, says why there is no full analysis: it replaces any
    # screened-out reason carried from before (not asked twice, never the old text beside a new decision).
    reason = a.gate_reason if state == "not_doing" else summary.get("no_analysis_reason") \
        if state == "not_needed" else None
    return RoshSummary(texts=dict(summary.get("texts") or {}), community=dict(summary.get("community") or {}),
                       custody=dict(summary.get("custody") or {}), in_custody=in_custody,
                       screened_out=state in ("not_needed", "not_doing"), no_analysis_reason=reason)


def _type_errors(draft: AssessmentDraft) -> list[FieldError]:
    """An autosave checks types only: a mapping of texts where texts are expected, codes from the lists."""
    errors = []

    def texts(name: str, value: Any, depth: int) -> None:
        ok = isinstance(value, Mapping) and all(
            isinstance(k, str) and (texts_ok(v, depth - 1)) for k, v in value.items())
        if not ok:
            errors.append(FieldError(name, "is not in the expected form: reopen the assessment and type it again"))

    def texts_ok(v: Any, depth: int) -> bool:
        if depth == 0:
            return v is None or isinstance(v, str)
        return isinstance(v, Mapping) and all(isinstance(k, str) and texts_ok(x, depth - 1) for k, x in v.items())

    if draft.answers is not None:
        texts("Screening answers", draft.answers, 2)
        bad = sorted({x for per in draft.answers.values() if isinstance(per, Mapping)
                      for x in per.values() if x not in ANSWERS and x not in (None, "")})
        if bad:
            errors.append(FieldError("Screening answers", f"'{bad[0]}' is not an answer: choose yes, no or "
                                                          "don't know"))
    if draft.sources_checked is not None and not all(isinstance(c, str) for c in draft.sources_checked):
        errors.append(FieldError("Sources checked", "is not a list of sources: tick them again"))
    if draft.source_reasons is not None:
        texts("Reasons a source was not checked", draft.source_reasons, 1)
    if draft.sources_note is not None and not isinstance(draft.sources_note, str):
        errors.append(FieldError(SOURCES_NOTE_FIELD, "is not text: reopen the assessment and type it again"))
    if draft.analysis is not None:
        texts("Full analysis", draft.analysis, 2)
        wrong = sorted(set(draft.analysis) - set(PERIODS))
        if wrong:
            errors.append(FieldError("Full analysis", f"'{wrong[0]}' is not current or previous behaviour"))
    if draft.summary is not None:
        sm = draft.summary
        if sm.texts is not None:
            texts("Summary", sm.texts, 1)
        for name, levels in (("Levels in the community", sm.community), ("Levels in custody", sm.custody)):
            if levels is None:
                continue
            texts(name, levels, 1)
            bad_levels = sorted({v for v in levels.values() if v and v not in reference().rosh_levels})
            if bad_levels:
                errors.append(FieldError(name, f"'{bad_levels[0]}' is not a level: choose low, medium, high or "
                                               "very high"))
    return errors


def _apply(a: RoshAssessment, draft: AssessmentDraft, on: date) -> None:
    if draft.answers is not None:
        answers = {q: dict(p) for q, p in (a.answers or {}).items()}
        for qid, periods in draft.answers.items():
            for period, answer in periods.items():
                if answer:
                    answers.setdefault(qid, {})[period] = answer
                else:
                    answers.get(qid, {}).pop(period, None)
        a.answers = {q: p for q, p in answers.items() if p}
    if draft.sources_checked is not None:
        a.sources_checked = list(dict.fromkeys(draft.sources_checked))
    if draft.source_reasons is not None:
        # Merged, not replaced: a form sends only the reasons it changed ('' clears one).
        reasons = {**(a.source_reasons or {}), **draft.source_reasons}
        a.source_reasons = {k: v for k, v in reasons.items() if (v or "").strip()}
    if draft.sources_note is not None:
        # Kept in the summary's JSON (no column of its own): it travels with the assessment in sync and export.
        kept = {k: v for k, v in (a.summary or {}).items() if k != "sources_note"}
        a.summary = {**kept, "sources_note": draft.sources_note} if draft.sources_note.strip() else kept
    if draft.not_doing_full_analysis is not None:
        a.full_analysis = "not_doing" if draft.not_doing_full_analysis else None
    if draft.gate_reason is not None:
        a.gate_reason = draft.gate_reason
    if a.full_analysis != "not_doing":
        a.full_analysis = "required" if full_analysis_triggers(a.answers or {}) else None
    new_texts: dict[str, str] = {}
    if draft.analysis is not None:
        for period, fields in draft.analysis.items():
            for code, text in fields.items():
                new_texts[f"analysis.{period}.{code}"] = text or ""
    sm = draft.summary
    if sm is not None:
        for code, text in (sm.texts or {}).items():
            new_texts[f"summary.{code}"] = text or ""
        if sm.no_analysis_reason is not None:
            new_texts["summary.no_analysis_reason"] = sm.no_analysis_reason
        summary = dict(a.summary or {})
        for part, levels in (("community", sm.community), ("custody", sm.custody)):
            if levels is not None:
                merged = dict(summary.get(part) or {})
                merged.update({g: (lv or None) for g, lv in levels.items()})
                summary[part] = merged
        a.summary = summary
    if new_texts:
        _set_texts(a, new_texts, on)


# -- one field at a time: what a form changed, and what it showed before ---------------------------------
class EditedElsewhere(ValidationError):
    """A draft's field changed elsewhere (a sync from another laptop) since the form showed it; `now` holds the
    stored values of those fields by draft key, so the form can show them beside the officer's typing."""

    def __init__(self, errors: list[FieldError], now: dict[str, Any]) -> None:
        super().__init__(errors)
        self.now = now


def draft_fields(draft: AssessmentDraft) -> dict[str, Any]:
    """A draft as flat fields (key -> value), the unit a form compares and a clash is found in: one answer,
    one source's reason, one text section, one level."""
    out: dict[str, Any] = {}
    for qid, periods in (draft.answers or {}).items():
        for period, answer in periods.items():
            out[f"answer.{qid}.{period}"] = answer or ""
    if draft.sources_checked is not None:
        out["sources_checked"] = sorted(set(draft.sources_checked))
    for code, reason in (draft.source_reasons or {}).items():
        out[f"source_reason.{code}"] = reason or ""
    if draft.sources_note is not None:
        out["sources_note"] = draft.sources_note
    if draft.not_doing_full_analysis is not None:
        out["not_doing"] = bool(draft.not_doing_full_analysis)
    if draft.gate_reason is not None:
        out["gate_reason"] = draft.gate_reason
    for period, fields in (draft.analysis or {}).items():
        for code, text in fields.items():
            out[f"analysis.{period}.{code}"] = text or ""
    sm = draft.summary
    if sm is not None:
        for code, text in (sm.texts or {}).items():
            out[f"summary.{code}"] = text or ""
        if sm.no_analysis_reason is not None:
            out["summary.no_analysis_reason"] = sm.no_analysis_reason
        for part, levels in (("community", sm.community), ("custody", sm.custody)):
            for group, level in (levels or {}).items():
                out[f"{part}.{group}"] = level or None
    return out


def draft_of(fields: Mapping[str, Any]) -> AssessmentDraft:
    """The draft holding just these flat fields (the inverse of draft_fields)."""
    answers: dict[str, dict[str, str]] = {}
    reasons: dict[str, str] = {}
    analysis: dict[str, dict[str, str]] = {}
    texts: dict[str, str] = {}
    levels: dict[str, dict[str, str | None]] = {}
    for key, value in fields.items():
        head, _, rest = key.partition(".")
        if head == "answer":
            qid, _, period = rest.rpartition(".")
            answers.setdefault(qid, {})[period] = value or ""
        elif head == "source_reason":
            reasons[rest] = value or ""
        elif head == "analysis":
            period, _, code = rest.partition(".")
            analysis.setdefault(period, {})[code] = value or ""
        elif head == "summary" and rest != "no_analysis_reason":
            texts[rest] = value or ""
        elif head in ("community", "custody"):
            levels.setdefault(head, {})[rest] = value or None
    summary = None
    if texts or levels or "summary.no_analysis_reason" in fields:
        summary = SummaryDraft(texts=texts or None, community=levels.get("community"), custody=levels.get("custody"),
                               no_analysis_reason=fields.get("summary.no_analysis_reason"))
    return AssessmentDraft(
        answers=answers or None, sources_checked=fields.get("sources_checked"), source_reasons=reasons or None,
        sources_note=fields.get("sources_note"),
        not_doing_full_analysis=fields.get("not_doing"), gate_reason=fields.get("gate_reason"),
        analysis=analysis or None, summary=summary)


def _stored_fields(a: RoshAssessment) -> dict[str, Any]:
    """The stored draft as flat fields, as a form that showed it holds them (an empty text is '')."""
    summary = a.summary or {}
    out: dict[str, Any] = {"sources_checked": sorted(set(a.sources_checked or [])),
                           "sources_note": summary.get("sources_note") or "",
                           "not_doing": a.full_analysis == "not_doing", "gate_reason": a.gate_reason or "",
                           "summary.no_analysis_reason": summary.get("no_analysis_reason") or ""}
    for qid, periods in (a.answers or {}).items():
        for period, answer in (periods or {}).items():
            out[f"answer.{qid}.{period}"] = answer or ""
    for code, reason in (a.source_reasons or {}).items():
        out[f"source_reason.{code}"] = reason or ""
    for period, fields in (a.analysis or {}).items():
        for code, text in (fields or {}).items():
            out[f"analysis.{period}.{code}"] = text or ""
    for code, text in (summary.get("texts") or {}).items():
        out[f"summary.{code}"] = text or ""
    for part in ("community", "custody"):
        for group, level in (summary.get(part) or {}).items():
            out[f"{part}.{group}"] = level or None
    return out


def _norm(value: Any) -> Any:
    if value is None or value == "":
        return ""
    return value.strip() if isinstance(value, str) else value


def field_label(key: str) -> str:
    """The words for a flat field, as the form names it."""
    head, _, rest = key.partition(".")
    if key in section_labels():
        return section_labels()[key]
    if head == "answer":
        qid, _, period = rest.rpartition(".")
        try:
            text = screening().question(qid).text
        except KeyError:
            text = qid
        return f"Screening: {text} ({'previous' if period == 'previous' else 'current'})"
    if head == "source_reason":
        return "Reason a source was not checked"
    if head in ("community", "custody"):
        return f"Levels in {'the community' if head == 'community' else 'custody'}"
    return {"sources_checked": "Sources checked", "sources_note": SOURCES_NOTE_FIELD,
            "not_doing": "Full analysis decision", "gate_reason": "Reason for not doing a full analysis"}.get(key, key)


def _clashes(a: RoshAssessment, draft: AssessmentDraft, before: AssessmentDraft) -> dict[str, Any]:
    """The fields the draft changes whose stored value is no longer what the form showed (`before`), nor what
    the form now sends: another laptop's text, which this save must not overwrite."""
    stored = _stored_fields(a)
    base = draft_fields(before)
    out: dict[str, Any] = {}
    for key, value in draft_fields(draft).items():
        if key not in base:
            continue
        now = stored.get(key, "")
        if _norm(now) != _norm(base[key]) and _norm(now) != _norm(value):
            out[key] = now
    return out


# -- writes -----------------------------------------------------------------------------------------
@writes(Change.ASSESSMENT, Change.CASE)
def start_assessment(db: Database, person_id: str, by_report_writer: bool = False, today: date | None = None) -> str:
    """Start a RoSH screening, or a review when the case has a completed assessment: the review starts from the
    latest one, its answers, analysis, summary and levels copied and every text section marked as carried
    forward with the date it was first written. Refused while another draft is open."""
    today = today or date.today()
    with db.write() as s:
        _person(s, person_id)
        open_draft = s.scalar(select(RoshAssessment).where(RoshAssessment.person_id == person_id,
                                                           RoshAssessment.status == "draft"))
        if open_draft is not None:
            raise ValidationError([FieldError("RoSH assessment", f"a draft started {format_date(open_draft.started_on)}"
                                                                 " is open: carry on with it, or discard it first")])
        previous = _latest_complete(s, person_id)
        a = _new_from(previous, person_id, by_report_writer, today)
        s.add(a)
        what = "RoSH review started" if previous else "RoSH screening started"
        add_event(s, person_id, "rosh_started", today,
                  what + (" (by the report writer)" if by_report_writer else ""), a)
        return a.id


def _latest_complete(s: Session, person_id: str) -> RoshAssessment | None:
    return s.scalar(select(RoshAssessment).where(RoshAssessment.person_id == person_id,
                                                 RoshAssessment.status == "complete")
                    .order_by(RoshAssessment.completed_on.desc(), RoshAssessment.created_at.desc()).limit(1))


def _new_from(previous: RoshAssessment | None, person_id: str, by_report_writer: bool, today: date) -> RoshAssessment:
    if previous is None:
        return RoshAssessment(person_id=person_id, kind="screening", status="draft", started_on=today,
                              by_report_writer=by_report_writer, answers={}, sources_checked=[], source_reasons={},
                              analysis={}, summary={}, carried={}, warnings_acknowledged=[],
                              countersign_status="unsigned")
    summary = dict(previous.summary or {})
    summary.pop("in_custody", None)
    summary.pop("sources_note", None)  # the sources are checked again, and noted again, for each assessment
    a = RoshAssessment(person_id=person_id, kind="review", status="draft", started_on=today,
                       by_report_writer=by_report_writer, previous_id=previous.id,
                       answers={q: dict(p) for q, p in (previous.answers or {}).items()},
                       # Sources are checked again for each assessment: that is what a review is for.
                       sources_checked=[], source_reasons={},
                       full_analysis=None, gate_reason=None,
                       analysis={p: dict(f) for p, f in (previous.analysis or {}).items()}, summary=summary,
                       warnings_acknowledged=[], countersign_status="unsigned")
    a.full_analysis = "required" if full_analysis_triggers(a.answers) else None
    # The previous assessment's texts with the days they were first written, every confirmation cleared.
    a.carried = cf.to_json(cf.ReviewText.start(_review_text(previous).now))
    return a


@writes(Change.ASSESSMENT)
def mark_report_writer(db: Database, assessment_id: str, by_report_writer: bool = True) -> None:
    """Mark a draft as a report writer's screening (court work): the offender manager must then confirm or
    revise it at the start of the sentence."""
    with db.write() as s:
        _draft(s, assessment_id).by_report_writer = by_report_writer


@writes(Change.ASSESSMENT)
def save_draft(db: Database, assessment_id: str, draft: AssessmentDraft, today: date | None = None,
               before: AssessmentDraft | None = None) -> None:
    """Autosave: the fields the form changed, checked for types only, so nothing typed is lost. (No timeline
    event: a draft saved every few seconds is not a change of the record; starting and completing are.)

    `before`: those fields as the form last showed them. A field whose stored value is no longer that (a sync
    brought another laptop's text) is refused with EditedElsewhere naming it, and nothing of this call is
    saved, so one officer's text never silently replaces another's."""
    require(_type_errors(draft))
    with db.write() as s:
        a = _draft(s, assessment_id)
        if before is not None:
            clashes = _clashes(a, draft, before)
            if clashes:
                raise EditedElsewhere(
                    [FieldError(field_label(k), "was changed on another laptop since you opened the assessment: "
                                                 "the form now shows that text, and yours beside it to merge")
                     for k in clashes], clashes)
        _apply(a, draft, today or date.today())


def set_answer(db: Database, assessment_id: str, question_id: str, period: str, answer: str | None) -> None:
    """One screening answer (yes, no, dont_know; None clears it)."""
    try:
        screening().question(question_id)
    except KeyError:
        raise ValidationError([FieldError("Screening", f"'{question_id}' is not a screening question: reopen "
                                                       "the assessment")]) from None
    save_draft(db, assessment_id, AssessmentDraft(answers={question_id: {period: answer or ""}}))


def set_sources(db: Database, assessment_id: str, checked: Sequence[str], reasons: Mapping[str, str]) -> None:
    """The sources checked, and why any required one could not be."""
    # Every source's reason: a checked one's is cleared (save_draft merges reasons).
    every = {code: "" for code in checked}
    every.update(reasons)
    save_draft(db, assessment_id, AssessmentDraft(sources_checked=checked, source_reasons=every))


def decide_full_analysis(db: Database, assessment_id: str, not_doing: bool, reason: str | None = None) -> None:
    """The gate question: a reasoned decision not to do the full analysis a screening triggered (the reason is
    checked at completion; shown to the team manager)."""
    save_draft(db, assessment_id, AssessmentDraft(not_doing_full_analysis=not_doing, gate_reason=reason or ""))


def save_analysis(db: Database, assessment_id: str, period: str, field_code: str, text: str,
                  today: date | None = None) -> None:
    """One field of the full analysis (period current or previous)."""
    save_draft(db, assessment_id, AssessmentDraft(analysis={period: {field_code: text}}), today)


def save_summary(db: Database, assessment_id: str, summary: SummaryDraft, today: date | None = None) -> None:
    """The summary's texts and levels (partial: None leaves a part as it was)."""
    save_draft(db, assessment_id, AssessmentDraft(summary=summary), today)


@writes(Change.ASSESSMENT)
def confirm_carried(db: Database, assessment_id: str, section_key: str, today: date | None = None) -> None:
    """Confirm that one section carried forward unchanged still holds, recording who (the file's officer) and
    when. One section per call, by design: there is no way to confirm them all at once."""
    today = today or date.today()
    with db.write() as s:
        a = _draft(s, assessment_id)
        review = _review_text(a)
        if section_key not in review.now or review.state(section_key) != "carried":
            label = section_labels().get(section_key, section_key)
            raise ValidationError([FieldError(label, "is not carried forward unchanged: nothing to confirm")])
        _oid, name = _officer(s, db)
        _store_now(a, review.confirm(section_key, name, today))


@writes(Change.ASSESSMENT, Change.CASE)
def discard_draft(db: Database, assessment_id: str, today: date | None = None) -> None:
    """Throw away a draft assessment (a completed one is never removed)."""
    with db.write() as s:
        a = _draft(s, assessment_id)
        add_event(s, a.person_id, "rosh_discarded", today or date.today(),
                  f"RoSH {a.kind} started {format_date(a.started_on)} discarded")
        s.delete(a)


def _source_warnings(checked: Sequence[str], reasons: Mapping[str, str]) -> list[CheckWarning]:
    """The screening room's source warnings, each with the source it is about: asked one required source at a
    time (the others counted as checked), so the rule stays there."""
    required = screening().required_sources
    out = []
    for src in required:
        others = [o.code for o in required if o.code != src.code]
        out += [CheckWarning(src.label, "sources", w) for w in source_warnings([*checked, *others], reasons)]
    return out


def _check(s: Session, a: RoshAssessment) -> tuple[list[FieldError], list[CheckWarning], str | None, bool]:
    """(errors, warnings, overall level, in custody) for completing the assessment."""
    in_custody = _in_custody(s, a.person_id)
    state = _full_analysis_state(a)
    problems = completion_problems(a.answers or {}, a.sources_checked or [], a.source_reasons or {},
                                   a.full_analysis == "not_doing", a.gate_reason)
    errors = list(problems.errors)
    warnings = _source_warnings(a.sources_checked or [], a.source_reasons or {})
    if [w.message for w in warnings] != list(problems.warnings):  # the room's rule changed shape: still shown
        warnings = [CheckWarning("Sources checked", "sources", w) for w in problems.warnings]
    if state in ("required", "carried"):
        errors += analysis_errors(a.analysis or {})
    summary = _summary_of(a, in_custody)
    errors += summary_errors(summary)
    warnings += [CheckWarning(LEVELS_FIELD, "summary", w) for w in summary_warnings(summary)]
    labels = section_labels()
    review = _review_text(a)
    for key in review.unconfirmed():
        origin = review.carried[key].origin
        errors.append(FieldError(labels.get(key, key), f"is {cf.carried_label(origin, a.started_on)}: confirm it "
                                                       "still holds, or rewrite it"))
    level = overall_level(summary.community, summary.custody, in_custody)
    return errors, warnings, level, in_custody


@writes(Change.ASSESSMENT, Change.CASE, Change.REGISTER)
def complete_assessment(db: Database, assessment_id: str, acknowledge_warnings: bool = False,
                        today: date | None = None) -> Completion:
    """Complete the assessment. Errors refuse it (ValidationError naming each field); warnings (domestic abuse
    or child-protection checks not done, a screened-out level above low) come back with completed False
    unless acknowledge_warnings, and the acknowledged warnings are kept. Completing puts the overall level on
    the case at once (person.rosh), ends the old RoSH register and adds the new one, and adds a timeline
    event; a review that revises a report writer's screening marks that screening revised."""
    today = today or date.today()
    with db.write() as s:
        a = _draft(s, assessment_id)
        errors, warnings, level, in_custody = _check(s, a)
        if level is None and not errors:
            errors.append(FieldError("RoSH level", "is not chosen: choose a level for each group"))
        require(errors)
        words = [w.message for w in warnings]
        if warnings and not acknowledge_warnings:
            return Completion(False, words)
        assert level is not None
        oid, name = _officer(s, db)
        a.status = "complete"
        a.completed_on = today
        a.completed_by, a.completed_by_name = oid, name
        a.overall_level = level
        a.warnings_acknowledged = words
        a.summary = {**(a.summary or {}), "in_custody": in_custody}
        if _full_analysis_state(a) == "done" and a.full_analysis != "not_doing":
            a.full_analysis = "done"
        person = _person(s, a.person_id)
        old = person.rosh
        person.rosh = level
        register = _move_register(s, a.person_id, level, today)
        label = reference().rosh_levels[level].label.lower()
        change = f" (was {reference().rosh_levels[old].label.lower()})" if old and old != level and \
            old in reference().rosh_levels else ""
        add_event(s, a.person_id, "rosh_completed", today,
                  f"RoSH {a.kind} completed: {label} risk of serious harm{change}", a)
        if a.previous_id and not a.by_report_writer:
            prev = s.get(RoshAssessment, a.previous_id)
            if prev is not None and prev.by_report_writer and _confirmation(s, prev.id) is None:
                # Its own record: the completed screening is sealed (never written again).
                s.add(RoshConfirmation(id=prev.id, person_id=prev.person_id, assessment_id=prev.id,
                                       action="revised", review_id=a.id, on_date=today, by_officer=oid,
                                       by_name=name))
        # Issue 19: submitted for countersignature, or self-signed when the Trust's rule needs none.
        countersign.record_completion(s, db, "rosh_assessment", a, today)
        return Completion(True, words, level, register)


def custody_changed(s: Session, person_id: str, on: date) -> str | None:
    """A recall or a re-release was recorded (services/case_record.py calls this in its transaction): the
    overall level is the highest custody level while in custody and the highest community level otherwise, so
    it is worked out again from the current assessment and put on the case and its RoSH register as completing
    does. Returns the level in force, or None when the assessment has no level for the new setting (custody
    levels not assessed: the level stays, and the recall owes a review as a significant change)."""
    a = _latest_complete(s, person_id)
    if a is None:
        return None
    summary = a.summary or {}
    level = overall_level(summary.get("community") or {}, summary.get("custody") or {}, _in_custody(s, person_id))
    if level is None:
        return None
    person = _person(s, person_id)
    if person.rosh != level:
        person.rosh = level
        _move_register(s, person_id, level, on)
    return level


def _move_register(s: Session, person_id: str, level: str, on: date) -> str:
    """End any other RoSH register and add this level's, or review it when it is already on (the same rows
    services/registers.py writes; one timeline event of its own, not 'register added', which would open
    another review)."""
    code = rosh_register_for(level)
    rosh_codes = set(assessment_data().registers.values())
    current = s.scalars(select(Registration).where(Registration.person_id == person_id,
                                                   Registration.type_code.in_(sorted(rosh_codes)),
                                                   Registration.ended_on.is_(None))).all()
    if any(r.type_code == code for r in current):
        for r in current:
            if r.type_code != code:
                r.ended_on, r.end_reason, r.next_review_date = on, f"RoSH level now {level}", None
            else:  # the assessment is the register's review: its next falls due from today
                r.reviewed_on, r.next_review_date = on, first_review_date(code, on)
        return code
    for r in current:
        r.ended_on = max(on, r.start_date)
        r.end_reason = f"RoSH level now {level}"
        r.next_review_date = None
    reg = Registration(person_id=person_id, type_code=code, start_date=on,
                       notes="From the RoSH assessment completed " + format_date(on),
                       next_review_date=first_review_date(code, on))
    s.add(reg)
    labels = reference().register_types
    ended = ", ".join(labels[r.type_code].label if r.type_code in labels else r.type_code for r in current)
    add_event(s, person_id, "rosh_register", on,
              f"{labels[code].label if code in labels else code} from {format_date(on)}"
              + (f"; {ended} ended" if ended else ""), reg)
    return code


@writes(Change.ASSESSMENT, Change.CASE)
def confirm_screening(db: Database, assessment_id: str, today: date | None = None) -> None:
    """The offender manager confirms a report writer's screening (at the start of the sentence)."""
    today = today or date.today()
    with db.write() as s:
        a = _assessment(s, assessment_id)
        errors = []
        if not a.by_report_writer:
            errors.append(FieldError("RoSH screening", "was not made by a report writer: nothing to confirm"))
        elif a.status != "complete":
            errors.append(FieldError("RoSH screening", "is still a draft: the report writer completes it first"))
        elif (done := _confirmation(s, a.id)) is not None:
            errors.append(FieldError("RoSH screening", f"was already {done.action} on "
                                                       f"{format_date(done.on_date)}"))
        require(errors)
        oid, name = _officer(s, db)
        s.add(RoshConfirmation(id=a.id, person_id=a.person_id, assessment_id=a.id, action="confirmed",
                               on_date=today, by_officer=oid, by_name=name))
        add_event(s, a.person_id, "rosh_confirmed", today,
                  f"Report writer's RoSH screening of {format_date(a.completed_on)} confirmed by {name}", a)


def revise_screening(db: Database, assessment_id: str, today: date | None = None) -> str:
    """The offender manager revises a report writer's screening: a review starts from it, and completing that
    review marks the screening revised. Returns the review's id."""
    with db.read() as s:
        a = _assessment(s, assessment_id)
        if not a.by_report_writer or a.status != "complete" or _confirmation(s, a.id) is not None:
            raise ValidationError([FieldError("RoSH screening", "is not a completed report writer's screening "
                                                                "awaiting confirmation: nothing to revise")])
        person_id = a.person_id
    return start_assessment(db, person_id, False, today)


# -- reads ------------------------------------------------------------------------------------------
def _view(s: Session, a: RoshAssessment, as_of: date) -> AssessmentView:
    # A completed assessment is kept as it was: its carried text's ages are as of its completion, not today.
    if a.status == "complete" and a.completed_on is not None:
        as_of = a.completed_on
    summary = a.summary or {}
    in_custody = bool(summary.get("in_custody")) if a.status == "complete" else _in_custody(s, a.person_id)
    review = _review_text(a)
    labels = section_labels()
    sections = []
    for key, text in _texts(a).items():
        sec = review.now[key]
        carried = review.state(key) == "carried"
        origin = review.carried[key].origin if carried else sec.origin
        sections.append(SectionView(key, labels.get(key, key), text, carried, origin,
                                    cf.carried_label(origin, as_of) if carried else "", sec.confirmed_by,
                                    sec.confirmed_on))
    order = list(labels)
    sections.sort(key=lambda v: order.index(v.key) if v.key in order else len(order))
    rs = _summary_of(a, in_custody)
    conf = _confirmation(s, a.id)
    return AssessmentView(
        id=a.id, person_id=a.person_id, kind=a.kind, status=a.status, started_on=a.started_on,
        completed_on=a.completed_on, completed_by=a.completed_by_name, by_report_writer=a.by_report_writer,
        confirmation=conf.action if conf else None, confirmed_on=conf.on_date if conf else None,
        confirmed_by=conf.by_name if conf else None,
        previous_id=a.previous_id, answers={q: dict(p) for q, p in (a.answers or {}).items()},
        sources_checked=list(a.sources_checked or []), source_reasons=dict(a.source_reasons or {}),
        triggers=full_analysis_triggers(a.answers or {}), full_analysis=_full_analysis_state(a),
        gate_reason=a.gate_reason, analysis={p: dict(f) for p, f in (a.analysis or {}).items()},
        summary_texts=dict(rs.texts), community=dict(rs.community), custody=dict(rs.custody), in_custody=in_custody,
        no_analysis_reason=rs.no_analysis_reason,
        overall_level=a.overall_level or overall_level(rs.community, rs.custody, in_custody),
        sections=sections, carried_share=review.share(), oldest_carried=review.oldest(),
        unconfirmed=review.unconfirmed(), warnings_acknowledged=list(a.warnings_acknowledged or []),
        countersign_status=countersign.chain_status(s, "rosh_assessment", a.id),  # the chain is the truth
        stale_carried=cf.stale_carried(review.now, review.carried, as_of, assessment_data().stale_after_months),
        sources_note=str(summary.get("sources_note") or ""))


def assessment_view(db: Database, assessment_id: str, today: date | None = None) -> AssessmentView:
    """One assessment as the form shows it (any version: a completed one stays readable as it was)."""
    with db.read() as s:
        return _view(s, _assessment(s, assessment_id), today or date.today())


def completion_check(db: Database, assessment_id: str, today: date | None = None) -> Check:
    """What completing the assessment now would refuse and warn about (nothing is written)."""
    with db.read() as s:
        errors, warnings, _level, _custody = _check(s, _assessment(s, assessment_id))
    return Check(errors, warnings)


def _item(s: Session, a: RoshAssessment) -> AssessmentItem:
    return AssessmentItem(a.id, a.kind, a.status, a.started_on, a.completed_on, a.completed_by_name, a.overall_level,
                          a.by_report_writer, conf.action if (conf := _confirmation(s, a.id)) else None,
                          countersign.chain_status(s, "rosh_assessment", a.id))


def assessment_history(db: Database, person_id: str) -> list[AssessmentItem]:
    """Every assessment of the case, newest first (drafts first of all)."""
    with db.read() as s:
        return [_item(s, a) for a in _all(s, person_id)]


def _all(s: Session, person_id: str) -> list[RoshAssessment]:
    rows = s.scalars(select(RoshAssessment).where(RoshAssessment.person_id == person_id)).all()
    return sorted(rows, key=lambda a: (a.status == "draft", a.completed_on or a.started_on, a.created_at),
                  reverse=True)


def due_state(db: Database) -> tuple[Any, ...]:
    """What the standards engine reads of RoSH assessments, small enough to compare after each autosave: every
    draft's full-analysis state (a yes in the screening or the gate decision adds or removes an obligation) and
    a count of the completed ones and their confirmations. The window compares it before refreshing "what is
    due", so an autosave of text alone does not cost a recompute of the whole caseload's obligations."""
    with db.read() as s:
        drafts = s.execute(select(RoshAssessment.id, RoshAssessment.full_analysis, RoshAssessment.started_on)
                           .where(RoshAssessment.status == "draft").order_by(RoshAssessment.id)).all()
        done = s.execute(select(func.count(), func.max(RoshAssessment.updated_at))
                         .where(RoshAssessment.status == "complete")).one()
        confirmed = s.scalar(select(func.count()).select_from(RoshConfirmation))
    return tuple(tuple(r) for r in drafts), (*tuple(done), confirmed)


def _review_months(db: Database) -> int:
    from lpt_desktop.services.obligations import policy_in_force

    name = policy_in_force(db)
    policy = load_policy(name if name in policy_names() else "current")
    months = next((r.every_months for r in policy.rules if r.id == "rosh_review" and r.every_months), None)
    return months or DEFAULT_REVIEW_MONTHS


def _significant(s: Session, person_id: str) -> list[SignificantChange]:
    sig = sorted(case_codes().significant())
    rows = s.execute(select(CaseEvent.kind, CaseEvent.on_date, CaseEvent.created_at)
                     .where(CaseEvent.person_id == person_id, CaseEvent.kind.in_(sig))).all()
    from lpt_desktop.services.obligations import _local_day

    # The day it was recorded as the standards engine counts it (the local day of created_at, which is UTC), so
    # the page and the engine agree about a change recorded just after midnight in summer time.
    return [SignificantChange(on, kind, _local_day(created)) for kind, on, created in rows]


def _engine_review(db: Database, person_id: str, as_of: date, fallback: ReviewDue) -> ReviewDue:
    """The next RoSH review as the standards engine owes it (one source of truth with the caseload, the
    registers and Obligations): the soonest rosh_review obligation not met, in the engine's words saying what it
    is counted from. The changes owed stay the page's (rosh_reviews.review_due), which lists them."""
    from lpt_desktop.services.obligations import case_obligations

    owed = [o for o in case_obligations(db, person_id, as_of) if o.rule == "rosh_review" and o.status != "met"]
    if not owed:
        return ReviewDue(None, "No RoSH review is owed now: no assessment has been completed, or the sentence "
                               "has ended", fallback.changes)
    o = min(owed, key=lambda x: x.due_by)
    counted = o.description.removeprefix("RoSH review: ")
    counted = counted[:1].lower() + counted[1:]
    late = " (overdue)" if o.status == "overdue" else ""
    return ReviewDue(o.due_by, f"Due {format_date(o.due_by)}{late}: {counted}", fallback.changes)


def _legacy_review(s: Session, person_id: str) -> date | None:
    """The latest bare RoSH review record (standards_record, from before RoSH assessments existed)."""
    from lpt_desktop.store.schedule_models import StandardsRecord

    found: date | None = s.scalar(select(func.max(StandardsRecord.done_on)).where(
        StandardsRecord.person_id == person_id, StandardsRecord.kind == "rosh_review"))
    return found


def rosh_overview(db: Database, person_id: str, today: date | None = None) -> RoshOverview:
    """The case's RoSH page: the level now, the current assessment and any draft, when the next review is due
    and why, a report writer's screening awaiting confirmation, how much text is carried forward, the plan
    with its actions and their evidence, and the history."""
    from lpt_desktop.services.appointments import working_calendar

    as_of = today or date.today()
    months = _review_months(db)
    with db.read() as s:
        person = _person(s, person_id)
        rows = _all(s, person_id)
        complete = [a for a in rows if a.status == "complete"]
        drafts = [a for a in rows if a.status == "draft"]
        current = _view(s, complete[0], as_of) if complete else None
        draft = _view(s, drafts[0], as_of) if drafts else None
        calendar: WorkingCalendar = working_calendar(s)
        # As the standards engine counts: a completed assessment, or a bare review record made before them.
        done = [d for d in (current.completed_on if current else None, _legacy_review(s, person_id)) if d]
        due = review_due(max(done) if done else None, months, _significant(s, person_id), as_of, calendar)
        start = _sentence_start(s, person_id)
        pending = [a for a in complete if a.by_report_writer and _confirmation(s, a.id) is None]
        confirm_by = confirmation_due(True, False, start, calendar) if pending else None
        level, crn = person.rosh, person.crn
        history = [_item(s, a) for a in rows]
    shown = draft or current
    due = _engine_review(db, person_id, as_of, due)
    plan = current_plan(db, person_id)
    level_label = reference().rosh_levels[level].label if level in reference().rosh_levels else "Not assessed"
    return RoshOverview(
        person_id=person_id, crn=crn, level=level, level_label=level_label, current=current, draft=draft,
        review=due, confirmation_due=confirm_by, carried_share=shown.carried_share if shown else 0.0,
        oldest_carried=shown.oldest_carried if shown else None, plan=plan,
        plan_required=plan_required(level), history=history,
        signing_status=current.countersign_status if current else "unsigned")


def compare_assessments(db: Database, a_id: str, b_id: str, today: date | None = None) -> list[Difference]:
    """Per-section differences between two assessments (a before b), in words: texts, answers, levels. `today`
    is the day a draft is read as of (a completed one is read as of its completion)."""
    as_of = today or date.today()
    with db.read() as s:
        a, b = _assessment(s, a_id), _assessment(s, b_id)
        va, vb = _view(s, a, as_of), _view(s, b, as_of)
    out: list[Difference] = []
    labels = section_labels()
    ta, tb = _texts(a), _texts(b)
    for key, label in labels.items():
        before, after = ta.get(key, ""), tb.get(key, "")
        if cf.normalise(before) == cf.normalise(after):
            continue
        words = "added" if not before.strip() else "removed" if not after.strip() else "rewritten"
        out.append(Difference(key, label, before, after, f"{label}: {words}"))
    answer_labels = screening().answers
    period_labels = screening().periods
    for q in screening().questions:
        for p in q.periods:
            x, y = va.answers.get(q.id, {}).get(p, ""), vb.answers.get(q.id, {}).get(p, "")
            if x != y:
                name = f"{q.text} ({period_labels[p].lower()})" if q.current_previous else q.text
                out.append(Difference(f"answers.{q.id}.{p}", name, x, y,
                                      f"{name}: {answer_labels.get(x, 'unanswered').lower()} to "
                                      f"{answer_labels.get(y, 'unanswered').lower()}"))
    levels = reference().rosh_levels
    for setting, la, lb in (("community", va.community, vb.community), ("custody", va.custody, vb.custody)):
        where = "in the community" if setting == "community" else "in custody"
        for g in assessment_data().groups:
            x, y = la.get(g.code) or "", lb.get(g.code) or ""
            if x != y:
                name = f"Risk to {g.label.lower()} ({where})"
                out.append(Difference(f"levels.{setting}.{g.code}", name, x, y,
                                      f"{name}: {levels[x].label.lower() if x in levels else 'none'} to "
                                      f"{levels[y].label.lower() if y in levels else 'none'}"))
    if va.overall_level != vb.overall_level:
        x, y = va.overall_level or "", vb.overall_level or ""
        out.append(Difference("overall_level", "Overall RoSH level", x, y,
                              f"Overall RoSH level: {levels[x].label.lower() if x in levels else 'none'} to "
                              f"{levels[y].label.lower() if y in levels else 'none'}"))
    return out


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def overview_json(ov: RoshOverview) -> dict[str, Any]:
    """The overview as `lpt rosh show --json` prints it: the current screening's result, the summary with
    each group's community and custody level, the plan's actions, the signing status, when the review is due
    (yyyy-mm-dd) and the share of text carried forward."""
    cur = ov.current
    screening_json = None if cur is None else {
        "id": cur.id, "kind": cur.kind, "status": cur.status, "started_on": _iso(cur.started_on),
        "completed_on": _iso(cur.completed_on), "completed_by": cur.completed_by,
        "by_report_writer": cur.by_report_writer, "confirmation": cur.confirmation,
        "confirmed_on": _iso(cur.confirmed_on), "full_analysis": cur.full_analysis, "gate_reason": cur.gate_reason,
        "triggers": [{"question": t.question_id, "period": t.period, "answer": t.answer} for t in cur.triggers],
        "sources_checked": cur.sources_checked, "sources_note": cur.sources_note or None,
        "warnings_acknowledged": cur.warnings_acknowledged}
    summary_json = None if cur is None else {
        **{f.code: cur.summary_texts.get(f.code) or None for f in assessment_data().summary_fields},
        "no_analysis_reason": cur.no_analysis_reason,
        "levels": levels_by_group(RoshSummary(community=cur.community, custody=cur.custody)),
        "in_custody": cur.in_custody, "overall_level": cur.overall_level}
    plan = ov.plan
    plan_json = None if plan is None else {
        "id": plan.id, "status": plan.status, "started_on": _iso(plan.started_on),
        "completed_on": _iso(plan.completed_on), "signing_status": plan.countersign_status,
        "shared": plan.shared,
        "actions": [{"section": a.section, "who": a.who or None, "what": a.what or None,
                     "by_when": _iso(a.by_when), "done_on": _iso(a.done_on), "evidence": len(a.evidence)}
                    for a in plan.actions]}
    return {
        "crn": ov.crn, "rosh_level": ov.level, "rosh_label": ov.level_label,
        "screening": screening_json,
        # The draft's own share and oldest carried text: the top-level ones are the current (completed)
        # assessment's, like its screening and summary, so one report never mixes two assessments.
        "draft": None if ov.draft is None else {"id": ov.draft.id, "kind": ov.draft.kind,
                                                "started_on": _iso(ov.draft.started_on),
                                                "carried_forward_share": round(ov.draft.carried_share, 3),
                                                "oldest_carried": _iso(ov.draft.oldest_carried)},
        "summary": summary_json, "plan_required": ov.plan_required, "plan": plan_json,
        "signing_status": ov.signing_status,
        "review_due": _iso(ov.review.due_on), "review_due_why": ov.review.why,
        "confirmation_due": _iso(ov.confirmation_due),
        "carried_forward_share": round(cur.carried_share, 3) if cur else 0.0,
        "oldest_carried": _iso(cur.oldest_carried) if cur else None,
        "history": [{"id": h.id, "kind": h.kind, "status": h.status, "started_on": _iso(h.started_on),
                     "completed_on": _iso(h.completed_on), "level": h.level} for h in ov.history],
    }


__all__ = ["AssessmentDraft", "AssessmentItem", "AssessmentView", "Check", "CheckWarning", "Completion",
           "Difference", "EditedElsewhere", "GATE_FIELD", "KINDS", "LEVELS_FIELD", "RoshOverview",
           "SOURCES_NOTE_FIELD", "STEP_KEYS", "SectionView", "SummaryDraft", "assessment_history", "assessment_view",
           "compare_assessments", "complete_assessment", "completion_check", "confirm_carried", "confirm_screening",
           "decide_full_analysis", "discard_draft", "draft_fields", "draft_of", "field_label", "mark_report_writer",
           "overview_json", "revise_screening", "rosh_overview", "save_analysis", "save_draft", "save_summary",
           "section_labels", "set_answer", "set_sources", "start_assessment"]
