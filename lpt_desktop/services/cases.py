"""Opening and editing one case. Every function is one transaction with its audit rows."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from lpt_desktop.assessment.tiering import scheme_of_tier
from lpt_desktop.domain.dates import format_date
from lpt_desktop.domain.reference import order_label, reference, rosh_label
from lpt_desktop.domain.validation import (
    FieldError,
    ValidationError,
    require,
    validate_person,
    validate_registration,
    validate_requirement,
    validate_sentence,
)
from lpt_desktop.services.case_events import add_event
from lpt_desktop.services.case_record import check_email, check_phone
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.registers import first_review_date
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import (
    Address,
    Audit,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
)


class CaseNotFound(LookupError):
    pass


@dataclass(frozen=True)
class RequirementView:
    id: str
    label: str
    summary: str
    start_date: date | None
    end_date: date | None


@dataclass(frozen=True)
class SentenceView:
    id: str
    order_type: str
    order_label: str
    offence: str
    court: str
    sentence_date: date | None
    start_date: date
    end_date: date | None
    length_months: int | None
    requirements: tuple[RequirementView, ...]
    licence_conditions: tuple[str, ...]
    # How it stands (issue 16's sentence events): ended with an outcome, recalled, on home detention curfew.
    terminated_on: date | None = None
    outcome: str | None = None
    recalled_on: date | None = None
    hdc: bool = False
    hdc_end_date: date | None = None
    current_conditions: tuple[tuple[str, str], ...] = ()  # (id, text) of the licence conditions in force


@dataclass(frozen=True)
class RegistrationView:
    id: str
    type_code: str
    label: str
    detail: str
    start_date: date
    next_review_date: date | None
    ended_on: date | None


@dataclass(frozen=True)
class CaseRecord:
    person_id: str
    crn: str
    name: str
    preferred_name: str
    date_of_birth: date
    pnc: str
    gender: str
    ethnicity: str
    religion: str
    first_language: str
    interpreter_required: bool
    disabilities: str
    caring_responsibilities: str
    individual_needs: str
    tier: str
    rosh: str
    rosh_label: str
    officer: str
    addresses: tuple[str, ...]
    sentences: tuple[SentenceView, ...]
    registrations: tuple[RegistrationView, ...]
    flags: tuple[str, ...] = field(default=())


def describe_params(type_code: str, params: dict[str, Any]) -> str:
    rtype = reference().requirement_types.get(type_code)
    if rtype is None:
        return ", ".join(f"{k}: {v}" for k, v in params.items())
    parts = []
    for spec in rtype.params:
        value = params.get(spec.name)
        if value in (None, ""):
            continue
        if spec.kind == "bool":
            value = "yes" if value else "no"
        parts.append(f"{spec.label}: {value}")
    return "; ".join(parts)


def _address_line(a: Address) -> str:
    bits = [a.line1, a.line2, a.town, a.postcode]
    text = ", ".join(b for b in bits if b)
    since = f" (since {format_date(a.from_date)})" if a.from_date else ""
    return f"{a.status.capitalize()}: {text}{since}"


def _registration_view(r: Registration) -> RegistrationView:
    ref = reference()
    rtype = ref.register_types.get(r.type_code)
    detail = ""
    if r.type_code == "MAPP":
        detail = f"Category {r.category}, level {r.level}: {ref.mappa_levels.get(r.level or '', '')}"
    return RegistrationView(id=r.id, type_code=r.type_code, label=rtype.label if rtype else r.type_code,
                            detail=detail or (r.notes or ""), start_date=r.start_date,
                            next_review_date=r.next_review_date, ended_on=r.ended_on)


@writes()
def open_case(db: Database, person_id: str) -> CaseRecord:
    """Load one case for display and record that it was opened (same transaction)."""
    with db.write() as s:
        p = _load_person(s, person_id)
        s.add(Audit(actor=s.info["actor"], action="open", table_name="person", record_id=p.id, person_id=p.id))
        return _case_record(p)


def case_record(db: Database, person_id: str) -> CaseRecord:
    """The open case again after an edit (no audit row: open_case recorded the opening)."""
    with db.read() as s:
        return _case_record(_load_person(s, person_id))


def _load_person(s: Session, person_id: str) -> Person:
    p = s.scalar(
        select(Person).where(Person.id == person_id).options(
            selectinload(Person.addresses), selectinload(Person.registrations), selectinload(Person.officer),
            selectinload(Person.sentences).selectinload(Sentence.requirements),
            selectinload(Person.sentences).selectinload(Sentence.licence_conditions),
        )
    )
    if p is None:
        raise CaseNotFound(f"No case with id {person_id} in this caseload.")
    assert isinstance(p, Person)
    return p


def _case_record(p: Person) -> CaseRecord:
    ref = reference()
    flags = tuple(sorted({flag for r in p.registrations
                          if r.ended_on is None and r.type_code in ref.register_types
                          and (flag := ref.register_types[r.type_code].flag)}))
    # Back in custody: said in the header as loudly as a register (recalled_on is cleared at re-release).
    if any(x.recalled_on is not None and x.terminated_on is None for x in p.sentences):
        flags += ("RECALLED",)
    return CaseRecord(
        person_id=p.id, crn=p.crn, name=p.full_name, preferred_name=p.preferred_name or "",
        date_of_birth=p.date_of_birth, pnc=p.pnc or "", gender=p.gender or "", ethnicity=p.ethnicity or "",
        religion=p.religion or "", first_language=p.first_language or "",
        interpreter_required=bool(p.interpreter_required), disabilities=p.disabilities or "",
        caring_responsibilities=p.caring_responsibilities or "", individual_needs=p.individual_needs or "",
        tier=p.tier or "", rosh=p.rosh or "", rosh_label=rosh_label(p.rosh),
        officer=p.officer.name if p.officer else "",
        addresses=tuple(_address_line(a) for a in p.addresses),
        sentences=tuple(
            SentenceView(
                id=x.id, order_type=x.order_type, order_label=order_label(x.order_type),
                offence=x.offence or "", court=x.court or "", sentence_date=x.sentence_date,
                start_date=x.start_date, end_date=x.end_date, length_months=x.length_months,
                requirements=tuple(
                    RequirementView(id=r.id, label=ref.requirement_types[r.type_code].label
                                    if r.type_code in ref.requirement_types else r.type_code,
                                    summary=describe_params(r.type_code, r.params),
                                    start_date=r.start_date, end_date=r.end_date)
                    for r in x.requirements),
                licence_conditions=tuple(c.text for c in x.licence_conditions),
                terminated_on=x.terminated_on, outcome=x.outcome, recalled_on=x.recalled_on,
                hdc=bool(x.hdc), hdc_end_date=x.hdc_end_date,
                current_conditions=tuple((c.id, c.text) for c in x.licence_conditions if c.to_date is None),
            )
            for x in p.sentences
        ),
        registrations=tuple(_registration_view(r) for r in p.registrations),
        flags=flags,
    )


@writes(Change.CASE)
def add_person(db: Database, *, crn: str, first_name: str, last_name: str, date_of_birth: date | None,
               officer_id: str | None = None, today: date | None = None, **details: Any) -> str:
    crn = (crn or "").strip().upper()
    errors = validate_person(crn, first_name, last_name, date_of_birth, details.get("pnc"), details.get("tier"),
                             details.get("rosh"), today)
    unknown = set(details) - {c.key for c in Person.__table__.columns}
    errors += [FieldError(k, "is not a person field: remove it") for k in sorted(unknown)]
    with db.write() as s:
        if not errors and s.scalar(select(Person.id).where(Person.crn == crn)):
            errors.append(FieldError("CRN", f"{crn} is already on this caseload: open that case instead"))
        require(errors)
        p = Person(crn=crn, first_name=first_name.strip(), last_name=last_name.strip(),
                   date_of_birth=date_of_birth, officer_id=officer_id, **details)
        s.add(p)
        s.flush()
        return p.id


# The personal details as the form names them (its fields' labels), for messages about one of them.
PERSON_LABELS = {"first_name": "First name", "last_name": "Last name", "preferred_name": "Preferred name",
                 "date_of_birth": "Date of birth", "pnc": "PNC number", "gender": "Gender", "phone": "Phone",
                 "mobile": "Mobile", "email": "Email", "ethnicity": "Ethnicity", "religion": "Religion or belief",
                 "first_language": "First language", "interpreter_required": "Interpreter needed",
                 "caring_responsibilities": "Caring responsibilities", "individual_needs": "Individual needs",
                 "disabilities": "Disabilities", "tier": "Tier", "rosh": "RoSH"}


class EditedElsewhere(ValidationError):
    """Personal details changed elsewhere (a sync) while the officer edited them; `now` holds their values."""

    def __init__(self, errors: list[FieldError], now: dict[str, Any]) -> None:
        super().__init__(errors)
        self.now = now


def _same(a: Any, b: Any) -> bool:
    """Equal as a detail: the form shows an empty detail as '' where the record holds None."""
    def norm(v: Any) -> Any:
        return "" if v is None else v.strip() if isinstance(v, str) else v
    return bool(norm(a) == norm(b))


def _shown(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return format_date(v) if isinstance(v, date) else str(v)


@writes(Change.CASE)
def update_person(db: Database, person_id: str, *, before: Mapping[str, Any] | None = None,
                  **changes: Any) -> None:
    """Change personal details; recorded on the case's timeline (issue 16: phones and email too).

    `before`: the details as the officer's form showed them. A changed detail that is no longer what the form
    showed (a sync changed it meanwhile) is refused (EditedElsewhere) and nothing is saved, rather than
    written over unseen; unless it was changed elsewhere to what the officer typed.
    """
    editable = {"preferred_name", "pnc", "gender", "ethnicity", "religion", "first_language",
                "interpreter_required", "disabilities", "caring_responsibilities", "individual_needs",
                "tier", "rosh", "first_name", "last_name", "date_of_birth", "phone", "mobile", "email"}
    bad = sorted(set(changes) - editable)
    if bad:
        raise ValidationError([FieldError(b, "cannot be changed here") for b in bad])
    contact_errors = [e for e in (check_phone("Phone", changes.get("phone") or ""),
                                  check_phone("Mobile", changes.get("mobile") or ""),
                                  check_email("Email", changes.get("email") or "")) if e]
    with db.write() as s:
        p = s.get(Person, person_id)
        if p is None:
            raise CaseNotFound(f"No case with id {person_id} in this caseload.")
        moved = {k: getattr(p, k) for k, v in changes.items()
                 if before is not None and k in before and not _same(getattr(p, k), before[k])
                 and not _same(getattr(p, k), v)}
        if moved:
            raise EditedElsewhere(
                [FieldError(PERSON_LABELS.get(k, k), f"was changed to '{_shown(v)}' elsewhere (a sync) while you "
                                                     "edited: check it and save again")
                 if not _same(v, None) else
                 FieldError(PERSON_LABELS.get(k, k), "was cleared elsewhere (a sync) while you edited: check it "
                                                     "and save again")
                 for k, v in sorted(moved.items())], moved)
        merged = {c: getattr(p, c) for c in ("crn", "first_name", "last_name", "date_of_birth", "pnc", "tier",
                                              "rosh")} | changes
        require(validate_person(merged["crn"], merged["first_name"], merged["last_name"],
                                merged["date_of_birth"], merged["pnc"], merged["tier"], merged["rosh"])
                + contact_errors)
        for k, v in changes.items():
            setattr(p, k, (v.strip() or None) if isinstance(v, str) and k in ("phone", "mobile", "email") else v)
        if "tier" in changes:
            # A typed tier is of the scheme its form says ("C" 2026, "B2" A-D), never the scheme of the tier it
            # replaced: the caseload, its filter and the standards read the tier with this scheme.
            p.tier_scheme = scheme_of_tier(p.tier) if p.tier else None
        changed = sorted(changes)
        if changed:
            add_event(s, p.id, "personal_details", date.today(),
                      "Changed: " + ", ".join(k.replace("_", " ") for k in changed), p)


@writes(Change.CASE)
def add_sentence(db: Database, person_id: str, *, order_type: str, start_date: date | None,
                 end_date: date | None = None, **details: Any) -> str:
    require(validate_sentence(order_type, start_date, end_date))
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise CaseNotFound(f"No case with id {person_id} in this caseload.")
        x = Sentence(person_id=person_id, order_type=order_type, start_date=start_date, end_date=end_date,
                     **details)
        s.add(x)
        s.flush()
        return x.id


@writes(Change.CASE)
def add_requirement(db: Database, sentence_id: str, type_code: str, params: dict[str, Any],
                    start_date: date | None = None) -> str:
    with db.write() as s:
        sentence = s.get(Sentence, sentence_id)
        if sentence is None:
            raise CaseNotFound(f"No sentence with id {sentence_id} in this caseload.")
        require(validate_requirement(type_code, params, sentence.order_type))
        rtype = reference().requirement_types[type_code]
        clean = {spec.name: (int(params[spec.name]) if spec.kind == "int" else params[spec.name])
                 for spec in rtype.params if params.get(spec.name) not in (None, "")}
        r = Requirement(sentence_id=sentence_id, type_code=type_code, params=clean,
                        start_date=start_date or sentence.start_date)
        sentence.requirements.append(r)
        s.flush()
        return r.id


@writes(Change.CASE)
def add_licence_condition(db: Database, sentence_id: str, code: str, text: str, standard: bool = True) -> str:
    if not text.strip():
        raise ValidationError([FieldError("Condition", "is empty: write the condition as the licence words it")])
    with db.write() as s:
        sentence = s.get(Sentence, sentence_id)
        if sentence is None:
            raise CaseNotFound(f"No sentence with id {sentence_id} in this caseload.")
        c = LicenceCondition(sentence_id=sentence_id, code=code, text=text.strip(), standard=standard)
        sentence.licence_conditions.append(c)
        s.flush()
        return c.id


@writes(Change.REGISTER)
def add_registration(db: Database, person_id: str, type_code: str, start_date: date, *,
                     category: str | None = None, level: str | None = None, notes: str | None = None) -> str:
    require(validate_registration(type_code, category, level))
    with db.write() as s:
        if s.get(Person, person_id) is None:
            raise CaseNotFound(f"No case with id {person_id} in this caseload.")
        r = Registration(person_id=person_id, type_code=type_code, category=category, level=level,
                         start_date=start_date, notes=notes,
                         next_review_date=first_review_date(type_code, start_date))
        s.add(r)
        s.flush()
        return r.id


def audit_trail(db: Database, person_id: str) -> list[Audit]:
    with db.read() as s:
        return list(s.scalars(select(Audit).where(Audit.person_id == person_id).order_by(Audit.id)))


def person_id_for_crn(db: Database, crn: str) -> str:
    crn = (crn or "").strip().upper()
    with db.read() as s:
        pid = s.scalar(select(Person.id).where(Person.crn == crn))
    if pid is None:
        raise ValidationError([FieldError("CRN", f"{crn or 'an empty CRN'} is not on this caseload: check it")])
    return pid


def case_labels(db: Database, person_ids: set[str] | list[str]) -> dict[str, str]:
    """'Surname, First (CRN)' for each of these cases on this laptop (those not here are left out)."""
    ids = set(person_ids)
    if not ids:
        return {}
    with db.read() as s:
        return {p.id: f"{p.last_name}, {p.first_name} ({p.crn})"
                for p in s.scalars(select(Person).where(Person.id.in_(ids)))}
