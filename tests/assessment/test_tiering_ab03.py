"""The earlier A-D with change level 0-3 scheme (issue 17): protect points, change points, the mandate and the
no-assessment rule. Every expected number is worked out by hand from the issue's rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lpt_desktop.assessment.tier_types import Band, SentenceInput, TierInputs, WomenFactors
from lpt_desktop.assessment.tiering import compute_tier

AS_OF = date(2026, 11, 23)
MANDATE = (SentenceInput("CO", ("RAR",)),)
COMPLEXITY = ["RMDO", "ALSH", "RVLN", "RCCO", "RCPR", "RCHD", "RPIR", "RVAD", "STRG", "RTAO"]


def case(**kw: Any) -> TierInputs:
    kw.setdefault("sentences", MANDATE)
    return TierInputs(**kw)


def protect(**kw: Any) -> Band:
    r = compute_tier("ab03", case(**kw), AS_OF)
    assert r.protect is not None
    return r.protect


def change(**kw: Any) -> Band:
    r = compute_tier("ab03", case(**kw), AS_OF)
    assert r.change is not None
    return r.change


@pytest.mark.parametrize(("kw", "points", "level"), [
    (dict(), 0, "D"),
    (dict(rsr=7.0), 20, "B"), (dict(rsr=12.5), 20, "B"), (dict(rsr=6.99), 10, "C"), (dict(rsr=3.0), 10, "C"),
    (dict(rsr=2.99), 0, "D"), (dict(rsr=0.0), 0, "D"),
    (dict(rosh="VH"), 150, "A"), (dict(rosh="H"), 20, "B"), (dict(rosh="M"), 10, "C"), (dict(rosh="L"), 0, "D"),
    # only the larger of RSR and RoSH counts
    (dict(rsr=7.0, rosh="H"), 20, "B"), (dict(rsr=7.0, rosh="M"), 20, "B"), (dict(rsr=3.5, rosh="H"), 20, "B"),
    (dict(rsr=3.5, rosh="M"), 10, "C"), (dict(rsr=8.0, rosh="VH"), 150, "A"), (dict(rsr=2.0, rosh="L"), 0, "D"),
    # MAPPA: the level counts, not the category
    (dict(mappa_level=1), 5, "D"), (dict(mappa_level=2), 150, "A"), (dict(mappa_level=3), 150, "A"),
    (dict(mappa_category=1), 0, "D"), (dict(mappa_level=1, rosh="VH"), 155, "A"),
    # registers other than the complexity ones give nothing
    (dict(registers=frozenset({"ADVP", "IIOM", "MAPP"})), 0, "D"),
])
def test_protect_points(kw: dict[str, Any], points: int, level: str) -> None:
    assert protect(**kw) == Band(level, points)


@pytest.mark.parametrize("code", COMPLEXITY)
def test_each_complexity_register_is_two(code: str) -> None:
    assert protect(registers=frozenset({code})) == Band("D", 2)


def test_complexity_registers_count_once_each() -> None:
    assert protect(registers=frozenset({"RMDO", "ALSH"})) == Band("D", 4)
    assert protect(registers=frozenset(COMPLEXITY[:5])) == Band("C", 10)
    assert protect(registers=frozenset(COMPLEXITY)) == Band("B", 20)


@pytest.mark.parametrize(("gender", "women", "points"), [
    ("female", WomenFactors(parenting=True), 2),
    ("female", WomenFactors(impulsivity_or_temper=True), 2),
    ("female", WomenFactors(breach_or_recall_12m=True), 2),
    ("female", WomenFactors(True, True, True), 6),
    ("female", WomenFactors(), 0),
    ("male", WomenFactors(True, True, True), 0),
    (None, WomenFactors(True, True, True), 0),
])
def test_womens_factors_for_women_only(gender: str | None, women: WomenFactors, points: int) -> None:
    assert protect(gender=gender, women=women).points == points


@pytest.mark.parametrize(("kw", "points", "level"), [
    (dict(mappa_level=2), 150, "A"),  # 150: A
    (dict(rosh="VH"), 150, "A"),
    (dict(rosh="H"), 20, "B"),  # 20: B
    (dict(rsr=3.0, mappa_level=1, registers=frozenset({"RMDO", "ALSH"})), 19, "C"),  # 10 + 5 + 4
    (dict(rsr=3.0, mappa_level=1, registers=frozenset({"RMDO", "ALSH", "RVLN"})), 21, "B"),
    (dict(rosh="M"), 10, "C"),  # 10: C
    (dict(mappa_level=1, registers=frozenset({"RMDO", "ALSH"})), 9, "D"),  # 5 + 4
    (dict(rosh="H", mappa_level=1, registers=frozenset(COMPLEXITY), gender="female",
          women=WomenFactors(True, True, True)), 51, "B"),  # 20 + 5 + 20 + 6: the most short of 150
])
def test_protect_band_edges(kw: dict[str, Any], points: int, level: str) -> None:
    assert protect(**kw) == Band(level, points)


@pytest.mark.parametrize(("need", "weight"), [
    ("thinking_behaviour", 2), ("attitudes", 2), ("accommodation", 1), ("ete", 1), ("relationships", 1),
    ("lifestyle", 1), ("drugs", 1), ("alcohol", 1), ("finance", 0), ("emotional", 0),
])
@pytest.mark.parametrize(("severity", "times"), [("none", 0), ("standard", 1), ("severe", 2)])
def test_each_need_weight_and_severity(need: str, weight: int, severity: str, times: int) -> None:
    assert change(needs={need: severity}) == Band(1, weight * times)


ALL_SEVERE = {"thinking_behaviour": "severe", "attitudes": "severe", "accommodation": "severe", "ete": "severe",
              "relationships": "severe", "lifestyle": "severe", "drugs": "severe", "alcohol": "severe",
              "finance": "severe", "emotional": "severe"}


@pytest.mark.parametrize(("kw", "points", "level"), [
    (dict(needs=ALL_SEVERE), 20, 3),  # 4 + 4 + 6 x 2 + 0 + 0
    (dict(needs={**ALL_SEVERE, "drugs": "standard"}), 19, 2),
    (dict(needs={"thinking_behaviour": "severe", "attitudes": "severe", "accommodation": "severe"}), 10, 2),
    (dict(needs={"thinking_behaviour": "severe", "attitudes": "severe", "accommodation": "standard"}), 9, 1),
    (dict(ogrs=99), 9, 1), (dict(ogrs=100), 10, 2), (dict(ogrs=29.9), 2, 1), (dict(ogrs=30), 3, 1),
    (dict(ogrs=9.99), 0, 1), (dict(ogrs=None), 0, 1),
    (dict(registers=frozenset({"IIOM"})), 2, 1), (dict(registers=frozenset({"APPO"})), 0, 1),
    (dict(ogrs=55, registers=frozenset({"IIOM"}), needs={"thinking_behaviour": "severe"}), 11, 2),  # 5 + 2 + 4
    (dict(ogrs=80, registers=frozenset({"IIOM"}), needs={"attitudes": "severe", "drugs": "severe",
                                                          "finance": "severe"}), 16, 2),  # 8 + 2 + 4 + 2 + 0
    (dict(ogrs=90, registers=frozenset({"IIOM"}), needs=ALL_SEVERE), 31, 3),
])
def test_change_points_and_band_edges(kw: dict[str, Any], points: int, level: int) -> None:
    assert change(**kw) == Band(level, points)


# The mandate: a current custodial sentence, licence or PSS, or a current requirement other than unpaid
# work and the restrictive ones (curfew, exclusion, prohibited activity, electronic monitoring).
@pytest.mark.parametrize(("sentences", "mandate"), [
    ((SentenceInput("CO", ("UPW",)),), False),
    ((SentenceInput("CO", ("CUR",)),), False),
    ((SentenceInput("SSO", ("EXC",)),), False),
    ((SentenceInput("CO", ("PROH",)),), False),
    ((SentenceInput("CO", ("EM", "CUR")),), False),
    ((SentenceInput("CO", ("UPW", "CUR", "EXC", "PROH", "EM")),), False),
    ((SentenceInput("SSO"),), False),
    ((SentenceInput("CO", ("UPW", "RAR")),), True),
    ((SentenceInput("SSO", ("DRR",)),), True),
    ((SentenceInput("LIC"),), True),
    ((SentenceInput("PSS"),), True),
    ((SentenceInput("CUSTODY"),), True),
    ((SentenceInput("LIC", terminated=True),), False),
    ((SentenceInput("CO", ("RAR",), terminated=True), SentenceInput("CO", ("UPW",))), False),
    ((SentenceInput("CO", ("UPW",)), SentenceInput("PSS")), True),
    ((), False),
])
def test_mandate_for_change(sentences: tuple[SentenceInput, ...], mandate: bool) -> None:
    # OGRS 100 gives 10 points: change level 2 with a mandate, 0 without.
    assert change(sentences=sentences, ogrs=100) == (Band(2, 10) if mandate else Band(0, 0))


@pytest.mark.parametrize(("kw", "expected"), [
    (dict(needs=None), Band(2, 0)),
    (dict(needs=None, ogrs=99, registers=frozenset({"IIOM"})), Band(2, 0)),  # OGRS and IOM wait for one too
    (dict(needs=None, sentences=(SentenceInput("CO", ("UPW",)),)), Band(0, 0)),  # no mandate comes first
    (dict(needs=None, sentences=()), Band(0, 0)),
    (dict(needs={}), Band(1, 0)),  # an assessment with no needs
])
def test_no_valid_assessment(kw: dict[str, Any], expected: Band) -> None:
    assert change(**kw) == expected


@pytest.mark.parametrize(("kw", "tier"), [
    (dict(rosh="H", ogrs=100), "B2"),
    (dict(rosh="VH", sentences=()), "A0"),  # no current sentence: no mandate, change 0 (no "not supervised")
    (dict(mappa_level=3, needs=ALL_SEVERE), "A3"),
    (dict(rsr=4.0, needs=None), "C2"),
    (dict(), "D1"),
])
def test_tier_is_protect_letter_and_change_digit(kw: dict[str, Any], tier: str) -> None:
    r = compute_tier("ab03", case(**kw), AS_OF)
    assert r.tier == tier
    assert not r.provisional


def test_working_says_why() -> None:
    r = compute_tier("ab03", case(rsr=7.2, rosh="H", needs=None), AS_OF)
    whys = {s.step: s.why for s in r.working}
    assert "only the larger counts" in whys["RSR or RoSH"]
    assert whys["Change level"].startswith("No valid needs assessment: change level 2 with 0 points")
    assert r.working[-1].result == "B2"
