"""The team's practice figures (pure): each check's share met across the team and per officer, rated against
the team's own average as Recidiviz's supervisor tools rate them, with the previous period beside it, and the
cases that most need attention.

Rating of an officer's share on a check against the team:
- met: at or better than the team's average (the mean of the officers' shares);
- near: worse, but within one interquartile range of the average;
- far: further below than that.
An officer with no applicable case for a check has no share and no rating for it.

Cases whose holder is not known (UNALLOCATED) are one row of their own, listed last: counted in the team's share,
but outside the officers' average and spread, never rated and not counted as an officer.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from statistics import quantiles

from lpt_desktop.practice.checks import MET, NOT_APPLICABLE, Check, all_checks
from lpt_desktop.practice.score import CaseAudit

RATED_MET = "met"
NEAR = "near"
FAR = "far"
RATING_LABELS = {RATED_MET: "Met", NEAR: "Near", FAR: "Far"}
UNALLOCATED = "Not known"  # the row of the cases whose holder is not known (services/practice.NOT_KNOWN)


def is_unallocated(officer: str) -> bool:
    return not officer or officer == UNALLOCATED


@dataclass(frozen=True)
class Share:
    met: int
    applicable: int

    @property
    def value(self) -> float | None:
        return self.met / self.applicable if self.applicable else None


def _share(audits: Iterable[CaseAudit], check_id: str) -> Share:
    met = applicable = 0
    for a in audits:
        for r in a.results:
            if r.check.id == check_id and r.status != NOT_APPLICABLE:
                applicable += 1
                met += r.status == MET
    return Share(met, applicable)


def iqr(values: Sequence[float]) -> float:
    """The interquartile range (inclusive method); 0 for fewer than two values."""
    if len(values) < 2:
        return 0.0
    q1, _q2, q3 = quantiles(values, n=4, method="inclusive")
    return q3 - q1


def rate(value: float | None, average: float | None, spread: float) -> str | None:
    """met / near / far against the team's average and interquartile range (None: nothing to rate)."""
    if value is None or average is None:
        return None
    if value >= average - 1e-9:
        return RATED_MET
    return NEAR if average - value <= spread + 1e-9 else FAR


@dataclass(frozen=True)
class OfficerFigure:
    officer: str
    share: Share
    rating: str | None
    previous_share: Share | None = None
    previous_rating: str | None = None


@dataclass(frozen=True)
class CheckFigure:
    """One check across the team: the team's share, the average and spread of the officers' shares, each
    officer's share and rating (and last period's)."""

    check: Check
    team: Share
    average: float | None
    spread: float
    officers: tuple[OfficerFigure, ...]
    previous_team: Share | None = None


@dataclass(frozen=True)
class TeamAudit:
    checks: tuple[CheckFigure, ...]
    officers: tuple[str, ...]  # the rows: each officer, then UNALLOCATED when some cases' holder is not known
    cases: int
    attention: tuple[CaseAudit, ...]  # the cases most needing attention, worst first
    unallocated: int = 0  # cases whose holder is not known

    @property
    def officer_names(self) -> tuple[str, ...]:
        """The officers only (the unallocated row left out): what "N officers" counts."""
        return tuple(o for o in self.officers if not is_unallocated(o))

    def officer_ratings(self, officer: str) -> list[tuple[Check, OfficerFigure]]:
        return [(c.check, f) for c in self.checks for f in c.officers if f.officer == officer]


def by_officer(audits: Iterable[CaseAudit]) -> dict[str, list[CaseAudit]]:
    """The cases by officer, by name; the cases whose holder is not known last, as UNALLOCATED."""
    out: dict[str, list[CaseAudit]] = {}
    for a in audits:
        out.setdefault(UNALLOCATED if is_unallocated(a.officer) else a.officer, []).append(a)
    return dict(sorted(out.items(), key=lambda kv: (kv[0] == UNALLOCATED, kv[0])))


def _figures(groups: Mapping[str, list[CaseAudit]], check: Check) -> tuple[Share, float | None, float,
                                                                           dict[str, tuple[Share, str | None]]]:
    shares = {o: _share(cases, check.id) for o, cases in groups.items()}
    values = [v for o, s in shares.items() if not is_unallocated(o) and (v := s.value) is not None]
    average = sum(values) / len(values) if values else None
    spread = iqr(values)
    team = Share(sum(s.met for s in shares.values()), sum(s.applicable for s in shares.values()))
    return team, average, spread, {o: (s, None if is_unallocated(o) else rate(s.value, average, spread))
                                   for o, s in shares.items()}


def attention(audits: Iterable[CaseAudit], limit: int = 10) -> list[CaseAudit]:
    """The cases most needing attention: most checks not met, then the lowest score, then by CRN."""
    found = [a for a in audits if a.unmet]
    found.sort(key=lambda a: (-len(a.unmet), a.score if a.score is not None else 1.0, a.crn))
    return found[:limit]


def team_audit(audits: Sequence[CaseAudit], previous: Sequence[CaseAudit] | None = None,
               checks: Sequence[Check] | None = None, attention_limit: int = 10) -> TeamAudit:
    """The team's figures for this period, with the previous period's (the same checks at an earlier day)."""
    groups = by_officer(audits)
    prev_groups = by_officer(previous) if previous is not None else {}
    out = []
    for c in checks if checks is not None else all_checks():
        team, average, spread, per = _figures(groups, c)
        prev: dict[str, tuple[Share, str | None]] = {}
        prev_team = None
        if previous is not None:
            prev_team, _a, _s, prev = _figures(prev_groups, c)
        officers = tuple(OfficerFigure(o, s, r, *(prev.get(o) or (None, None))) for o, (s, r) in per.items())
        out.append(CheckFigure(c, team, average, spread, officers, prev_team))
    return TeamAudit(tuple(out), tuple(groups), len(audits), tuple(attention(audits, attention_limit)),
                     len(groups.get(UNALLOCATED, ())))


def criterion_shares(audits: Iterable[CaseAudit]) -> dict[str, Share]:
    """Each inspection criterion's share met across the given cases (the charts' bars)."""
    met: dict[str, int] = {}
    applicable: dict[str, int] = {}
    for a in audits:
        for r in a.results:
            if r.status == NOT_APPLICABLE:
                continue
            k = r.check.criterion
            applicable[k] = applicable.get(k, 0) + 1
            met[k] = met.get(k, 0) + (r.status == MET)
    return {k: Share(met[k], applicable[k]) for k in sorted(applicable)}
