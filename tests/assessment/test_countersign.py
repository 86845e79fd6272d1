"""Countersignature rules (issue 19): every transition allowed and refused, the status replayed from a chain,
which work needs countersigning under the shipped rule and a Trust's own, and who may act."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import pytest

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.assessment.countersign import (
    AGREE,
    AGREED,
    AWAITING,
    AWAITING_AGREEMENT,
    AWAITING_DOUBLE,
    COUNTERSIGN,
    COUNTERSIGNED,
    DOUBLE_COUNTERSIGN,
    DOUBLE_COUNTERSIGNED,
    LOCK,
    LOCKED_INCOMPLETE,
    REFUSE,
    REFUSED,
    REJECTED,
    RESUBMITTED,
    RETURNED,
    SELF_SIGN,
    SELF_SIGNED,
    SUBMITTED,
    UNSIGNED,
    TransitionError,
    may_act,
    needs_countersignature,
    next_status,
    rules_from,
    status_of,
)

ALL_STATES = cs.STATUSES + cs.OVERRIDE_STATUSES

# (from, action, double) -> after: the only transitions allowed.
ALLOWED = {
    (UNSIGNED, SUBMITTED, False): AWAITING,
    (UNSIGNED, SELF_SIGN, False): SELF_SIGNED,
    (REJECTED, RESUBMITTED, False): AWAITING,
    (AWAITING, COUNTERSIGN, False): COUNTERSIGNED,
    (AWAITING, COUNTERSIGN, True): AWAITING_DOUBLE,
    (AWAITING_DOUBLE, DOUBLE_COUNTERSIGN, False): DOUBLE_COUNTERSIGNED,
    (AWAITING, RETURNED, False): REJECTED,
    (AWAITING_DOUBLE, RETURNED, False): REJECTED,
    (UNSIGNED, LOCK, False): LOCKED_INCOMPLETE,
    (REJECTED, LOCK, False): LOCKED_INCOMPLETE,
    (AWAITING_AGREEMENT, AGREE, False): AGREED,
    (AWAITING_AGREEMENT, REFUSE, False): REFUSED,
}


@pytest.mark.parametrize(("current", "action", "double", "after"),
                         [(c, a, d, after) for (c, a, d), after in ALLOWED.items()])
def test_allowed_transitions(current: str, action: str, double: bool, after: str) -> None:
    assert next_status(current, action, double=double) == after


REFUSED_CASES = [(c, a) for c in ALL_STATES for a in cs.ACTIONS
                 if (c, a, False) not in ALLOWED]


@pytest.mark.parametrize(("current", "action"), REFUSED_CASES)
def test_every_other_transition_is_refused_in_words(current: str, action: str) -> None:
    with pytest.raises(TransitionError) as err:
        next_status(current, action)
    text = str(err.value)
    assert cs.action_label(action) in text and cs.status_label(current).lower() in text
    assert "_" not in text  # words, not codes


def test_the_named_rules_of_the_issue() -> None:
    # countersigned only from awaiting; double only from awaiting double; returned from either awaiting state
    assert [s for s in ALL_STATES if (s, COUNTERSIGN, False) in ALLOWED] == [AWAITING]
    assert [s for s in ALL_STATES if (s, DOUBLE_COUNTERSIGN, False) in ALLOWED] == [AWAITING_DOUBLE]
    assert sorted(s for s in ALL_STATES if (s, RETURNED, False) in ALLOWED) == sorted([AWAITING, AWAITING_DOUBLE])
    # a returned piece goes back to the officer, who resubmits: awaiting again
    assert next_status(REJECTED, RESUBMITTED) == AWAITING
    with pytest.raises(TransitionError, match="only work awaiting countersignature is countersigned"):
        next_status(AWAITING_DOUBLE, COUNTERSIGN)


def test_an_unknown_action_is_refused() -> None:
    with pytest.raises(TransitionError, match="'signed' is not a countersignature action"):
        next_status(UNSIGNED, "signed")


def test_every_status_and_action_has_words() -> None:
    assert cs.status_label(AWAITING) == "Awaiting countersignature"
    assert cs.status_label(AWAITING_DOUBLE) == "Awaiting double countersignature"
    for s in ALL_STATES:
        assert s in cs.STATUS_LABELS and "_" not in cs.STATUS_LABELS[s]
    for a in cs.ACTIONS:
        assert a in cs.ACTION_LABELS


@dataclass
class R:
    action: str
    status_after: str


@pytest.mark.parametrize(("chain", "kind", "status"), [
    ([], "rosh_assessment", UNSIGNED),
    ([], "tier_decision", AWAITING_AGREEMENT),
    ([R(SELF_SIGN, SELF_SIGNED)], "risk_plan", SELF_SIGNED),
    ([R(SUBMITTED, AWAITING)], "rosh_assessment", AWAITING),
    ([R(SUBMITTED, AWAITING), R(COUNTERSIGN, COUNTERSIGNED)], "rosh_assessment", COUNTERSIGNED),
    ([R(SUBMITTED, AWAITING), R(COUNTERSIGN, AWAITING_DOUBLE)], "rosh_assessment", AWAITING_DOUBLE),
    ([R(SUBMITTED, AWAITING), R(COUNTERSIGN, AWAITING_DOUBLE), R(DOUBLE_COUNTERSIGN, DOUBLE_COUNTERSIGNED)],
     "rosh_assessment", DOUBLE_COUNTERSIGNED),
    ([R(SUBMITTED, AWAITING), R(RETURNED, REJECTED)], "risk_plan", REJECTED),
    ([R(SUBMITTED, AWAITING), R(RETURNED, REJECTED), R(RESUBMITTED, AWAITING)], "risk_plan", AWAITING),
    ([R(SUBMITTED, AWAITING), R(RETURNED, REJECTED), R(RESUBMITTED, AWAITING), R(COUNTERSIGN, COUNTERSIGNED)],
     "risk_plan", COUNTERSIGNED),
    # two managers at once on two laptops: the second countersignature changes nothing; a return after a
    # countersignature (overtaken) neither
    ([R(SUBMITTED, AWAITING), R(COUNTERSIGN, COUNTERSIGNED), R(COUNTERSIGN, COUNTERSIGNED)], "rosh_assessment",
     COUNTERSIGNED),
    ([R(SUBMITTED, AWAITING), R(COUNTERSIGN, COUNTERSIGNED), R(RETURNED, REJECTED)], "rosh_assessment",
     COUNTERSIGNED),
    ([R(AGREE, AGREED)], "tier_decision", AGREED),
    ([R(REFUSE, REFUSED), R(AGREE, AGREED)], "tier_decision", REFUSED),
])
def test_status_of_replays_the_chain(chain: list[R], kind: str, status: str) -> None:
    assert status_of(chain, kind) == status


# -- which work needs countersigning ----------------------------------------------------------------
@pytest.mark.parametrize(("level", "cp", "grade", "kind", "needed", "double", "why"), [
    ("L", False, "po", "rosh_assessment", False, False, "No countersignature needed"),
    ("M", False, "po", "risk_plan", False, False, "probation officer's work is self-signed"),
    ("H", False, "po", "rosh_assessment", True, False, "the RoSH level is high"),
    ("VH", False, "po", "rosh_assessment", True, True, "second (senior) countersignature"),
    ("VH", False, "po", "risk_plan", True, True, "the RoSH level is very high"),
    ("L", True, "po", "rosh_assessment", True, False, "child-protection concerns"),
    ("L", False, "pso", "rosh_assessment", True, False, "the author is a probation services officer"),
    ("L", False, "PSO", "risk_plan", True, False, "probation services officer"),
    ("M", False, "trainee", "sentence_plan", True, False, "trainee probation officer"),
    ("H", True, "pso", "rosh_assessment", True, False,
     "the RoSH level is high, there are child-protection concerns and the author is a probation services officer"),
    ("L", False, None, "rosh_assessment", False, False, "No countersignature needed"),  # unknown grade: as a PO
    (None, False, "po", "rosh_assessment", False, False, "not set"),
    ("VH", True, "pso", "tier_decision", False, False, "Tier override is not countersigned"),
])
def test_needs_countersignature_as_shipped(level: str | None, cp: bool, grade: str | None, kind: str,
                                           needed: bool, double: bool, why: str) -> None:
    need = needs_countersignature(level, cp, grade, kind)
    assert (need.needed, need.double) == (needed, double)
    assert why in need.why


def test_a_trusts_own_rule_is_data() -> None:
    # A Trust that countersigns PSO plans but not their assessments, and no second countersignature.
    rules = rules_from({"signed_kinds": ["rosh_assessment", "risk_plan"], "levels_always": ["VH"],
                        "child_protection_always": False, "double_levels": [],
                        "grades": {"pso": {"label": "Probation services officer", "countersigned": ["risk_plan"]}}})
    assert needs_countersignature("L", False, "pso", "rosh_assessment", rules).needed is False
    assert needs_countersignature("L", False, "pso", "risk_plan", rules).needed is True
    assert needs_countersignature("H", True, "po", "rosh_assessment", rules).needed is False
    assert needs_countersignature("VH", False, "po", "rosh_assessment", rules) == (
        True, False, "Countersignature needed: the RoSH level is very high")
    # a level needing a second countersignature needs a first even when no other rule says so
    rules2 = rules_from({"levels_always": [], "double_levels": ["VH"]})
    assert needs_countersignature("VH", False, "po", "rosh_assessment", rules2)[:2] == (True, True)


def test_the_shipped_rule_cites_its_source_and_marks_its_own_choices() -> None:
    from lpt_desktop.domain.reference import load_json

    data = load_json("countersign_rules.json")
    assert "Inspectorate" in data["source"] and "unverified" in data["source"]
    assert set(data["unverified"]) >= {"grades", "double_levels"}
    assert cs.load_rules().levels_always == ("H", "VH")
    shown = cs.load_rules().source  # what a screen may show: no developer file named
    assert "Inspectorate" in shown and not any(w in shown.lower() for w in ("seed", ".md", ".json", "resources/"))


@pytest.mark.parametrize(("grade", "code"), [("PO", "po"), ("pso", "pso"), ("Probation services officer", "pso"),
                                             ("Trainee", "trainee"), ("SPO", None), ("", None), (None, None)])
def test_normal_grade(grade: str | None, code: str | None) -> None:
    assert cs.normal_grade(grade) == code


# -- who may act ------------------------------------------------------------------------------------
OM, TM = "offender_manager", "team_manager"


@pytest.mark.parametrize(("role", "actor", "author", "action", "ok", "why"), [
    (OM, "asmith", "asmith", SUBMITTED, True, ""),
    (OM, "asmith", "asmith", RESUBMITTED, True, ""),
    (OM, "asmith", "asmith", SELF_SIGN, True, ""),
    (TM, "bjones", "asmith", SUBMITTED, False, "A team manager does not submit work"),
    ("court_officer", "c", "c", SELF_SIGN, False, "A court officer does not self-sign"),
    (TM, "bjones", "asmith", COUNTERSIGN, True, ""),
    (TM, "bjones", "asmith", DOUBLE_COUNTERSIGN, True, ""),
    (TM, "bjones", "asmith", RETURNED, True, ""),
    (TM, "bjones", "asmith", AGREE, True, ""),
    (TM, "bjones", "asmith", REFUSE, True, ""),
    (TM, "bjones", "asmith", LOCK, True, ""),
    (OM, "asmith", "cdoe", COUNTERSIGN, False, "Only a team manager may countersign work: this laptop's user is "
                                               "an offender manager"),
    (OM, "asmith", "cdoe", RETURNED, False, "Only a team manager may return work"),
    (OM, "asmith", "asmith", AGREE, False, "Only a team manager may agree a tier override"),
    (None, None, "asmith", COUNTERSIGN, False, "user with no role"),
    ("administrator", "root", "asmith", COUNTERSIGN, False, "administrator"),
    (TM, "BJones", "bjones", COUNTERSIGN, False, "nobody may countersign work of their own"),
    (TM, "bjones", "bjones", RETURNED, False, "your own work"),
    (TM, "bjones", "bjones", AGREE, False, "nobody may agree a tier override of their own"),
    (TM, "bjones", "asmith", "approved", False, "'approved' is not a countersignature action"),
])
def test_may_act(role: str | None, actor: str | None, author: str, action: str, ok: bool, why: str) -> None:
    allowed, reason = may_act(role, actor, author, action)
    assert allowed is ok
    assert why in reason
    assert bool(reason) is not ok


def test_the_second_countersignature_is_another_managers() -> None:
    assert may_act(TM, "bjones", "asmith", DOUBLE_COUNTERSIGN, first_countersigner="BJONES") == (
        False, "The second countersignature must be another manager's: you gave the first")
    assert may_act(TM, "senior", "asmith", DOUBLE_COUNTERSIGN, first_countersigner="bjones")[0] is True


def test_the_level_shown_while_awaiting() -> None:
    assert cs.shown_level("High", AWAITING) == "High (awaiting countersignature)"
    assert cs.shown_level("Very high", AWAITING_DOUBLE) == "Very high (awaiting double countersignature)"
    assert cs.shown_level("High", COUNTERSIGNED) == "High"


def test_child_protection_concerns_from_the_screening_or_an_open_register():
    assert cs.child_protection_concerns({"child_concerns": {"current": "yes"}})
    assert not cs.child_protection_concerns({"child_concerns": {"current": "no"}, "murder": {"current": "yes"}})
    assert not cs.child_protection_concerns(None)
    assert cs.child_protection_concerns({}, ["MAPP", "RCPR"])
    assert not cs.child_protection_concerns({}, ["MAPP"])


class _Rec(NamedTuple):
    id: str
    follows_id: str | None
    action: str
    status_after: str


def test_the_chain_is_in_causal_order_whatever_the_clocks_said():
    submit = _Rec("a", None, cs.SUBMITTED, cs.AWAITING)
    ret = _Rec("b", "a", cs.RETURNED, cs.REJECTED)
    resubmit = _Rec("c", "b", cs.RESUBMITTED, cs.AWAITING)
    sign = _Rec("d", "c", cs.COUNTERSIGN, cs.COUNTERSIGNED)
    # A slower clock put the manager's records first in (on_date, created_at) order.
    skewed = [sign, ret, resubmit, submit]
    assert [r.id for r in cs.chain_order(skewed)] == ["a", "b", "c", "d"]
    assert cs.status_of(cs.chain_order(skewed)) == cs.COUNTERSIGNED
    assert cs.status_of(skewed) != cs.COUNTERSIGNED  # the old order got it wrong
    assert cs.head_of(cs.chain_order(skewed)) == "d" and cs.head_of([]) is None
    # A record following one not held here yet goes last; the rest keep their order.
    assert [r.id for r in cs.chain_order([resubmit, submit])] == ["a", "c"]


def test_legacy_rows_without_follows_keep_the_old_order_and_new_ones_follow_them():
    old = [_Rec("x", None, cs.SUBMITTED, cs.AWAITING), _Rec("y", None, cs.RETURNED, cs.REJECTED)]
    assert [r.id for r in cs.chain_order(old)] == ["x", "y"]
    new = _Rec("z", "y", cs.RESUBMITTED, cs.AWAITING)
    assert [r.id for r in cs.chain_order([old[0], new, old[1]])] == ["x", "y", "z"]
    assert cs.status_of(cs.chain_order([new, *old])) == cs.AWAITING
