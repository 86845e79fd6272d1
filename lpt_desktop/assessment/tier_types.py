"""The values tiering works on: what a case holds (TierInputs) and what the engine says (TierResult).

Shared by the engine (assessment/tiering.py), the `lpt tier` command (JSON in and out) and the services that
build inputs from a case. Every field is optional in the sense of the CLI's JSON: None or empty means "none".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

SCHEME_2026 = "2026"
SCHEME_AB03 = "ab03"  # the earlier A-D with change level 0-3 ("B2")
SCHEMES = (SCHEME_2026, SCHEME_AB03)
SCHEME_LABELS = {SCHEME_2026: "MoJ 2026 (A-G)", SCHEME_AB03: "MoJ A-D with change level 0-3"}

NOT_SUPERVISED = "NOT_SUPERVISED"
MISSING = "MISSING"
CANNOT_TIER = "CANNOT_TIER"  # a case's input the engine refuses (a bad stored score): the working says which

# Needs (the OASys sections that carry change points) and their severities.
NEED_KEYS = ("accommodation", "ete", "relationships", "lifestyle", "drugs", "alcohol", "thinking_behaviour",
             "attitudes", "finance", "emotional")
SEVERITIES = ("none", "standard", "severe")
ROSH_LEVELS = ("L", "M", "H", "VH")
SENTENCE_TYPES = ("CO", "SSO", "LIC", "PSS", "CUSTODY")


@dataclass(frozen=True)
class Predictor:
    """An OGRS4 predictor (ARP or CSRP): its percentage score and whether it is static (no dynamic factors)."""

    score: float
    static: bool = False


@dataclass(frozen=True)
class DcSrp:
    """The direct-contact sexual reoffending predictor: a score and its band (L, M, H, VH or None)."""

    score: float
    band: str | None = None


@dataclass(frozen=True)
class SentenceInput:
    type: str  # one of SENTENCE_TYPES
    requirements: tuple[str, ...] = ()  # codes of resources/data/requirement_types.json
    terminated: bool = False


@dataclass(frozen=True)
class WomenFactors:
    parenting: bool = False
    impulsivity_or_temper: bool = False
    breach_or_recall_12m: bool = False


@dataclass(frozen=True)
class TierInputs:
    gender: str | None = None  # "male" | "female" | None
    rosh: str | None = None  # one of ROSH_LEVELS or None
    rsr: float | None = None
    ogrs: float | None = None  # OGRS3, a percentage
    arp: Predictor | None = None
    csrp: Predictor | None = None
    dc_srp: DcSrp | None = None
    mappa_category: int | None = None
    mappa_level: int | None = None
    registers: frozenset[str] = frozenset()
    lifer_ipp_released: date | None = None
    ever_sexual_offence: bool = False
    sentences: tuple[SentenceInput, ...] = ()
    # None: no valid assessment. A mapping: each NEED_KEYS key's severity (a missing key is "none").
    needs: Mapping[str, str] | None = field(default_factory=dict)
    women: WomenFactors = WomenFactors()


@dataclass(frozen=True)
class Step:
    """One line of the working: which step, what it gave (a tier, points, or None for no result), and why."""

    step: str
    result: str | None
    why: str


@dataclass(frozen=True)
class Band:
    level: str | int  # protect: a letter; change: a number
    points: int


@dataclass(frozen=True)
class TierResult:
    scheme: str
    tier: str  # "C", "B2", NOT_SUPERVISED or MISSING
    provisional: bool
    working: tuple[Step, ...]
    provisional_why: str = ""  # in words, when provisional
    protect: Band | None = None  # ab03 only
    change: Band | None = None  # ab03 only


class TierInputError(ValueError):
    """Input the engine cannot use, naming the key (e.g. "dc_srp.score") and the fix."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}")
        self.key = key
        self.message = message
