"""Tiering inputs and results as JSON: every key round-trips; an unknown key or value is refused, named."""

from __future__ import annotations

import copy
from datetime import date
from typing import Any

import pytest

from lpt_desktop.assessment.tier_json import inputs_from_json, inputs_to_json, result_to_json
from lpt_desktop.assessment.tier_types import (
    DcSrp,
    Predictor,
    SentenceInput,
    TierInputError,
    TierInputs,
    WomenFactors,
)
from lpt_desktop.assessment.tiering import compute_tier

FULL: dict[str, Any] = {
    "gender": "female", "rosh": "H", "rsr": 6.5, "ogrs": 21,
    "arp": {"score": 80, "static": False}, "csrp": {"score": 3.2, "static": True},
    "dc_srp": {"score": 2.5, "band": "M"}, "mappa": {"category": 1, "level": 2},
    "registers": ["ADVP", "IIOM", "INLL", "RCPR"], "lifer_ipp_released": "2025-06-01",
    "ever_sexual_offence": True,
    "sentences": [{"type": "CO", "requirements": ["UPW", "RAR"], "terminated": False},
                  {"type": "LIC", "requirements": [], "terminated": True}],
    "needs": {"accommodation": "standard", "ete": "none", "relationships": "severe", "lifestyle": "standard",
              "drugs": "severe", "alcohol": "none", "thinking_behaviour": "severe", "attitudes": "standard",
              "finance": "standard", "emotional": "severe"},
    "women": {"parenting": True, "impulsivity_or_temper": False, "breach_or_recall_12m": True},
}


def test_every_key_is_read() -> None:
    i = inputs_from_json(FULL)
    assert i == TierInputs(
        gender="female", rosh="H", rsr=6.5, ogrs=21, arp=Predictor(80, False), csrp=Predictor(3.2, True),
        dc_srp=DcSrp(2.5, "M"), mappa_category=1, mappa_level=2,
        registers=frozenset({"ADVP", "IIOM", "INLL", "RCPR"}), lifer_ipp_released=date(2025, 6, 1),
        ever_sexual_offence=True,
        sentences=(SentenceInput("CO", ("UPW", "RAR"), False), SentenceInput("LIC", (), True)),
        needs=FULL["needs"], women=WomenFactors(True, False, True))


def test_every_key_round_trips() -> None:
    assert inputs_to_json(inputs_from_json(FULL)) == FULL
    i = inputs_from_json(FULL)
    assert inputs_from_json(inputs_to_json(i)) == i


@pytest.mark.parametrize("obj", [
    {}, {"needs": None}, {"mappa": {"level": 1}}, {"mappa": {"category": 3}}, {"dc_srp": {"score": 1, "band": None}},
    {"rosh": None, "lifer_ipp_released": None, "arp": None, "csrp": None, "dc_srp": None, "mappa": None},
])
def test_partial_inputs_round_trip(obj: dict[str, Any]) -> None:
    i = inputs_from_json(obj)
    assert inputs_from_json(inputs_to_json(i)) == i


def test_missing_means_none_and_null_needs_means_no_assessment() -> None:
    empty = inputs_from_json({})
    assert empty == TierInputs()
    assert empty.needs == {}  # every need none
    assert inputs_from_json({"needs": None}).needs is None  # no valid assessment
    assert inputs_from_json({"arp": {"score": 50}}).arp == Predictor(50, False)
    assert inputs_from_json({"registers": ["RMDO", "RMDO"]}).registers == frozenset({"RMDO"})


def _with(path: str, value: Any) -> dict[str, Any]:
    """FULL with one value set by a dotted path (list indices as numbers)."""
    obj = copy.deepcopy(FULL)
    *parents, last = path.split(".")
    node: Any = obj
    for p in parents:
        node = node[int(p)] if p.isdigit() else node[p]
    node[int(last) if last.isdigit() else last] = value
    return obj


