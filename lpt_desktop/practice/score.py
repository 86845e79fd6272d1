"""A case's practice score (pure), as the inspectorate computes one: the share of applicable checks met.

Not applicable checks are left out of both sides; a check whose data is missing is not met (checks.py), so a
case with nothing recorded scores low rather than looking clean. A case with no applicable check has no score
(None), never 100%.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from lpt_desktop.practice.case_facts import CaseFacts
from lpt_desktop.practice.checks import MET, NOT_APPLICABLE, NOT_MET, Check, CheckResult, Settings, run_checks


def share_met(results: Iterable[CheckResult]) -> float | None:
    """Met / (met + not met); None when nothing applies."""
    met = applicable = 0
    for r in results:
        if r.status == NOT_APPLICABLE:
            continue
        applicable += 1
        met += r.status == MET
    return met / applicable if applicable else None


@dataclass(frozen=True)
class CaseAudit:
    """One case's checklist and score."""

    person_id: str
    crn: str
    name: str
    officer: str
    results: tuple[CheckResult, ...]

    @property
    def score(self) -> float | None:
        return share_met(self.results)

    @property
    def unmet(self) -> list[CheckResult]:
        return [r for r in self.results if r.status == NOT_MET]

    @property
    def applicable(self) -> int:
        return sum(r.status != NOT_APPLICABLE for r in self.results)

    def ordered(self) -> list[CheckResult]:
        """Unmet first, then met, then not applicable (the panel's order), each in the checks' order."""
        rank = {NOT_MET: 0, MET: 1, NOT_APPLICABLE: 2}
        return sorted(self.results, key=lambda r: rank[r.status])

    def as_json(self) -> dict[str, Any]:
        score = self.score
        return {"crn": self.crn, "score": None if score is None else round(score * 100, 1),
                "checks": [{"id": r.check.id, "criterion": r.check.criterion, "status": r.status,
                            "reason": r.reason} for r in self.results]}


def audit_case(case: CaseFacts, settings: Settings, checks: Sequence[Check] | None = None) -> CaseAudit:
    return CaseAudit(case.person_id, case.crn, case.name, case.officer, tuple(run_checks(case, settings, checks)))


def score_words(score: float | None) -> str:
    return "no applicable checks" if score is None else f"{score * 100:.0f}%"
