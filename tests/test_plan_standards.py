"""The standards engine with real sentence plans (issue 20): initial_sentence_plan is met by a completed plan and
plan_review by completed reviews (or a new version of type review), owed every six months from the plan and then
from the last review, and after each significant change on the timeline; bare standards records count only from
before the case's first completed plan."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest

from lpt_desktop.domain.dates import add_months
from lpt_desktop.services import obligations as so
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import new_case, ready_plan

TODAY = TEST_TODAY
START = TODAY - timedelta(days=300)


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("plan-std") / "s.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def owed(db: Database, pid: str, rule: str, as_of: date = TODAY) -> list[so.Obligation]:
    return [o for o in so.case_obligations(db, pid, as_of) if o.rule == rule]


def complete(db: Database, pid: str, on: date) -> tuple[str, str]:
    plan, g, _st = ready_plan(db, pid, on)
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), on)
    assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=on).completed
    return plan, g


def review(db: Database, plan: str, goal: str, on: date, reason: str = "interval") -> None:
    r = sp.start_review(db, plan, reason, today=on)
    sp.save_review(db, r, sp.ReviewIn({goal: "partly_met"}, no_change_reason="The goals still fit"))
    sp.complete_review(db, r, today=on)


def test_the_initial_plan_is_met_by_a_completed_plan_not_a_draft(db):
    pid = new_case(db, START)
    first = owed(db, pid, "initial_sentence_plan")
    assert len(first) == 1 and first[0].status in ("overdue", "missed")
    plan, _g, _st = ready_plan(db, pid, START + timedelta(days=10))
    assert owed(db, pid, "initial_sentence_plan")[0].status != "met"  # a draft meets nothing
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), START + timedelta(days=10))
    sp.complete_plan(db, plan, acknowledge_warnings=True, today=START + timedelta(days=10))
    met = owed(db, pid, "initial_sentence_plan")[0]
    assert met.status == "met" and met.met_by == plan and met.met_on == START + timedelta(days=10)
    assert owed(db, pid, "plan_review", START + timedelta(days=5)) == []  # no review is owed before a plan


def test_reviews_are_owed_six_months_after_the_plan_then_after_each_review(db):
    pid = new_case(db, START, days=730)
    plan_day = START + timedelta(days=7)
    plan, g = complete(db, pid, plan_day)
    first = owed(db, pid, "plan_review")
    due = ENGLAND_AND_WALES.last_working_day_on_or_before(add_months(plan_day, 6))
    assert [(o.due_by, o.status) for o in first] == [(due, "overdue" if due < TODAY else "due")]
    assert "6 months after the plan was completed on" in first[0].description
    review(db, plan, g, due - timedelta(days=3))
    done, following = owed(db, pid, "plan_review")
    assert done.status == "met" and done.met_on == due - timedelta(days=3)
    assert following.status != "met" and "after the last review on" in following.description
    assert following.due_by == ENGLAND_AND_WALES.last_working_day_on_or_before(add_months(due - timedelta(days=3),
                                                                                           6))


def test_a_significant_change_opens_a_review_met_by_the_next_completed_review(db):
    pid = new_case(db, START)
    plan, g = complete(db, pid, START + timedelta(days=7))
    with db.write() as s:
        add_event(s, pid, "new_offence", TODAY - timedelta(days=20), "Arrested for theft")
    changes = [o for o in owed(db, pid, "plan_review") if "after a significant change" in o.source.lower()
               or "arrest" in o.description.lower() or "offence" in o.description.lower()]
    assert changes and all(o.status != "met" for o in changes)
    review(db, plan, g, TODAY - timedelta(days=2), "new_offence")
    after = [o for o in owed(db, pid, "plan_review") if o.description == changes[0].description]
    assert after and after[0].status == "met" and after[0].met_on == TODAY - timedelta(days=2)


def test_a_bare_record_counts_only_before_the_first_completed_plan(db):
    pid = new_case(db, START)
    so.record_done(db, pid, "sentence_plan", START + timedelta(days=5), "Plan agreed on paper")
    assert owed(db, pid, "initial_sentence_plan")[0].met_on == START + timedelta(days=5)
    complete(db, pid, START + timedelta(days=8))
    # A bare plan_review record dated after the plan is not a review: the one owed stays open.
    so.record_done(db, pid, "plan_review", TODAY - timedelta(days=1), "said reviewed")
    assert owed(db, pid, "initial_sentence_plan")[0].met_on == START + timedelta(days=5)
    assert all(o.met_on != TODAY - timedelta(days=1) for o in owed(db, pid, "plan_review"))


def test_a_new_version_of_type_review_meets_a_plan_review(db):
    pid = new_case(db, START)
    complete(db, pid, START + timedelta(days=7))
    plan_day = START + timedelta(days=7)
    due = ENGLAND_AND_WALES.last_working_day_on_or_before(add_months(plan_day, 6))
    new = sp.start_plan(db, pid, "review", today=due - timedelta(days=1))
    sp.record_agreement(db, new, sp.AgreementIn("yes"), due - timedelta(days=1))
    sp.complete_plan(db, new, acknowledge_warnings=True, today=due - timedelta(days=1))
    first = owed(db, pid, "plan_review")[0]
    assert first.status == "met" and first.met_by == new
