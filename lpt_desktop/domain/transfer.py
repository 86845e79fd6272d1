"""The `lpt-cases` file format (whole cases as JSON): checking one field's value, and the dates that must
come in order. Pure: services/case_transfer.py says which fields each record has (from the ORM columns) and
does the reading and writing.

Every problem is a FieldError whose field is the path of the value in the file (`cases[3].addresses[0].
from_date`) and whose message says what is wrong and how to put it right.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.validation import FieldError

FORMAT = "lpt-cases"
VERSION = 1

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?")

ValueKind = Literal["text", "int", "number", "bool", "date", "datetime", "object", "list", "records"]


@dataclass(frozen=True)
class FieldSpec:
    """What one field of a record may hold (made from its column)."""

    name: str
    kind: ValueKind
    required: bool  # must be given, and not null
    nullable: bool
    max_length: int | None = None


def _shown(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_value(spec: FieldSpec, value: Any) -> tuple[Any, FieldError | None]:
    """The value as the store keeps it (dates and datetimes parsed), or a problem naming `spec.name`'s fix.
    The FieldError's field is filled in by the caller (the path)."""
    if value is None:
        if spec.nullable:
            return None, None
        return None, FieldError("", "is empty: give a value")
    if spec.kind == "text":
        if not isinstance(value, str):
            return None, FieldError("", f"{_shown(value)} is not text: write it in quotes")
        if spec.max_length is not None and len(value) > spec.max_length:
            return None, FieldError("", f"is {len(value)} characters long: shorten it to {spec.max_length}")
        return value, None
    if spec.kind == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            return None, FieldError("", f"{_shown(value)} is not a whole number: write digits only, e.g. 12")
        if not -(2**63) <= value < 2**63:  # what SQLite holds: a larger number would fail part way through
            return None, FieldError("", f"{value} is too large: check the number")
        return value, None
    if spec.kind == "number":  # a predictor score: a whole number or a decimal
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return None, FieldError("", f"{_shown(value)} is not a number: write digits, e.g. 12.5")
        return float(value), None
    if spec.kind == "bool":
        if not isinstance(value, bool):
            return None, FieldError("", f"{_shown(value)} is not true or false: write true or false")
        return value, None
    if spec.kind == "date":
        if isinstance(value, str) and _DATE.fullmatch(value):
            try:
                return date.fromisoformat(value), None
            except ValueError:
                pass
        return None, FieldError("", f"{_shown(value)} is not a date (yyyy-mm-dd): write a real day, e.g. 2026-01-31")
    if spec.kind == "datetime":
        if isinstance(value, str) and _DATETIME.fullmatch(value):
            try:
                return datetime.fromisoformat(value), None
            except ValueError:
                pass
        return None, FieldError("", f"{_shown(value)} is not a date and time (yyyy-mm-ddThh:mm): write a real "
                                    "moment, e.g. 2026-01-31T14:30")
    if spec.kind == "object":
        if not isinstance(value, dict):
            return None, FieldError("", f"{_shown(value)} is not an object: write it in braces, e.g. {{}}")
        return value, None
    if spec.kind == "records":  # a list of small objects (who a risk plan was shared with, and when)
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return None, FieldError("", f"{_shown(value)} is not a list of objects: write it as [{{...}}, {{...}}]")
        return value, None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, FieldError("", f"{_shown(value)} is not a list of text: write it as [\"a\", \"b\"]")
    return value, None


def check_record(path: str, fields: dict[str, FieldSpec], record: Any, set_from_place: frozenset[str],
                 nested: frozenset[str]) -> tuple[dict[str, Any], list[FieldError]]:
    """One record's values as the store keeps them, and every problem with it (each naming its path).

    set_from_place: fields the file does not carry (filled in from where the record sits); nested: keys that
    hold the record's own lists of records (checked by the caller)."""
    if not isinstance(record, dict):
        return {}, [FieldError(path, f"{_shown(record)} is not a record: write it in braces, {{\"field\": ...}}")]
    values: dict[str, Any] = {}
    problems: list[FieldError] = []
    for key in record:
        if key in nested:
            continue
        if key in set_from_place:
            problems.append(FieldError(f"{path}.{key}", "is set from where the record sits in the file: remove it"))
        elif key not in fields:
            problems.append(FieldError(f"{path}.{key}", "is not a field of this record: remove it or correct its "
                                                        f"name (fields: {', '.join(sorted(fields))})"))
    for name, spec in fields.items():
        if name not in record:
            if spec.required:
                problems.append(FieldError(f"{path}.{name}", "is missing: add it"))
            continue
        value, problem = parse_value(spec, record[name])
        if problem is not None:
            problems.append(FieldError(f"{path}.{name}", problem.message))
        else:
            values[name] = value
    return values, problems


