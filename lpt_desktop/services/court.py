"""Court work: report requests, pre-sentence records, drafting reports, ready checks, PDF, timeliness.

Every function that writes is one transaction with its audit rows (store/audit.py). Report field values
are plain JSON (see lpt_desktop/domain/court.py); in a ReportDraft, date fields are date objects.
A request moves requested -> drafting (start_report) -> ready (mark_ready, signed) -> sent (mark_sent).
Saving a section of a ready report takes it back to drafting (its signature no longer covers the text);
a sent report is the court's record and cannot be changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from lpt_desktop.domain import court as rules
from lpt_desktop.domain.contacts import need_code
from lpt_desktop.domain.court import CheckResult, FieldSpec, SectionSpec  # noqa: F401 - part of this API
from lpt_desktop.domain.court_views import OrderPeriod, ReportDraft, current_orders
from lpt_desktop.domain.dates import add_months, format_date
from lpt_desktop.domain.reference import canonical_court, find_court, load_json, order_label, reference
from lpt_desktop.domain.validation import FieldError, ValidationError, require, validate_person
from lpt_desktop.services.appointments import working_calendar
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.export_file import write_atomically
from lpt_desktop.standards.calendar import ENGLAND_AND_WALES, WorkingCalendar
from lpt_desktop.standards.obligations import Obligation, status_of
from lpt_desktop.standards.report_deadlines import report_due_date
from lpt_desktop.store.court_models import CourtReport, PreSentence, ReportRequest
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Address, Contact, Enforcement, Meta, Officer, Person, Sentence

SECTIONS: list[SectionSpec] = list(rules.sections())
STATUSES = ("requested", "drafting", "ready", "sent")
STATUS_LABELS = {"requested": "Requested", "drafting": "Drafting", "ready": "Ready for countersign",
                 "sent": "Sent"}
# Fields that come from the request itself, not from the case: never marked as prefilled.
COURT_FIELDS = ("court", "lja", "hearing_date")


class ReportNotFound(LookupError):
    pass


# -- views -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RequestView:
    id: str
    person_id: str | None
    pre_sentence_id: str | None
    name: str
    crn: str | None
    court: str
    lja: str
    hearing_date: date
    report_type: str
    remanded: bool
    requested_on: date
    due_by: date
    status: str
    report_id: str | None
    author: str | None
    sent_on: date | None = None

    @property
    def report_type_label(self) -> str:
        return rules.report_type_label(self.report_type)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)

    def overdue(self, as_of: date) -> bool:
        return self.status != "sent" and self.due_by < as_of


@dataclass(frozen=True)
class PreSentenceView:
    id: str
    first_name: str
    last_name: str
    date_of_birth: date
    pnc: str | None
    address: str | None
    person_id: str | None  # set once the record has become a case
    promoted_on: date | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class Timeliness:
    month: date
    on_time: int
    total: int
    target: float = 0.95

    @property
    def share(self) -> float:
        return self.on_time / self.total if self.total else 1.0

    @property
    def met(self) -> bool:
        return self.share >= self.target


# -- requests and pre-sentence records ------------------------------------------------------------
def _this_officer(s: Session) -> tuple[str | None, str | None]:
    """(name, team) of the officer this caseload belongs to, for authorship and sign-off."""
    oid = s.scalar(select(Meta.value).where(Meta.key == "officer_id"))
    officer = s.get(Officer, oid) if oid else None
    return (officer.name, officer.team) if officer else (None, None)


def _name_of(r: ReportRequest, people: dict[str, Person], pres: dict[str, PreSentence]) -> tuple[str, str | None]:
    if r.person_id and r.person_id in people:
        p = people[r.person_id]
        return p.full_name, p.crn
    if r.pre_sentence_id and r.pre_sentence_id in pres:
        x = pres[r.pre_sentence_id]
        return f"{x.first_name} {x.last_name}", None
    return "", None


def list_requests(db: Database, as_of: date | None = None) -> list[RequestView]:
    """Every request: open ones due today first, then open ones by due date, then sent ones."""
    as_of = as_of or date.today()
    with db.read() as s:
        rows = list(s.scalars(select(ReportRequest)))
        people = {p.id: p for p in s.scalars(select(Person).where(
            Person.id.in_({r.person_id for r in rows if r.person_id})))}
        pres = {x.id: x for x in s.scalars(select(PreSentence).where(
            PreSentence.id.in_({r.pre_sentence_id for r in rows if r.pre_sentence_id})))}
        reports: dict[str, str] = {request_id: report_id for request_id, report_id in
                                   s.execute(select(CourtReport.request_id, CourtReport.id)).all()}
        views = []
        for r in rows:
            name, crn = _name_of(r, people, pres)
            views.append(RequestView(
                id=r.id, person_id=r.person_id, pre_sentence_id=r.pre_sentence_id, name=name, crn=crn,
                court=r.court, lja=r.lja, hearing_date=r.hearing_date, report_type=r.report_type,
                remanded=bool(r.remanded), requested_on=r.requested_on, due_by=r.due_by, status=r.status,
                report_id=reports.get(r.id), author=r.author, sent_on=r.sent_on))
    views.sort(key=lambda v: (v.status == "sent", v.due_by != as_of, v.due_by, v.hearing_date, v.name))
    return views


def due_date_for(report_type: str, requested_on: date, remanded: bool, hearing_date: date,
                 calendar: WorkingCalendar = ENGLAND_AND_WALES) -> date:
    """The standard's due date in the working days of `calendar`, but never after the hearing the report
    is for. The saved request uses the office's closures; the default (no closures) is for a preview."""
    due = report_due_date(report_type, requested_on, remanded, calendar)
    return min(due, hearing_date) if hearing_date >= requested_on else due


