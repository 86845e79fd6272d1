"""The RoSH summary (pure): groups, levels, required fields, the overall level and the RoSH register.

Groups, fields, registers and the plan's sections live in resources/data/rosh_assessment.json; the levels
and their standard definitions are the app's one list (resources/data/rosh_levels.json, through
domain.reference). `validate_assessment_data` checks the file's shape (a test runs it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lpt_desktop.domain.reference import RoshLevel, load_json, reference, rosh_rank
from lpt_desktop.domain.validation import FieldError

LevelMap = Mapping[str, str | None]  # group code -> level code (L, M, H, VH) or None while not chosen


@dataclass(frozen=True)
class Group:
    code: str  # children | public | known_adult | staff | prisoners
    label: str
    community: bool  # assessed for the community
    custody: bool  # assessed for custody


@dataclass(frozen=True)
class TextField:
    code: str
    label: str
    required: bool
    help: str


@dataclass(frozen=True)
class AssessmentData:
    source: str
    groups: tuple[Group, ...]
    registers: Mapping[str, str]  # level -> register code
    analysis_periods: Mapping[str, str]  # current | previous -> label
    analysis_fields: tuple[TextField, ...]  # asked for each period of behaviour
    summary_fields: tuple[TextField, ...]
    screened_out_label: str
    usual_screened_out_level: str
    reason_min_chars: int
    reason_min_words: int
    raw_plan: Mapping[str, Any]  # read by risk_plan
    stale_after_months: int  # read by carried_forward

    @property
    def community_groups(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.community)

    @property
    def custody_groups(self) -> tuple[Group, ...]:
        return tuple(g for g in self.groups if g.custody)


@dataclass(frozen=True)
class RoshSummary:
    """A summary as the officer filled it in: texts by field code, levels by group code."""

    texts: Mapping[str, str] = field(default_factory=dict)  # summary field code -> text
    community: LevelMap = field(default_factory=dict)
    custody: LevelMap = field(default_factory=dict)
    in_custody: bool = False  # custody levels are then required, and give the overall level
    screened_out: bool = False  # no full analysis was needed (or a reasoned decision not to do one)
    no_analysis_reason: str | None = None  # why no full analysis was needed (screened out only)


# -- the data file ---------------------------------------------------------------------------------------
def _fields_problems(name: str, items: Any, needs_required: bool) -> list[str]:
    if not isinstance(items, list) or not items:
        return [f"'{name}' must be a non-empty list"]
    problems = []
    codes = [f.get("code") if isinstance(f, dict) else None for f in items]
    if not all(isinstance(c, str) and c for c in codes) or len(set(codes)) != len(codes):
        problems.append(f"'{name}' must be objects with distinct codes")
    for f in items:
        if isinstance(f, dict) and not (isinstance(f.get("label"), str) and isinstance(f.get("help"), str)
                                        and (not needs_required or isinstance(f.get("required"), bool))):
            problems.append(f"{name} '{f.get('code')}': needs a label and help"
                            + (" and required true or false" if needs_required else ""))
    return problems


def validate_assessment_data(data: Any) -> list[str]:
    """What is wrong with the shape of rosh_assessment.json (empty when it is sound), in words."""
    if not isinstance(data, dict):
        return ["the file does not hold an object"]
    missing = [k for k in ("source", "groups", "registers", "analysis_periods", "analysis_fields",
                           "summary_fields", "screened_out", "plan", "carried_forward") if k not in data]
    if missing:
        return [f"'{k}' is missing" for k in missing]
    problems: list[str] = []
    levels = set(reference().rosh_levels)
    groups = data["groups"]
    if not isinstance(groups, list) or not all(
            isinstance(g, dict) and isinstance(g.get("code"), str) and isinstance(g.get("label"), str)
            and isinstance(g.get("community"), bool) and isinstance(g.get("custody"), bool) for g in groups):
        problems.append("'groups' must be objects with code, label, community and custody")
    else:
        codes = {g["code"] for g in groups}
        for needed in ("children", "public", "known_adult", "staff", "prisoners"):
            if needed not in codes:
                problems.append(f"group '{needed}' is missing")
    if not isinstance(data["registers"], dict) or set(data["registers"]) != levels:
        problems.append(f"'registers' must give a register for each level ({', '.join(sorted(levels))})")
    periods = data["analysis_periods"]
    if not isinstance(periods, list) or {p.get("code") for p in periods if isinstance(p, dict)} != {
            "current", "previous"}:
        problems.append("'analysis_periods' must be current and previous")
    problems += _fields_problems("analysis_fields", data["analysis_fields"], needs_required=False)
    problems += _fields_problems("summary_fields", data["summary_fields"], needs_required=True)
    if isinstance(data["summary_fields"], list):
        required = {f.get("code") for f in data["summary_fields"] if isinstance(f, dict) and f.get("required")}
        if not {"who_at_risk", "nature"} <= required:
            problems.append("summary fields who_at_risk and nature must be required")
    so = data["screened_out"]
    if not (isinstance(so, dict) and isinstance(so.get("label"), str) and so.get("usual_level") in levels
            and isinstance(so.get("reason_min_chars"), int) and isinstance(so.get("reason_min_words"), int)):
        problems.append("'screened_out' needs a label, usual_level (a level code) and the reason's minimums")
    plan = data["plan"]
    if not isinstance(plan, dict):
        problems.append("'plan' must be an object")
    else:
        if plan.get("required_from") not in levels:
            problems.append("plan 'required_from' must be a level code")
        for name in ("sections", "share_with"):
            items = plan.get(name)
            if not isinstance(items, list) or not items or not all(
                    isinstance(i, dict) and isinstance(i.get("code"), str) and isinstance(i.get("label"), str)
                    for i in items) or len({i["code"] for i in items}) != len(items):
                problems.append(f"plan '{name}' must be a non-empty list of objects with distinct codes and labels")
    cf = data["carried_forward"]
    if not (isinstance(cf, dict) and isinstance(cf.get("stale_after_months"), int) and cf["stale_after_months"] > 0):
        problems.append("'carried_forward' needs a whole number stale_after_months above 0")
    return problems


def _text_fields(items: list[dict[str, Any]]) -> tuple[TextField, ...]:
    return tuple(TextField(f["code"], f["label"], bool(f.get("required", False)), f["help"]) for f in items)


def assessment_from(data: Mapping[str, Any]) -> AssessmentData:
    """Build the assessment data from the file's contents (raises ValueError naming what is wrong)."""
    problems = validate_assessment_data(data)
    if problems:
        raise ValueError("rosh_assessment.json: " + "; ".join(problems))
    so = data["screened_out"]
    return AssessmentData(
        source=data["source"],
        groups=tuple(Group(g["code"], g["label"], g["community"], g["custody"]) for g in data["groups"]),
        registers=dict(data["registers"]),
        analysis_periods={p["code"]: p["label"] for p in data["analysis_periods"]},
        analysis_fields=_text_fields(data["analysis_fields"]),
        summary_fields=_text_fields(data["summary_fields"]),
        screened_out_label=so["label"],
        usual_screened_out_level=so["usual_level"],
        reason_min_chars=so["reason_min_chars"],
        reason_min_words=so["reason_min_words"],
        raw_plan=data["plan"],
        stale_after_months=data["carried_forward"]["stale_after_months"],
    )