# Dates that must come in order, by table: (earlier, later, what the later one is) - an end before a start
# and the like are impossible (issue 16's "bad input").
DATE_ORDER: dict[str, tuple[tuple[str, str, str], ...]] = {
    "address": (("from_date", "to_date", "the address's end"),),
    "sentence": (("start_date", "terminated_on", "the termination"),  # its end: validation.validate_sentence
                 ("sentence_date", "start_date", "the start (or release on licence)")),
    "requirement": (("start_date", "end_date", "the requirement's end"),),
    "licence_condition": (("from_date", "to_date", "the condition's end"),),
    "registration": (("start_date", "next_review_date", "the next review"),
                     ("start_date", "reviewed_on", "the last review"),
                     ("start_date", "ended_on", "the register's end")),
    "circumstance": (("from_date", "to_date", "the circumstance's end"),),
    "disability": (("from_date", "to_date", "the end"),),
}


def check_date_order(path: str, table: str, values: dict[str, Any]) -> list[FieldError]:
    problems = []
    for earlier, later, what in DATE_ORDER.get(table, ()):
        a, b = values.get(earlier), values.get(later)
        if isinstance(a, date) and isinstance(b, date) and b < a:
            problems.append(FieldError(f"{path}.{later}", f"{what} ({b.isoformat()}) is before {earlier} "
                                                          f"({a.isoformat()}): correct one of the two dates"))
    return problems


def _code_lists(table: str, values: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    """column -> (what it is, its codes), for a record's coded fields the case record's data lists."""
    codes = case_codes()
    by_table: dict[str, dict[str, tuple[str, Any]]] = {
        "alias": {"kind": ("kind of name", codes.alias_kinds)},
        "personal_contact": {"relationship": ("relationship", codes.relationships)},
        "address": {"kind": ("kind of address", codes.address_kinds)},
        "circumstance": {"kind": ("kind of circumstance", codes.circumstances)},
        "case_event": {"kind": ("kind of change", codes.events)},
        "sentence_event": {"kind": ("kind of sentence event", codes.sentence_event_kinds)},
    }
    found = dict(by_table.get(table, {}))
    kind = codes.circumstances.get(values.get("kind") or "") if table == "circumstance" else None
    if kind is not None:
        found["value"] = (f"value for {kind.label.lower()}", kind.values)
    return found


def check_codes(path: str, table: str, values: dict[str, Any]) -> list[FieldError]:
    """Coded fields hold a code from resources/data (case_codes.py reads them)."""
    problems = []
    for column, (what, codes) in _code_lists(table, values).items():
        value = values.get(column)
        if value is not None and value not in codes:
            problems.append(FieldError(f"{path}.{column}", f"{_shown(value)} is not a {what}: use one of "
                                                           f"{', '.join(sorted(codes))}"))
    return problems


def check_envelope(data: Any) -> list[FieldError]:
    """The file's outer shape: format, version and the lists of cases and office closures."""
    if not isinstance(data, dict):
        return [FieldError("(file)", f"is not an {FORMAT} file: it should be an object with \"format\": "
                                     f"\"{FORMAT}\", \"version\": {VERSION} and \"cases\": [...]")]
    problems = []
    if data.get("format") != FORMAT:
        problems.append(FieldError("format", f"{_shown(data.get('format'))} is not \"{FORMAT}\": this is not a "
                                             "file `lpt export --json` writes"))
    if data.get("version") != VERSION:
        problems.append(FieldError("version", f"{_shown(data.get('version'))} is not a version this LPT Desktop "
                                              f"reads: it reads version {VERSION}; export again from a matching "
                                              "version"))
    if not isinstance(data.get("cases"), list):
        problems.append(FieldError("cases", "is missing or not a list: write \"cases\": [...]"))
    if "office_closures" in data and not isinstance(data["office_closures"], list):
        problems.append(FieldError("office_closures", "is not a list: write \"office_closures\": [...] or leave "
                                                      "it out"))
    extra = sorted(set(data) - {"format", "version", "cases", "office_closures"})
    problems += [FieldError(key, "is not part of the format: remove it") for key in extra]
    return problems
