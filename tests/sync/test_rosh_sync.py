"""RoSH assessments, plans and their actions sync by registration alone (issue 18): a completed assessment and a
plan made on one laptop reach the other whole (JSON answers, summary and carried text), with the level and the
RoSH register they put on the case; who completed it travels by name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import NamedTuple

import pytest

from lpt_desktop.services import case_record as cr
from lpt_desktop.services import rosh, rosh_plan
from lpt_desktop.services import sync as sync_service
from lpt_desktop.store.models import Person, Registration
from lpt_desktop.store.rosh_models import RiskPlan, RiskPlanAction, RoshAssessment
from tests.rosh_fill import full
from tests.sync.cases import get, ids, snapshot
from tests.sync.conftest import Laptop

RECORD = (Person, Registration, RoshAssessment, RiskPlan, RiskPlanAction)


class TwoLaptops(NamedTuple):
    a: Laptop  # the offender manager's laptop, where the case is made
    b: Laptop
    pid: str
    today: date


@pytest.fixture
def two_laptops(central, laptop_factory, unique) -> Callable[..., TwoLaptops]:
    """Two enrolled laptops and a community order case made on the first (not yet synced): the second is the
    same offender manager's by default, else a user of `b_role` in the same team."""

    def make(b_role: str | None = None, sentence_days_ago: int = 90) -> TwoLaptops:
        om = central.add_user(f"om-{unique}", team=f"team-{unique}")
        other = central.add_user(f"tm-{unique}", role=b_role, team=f"team-{unique}") if b_role else om
        a, b = laptop_factory(om), laptop_factory(other)
        today = date.today()  # real clock, not time_machine: the server stamps with it (tests/conftest.py)
        start = today - timedelta(days=sentence_days_ago)
        pid = cr.create_case(a.db, cr.NewCase(
            f"W{int(unique, 16) % 1_000_000:06d}", "Dana", "Walsh", date(1990, 4, 1),
            cr.SentenceIn("CO", start, start + timedelta(days=365), requirements=(
                cr.RequirementIn("UPW", {"hours": 80}),))))
        return TwoLaptops(a, b, pid, today)

    return make


def _completed_with_plan(a: Laptop, pid: str, today: date) -> tuple[str, str]:
    """A high RoSH assessment completed on `a` and a risk management plan started with one action: their ids."""
    aid = rosh.start_assessment(a.db, pid, today=today)
    full(a.db, aid, "H", today)
    assert rosh.complete_assessment(a.db, aid, today=today).completed
    plan = rosh_plan.start_plan(a.db, pid, today)
    rosh_plan.add_action(a.db, plan, rosh_plan.ActionIn("supervision", "Offender manager", "Weekly reporting",
                                                        today + timedelta(days=30)), today)
    return aid, plan


def test_an_assessment_and_its_plan_reach_the_other_laptop(two_laptops):
    a, b, pid, today = two_laptops(b_role="team_manager")
    aid, plan = _completed_with_plan(a, pid, today)
    rosh_plan.record_sharing(a.db, plan, "police", today, today=today)
    a.sync()
    b.sync()
    for model in RECORD:
        assert ids(a.db, model) == ids(b.db, model), model.__tablename__
    assert snapshot(a.db, RECORD) == snapshot(b.db, RECORD)
    seen = get(b.db, RoshAssessment, aid)
    assert seen.completed_by_name and seen.completed_by is None  # the officer's id is this laptop's own row
    assert get(b.db, Person, pid).rosh == "H"
    view = rosh.assessment_view(b.db, aid, today)
    assert view.overall_level == "H" and view.summary_texts["who_at_risk"] and view.triggers


