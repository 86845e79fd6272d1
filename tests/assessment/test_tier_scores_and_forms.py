"""Scores no scheme can use are refused by key (the JSON and the engine), the shared predictor checks, and the
one reading of a tier typed without its scheme (the engine's and the standards' policies agree)."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from lpt_desktop.assessment.tier_json import inputs_from_json
from lpt_desktop.assessment.tier_types import DcSrp, Predictor, SentenceInput, TierInputError, TierInputs
from lpt_desktop.assessment.tiering import compute_tier, predictor_problems, scheme_of_tier, tier_differs
from lpt_desktop.standards.obligations import CaseFacts, case_tier
from lpt_desktop.standards.policy import parse_policy
from lpt_desktop.standards.policy import scheme_of_tier as policy_scheme_of_tier

AS_OF = date(2026, 11, 23)
BASE: dict[str, Any] = {"arp": {"score": 80}, "csrp": {"score": 3.2}, "sentences": [{"type": "CO"}]}


@pytest.mark.parametrize(("key", "value"), [
    ("ogrs", math.nan), ("rsr", math.inf), ("arp", {"score": -1}), ("csrp", {"score": 100.5}),
    ("dc_srp", {"score": math.nan, "band": "H"}), ("arp", {"score": -math.inf}),
])
def test_non_finite_and_out_of_range_scores_are_refused_naming_the_key(key: str, value: Any) -> None:
    with pytest.raises(TierInputError) as err:
        inputs_from_json({**BASE, key: value})
    assert err.value.key == (key if key in ("ogrs", "rsr") else f"{key}.score")
    assert "must be a percentage from 0 to 100" in err.value.message


@pytest.mark.parametrize("scheme", ["2026", "ab03"])
def test_the_engine_refuses_the_same_when_a_service_calls_it(scheme: str) -> None:
    inputs = TierInputs(arp=Predictor(80), csrp=Predictor(3.2), ogrs=math.nan, sentences=(SentenceInput("CO"),))
    with pytest.raises(TierInputError) as err:
        compute_tier(scheme, inputs, AS_OF)
    assert err.value.key == "ogrs"
    with pytest.raises(TierInputError, match="csrp.score"):
        compute_tier(scheme, TierInputs(arp=Predictor(80), csrp=Predictor(-0.5)), AS_OF)
    assert compute_tier("2026", TierInputs(arp=Predictor(80), csrp=Predictor(3.2), dc_srp=DcSrp(0, None),
                                           sentences=(SentenceInput("CO"),)), AS_OF).tier == "B"


@pytest.mark.parametrize(("kind", "score", "band", "fields"), [
    ("ARP", 50, None, []), ("RSR", 101, None, ["score"]), ("OGRS3", math.nan, None, ["score"]),
    ("DCSRP", 0.3, "M", ["score"]), ("DCSRP", 0.6, "M", []), ("DCSRP", 0, "M", []), ("DCSRP", 2, "ZZ", ["band"]),
    ("DCSRP", 2, None, ["band"]), ("DCSRP", -1, "M", ["score"]),
])
def test_one_predictor_check(kind: str, score: float, band: str | None, fields: list[str]) -> None:
    assert [f for f, _m in predictor_problems(kind, score, band)] == fields


def test_a_letter_alone_is_2026_and_a_letter_and_digit_ab03_for_the_engine_and_the_policies() -> None:
    for tier, scheme in (("B", "2026"), ("G", "2026"), ("b2", "ab03"), ("C2S", "ab03"), ("E2", None), ("Q", None)):
        assert scheme_of_tier(tier) == policy_scheme_of_tier(tier) == scheme
    policy = parse_policy("t", {"title": "t", "source": "s", "counting": {"outcomes": []},
                                "enforcement": {"decision_working_days": 10, "orders_breach_at": 2,
                                                "licence_recall_at": 2},
                                "tier_map": {"ab03": {"A": "4", "B": "3"}, "2026": {"A": "4", "B": "2"}}})
    assert case_tier(policy, CaseFacts(tier="B")) == "2"  # the 2026 map, as tier_differs reads a lone letter
    assert case_tier(policy, CaseFacts(tier="B2")) == "3"  # the A-D map
    assert case_tier(policy, CaseFacts(tier="B", tier_scheme="ab03")) == "3"  # a stored scheme wins
    assert not tier_differs("B", "B", None, "2026") and tier_differs("B", "B", None, "ab03")
