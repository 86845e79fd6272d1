"""Workload (issue 21): each officer's cases weighted by the tier in force and by the reports and other work
due, against the officer's capacity; per case, per officer and per team. Pure: values in, values out.

Every number is in resources/data/workload_weights.json, which cites the national Workload Management Tool
(WMT) for each figure it took from it and says which are LPT Desktop's own assumptions. `load_weights()`
reads and checks that file; a bad file raises a ValidationError naming the key and what it should hold.

The figures, as WMT computes them:
  case points      the tier's points for the case type (community, licence or custody), or the untiered
                   points while the case has no tier in force, or none when the case is not supervised;
                   plus each report and other work item due within the window (overdue included)
  available        the grade's points for a full-time officer x (hours / full-time hours)
                   x ((hours - reduction hours) / hours), rounded down
  used             the sum of the officer's case points and their work not on a case (pre-sentence reports)
  remaining        available - used (negative when over capacity)
  percent          used / available x 100, one decimal place (None when nothing is available)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from lpt_desktop.domain.reference import load_json
from lpt_desktop.domain.tier_forms import CHANGE_LEVELS, SCHEME_2026, SCHEME_AB03, scheme_of_tier
from lpt_desktop.domain.validation import FieldError, ValidationError

WEIGHTS_FILE = "workload_weights.json"
CASE_TYPES = ("community", "licence", "custody")
SCHEMES = (SCHEME_2026, SCHEME_AB03)
COURT_REPORT = "court_report"
WORK_DUE = "work_due"
NOT_SUPERVISED = "NOT_SUPERVISED"  # the tiering engine's word for a case with no current sentence


# -- the weights -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Weights:
    """The weights file, checked. Read it with load_weights(); build one from a dict with parse_weights()."""

    tiers: Mapping[str, Mapping[str, Mapping[str, int]]]  # scheme -> case type -> tier -> points
    untiered: Mapping[str, int]  # case type -> points for a supervised case with no tier in force
    order_case_types: Mapping[str, str]  # order type code -> case type
    recalled_case_type: str
    court_reports: Mapping[str, int]  # report type code (oral, fdr, sdr, addendum) -> points
    work_due: Mapping[str, int]  # the standards engine's rule id -> points
    due_within_days: int
    full_time_hours: float
    points_by_grade: Mapping[str, int]  # po, pso, spo, trainee -> points for a full-time officer
    default_grade: str
    over_bands: tuple[tuple[float, str], ...]  # (percent above which, words), highest first
    within_band: str
    source: str


def _expected_tiers(scheme: str) -> tuple[str, ...]:
    letters = str(load_json("tier_schemes.json")[scheme]["letters"])
    if scheme == SCHEME_AB03:
        return tuple(f"{letter}{level}" for letter in letters for level in CHANGE_LEVELS)
    return tuple(letters)


class _Reader:
    """Reads the weights dict, collecting one FieldError per bad key (named by its path in the file)."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def fail(self, key: str, message: str) -> None:
        self.errors.append(FieldError(f"{WEIGHTS_FILE}: {key}", message))

    def table(self, data: Any, key: str) -> dict[str, Any]:
        if not isinstance(data, Mapping):
            self.fail(key, "missing or not a table of names and values: restore it from the shipped file")
            return {}
        return dict(data)

    def points(self, data: Mapping[str, Any], name: str, key: str) -> int:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            self.fail(f"{key}.{name}", f"must be a whole number of points, 0 or more (found {value!r})")
            return 0
        return value

    def number(self, data: Mapping[str, Any], name: str, key: str) -> float:
        value = data.get(name)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
            self.fail(f"{key}.{name}", f"must be a number above 0 (found {value!r})")
            return 1.0
        return float(value)

    def text(self, data: Mapping[str, Any], name: str, key: str) -> str:
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key}.{name}", "must be some words")
            return ""
        return value

    def points_table(self, data: Any, key: str, names: Iterable[str] | None) -> dict[str, int]:
        table = self.table(data, key)
        wanted = tuple(names) if names is not None else tuple(k for k in table if k != "source")
        out = {name: self.points(table, name, key) for name in wanted}
        if names is not None:
            extra = sorted(k for k in table if k not in wanted and k != "source")
            if extra:
                self.fail(key, f"has names it should not: {', '.join(extra)} (expected {', '.join(wanted)})")
        return out