def test_a_draft_edited_on_two_laptops_keeps_both_officers_text(two_laptops):
    """The review's scenario: B's form was filled before A's text arrived; B's save sends only the field B
    changed (with the value B's form showed), so A's text survives; B changing A's field too is refused."""
    a, b, pid, today = two_laptops()
    aid = rosh.start_assessment(a.db, pid, today=today)
    rosh.save_summary(a.db, aid, rosh.SummaryDraft(texts={"who_at_risk": "Ex-partner", "nature": "N1"}), today)
    a.sync()
    b.sync()
    shown = {"summary.who_at_risk": "Ex-partner", "summary.nature": "N1"}  # B's form, filled once
    rosh.save_summary(a.db, aid, rosh.SummaryDraft(texts={"nature": "A's long text"}), today)
    a.sync()
    b.sync()
    with pytest.raises(rosh.EditedElsewhere) as refused:  # B rewrote the field A changed: refused, named
        rosh.save_draft(b.db, aid, rosh.draft_of({"summary.who_at_risk": "Ex-partner and her children",
                                                  "summary.nature": "B's stale text"}), today,
                        before=rosh.draft_of(shown))
    assert set(refused.value.now) == {"summary.nature"}
    rosh.save_draft(b.db, aid, rosh.draft_of({"summary.who_at_risk": "Ex-partner and her children"}), today,
                    before=rosh.draft_of({"summary.who_at_risk": "Ex-partner"}))
    rb = b.sync()
    a.sync()
    assert not rb.conflicts
    for laptop in (a, b):
        assert rosh.assessment_view(laptop.db, aid, today).summary_texts == {
            "who_at_risk": "Ex-partner and her children", "nature": "A's long text"}


def test_a_completed_assessment_refuses_a_stale_draft_edit_from_another_laptop(two_laptops):
    """The review's scenario: B edits the draft's analysis while A completes it; the completed assessment is
    sealed (sync/kinds.py), so B's edit is a rejection listed to B's officer in words, never applied."""
    a, b, pid, today = two_laptops()
    aid = rosh.start_assessment(a.db, pid, today=today)
    full(a.db, aid, "H", today)
    a.sync()
    b.sync()
    before = rosh.assessment_view(a.db, aid, today)
    key = next(s.key for s in before.sections if s.key.startswith("analysis."))
    text = next(s.text for s in before.sections if s.key == key)
    _, period, code = key.split(".")
    rosh.save_analysis(b.db, aid, period, code, "Edited on B after A completed", today)
    assert rosh.complete_assessment(a.db, aid, acknowledge_warnings=True, today=today).completed
    a.sync()
    rb = b.sync()
    a.sync()
    assert rb.open_rejections >= 1
    [refused] = [r for r in sync_service.list_rejections(b.db) if r.record_id == aid]
    assert "never edited" in refused.reason
    view = rosh.assessment_view(a.db, aid, today)
    assert view.status == "complete" and next(s.text for s in view.sections if s.key == key) == text
    on_b = rosh.assessment_view(b.db, aid, today)
    # B's copy is the completed one too: the refused text stays only in B's list of changes not accepted.
    assert on_b.status == "complete" and next(s.text for s in on_b.sections if s.key == key) == text


def test_a_report_writers_screening_confirmed_travels_as_its_own_record(two_laptops):
    """Confirming a completed screening writes a rosh_confirmation row, not the sealed screening: the server
    accepts it and the other laptop sees the screening confirmed."""
    a, b, pid, today = two_laptops(sentence_days_ago=10)
    aid = rosh.start_assessment(a.db, pid, by_report_writer=True, today=today)
    full(a.db, aid, "M", today)
    assert rosh.complete_assessment(a.db, aid, acknowledge_warnings=True, today=today).completed
    a.sync()
    rosh.confirm_screening(a.db, aid, today)
    ra = a.sync()
    b.sync()
    assert ra.open_rejections == 0
    assert rosh.assessment_view(b.db, aid, today).confirmation == "confirmed"


def test_sharing_a_plan_on_two_laptops_keeps_both_and_a_completed_plan_is_shared_without_being_written(
        two_laptops):
    """Sharing records are rows (risk_plan_sharing): two laptops adding different ones both keep theirs with no
    conflict, and sharing a completed (sealed) plan is accepted by the server."""
    a, b, pid, today = two_laptops()
    _aid, plan = _completed_with_plan(a, pid, today)
    assert rosh_plan.complete_plan(a.db, plan, acknowledge_warnings=True, today=today).completed
    a.sync()
    b.sync()
    rosh_plan.record_sharing(a.db, plan, "police", today, today=today)
    rosh_plan.record_sharing(b.db, plan, "mappa", today, today=today)
    ra = a.sync()
    rb = b.sync()
    a.sync()
    assert (ra.conflicts, rb.conflicts, ra.open_rejections, rb.open_rejections) == (0, 0, 0, 0), [
        (r.kind, r.reason, [f.name for f in r.fields]) for r in sync_service.list_rejections(a.db)]
    for laptop in (a, b):
        view = rosh_plan.current_plan(laptop.db, pid)
        assert view is not None and sorted(x["with"] for x in view.shared) == ["mappa", "police"]
