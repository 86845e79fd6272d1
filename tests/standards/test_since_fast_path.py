"""The caseload's fast path (all_obligations with `since`: only the contacts the engine reads) lists
exactly what the full per-case computation lists, on a real demo file with varied histories."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from lpt_desktop.services import obligations as so
from lpt_desktop.services.unlock import unlock
from lpt_desktop.standards.policy import policy_names
from lpt_desktop.store.case_record_models import CaseEvent
from lpt_desktop.store.models import Contact, Sentence
from lpt_desktop.store.schedule_models import StandardsRecord
from tests.conftest import DEMO_TODAY, PASSPHRASE

OPEN = ("due", "overdue", "upcoming")


@pytest.fixture
def varied(demo_db):
    """The demo caseload plus long and short frequencies of the officer's own and corrected contacts."""
    db = unlock(demo_db, PASSPHRASE)
    people = sorted(so.all_obligations(db, DEMO_TODAY)[0])
    for pid, every in zip(people[:12], (200, 366, 3, 7, 90, 45, 150, 1, 30, 60, 120, 250), strict=True):
        so.set_frequency_override(db, pid, "ns_contacts", every)
    with db.write() as s:  # correct the first recorded contact of a few cases (the first contact moves)
        for pid in people[12:20]:
            first = s.scalars(select(Contact).where(Contact.person_id == pid, Contact.outcome.is_not(None))
                              .order_by(Contact.starts_at)).first()
            if first is not None:
                s.add(Contact(person_id=pid, type_code="CCMM", starts_at=first.starts_at + timedelta(days=9),
                              outcome="ATTC", amends_id=first.id))
        # Significant changes on the timeline (issue 16), some with a review after them, some long ago.
        changes = ("change_of_address", "recall", "register_added", "register_reviewed", "new_offence", "release")
        for k, pid in enumerate(people[20:32]):
            for j, back in enumerate((3 + k, 40 + 9 * k, 300 + k)):
                on = DEMO_TODAY - timedelta(days=back)
                s.add(CaseEvent(person_id=pid, kind=changes[(k + j) % len(changes)], on_date=on, summary="Change"))
                if (k + j) % 3 == 0:
                    s.add(StandardsRecord(person_id=pid, kind="rosh_review", done_on=on + timedelta(days=2)))
        # A few licences recalled (no contact owed from the recall), one of them after the days asked about.
        licences = s.scalars(select(Sentence).where(Sentence.order_type == "LIC", Sentence.terminated_on.is_(None),
                                                    Sentence.start_date < DEMO_TODAY - timedelta(days=100))
                             .order_by(Sentence.id).limit(4)).all()
        for x, back in zip(licences, (20, 90, 5, -10), strict=False):
            x.recalled_on = DEMO_TODAY - timedelta(days=back)
    yield db
    db.close()


def _open(items):
    return {o for o in items if o.status in OPEN}


@pytest.mark.parametrize("policy", policy_names())
def test_fast_path_lists_what_the_full_computation_lists(varied, policy):
    so.set_policy_in_force(varied, policy)
    compared = significant = 0
    for as_of in (DEMO_TODAY, DEMO_TODAY - timedelta(days=75), DEMO_TODAY - timedelta(days=400),
                  DEMO_TODAY + timedelta(days=20)):
        fast, _ = so.all_obligations(varied, as_of, since=as_of)  # the caseload's path: few rows read
        assert len(fast) == 60
        for pid, items in fast.items():
            full = so.case_obligations(varied, pid, as_of)  # every contact, no `since`
            assert _open(items) == _open(full), (policy, as_of, pid)
            # Everything else it lists (met items too) is what the full read says with the same `since`.
            whole, _ = so.all_obligations(varied, as_of, [pid], since=as_of)
            assert items == whole[pid], (policy, as_of, pid)
            compared += len(_open(full))
            significant += sum("after a significant change" in o.description for o in full)
    assert compared > 100  # the comparison saw plenty of open items
    assert significant > 10 if policy == "current" else significant == 0  # and reviews on significant change
    with varied.read() as s:
        assert s.scalar(select(func.count()).where(Sentence.recalled_on.is_not(None))) >= 3


def test_failures_are_read_from_their_own_small_index(varied):
    """Every failure under a sentence is read for enforcement: from ix_contact_failures, not a scan of all."""
    with varied.read() as s:
        conn = s.connection().connection.dbapi_connection
        plan = " ".join(str(r) for r in conn.execute(
            f"EXPLAIN QUERY PLAN SELECT c.person_id FROM contact AS c WHERE {so.failures_clause()}"))
        assert "ix_contact_failures" in plan, plan
        failures = conn.execute(f"SELECT count(*) FROM contact WHERE {so.failures_clause()}").fetchone()[0]
        assert failures == conn.execute("SELECT count(*) FROM contact NOT INDEXED WHERE outcome IN "
                                        "('AFTA', 'AFTC', 'ATSH', 'UAAB')").fetchone()[0] > 0


@pytest.mark.parametrize("policy", policy_names())
def test_compliance_by_case_equals_the_per_case_figures(varied, policy):
    so.set_policy_in_force(varied, policy)
    periods = ((DEMO_TODAY - timedelta(days=90), DEMO_TODAY, DEMO_TODAY),
               (DEMO_TODAY - timedelta(days=400), DEMO_TODAY - timedelta(days=200), DEMO_TODAY - timedelta(days=150)),
               (DEMO_TODAY - timedelta(days=30), DEMO_TODAY - timedelta(days=2), None))
    for start, end, as_of in periods:
        by_case = so.compliance_by_case(varied, start, end, as_of)
        assert len(by_case) == 60
        for pid, c in by_case.items():
            assert c == so.compliance(varied, start, end, pid, as_of), (policy, start, pid)
        overall = so.compliance(varied, start, end, as_of=as_of)
        assert sum(c.total for c in by_case.values()) == overall.total > 0
        assert sum(c.met_on_time for c in by_case.values()) == overall.met_on_time