def parse_weights(data: Mapping[str, Any]) -> Weights:
    """Check a weights dict (as the JSON file holds it) and return it as Weights; a ValidationError names every
    bad key and what it should hold."""
    r = _Reader()
    top = r.table(data, "(the file)")
    tiers: dict[str, dict[str, dict[str, int]]] = {}
    schemes = r.table(top.get("schemes"), "schemes")
    for scheme in SCHEMES:
        table = r.table(schemes.get(scheme), f"schemes.{scheme}")
        expected = _expected_tiers(scheme)
        tiers[scheme] = {ct: r.points_table(table.get(ct), f"schemes.{scheme}.{ct}", expected) for ct in CASE_TYPES}
    untiered = r.points_table(top.get("untiered"), "untiered", CASE_TYPES)
    ct_table = r.table(top.get("case_types"), "case_types")
    order_case_types: dict[str, str] = {}
    for ct in CASE_TYPES:
        codes = ct_table.get(ct)
        if not isinstance(codes, list) or not all(isinstance(c, str) and c for c in codes):
            r.fail(f"case_types.{ct}", "must be a list of order type codes (CO, SSO, LIC, PSS ...)")
            continue
        for code in codes:
            if code in order_case_types:
                r.fail(f"case_types.{ct}", f"{code} is already a {order_case_types[code]} order")
            order_case_types[code] = ct
    recalled = ct_table.get("recalled")
    if recalled not in CASE_TYPES:
        r.fail("case_types.recalled", f"must be one of {', '.join(CASE_TYPES)} (found {recalled!r})")
        recalled = "custody"
    court = r.points_table(top.get("court_reports"), "court_reports", None)
    due = r.table(top.get("work_due"), "work_due")
    work_points = r.points_table(due.get("points"), "work_due.points", None)
    within = due.get("due_within_days")
    if isinstance(within, bool) or not isinstance(within, int) or within < 0:
        r.fail("work_due.due_within_days", f"must be a whole number of days, 0 or more (found {within!r})")
        within = 0
    cap = r.table(top.get("capacity"), "capacity")
    full_time = r.number(cap, "full_time_hours", "capacity")
    by_grade = r.points_table(cap.get("points_by_grade"), "capacity.points_by_grade", None)
    default_grade = r.text(cap, "default_grade", "capacity")
    if default_grade and by_grade and default_grade not in by_grade:
        r.fail("capacity.default_grade", f"'{default_grade}' has no points in capacity.points_by_grade")
    bands = r.table(top.get("bands"), "bands")
    over: list[tuple[float, str]] = []
    raw_over = bands.get("over")
    if not isinstance(raw_over, list):
        r.fail("bands.over", "must be a list of [percent, words] pairs, highest first")
        raw_over = []
    for i, pair in enumerate(raw_over):
        ok = (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], (int, float))
              and not isinstance(pair[0], bool) and isinstance(pair[1], str) and pair[1].strip())
        if not ok:
            r.fail(f"bands.over[{i}]", f"must be [percent, words] (found {pair!r})")
            continue
        over.append((float(pair[0]), pair[1]))
    if [p for p, _ in over] != sorted((p for p, _ in over), reverse=True):
        r.fail("bands.over", "must be listed highest percent first")
    within_band = r.text(bands, "within", "bands")
    source = r.text(top, "source", "(the file)")
    if r.errors:
        raise ValidationError(r.errors)
    return Weights(tiers=tiers, untiered=untiered, order_case_types=order_case_types, recalled_case_type=recalled,
                   court_reports=court, work_due=work_points, due_within_days=within, full_time_hours=full_time,
                   points_by_grade=by_grade, default_grade=default_grade, over_bands=tuple(over),
                   within_band=within_band, source=source)


@cache
def load_weights() -> Weights:
    """The shipped weights (resources/data/workload_weights.json), checked once."""
    return parse_weights(load_json(WEIGHTS_FILE))


# -- what goes in ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkItem:
    """A report or other piece of work due: kind COURT_REPORT (code: oral, fdr, sdr, addendum) or WORK_DUE
    (code: the standards engine's rule id)."""

    kind: str
    code: str
    due_by: date
    label: str = ""


