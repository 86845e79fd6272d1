"""A team manager's oversight contact, recorded through services/countersign.record_oversight, meets the
standards' management_oversight rule (issue 19: it counts as oversight in the standards engine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from lpt_desktop.services import countersign as svc
from lpt_desktop.services.obligations import case_obligations
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE
from tests.test_countersign_service import OFFICER, STAFF, TODAY, complete, manager_laptop, new_case, officer_laptop


@pytest.fixture
def db(tmp_path) -> Iterator[Database]:
    database = create_caseload(tmp_path / "o.lptdb", PASSPHRASE, OFFICER, STAFF, kdf=KdfParams.fast())
    yield database
    database.close()


def _oversight(db: Database, pid: str) -> list:
    return [o for o in case_obligations(db, pid, TODAY) if o.rule == "management_oversight"]


def test_the_managers_oversight_contact_meets_the_oversight_the_standards_owe(db: Database) -> None:
    officer_laptop(db)
    pid = new_case(db)
    complete(db, pid, level="H", on=TODAY - timedelta(days=100))  # high RoSH: oversight is owed
    owed = _oversight(db, pid)
    assert owed and owed[0].status in ("overdue", "missed") and owed[0].met_on is None
    manager_laptop(db)
    svc.record_oversight(db, pid, "Reviewed the RoSH and plan with the officer: home visit within 10 days.",
                         TODAY - timedelta(days=95), today=TODAY)
    first = _oversight(db, pid)[0]
    assert first.met_on == TODAY - timedelta(days=95), first