@writes(Change.REPORT)
def create_request(db: Database, *, person_id: str | None = None, pre_sentence_id: str | None = None,
                   court: str, lja: str, hearing_date: date | None, report_type: str, remanded: bool = False,
                   requested_on: date | None = None, author: str | None = None) -> str:
    requested_on = requested_on or date.today()
    # A court on the list is stored as the list spells it (one "Preston Magistrates' Court", not two); its
    # local justice area comes with it when none was given. A court not on the list is kept as typed.
    court = canonical_court(court)[0]
    listed = find_court(court)
    if listed is not None and not (lja or "").strip():
        lja = listed.lja
    errors: list[FieldError] = []
    if bool(person_id) == bool(pre_sentence_id):
        errors.append(FieldError("Person", "choose a case on the caseload or a pre-sentence record (one of them)"))
    if not (court or "").strip():
        errors.append(FieldError("Court", "is empty: enter the court that asked for the report"))
    if not (lja or "").strip():
        errors.append(FieldError("Local justice area", "is empty: enter the local justice area"))
    if hearing_date is None:
        errors.append(FieldError("Hearing date", "is empty: enter it as dd/mm/yyyy"))
    elif hearing_date < requested_on:
        errors.append(FieldError("Hearing date", "is before the request date: check both dates"))
    if report_type not in rules.report_types():
        errors.append(FieldError("Report type", f"'{report_type}' is unknown: choose oral, fast delivery, "
                                                "standard delivery or addendum"))
    require(errors)
    with db.write() as s:
        if person_id and s.get(Person, person_id) is None:
            errors.append(FieldError("Person", "is not on this caseload: choose the case again"))
        if pre_sentence_id and s.get(PreSentence, pre_sentence_id) is None:
            errors.append(FieldError("Pre-sentence record", "was not found: create it again"))
        require(errors)
        assert hearing_date is not None  # refused above when empty
        r = ReportRequest(person_id=person_id, pre_sentence_id=pre_sentence_id, court=court.strip(),
                          lja=lja.strip(), hearing_date=hearing_date, report_type=report_type,
                          remanded=bool(remanded), requested_on=requested_on, status="requested",
                          due_by=due_date_for(report_type, requested_on, bool(remanded), hearing_date,
                                              working_calendar(s)),
                          author=(author or "").strip() or _this_officer(s)[0])
        s.add(r)
        s.flush()
        return r.id