@cache
def assessment_data() -> AssessmentData:
    """resources/data/rosh_assessment.json, read once."""
    return assessment_from(load_json("rosh_assessment.json"))


def levels() -> tuple[RoshLevel, ...]:
    """Low, medium, high, very high with their standard definitions (shown beside the choice), lowest first."""
    return tuple(sorted(reference().rosh_levels.values(), key=lambda lv: lv.rank))


# -- the rules -------------------------------------------------------------------------------------------
def _highest(found: LevelMap) -> str | None:
    chosen = [lv for lv in found.values() if lv and rosh_rank(lv) > 0]
    return max(chosen, key=rosh_rank) if chosen else None


def overall_level(community_levels: LevelMap, custody_levels: LevelMap, in_custody: bool) -> str | None:
    """The overall RoSH level: the highest of the community levels, or of the custody levels while the person
    is in custody; None when no level of those is chosen (no fall-back from custody to community)."""
    return _highest(custody_levels if in_custody else community_levels)


def levels_by_group(summary: RoshSummary) -> dict[str, dict[str, str | None]]:
    """Each group's community and custody level, as `lpt rosh show --json` gives them (None where a group is
    not assessed in that setting, or no level is chosen): {"children": {"community": "M", "custody": None}}."""
    return {g.code: {"community": summary.community.get(g.code) if g.community else None,
                     "custody": summary.custody.get(g.code) if g.custody else None}
            for g in assessment_data().groups}


