"""The needs assessment's barriers written back to the case record (issue 20 review 16): each barrier's line in
the individual needs is replaced when its adjustment changes, taken out when the barrier is no longer present,
and the officer's own lines stay."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from lpt_desktop.services import needs
from lpt_desktop.services.cases import update_person
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Person
from tests.conftest import PASSPHRASE, TEST_TODAY
from tests.plan_fill import new_case, rated

TODAY = TEST_TODAY


@pytest.fixture(scope="module")
def db(tmp_path_factory) -> Iterator[Database]:
    database = create_caseload(tmp_path_factory.mktemp("needs") / "n.lptdb", PASSPHRASE, "Alex Morgan", "LPT0042",
                               kdf=KdfParams.fast())
    yield database
    database.close()


def _complete(db: Database, pid: str, **barriers: str | None) -> None:
    """Complete an assessment with these barriers (key -> adjustment, None: not present)."""
    fields = rated()
    for key, adjustment in barriers.items():
        fields[f"barrier.{key}.present"] = adjustment is not None
        if adjustment is not None:
            fields[f"barrier.{key}.adjustment"] = adjustment
    aid = needs.start_assessment(db, pid, today=TODAY)
    for key in needs.needs_view(db, aid, TODAY).unconfirmed_carried:
        needs.confirm_carried(db, aid, key, TODAY)
    needs.save_draft(db, aid, fields, TODAY)
    needs.complete_assessment(db, aid, today=TODAY)


def _lines(db: Database, pid: str) -> list[str]:
    with db.read() as s:
        return (s.get(Person, pid).individual_needs or "").splitlines()


def test_a_changed_adjustment_replaces_its_line_and_a_barrier_gone_is_taken_out(db):
    pid = new_case(db, TODAY - timedelta(days=60))
    update_person(db, pid, individual_needs="Prefers morning appointments")
    _complete(db, pid, childcare="Appointments in school hours", travel="Travel warrant for Preston")
    assert _lines(db, pid) == ["Prefers morning appointments", "Childcare and caring: Appointments in school hours",
                               "Travel: Travel warrant for Preston"]
    _complete(db, pid, childcare="Appointments after 10am: the youngest starts nursery", travel=None)
    assert _lines(db, pid) == ["Prefers morning appointments",
                               "Childcare and caring: Appointments after 10am: the youngest starts nursery"]
