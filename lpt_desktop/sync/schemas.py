"""What each synced field may hold, derived from the laptop's own column types when a kind is registered.

The central store keeps records as JSON of any shape, so without this a pushed value could be anything the
request could carry: a list nested 300 deep in a name (which then broke every pull of the case), 50 MiB of
text, a number where a date belongs. Each field's schema says what the laptop's column can take back (its
type, its length, for a JSON column its depth and size); the server refuses any other value at the door, as a
rejection naming the field and the limit. Nothing here is written by hand per kind: a new kind registered in
sync/kinds.py gets its schema from its model.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import JSON, Boolean, Column, Date, DateTime, Float, Integer, Numeric, String

# Text columns without a length (notes, views, reasons): a long contact note is a few thousand characters;
# a hundred thousand is a short book, and stops a single field from making every pull of a case heavy.
TEXT_MAX_CHARS = 100_000
# JSON columns (a court report's sections, a contact's risk areas): nesting and size, both far above use.
JSON_MAX_DEPTH = 10
JSON_MAX_CHARS = 1_000_000
INT_MIN, INT_MAX = -(2**63), 2**63 - 1  # what SQLite (the laptop) and PostgreSQL bigint hold
# A NUL (PostgreSQL text cannot hold it) or a lone surrogate (valid in JSON, but not storable text).
_UNKEEPABLE = re.compile("[\x00\ud800-\udfff]")
_NOT_KEPT = "holds a character no database keeps (a NUL or half of a surrogate pair)"

Type = Literal["text", "integer", "number", "boolean", "date", "datetime", "json"]


@dataclass(frozen=True)
class FieldSchema:
    name: str
    type: Type
    max_chars: int | None = None  # text: characters; json: its size as text (about)

    def problem(self, value: Any) -> str | None:
        """Why this value cannot be kept in this field, in words naming the field and the limit (None: it can)."""
        if value is None:
            return None
        found = describe(value)
        if self.type == "json":
            return _json_problem(self.name, value)
        if isinstance(value, (list, dict)):
            return f"{self.name} must be {self._wanted()}, not {found}."
        if self.type == "text":
            if not isinstance(value, str):
                return f"{self.name} must be {self._wanted()}, not {found}."
            if self.max_chars is not None and len(value) > self.max_chars:
                return f"{self.name} is {len(value):,} characters long: at most {self.max_chars:,} characters are kept."
            if _UNKEEPABLE.search(value):
                return f"{self.name} {_NOT_KEPT}."
            return None
        if self.type == "boolean":
            return None if isinstance(value, bool) else f"{self.name} must be {self._wanted()}, not {found}."
        if self.type == "integer":
            if isinstance(value, bool) or not isinstance(value, int):
                return f"{self.name} must be {self._wanted()}, not {found}."
            if not INT_MIN <= value <= INT_MAX:
                return f"{self.name} is out of range: at most {INT_MAX:,} either way."
            return None
        if self.type == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"{self.name} must be {self._wanted()}, not {found}."
            if isinstance(value, float) and not math.isfinite(value):
                return f"{self.name} must be a finite number."
            return None
        # date, datetime: ISO text, as the laptop writes and reads them back (sync/kinds.to_json, from_json)
        if not isinstance(value, str) or len(value) > 40:
            return f"{self.name} must be {self._wanted()}, not {found}."
        try:
            (date.fromisoformat if self.type == "date" else datetime.fromisoformat)(value)
        except ValueError:
            return f"{self.name} must be {self._wanted()}."
        return None

    def _wanted(self) -> str:
        return {"text": f"text of at most {self.max_chars:,} characters" if self.max_chars else "text",
                "integer": "a whole number", "number": "a number", "boolean": "true or false",
                "date": "a date (YYYY-MM-DD)", "datetime": "a date and time (YYYY-MM-DDTHH:MM:SS)",
                "json": "a JSON value"}[self.type]


def for_column(column: Column[Any]) -> FieldSchema:
    """The schema of one column, from its SQLAlchemy type (subclasses first: DateTime is not a Date)."""
    t = column.type
    if isinstance(t, JSON):
        return FieldSchema(column.name, "json", JSON_MAX_CHARS)
    if isinstance(t, Boolean):
        return FieldSchema(column.name, "boolean")
    if isinstance(t, DateTime):
        return FieldSchema(column.name, "datetime")
    if isinstance(t, Date):
        return FieldSchema(column.name, "date")
    if isinstance(t, Integer):
        return FieldSchema(column.name, "integer")
    if isinstance(t, (Float, Numeric)):
        return FieldSchema(column.name, "number")
    if isinstance(t, String):  # Text is a String without a length
        return FieldSchema(column.name, "text", t.length or TEXT_MAX_CHARS)
    # A column type this module does not know yet: held to what any JSON value must be to be served back.
    return FieldSchema(column.name, "json", JSON_MAX_CHARS)


def for_columns(columns: list[Column[Any]]) -> dict[str, FieldSchema]:
    return {c.name: for_column(c) for c in columns}


def describe(value: Any) -> str:
    """A short description of a value, kept in place of one that was refused (never the value itself)."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return f"text of {len(value):,} characters"
    if isinstance(value, (list, dict)):
        depth, size = measure(value, JSON_MAX_DEPTH + 1, JSON_MAX_CHARS + 1)
        shape = "a list" if isinstance(value, list) else "an object"
        nested = f"nested more than {JSON_MAX_DEPTH} deep" if depth > JSON_MAX_DEPTH else f"nested {depth} deep"
        large = f", over {JSON_MAX_CHARS:,} characters" if size > JSON_MAX_CHARS else ""
        return f"{shape} {nested}{large}"
    return type(value).__name__