@pytest.mark.parametrize(("path", "value", "key", "hint"), [
    ("colour", "red", "colour", "gender"),
    ("arp.scor", 1, "arp.scor", "score"),
    ("csrp.dynamic", True, "csrp.dynamic", "static"),
    ("dc_srp.level", "M", "dc_srp.level", "band"),
    ("mappa.tier", 2, "mappa.tier", "category"),
    ("sentences.0.length", 12, "sentences[0].length", "requirements"),
    ("needs.housing", "severe", "needs.housing", "accommodation"),
    ("women.pregnant", True, "women.pregnant", "parenting"),
    ("gender", "other", "gender", "female"),
    ("rosh", "X", "rosh", "VH"),
    ("dc_srp.band", "high", "dc_srp.band", "VH"),
    ("mappa.category", 4, "mappa.category", "3"),
    ("mappa.level", 0, "mappa.level", "1"),
    ("registers", ["ADVP", "ZZZZ"], "registers[1]", "RCPR"),
    ("sentences.0.type", "ORDER", "sentences[0].type", "CUSTODY"),
    ("sentences.1.requirements", ["UPW", "XYZ"], "sentences[1].requirements[1]", "RAR"),
    ("needs.drugs", "high", "needs.drugs", "severe"),
    ("lifer_ipp_released", "01/06/2025", "lifer_ipp_released", "yyyy-mm-dd"),
    ("lifer_ipp_released", "2025-02-30", "lifer_ipp_released", "yyyy-mm-dd"),
    ("rsr", "6.5", "rsr", "number"),
    ("ogrs", True, "ogrs", "number"),
    ("arp.score", None, "arp.score", "number"),
    ("csrp.static", "no", "csrp.static", "true or false"),
    ("ever_sexual_offence", 1, "ever_sexual_offence", "true or false"),
    ("sentences", {"type": "CO"}, "sentences", "list"),
    ("sentences.0.terminated", None, "sentences[0].terminated", "true or false"),
    ("women", [], "women", "object"),
    ("registers", "ADVP", "registers", "list"),
])
def test_unknown_keys_values_and_types_are_refused(path: str, value: Any, key: str, hint: str) -> None:
    with pytest.raises(TierInputError) as err:
        inputs_from_json(_with(path, value))
    assert err.value.key == key
    assert hint in err.value.message


@pytest.mark.parametrize("obj", [[], "text", 3, None])
def test_input_must_be_an_object(obj: Any) -> None:
    with pytest.raises(TierInputError, match="JSON object"):
        inputs_from_json(obj)


def test_a_score_object_needs_its_score() -> None:
    with pytest.raises(TierInputError) as err:
        inputs_from_json({"dc_srp": {"band": "H"}})
    assert err.value.key == "dc_srp.score"


def test_result_shape_2026() -> None:
    out = result_to_json(compute_tier("2026", inputs_from_json(
        {"arp": {"score": 80}, "csrp": {"score": 3.2}, "rosh": "H", "sentences": [{"type": "CO"}]}),
        date(2026, 11, 23)))
    assert list(out) == ["scheme", "tier", "provisional", "working"]
    assert (out["scheme"], out["tier"], out["provisional"]) == ("2026", "B", False)
    assert {"step": "MAPPA and RoSH", "result": "D", "why": "No MAPPA category; RoSH high gives D"} in out["working"]


def test_result_shape_provisional() -> None:
    out = result_to_json(compute_tier("2026", inputs_from_json(
        {"arp": {"score": 5}, "csrp": {"score": 0.2}, "sentences": [{"type": "CO"}]}), date(2026, 11, 23)))
    assert out["provisional"] is True
    assert out["provisional_why"].startswith("No RoSH level")


def test_result_shape_ab03() -> None:
    out = result_to_json(compute_tier("ab03", inputs_from_json(
        {"rosh": "H", "rsr": 3.5, "registers": ["RMDO", "STRG"], "mappa": {"level": 1}, "ogrs": 45,
         "needs": {"attitudes": "severe", "drugs": "standard"}, "sentences": [{"type": "LIC"}]}),
        date(2026, 11, 23)))
    # protect: 20 (RoSH high beats RSR 10) + 5 (MAPPA level 1) + 4 (two registers) = 29, B;
    # change: 4 + 1 (needs) + 4 (OGRS 45) = 9, level 1.
    assert out["tier"] == "B1"
    assert out["protect"] == {"level": "B", "points": 29}
    assert out["change"] == {"level": 1, "points": 9}
    assert all(isinstance(s["result"], (str, type(None))) for s in out["working"])
