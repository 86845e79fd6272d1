"""Reference data loaded once from resources/data/*.json."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any

from lpt_desktop.paths import resources_dir


@dataclass(frozen=True)
class ParamSpec:
    name: str
    label: str
    kind: str  # int | text | choice | bool
    required: bool
    help: str
    min: int | None = None
    max: int | None = None
    choices: tuple[str, ...] = ()
    unverified: bool = False


@dataclass(frozen=True)
class RequirementType:
    code: str
    label: str
    params: tuple[ParamSpec, ...]
    available_from: date | None = None  # the first day an order could include it
    available_until: date | None = None  # the last day (inclusive); None while it is still law
    source: str = ""

    def available_on(self, order_date: date) -> bool:
        return ((self.available_from is None or self.available_from <= order_date)
                and (self.available_until is None or order_date <= self.available_until))


@dataclass(frozen=True)
class RegisterType:
    code: str
    label: str
    review_months: int
    flag: str | None
    has_category: bool = False
    has_level: bool = False


@dataclass(frozen=True)
class OrderType:
    code: str
    label: str
    short: str
    has_requirements: bool
    max_months: int | None


@dataclass(frozen=True)
class RoshLevel:
    code: str
    label: str
    rank: int
    definition: str


@dataclass(frozen=True)
class ContactType:
    code: str
    label: str
    appointment: bool
    national_standard: bool


@dataclass(frozen=True)
class Reference:
    order_types: dict[str, OrderType]
    requirement_types: dict[str, RequirementType]
    register_types: dict[str, RegisterType]
    flags: dict[str, str]
    mappa_categories: dict[str, str]
    mappa_levels: dict[str, str]
    rosh_levels: dict[str, RoshLevel]
    contact_types: dict[str, ContactType]
    outcomes: dict[str, str]


def _make(cls: type, d: dict[str, Any]) -> Any:
    # Data files may carry notes and sources beside the fields the code reads.
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in d.items() if k in names})


def load_json(name: str) -> dict[str, Any]:
    with open(resources_dir() / "data" / name, encoding="utf-8") as fh:
        data: dict[str, Any] = json.load(fh)
    return data


@cache
def reference() -> Reference:
    orders = load_json("order_types.json")["order_types"]
    reqs = load_json("requirement_types.json")["requirement_types"]
    regs = load_json("register_types.json")
    rosh = load_json("rosh_levels.json")["levels"]
    contacts = load_json("contact_types.json")
    return Reference(
        order_types={o["code"]: _make(OrderType, o) for o in orders},
        requirement_types={
            r["code"]: RequirementType(
                code=r["code"],
                label=r["label"],
                params=tuple(
                    _make(ParamSpec, {**p, "choices": tuple(p.get("choices", ()))}) for p in r["params"]
                ),
                available_from=date.fromisoformat(r["from"]) if r.get("from") else None,
                available_until=date.fromisoformat(r["until"]) if r.get("until") else None,
                source=r.get("source", ""),
            )
            for r in reqs
        },
        register_types={r["code"]: _make(RegisterType, r) for r in regs["register_types"]},
        flags=regs["flags"],
        mappa_categories=regs["mappa_categories"],
        mappa_levels=regs["mappa_levels"],
        rosh_levels={r["code"]: _make(RoshLevel, r) for r in rosh},
        contact_types={c["code"]: _make(ContactType, c) for c in contacts["contact_types"]},
        outcomes={o["code"]: o["label"] for o in contacts["outcomes"]},
    )


def order_label(code: str) -> str:
    o = reference().order_types.get(code)
    return o.label if o else code


def rosh_label(code: str | None) -> str:
    if not code:
        return "Not assessed"
    r = reference().rosh_levels.get(code)
    return r.label if r else code


def rosh_rank(code: str | None) -> int:
    r = reference().rosh_levels.get(code or "")
    return r.rank if r else 0


def requirement_types_for(order_date: date) -> list[RequirementType]:
    """The requirements an order made on `order_date` can include, in the data's order (Supervision and
    Activity until 31/01/2015, the rehabilitation activity requirement from 01/02/2015)."""
    return [t for t in reference().requirement_types.values() if t.available_on(order_date)]


@cache
def genders() -> tuple[str, ...]:
    """The genders offered wherever a person's gender is recorded (resources/data/genders.json)."""
    return tuple(load_json("genders.json")["genders"])


# -- courts and local justice areas (resources/data/courts.json) -------------------------------------------
@dataclass(frozen=True)
class Court:
    name: str  # as the court finder gives it: "Preston Magistrates' Court"
    kind: str  # crown | magistrates
    town: str
    lja: str  # its local justice area


@cache
def courts() -> tuple[Court, ...]:
    return tuple(_make(Court, c) for c in load_json("courts.json")["courts"])


@cache
def local_justice_areas() -> tuple[str, ...]:
    return tuple(a["name"] for a in load_json("courts.json")["local_justice_areas"])


def court_key(text: str) -> str:
    """What two spellings of one court share: "Preston Magistrates Court" and "preston magistrates’ court"."""
    return " ".join(text.replace("'", "").replace("’", "").replace("‘", "").casefold().split())


def find_court(text: str) -> Court | None:
    """The court on the list that `text` names, however its apostrophes, case and spaces were typed."""
    key = court_key(text or "")
    return next((c for c in courts() if court_key(c.name) == key), None) if key else None


def canonical_court(text: str) -> tuple[str, bool]:
    """(the court's name as the list spells it, True), or (the text as typed, False) for a court not on it."""
    court = find_court(text)
    return (court.name, True) if court else ((text or "").strip(), False)
