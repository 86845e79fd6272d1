"""Filling RoSH assessments through the services, for the tests that need one completed (issue 18)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.assessment.rosh_summary import assessment_data
from lpt_desktop.services import rosh
from lpt_desktop.store.database import Database

REASON = "No offence or behaviour of concern in the papers, the interview or the checks made."


def all_answers(answer: str = "no", **overrides: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Every screening question answered `answer` (current and previous), with overrides by question id."""
    out = {q.id: {p: answer for p in q.periods} for q in screening().questions}
    for qid, periods in overrides.items():
        out[qid] = {**out[qid], **periods}
    return out


def levels(level: str = "L", custody: bool = False) -> dict[str, str | None]:
    groups = assessment_data().custody_groups if custody else assessment_data().community_groups
    return {g.code: level for g in groups}


def required_sources() -> list[str]:
    return [s.code for s in screening().sources if s.required] + ["interview"]


def screened_out(db: Database, assessment_id: str, level: str = "L", today: date | None = None) -> None:
    """A screening with nothing of concern, every required check done, and a screened-out summary."""
    rosh.save_draft(db, assessment_id, rosh.AssessmentDraft(
        answers=all_answers(), sources_checked=required_sources(), source_reasons={},
        summary=rosh.SummaryDraft(community=levels(level), no_analysis_reason=REASON)), today)


def full(db: Database, assessment_id: str, level: str = "M", today: date | None = None,
         who: str = "His former partner and her children") -> None:
    """A screening that triggers a full analysis (current domestic abuse), with the analysis and a summary."""
    analysis = {p: {"what": f"{p.title()} behaviour: assaults on a partner at home.",
                    "sources": "Police call-outs, CPS papers, interview."} for p in ("current", "previous")}
    rosh.save_draft(db, assessment_id, rosh.AssessmentDraft(
        answers=all_answers(domestic_abuse={"current": "yes"}), sources_checked=required_sources(),
        source_reasons={}, analysis=analysis,
        summary=rosh.SummaryDraft(texts={"who_at_risk": who, "nature": "Physical and psychological harm."},
                                  community=levels(level))), today)


def complete_screened_out(db: Database, person_id: str, today: date, level: str = "L") -> str:
    """Start (a screening or a review), fill as screened out, confirm anything carried, complete. Its id."""
    aid = rosh.start_assessment(db, person_id, today=today)
    screened_out(db, aid, level, today)
    for key in rosh.assessment_view(db, aid, today).unconfirmed:
        rosh.confirm_carried(db, aid, key, today)
    done = rosh.complete_assessment(db, aid, today=today)
    assert done.completed, done.warnings
    return aid
