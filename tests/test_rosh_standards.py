"""The standards engine's RoSH rules (issue 18), pure: the rule kind "rosh:KIND" turns what screenings left owing
(RoshFollowUpFact) into obligations with deadlines (a full analysis still owed, a report writer's screening to
confirm), under `current` and `ns-2007`; a RoSH review is met by a review record (the services feed completed
assessments as those records); the case JSON carries them."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.assessment.rosh_screening import screening
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.standards.obligations import (
    RULE_IDS,
    RULE_LABELS,
    CaseFacts,
    EventFact,
    RecordFact,
    RoshFollowUpFact,
    case_from_json,
    obligations,
)
from lpt_desktop.standards.policy import load_policy

MON = date(2026, 11, 23)
START = date(2026, 6, 1)


def case(*followups: RoshFollowUpFact, **kw) -> CaseFacts:
    return CaseFacts(person_id="p", sentence_type="CO", start=START, length_months=12, rosh="M",
                     rosh_followups=followups, **kw)


def owed(policy: str, c: CaseFacts, as_of: date, rule: str, since: date | None = None) -> list[tuple]:
    return [(o.due_from, o.due_by, o.status, o.met_by) for o in obligations(load_policy(policy), c, as_of, since=since)
            if o.rule == rule]


def test_the_rules_are_known_and_named():
    assert {"rosh_full_analysis", "rosh_confirmation"} <= set(RULE_IDS)
    assert RULE_LABELS["rosh_confirmation"] == "RoSH screening confirmation"


@pytest.mark.parametrize("policy", ["current", "ns-2007"])
@pytest.mark.parametrize(("fact", "as_of", "expected"), [
    (RoshFollowUpFact("full_analysis", MON, None, "a"), MON, [(MON, date(2026, 12, 14), "due", None)]),
    (RoshFollowUpFact("full_analysis", MON, None, "a"), date(2026, 12, 15),
     [(MON, date(2026, 12, 14), "overdue", None)]),
    (RoshFollowUpFact("full_analysis", MON, date(2026, 12, 1), "a"), date(2026, 12, 15),
     [(MON, date(2026, 12, 14), "met", "a")]),
    (RoshFollowUpFact("full_analysis", MON, date(2026, 12, 1), "a"), date(2026, 11, 30),  # met after as-of
     [(MON, date(2026, 12, 14), "due", None)]),
])
def test_a_full_analysis_owed_falls_due_15_working_days_on(policy, fact, as_of, expected):
    assert owed(policy, case(fact), as_of, "rosh_full_analysis") == expected
    assert owed(policy, case(fact), as_of, "rosh_confirmation") == []


@pytest.mark.parametrize("policy", ["current", "ns-2007"])
def test_a_report_writers_screening_is_confirmed_within_the_datas_days_of_the_sentence_start(policy):
    fact = RoshFollowUpFact("confirmation", START, None, "s")
    [(due_from, due_by, status, _met)] = owed(policy, case(fact), MON, "rosh_confirmation")
    assert (due_from, due_by, status) == (START, date(2026, 6, 22), "overdue")
    done = RoshFollowUpFact("confirmation", START, date(2026, 6, 10), "s")
    assert owed(policy, case(done), MON, "rosh_confirmation") == [(START, date(2026, 6, 22), "met", "s")]
    # settled long before the period asked about: left out of "what is due"
    assert owed(policy, case(done), MON, "rosh_confirmation", since=MON) == []


def test_the_policy_and_the_screening_data_agree_on_the_confirmation_timescale():
    s = screening()
    for name in ("current", "ns-2007"):
        [rule] = [r for r in load_policy(name).rules if r.id == "rosh_confirmation"]
        assert (rule.within, rule.unit) == (s.confirmation_within, s.confirmation_unit), name


def test_ns_2003_has_no_rosh_rules():
    fact = RoshFollowUpFact("full_analysis", MON, None, "a")
    assert owed("ns-2003", case(fact), MON, "rosh_full_analysis") == []


def test_owed_before_a_sentence_is_recorded():
    pre = CaseFacts(person_id="p", rosh_followups=(RoshFollowUpFact("full_analysis", MON, None, "a"),))
    assert [o.rule for o in obligations(load_policy("current"), pre, MON)] == ["rosh_full_analysis"]


def test_a_significant_change_is_met_by_a_review_record_on_or_after_it():
    changed = case(events=(EventFact("change_of_address", MON, "e"),))
    [o] = [o for o in obligations(load_policy("current"), changed, MON)
           if o.rule == "rosh_review" and "after a significant change" in o.description]
    assert o.status == "due"
    reviewed = case(events=(EventFact("change_of_address", MON, "e"),),
                    records=(RecordFact("rosh_review", date(2026, 11, 25), "assessment-1"),))
    [o] = [o for o in obligations(load_policy("current"), reviewed, date(2026, 11, 26))
           if o.rule == "rosh_review" and "after a significant change" in o.description]
    assert (o.status, o.met_by) == ("met", "assessment-1")


def test_case_json_carries_them_and_refuses_a_wrong_kind():
    c = case_from_json({"sentence_type": "CO", "start": "2026-06-01",
                        "rosh_followups": [{"kind": "confirmation", "opened": "2026-06-01", "met": "2026-06-10"}]})
    assert c.rosh_followups == (RoshFollowUpFact("confirmation", START, date(2026, 6, 10), "rosh-1"),)
    with pytest.raises(ValidationError, match=r"rosh_followups\[0\]\.kind"):
        case_from_json({"sentence_type": "CO", "start": "2026-06-01", "rosh_followups": [{"kind": "other"}]})