def _pnc_on_caseload(s: Session, pnc: str | None) -> list[FieldError]:
    """A person already on the caseload needs no pre-sentence record: the request belongs on their case."""
    crn = s.scalar(select(Person.crn).where(Person.pnc == pnc)) if pnc else None
    if crn:
        return [FieldError("PNC number", f"{pnc} is already on the caseload as {crn}: make the request for that "
                                         "case instead")]
    return []


@writes(Change.REPORT)
def create_pre_sentence(db: Database, *, first_name: str, last_name: str, date_of_birth: date | None,
                        pnc: str | None = None, address: str | None = None, today: date | None = None) -> str:
    pnc = (pnc or "").strip().upper() or None
    # Same person rules as a case, without a CRN (that comes when the case is made).
    errors = [e for e in validate_person("X000000", first_name, last_name, date_of_birth, pnc, today=today)]
    require(errors)
    with db.write() as s:
        require(_pnc_on_caseload(s, pnc))
        x = PreSentence(first_name=first_name.strip(), last_name=last_name.strip(), date_of_birth=date_of_birth,
                        pnc=pnc, address=(address or "").strip() or None)
        s.add(x)
        s.flush()
        return x.id


def list_pre_sentence(db: Database, include_promoted: bool = False) -> list[PreSentenceView]:
    """Pre-sentence records by name (those already made into cases only when asked)."""
    with db.read() as s:
        q = select(PreSentence).order_by(PreSentence.last_name, PreSentence.first_name)
        if not include_promoted:
            q = q.where(PreSentence.person_id.is_(None))
        return [PreSentenceView(id=x.id, first_name=x.first_name, last_name=x.last_name,
                                date_of_birth=x.date_of_birth, pnc=x.pnc, address=x.address, person_id=x.person_id,
                                promoted_on=x.promoted_on) for x in s.scalars(q)]


def _next_crn(s: Session) -> str:
    """A local CRN ('L' and six digits) not yet used on this caseload, until nDelius gives the real one."""
    taken = set(s.scalars(select(Person.crn).where(Person.crn.like("L%"))))
    n = len(taken) + 1
    while f"L{n:06d}" in taken:
        n += 1
    return f"L{n:06d}"


def _split_address(text: str) -> dict[str, str | None]:
    parts = [p.strip() for p in text.replace("\n", ",").split(",") if p.strip()]
    postcode = parts.pop() if len(parts) > 1 and any(c.isdigit() for c in parts[-1]) and len(parts[-1]) <= 8 \
        else None
    town = parts.pop() if len(parts) > 1 else None
    return {"line1": parts[0] if parts else text.strip(), "line2": ", ".join(parts[1:]) or None, "town": town,
            "postcode": postcode}


@writes(Change.CASE, Change.REPORT)
def promote_to_case(db: Database, pre_sentence_id: str, *, crn: str | None = None,
                    today: date | None = None) -> str:
    """Make a case from a pre-sentence record (no re-typing); its requests and reports now point at it."""
    today = today or date.today()
    with db.write() as s:
        x = s.get(PreSentence, pre_sentence_id)
        if x is None:
            raise ReportNotFound(f"No pre-sentence record with id {pre_sentence_id}.")
        if x.person_id:
            raise ValidationError([FieldError("Pre-sentence record", "is already a case: open that case instead")])
        crn = (crn or "").strip().upper() or _next_crn(s)
        errors = validate_person(crn, x.first_name, x.last_name, x.date_of_birth, x.pnc, today=today)
        if not errors and s.scalar(select(Person.id).where(Person.crn == crn)):
            errors.append(FieldError("CRN", f"{crn} is already on this caseload: give another CRN"))
        require(errors + _pnc_on_caseload(s, x.pnc))
        p = Person(crn=crn, first_name=x.first_name, last_name=x.last_name, date_of_birth=x.date_of_birth,
                   pnc=x.pnc)
        s.add(p)
        s.flush()
        if x.address:
            s.add(Address(person_id=p.id, status="main", from_date=today, **_split_address(x.address)))
        x.person_id = p.id
        x.promoted_on = today
        for r in s.scalars(select(ReportRequest).where(ReportRequest.pre_sentence_id == x.id)):
            r.person_id = p.id
            for rep in s.scalars(select(CourtReport).where(CourtReport.request_id == r.id)):
                rep.person_id = p.id
                details = dict(rep.sections.get("offender_details", {}))
                if not details.get("crn"):
                    details["crn"] = crn
                    rep.sections = {**rep.sections, "offender_details": details}
        return p.id