def measure(value: Any, max_depth: int, max_chars: int) -> tuple[int, int]:
    """(depth of nesting, size as text, about), without recursion; stops counting past either limit (a value
    nested a thousand deep is measured as deep as the limit, at the cost of the limit)."""
    depth, size = 0, 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        v, d = stack.pop()
        if isinstance(v, (list, dict)):
            depth = max(depth, d)
            size += 2
            if depth > max_depth or size > max_chars:
                return depth, size
            if isinstance(v, dict):
                for k, item in v.items():
                    size += len(str(k)) + 4
                    stack.append((item, d + 1))
            else:
                for item in v:
                    size += 1
                    stack.append((item, d + 1))
        elif isinstance(v, str):
            size += len(v) + 2
        else:
            size += 8
        if size > max_chars:
            return depth, size
    return depth, size


def _json_problem(name: str, value: Any) -> str | None:
    depth, size = measure(value, JSON_MAX_DEPTH, JSON_MAX_CHARS)
    if depth > JSON_MAX_DEPTH:
        return f"{name} is nested more than {JSON_MAX_DEPTH} deep: at most {JSON_MAX_DEPTH} levels are kept."
    if size > JSON_MAX_CHARS:
        return f"{name} is over {JSON_MAX_CHARS:,} characters as JSON: at most {JSON_MAX_CHARS:,} are kept."
    stack = [value]
    while stack:  # within the limits above: small enough to walk
        v = stack.pop()
        if isinstance(v, dict):
            if any(_UNKEEPABLE.search(str(k)) for k in v):
                return f"{name} {_NOT_KEPT}."
            stack.extend(v.values())
        elif isinstance(v, list):
            stack.extend(v)
        elif isinstance(v, str) and _UNKEEPABLE.search(v):
            return f"{name} {_NOT_KEPT}."
        elif isinstance(v, float) and not math.isfinite(v):
            return f"{name} holds a number that is not finite (NaN or Infinity)."
    return None


# Any field the store has no column for (an unknown kind or field, in a rejection): what every value must be to
# be written into a reply as JSON.
ANY = FieldSchema("value", "json", JSON_MAX_CHARS)


def servable(value: Any) -> bool:
    """A value that can be kept and served back as JSON (for what a rejection keeps of a refused change)."""
    return ANY.problem(value) is None
