"""Signing records written before enrolment take the enrolled user's name (issue 19).

An unenrolled laptop signs as its file's officer (their staff code, as an offender manager, with the officer
row's grade): it knows no central store username. The central store checks that a countersignature record's
author is the signed-in user, so work completed before enrolment would be refused when enrolment uploads it.
The person who enrols the file is the officer whose file it is, so in the enrolment transaction, before
anything is sent, the records the server has never seen that the file's officer signed are restamped with
the username, name, role and grade the central store gives. Records already acknowledged by a server are
never touched (they are sealed there), and neither is anyone else's record.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.sync_models import SyncOutbox, SyncRecord

KIND = "countersignature"


def restamp_unsent(s: Session, before: str, username: str, name: str, role: str, grade: str | None) -> int:
    """Restamp the unsent countersignature records authored by `before` (the file's officer's staff code) as
    the enrolled user; their outbox rows too, if the hook had queued them. Returns how many."""
    sent = select(SyncRecord.record_id).where(SyncRecord.kind == KIND)
    ids = list(s.scalars(select(Countersignature.id).where(Countersignature.author == before,
                                                           Countersignature.id.not_in(sent))))
    if not ids:
        return 0
    values = {"author": username, "author_name": name, "author_role": role, "author_grade": grade or None}
    # Core statements: a restamp is not a change of its own to send, only a correction of what is unsent.
    s.execute(update(Countersignature).where(Countersignature.id.in_(ids)).values(**values))
    for row in s.scalars(select(SyncOutbox).where(SyncOutbox.kind == KIND, SyncOutbox.record_id.in_(ids))):
        fields = dict(row.fields or {})
        for key, value in values.items():
            if key in fields:
                fields[key] = {**fields[key], "new": value}
        s.execute(update(SyncOutbox).where(SyncOutbox.seq == row.seq).values(fields=fields))
    return len(ids)


__all__ = ["restamp_unsent"]
