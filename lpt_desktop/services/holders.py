"""Who holds each case (issue 21): the officer the central store allocates it to, as this laptop last heard.

The sync pull writes the server's allocation on each person row (person.held_by: the holder's username, which is
their staff code; person.held_by_name: their name), for every case the laptop holds, a team manager's team cases
too, and again when a case moves between officers; the columns are never synced back (sync/apply.py,
sync/kinds.py). A laptop that has not synced (an unenrolled file, or a case added since) knows only its own
officer's cases (person.officer_id): those are held by that officer. A case with neither is not in the answer.

Reads:
  case_holders(db) -> {person_id: Holder(name, staff_code)}
  holders_in(s) -> the same, inside a read already open (a session or a connection)
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Officer, Person


@dataclass(frozen=True, slots=True)
class Holder:
    name: str
    staff_code: str  # the central store's username for the officer (the staff code); an officer row's own code


def case_holders(db: Database) -> dict[str, Holder]:
    """Each case's holder: the central store's allocation as last pulled, else this laptop's own officer for the
    cases allocated to them here (not yet synced)."""
    with db.read() as s:
        return holders_in(s)


def holders_in(s: Session | Connection) -> dict[str, Holder]:
    """case_holders inside a read the caller already has open (a session or a connection)."""
    rows = s.execute(select(Person.id, Person.held_by, Person.held_by_name, Officer.name, Officer.staff_code)
                     .outerjoin(Officer, Officer.id == Person.officer_id)).tuples().all()
    out: dict[str, Holder] = {}
    for pid, code, name, officer_name, officer_code in rows:
        if code:
            out[pid] = Holder(name or code, code)
        elif officer_code:
            out[pid] = Holder(officer_name or officer_code, officer_code)
    return out


__all__ = ["Holder", "case_holders", "holders_in"]