def rosh_register_for(level: str) -> str:
    """The RoSH register of a level: L RLRH, M RMRH, H RHRH, VH RVHR (ValueError for anything else)."""
    try:
        return assessment_data().registers[level]
    except KeyError:
        raise ValueError(f"'{level}' is not a RoSH level: use L, M, H or VH") from None


def _level_errors(found: LevelMap, groups: tuple[Group, ...], setting: str) -> list[FieldError]:
    known = reference().rosh_levels
    errors = []
    for g in groups:
        lv = found.get(g.code)
        name = f"Risk to {g.label.lower()} ({setting})"
        if not lv:
            errors.append(FieldError(name, "has no level: choose low, medium, high or very high"))
        elif lv not in known:
            errors.append(FieldError(name, f"'{lv}' is not a level: choose low, medium, high or very high"))
    wrong = sorted(set(found) - {g.code for g in groups})
    errors += [FieldError(f"Risk ({setting})", f"'{code}' is not a group assessed {setting}: remove it")
               for code in wrong]
    return errors


def summary_errors(summary: RoshSummary) -> list[FieldError]:
    """What stops the summary being completed: a level for every community group (and every custody group,
    prisoners included, while in custody); for a full summary, who is at risk and the nature of the risk;
    for a screened-out one, why no full analysis was needed, in at least a sentence."""
    data = assessment_data()
    errors = _level_errors(summary.community, data.community_groups, "in the community")
    if summary.in_custody or any(summary.custody.values()):
        errors += _level_errors(summary.custody, data.custody_groups, "in custody")
    if summary.screened_out:
        text = " ".join((summary.no_analysis_reason or "").split())
        if len(text) < data.reason_min_chars or len(text.split()) < data.reason_min_words:
            errors.append(FieldError(data.screened_out_label,
                                     f"is too short: say in at least a sentence ({data.reason_min_chars} "
                                     f"characters or more, more than {data.reason_min_words - 1} words) why "
                                     "the screening needed no full analysis"))
    else:
        for f in data.summary_fields:
            if f.required and not (summary.texts.get(f.code) or "").strip():
                errors.append(FieldError(f.label, f"is empty: {f.help[0].lower()}{f.help[1:]}"))
    known = {f.code for f in data.summary_fields}
    errors += [FieldError("Summary", f"'{code}' is not a summary field: remove it")
               for code in sorted(set(summary.texts) - known)]
    return errors


def summary_warnings(summary: RoshSummary) -> list[str]:
    """Shown but not blocking: a screened-out summary with a level above the usual (low) one."""
    if not summary.screened_out:
        return []
    data = assessment_data()
    usual = rosh_rank(data.usual_screened_out_level)
    above = [g.label.lower() for g in data.groups
             if rosh_rank(summary.community.get(g.code)) > usual or rosh_rank(summary.custody.get(g.code)) > usual]
    if not above:
        return []
    return [f"No full analysis, yet the risk to {', '.join(above)} is above "
            f"{reference().rosh_levels[data.usual_screened_out_level].label.lower()}: check the screening, "
            "as a level above low usually needs a full analysis"]


Analysis = Mapping[str, Mapping[str, str]]  # period (current | previous) -> analysis field code -> text


def analysis_errors(analysis: Analysis) -> list[FieldError]:
    """What stops a full analysis being completed: what happened and the sources, for current and for
    previous behaviour alike (previous behaviour is never skipped: with nothing of concern, the officer says
    so and names the records checked); fields or periods not on the list."""
    data = assessment_data()
    errors = []
    for period, period_label in data.analysis_periods.items():
        texts = analysis.get(period) or {}
        for f in data.analysis_fields:
            if f.required and not (texts.get(f.code) or "").strip():
                errors.append(FieldError(f"{period_label}: {f.label}", f"is empty: {f.help[0].lower()}{f.help[1:]}"))
        known = {f.code for f in data.analysis_fields}
        errors += [FieldError(period_label, f"'{code}' is not a field of the analysis: remove it")
                   for code in sorted(set(texts) - known)]
    errors += [FieldError("Full analysis", f"'{p}' is not current or previous behaviour: remove it")
               for p in sorted(set(analysis) - set(data.analysis_periods))]
    return errors
