"""Letters produced from the record: the data gathered here, the PDF drawn by reports/."""

from __future__ import annotations

from sqlalchemy import select

from lpt_desktop.domain.contacts import contact_codes
from lpt_desktop.domain.enforcement import policy
from lpt_desktop.domain.reference import order_label
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.services.contacts import ContactNotFound, current_sentence
from lpt_desktop.services.offices import officer_office
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Address, Contact, Enforcement, Officer, Person


def warning_letter(db: Database, contact_id: str) -> tuple[str, bytes]:
    """(suggested file name, PDF bytes) for the warning decided on this failure: dated the day it was decided
    (a reprint is the same letter), from the officer's office (services/offices.py)."""
    from lpt_desktop.reports.warning_letter import warning_letter_pdf

    office = officer_office(db)
    with db.read() as s:
        contact = s.get(Contact, contact_id)
        if contact is None:
            raise ContactNotFound("That contact is not on this caseload.")
        decision = s.scalar(select(Enforcement).where(Enforcement.contact_id == contact_id,
                                                      Enforcement.action.in_(("EA02", "EA03")))
                            .order_by(Enforcement.decided_on.desc(), Enforcement.created_at.desc()).limit(1))
        if decision is None:
            raise ValidationError([FieldError("Warning letter", "there is no warning decision on this failure: "
                                                                "record the enforcement decision first")])
        person = s.get(Person, contact.person_id)
        assert person is not None  # the contact's person (a foreign key)
        address = s.scalar(select(Address).where(Address.person_id == person.id, Address.status == "main")
                           .order_by(Address.from_date.desc()).limit(1))
        sentence = current_sentence(s, person.id)
        officer = s.get(Officer, person.officer_id) if person.officer_id else None
        outcome = contact_codes().outcomes.get(contact.outcome or "")
        kind = contact_codes().kinds.get(contact.type_code)
        lines = [x for x in ((address.line1, address.line2, address.town, address.postcode) if address else ())
                 if x]
        pdf = warning_letter_pdf(
            name=person.full_name, crn=person.crn, address_lines=lines,
            order_label=order_label(sentence.order_type) if sentence else "order",
            court=(sentence.court or "") if sentence else "",
            sentence_date=sentence.sentence_date if sentence else None,
            failure_on=contact.starts_at.date(),
            failure_description=f"{(outcome.label if outcome else 'failure').lower()} "
                                f"({(kind.label if kind else 'appointment').lower()} at "
                                f"{contact.starts_at:%H:%M})",
            letter=policy().actions[decision.action].letter or "first",
            officer=officer.name if officer else db.actor,
            office=office.name if office else (officer.team or "Probation office") if officer else "Probation office",
            office_lines=office.letter_lines if office else [], office_phone=office.phone if office else "",
            decided_on=decision.decided_on)
        return f"warning-letter-{person.crn}-{contact.starts_at:%Y%m%d}.pdf", pdf
