"""A conflict at the grain a person edits: the fields of a record in their labels, internal columns hidden.

Pure (no database, no Qt). A court report holds its nine sections as one JSON column; here each field of
each section (``sections.<section id>.<field id>``) is a field of its own, labelled as the editor labels it
(resources/data/court_reports.json through domain.court), so a merge can take one field from each side.
Other records show their columns in words, without ids, timestamps, versions and foreign keys.

`merged_values` turns the picks back into what services.sync.resolve_conflict takes: column -> value in
JSON form, with the report's sections (and its prefill marks) assembled from the per-field picks.
"""

from __future__ import annotations

import copy
import dataclasses
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from lpt_desktop.domain import court as rules

Side = Literal["mine", "theirs"]
REPORT_KIND = "court_report"
SECTIONS_COLUMN = "sections"
PREFILLED_COLUMN = "prefilled"
SECTION_PREFIX = SECTIONS_COLUMN + "."

# Bookkeeping a person never edits: never listed, and a merge keeps this laptop's value.
INTERNAL_COLUMNS = frozenset({"id", "created_at", "updated_at", "version", "base_version", "officer_id"})
INTERNAL_BY_KIND: dict[str, frozenset[str]] = {
    REPORT_KIND: frozenset({PREFILLED_COLUMN, "request_id", "report_type"}),
}
# Field and record names officers know by another name; the rest read well with underscores as spaces.
LABELS = {"rosh": "RoSH level", "crn": "CRN", "pnc": "PNC number", "date_of_birth": "Date of birth",
          "ogrs": "OGRS score", "oasys": "OASys", "nomis": "NOMIS number", "person": "Person details",
          "lja": "Local justice area", "court_report": "Court report", "report_request": "Report request",
          "pre_sentence": "Pre-sentence record", "signed_by": "Signed by", "signed_on": "Signed on",
          "countersigned_by": "Countersigned by", "countersigned_on": "Countersigned on"}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2}))?")


@dataclass(frozen=True)
class ConflictField:
    """One field as the conflicts screen compares it."""

    key: str  # the column, or "sections.<section>.<field>" for a report field
    label: str  # "6. Risk assessment › RoSH level", "Tier"
    mine: Any  # JSON form; None when empty
    theirs: Any
    differs: bool
    mine_text: str
    theirs_text: str


def humanise(name: str) -> str:
    return LABELS.get(name) or name.replace("_", " ").strip().capitalize()


def is_internal(kind: str, column: str) -> bool:
    return (column in INTERNAL_COLUMNS or column.endswith("_id")
            or column in INTERNAL_BY_KIND.get(kind, frozenset()))


def show_value(value: Any) -> str:
    """JSON-form values as an officer reads them: UK dates, Yes/No, '(empty)'."""
    if value is None or value == "" or value == [] or value == {}:
        return "(empty)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, str):
        m = ISO_DATE.match(value)
        if m:
            text = f"{m.group(3)}/{m.group(2)}/{m.group(1)}"
            return f"{text} {m.group(4)}:{m.group(5)}" if m.group(4) else text
        return value
    if isinstance(value, list):
        return ", ".join(map(str, value))
    if isinstance(value, dict):
        return "; ".join(f"{k}: {v}" for k, v in value.items())
    return str(value)


def report_value_text(spec: rules.FieldSpec | None, value: Any) -> str:
    """A report field's value in the editor's words: choice labels, requirements described, UK dates."""
    if spec is None or value is None or value == "" or value == []:
        return show_value(value)
    if spec.kind == "choice" and isinstance(value, str):
        return rules.label_of(spec, value)
    if spec.kind == "multi" and isinstance(value, list):
        return ", ".join(rules.label_of(spec, str(v)) for v in value)
    if spec.kind == "requirements" and isinstance(value, list):
        return "; ".join(rules.describe_requirement(r) for r in value if isinstance(r, Mapping)) or "(empty)"
    return show_value(value)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def report_key(section_id: str, field_id: str) -> str:
    return f"{SECTION_PREFIX}{section_id}.{field_id}"


def split_report_key(key: str) -> tuple[str, str] | None:
    """("risk", "rosh_level") for "sections.risk.rosh_level"; None for a plain column."""
    if not key.startswith(SECTION_PREFIX):
        return None
    section_id, _, field_id = key[len(SECTION_PREFIX):].partition(".")
    return (section_id, field_id) if section_id and field_id else None


def _sections(data: Mapping[str, Any] | None) -> dict[str, dict[str, Any]]:
    raw = (data or {}).get(SECTIONS_COLUMN) or {}
    return {str(k): dict(v) for k, v in raw.items() if isinstance(v, Mapping)} if isinstance(raw, Mapping) else {}


