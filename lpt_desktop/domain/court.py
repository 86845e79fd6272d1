"""Pre-sentence reports: report types, the nine sections and their fields, and the checks before 'ready'.

Everything here is data from resources/data/court_reports.json plus small pure functions. Field values
in a report are plain JSON: text and choices as strings, dates as ISO strings on disk (date objects in
memory, see coerce_value), multi as lists of codes, int as int, bool as bool, and requirements as a list
of {"type_code": "UPW", "params": {"hours": 120}}.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from lpt_desktop.domain.dates import parse_date
from lpt_desktop.domain.reference import load_json, reference
from lpt_desktop.domain.validation import FieldError, validate_requirement

KINDS = ("text", "date", "choice", "multi", "bool", "int", "requirements")


@dataclass(frozen=True)
class ReportType:
    code: str
    label: str
    title: str
    working_days: int
    remanded_working_days: int
    compact: bool


@dataclass(frozen=True)
class FieldSpec:
    id: str
    label: str
    kind: str  # text | date | choice | multi | bool | int | requirements
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for choice and multi
    oral: bool = True  # shown in the compact oral form


@dataclass(frozen=True)
class SectionSpec:
    id: str
    number: int
    title: str
    guidance: str
    fields: tuple[FieldSpec, ...]

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)

    def fields_for(self, report_type: str) -> tuple[FieldSpec, ...]:
        """The fields of this section in the given report type (oral reports use a compact form)."""
        if report_types().get(report_type, None) is not None and report_types()[report_type].compact:
            return tuple(f for f in self.fields if f.oral)
        return self.fields


@dataclass(frozen=True)
class CheckResult:
    check_id: str
    ok: bool
    message: str  # what to add when not ok; empty when ok


@cache
def _data() -> dict[str, Any]:
    return load_json("court_reports.json")


@cache
def report_types() -> dict[str, ReportType]:
    return {t["code"]: ReportType(code=t["code"], label=t["label"], title=t["title"], working_days=t["working_days"],
                                  remanded_working_days=t["remanded_working_days"], compact=t["compact"])
            for t in _data()["report_types"]}


def report_type_label(code: str) -> str:
    t = report_types().get(code)
    return t.label if t else code


def target_on_time() -> float:
    return float(_data()["target_on_time"])


@cache
def choice_lists() -> dict[str, tuple[tuple[str, str], ...]]:
    d = _data()
    return {
        "issues": tuple((i["code"], i["label"]) for i in d["issues"]),
        "plan": tuple((i["code"], i["label"]) for i in d["issues"] + d["plan_extra"]),
        "proposals": tuple((p["code"], p["label"]) for p in d["proposals"]),
        "sources": tuple((s["code"], s["label"]) for s in d["sources"]),
        "rosh": tuple((r.code, r.label) for r in reference().rosh_levels.values()),
    }


@cache
def issue_for_need() -> dict[str, str]:
    """Contact need code (resources/data/contact_types.json) -> report issue code."""
    return {need: i["code"] for i in _data()["issues"] for need in i["needs"]}


@cache
def community_proposals() -> frozenset[str]:
    return frozenset(p["code"] for p in _data()["proposals"] if p["community"])


@cache
def sections() -> tuple[SectionSpec, ...]:
    lists = choice_lists()
    out = []
    for s in _data()["sections"]:
        fields = tuple(
            FieldSpec(id=f["id"], label=f["label"], kind=f["kind"], choices=lists.get(f.get("choices", ""), ()),
                      oral=f.get("oral", True))
            for f in s["fields"])
        out.append(SectionSpec(id=s["id"], number=s["number"], title=s["title"], guidance=s["guidance"],
                               fields=fields))
    return tuple(out)


def section(section_id: str) -> SectionSpec | None:
    return next((s for s in sections() if s.id == section_id), None)


def label_of(spec: FieldSpec, code: str) -> str:
    return dict(spec.choices).get(code, code)


# -- values ----------------------------------------------------------------------------------------
def coerce_value(spec: FieldSpec, value: Any, where: str) -> tuple[Any, FieldError | None]:
    """The value as stored (JSON-friendly), or a FieldError saying how to put it right."""
    if value is None or value == "" or value == []:
        return None, None
    field = f"{where}: {spec.label}"
    if spec.kind == "text":
        return str(value), None
    if spec.kind == "date":
        if isinstance(value, date):
            return value.isoformat(), None
        try:
            text = str(value).strip()
            return (date.fromisoformat(text) if re.match(r"^\d{4}-\d{2}-\d{2}$", text) else parse_date(text)
                    ).isoformat(), None
        except ValueError:
            return None, FieldError(field, f"'{value}' is not a date: enter it as dd/mm/yyyy")
    if spec.kind == "int":
        try:
            if isinstance(value, bool):
                raise ValueError
            return int(str(value).strip()), None
        except ValueError:
            return None, FieldError(field, f"'{value}' is not a whole number: enter digits only")
    if spec.kind == "bool":
        if isinstance(value, bool):
            return value, None
        return None, FieldError(field, "must be yes or no")
    if spec.kind == "choice":
        if value in dict(spec.choices):
            return value, None
        return None, FieldError(field, f"'{value}' is not one of the choices: pick one from the list")
    if spec.kind == "multi":
        values = [value] if isinstance(value, str) else list(value)
        bad = [v for v in values if v not in dict(spec.choices)]
        if bad:
            return None, FieldError(field, f"{', '.join(map(str, bad))} not in the list: pick from the list")
        order = [c for c, _ in spec.choices]
        return sorted(set(values), key=order.index), None
    if spec.kind == "requirements":
        if not isinstance(value, list) or not all(isinstance(r, Mapping) and "type_code" in r for r in value):
            return None, FieldError(field, "must be a list of requirements, each with a type and its parameters")
        return [{"type_code": str(r["type_code"]), "params": dict(r.get("params") or {})} for r in value], None
    return value, None


def value_for_display(spec: FieldSpec, value: Any) -> Any:
    """Stored JSON value -> the value the editor shows (dates as date objects)."""
    if value is None:
        return None
    if spec.kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return value


def describe_requirement(req: Mapping[str, Any]) -> str:
    """'Unpaid work: Hours: 120' in the words of requirement_types.json."""
    rtype = reference().requirement_types.get(req.get("type_code", ""))
    if rtype is None:
        return str(req.get("type_code", ""))
    params = req.get("params") or {}
    parts = []
    for p in rtype.params:
        v = params.get(p.name)
        if v in (None, ""):
            continue
        parts.append(f"{p.label.lower()} {('yes' if v else 'no') if p.kind == 'bool' else v}")
    return rtype.label + (f" ({', '.join(parts)})" if parts else "")


def word_count(fields: Mapping[str, Any]) -> int:
    """Words in the free text of one section (the editor's running count)."""
    return sum(len(str(v).split()) for v in fields.values() if isinstance(v, str))


# -- checks before a report is ready ------------------------------------------------------------------
def _text(v: Any) -> str:
    return v.strip() if isinstance(v, str) else ""


def check_report(sections_: Mapping[str, Mapping[str, Any]]) -> list[CheckResult]:
    """The checks the issue lists, in the order the writer would fix them; each says what to add."""
    proposal = sections_.get("proposal", {})
    assessment = sections_.get("offender_assessment", {})
    risk = sections_.get("risk", {})
    sources = sections_.get("sources", {})
    sign_off = sections_.get("sign_off", {})
    results: list[CheckResult] = []

    sentence = proposal.get("sentence")
    results.append(CheckResult("proposal", bool(sentence),
                               "" if sentence else "Add a proposal: choose the proposed sentence in section 7."))

    community = sentence in community_proposals()
    reqs = proposal.get("requirements") or []
    problems: list[str] = []
    if community and not reqs:
        problems.append("a community sentence needs at least one requirement: add it with its parameters")
    order = "SSO" if sentence == "SSO" else "CO"
    for r in reqs:
        problems += [str(e) for e in validate_requirement(r.get("type_code", ""), r.get("params") or {}, order)]
    length = proposal.get("length_months")
    max_months = reference().order_types[order].max_months if order in reference().order_types else None
    if community and isinstance(length, int) and max_months and not 1 <= length <= max_months:
        problems.append(f"Length: {length} months is out of range: a {reference().order_types[order].label.lower()} "
                        f"lasts 1 to {max_months} months")
    results.append(CheckResult("requirements", not problems,
                               "" if not problems else "Fix the requirements in section 7: " + "; ".join(problems)))

    plan = _text(proposal.get("outline_plan"))
    plan_ok = bool(plan) or not community
    results.append(CheckResult("outline_plan", plan_ok, "" if plan_ok else
                               "Add an outline sentence plan in section 7: a community sentence is proposed."))

    # What the report records must show up in the plan (seed 002: 24 of 34 plans left vulnerability out).
    covered = set(proposal.get("plan_addresses") or [])
    labels = dict(choice_lists()["plan"])
    needed = list(assessment.get("issues") or [])
    if _text(assessment.get("vulnerability")):
        needed.append("vulnerability")
    if risk.get("rosh_level") in ("M", "H", "VH") or _text(risk.get("rosh_summary")):
        needed.append("risk")
    missing = [labels.get(c, c) for c in needed if c not in covered]
    cover_ok = not missing or not community
    results.append(CheckResult("plan_covers_issues", cover_ok, "" if cover_ok else
                               "Address in the outline sentence plan (and tick under 'The plan addresses'): "
                               + ", ".join(missing) + "."))

    used = set(sources.get("used") or [])
    gaps = []
    if "domestic_abuse" not in used and not _text(sources.get("da_not_done_reason")):
        gaps.append("domestic abuse checks (tick them in section 8, or say why they were not done)")
    if "childrens_services" not in used and not _text(sources.get("cp_not_done_reason")):
        gaps.append("child protection checks with children's services (tick them in section 8, "
                    "or say why they were not done)")
    results.append(CheckResult("safeguarding_checks", not gaps, "" if not gaps else "Add " + " and ".join(gaps)
                               + "."))

    author = _text(sign_off.get("author"))
    results.append(CheckResult("sign_off", bool(author), "" if author else
                               "Add your name as the author in section 9 (sign-off)."))
    return results
