"""A transfer out asks the central store's administrator to move the case (issue 16): the request is written in
the transfer's own transaction, with its audit and outbox rows, and the case record reads it back; a refused
transfer writes no request."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.services import case_record as cr
from lpt_desktop.store.case_record_models import SentenceEvent, TransferRequest
from lpt_desktop.store.models import Audit
from lpt_desktop.store.sync_models import SyncOutbox
from tests.test_case_record import TODAY, _max, case, db, everything  # noqa: F401 - pytest fixtures


def test_a_transfer_out_writes_its_request_with_audit_and_outbox_rows(db, case):  # noqa: F811
    audit_before = _max(db, Audit, Audit.id)
    outbox_before = _max(db, SyncOutbox, SyncOutbox.seq)
    event_id = cr.transfer_out(db, case.person, TODAY, "  Cumbria, Carlisle office ", " Moved to Carlisle ")
    with db.read() as s:
        [req] = s.scalars(select(TransferRequest)).all()
        audited = set(s.execute(select(Audit.table_name, Audit.record_id).where(Audit.id > audit_before)).tuples())
        sent = set(s.execute(select(SyncOutbox.kind, SyncOutbox.record_id, SyncOutbox.person_id)
                             .where(SyncOutbox.seq > outbox_before)).tuples())
        event = s.get(SentenceEvent, event_id)
    assert (req.person_id, req.requested_on, req.to_where, req.reason, req.status) == \
        (case.person, TODAY, "Cumbria, Carlisle office", "Moved to Carlisle", "requested")
    assert (req.settled_on, req.to_officer, req.refusal) == (None, None, None)
    assert event is not None and event.kind == "transferred_out"
    assert ("transfer_request", req.id) in audited
    assert ("transfer_request", req.id, case.person) in sent  # reaches the central store at the next sync
    [shown] = cr.case_details(db, case.person).transfer_requests
    assert (shown.id, shown.status) == (req.id, "requested")
    assert cr.case_details(db, case.licensee).transfer_requests == ()


@pytest.mark.parametrize(("to_where", "reason", "field"), [
    ("", "Moved to Carlisle", "To"),
    ("x" * 201, "Moved to Carlisle", "To"),
    ("Cumbria", " ", "Reason"),
])
def test_a_refused_transfer_out_writes_no_request(db, case, to_where, reason, field):  # noqa: F811
    before = everything(db)
    with pytest.raises(ValidationError) as exc:
        cr.transfer_out(db, case.person, TODAY, to_where, reason)
    assert field in [e.field for e in exc.value.errors]
    assert everything(db) == before