@writes(Change.REPORT)
def withdraw_request(db: Database, request_id: str) -> None:
    """Remove a request made by mistake or withdrawn by the court, with its draft report (audited).

    A report sent to court is the court's record and stays."""
    with db.write() as s:
        r = _request(s, request_id)
        if r.status == "sent":
            raise ValidationError([FieldError("Report request", "has been sent to court and is kept as the record")])
        for rep in s.scalars(select(CourtReport).where(CourtReport.request_id == r.id)):
            s.delete(rep)
        s.delete(r)


# -- drafting --------------------------------------------------------------------------------------
def _request(s: Session, request_id: str) -> ReportRequest:
    r = s.get(ReportRequest, request_id)
    if r is None:
        raise ReportNotFound(f"No report request with id {request_id}.")
    return r


def _report(s: Session, report_id: str) -> CourtReport:
    rep = s.get(CourtReport, report_id)
    if rep is None:
        raise ReportNotFound(f"No report with id {report_id}.")
    return rep


def _address_text(a: Address) -> str:
    return ", ".join(b for b in (a.line1, a.line2, a.town, a.postcode) if b)


@cache
def _failure_outcomes() -> frozenset[str]:
    return frozenset(o["code"] for o in load_json("contact_types.json")["outcomes"] if o.get("failure"))


@cache
def _action_labels() -> dict[str, str]:
    return {a["code"]: a["label"] for a in load_json("enforcement.json")["actions"]}


def _compliance(s: Session, person_id: str, x: Sentence, today: date) -> str:
    """'12 appointments kept, 2 failures (first warning letter, breach initiated)' for one order."""
    start = datetime.combine(x.start_date, time.min)
    end = datetime.combine(x.terminated_on or x.end_date or today, time.max)
    failures_codes = _failure_outcomes()
    rows = s.execute(select(Contact.outcome, func.count()).where(
        Contact.person_id == person_id, Contact.starts_at.between(start, end), Contact.outcome.is_not(None),
        Contact.amends_id.is_(None)).group_by(Contact.outcome)).all()
    counts = Counter({o: n for o, n in rows})
    kept = counts.get("ATTC", 0)
    failed = sum(n for o, n in counts.items() if o in failures_codes)
    actions = list(s.scalars(select(Enforcement.action).where(
        Enforcement.person_id == person_id, Enforcement.decided_on.between(x.start_date, end.date()))))
    labels = _action_labels()
    text = f"{kept} appointment{'s' if kept != 1 else ''} kept, {failed} failure{'s' if failed != 1 else ''}"
    if actions:
        text += " (" + ", ".join(labels.get(a, a).lower() for a in actions) + ")"
    return text


OFFENCE_DURING_ORDER_NOTE = ("CHECK: the new offence may have been committed during the current order. Check the "
                              "offence date against it: an offence during an order is a breach the court must be "
                              "told of (tick it under Offence details).")


def _period(x: Sentence) -> OrderPeriod:
    return OrderPeriod(label=order_label(x.order_type), start=x.start_date, end=x.end_date,
                       terminated_on=x.terminated_on, offence=x.offence, court=x.court,
                       sentence_date=x.sentence_date, length_months=x.length_months)


