"""How tiers, predictors and bands read on screen (shared by the case's tier page and the caseload)."""

from __future__ import annotations

from lpt_desktop.assessment.tier_types import CANNOT_TIER, MISSING, NOT_SUPERVISED, SCHEME_LABELS
from lpt_desktop.assessment.tiering import predictor_old_after_weeks, scheme_rules

PREDICTOR_NAMES = {
    "OGRS3": "OGRS3: general reoffending",
    "RSR": "RSR: serious reoffending",
    "ARP": "ARP: all reoffending",
    "CSRP": "CSRP: combined serious reoffending",
    "DCSRP": "DC-SRP: direct-contact sexual reoffending",
}
BAND_NAMES = {"L": "Low", "M": "Medium", "H": "High", "VH": "Very high"}
OLD_TIP = (f"Older than {predictor_old_after_weeks()} weeks: scores this old should be refreshed from OASys (the "
           "suggested tier still uses them meanwhile)")
SUPERSEDED_TIP = "Superseded by a later score of this predictor: the suggested tier uses the later one"


def scheme_label(scheme: str | None) -> str:
    return SCHEME_LABELS.get(scheme or "", scheme or "")


def tier_text(tier: str | None) -> str:
    """A tier as a cell shows it: the letter, or a short phrase for the two results that are not a tier."""
    if not tier:
        return "—"
    return {NOT_SUPERVISED: "Not supervised", MISSING: "Missing scores", CANNOT_TIER: "Cannot tier"}.get(tier, tier)


def tier_phrase(tier: str | None) -> str:
    """A tier in a sentence: "tier C", "not supervised" or "not computed (scores missing)"."""
    if not tier:
        return "no tier"
    return {NOT_SUPERVISED: "not supervised", MISSING: "not computed (ARP and CSRP scores are missing)",
            CANNOT_TIER: "not computed (a recorded score cannot be used: the case's tier page says which)"}.get(
        tier, f"tier {tier}")


def score_text(score: float) -> str:
    """A score as the table shows it: always two decimals (OASys gives up to two), so 2.00 sits beside 3.08
    and no score reads as rounded to a whole number."""
    return f"{score:.2f}"


def _mentions(rules: object, key: str) -> bool:
    if isinstance(rules, dict):
        return key in rules or any(_mentions(v, key) for v in rules.values())
    return False


def needs_in_tier(scheme: str | None) -> tuple[bool, str]:
    """Whether the suggested tier under `scheme` (the one in Preferences) reads a needs assessment, and a
    sentence saying what it reads, from the scheme's rules: the A-D scheme's change level counts the needs'
    points and, for a woman, a thinking and behaviour need counts as impulsivity or temper control; the 2026
    A-G scheme reads no needs. `scheme` None (not yet read): a sentence true of either."""
    if not scheme:
        return False, "Whether the suggested tier reads these needs depends on the tiering scheme chosen in " \
                      "Preferences (see the Tier section)."
    rules = scheme_rules(scheme)
    change = isinstance(rules.get("change"), dict) and "weights" in rules["change"]
    women = _mentions(rules, "women_from_needs")
    name = f"{scheme_label(scheme)}, the tiering scheme chosen in Preferences"
    if change:
        extra = " and, for a woman, a thinking and behaviour need counts as impulsivity or temper control" \
            if women else ""
        return True, f"Under {name}, the suggested tier reads these needs: they give the change level's " \
                     f"points{extra} (see the Tier section)."
    if women:
        return True, f"Under {name}, the suggested tier reads only a woman's thinking and behaviour need, as " \
                     "impulsivity or temper control (see the Tier section)."
    return False, f"Under {name}, the suggested tier does not read needs assessments: it comes from the " \
                  "predictor scores, RoSH, MAPPA, registers and the sentence (the earlier A-D scheme's change " \
                  "level would read them)."
