"""How tiers, predictors and bands read on screen (shared by the case's tier page and the caseload)."""

from __future__ import annotations

from lpt_desktop.assessment.tier_types import CANNOT_TIER, MISSING, NOT_SUPERVISED, SCHEME_LABELS
from lpt_desktop.assessment.tiering import predictor_old_after_weeks

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