def _order_words(o: OrderPeriod, current: bool = False) -> str:
    """'10/01/2026 Suspended sentence order for Theft at Preston Crown Court (12 months, runs to 09/01/2027)'."""
    bits = [f"{format_date(o.sentence_date or o.start)} {o.label}"]
    if o.offence:
        bits.append(f"for {o.offence}")
    if o.court:
        bits.append(f"at {o.court}")
    extra = [f"{o.length_months} months"] if o.length_months else []
    if current and o.ends:
        extra.append(f"runs to {format_date(o.ends)}")
    if extra:
        bits.append(f"({', '.join(extra)})")
    return " ".join(bits)


def _prefill_from_case(s: Session, person_id: str, today: date) -> dict[str, dict[str, Any]]:
    p = s.scalar(select(Person).where(Person.id == person_id).options(
        selectinload(Person.addresses), selectinload(Person.registrations),
        selectinload(Person.sentences).selectinload(Sentence.requirements)))
    if p is None:
        return {}
    ref = reference()
    main = next((a for a in p.addresses if a.status == "main" and a.to_date is None), None)
    details = {"name": p.full_name, "date_of_birth": p.date_of_birth.isoformat(), "crn": p.crn, "pnc": p.pnc,
               "address": _address_text(main) if main else None, "gender": p.gender, "ethnicity": p.ethnicity,
               "first_language": p.first_language, "interpreter_required": bool(p.interpreter_required) or None,
               "disabilities": p.disabilities}
    out: dict[str, dict[str, Any]] = {"offender_details": details}

    if p.sentences:
        # An order still running on the report date is current, not previous: a new offence during it is a
        # breach the court must hear of, so the writer is told to check the offence date against it.
        periods = [(x, _period(x)) for x in p.sentences]  # newest first
        current = current_orders([o for _x, o in periods], today)
        previous = [o for _x, o in periods if o not in current]
        lines = []
        if current:
            lines.append(("Current order: " if len(current) == 1 else "Current orders: ")
                         + "; ".join(_order_words(o, current=True) for o in current) + ".")
            lines.append(OFFENCE_DURING_ORDER_NOTE)
        if previous:
            lines.append("Previous orders: " + "; ".join(_order_words(o) for o in previous) + ".")
        out["offence_analysis"] = {"pattern": "\n".join(lines)}
        out["risk"] = {"previous_supervision": "\n".join(
            f"{'Current' if o in current else 'Previous'} {o.label.lower()} from {format_date(o.start)}: "
            f"{_compliance(s, p.id, x, today)}." for x, o in periods)}

    risk = out.setdefault("risk", {})
    if p.rosh:
        risk["rosh_level"] = p.rosh
    open_regs = [r for r in p.registrations if r.ended_on is None]
    if open_regs:
        words = []
        for r in open_regs:
            label = ref.register_types[r.type_code].label if r.type_code in ref.register_types else r.type_code
            if r.type_code == "MAPP":
                label += f" (category {r.category}, level {r.level})"
            words.append(label)
        risk["registers"] = "; ".join(words) + "."

    # Needs the contacts of the last 12 months addressed, as report issues.
    since = datetime.combine(add_months(today, -12), time.min)
    needs: Counter[str] = Counter()
    for row in s.scalars(select(Contact.needs).where(Contact.person_id == p.id, Contact.starts_at >= since)):
        needs.update(need_code(n) for n in row or [])  # an old code (synced from a laptop not updated) as now
    mapping = rules.issue_for_need()
    issues = sorted({mapping[n] for n in needs if n in mapping}, key=[c for c, _ in rules.choice_lists()["issues"]]
                    .index)
    assessment: dict[str, Any] = {}
    if issues:
        assessment["issues"] = issues
    if p.caring_responsibilities:
        assessment["caring_responsibilities"] = p.caring_responsibilities
    vulnerable = [r for r in open_regs if r.type_code in ("ALSH", "AMHL", "RMDO", "ADVV")]
    if vulnerable:
        assessment["vulnerability"] = "On the register for " + ", ".join(
            ref.register_types[r.type_code].label.lower() for r in vulnerable
            if r.type_code in ref.register_types) + "."
    if assessment:
        out["offender_assessment"] = assessment
    return {sec: {k: v for k, v in fields.items() if v not in (None, "", [])} for sec, fields in out.items()}


