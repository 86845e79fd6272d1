"""The kept results (practice audits, next-due, the settings) after a reader computed between a writer's statement
and its commit: write_count counts the statement when it runs, so the reader kept results without the write under
a count that included it; once the commit has run the count moves on again, and the next call sees the write.

The interleaving is made deterministic by reading inside the writer's transaction, on another pooled connection
(WAL: its snapshot does not include the uncommitted write)."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import insert, update

from lpt_desktop.services import obligations, practice
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Meta
from lpt_desktop.store.rosh_models import RoshAssessment
from lpt_desktop.sync.apply import applying
from tests.conftest import PASSPHRASE
from tests.test_countersign_service import OFFICER, STAFF, TODAY, complete, new_case, officer_laptop


@pytest.fixture
def cases(tmp_path) -> Iterator[tuple[Database, list[str]]]:
    db = create_caseload(tmp_path / "c.lptdb", PASSPHRASE, OFFICER, STAFF, kdf=KdfParams.fast())
    officer_laptop(db)
    people = [new_case(db) for _ in range(2)]
    for pid in people:
        complete(db, pid, "H")
    yield db, people
    db.close()


def _audits(db: Database) -> dict[str, str]:
    return {a.person_id: repr(a.as_json()) for a in practice.cached_audit(db, TODAY)}


def _plain_audits(db: Database) -> dict[str, str]:
    return {a.person_id: repr(a.as_json()) for a in practice.audits_on(db, [TODAY])[TODAY]}


def test_an_audit_kept_between_a_writes_statement_and_its_commit_is_looked_at_again(cases) -> None:
    db, people = cases
    before = _audits(db)
    with db.write() as s:
        s.execute(update(RoshAssessment).where(RoshAssessment.person_id == people[1]).values(status="draft"))
        assert _audits(db) == before  # the reader's snapshot: without the write, kept under the count with it
    after = _audits(db)
    assert after == _plain_audits(db)
    assert after[people[1]] != before[people[1]]


def test_a_pull_applied_while_the_audit_is_read_on_another_thread(cases) -> None:
    """The same on sync's bare connection, with the reader on its own thread between the statement and the
    commit (as the read pool reads while the writer thread applies a pull)."""
    db, people = cases
    before = _audits(db)
    written, read = threading.Event(), threading.Event()
    seen: list[dict[str, str]] = []

    def reader() -> None:
        written.wait(10)
        seen.append(_audits(db))
        read.set()

    thread = threading.Thread(target=reader)
    thread.start()
    with applying(db) as conn:
        conn.execute(update(RoshAssessment).where(RoshAssessment.person_id == people[0]).values(status="draft"))
        written.set()
        assert read.wait(10)
    thread.join(10)
    assert seen == [before]
    after = _audits(db)
    assert after == _plain_audits(db) and after[people[0]] != before[people[0]]


def test_the_settings_and_next_due_kept_between_a_writes_statement_and_its_commit(cases) -> None:
    db, _people = cases
    assert obligations.policy_in_force(db) == obligations.DEFAULT_POLICY
    obligations.next_due_by_person(db, TODAY)
    with db.write() as s:
        s.execute(insert(Meta).values(key=obligations.POLICY_KEY, value="ns-2003"))
        with db.read() as r:  # kept in the window: the old policy
            assert obligations._settings(db, r)[0].name == obligations.DEFAULT_POLICY
        obligations.next_due_by_person(db, TODAY)
    with db.read() as r:
        assert obligations._settings(db, r)[0].name == "ns-2003"
    kept_next = obligations.next_due_by_person(db, TODAY)
    assert obligations._kept[db][TODAY].key[1] == "ns-2003"  # worked out again under the policy now in force
    obligations._kept.pop(db, None)
    assert kept_next == obligations.next_due_by_person(db, TODAY)


def test_a_transaction_rolled_back_only_makes_the_next_call_look_again(cases) -> None:
    db, people = cases
    before = _audits(db)
    count = obligations.write_count(db)
    with pytest.raises(RuntimeError), db.write() as s:
        s.execute(update(RoshAssessment).where(RoshAssessment.person_id == people[1]).values(status="draft"))
        raise RuntimeError(str(uuid.uuid4()))
    assert obligations.write_count(db) > count
    assert _audits(db) == before == _plain_audits(db)


def test_two_threads_asking_at_once_work_everyone_out_once(cases, monkeypatch) -> None:
    """After an unlock the caseload's columns and the standards feature ask for the kept results at once: the
    second waits for the first's result instead of working every case out again beside it."""
    db, _people = cases
    calls: list[int] = []
    inner = obligations.all_obligations
    second = threading.Event()

    def counted(*args, **kw):
        calls.append(1)
        if len(calls) == 1:
            second.wait(1.0)  # the first computation lasts long enough for the other thread to ask meanwhile
        else:
            second.set()
        return inner(*args, **kw)

    monkeypatch.setattr(obligations, "all_obligations", counted)
    results: list[object] = []
    threads = [threading.Thread(target=lambda: results.append(obligations.next_due_by_person(db, TODAY)))
               for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 2 and results[0] == results[1]
    assert len(calls) == 1
