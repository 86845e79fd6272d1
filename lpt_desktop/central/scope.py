"""Who may see and change which case: allocation, role, restriction. Used by every endpoint.

- offender manager: the cases allocated to them;
- court officer: cases whose court work is at their court;
- team manager: the cases of their team;
- administrator: accounts and allocations, no case data;
- a restricted case is withheld from everyone not named on it, whatever their role.
Writing follows the same rules, from who holds the case now: nothing a laptop says (its cursor, what it has
pulled, the person id on a change) widens it. A change made offline to a case moved away before it was sent
is refused, and kept on the officer's rejection list (a newly enrolled laptop has pulled nothing, so any
allowance for "moves it has not seen yet" let an officer write to every case they ever held).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import SQLCoreOperations

from lpt_desktop.central.auth import Principal
from lpt_desktop.central.models import Allocation, Record, RestrictedAccess
from lpt_desktop.sync.protocol import CONFLICT_KIND


def _not_withheld(person_col: SQLCoreOperations[str], username: str) -> ColumnElement[bool]:
    restricted = exists().where(RestrictedAccess.person_id == person_col)
    named = exists().where(RestrictedAccess.person_id == person_col, RestrictedAccess.staff == username)
    return or_(~restricted, named)


def _role_condition(p: Principal) -> ColumnElement[bool]:
    if p.role == "offender_manager":
        return Allocation.officer == p.username
    if p.role == "team_manager" and p.team:
        return Allocation.team == p.team
    if p.role == "court_officer" and p.court:
        return Allocation.court == p.court
    return false()


def persons_in_scope(p: Principal) -> Select[tuple[str]]:
    """SELECT person_id of every case this principal may see now."""
    return select(Allocation.person_id).where(_role_condition(p), _not_withheld(Allocation.person_id, p.username))


def withheld_contacts(p: Principal) -> ColumnElement[bool]:
    """A WHERE clause on Record, true for what this principal must not get of a case they otherwise see:
    restricted (victim liaison) contacts of a case not allocated to them, and other people's conflicts over a
    case's contacts (they carry the contact's text). The laptop lets only the case's own officer read them
    (services/contacts._may_read; the central store has no victim liaison role), so neither a team manager nor
    a court officer, nor staff named on a restricted case, is sent them."""
    theirs = Record.person_id.in_(select(Allocation.person_id).where(Allocation.officer == p.username))
    restricted = and_(Record.kind == "contact", Record.data["restricted"].as_boolean().is_(True))
    contact_conflict = and_(Record.kind == CONFLICT_KIND, Record.data["kind"].as_string() == "contact",
                            or_(Record.owner.is_(None), Record.owner != p.username))
    # The cheap test first: for a case of their own (nearly every row an officer pulls) the record's JSON is
    # never read (SQLite evaluates AND from the left, stopping at the first false).
    return and_(Record.person_id.is_not(None), ~theirs, or_(restricted, contact_conflict))


def record_visible(p: Principal, person: SQLCoreOperations[str | None] | None = None) -> ColumnElement[bool]:
    """A WHERE clause on Record: in a case in scope, the principal's own case-free record, or a rejection of
    their own change (it reaches their laptop even when the case moved away before they pulled it); never a
    withheld contact (withheld_contacts). `person`: the expression tested against the cases in scope, by default
    Record.person_id (service.pull_page passes one that steers SQLite's planner; the same value either way)."""
    person = Record.person_id if person is None else person
    return and_(or_(person.in_(persons_in_scope(p)),
                    and_(Record.person_id.is_(None), Record.owner == p.username),
                    and_(Record.kind == CONFLICT_KIND, Record.owner == p.username,
                         Record.data["reason"].as_string() == "rejected")),
                ~withheld_contacts(p))


def can_read(s: Session, p: Principal, person_id: str | None) -> bool:
    if person_id is None:
        return False
    return s.scalar(select(exists(persons_in_scope(p).where(Allocation.person_id == person_id)))) or False


def can_write(s: Session, p: Principal, person_id: str) -> bool:
    """Whether this principal may change the case now: it is in their scope (allocation, role, restriction)."""
    return can_read(s, p, person_id)
