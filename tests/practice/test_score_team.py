"""The practice score (share of applicable checks met) and the team's ratings against its own average."""

from __future__ import annotations

from dataclasses import replace

import pytest

from lpt_desktop.practice.checks import MET, NOT_APPLICABLE, NOT_MET, CheckResult, all_checks, check
from lpt_desktop.practice.score import CaseAudit, audit_case, share_met
from lpt_desktop.practice.team import FAR, NEAR, RATED_MET, attention, criterion_shares, iqr, rate, team_audit
from tests.practice.facts import GOOD, SETTINGS


def _result(check_id: str, status: str) -> CheckResult:
    return CheckResult(check(check_id), status, "because", check(check_id).screen)


def _audit(crn: str, officer: str, statuses: dict[str, str]) -> CaseAudit:
    return CaseAudit(crn, crn, f"Case {crn}", officer, tuple(_result(k, v) for k, v in statuses.items()))


def test_score_is_the_share_of_applicable_checks_met():
    a = _audit("A1", "Ann", {"rosh_sources": MET, "risk_plan_shared": NOT_MET, "cp_goals": NOT_APPLICABLE,
                             "plan_sequenced": MET})
    assert a.score == pytest.approx(2 / 3)
    assert a.applicable == 3 and [r.id for r in a.unmet] == ["risk_plan_shared"]
    assert [r.status for r in a.ordered()] == [NOT_MET, MET, MET, NOT_APPLICABLE]
    assert a.as_json()["score"] == 66.7
    assert a.as_json()["checks"][0] == {"id": "rosh_sources", "criterion": "1.2", "status": "met",
                                        "reason": "because"}
    assert share_met([_result("cp_goals", NOT_APPLICABLE)]) is None  # nothing applies: no score, never 100%


def test_the_model_case_scores_full_marks_and_a_spoiled_one_less():
    assert audit_case(GOOD, SETTINGS).score == 1.0
    worse = audit_case(replace(GOOD, risk_plan=None), SETTINGS)
    assert worse.score is not None and worse.score < 1.0
    assert {r.id for r in worse.unmet} >= {"risk_plan_present", "risk_plan_actions", "risk_plan_shared"}


def test_rating_against_the_team_average_and_interquartile_range():
    assert iqr([0.5, 0.6, 0.8, 0.9]) == pytest.approx(0.825 - 0.575)  # quartiles by the inclusive method
    assert iqr([0.7]) == 0.0
    assert rate(0.8, 0.7, 0.1) == RATED_MET
    assert rate(0.7, 0.7, 0.1) == RATED_MET  # at the average is met
    assert rate(0.65, 0.7, 0.1) == NEAR
    assert rate(0.6, 0.7, 0.1) == NEAR  # exactly one interquartile range below
    assert rate(0.55, 0.7, 0.1) == FAR
    assert rate(None, 0.7, 0.1) is None and rate(0.5, None, 0.0) is None


def _team(shares: dict[str, tuple[int, int]], check_id: str = "rosh_sources") -> list[CaseAudit]:
    """For each officer, `met` cases meeting the check out of `total`."""
    out = []
    for officer, (met, total) in shares.items():
        for n in range(total):
            out.append(_audit(f"{officer[0]}{n}", officer, {check_id: MET if n < met else NOT_MET}))
    return out


def test_team_figures_per_check_and_officer_with_the_previous_period():
    now = _team({"Ann": (9, 10), "Bob": (8, 10), "Cat": (5, 10), "Dev": (7, 10)})
    before = _team({"Ann": (5, 10), "Bob": (8, 10), "Cat": (9, 10), "Dev": (7, 10)})
    team = team_audit(now, before, checks=[check("rosh_sources"), check("cp_goals")])
    figure = team.checks[0]
    assert (figure.team.met, figure.team.applicable) == (29, 40)
    assert figure.average == pytest.approx(0.725)
    ratings = {f.officer: (f.rating, f.previous_rating) for f in figure.officers}
    # average 0.725; the interquartile range of (0.5, 0.7, 0.8, 0.9) is 0.825 - 0.65 (inclusive method)
    assert figure.spread == pytest.approx(0.175)
    assert ratings == {"Ann": (RATED_MET, FAR), "Bob": (RATED_MET, RATED_MET), "Cat": (FAR, RATED_MET),
                       "Dev": (NEAR, NEAR)}
    assert figure.previous_team is not None and figure.previous_team.met == 29
    nobody = team.checks[1]  # no case has cp_goals: no share, no rating
    assert nobody.team.applicable == 0 and nobody.average is None
    assert {f.rating for f in nobody.officers} == {None}
    assert team.officers == ("Ann", "Bob", "Cat", "Dev") and team.cases == 40
    assert [o for c, o in team.officer_ratings("Cat")][0].share.value == 0.5


def test_cases_most_needing_attention_and_criterion_shares():
    a = _audit("A1", "Ann", {"rosh_sources": NOT_MET, "risk_plan_shared": NOT_MET, "plan_sequenced": MET})
    b = _audit("B1", "Bob", {"rosh_sources": NOT_MET, "risk_plan_shared": MET, "plan_sequenced": MET})
    c = _audit("C1", "Cat", {"rosh_sources": MET, "plan_sequenced": MET})
    assert [x.crn for x in attention([c, b, a])] == ["A1", "B1"]
    shares = criterion_shares([a, b, c])
    assert (shares["1.2"].met, shares["1.2"].applicable) == (2, 5)
    assert (shares["1.3"].met, shares["1.3"].applicable) == (3, 3)


def test_every_check_names_a_criterion_a_statement_and_a_screen():
    for c in all_checks():
        assert c.criterion_title and c.statement.endswith(".") and c.screen and c.not_applicable
        assert c.action.endswith(".") and c.action[0].isupper()


def test_cases_with_no_known_holder_are_a_row_outside_the_average_and_the_officer_count():
    # review 21 item 3: "Not known" was rated as an officer, moved the average and counted as one
    audits = [_audit("A1", "Ann", {"rosh_sources": MET}), _audit("B1", "Bob", {"rosh_sources": MET}),
              _audit("N1", "Not known", {"rosh_sources": NOT_MET}), _audit("N2", "", {"rosh_sources": NOT_MET})]
    team = team_audit(audits, checks=[check("rosh_sources")])
    fig = team.checks[0]
    assert team.officers == ("Ann", "Bob", "Not known") and team.officer_names == ("Ann", "Bob")
    assert team.unallocated == 2
    assert fig.average == 1.0 and fig.team.met == 2 and fig.team.applicable == 4
    rows = {f.officer: f for f in fig.officers}
    assert rows["Ann"].rating == RATED_MET and rows["Not known"].rating is None
    assert rows["Not known"].share.applicable == 2
