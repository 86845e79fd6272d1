"""The editable case record (issue 16): one function per thing an officer records.

Every write validates first (ValidationError listing a FieldError per problem, each naming the field and the
fix; dates in messages as dd/mm/yyyy), then writes its rows, a case_event for the timeline (its kind says
whether it is a significant change: resources/data/significant_changes.json) and, through the store's hooks,
the audit and outbox rows, all in one transaction: a refusal saves nothing. Each returns the id it made or
changed. Codes (relationships, circumstance values, outcomes, recall types) are in domain/case_codes.py.

Public API (services; `db` first, dates are `datetime.date`):

Personal details
  cases.update_person(db, person_id, **changes)            names, date of birth, PNC, gender, ethnicity,
                                                           religion, language, interpreter, needs, phone, mobile,
                                                           email, tier, RoSH
  add_alias(db, person_id, first_name, last_name, kind="alias", notes=None) -> alias id
  remove_alias(db, alias_id)
  add_disability(db, person_id, description, adjustment, from_date=None) -> disability id
  end_disability(db, disability_id, to_date)
  add_personal_contact(db, person_id, PersonalContactIn) -> id
  update_personal_contact(db, contact_id, PersonalContactIn)
  remove_personal_contact(db, contact_id)
Addresses (AddressIn: lines, town, postcode, notes)
  new_main_address(db, person_id, AddressIn, from_date) -> id  (the old main becomes previous, ending the day
                                                                 before)
  no_fixed_abode(db, person_id, from_date, notes=None) -> id
  approved_premises(db, person_id, AddressIn, from_date) -> id
  add_secondary_address(db, person_id, AddressIn, from_date) -> id
  end_address(db, address_id, to_date)
Circumstances
  record_circumstance(db, person_id, kind, value, from_date, details=None) -> id  (closes the previous one of
                                                                                   its kind)
Registers (services/registers.py)
  add_register(db, person_id, type_code, start_date, category=, level=, notes=, today=) -> id
  review_register(db, registration_id, reviewed_on, next_review=None, notes=, category=, level=, today=)
                                                           -> next review date (a MAPPA level may change at it)
  end_register(db, registration_id, ended_on, reason, today=)
Sentences (SentenceIn with RequirementIn and licence condition texts)
  new_sentence(db, person_id, SentenceIn) -> sentence id      (a community order needs a requirement)
  start_requirement(db, requirement_id, on) / end_requirement(db, requirement_id, on, reason)
  terminate_sentence(db, sentence_id, on, outcome, notes=None)   outcome: completed | revoked |
                                                                 breached_resentenced | transferred (its running
                                                                 requirements end with it)
  release_on_licence(db, person_id, ReleaseIn) -> licence sentence id  (home detention curfew in ReleaseIn)
  release_after_recall(db, sentence_id, on)
  vary_licence(db, sentence_id, on, add=(texts), change={condition id: text}, remove=(condition ids))
  recall(db, sentence_id, on, reason, recall_type)                recall_type: fixed_term | standard
  end_licence(db, sentence_id, on)
  transfer_in(db, person_id, on, from_where, notes=None) / transfer_out(db, person_id, on, to_where, reason)
                                                           (a transfer out also writes a transfer_request for
                                                           the central store's administrator)
New case
  create_case(db, NewCase, officer_id=None, today=None) -> person id   (DuplicateCase, a ValidationError
                                                                        carrying existing_person_id, if the
                                                                        CRN is already on the caseload)
Timeline (services/case_events.py)
  timeline(db, person_id) -> [TimelineItem]; record_significant_change(db, person_id, kind, on, summary)
Reads
  case_details(db, person_id) -> CaseDetails (aliases, disabilities, contacts, addresses, circumstances,
                                              sentence events, transfer requests; no audit row:
                                              cases.open_case records the opening)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.domain.case_codes import case_codes
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import order_label, reference, requirement_types_for
from lpt_desktop.domain.validation import (
    FieldError,
    ValidationError,
    check_postcode,
    normal_postcode,
    require,
    validate_person,
    validate_requirement,
    validate_sentence,
)
from lpt_desktop.domain.validation import (
    check_phone as check_phone,  # used from here by cases.py and the personal details form
)
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.store.case_record_models import (
    Alias,
    Circumstance,
    Disability,
    PersonalContact,
    SentenceEvent,
    TransferRequest,
)
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Address, LicenceCondition, Person, Requirement, Sentence

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
LICENCE_TYPES = ("LIC", "PSS")


# -- what the forms pass in -------------------------------------------------------------------------
@dataclass(frozen=True)
class PersonalContactIn:
    relationship: str  # next_of_kin | family | gp | solicitor | agency | other
    name: str
    organisation: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""


@dataclass(frozen=True)
class AddressIn:
    line1: str
    line2: str = ""
    town: str = ""
    postcode: str = ""
    notes: str = ""


@dataclass(frozen=True)
class RequirementIn:
    type_code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    start_date: date | None = None  # None: the order's start


@dataclass(frozen=True)
class SentenceIn:
    order_type: str  # CO | SSO | LIC | PSS
    start_date: date | None
    end_date: date | None = None
    sentence_date: date | None = None
    length_months: int | None = None
    offence: str = ""
    court: str = ""
    requirements: tuple[RequirementIn, ...] = ()
    conditions: tuple[str, ...] = ()  # licence conditions (LIC, PSS)


@dataclass(frozen=True)
class ReleaseIn:
    release_date: date | None
    sentence_date: date | None  # the custodial sentence's date
    end_date: date | None  # the licence's end
    offence: str = ""
    court: str = ""
    hdc: bool = False  # released on home detention curfew
    hdc_end_date: date | None = None  # the curfew's end
    conditions: tuple[str, ...] = ()


@dataclass(frozen=True)
class NewCase:
    crn: str
    first_name: str
    last_name: str
    date_of_birth: date | None
    sentence: SentenceIn
    preferred_name: str = ""
    pnc: str = ""
    gender: str = ""
    address: AddressIn | None = None
    address_from: date | None = None


class DuplicateCase(ValidationError):
    """The CRN is already on this caseload: the window offers to open that case."""

    def __init__(self, crn: str, existing_person_id: str, existing_name: str) -> None:
        self.crn = crn
        self.existing_person_id = existing_person_id
        self.existing_name = existing_name
        super().__init__([FieldError("CRN", f"{crn} is already on this caseload: {existing_name} ({crn}). Open "
                                            "that case instead")])


# -- shared checks ----------------------------------------------------------------------------------
def _d(value: date | None) -> str:
    return format_date(value)


def _person(s: Session, person_id: str) -> Person:
    p = s.get(Person, person_id)
    if p is None:
        raise ValidationError([FieldError("Case", "is not on this caseload: open the case again")])
    return p


def _row(s: Session, model: type[Any], row_id: str, what: str) -> Any:
    row = s.get(model, row_id)
    if row is None:
        raise ValidationError([FieldError(what, "is no longer on this case: open the case again")])
    return row


def _required_date(errors: list[FieldError], name: str, value: date | None) -> None:
    if value is None:
        errors.append(FieldError(name, "is empty: enter it as dd/mm/yyyy"))


def _not_before(errors: list[FieldError], name: str, value: date | None, floor: date | None, what: str) -> None:
    """`value` may not be before `floor` (the date of `what`)."""
    if value is not None and floor is not None and value < floor:
        errors.append(FieldError(name, f"{_d(value)} is before {what} ({_d(floor)}): check the dates"))


def check_email(name: str, email: str) -> FieldError | None:
    if email.strip() and not EMAIL_RE.match(email.strip()):
        return FieldError(name, f"'{email.strip()}' is not an email address: e.g. name@example.org")
    return None


def _clean(text: str | None) -> str | None:
    return (text or "").strip() or None


# -- other names ------------------------------------------------------------------------------------
@writes(Change.CASE)
def add_alias(db: Database, person_id: str, first_name: str, last_name: str, kind: str = "alias",
              notes: str | None = None) -> str:
    """Another name the person is known by."""
    errors = []
    if not first_name.strip() and not last_name.strip():
        errors.append(FieldError("Other name", "is empty: enter the first name, the last name or both"))
    kinds = case_codes().alias_kinds
    if kind not in kinds:
        errors.append(FieldError("Kind of name", f"'{kind}' is not one of {', '.join(kinds.values())}"))
    require(errors)
    with db.write() as s:
        _person(s, person_id)
        a = Alias(person_id=person_id, first_name=first_name.strip(), last_name=last_name.strip(), kind=kind,
                  notes=_clean(notes))
        s.add(a)
        add_event(s, person_id, "alias_added", date.today(),
                  f"{kinds[kind]}: {a.first_name} {a.last_name}".strip(), a)
        return a.id


@writes(Change.CASE)
def remove_alias(db: Database, alias_id: str) -> None:
    with db.write() as s:
        a: Alias = _row(s, Alias, alias_id, "Other name")
        add_event(s, a.person_id, "alias_removed", date.today(), f"Other name removed: {a.first_name} {a.last_name}")
        s.delete(a)


# -- disabilities -----------------------------------------------------------------------------------
@writes(Change.CASE)
def add_disability(db: Database, person_id: str, description: str, adjustment: str | None,
                   from_date: date | None = None) -> str:
    """A disability and the adjustment made for it."""
    if not description.strip():
        raise ValidationError([FieldError("Disability", "is empty: describe it, e.g. 'Dyslexia'")])
    with db.write() as s:
        _person(s, person_id)
        d = Disability(person_id=person_id, description=description.strip(), adjustment=_clean(adjustment),
                       from_date=from_date)
        s.add(d)
        adj = f" (adjustment: {d.adjustment})" if d.adjustment else " (no adjustment recorded)"
        add_event(s, person_id, "disability_added", from_date or date.today(), d.description + adj, d)
        return d.id


@writes(Change.CASE)
def end_disability(db: Database, disability_id: str, to_date: date | None) -> None:
    errors: list[FieldError] = []
    _required_date(errors, "End date", to_date)
    require(errors)
    assert to_date is not None
    with db.write() as s:
        d: Disability = _row(s, Disability, disability_id, "Disability")
        _not_before(errors, "End date", to_date, d.from_date, "its start")
        require(errors)
        d.to_date = to_date
        add_event(s, d.person_id, "disability_ended", to_date, f"{d.description} no longer applies", d)


# -- personal contacts ------------------------------------------------------------------------------
def _check_contact(c: PersonalContactIn) -> list[FieldError]:
    errors = []
    relationships = case_codes().relationships
    if c.relationship not in relationships:
        errors.append(FieldError("Relationship", f"'{c.relationship}' is not one of "
                                                 f"{', '.join(relationships.values())}"))
    if not c.name.strip():
        errors.append(FieldError("Name", "is empty: enter the contact's name"))
    errors += [e for e in (check_phone("Phone", c.phone), check_email("Email", c.email)) if e]
    return errors


def _fill_contact(row: PersonalContact, c: PersonalContactIn) -> None:
    row.relationship = c.relationship
    row.name = c.name.strip()
    row.organisation = _clean(c.organisation)
    row.phone = _clean(c.phone)
    row.email = _clean(c.email)
    row.address = _clean(c.address)
    row.notes = _clean(c.notes)


@writes(Change.CASE)
def add_personal_contact(db: Database, person_id: str, contact: PersonalContactIn) -> str:
    require(_check_contact(contact))
    with db.write() as s:
        _person(s, person_id)
        row = PersonalContact(person_id=person_id)
        _fill_contact(row, contact)
        s.add(row)
        add_event(s, person_id, "personal_contact", date.today(),
                  f"{case_codes().relationships[contact.relationship]} added: {row.name}", row)
        return row.id


@writes(Change.CASE)
def update_personal_contact(db: Database, contact_id: str, contact: PersonalContactIn) -> None:
    require(_check_contact(contact))
    with db.write() as s:
        row: PersonalContact = _row(s, PersonalContact, contact_id, "Personal contact")
        _fill_contact(row, contact)
        add_event(s, row.person_id, "personal_contact", date.today(),
                  f"{case_codes().relationships[contact.relationship]} changed: {row.name}", row)


@writes(Change.CASE)
def remove_personal_contact(db: Database, contact_id: str) -> None:
    with db.write() as s:
        row: PersonalContact = _row(s, PersonalContact, contact_id, "Personal contact")
        label = case_codes().relationships.get(row.relationship, row.relationship)
        add_event(s, row.person_id, "personal_contact", date.today(), f"{label} removed: {row.name}")
        s.delete(row)


# -- addresses --------------------------------------------------------------------------------------
def _check_address(a: AddressIn, from_date: date | None, *, need_postcode: bool = True) -> list[FieldError]:
    errors: list[FieldError] = []
    if not a.line1.strip():
        errors.append(FieldError("Address", "is empty: enter the house and street"))
    if problem := check_postcode("Postcode", a.postcode, required=need_postcode):
        errors.append(problem)
    _required_date(errors, "From", from_date)
    return errors


def _address_text(a: Address) -> str:
    return ", ".join(x for x in (a.line1, a.line2, a.town, a.postcode) if x)


def _new_main(s: Session, person_id: str, row: Address, from_date: date, event: str, label: str) -> str:
    """Make `row` the main address from from_date: the current main becomes previous, ending the day before."""
    errors: list[FieldError] = []
    current = s.scalars(select(Address).where(Address.person_id == person_id, Address.status == "main")).all()
    for old in current:
        if old.from_date is not None and from_date <= old.from_date:
            errors.append(FieldError("From", f"{_d(from_date)} is not after the current main address's start "
                                             f"({_d(old.from_date)}): the new address must start later"))
    require(errors)
    for old in current:
        old.status = "previous"
        if old.to_date is None or old.to_date >= from_date:
            old.to_date = from_date - timedelta(days=1)
    row.person_id = person_id
    row.status = "main"
    row.from_date = from_date
    s.add(row)
    add_event(s, person_id, event, from_date, f"{label}: {_address_text(row)} from {_d(from_date)}", row)
    return row.id


def _address_row(a: AddressIn, kind: str) -> Address:
    return Address(line1=a.line1.strip(), line2=_clean(a.line2), town=_clean(a.town),
                   postcode=normal_postcode(a.postcode) or None, kind=kind, notes=_clean(a.notes))


@writes(Change.CASE)
def new_main_address(db: Database, person_id: str, address: AddressIn, from_date: date | None) -> str:
    """A new main address from from_date; the old main address becomes previous, ending the day before."""
    require(_check_address(address, from_date))
    assert from_date is not None
    with db.write() as s:
        _person(s, person_id)
        return _new_main(s, person_id, _address_row(address, "home"), from_date, "change_of_address",
                         "New main address")


@writes(Change.CASE)
def no_fixed_abode(db: Database, person_id: str, from_date: date | None, notes: str | None = None) -> str:
    """No fixed abode from from_date (the old main address becomes previous)."""
    errors: list[FieldError] = []
    _required_date(errors, "From", from_date)
    require(errors)
    assert from_date is not None
    with db.write() as s:
        _person(s, person_id)
        row = Address(line1="No fixed abode", kind="nfa", notes=_clean(notes))
        return _new_main(s, person_id, row, from_date, "no_fixed_abode", "No fixed abode")


@writes(Change.CASE)
def approved_premises(db: Database, person_id: str, premises: AddressIn, from_date: date | None) -> str:
    """Resident at approved premises from from_date (line1: the premises' name and street)."""
    require(_check_address(premises, from_date))
    assert from_date is not None
    with db.write() as s:
        _person(s, person_id)
        return _new_main(s, person_id, _address_row(premises, "approved_premises"), from_date, "approved_premises",
                         "Approved premises")


@writes(Change.CASE)
def add_secondary_address(db: Database, person_id: str, address: AddressIn, from_date: date | None) -> str:
    require(_check_address(address, from_date))
    assert from_date is not None
    with db.write() as s:
        _person(s, person_id)
        row = _address_row(address, "home")
        row.person_id, row.status, row.from_date = person_id, "secondary", from_date
        s.add(row)
        add_event(s, person_id, "secondary_address", from_date,
                  f"Secondary address: {_address_text(row)} from {_d(from_date)}", row)
        return row.id


@writes(Change.CASE)
def end_address(db: Database, address_id: str, to_date: date | None) -> None:
    """The person no longer lives at an address from the day after to_date (a main address becomes previous)."""
    errors: list[FieldError] = []
    _required_date(errors, "To", to_date)
    require(errors)
    assert to_date is not None
    with db.write() as s:
        a: Address = _row(s, Address, address_id, "Address")
        if a.status == "previous":
            errors.append(FieldError("Address", f"already ended on {_d(a.to_date)}"))
        _not_before(errors, "To", to_date, a.from_date, "the address's start")
        require(errors)
        a.to_date = to_date
        a.status = "previous"
        add_event(s, a.person_id, "address_ended", to_date, f"Address ended: {_address_text(a)} on {_d(to_date)}", a)


# -- circumstances ----------------------------------------------------------------------------------
@writes(Change.CASE)
def record_circumstance(db: Database, person_id: str, kind: str, value: str, from_date: date | None,
                        details: str | None = None) -> str:
    """A circumstance from from_date; the current one of the same kind ends the day before."""
    codes = case_codes()
    errors: list[FieldError] = []
    ctype = codes.circumstances.get(kind)
    if ctype is None:
        errors.append(FieldError("Circumstance", f"'{kind}' is not one of "
                                                 f"{', '.join(c.label for c in codes.circumstances.values())}"))
    elif value not in ctype.values:
        errors.append(FieldError(ctype.label, f"'{value}' is not one of {', '.join(ctype.values.values())}"))
    _required_date(errors, "From", from_date)
    require(errors)
    assert ctype is not None and from_date is not None
    with db.write() as s:
        _person(s, person_id)
        current = s.scalars(select(Circumstance).where(Circumstance.person_id == person_id,
                                                       Circumstance.kind == kind, Circumstance.to_date.is_(None))).all()
        for old in current:
            if from_date <= old.from_date:
                errors.append(FieldError("From", f"{_d(from_date)} is not after the current "
                                                 f"{ctype.label.lower()}'s start ({_d(old.from_date)}): the new one "
                                                 "must start later"))
        require(errors)
        for old in current:
            old.to_date = from_date - timedelta(days=1)
        row = Circumstance(person_id=person_id, kind=kind, value=value, details=_clean(details), from_date=from_date)
        s.add(row)
        add_event(s, person_id, ctype.event, from_date,
                  f"{ctype.label}: {ctype.values[value]} from {_d(from_date)}", row)
        return row.id


# -- sentences --------------------------------------------------------------------------------------
def _check_sentence(x: SentenceIn) -> list[FieldError]:
    errors = validate_sentence(x.order_type, x.start_date, x.end_date)
    _not_before(errors, "Start date", x.start_date, x.sentence_date, "the sentence date")
    ref = reference()
    order = ref.order_types.get(x.order_type)
    if order is None:
        return errors
    made_on = x.sentence_date or x.start_date
    offered = {t.code for t in requirement_types_for(made_on)} if made_on else set(ref.requirement_types)
    # As the court report's requirement editor checks a proposal (domain/court.ready_checks): a community order
    # has at least one requirement (CJA 2003 s.177; a suspended sentence order may have none since LASPO 2012),
    # and an order's length is within its limit.
    if x.order_type == "CO" and not x.requirements:
        errors.append(FieldError("Requirements", "a community order needs at least one requirement: add it with "
                                                 "its parameters"))
    if x.length_months is not None and order.max_months and not 1 <= x.length_months <= order.max_months:
        errors.append(FieldError("Length", f"{x.length_months} months is out of range: a {order.label.lower()} "
                                           f"lasts 1 to {order.max_months} months"))
    for i, req in enumerate(x.requirements, start=1):
        rtype = ref.requirement_types.get(req.type_code)
        if rtype is not None and order.has_requirements and req.type_code not in offered:
            errors.append(FieldError(f"Requirement {i}", f"{rtype.label} was not available for an order made on "
                                                         f"{_d(made_on)}: choose a requirement of that date"))
            continue
        errors += [FieldError(f"Requirement {i}: {e.field}", e.message)
                   for e in validate_requirement(req.type_code, req.params, x.order_type)]
        _not_before(errors, f"Requirement {i}: start", req.start_date, x.start_date, "the order's start")
    if x.conditions and x.order_type not in LICENCE_TYPES:
        errors.append(FieldError("Licence conditions", f"a {order.label.lower()} has requirements, not licence "
                                                       "conditions: add requirements instead"))
    for i, text in enumerate(x.conditions, start=1):
        if not text.strip():
            errors.append(FieldError(f"Licence condition {i}", "is empty: write the condition as the licence words "
                                                                "it, or remove it"))
    return errors


def _clean_params(type_code: str, params: Mapping[str, Any]) -> dict[str, Any]:
    rtype = reference().requirement_types[type_code]
    return {spec.name: (int(params[spec.name]) if spec.kind == "int" else params[spec.name])
            for spec in rtype.params if params.get(spec.name) not in (None, "")}


def _sentence_event(s: Session, sentence: Sentence, kind: str, on: date, **details: Any) -> SentenceEvent:
    assert kind in case_codes().sentence_event_kinds, kind
    row = SentenceEvent(sentence_id=sentence.id, person_id=sentence.person_id, kind=kind, on_date=on,
                        details={k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()})
    s.add(row)
    return row


def _add_sentence(s: Session, person_id: str, x: SentenceIn, made_on: date | None = None) -> Sentence:
    """made_on dates the 'made' event (the start date unless the caller knows the day the court made it)."""
    assert x.start_date is not None
    sentence = Sentence(person_id=person_id, order_type=x.order_type, start_date=x.start_date, end_date=x.end_date,
                        sentence_date=x.sentence_date, length_months=x.length_months, offence=_clean(x.offence),
                        court=_clean(x.court))
    s.add(sentence)
    for req in x.requirements:
        sentence.requirements.append(Requirement(type_code=req.type_code,
                                                 params=_clean_params(req.type_code, req.params),
                                                 start_date=req.start_date or x.start_date))
    for text in x.conditions:
        sentence.licence_conditions.append(LicenceCondition(code="", text=text.strip(), standard=False))
    s.flush()
    _sentence_event(s, sentence, "made", made_on or x.start_date, order_type=x.order_type,
                    requirements=[r.type_code for r in x.requirements], conditions=len(x.conditions))
    return sentence


def _sentence_summary(x: SentenceIn) -> str:
    ref = reference()
    reqs = ", ".join(ref.requirement_types[r.type_code].label for r in x.requirements
                     if r.type_code in ref.requirement_types)
    ends = f" to {_d(x.end_date)}" if x.end_date else ""
    return f"{order_label(x.order_type)} from {_d(x.start_date)}{ends}" + (f" ({reqs})" if reqs else "")


@writes(Change.CASE)
def new_sentence(db: Database, person_id: str, sentence: SentenceIn) -> str:
    """A new order or licence with its requirements (or licence conditions)."""
    require(_check_sentence(sentence))
    assert sentence.start_date is not None
    with db.write() as s:
        _person(s, person_id)
        # The order was made the day the court sentenced; it may start later.
        row = _add_sentence(s, person_id, sentence, made_on=sentence.sentence_date)
        add_event(s, person_id, "new_sentence", sentence.start_date, _sentence_summary(sentence), row)
        return row.id


def _sentence(s: Session, sentence_id: str) -> Sentence:
    x: Sentence = _row(s, Sentence, sentence_id, "Sentence")
    return x


def _open(errors: list[FieldError], x: Sentence) -> None:
    if x.terminated_on is not None:
        errors.append(FieldError("Sentence", f"the {order_label(x.order_type).lower()} ended on "
                                             f"{_d(x.terminated_on)}: nothing more can be recorded on it"))


@writes(Change.CASE)
def start_requirement(db: Database, requirement_id: str, on: date | None) -> None:
    errors: list[FieldError] = []
    _required_date(errors, "Start date", on)
    require(errors)
    assert on is not None
    with db.write() as s:
        r: Requirement = _row(s, Requirement, requirement_id, "Requirement")
        x = r.sentence
        _open(errors, x)
        _not_before(errors, "Start date", on, x.start_date, "the order's start")
        if r.end_date is not None and on > r.end_date:
            errors.append(FieldError("Start date", f"{_d(on)} is after the requirement ended ({_d(r.end_date)})"))
        require(errors)
        r.start_date = on
        _sentence_event(s, x, "requirement_started", on, requirement_id=r.id, type_code=r.type_code)
        add_event(s, x.person_id, "requirement_started", on, f"{_req_label(r)} started on {_d(on)}", r)


def _req_label(r: Requirement) -> str:
    rtype = reference().requirement_types.get(r.type_code)
    return rtype.label if rtype else r.type_code


@writes(Change.CASE)
def end_requirement(db: Database, requirement_id: str, on: date | None, reason: str) -> None:
    errors: list[FieldError] = []
    _required_date(errors, "End date", on)
    if not (reason or "").strip():
        errors.append(FieldError("Reason", "is empty: say why it ends, e.g. 'Hours completed'"))
    require(errors)
    assert on is not None
    with db.write() as s:
        r: Requirement = _row(s, Requirement, requirement_id, "Requirement")
        x = r.sentence
        _open(errors, x)
        if r.end_date is not None and r.end_reason:
            errors.append(FieldError("Requirement", f"already ended on {_d(r.end_date)}"))
        _not_before(errors, "End date", on, r.start_date or x.start_date, "the requirement's start")
        require(errors)
        r.end_date = on
        r.end_reason = reason.strip()
        _sentence_event(s, x, "requirement_ended", on, requirement_id=r.id, type_code=r.type_code,
                        reason=reason.strip())
        add_event(s, x.person_id, "requirement_ended", on, f"{_req_label(r)} ended: {reason.strip()}", r)


@writes(Change.CASE)
def terminate_sentence(db: Database, sentence_id: str, on: date | None, outcome: str,
                       notes: str | None = None) -> None:
    """End an order with its outcome (completed, revoked, breached and resentenced, transferred)."""
    codes = case_codes()
    errors: list[FieldError] = []
    _required_date(errors, "Termination date", on)
    result = codes.termination_outcomes.get(outcome)
    if result is None:
        errors.append(FieldError("Outcome", f"'{outcome}' is not one of "
                                            f"{', '.join(o.label for o in codes.termination_outcomes.values())}"))
    require(errors)
    assert on is not None and result is not None
    with db.write() as s:
        x = _sentence(s, sentence_id)
        _open(errors, x)
        _not_before(errors, "Termination date", on, x.start_date, "the order's start")
        require(errors)
        x.terminated_on = on
        x.outcome = outcome
        for r in x.requirements:  # the order's requirements end with it (those already ended keep their day)
            if r.end_reason is None and (r.end_date is None or r.end_date > on):
                r.end_date = on
                r.end_reason = f"Order terminated: {result.label.lower()}"
        _sentence_event(s, x, "terminated", on, outcome=outcome, notes=_clean(notes))
        add_event(s, x.person_id, result.event, on,
                  f"{order_label(x.order_type)} terminated on {_d(on)}: {result.label}", x)


@writes(Change.CASE)
def release_on_licence(db: Database, person_id: str, release: ReleaseIn) -> str:
    """Released from custody on licence (home detention curfew where it applies): the licence is a new sentence."""
    errors: list[FieldError] = []
    _required_date(errors, "Release date", release.release_date)
    _required_date(errors, "Sentence date", release.sentence_date)
    _not_before(errors, "Release date", release.release_date, release.sentence_date, "the sentence date")
    _not_before(errors, "Licence end", release.end_date, release.release_date, "the release")
    if release.hdc:
        if release.hdc_end_date is None:
            errors.append(FieldError("Curfew end", "is empty: enter the day the home detention curfew ends"))
        elif release.release_date is not None and release.hdc_end_date <= release.release_date:
            errors.append(FieldError("Curfew end", f"{_d(release.hdc_end_date)} is not after the release "
                                                   f"({_d(release.release_date)}): check the dates"))
    elif release.hdc_end_date is not None:
        errors.append(FieldError("Curfew end", "is set but the release is not on home detention curfew: tick HDC "
                                               "or clear the date"))
    sentence = SentenceIn(order_type="LIC", start_date=release.release_date, end_date=release.end_date,
                          sentence_date=release.sentence_date, offence=release.offence, court=release.court,
                          conditions=release.conditions)
    if not errors:
        errors += _check_sentence(sentence)
    require(errors)
    assert release.release_date is not None
    with db.write() as s:
        _person(s, person_id)
        x = _add_sentence(s, person_id, sentence)
        x.hdc = release.hdc
        x.hdc_end_date = release.hdc_end_date
        _sentence_event(s, x, "released", release.release_date, hdc=release.hdc, hdc_end_date=release.hdc_end_date)
        hdc = f" on home detention curfew to {_d(release.hdc_end_date)}" if release.hdc else ""
        ends = f", licence to {_d(release.end_date)}" if release.end_date else ""
        add_event(s, person_id, "release", release.release_date,
                  f"Released on licence on {_d(release.release_date)}{hdc}{ends}", x)
        return x.id


def _licence(s: Session, sentence_id: str, errors: list[FieldError]) -> Sentence:
    x = _sentence(s, sentence_id)
    if x.order_type not in LICENCE_TYPES:
        errors.append(FieldError("Sentence", f"a {order_label(x.order_type).lower()} is not a licence: choose the "
                                             "licence"))
    _open(errors, x)
    return x


def _rosh_setting_changed(s: Session, person_id: str, on: date) -> None:
    """In custody the custody levels give the RoSH level: services/rosh.py works it out again (imported here
    because rosh reads this module's tables, not its functions)."""
    from lpt_desktop.services import rosh

    rosh.custody_changed(s, person_id, on)


@writes(Change.CASE, Change.REGISTER)
def release_after_recall(db: Database, sentence_id: str, on: date | None) -> None:
    """Re-released on the same licence after a recall."""
    errors: list[FieldError] = []
    _required_date(errors, "Release date", on)
    require(errors)
    assert on is not None
    with db.write() as s:
        x = _licence(s, sentence_id, errors)
        if x.recalled_on is None:
            errors.append(FieldError("Licence", "is not recalled: nothing to release from"))
        _not_before(errors, "Release date", on, x.recalled_on, "the recall")
        require(errors)
        x.recalled_on = None
        _sentence_event(s, x, "released", on, after_recall=True)
        add_event(s, x.person_id, "release", on, f"Re-released on licence on {_d(on)} after recall", x)
        _rosh_setting_changed(s, x.person_id, on)


@writes(Change.CASE)
def vary_licence(db: Database, sentence_id: str, on: date | None, add: Iterable[str] = (),
                 change: Mapping[str, str] | None = None, remove: Iterable[str] = ()) -> list[str]:
    """A licence variation from `on`: conditions added, changed (the old one ends the day before, the new wording
    starts) or removed. Returns the ids of the new conditions."""
    added = [t.strip() for t in add]
    changed = dict(change or {})
    removed = list(remove)
    errors: list[FieldError] = []
    _required_date(errors, "Variation date", on)
    if not (added or changed or removed):
        errors.append(FieldError("Variation", "changes nothing: add, change or remove a condition"))
    for i, text in enumerate(added, start=1):
        if not text:
            errors.append(FieldError(f"New condition {i}", "is empty: write the condition or remove it"))
    for cid, text in changed.items():
        if not text.strip():
            errors.append(FieldError("Changed condition", f"the new wording of {cid} is empty: write it, or remove "
                                                          "the condition instead"))
    require(errors)
    assert on is not None
    with db.write() as s:
        x = _licence(s, sentence_id, errors)
        _not_before(errors, "Variation date", on, x.start_date, "the licence's start")
        current = {c.id: c for c in x.licence_conditions if c.to_date is None}
        for cid in [*changed, *removed]:
            c = current.get(cid)
            if c is None:
                errors.append(FieldError("Condition", "is not a current condition of this licence: open the case "
                                                      "again"))
            elif c.from_date is not None and c.from_date >= on:
                errors.append(FieldError("Variation date", f"{_d(on)} is not after the condition's start "
                                                           f"({_d(c.from_date)}): check the date"))
        require(errors)
        new_ids: list[str] = []
        ended = on - timedelta(days=1)
        for cid in removed:
            current[cid].to_date = ended
            _sentence_event(s, x, "condition_removed", on, condition_id=cid, text=current[cid].text)
        for cid, text in changed.items():
            old = current[cid]
            old.to_date = ended
            new = LicenceCondition(code=old.code, text=text.strip(), standard=old.standard, from_date=on)
            x.licence_conditions.append(new)
            s.flush()
            new_ids.append(new.id)
            _sentence_event(s, x, "condition_changed", on, condition_id=cid, new_condition_id=new.id,
                            old_text=old.text, text=new.text)
        for text in added:
            new = LicenceCondition(code="", text=text, standard=False, from_date=on)
            x.licence_conditions.append(new)
            s.flush()
            new_ids.append(new.id)
            _sentence_event(s, x, "condition_added", on, condition_id=new.id, text=text)
        parts = [f"{n} {what}" for n, what in ((len(added), "added"), (len(changed), "changed"),
                                               (len(removed), "removed")) if n]
        add_event(s, x.person_id, "licence_varied", on, f"Licence varied from {_d(on)}: conditions "
                                                        + ", ".join(parts), x)
        return new_ids


@writes(Change.CASE, Change.REGISTER)
def recall(db: Database, sentence_id: str, on: date | None, reason: str, recall_type: str) -> None:
    """Recall to custody on a day, with the reason and the type (fixed-term or standard)."""
    codes = case_codes()
    errors: list[FieldError] = []
    _required_date(errors, "Recall date", on)
    if not (reason or "").strip():
        errors.append(FieldError("Reason", "is empty: say why the person is recalled"))
    if recall_type not in codes.recall_types:
        choices = ", ".join(codes.recall_types.values())
        errors.append(FieldError("Recall type", f"'{recall_type}' is not one of {choices}"))
    require(errors)
    assert on is not None
    with db.write() as s:
        x = _licence(s, sentence_id, errors)
        if x.recalled_on is not None:
            errors.append(FieldError("Licence", f"already recalled on {_d(x.recalled_on)}: record the release "
                                                "first"))
        _not_before(errors, "Recall date", on, x.start_date, "the release")
        require(errors)
        x.recalled_on = on
        _sentence_event(s, x, "recalled", on, reason=reason.strip(), recall_type=recall_type)
        add_event(s, x.person_id, "recall", on,
                  f"{codes.recall_types[recall_type]} on {_d(on)}: {reason.strip()}", x)
        _rosh_setting_changed(s, x.person_id, on)


@writes(Change.CASE)
def end_licence(db: Database, sentence_id: str, on: date | None) -> None:
    """The licence (or post-sentence supervision) ends."""
    errors: list[FieldError] = []
    _required_date(errors, "End date", on)
    require(errors)
    assert on is not None
    with db.write() as s:
        x = _licence(s, sentence_id, errors)
        _not_before(errors, "End date", on, x.start_date, "the release")
        require(errors)
        x.terminated_on = on
        x.outcome = "licence_ended"
        _sentence_event(s, x, "licence_ended", on)
        add_event(s, x.person_id, "licence_ended", on, f"{order_label(x.order_type)} ended on {_d(on)}", x)


def _current_sentence(s: Session, person_id: str, errors: list[FieldError]) -> Sentence | None:
    x = s.scalar(select(Sentence).where(Sentence.person_id == person_id, Sentence.terminated_on.is_(None))
                 .order_by(Sentence.start_date.desc()).limit(1))
    if x is None:
        errors.append(FieldError("Sentence", "the case has no current order or licence: add one first"))
    return x


@writes(Change.CASE)
def transfer_in(db: Database, person_id: str, on: date | None, from_where: str, notes: str | None = None) -> str:
    """The case transferred in from another area or officer (recorded on its current sentence)."""
    errors: list[FieldError] = []
    _required_date(errors, "Transfer date", on)
    if not (from_where or "").strip():
        errors.append(FieldError("From", "is empty: name the area or team the case comes from"))
    require(errors)
    assert on is not None
    with db.write() as s:
        _person(s, person_id)
        x = _current_sentence(s, person_id, errors)
        require(errors)
        assert x is not None
        ev = _sentence_event(s, x, "transferred_in", on, from_where=from_where.strip(), notes=_clean(notes))
        add_event(s, person_id, "transfer_in", on, f"Transferred in from {from_where.strip()} on {_d(on)}", x)
        s.flush()
        return ev.id


@writes(Change.CASE)
def transfer_out(db: Database, person_id: str, on: date | None, to_where: str, reason: str) -> str:
    """The case transfers out: recorded on the case, with a request to the central store's administrator to move
    it (a transfer_request, sent at the next sync; the administrator settles it with `lpt-central transfer`, and
    when the case has moved this laptop lets it go as it does any moved case)."""
    errors: list[FieldError] = []
    _required_date(errors, "Transfer date", on)
    if not (to_where or "").strip():
        errors.append(FieldError("To", "is empty: name the area or team the case goes to"))
    elif len(to_where.strip()) > 200:
        errors.append(FieldError("To", "is longer than 200 characters: name just the area, office or team"))
    if not (reason or "").strip():
        errors.append(FieldError("Reason", "is empty: say why, e.g. 'Moved to Cumbria'"))
    require(errors)
    assert on is not None
    with db.write() as s:
        _person(s, person_id)
        x = _current_sentence(s, person_id, errors)
        require(errors)
        assert x is not None
        ev = _sentence_event(s, x, "transferred_out", on, to_where=to_where.strip(), reason=reason.strip())
        add_event(s, person_id, "transfer_out", on, f"Transfer out to {to_where.strip()} on {_d(on)}: "
                                                    f"{reason.strip()}", x)
        s.add(TransferRequest(person_id=person_id, requested_on=on, to_where=to_where.strip(),
                              reason=reason.strip(), status="requested"))
        s.flush()
        return ev.id


# -- a new case -------------------------------------------------------------------------------------
@writes(Change.CASE)
def create_case(db: Database, case: NewCase, officer_id: str | None = None, today: date | None = None) -> str:
    """A new case: the person and their sentence (and first address), one transaction."""
    crn = (case.crn or "").strip().upper()
    errors = validate_person(crn, case.first_name, case.last_name, case.date_of_birth, _clean(case.pnc), None, None,
                             today)
    errors += _check_sentence(case.sentence)
    if case.address is not None:
        errors += _check_address(case.address, case.address_from or case.sentence.start_date)
    if case.date_of_birth is not None and case.sentence.start_date is not None \
            and case.sentence.start_date < case.date_of_birth:
        errors.append(FieldError("Start date", "is before the date of birth: check both dates"))
    with db.write() as s:
        if not any(e.field == "CRN" for e in errors):
            existing = s.scalar(select(Person).where(Person.crn == crn))
            if existing is not None:
                raise DuplicateCase(crn, existing.id, f"{existing.last_name}, {existing.first_name}")
        require(errors)
        assert case.sentence.start_date is not None
        p = Person(crn=crn, first_name=case.first_name.strip(), last_name=case.last_name.strip(),
                   date_of_birth=case.date_of_birth, preferred_name=_clean(case.preferred_name), pnc=_clean(case.pnc),
                   gender=_clean(case.gender), officer_id=officer_id or db.officer_id)
        s.add(p)
        s.flush()
        _add_sentence(s, p.id, case.sentence)
        if case.address is not None:
            a = _address_row(case.address, "home")
            a.person_id, a.status = p.id, "main"
            a.from_date = case.address_from or case.sentence.start_date
            s.add(a)
        add_event(s, p.id, "case_created", case.sentence.start_date,
                  f"New case {crn}: {_sentence_summary(case.sentence)}", p)
        return p.id


# -- reading the record -----------------------------------------------------------------------------
@dataclass(frozen=True)
class AddressView:
    id: str
    status: str  # main | previous | secondary
    kind: str  # home | nfa | approved_premises
    text: str
    from_date: date | None
    to_date: date | None


@dataclass(frozen=True)
class CircumstanceView:
    id: str
    kind: str
    label: str
    value: str
    value_label: str
    details: str
    from_date: date
    to_date: date | None


@dataclass(frozen=True)
class CaseDetails:
    person_id: str
    phone: str
    mobile: str
    email: str
    aliases: tuple[Alias, ...]
    disabilities: tuple[Disability, ...]
    personal_contacts: tuple[PersonalContact, ...]
    addresses: tuple[AddressView, ...]
    circumstances: tuple[CircumstanceView, ...]  # newest first, every kind
    sentence_events: tuple[SentenceEvent, ...]
    transfer_requests: tuple[TransferRequest, ...] = ()  # newest first: what the administrator was asked
    first_name: str = ""  # the names apart, for the editable personal details
    last_name: str = ""

    def current(self, kind: str) -> CircumstanceView | None:
        return next((c for c in self.circumstances if c.kind == kind and c.to_date is None), None)


def case_details(db: Database, person_id: str) -> CaseDetails:
    """What the editable record shows beside cases.open_case (rows detached, read only)."""
    codes = case_codes()
    with db.read() as s:
        p = _person(s, person_id)

        def rows(model: Any, *order: Any) -> tuple[Any, ...]:
            return tuple(s.scalars(select(model).where(model.person_id == person_id).order_by(*order)))

        circumstances = []
        for c in rows(Circumstance, Circumstance.from_date.desc()):
            ctype = codes.circumstances.get(c.kind)
            circumstances.append(CircumstanceView(
                c.id, c.kind, ctype.label if ctype else c.kind, c.value,
                ctype.values.get(c.value, c.value) if ctype else c.value, c.details or "", c.from_date, c.to_date))
        addresses = tuple(AddressView(a.id, a.status, a.kind, _address_text(a), a.from_date, a.to_date)
                          for a in rows(Address, Address.from_date.desc()))
        return CaseDetails(
            person_id=p.id, phone=p.phone or "", mobile=p.mobile or "", email=p.email or "",
            aliases=rows(Alias, Alias.last_name, Alias.first_name),
            disabilities=rows(Disability, Disability.from_date),
            personal_contacts=rows(PersonalContact, PersonalContact.relationship, PersonalContact.name),
            addresses=addresses, circumstances=tuple(circumstances),
            sentence_events=rows(SentenceEvent, SentenceEvent.on_date.desc(), SentenceEvent.created_at.desc()),
            transfer_requests=rows(TransferRequest, TransferRequest.requested_on.desc(),
                                   TransferRequest.created_at.desc()),
            first_name=p.first_name, last_name=p.last_name,
        )