@writes(Change.REPORT)
def start_report(db: Database, request_id: str, today: date | None = None) -> str:
    """Create the report for a request, prefilled from the case where the person is known.

    Starting a report twice returns the existing one (a double-click must not make two reports).
    """
    today = today or date.today()
    with db.write() as s:
        r = _request(s, request_id)
        existing = s.scalar(select(CourtReport.id).where(CourtReport.request_id == r.id))
        if existing:
            return existing
        sections: dict[str, dict[str, Any]] = {}
        prefilled: dict[str, list[str]] = {}
        if r.person_id:
            sections = _prefill_from_case(s, r.person_id, today)
            prefilled = {sec: sorted(fields) for sec, fields in sections.items()}
        elif r.pre_sentence_id:
            x = s.get(PreSentence, r.pre_sentence_id)
            if x is not None:
                sections["offender_details"] = {k: v for k, v in {
                    "name": f"{x.first_name} {x.last_name}", "date_of_birth": x.date_of_birth.isoformat(),
                    "pnc": x.pnc, "address": x.address}.items() if v}
        sections["sentencing_court"] = {"court": r.court, "lja": r.lja, "hearing_date": r.hearing_date.isoformat()}
        _, team = _this_officer(s)
        sections["sign_off"] = {k: v for k, v in {"author": r.author, "office": team, "date": today.isoformat()}
                                .items() if v}
        rep = CourtReport(request_id=r.id, person_id=r.person_id, report_type=r.report_type, sections=sections,
                          prefilled=prefilled)
        s.add(rep)
        if r.status == "requested":
            r.status = "drafting"
        s.flush()
        return rep.id


def _draft(rep: CourtReport, r: ReportRequest, name: str, orders: tuple[OrderPeriod, ...] = ()) -> ReportDraft:
    secs: dict[str, dict[str, Any]] = {}
    for spec in rules.sections():
        stored = rep.sections.get(spec.id, {})
        secs[spec.id] = {f.id: rules.value_for_display(f, stored.get(f.id)) for f in spec.fields
                         if stored.get(f.id) is not None}
    return ReportDraft(
        id=rep.id, request_id=rep.request_id, report_type=rep.report_type, sections=secs,
        prefilled={k: set(v) for k, v in (rep.prefilled or {}).items() if v}, status=r.status,
        signed_by=rep.signed_by, signed_on=rep.signed_on, countersigned_by=rep.countersigned_by,
        countersigned_on=rep.countersigned_on, person_id=rep.person_id, name=name, court=r.court,
        hearing_date=r.hearing_date, due_by=r.due_by, orders=orders)


def load_report(db: Database, report_id: str) -> ReportDraft:
    with db.read() as s:
        rep = _report(s, report_id)
        r = _request(s, rep.request_id)
        name = ""
        orders: tuple[OrderPeriod, ...] = ()
        if r.person_id:
            p = s.get(Person, r.person_id)
            name = p.full_name if p else ""
            orders = tuple(_period(x) for x in s.scalars(select(Sentence).where(Sentence.person_id == r.person_id)))
        elif r.pre_sentence_id:
            x = s.get(PreSentence, r.pre_sentence_id)
            name = f"{x.first_name} {x.last_name}" if x else ""
        return _draft(rep, r, name, orders)


def report_for_request(db: Database, request_id: str) -> str | None:
    with db.read() as s:
        return s.scalar(select(CourtReport.id).where(CourtReport.request_id == request_id))


def _sync_request(s: Session, r: ReportRequest, court_fields: dict[str, Any]) -> None:
    """The work list follows the report: a corrected court, area or hearing date moves the request too."""
    if court_fields.get("court"):
        r.court = canonical_court(court_fields["court"])[0]
    if court_fields.get("lja"):
        r.lja = court_fields["lja"].strip()
    hearing = court_fields.get("hearing_date")
    if hearing and date.fromisoformat(hearing) != r.hearing_date:
        r.hearing_date = date.fromisoformat(hearing)
        r.due_by = due_date_for(r.report_type, r.requested_on, bool(r.remanded), r.hearing_date, working_calendar(s))