@dataclass(frozen=True)
class CaseInput:
    person_id: str
    crn: str
    name: str
    tier: str | None  # the tier in force ("B", "B2", "B2S"), None if none
    scheme: str | None  # its scheme (2026 | ab03); None: read from the tier's form
    order_type: str | None  # the current sentence's order type; None: no current sentence (not supervised)
    recalled: bool = False
    work: tuple[WorkItem, ...] = ()


@dataclass(frozen=True)
class Capacity:
    """An officer's hours a week and the hours taken off them (WMT's reductions: training, court duty ...)."""

    hours: float | None = None  # None: full time
    reduction_hours: float = 0.0


@dataclass(frozen=True)
class OfficerInput:
    officer_id: str | None
    name: str
    grade: str | None  # po | pso | spo | trainee; None: the weights' default grade
    capacity: Capacity = Capacity()
    cases: tuple[CaseInput, ...] = ()
    work: tuple[WorkItem, ...] = ()  # work on no case of theirs (a pre-sentence report)


# -- what comes out ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkPoints:
    item: WorkItem
    points: int
    counted: bool  # due within the window (or overdue)
    why: str


@dataclass(frozen=True)
class CasePoints:
    person_id: str
    crn: str
    name: str
    tier: str | None
    scheme: str | None
    case_type: str | None  # None: not supervised
    tier_points: int
    tier_why: str
    untiered: bool  # supervised with no tier in force: counted at the untiered points
    work: tuple[WorkPoints, ...]

    @property
    def work_points(self) -> int:
        return sum(w.points for w in self.work if w.counted)

    @property
    def points(self) -> int:
        return self.tier_points + self.work_points


@dataclass(frozen=True)
class OfficerWorkload:
    officer_id: str | None
    name: str
    grade: str
    hours: float
    reduction_hours: float
    available: int
    used: int
    remaining: int
    percent: float | None
    band: str
    capacity_why: str
    cases: tuple[CasePoints, ...]
    other_work: tuple[WorkPoints, ...]

    @property
    def case_count(self) -> int:
        return len(self.cases)

    @property
    def tier_points(self) -> int:
        return sum(c.tier_points for c in self.cases)

    @property
    def work_points(self) -> int:
        return sum(c.work_points for c in self.cases) + sum(w.points for w in self.other_work if w.counted)


@dataclass(frozen=True)
class TeamWorkload:
    name: str
    officers: tuple[OfficerWorkload, ...]
    available: int
    used: int
    remaining: int
    percent: float | None
    band: str

    @property
    def case_count(self) -> int:
        return sum(o.case_count for o in self.officers)


# -- the sums ----------------------------------------------------------------------------------------
def normal_tier(tier: str | None, scheme: str | None) -> tuple[str | None, str | None]:
    """(tier, scheme) as the weights key them: upper case, the old unsupervised S suffix dropped ("b2s" ->
    "B2"), the scheme read from the tier's form when not given; (None, None) for no tier or one of neither
    scheme."""
    t = (tier or "").strip().upper()
    if not t or t == NOT_SUPERVISED:
        return None, None
    if len(t) == 3 and t.endswith("S"):
        t = t[:2]
    found = scheme_of_tier(t)
    if found is None or (scheme is not None and scheme != found):
        return None, None
    return t, found


def case_type_of(order_type: str | None, recalled: bool, weights: Weights) -> str | None:
    """community, licence or custody for a current sentence's order type (a recalled licence is custody);
    None with no current sentence."""
    if not order_type:
        return None
    if recalled:
        return weights.recalled_case_type
    return weights.order_case_types.get(order_type.upper(), "community")


def work_points(item: WorkItem, as_of: date, weights: Weights) -> WorkPoints:
    """One report or piece of work: its points, and whether it counts (due within the window or overdue)."""
    table = weights.court_reports if item.kind == COURT_REPORT else weights.work_due
    points = table.get(item.code, 0)
    horizon = as_of + timedelta(days=weights.due_within_days)
    counted = item.due_by <= horizon
    what = item.label or item.code
    if not counted:
        why = f"{what}: due after the next {weights.due_within_days} days, not counted yet"
    elif item.due_by < as_of:
        why = f"{what}: overdue, {points} points"
    else:
        why = f"{what}: {points} points"
    return WorkPoints(item, points, counted, why)


def _weighed(items: Iterable[WorkItem], as_of: date, weights: Weights) -> tuple[WorkPoints, ...]:
    # Work the weights give no points (contacts, what the tier pays for) is left out.
    found = (work_points(i, as_of, weights) for i in items)
    return tuple(sorted((w for w in found if w.points), key=lambda w: (w.item.due_by, w.item.code)))


