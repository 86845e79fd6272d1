"""What the practice audit reads about one case (pure): a frozen value built by services/practice.py from the
database (or by a test by hand), never a database row.

Everything is a plain value: dates, strings, tuples. A missing part (no RoSH screening, no sentence plan) is
None or an empty tuple, and the checks count it as not met unless their own stated rule makes them not
applicable. Obligations are the standards engine's results for the case (standards/obligations.py), so the audit
and "what is due" agree on every deadline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from lpt_desktop.assessment.countersign import child_protection_concerns
from lpt_desktop.assessment.needs import NeedsAssessment
from lpt_desktop.standards.obligations import Obligation


@dataclass(frozen=True)
class SentenceFacts:
    """The sentence or order in force."""

    order_type: str  # CO | SSO | LIC | PSS
    start: date  # the order's start, or the release date for a licence or PSS
    sentence_date: date | None = None
    end: date | None = None
    offence: str | None = None
    offence_category: str | None = None  # sexual | violent | cse | other (standards' keywords)
    custody_months: int | None = None  # custody length (licences), for MAPPA and victim contact
    requirements: tuple[str, ...] = ()


@dataclass(frozen=True)
class RoshFacts:
    """A completed RoSH screening or review."""

    id: str
    kind: str  # screening | review
    started_on: date
    completed_on: date
    level: str | None  # L | M | H | VH
    by_report_writer: bool = False
    confirmed_on: date | None = None  # a report writer's screening confirmed (or revised) by the offender manager
    answers: Mapping[str, Any] = field(default_factory=dict)  # question id -> period -> answer
    sources_checked: tuple[str, ...] = ()
    source_reasons: Mapping[str, str] = field(default_factory=dict)  # source code -> why not checked
    full_analysis: str | None = None  # required | done | not_doing | None (not triggered)
    gate_reason: str | None = None  # why no full analysis although one was triggered
    signing: str = "unsigned"  # the countersignature status (assessment/countersign.py)
    author_grade: str | None = None  # the grade the signing records carry
    carried: tuple[tuple[str, date], ...] = ()  # (section, origin) of text still carried from earlier


@dataclass(frozen=True)
class PlanAction:
    """A risk management plan action."""

    section: str
    who: str | None
    what: str | None
    by_when: date | None
    done_on: date | None = None


@dataclass(frozen=True)
class RiskPlanFacts:
    """The latest risk management plan (complete, else the draft)."""

    id: str
    status: str  # draft | complete
    started_on: date
    completed_on: date | None
    actions: tuple[PlanAction, ...] = ()
    shared: tuple[tuple[str, date], ...] = ()  # (agency code, on)
    signing: str = "unsigned"
    author_grade: str | None = None


@dataclass(frozen=True)
class StepFacts:
    what: str
    who: str
    partner: str | None = None
    status: str = "not_started"


@dataclass(frozen=True)
class GoalFacts:
    title: str
    area: str | None
    outcome: str | None
    status: str = "active"  # active | future | achieved | removed
    need_links: tuple[str, ...] = ()
    rosh_link: bool = False  # addresses risk of serious harm
    learning_plan: bool = False
    steps: tuple[StepFacts, ...] = ()
    achieved_on: date | None = None  # the day it was marked achieved (status achieved)


@dataclass(frozen=True)
class SentencePlanFacts:
    """The sentence plan in force (the latest completed), else the latest draft."""

    id: str
    plan_type: str
    status: str  # draft | complete
    started_on: date
    completed_on: date | None
    needs_assessment_id: str | None = None
    persons_words: str | None = None
    involvement: str | None = None
    sequence_reason: str | None = None
    goals: tuple[GoalFacts, ...] = ()
    agreement: str | None = None  # yes | no | could_not_answer (the latest)
    agreement_reason: str | None = None
    signing: str = "unsigned"
    author_grade: str | None = None


@dataclass(frozen=True)
class NeedsFacts:
    """The latest completed needs assessment (Skills for Life screening and barriers, that is diversity,
    included)."""

    id: str
    completed_on: date
    assessment: NeedsAssessment
    carried: tuple[tuple[str, date], ...] = ()


@dataclass(frozen=True)
class RegisterFacts:
    code: str
    start: date | None = None
    category: str | None = None
    level: str | None = None


@dataclass(frozen=True)
class ContactSummary:
    """What the checks read of the contact log, under the sentence in force: days with an outcome."""

    home_visits: tuple[date, ...] = ()  # home visits attended (CHVS, COHV)
    oversight: tuple[date, ...] = ()  # management oversight contacts (MO1, MO8)
    victim_contacts: tuple[date, ...] = ()  # victim liaison contacts (CVIC)
    unacceptable_absences: int = 0


@dataclass(frozen=True)
class CaseFacts:
    """Everything the practice checks read about one case."""

    person_id: str
    crn: str
    name: str = ""
    gender: str | None = None
    officer: str = ""  # who holds the case, in words ("" not known)
    sentence: SentenceFacts | None = None
    rosh_level: str | None = None  # the level in force (L | M | H | VH)
    registers: tuple[RegisterFacts, ...] = ()  # open registrations
    rosh: tuple[RoshFacts, ...] = ()  # completed RoSH screenings and reviews, oldest first
    # Days RoSH work was recorded: completed assessments, and bare records from before assessments were kept here
    # (imports, older histories: an OASys initial assessment recorded with its sentence plan, or a review, each
    # including the screening), oldest first.
    rosh_records: tuple[date, ...] = ()
    risk_plan: RiskPlanFacts | None = None
    sentence_plan: SentencePlanFacts | None = None
    needs: NeedsFacts | None = None
    contacts: ContactSummary = ContactSummary()
    obligations: tuple[Obligation, ...] = ()  # the standards engine's results (standards/obligations.py)

    # -- derived ------------------------------------------------------------------------------------
    @cached_property
    def child_protection(self) -> bool:
        """Child-protection concerns: a child-protection register, or concerns about children answered yes in the
        latest RoSH screening (assessment/countersign.child_protection_concerns: one rule everywhere)."""
        latest = self.latest_rosh
        return child_protection_concerns(latest.answers if latest else None, self.register_codes)

    @property
    def register_codes(self) -> frozenset[str]:
        return frozenset(r.code for r in self.registers)

    def register(self, code: str) -> RegisterFacts | None:
        return next((r for r in self.registers if r.code == code), None)

    @property
    def latest_rosh(self) -> RoshFacts | None:
        return self.rosh[-1] if self.rosh else None

    @cached_property
    def _by_rule(self) -> dict[str, list[Obligation]]:
        """The obligations grouped by rule, in their order (worked out once: about 20 checks ask per case)."""
        out: dict[str, list[Obligation]] = {}
        for o in self.obligations:
            out.setdefault(o.rule, []).append(o)
        return out

    def obligations_of(self, *rules: str) -> list[Obligation]:
        if len(rules) == 1:
            return list(self._by_rule.get(rules[0], ()))
        return [o for o in self.obligations if o.rule in rules]
