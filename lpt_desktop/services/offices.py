"""Offices: the settings a letter is written from (name, address, postcode, phone), and the officer's own.

Kept in the caseload file and local to this laptop (not synced): see store/office_models.py. The warning
letter (services/letters.py) prints the officer's office; Preferences and the Offices dialog edit them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from lpt_desktop.domain.validation import (
    FieldError,
    ValidationError,
    check_phone,
    check_postcode,
    normal_postcode,
    require,
)
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.database import Database
from lpt_desktop.store.office_models import Office, OfficerOffice

MAX_ADDRESS_LINES = 3


@dataclass(frozen=True)
class OfficeIn:
    """What the officer typed for an office; `id` set to change an existing one."""

    name: str
    address_lines: tuple[str, ...]  # street, then district and town (up to 3)
    postcode: str
    phone: str
    id: str | None = None


@dataclass(frozen=True)
class OfficeView:
    id: str
    name: str
    address_lines: tuple[str, ...]
    postcode: str
    phone: str

    @property
    def letter_lines(self) -> list[str]:
        """The address as a letter prints it, postcode last."""
        return [*self.address_lines, self.postcode]


def check_office(office: OfficeIn) -> list[FieldError]:
    errors: list[FieldError] = []
    if not office.name.strip():
        errors.append(FieldError("Office name", "is empty: enter the office's name, e.g. Preston Central"))
    lines = [x.strip() for x in office.address_lines if x.strip()]
    if not lines:
        errors.append(FieldError("Address", "is empty: enter the street and town letters should give"))
    elif len(lines) > MAX_ADDRESS_LINES:
        errors.append(FieldError("Address", f"has more than {MAX_ADDRESS_LINES} lines: put the street, district "
                                            "and town only (the postcode has its own field)"))
    # The same checks as a case's addresses and phones (domain/validation.py); an office must have both.
    errors += [e for e in (check_postcode("Postcode", office.postcode),
                           check_phone("Phone", office.phone, required=True, example="01772 201234")) if e]
    return errors


def _view(o: Office) -> OfficeView:
    return OfficeView(o.id, o.name, tuple(x for x in (o.line1, o.line2, o.town) if x), o.postcode, o.phone)


def list_offices(db: Database) -> list[OfficeView]:
    with db.read() as s:
        return [_view(o) for o in s.scalars(select(Office).order_by(Office.name))]


@writes(Change.STANDARDS)
def save_office(db: Database, office: OfficeIn) -> str:
    """Check and save an office (new, or changed when office.id is set); returns its id."""
    errors = check_office(office)
    lines = [x.strip() for x in office.address_lines if x.strip()] + [None, None]
    with db.write() as s:
        row = s.get(Office, office.id) if office.id else None
        if office.id and row is None:
            errors.append(FieldError("Office", "is no longer on this caseload: open the list of offices again"))
        same_name = s.scalar(select(Office.id).where(Office.name == office.name.strip()))
        if same_name and same_name != office.id:
            errors.append(FieldError("Office name", f"'{office.name.strip()}' is already an office: choose it, or "
                                                    "give this one another name"))
        require(errors)
        if row is None:
            row = Office()
            s.add(row)
        row.name = office.name.strip()
        row.line1, row.line2, row.town = lines[0] or "", lines[1], lines[2]
        row.postcode = normal_postcode(office.postcode)
        row.phone = office.phone.strip()
        s.flush()
        return row.id


def officer_office(db: Database) -> OfficeView | None:
    """The office this caseload's officer works from, if they have chosen one."""
    if db.officer_id is None:
        return None
    with db.read() as s:
        link = s.scalar(select(OfficerOffice).where(OfficerOffice.officer_id == db.officer_id))
        office = s.get(Office, link.office_id) if link else None
        return _view(office) if office else None


@writes(Change.STANDARDS)
def set_officer_office(db: Database, office_id: str) -> None:
    """Choose the office this caseload's officer works from (letters carry its address and phone)."""
    if db.officer_id is None:
        raise ValidationError([FieldError("Officer", "this caseload has no officer: sign in again")])
    with db.write() as s:
        if s.get(Office, office_id) is None:
            raise ValidationError([FieldError("Office", "is not on this caseload: choose an office from the list")])
        link = s.scalar(select(OfficerOffice).where(OfficerOffice.officer_id == db.officer_id))
        if link is None:
            s.add(OfficerOffice(officer_id=db.officer_id, office_id=office_id))
        else:
            link.office_id = office_id
