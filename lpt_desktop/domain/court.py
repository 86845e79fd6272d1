"""Pre-sentence reports: report types, the nine sections and their fields, the forms, the checks before 'ready'.

Everything here is data from resources/data/court_reports.json plus small pure functions. Field values
in a report are plain JSON: text and choices as strings, dates as ISO strings on disk (date objects in
memory, see coerce_value), multi as lists of codes, int as int, bool as bool, and requirements as a list
of {"type_code": "UPW", "params": {"hours": 120}}.

A form is what the writer fills in and the PDF prints: the nine sections for a written report, or the
compact form of an oral report (five short sections gathering fields of the nine, so an oral record is stored
like any other report and can become a written one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from lpt_desktop.domain.court_views import OrderPeriod, orders_during
from lpt_desktop.domain.dates import DateTextError, format_date, parse_date
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


@dataclass(frozen=True)
class SectionSpec:
    id: str
    number: int
    title: str
    guidance: str  # speaks to the writer; where it comes from is in the data's "source", not shown
    fields: tuple[FieldSpec, ...]

    def field(self, field_id: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.id == field_id), None)


@dataclass(frozen=True)
class FormSection:
    """One section of a form as the writer sees it: fields as (stored section id, field spec)."""

    id: str
    number: int
    title: str
    guidance: str
    fields: tuple[tuple[str, FieldSpec], ...]

    @property
    def stored_sections(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(sid for sid, _ in self.fields))


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
    """Contact need code (a needs assessment section key, domain.contacts.contact_codes) -> report issue code."""
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
            FieldSpec(id=f["id"], label=f["label"], kind=f["kind"], choices=lists.get(f.get("choices", ""), ()))
            for f in s["fields"])
        out.append(SectionSpec(id=s["id"], number=s["number"], title=s["title"], guidance=s["guidance"],
                               fields=fields))
    return tuple(out)


def section(section_id: str) -> SectionSpec | None:
    return next((s for s in sections() if s.id == section_id), None)


@cache
def _compact_form() -> tuple[FormSection, ...]:
    out = []
    for n, s in enumerate(_data()["compact_form"]["sections"], start=1):
        fields = []
        for ref in s["fields"]:
            sid, fid = ref.split(".")
            spec = section(sid)
            field = spec.field(fid) if spec else None
            if field is None:
                raise ValueError(f"court_reports.json: compact form field '{ref}' is not a report field")
            fields.append((sid, field))
        out.append(FormSection(id=s["id"], number=n, title=s["title"], guidance=s["guidance"], fields=tuple(fields)))
    return tuple(out)


def form_for(report_type: str) -> tuple[FormSection, ...]:
    """The sections the writer fills in for this type: the compact form for an oral report, else the nine."""
    rtype = report_types().get(report_type)
    if rtype is not None and rtype.compact:
        return _compact_form()
    return tuple(FormSection(id=s.id, number=s.number, title=s.title, guidance=s.guidance,
                             fields=tuple((s.id, f) for f in s.fields)) for s in sections())


def where_in_form(report_type: str, section_id: str, field_id: str | None = None) -> str:
    """'section 7' (written report) or 'section 4 (Proposal)' (oral form): where the writer finds a field."""
    for fs in form_for(report_type):
        if any(sid == section_id and (field_id is None or f.id == field_id) for sid, f in fs.fields):
            return f"section {fs.number}" if fs.id == section_id else f"section {fs.number} ({fs.title})"
    return "the report"


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
        except ValueError as e:  # says why: "31/02/2026 does not exist: February 2026 has 28 days"
            return None, FieldError(field, str(e) if isinstance(e, DateTextError) else
                                    f"'{value}' is not a date: enter it as dd/mm/yyyy")
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


def _oral_checks(sections_: Mapping[str, Mapping[str, Any]], where: Any) -> list[CheckResult]:
    """What a court hears in an oral report: the offence, why it happened, the background, the risk."""
    offence = sections_.get("offence_details", {})
    assessment = sections_.get("offender_assessment", {})
    risk = sections_.get("risk", {})
    results = []
    missing = [label for key, label in (("main_offence", "the main offence"), ("summary", "what happened"))
               if not _text(offence.get(key))]
    results.append(CheckResult("offence", not missing, "" if not missing else
                               f"Add {' and '.join(missing)} in {where('offence_details', 'main_offence')}."))
    analysis = _text(sections_.get("offence_analysis", {}).get("analysis"))
    results.append(CheckResult("offence_analysis", bool(analysis), "" if analysis else
                               f"Add why the offence happened (analysis of the offence) in "
                               f"{where('offence_analysis', 'analysis')}."))
    background = bool(assessment.get("issues")) or bool(_text(assessment.get("issues_detail")))
    results.append(CheckResult("assessment", background, "" if background else
                               "Add the relevant background in " + where("offender_assessment", "issues")
                               + ": tick the issues linked to offending or describe them."))
    gaps = [label for key, label in (("likelihood", "the likelihood of further offending"),
                                     ("rosh_level", "the risk of serious harm level")) if not risk.get(key)]
    results.append(CheckResult("risk", not gaps, "" if not gaps else
                               f"Add {' and '.join(gaps)} in {where('risk', 'likelihood')}."))
    return results


def _as_date(value: Any) -> date | None:
    """A date field's value as a date: a date in a draft, ISO as stored, or dd/mm/yyyy as typed."""
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        text = value.strip()
        try:
            return date.fromisoformat(text) if re.match(r"^\d{4}-\d{2}-\d{2}$", text) else parse_date(text)
        except ValueError:
            return None
    return None


