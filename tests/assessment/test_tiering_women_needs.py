"""Women's impulsivity or temper control from the needs assessment (issue 20, assessment/tiering.women_from_needs),
as hmpps-tier's additional factors for women read OASys 11.2 and 11.4: a woman's standard or severe thinking and
behaviour need counts it, once (2 protect points in the A-D scheme); never for men or an unknown gender, never
without a valid assessment, and a factor already set is never cleared. The 2026 A-G scheme has no women's factor
(hmpps-tier's TierCalculator), so her 2026 tier does not move. Expected points worked out by hand."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date

import pytest

from lpt_desktop.assessment.tier_types import NEED_KEYS, SEVERITIES, Predictor, SentenceInput, TierInputs, WomenFactors
from lpt_desktop.assessment.tiering import compute_tier, scheme_rules, women_from_needs

AS_OF = date(2026, 11, 23)
NONE = WomenFactors()
IMPULSIVE = WomenFactors(impulsivity_or_temper=True)


@pytest.mark.parametrize(("gender", "needs", "women", "expected"), [
    ("female", {"thinking_behaviour": "standard"}, NONE, IMPULSIVE),
    ("female", {"thinking_behaviour": "severe"}, NONE, IMPULSIVE),
    ("female", {"thinking_behaviour": "none"}, NONE, NONE),
    ("female", {}, NONE, NONE),  # an unrated section is no need
    ("female", {"attitudes": "severe", "lifestyle": "severe", "emotional": "severe"}, NONE, NONE),  # other needs
    ("female", None, NONE, NONE),  # no valid assessment: nothing to read
    ("male", {"thinking_behaviour": "severe"}, NONE, NONE),  # women only
    (None, {"thinking_behaviour": "severe"}, NONE, NONE),
    # the other factors are kept; one already set stays set, whatever the needs say
    ("female", {"thinking_behaviour": "standard"}, WomenFactors(parenting=True, breach_or_recall_12m=True),
     WomenFactors(True, True, True)),
    ("female", {"thinking_behaviour": "none"}, IMPULSIVE, IMPULSIVE),
    ("female", None, IMPULSIVE, IMPULSIVE),
    ("male", {"thinking_behaviour": "none"}, WomenFactors(parenting=True), WomenFactors(parenting=True)),
])
def test_impulsivity_or_temper_from_the_thinking_and_behaviour_need(
        gender: str | None, needs: Mapping[str, str] | None, women: WomenFactors, expected: WomenFactors) -> None:
    assert women_from_needs(women, gender, needs) == expected


def _inputs(gender: str, needs: Mapping[str, str] | None) -> TierInputs:
    base = TierInputs(gender=gender, rosh="M", registers=frozenset({"RMDO", "ALSH", "RVLN", "STRG"}),
                      arp=Predictor(30), csrp=Predictor(0.7), sentences=(SentenceInput("CO", ("UPW",)),),
                      needs=needs)
    return dataclasses.replace(base, women=women_from_needs(base.women, gender, needs))


@pytest.mark.parametrize(("gender", "needs", "points", "tier"), [
    # RoSH medium 10 + four complexity registers 8 = 18 (C); her thinking and behaviour need adds 2: 20 (B)
    ("female", {"thinking_behaviour": "standard"}, 20, "B0"),
    ("female", {"thinking_behaviour": "severe"}, 20, "B0"),
    ("female", {"thinking_behaviour": "none"}, 18, "C0"),
    ("female", None, 18, "C0"),
    ("male", {"thinking_behaviour": "severe"}, 18, "C0"),
])
def test_the_factor_moves_her_protect_level(gender: str, needs: Mapping[str, str] | None, points: int,
                                           tier: str) -> None:
    r = compute_tier("ab03", _inputs(gender, needs), AS_OF)
    assert r.protect is not None and r.protect.points == points and r.tier == tier
    women = next(s for s in r.working if s.step == "Women's factors")
    if points == 20:
        assert needs is not None
        assert women.result == "2" and women.why == (f"Impulsivity or temper control (a {needs['thinking_behaviour']} "
                                                     "thinking and behaviour need) 2: 2 points")


def test_the_2026_scheme_has_no_womens_factor() -> None:
    # CSRP 0.7 (row 0.5+) and ARP 30 (column 25+) give E; RoSH medium without MAPPA gives nothing; ADVP etc. none
    with_need = compute_tier("2026", _inputs("female", {"thinking_behaviour": "severe"}), AS_OF)
    without = compute_tier("2026", _inputs("female", None), AS_OF)
    assert with_need.tier == without.tier == "E"
    assert with_need.working == without.working


def test_the_data_names_a_womens_factor_a_tiering_need_and_severities() -> None:
    rules = scheme_rules("ab03")["protect"]
    assert rules["women_from_needs"], "the data feeds at least one women's factor from the needs"
    for factor, rule in rules["women_from_needs"].items():
        assert factor in rules["women"] and hasattr(WomenFactors(), factor)
        assert rule["need"] in NEED_KEYS
        assert rule["severities"] and set(rule["severities"]) <= set(SEVERITIES) - {"none"}
