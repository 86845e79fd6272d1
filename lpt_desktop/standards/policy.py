"""National Standards policies: named, dated rule sets read from resources/standards/*.toml (pure).

A policy is data. Each `[[rule]]` says what is owed (evidence), by when (anchor + within, or repeating
windows in `phases`, or review cycles), for which cases (`when`), and whether the officer may override
its frequency. For one rule id the first entry whose `when` matches the case applies, so files list the
specific cases (tier 4, high RoSH) before the general one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from lpt_desktop.domain.tier_forms import scheme_of_tier
from lpt_desktop.paths import resources_dir

UNITS = ("working_days", "days", "weeks", "months")
ANCHORS = ("start", "sentence", "release", "requested")
WHEN_KEYS = ("orders", "requirements", "tiers", "rosh", "registers", "offence_categories", "min_custody_months",
             "licence")
KINDS = ("contact", "home_visit", "plan", "review", "enforcement", "victim", "report")
# Tiering schemes a [tier_map] may name (issue 17; assessment/tier_types.py). A flat [tier_map] is the earlier
# A-D scheme's (DEFAULT_TIER_SCHEME). A tier with no scheme is read by its form, as the tiering engine reads it
# (domain/tier_forms.scheme_of_tier: a letter alone is the 2026 scheme's, a letter and a digit the A-D one's).
TIER_SCHEMES = ("2026", "ab03")
DEFAULT_TIER_SCHEME = "ab03"


def tier_scheme_of(tier: str, scheme: str | None) -> str:
    """The scheme to read a case's tier under: its own, else the one its form says (else the A-D scheme's)."""
    return scheme or scheme_of_tier(tier) or DEFAULT_TIER_SCHEME


class PolicyError(ValueError):
    """A policy file that does not follow the format (a packaging fault, named with the file)."""


@dataclass(frozen=True)
class Phase:
    """Repeating windows from `start` to `end` (offsets from the anchor), `count` contacts in each."""

    start_weeks: int = 0
    start_months: int = 0
    end_weeks: int | None = None
    end_months: int | None = None
    every_weeks: int | None = None
    every_months: int | None = None
    count: int = 1


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    description: str
    when: Mapping[str, Any] = field(default_factory=dict)
    anchor: str = "start"
    within: int = 0
    unit: str = "working_days"
    types: tuple[str, ...] | str = "national_standard"  # contact type codes, "national_standard" or "record:KIND"
    outcomes: tuple[str, ...] | None = None  # None: the policy's counting outcomes; () any recorded outcome
    phases: tuple[Phase, ...] = ()
    every_months: int | None = None  # review cycles
    lead_days: int = 14  # a review is due from this many days before its date
    closes_after_days: int | None = None  # a one-off obligation lapses (missed) this long after due_by
    override: bool = False  # the officer may set the frequency for this case
    default_every_days: int | None = None  # frequency when the officer has set none (None: phases apply)
    two_thirds: bool = False  # stops at the two-thirds point where the policy's two_thirds section applies
    # Also owed after each significant change (a review rule: resources/data/significant_changes.json says which
    # changes are significant and how many working days after one the review falls due).
    on_significant_change: bool = False
    source: str = ""


@dataclass(frozen=True)
class EnforcementRules:
    decision_working_days: int
    breach_working_days: int | None
    window_months: int  # 0: failures count over the whole order
    orders_breach_at: int
    licence_recall_at: int
    warning_first: bool  # CJA 2003 Sch 8: warning at the first failure, breach at a further one after it
    descriptions: Mapping[str, str]
    source: str


@dataclass(frozen=True)
class ReportRule:
    types: tuple[str, ...]
    within: int
    unit: str
    description: str
    remanded: bool | None = None  # None: either


@dataclass(frozen=True)
class TwoThirds:
    orders: tuple[str, ...]
    requirements: tuple[str, ...]
    exempt_registers: tuple[str, ...]
    exempt_rosh: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class Policy:
    name: str
    title: str
    source: str
    effective_from: date | None
    counting_outcomes: tuple[str, ...]
    tier_map: Mapping[str, str]
    licence_types: tuple[str, ...]
    rules: tuple[Rule, ...]
    enforcement: EnforcementRules
    reports: tuple[ReportRule, ...]
    two_thirds: TwoThirds | None
    notes: str = ""
    # Each tiering scheme's tier letters in the policy's terms ("ab03" also reads a tier with no scheme).
    tier_maps: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def rule_ids(self) -> list[str]:
        return list(dict.fromkeys(r.id for r in self.rules))


def _policy_dir() -> Path:
    return resources_dir() / "standards"


def policy_names() -> list[str]:
    """The shipped policies, oldest first (ns-2003, ns-2007, current)."""
    return sorted(p.stem for p in _policy_dir().glob("*.toml") if not p.stem.startswith("_"))


def _tuple(v: Any) -> tuple[Any, ...]:
    if v is None:
        return ()
    return tuple(v) if isinstance(v, list | tuple) else (v,)


def _rule(name: str, d: dict[str, Any], default_source: str) -> Rule:
    known = set(Rule.__dataclass_fields__)
    unknown = set(d) - known
    if unknown:
        raise PolicyError(f"{name}: rule {d.get('id')!r} has unknown keys {sorted(unknown)}")
    if d.get("unit", "working_days") not in UNITS:
        raise PolicyError(f"{name}: rule {d.get('id')!r} unit must be one of {UNITS}")
    if d.get("kind") not in KINDS:
        raise PolicyError(f"{name}: rule {d.get('id')!r} kind must be one of {KINDS}")
    if d.get("anchor", "start") not in ANCHORS:
        raise PolicyError(f"{name}: rule {d.get('id')!r} anchor must be one of {ANCHORS}")
    bad_when = set(d.get("when", {})) - set(WHEN_KEYS)
    if bad_when:
        raise PolicyError(f"{name}: rule {d.get('id')!r} has unknown conditions {sorted(bad_when)}; use {WHEN_KEYS}")
    kw = dict(d)
    kw["phases"] = tuple(Phase(**p) for p in d.get("phases", ()))
    if isinstance(d.get("types"), list):
        kw["types"] = tuple(d["types"])
    if "outcomes" in d:
        kw["outcomes"] = tuple(d["outcomes"])
    kw.setdefault("source", default_source)
    return Rule(**kw)


def _tier_maps(name: str, doc: dict[str, Any]) -> dict[str, dict[str, str]]:
    """[tier_map] per scheme ([tier_map.ab03], [tier_map."2026"]); a flat [tier_map] is the A-D scheme's."""
    if not any(isinstance(v, dict) for v in doc.values()):
        return {DEFAULT_TIER_SCHEME: {str(k): str(v) for k, v in doc.items()}} if doc else {}
    unknown = set(doc) - set(TIER_SCHEMES)
    if unknown or not all(isinstance(v, dict) for v in doc.values()):
        raise PolicyError(f"{name}: [tier_map] has a table per tiering scheme ({', '.join(TIER_SCHEMES)}); "
                          f"{sorted(unknown) or 'a letter'} is not one")
    return {scheme: {str(k): str(v) for k, v in letters.items()} for scheme, letters in doc.items()}


