"""Codes of the editable case record, read once from resources/data (pure).

circumstance_types.json: the kinds of circumstance, their values and the timeline event each records;
significant_changes.json: every kind of case event, whether it is a significant change, and how many working
days after one the RoSH and plan reviews fall due (unverified numbers, kept there so a Trust can set its own);
case_record.json: other names, relationships, address kinds, termination outcomes, recall types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from lpt_desktop.domain.reference import load_json


@dataclass(frozen=True)
class CircumstanceType:
    code: str
    label: str
    event: str  # the case_event kind recording one
    values: Mapping[str, str]  # code -> label


@dataclass(frozen=True)
class EventKind:
    code: str
    label: str
    significant: bool
    reviews: Mapping[str, int]  # rule id (rosh_review, plan_review) -> working days after the event


@dataclass(frozen=True)
class Outcome:
    code: str
    label: str
    event: str


@dataclass(frozen=True)
class CaseCodes:
    circumstances: Mapping[str, CircumstanceType]
    events: Mapping[str, EventKind]
    alias_kinds: Mapping[str, str]
    relationships: Mapping[str, str]
    address_kinds: Mapping[str, str]
    termination_outcomes: Mapping[str, Outcome]
    recall_types: Mapping[str, str]
    sentence_event_kinds: Mapping[str, str]

    def event_label(self, code: str) -> str:
        kind = self.events.get(code)
        return kind.label if kind else code.replace("_", " ").capitalize()

    def significant(self) -> frozenset[str]:
        return frozenset(k.code for k in self.events.values() if k.significant)


@cache
def case_codes() -> CaseCodes:
    circ = load_json("circumstance_types.json")["circumstance_types"]
    sig = load_json("significant_changes.json")
    rec = load_json("case_record.json")
    default = dict(sig["default_reviews"])
    return CaseCodes(
        circumstances={c["code"]: CircumstanceType(c["code"], c["label"], c["event"], dict(c["values"]))
                       for c in circ},
        events={k["code"]: EventKind(k["code"], k["label"], bool(k["significant"]),
                                     {**default, **k.get("reviews", {})} if k["significant"] else {})
                for k in sig["kinds"]},
        alias_kinds=dict(rec["alias_kinds"]),
        relationships=dict(rec["relationships"]),
        address_kinds=dict(rec["address_kinds"]),
        termination_outcomes={code: Outcome(code, o["label"], o["event"])
                              for code, o in rec["termination_outcomes"].items()},
        recall_types=dict(rec["recall_types"]),
        sentence_event_kinds=dict(rec["sentence_event_kinds"]),
    )
