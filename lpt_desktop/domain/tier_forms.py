"""What a tier is from its form, for both tiering schemes (issue 17): the one reading of a tier typed without its
scheme, shared by the tiering engine (assessment/tiering.py re-exports it) and the standards' policies, which
may import only the domain.

A letter alone (A-G) is the 2026 scheme's; a letter A-D with a change level 0-3 ("B2", or the old "B2S") is the
earlier A-D scheme's. The letters are the data's (resources/data/tier_schemes.json).
"""

from __future__ import annotations

from functools import cache

from lpt_desktop.domain.reference import load_json

SCHEME_2026 = "2026"
SCHEME_AB03 = "ab03"
CHANGE_LEVELS = "0123"


@cache
def _letters() -> dict[str, str]:
    data = load_json("tier_schemes.json")
    return {scheme: str(data[scheme]["letters"]) for scheme in (SCHEME_2026, SCHEME_AB03)}


def valid_tier(scheme: str, tier: str) -> bool:
    """Whether `tier` is a tier of `scheme`: 2026 a letter A-G; ab03 a letter A-D and a change level 0-3."""
    letters = _letters().get(scheme, "")
    if scheme == SCHEME_AB03:
        return len(tier) == 2 and tier[0] in letters and tier[1] in CHANGE_LEVELS
    return len(tier) == 1 and tier in letters


def scheme_of_tier(tier: str) -> str | None:
    """The scheme a tier typed without one belongs to, from its form: a letter alone is the 2026 scheme's, a
    letter and a change level (with the old S suffix or not) the earlier scheme's; None if neither."""
    t = tier.strip().upper()
    if len(t) == 3:
        t = t.removesuffix("S")
    return next((sch for sch in (SCHEME_2026, SCHEME_AB03) if valid_tier(sch, t)), None)