@writes(Change.REPORT)
def save_section(db: Database, report_id: str, section: str, fields: dict[str, Any]) -> None:
    """Save some or all fields of one section (autosave-safe: unchanged values write nothing).

    A prefilled field the writer changes counts as confirmed; None or "" clears a field.
    """
    spec = rules.section(section)
    if spec is None:
        raise ValidationError([FieldError("Section", f"'{section}' is not a report section")])
    errors: list[FieldError] = []
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        f = spec.field(key)
        if f is None:
            errors.append(FieldError(key, f"is not a field of {spec.title.lower()}: remove it"))
            continue
        stored, err = rules.coerce_value(f, value, spec.title)
        if err:
            errors.append(err)
        clean[key] = stored
    require(errors)
    if section == "sentencing_court" and clean.get("court"):
        clean["court"] = canonical_court(clean["court"])[0]  # as the court list spells it, if it is on it
    with db.write() as s:
        rep = _report(s, report_id)
        r = _request(s, rep.request_id)
        if r.status == "sent":
            raise ValidationError([FieldError("Report", "has been sent to court and cannot be changed: "
                                                        "write an addendum instead")])
        current = dict(rep.sections.get(section, {}))
        changed = {k for k, v in clean.items() if current.get(k) != v}
        if not changed:
            return
        for k in changed:
            if clean[k] is None:
                current.pop(k, None)
            else:
                current[k] = clean[k]
        # New dicts so SQLAlchemy sees the JSON change (plain JSON columns are not mutation-tracked).
        rep.sections = {**rep.sections, section: current}
        marks = set(rep.prefilled.get(section, [])) - changed
        rep.prefilled = {**rep.prefilled, section: sorted(marks)}
        if section == "sentencing_court":
            _sync_request(s, r, current)
        if r.status == "ready":
            r.status = "drafting"  # the signature covered the old text
            rep.signed_by = rep.signed_on = None
            rep.countersigned_by = rep.countersigned_on = None
        elif r.status == "requested":
            r.status = "drafting"


@writes(Change.REPORT)
def confirm_prefill(db: Database, report_id: str, section: str, field_id: str | None = None) -> None:
    """The writer checked a prefilled field (or, with field_id None, the whole section)."""
    with db.write() as s:
        rep = _report(s, report_id)
        marks = set(rep.prefilled.get(section, []))
        left = set() if field_id is None else marks - {field_id}
        if left != marks:
            rep.prefilled = {**rep.prefilled, section: sorted(left)}


def ready_checks(draft: ReportDraft) -> list[CheckResult]:
    """The checks before 'ready' (pure): each failing one says what to add."""
    return rules.check_report(draft.sections, draft.report_type, draft.orders)


@writes(Change.REPORT)
def mark_ready(db: Database, report_id: str, today: date | None = None) -> None:
    """Sign the report and mark it ready (for countersign where required); raises listing what to add.

    Signing confirms any field still marked as filled in from the case: the writer signs the whole text."""
    draft = load_report(db, report_id)
    failing = [c for c in ready_checks(draft) if not c.ok]
    if failing:
        raise ValidationError([FieldError(c.check_id, c.message) for c in failing])
    today = today or date.today()
    with db.write() as s:
        rep = _report(s, report_id)
        r = _request(s, rep.request_id)
        if r.status == "sent":
            raise ValidationError([FieldError("Report", "has already been sent to court")])
        r.status = "ready"
        rep.signed_by = str(draft.sections["sign_off"]["author"]).strip()
        rep.signed_on = today
        rep.prefilled = {}  # signing the report confirms what was filled in from the case


