"""A tier is read with the scheme that produced it (issue 17): ns-2007's tiers 1-4 from an A-D tier of the
earlier scheme, and from a 2026 A-G tier by its own map; a tier with no scheme by its form, as the tiering
engine reads it (a letter alone is the 2026 scheme's, a letter and a digit the A-D one's)."""

from __future__ import annotations

import tomllib
from datetime import date

import pytest

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.paths import resources_dir
from lpt_desktop.standards.obligations import CaseFacts, case_tier, rules_for
from lpt_desktop.standards.policy import PolicyError, load_policy, parse_policy


@pytest.mark.parametrize(("tier", "scheme", "expected"), [
    ("A", None, "4"), ("B2", None, "3"), ("C1S", None, "2"), ("D3", None, "1"), ("C", None, "3"),  # typed
    ("A3", "ab03", "4"), ("B0", "ab03", "3"), ("C2", "ab03", "2"), ("D1", "ab03", "1"),
    ("A", "2026", "4"), ("B", "2026", "4"), ("C", "2026", "3"), ("D", "2026", "3"),
    ("E", "2026", "2"), ("F", "2026", "2"), ("G", "2026", "1"),
])
def test_ns2007_reads_each_tier_with_its_scheme(tier, scheme, expected):
    assert case_tier(load_policy("ns-2007"), CaseFacts(tier=tier, tier_scheme=scheme)) == expected


def test_a_2026_tier_is_not_taken_for_the_earlier_schemes_letter():
    policy = load_policy("ns-2007")
    # C is tier 2 in the A-D scheme but tier 3 in the 2026 map; D is tier 1 against 3.
    assert case_tier(policy, CaseFacts(tier="C", tier_scheme="ab03")) == "2"
    assert case_tier(policy, CaseFacts(tier="C2")) == "2"
    assert case_tier(policy, CaseFacts(tier="C", tier_scheme="2026")) == case_tier(policy, CaseFacts(tier="C")) == "3"
    assert case_tier(policy, CaseFacts(tier="D", tier_scheme="2026")) != case_tier(policy, CaseFacts(tier="D1"))


def test_the_rules_chosen_follow_the_scheme():
    policy = load_policy("ns-2007")
    base = {"sentence_type": "CO", "start": date(2026, 11, 2), "length_months": 12}
    tier2 = {r.description for r in rules_for(policy, CaseFacts(tier="C2", **base)) if r.id == "ns_contacts"}
    same_letter_2026 = {r.description for r in rules_for(policy, CaseFacts(tier="C", tier_scheme="2026", **base))
                        if r.id == "ns_contacts"}
    assert any("tier 2" in d for d in tier2)
    assert not any("tier 2" in d for d in same_letter_2026)  # a 2026 C is tier 3, set per case
    e_2026 = {r.description for r in rules_for(policy, CaseFacts(tier="E", tier_scheme="2026", **base))
              if r.id == "ns_contacts"}
    assert any("tier 2" in d for d in e_2026)


def test_a_policy_without_a_tier_map_keeps_the_tier():
    assert case_tier(load_policy("current"), CaseFacts(tier="C", tier_scheme="2026")) == "C"


def _doc(tier_map):
    with open(resources_dir() / "standards" / "ns-2007.toml", "rb") as fh:
        doc = tomllib.load(fh)
    doc["tier_map"] = tier_map
    return doc


def test_a_flat_tier_map_is_the_earlier_schemes():
    policy = parse_policy("flat", _doc({"A": "4", "B": "3"}))
    assert case_tier(policy, CaseFacts(tier="B2")) == "3"
    assert case_tier(policy, CaseFacts(tier="B", tier_scheme="2026")) == "B"
    assert policy.tier_map == {"A": "4", "B": "3"}


def test_a_tier_map_for_an_unknown_scheme_is_refused():
    with pytest.raises(PolicyError, match="tiering scheme"):
        parse_policy("bad", _doc({"ab03": {"A": "4"}, "2030": {"A": "4"}}))


def test_case_json_carries_the_scheme():
    case = {"sentence_type": "CO", "start": "2026-11-02"}
    assert CaseFacts.from_json({**case, "tier": "C", "tier_scheme": "2026"}).tier_scheme == "2026"
    assert CaseFacts.from_json({**case, "tier": "C2"}).tier_scheme is None
    with pytest.raises(ValidationError, match="tier_scheme"):
        CaseFacts.from_json({**case, "tier": "C", "tier_scheme": "2030"})
