"""Recording a contact (first cut: the case recording issue builds the full structure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from lpt_desktop.domain.reference import reference
from lpt_desktop.domain.validation import FieldError, require
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Contact, Person


@dataclass(frozen=True)
class ContactView:
    id: str
    type_code: str
    type_label: str
    starts_at: datetime
    outcome: str
    outcome_label: str
    location: str
    notes: str


def add_contact(db: Database, person_id: str, type_code: str, starts_at: datetime | None,
                outcome: str | None = None, location: str | None = None, notes: str | None = None) -> str:
    ref = reference()
    errors = []
    if type_code not in ref.contact_types:
        errors.append(FieldError("Contact type", f"'{type_code}' is unknown: choose a contact type from the list"))
    if starts_at is None:
        errors.append(FieldError("Date and time", "is empty: enter when the contact took place or is booked"))
    if outcome and outcome not in ref.outcomes:
        errors.append(FieldError("Outcome", f"'{outcome}' is unknown: choose an outcome from the list"))
    require(errors)
    with db.write() as s:
        if s.get(Person, person_id) is None:
            require([FieldError("Case", "is not on this caseload: open the case and try again")])
        c = Contact(person_id=person_id, type_code=type_code, starts_at=starts_at, outcome=outcome or None,
                    location=location, notes=notes)
        s.add(c)
        s.flush()
        return c.id


def contacts_for(db: Database, person_id: str) -> list[ContactView]:
    ref = reference()
    with db.read() as s:
        rows = s.scalars(select(Contact).where(Contact.person_id == person_id).order_by(Contact.starts_at.desc()))
        return [ContactView(id=c.id, type_code=c.type_code,
                            type_label=ref.contact_types[c.type_code].label if c.type_code in ref.contact_types
                            else c.type_code, starts_at=c.starts_at, outcome=c.outcome or "",
                            outcome_label=ref.outcomes.get(c.outcome or "", ""), location=c.location or "",
                            notes=c.notes or "") for c in rows]