def report_fields(mine: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None) -> list[ConflictField]:
    """Every field of the report either side holds, in the editor's order (section by section); fields empty
    on both sides are left out. Fields a newer version knows and this one does not come last, by key."""
    a, b = _sections(mine), _sections(theirs)
    out: list[ConflictField] = []
    seen: set[tuple[str, str]] = set()
    for spec in rules.sections():
        for f in spec.fields:
            seen.add((spec.id, f.id))
            x, y = a.get(spec.id, {}).get(f.id), b.get(spec.id, {}).get(f.id)
            if _empty(x) and _empty(y):
                continue
            out.append(ConflictField(report_key(spec.id, f.id), f"{spec.number}. {spec.title} › {f.label}", x, y,
                                     _differs(x, y), report_value_text(f, x), report_value_text(f, y)))
    extra = sorted({(s, f) for side in (a, b) for s, fields in side.items() for f in fields} - seen)
    for sid, fid in extra:
        x, y = a.get(sid, {}).get(fid), b.get(sid, {}).get(fid)
        if _empty(x) and _empty(y):
            continue
        out.append(ConflictField(report_key(sid, fid), f"{humanise(sid)} › {humanise(fid)}", x, y, _differs(x, y),
                                 show_value(x), show_value(y)))
    return out


def _differs(x: Any, y: Any) -> bool:
    return (None if _empty(x) else x) != (None if _empty(y) else y)


def conflict_fields(kind: str, mine: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None,
                    conflicting: Iterable[str] = ()) -> list[ConflictField]:
    """The fields of one conflict a person compares: the differing ones first, internal columns and fields
    empty on both sides left out.

    A side that is None (deleted there, or not kept here) makes every field differ."""
    one_side = mine is None or theirs is None
    a, b = mine or {}, theirs or {}
    named = [c for c in conflicting if not is_internal(kind, c)]
    columns = named + sorted((set(a) | set(b)) - set(named))
    out: list[ConflictField] = []
    for column in columns:
        if is_internal(kind, column):
            continue
        if kind == REPORT_KIND and column == SECTIONS_COLUMN:
            out.extend(dataclasses.replace(f, differs=True) if one_side else f
                       for f in report_fields(mine, theirs))
            continue
        x, y = a.get(column), b.get(column)
        differs = one_side or column in named or _differs(x, y)
        if not differs and _empty(x):
            continue  # empty on both sides: nothing to compare
        out.append(ConflictField(column, humanise(column), x, y, differs, show_value(x), show_value(y)))
    # Differing first, each group in its own order (a stable sort keeps the editor's order within).
    return sorted(out, key=lambda f: not f.differs)


def merged_sections(mine: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None,
                    picks: Mapping[str, Side]) -> dict[str, dict[str, Any]]:
    """The report's sections JSON from per-field picks ("sections.<section>.<field>" -> "mine" | "theirs").

    Starts from this laptop's sections; each picked field takes the chosen side's value (an empty value
    removes the field, as the editor's save does). Sections and fields nobody picked stay as they are here."""
    out = copy.deepcopy(_sections(mine))
    other = _sections(theirs)
    for key, side in picks.items():
        where = split_report_key(key)
        if where is None or side not in ("mine", "theirs"):
            continue
        sid, fid = where
        source = out if side == "mine" else other
        value = copy.deepcopy(source.get(sid, {}).get(fid))
        section = out.setdefault(sid, {})
        if _empty(value):
            section.pop(fid, None)
        else:
            section[fid] = value
    return {sid: fields for sid, fields in out.items() if fields or sid in _sections(mine)}


def merged_prefill(mine: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None,
                   picks: Mapping[str, Side]) -> dict[str, list[str]]:
    """The prefill marks follow the picks: a field taken from a side is marked as it is marked there."""
    def marks(data: Mapping[str, Any] | None) -> dict[str, set[str]]:
        raw = (data or {}).get(PREFILLED_COLUMN) or {}
        return {str(k): set(v or []) for k, v in raw.items()} if isinstance(raw, Mapping) else {}

    out, other = marks(mine), marks(theirs)
    for key, side in picks.items():
        where = split_report_key(key)
        if where is None or side != "theirs":
            continue
        sid, fid = where
        if fid in other.get(sid, set()):
            out.setdefault(sid, set()).add(fid)
        else:
            out.get(sid, set()).discard(fid)
    return {sid: sorted(fids) for sid, fids in out.items()}


def merged_values(kind: str, mine: Mapping[str, Any] | None, theirs: Mapping[str, Any] | None,
                  picks: Mapping[str, Side]) -> dict[str, Any]:
    """Column -> value (JSON form) for resolve_conflict's merge, from picks by field key.

    Plain columns take the picked side's value; a report's sections (and prefill marks) are assembled from its
    per-field picks. Internal columns are left out, so they keep this laptop's value."""
    a, b = mine or {}, theirs or {}
    out: dict[str, Any] = {}
    report_picks: dict[str, Side] = {}
    for key, side in picks.items():
        if split_report_key(key) is not None and kind == REPORT_KIND:
            report_picks[key] = side
        elif not is_internal(kind, key):
            out[key] = copy.deepcopy((a if side == "mine" else b).get(key))
    # A conflict holds only the columns that clashed: a column neither side holds is not written at all.
    if kind == REPORT_KIND and (SECTIONS_COLUMN in a or SECTIONS_COLUMN in b):
        out[SECTIONS_COLUMN] = merged_sections(mine, theirs, report_picks)
    if kind == REPORT_KIND and (PREFILLED_COLUMN in a or PREFILLED_COLUMN in b):
        out[PREFILLED_COLUMN] = merged_prefill(mine, theirs, report_picks)
    return out