def _during_order_check(sections_: Mapping[str, Mapping[str, Any]], orders: Sequence[OrderPeriod],
                        where: Any) -> CheckResult | None:
    """An offence committed during an order on the case is flagged until the writer says the court is told."""
    offence = sections_.get("offence_details", {})
    when = _as_date(offence.get("offence_date"))
    during = orders_during(orders, when)
    if not during:
        return None
    ok = bool(offence.get("during_order"))
    names = "; ".join(f"the {o.label.lower()} from {format_date(o.start)}"
                      + (f" to {format_date(o.ends)}" if o.ends else "") for o in during)
    return CheckResult("offence_during_order", ok, "" if ok else
                       f"The offence ({format_date(when)}) was committed during {names}: say so in the report and "
                       f"tick 'Committed during a current order' in {where('offence_details', 'during_order')}.")


def check_report(sections_: Mapping[str, Mapping[str, Any]], report_type: str = "sdr",
                 orders: Sequence[OrderPeriod] = ()) -> list[CheckResult]:
    """The checks before 'ready', in the order the writer would fix them; each says what to add and where.

    An oral report is checked for what the court hears (offence, analysis, background, risk) as well as the
    checks every report has. With the case's orders, an offence committed during one must be flagged."""

    def where(section_id: str, field_id: str | None = None) -> str:
        return where_in_form(report_type, section_id, field_id)

    rtype = report_types().get(report_type)
    compact = rtype is not None and rtype.compact
    proposal = sections_.get("proposal", {})
    assessment = sections_.get("offender_assessment", {})
    risk = sections_.get("risk", {})
    sources = sections_.get("sources", {})
    sign_off = sections_.get("sign_off", {})
    results: list[CheckResult] = _oral_checks(sections_, where) if compact else []
    during = _during_order_check(sections_, orders, where)
    if during is not None:
        results.append(during)

    sentence = proposal.get("sentence")
    results.append(CheckResult("proposal", bool(sentence), "" if sentence else
                               f"Add a proposal: choose the proposed sentence in {where('proposal', 'sentence')}."))

    community = sentence in community_proposals()
    reqs = proposal.get("requirements") or []
    problems: list[str] = []
    if community and not reqs:
        problems.append("a community sentence needs at least one requirement: add it with its parameters")
    order = "SSO" if sentence == "SSO" else "CO"
    hearing = _as_date(sections_.get("sentencing_court", {}).get("hearing_date"))
    for r in reqs:
        problems += [str(e) for e in validate_requirement(r.get("type_code", ""), r.get("params") or {}, order)]
        req_type = reference().requirement_types.get(r.get("type_code", ""))
        if req_type is not None and hearing is not None and not req_type.available_on(hearing):
            until = req_type.available_until
            ended = f" (it ended on {format_date(until)})" if until else ""
            problems.append(f"{req_type.label} is not available for an order made on {format_date(hearing)}{ended}")
    length = proposal.get("length_months")
    max_months = reference().order_types[order].max_months if order in reference().order_types else None
    if community and isinstance(length, int) and max_months and not 1 <= length <= max_months:
        problems.append(f"Length: {length} months is out of range: a {reference().order_types[order].label.lower()} "
                        f"lasts 1 to {max_months} months")
    results.append(CheckResult("requirements", not problems,
                               "" if not problems else f"Fix the requirements in {where('proposal', 'requirements')}: "
                               + "; ".join(problems)))

    plan = _text(proposal.get("outline_plan"))
    plan_ok = bool(plan) or not community
    results.append(CheckResult("outline_plan", plan_ok, "" if plan_ok else
                               f"Add an outline sentence plan in {where('proposal', 'outline_plan')}: a community "
                               "sentence is proposed."))

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
        gaps.append(f"domestic abuse checks (tick them in {where('sources', 'used')}, or say why they were not done)")
    if "childrens_services" not in used and not _text(sources.get("cp_not_done_reason")):
        gaps.append(f"child protection checks with children's services (tick them in {where('sources', 'used')}, "
                    "or say why they were not done)")
    results.append(CheckResult("safeguarding_checks", not gaps, "" if not gaps else "Add " + " and ".join(gaps)
                               + "."))

    author = _text(sign_off.get("author"))
    results.append(CheckResult("sign_off", bool(author), "" if author else
                               f"Add your name as the author in {where('sign_off', 'author')}"
                               + (" (sign-off)." if not compact else ".")))
    return results