def parse_policy(name: str, doc: dict[str, Any]) -> Policy:
    """Build a Policy from a parsed TOML document (tests feed small documents straight in)."""
    try:
        enf = doc["enforcement"]
        two = doc.get("two_thirds")
        return Policy(
            name=name, title=doc["title"], source=doc["source"], effective_from=doc.get("effective_from"),
            counting_outcomes=tuple(doc["counting"]["outcomes"]),
            tier_map=dict(_tier_maps(name, doc.get("tier_map", {})).get(DEFAULT_TIER_SCHEME, {})),
            tier_maps=_tier_maps(name, doc.get("tier_map", {})),
            licence_types=tuple(doc.get("licence_types", ["LIC"])),
            rules=tuple(_rule(name, r, doc["source"]) for r in doc.get("rule", [])),
            enforcement=EnforcementRules(
                decision_working_days=enf["decision_working_days"],
                breach_working_days=enf.get("breach_working_days"),
                window_months=enf.get("window_months", 12), orders_breach_at=enf["orders_breach_at"],
                licence_recall_at=enf["licence_recall_at"], warning_first=enf.get("warning_first", False),
                descriptions=dict(enf.get("descriptions", {})), source=enf.get("source", doc["source"])),
            reports=tuple(ReportRule(types=_tuple(r["types"]), within=r["within"], unit=r.get("unit", "working_days"),
                                     description=r["description"], remanded=r.get("remanded"))
                          for r in doc.get("report", [])),
            two_thirds=TwoThirds(orders=_tuple(two.get("orders")), requirements=_tuple(two.get("requirements")),
                                 exempt_registers=_tuple(two.get("exempt_registers")),
                                 exempt_rosh=_tuple(two.get("exempt_rosh")), description=two["description"])
            if two else None,
            notes=doc.get("notes", ""),
        )
    except (KeyError, TypeError) as exc:
        raise PolicyError(f"{name}: {type(exc).__name__} {exc}") from exc


@cache
def load_policy(name: str) -> Policy:
    """The named policy (ns-2003, ns-2007, current); ValueError naming the choices if unknown."""
    path = _policy_dir() / f"{name}.toml"
    if name not in policy_names():
        raise ValueError(f"no standards policy named '{name}': choose one of {', '.join(policy_names())}")
    with open(path, "rb") as fh:
        return parse_policy(name, tomllib.load(fh))