def case_points(case: CaseInput, as_of: date, weights: Weights) -> CasePoints:
    """A case's points: its tier's for its case type, plus its reports and other work due."""
    work = _weighed(case.work, as_of, weights)
    case_type = case_type_of(case.order_type, case.recalled, weights)
    tier, scheme = normal_tier(case.tier, case.scheme)
    if case_type is None:
        return CasePoints(case.person_id, case.crn, case.name, tier, scheme, None, 0,
                          "Not supervised (no current sentence): no tier points", False, work)
    if tier is None or scheme is None:
        points = weights.untiered[case_type]
        why = f"No tier in force: counted at {points} points for a {case_type} case until it is tiered"
        return CasePoints(case.person_id, case.crn, case.name, None, None, case_type, points, why, True, work)
    points = weights.tiers[scheme][case_type][tier]
    return CasePoints(case.person_id, case.crn, case.name, tier, scheme, case_type, points,
                      f"Tier {tier}, {case_type} case: {points} points", False, work)


def available_points(grade: str | None, capacity: Capacity, weights: Weights) -> tuple[int, str, float, str]:
    """(points available, the grade used, the hours used, the working in words), as WMT: the grade's
    full-time points x hours / full-time hours x (hours - reductions) / hours, rounded down."""
    g = grade if grade is not None and grade in weights.points_by_grade else weights.default_grade
    full = weights.points_by_grade[g]
    hours = weights.full_time_hours if capacity.hours is None else max(capacity.hours, 0.0)
    reduction = min(max(capacity.reduction_hours, 0.0), hours)
    if hours <= 0:
        return 0, g, 0.0, "No contracted hours: no points available"
    # Rounded to 6 places first so 18.5 of 37 hours is exactly a half (no 1087.9999 from float division).
    value = math.floor(round(full * (hours / weights.full_time_hours) * ((hours - reduction) / hours), 6))
    why = f"{full} points for a full-time {g.upper()} ({_hours(weights.full_time_hours)} hours)"
    if hours != weights.full_time_hours:
        why += f", {_hours(hours)} hours a week"
    if reduction:
        why += f", less {_hours(reduction)} hours of reductions"
    return value, g, hours, why


def _hours(h: float) -> str:
    return f"{h:g}"


def percent_of(used: int, available: int) -> float | None:
    return round(used / available * 100, 1) if available > 0 else None


def band_of(percent: float | None, weights: Weights) -> str:
    if percent is None:
        return "No capacity recorded"
    return next((words for above, words in weights.over_bands if percent > above), weights.within_band)


def officer_workload(officer: OfficerInput, as_of: date, weights: Weights) -> OfficerWorkload:
    """One officer's cases and work weighed against their capacity."""
    cases = tuple(case_points(c, as_of, weights) for c in officer.cases)
    other = _weighed(officer.work, as_of, weights)
    available, grade, hours, why = available_points(officer.grade, officer.capacity, weights)
    used = sum(c.points for c in cases) + sum(w.points for w in other if w.counted)
    percent = percent_of(used, available)
    return OfficerWorkload(officer.officer_id, officer.name, grade, hours,
                           float(min(max(officer.capacity.reduction_hours, 0.0), hours)), available, used,
                           available - used, percent, band_of(percent, weights), why, cases, other)


def team_workload(officers: Iterable[OfficerInput], as_of: date, weights: Weights, name: str = "") -> TeamWorkload:
    """Each officer's workload and the team's: the sums of their points available and used."""
    rows = tuple(officer_workload(o, as_of, weights) for o in officers)
    available = sum(o.available for o in rows)
    used = sum(o.used for o in rows)
    percent = percent_of(used, available)
    return TeamWorkload(name, rows, available, used, available - used, percent, band_of(percent, weights))


__all__ = ["CASE_TYPES", "COURT_REPORT", "WORK_DUE", "Capacity", "CaseInput", "CasePoints", "OfficerInput",
           "OfficerWorkload", "TeamWorkload", "Weights", "WorkItem", "WorkPoints", "available_points", "band_of",
           "case_points", "case_type_of", "load_weights", "normal_tier", "officer_workload", "parse_weights",
           "percent_of", "team_workload", "work_points"]