@writes(Change.REPORT)
def countersign(db: Database, report_id: str, name: str, today: date | None = None) -> None:
    if not (name or "").strip():
        raise ValidationError([FieldError("Countersigned by", "is empty: enter the countersigning manager's name")])
    with db.write() as s:
        rep = _report(s, report_id)
        r = _request(s, rep.request_id)
        if r.status != "ready":
            raise ValidationError([FieldError("Report", "is not ready yet: mark it ready before countersigning")])
        rep.countersigned_by = name.strip()
        rep.countersigned_on = today or date.today()


@writes(Change.REPORT)
def mark_sent(db: Database, report_id: str, today: date | None = None) -> None:
    with db.write() as s:
        rep = _report(s, report_id)
        r = _request(s, rep.request_id)
        if r.status != "ready":
            raise ValidationError([FieldError("Report", "is not ready: mark it ready before sending it to court")])
        if rep.sections.get("sign_off", {}).get("countersignature_required") and not rep.countersigned_by:
            raise ValidationError([FieldError("Countersignature", "is required: have the report countersigned "
                                                                  "before it goes to court")])
        r.status = "sent"
        r.sent_on = today or date.today()


# -- output ----------------------------------------------------------------------------------------
def render_pdf(db: Database, report_id: str, password: str | None = None) -> bytes:
    from lpt_desktop.reports.court_report import build_report_pdf

    return build_report_pdf(load_report(db, report_id), password=password)


def export_pdf(path: str | Path, data: bytes) -> Path:
    """Write the PDF atomically: a temporary file in the same folder, then a rename over the target."""
    return write_atomically(path, data)


def timeliness(db: Database, month: date, as_of: date | None = None) -> Timeliness:
    """Reports due in the month: how many went to court by their due date.

    A request due later than as_of and not yet sent is not counted (it can still be on time).
    """
    as_of = as_of or date.today()
    first = month.replace(day=1)
    nxt = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    with db.read() as s:
        rows = s.execute(select(ReportRequest.due_by, ReportRequest.sent_on, ReportRequest.status).where(
            ReportRequest.due_by >= first, ReportRequest.due_by < nxt)).all()
    total = on_time = 0
    for due, sent_on, status in rows:
        if status != "sent" and due >= as_of:
            continue
        total += 1
        on_time += bool(status == "sent" and sent_on is not None and sent_on <= due)
    return Timeliness(month=first, on_time=on_time, total=total, target=rules.target_on_time())


# -- the standards engine's view: open requests are 'report_due' obligations on the case -------------
def report_obligations(s: Session, as_of: date, person_ids: Sequence[str] | None) -> list[Obligation]:
    """Open report requests for known people as obligations (listed in services/obligation_sources.py)."""
    q = select(ReportRequest).where(ReportRequest.person_id.is_not(None), ReportRequest.status != "sent")
    if person_ids is not None:
        q = q.where(ReportRequest.person_id.in_(list(person_ids)))
    out = []
    for r in s.scalars(q):
        label = rules.report_type_label(r.report_type)
        remand = ", remanded in custody" if r.remanded else ""
        out.append(Obligation(
            rule="report_due", kind="report", person_id=r.person_id, policy="court",
            description=f"{label} for {r.court} (hearing {format_date(r.hearing_date)}{remand})",
            source="National Standards report timescales (fast delivery within 5 working days, standard within "
                   "15; 10 if remanded)",
            due_from=r.requested_on, due_by=r.due_by, status=status_of(r.requested_on, r.due_by, as_of, None)))
    return out


__all__ = ["SECTIONS", "CheckResult", "FieldSpec", "PreSentenceView", "ReportDraft", "ReportNotFound", "RequestView",
           "SectionSpec", "Timeliness", "confirm_prefill", "countersign", "create_pre_sentence", "create_request",
           "due_date_for", "export_pdf", "list_pre_sentence", "list_requests", "load_report", "mark_ready",
           "mark_sent", "promote_to_case", "ready_checks", "render_pdf", "report_for_request", "report_obligations",
           "save_section", "start_report", "timeliness", "withdraw_request"]
