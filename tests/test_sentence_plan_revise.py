"""A sentence plan the team manager returned is revised through Returned work (issue 20, reusing issue 19's
countersignature): the return is listed with the manager's comment, Revise starts a new version of the same type
from the returned plan (its open goals and steps), the officer changes it and completing it goes back to the
manager through the same statuses and queue, whatever the level now; the returned plan stays as it was. On a
real encrypted file whose sync state is switched between the officer's laptop and the manager's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest

from lpt_desktop.assessment import countersign as cs
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import countersign as svc
from lpt_desktop.services import sentence_plan as sp
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.countersign_revise import revise
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.sync import state
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import goal, new_case, ready_plan, step

TODAY = TEST_TODAY
START = TODAY - timedelta(days=40)
RETURN = "The plan leaves out the drug misuse the needs assessment found: add a goal for it with its steps."


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("revise") / "r.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


@pytest.fixture(autouse=True)
def officer(db: Database) -> Iterator[None]:
    as_officer(db)
    yield
    as_officer(db)


def as_officer(db: Database) -> None:
    with db.write() as s:
        state.put(s, **{state.ROLE: None, state.USERNAME: None, state.DISPLAY_NAME: None})


def as_manager(db: Database) -> None:
    with db.write() as s:
        state.put(s, **{state.ROLE: "team_manager", state.USERNAME: "mgr1", state.DISPLAY_NAME: "Pat Senior"})


def refused(fn: Callable[..., object], *args: object, **kw: object) -> str:
    with pytest.raises(ValidationError) as e:
        fn(*args, **kw)
    return str(e.value)


def returned_plan(db: Database, rosh: str = "H") -> tuple[str, str]:
    """A case at `rosh` whose completed plan awaited countersignature and was returned: (case, plan)."""
    pid = new_case(db, START)
    update_person(db, pid, rosh=rosh)
    plan, _g, _st = ready_plan(db, pid, TODAY - timedelta(days=2))
    sp.record_agreement(db, plan, sp.AgreementIn("yes"), TODAY - timedelta(days=2))
    assert sp.complete_plan(db, plan, acknowledge_warnings=True, today=TODAY - timedelta(days=2)).signing_status \
        == cs.AWAITING
    as_manager(db)
    assert svc.return_work(db, cs.SENTENCE_PLAN, plan, RETURN, today=TODAY - timedelta(days=1)) == cs.REJECTED
    as_officer(db)
    return pid, plan


def test_a_returned_plan_is_revised_changed_resubmitted_and_countersigned(db: Database) -> None:
    pid, plan = returned_plan(db)
    [item] = svc.returns_for_officer(db, pid)
    assert (item.target_kind, item.target_id, item.kind_label, item.comment, item.returned_by, item.revision_id) == (
        cs.SENTENCE_PLAN, plan, "Sentence plan", RETURN, "Pat Senior", None)
    assert sp.plan_view(db, plan, TODAY).signing_label == "Returned to the officer"

    # Revise: a new version of the same type started from the returned plan, its goal and step carried in.
    new = revise(db, cs.SENTENCE_PLAN, plan, today=TODAY)
    assert new != plan
    draft = sp.current_plan(db, pid, TODAY)
    assert draft is not None and draft.id == new and draft.status == "draft" and draft.plan_type == "initial"
    assert [g.title for g in draft.goals] == ["A settled home"] and len(draft.goals[0].steps) == 1
    assert draft.persons_words == "I want my own place and to stop sofa surfing"
    assert [r.revision_id for r in svc.returns_for_officer(db, pid)] == [new]  # Continue revision
    assert "a draft started 23/11/2026 is open" in refused(revise, db, cs.SENTENCE_PLAN, plan, today=TODAY)

    # Change it as the manager asked: a drug misuse goal with its step.
    g = sp.add_goal(db, new, goal("Free of heroin", "drugs", "Sam no longer uses heroin"), TODAY)
    sp.add_step(db, g, step("Start a script with the drug service", "person", TODAY + timedelta(days=14)))
    sp.record_agreement(db, new, sp.AgreementIn("yes"), TODAY)
    done = sp.complete_plan(db, new, acknowledge_warnings=True, today=TODAY)
    assert done.completed and done.signing_status == cs.AWAITING
    [first] = svc.countersign_history(db, cs.SENTENCE_PLAN, new)
    assert first.action == cs.SUBMITTED and "revises the work returned on 22/11/2026" in (first.comment or "")
    assert svc.returns_for_officer(db, pid) == []  # gone back to the manager
    assert svc.signing_status(db, cs.SENTENCE_PLAN, plan) == cs.REJECTED  # the returned version stays as it was
    assert [g.title for g in sp.plan_view(db, plan, TODAY).goals] == ["A settled home"]

    # The same queue and statuses: the manager countersigns the revision.
    as_manager(db)
    queued = [q for q in svc.countersign_queue(db, TODAY) if q.target_id == new]
    assert len(queued) == 1 and queued[0].kind_label == "Sentence plan" and queued[0].level == "H"
    assert svc.countersign(db, cs.SENTENCE_PLAN, new, today=TODAY) == cs.COUNTERSIGNED
    as_officer(db)
    assert sp.plan_view(db, new, TODAY).signing_status == cs.COUNTERSIGNED
    assert "only work returned to the officer is revised" in refused(revise, db, cs.SENTENCE_PLAN, new)


def test_a_revision_goes_back_to_the_manager_even_when_the_level_no_longer_needs_it(db: Database) -> None:
    pid, plan = returned_plan(db)
    update_person(db, pid, rosh="M")  # a probation officer's medium RoSH plan is otherwise self-signed
    new = revise(db, cs.SENTENCE_PLAN, plan, today=TODAY)
    sp.record_agreement(db, new, sp.AgreementIn("yes"), TODAY)
    assert sp.complete_plan(db, new, acknowledge_warnings=True, today=TODAY).signing_status == cs.AWAITING


def test_only_the_officer_revises_and_only_the_latest_returned_plan(db: Database) -> None:
    pid, plan = returned_plan(db)
    as_manager(db)
    assert "does not resubmit" in refused(revise, db, cs.SENTENCE_PLAN, plan)
    as_officer(db)
    # A later version completed without Revise (a review plan) counts as the revision: the list lets it go, and
    # the returned plan is not revised again from an older base.
    later = sp.start_plan(db, pid, "review", today=TODAY)
    sp.record_agreement(db, later, sp.AgreementIn("yes"), TODAY)
    assert sp.complete_plan(db, later, acknowledge_warnings=True, today=TODAY).signing_status == cs.AWAITING
    assert svc.returns_for_officer(db, pid) == []
    # The manager returns it again, and only the later plan is revised.
    as_manager(db)
    svc.return_work(db, cs.SENTENCE_PLAN, later, RETURN, today=TODAY)
    as_officer(db)
    assert [r.target_id for r in svc.returns_for_officer(db, pid)] == [later]
    assert "a later plan has been completed" in refused(revise, db, cs.SENTENCE_PLAN, plan, today=TODAY)
    new = revise(db, cs.SENTENCE_PLAN, later, today=TODAY)
    assert sp.plan_view(db, new, TODAY).plan_type == "review"
