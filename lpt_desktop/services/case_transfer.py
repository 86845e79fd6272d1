"""Whole cases out of and into a caseload, as the `lpt-cases` JSON format (issue 16, "Import and export").

    export_cases(db, crns=None, include_restricted=False) -> dict      the file's content (plaintext!)
    withheld_restricted(db, crns=None, include_restricted=False) -> int restricted contacts left out of it
    check_file(data) -> list[FieldError]                                 every problem, from the file alone
    import_cases(db, data, update=False) -> ImportResult                 one transaction, or nothing at all

A case is its person and every record that hangs off them: CASE_PARTS below, one line per table, each
record's fields made from the ORM model's columns (ids kept, dates and datetimes ISO), so a later table
joins the format with one line here. Everything the obligations engine reads travels with the case
(services/obligations.iter_facts and the court work source), and the office closures with the file.

Import refuses the whole file, naming every problem by its path in the file, before a write transaction
is opened (a refused caseload's files stay byte-identical). A case already on the caseload (same id or
CRN) is skipped and reported; with update=True it is updated as local edits: through the ORM, so the
audit rows and the sync outbox rows are written as for any edit, and recorded contacts and other
append-only records are never changed (a difference is reported instead). An import adds and updates;
it never deletes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    DateTime,
    Float,
    Integer,
    String,
    Table,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Session

from lpt_desktop.assessment.tiering import predictor_problems, scheme_of_tier
from lpt_desktop.domain.contacts import contact_codes
from lpt_desktop.domain.transfer import (
    FORMAT,
    VERSION,
    FieldSpec,
    ValueKind,
    check_codes,
    check_date_order,
    check_envelope,
    check_record,
)
from lpt_desktop.domain.validation import (
    FieldError,
    ValidationError,
    validate_person,
    validate_registration,
    validate_requirement,
    validate_sentence,
)
from lpt_desktop.services.changes import Change, writes
from lpt_desktop.services.contacts import _may_read as may_read_restricted  # the one rule for who may read them
from lpt_desktop.services.tiering import PREDICTOR_KINDS
from lpt_desktop.store.base import Base, Row
from lpt_desktop.store.case_record_models import (
    Alias,
    CaseEvent,
    Circumstance,
    Disability,
    PersonalContact,
    SentenceEvent,
)
from lpt_desktop.store.countersign_models import Countersignature
from lpt_desktop.store.court_models import CourtReport, PreSentence, ReportRequest
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import (
    Address,
    Audit,
    Contact,
    ContactPlanLink,
    ContactRmpLink,
    Enforcement,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
)
from lpt_desktop.store.plan_models import (
    ContactStepLink,
    NeedsAssessment,
    PlanAgreement,
    PlanGoal,
    PlanGoalStatus,
    PlanReview,
    PlanStep,
    SentencePlan,
)
from lpt_desktop.store.rosh_models import (
    RiskPlan,
    RiskPlanAction,
    RiskPlanSharing,
    RoshAssessment,
    RoshConfirmation,
)
from lpt_desktop.store.schedule_models import AppointmentSeries, OfficeClosure, StandardsOverride, StandardsRecord
from lpt_desktop.store.tiering_models import PredictorScore, TierDecision
from lpt_desktop.sync import kinds as sync_kinds

__all__ = ["FORMAT", "VERSION", "CASE_PARTS", "ImportResult", "Part", "check_file", "export_cases",
           "import_cases", "withheld_restricted"]


@dataclass(frozen=True)
class Part:
    """One kind of record in a case: its key in the file, its table, the column naming its parent (the person,
    or the record it is nested in) and the order it is written in."""

    key: str
    model: type[Row]
    link: str
    order: tuple[str, ...]
    children: tuple[Part, ...] = ()

    @property
    def table(self) -> Table:
        table: Table = self.model.__table__  # type: ignore[assignment]
        return table


# The case's records, in the order the file lists them. A new table that belongs to a case: one line here.
CASE_PARTS: tuple[Part, ...] = (
    Part("aliases", Alias, "person_id", ("last_name", "first_name", "id")),
    Part("addresses", Address, "person_id", ("from_date", "id")),
    Part("circumstances", Circumstance, "person_id", ("kind", "from_date", "id")),
    Part("personal_contacts", PersonalContact, "person_id", ("relationship", "name", "id")),
    Part("disabilities", Disability, "person_id", ("from_date", "id")),
    Part("sentences", Sentence, "person_id", ("start_date", "id"), (
        Part("requirements", Requirement, "sentence_id", ("start_date", "type_code", "id")),
        Part("licence_conditions", LicenceCondition, "sentence_id", ("from_date", "code", "id")),
        Part("events", SentenceEvent, "sentence_id", ("on_date", "id")),
    )),
    Part("registers", Registration, "person_id", ("start_date", "id")),
    Part("events", CaseEvent, "person_id", ("on_date", "id")),
    Part("predictor_scores", PredictorScore, "person_id", ("assessed_on", "kind", "id")),  # tiering (issue 17)
    Part("tier_decisions", TierDecision, "person_id", ("decided_on", "id")),
    Part("contacts", Contact, "person_id", ("starts_at", "id"), (
        Part("enforcement", Enforcement, "contact_id", ("decided_on", "id")),
    )),
    Part("appointments", AppointmentSeries, "person_id", ("first_at", "id")),  # recurring bookings' series
    Part("pre_sentence_records", PreSentence, "person_id", ("promoted_on", "id")),  # a promoted one: where it came from
    Part("report_requests", ReportRequest, "person_id", ("requested_on", "id")),
    Part("reports", CourtReport, "person_id", ("signed_on", "id")),
    Part("standards_records", StandardsRecord, "person_id", ("done_on", "id")),
    Part("overrides", StandardsOverride, "person_id", ("rule", "id")),
    # RoSH (issue 18): screenings and reviews with their analyses and summaries, and the plans with their actions.
    Part("rosh_assessments", RoshAssessment, "person_id", ("started_on", "id")),
    Part("rosh_confirmations", RoshConfirmation, "person_id", ("on_date", "id")),  # a report writer's, confirmed
    Part("risk_plans", RiskPlan, "person_id", ("started_on", "id"), (
        Part("actions", RiskPlanAction, "plan_id", ("section", "position", "id")),
        Part("sharing", RiskPlanSharing, "plan_id", ("on_date", "id")),
    )),
    # Needs assessments and sentence plans (issue 20): plans with their goals (steps and status changes under
    # each), agreements and reviews.
    Part("needs_assessments", NeedsAssessment, "person_id", ("started_on", "id")),
    Part("sentence_plans", SentencePlan, "person_id", ("started_on", "id"), (
        Part("goals", PlanGoal, "plan_id", ("position", "id"), (
            Part("steps", PlanStep, "goal_id", ("position", "id")),
            Part("status_changes", PlanGoalStatus, "goal_id", ("on_date", "id")),
        )),
        Part("agreements", PlanAgreement, "plan_id", ("on_date", "id")),
        Part("reviews", PlanReview, "plan_id", ("started_on", "id")),
    )),
    # Countersignature (issue 19): each signing action on the case's RoSH assessments, risk and sentence plans and
    # tier overrides, whose chain gives their status (the practice audit reads it: issue 21).
    Part("countersignatures", Countersignature, "person_id", ("on_date", "created_at", "id")),
)
# What a contact delivered travels as lists of ids on the contact (link tables have no ids of their own): the
# sentence plan goals and steps (issue 20) and the risk management plan actions.
CONTACT_LINKS: dict[str, tuple[Any, str]] = {"plan_goal_ids": (ContactPlanLink, "objective_id"),
                                            "plan_step_ids": (ContactStepLink, "step_id"),
                                            "risk_plan_action_ids": (ContactRmpLink, "action_id")}
PERSON = Part("person", Person, "", ("crn",))
CLOSURES = Part("office_closures", OfficeClosure, "", ("day",))
# Never in the file: updated_at changes on every save (as in sync); officer_id is this laptop's own officer
# row (an imported case goes on the importing officer's caseload); person_id and the parent's id are where
# the record sits in the file.
NOT_CARRIED = frozenset({"updated_at", "officer_id"})
_CHUNK = 500  # ids per IN (...): well under SQLite's limit on bound parameters


def _all_parts(parts: Iterable[Part] = CASE_PARTS) -> Iterator[Part]:
    for p in parts:
        yield p
        yield from _all_parts(p.children)


@cache
def _set_from_place(part: Part) -> frozenset[str]:
    cols = set(part.table.columns.keys())
    return frozenset({"person_id", part.link, "officer_id"} & cols)


def _value_kind(col: Column[Any]) -> ValueKind:
    t = col.type
    if isinstance(t, DateTime):
        return "datetime"
    if isinstance(t, Date):
        return "date"
    if isinstance(t, Boolean):
        return "bool"
    if isinstance(t, Integer):
        return "int"
    if isinstance(t, Float):
        return "number"
    if isinstance(t, JSON):
        if col.info.get("transfer") == "records":  # a list of objects, not of text
            return "records"
        arg = getattr(col.default, "arg", None)  # default=dict or default=list, wrapped by SQLAlchemy
        made = arg(None) if callable(arg) else {}
        return "list" if isinstance(made, list) else "object"
    return "text"


@cache
def _specs(part: Part) -> dict[str, FieldSpec]:
    """The record's fields, from its table's columns."""
    out: dict[str, FieldSpec] = {}
    skip = _set_from_place(part) | NOT_CARRIED
    for col in part.table.columns:
        if col.name in skip:
            continue
        kind = _value_kind(col)
        has_default = col.default is not None or col.server_default is not None
        length = col.type.length if isinstance(col.type, String) else None
        out[col.name] = FieldSpec(col.name, kind, required=not col.nullable and not has_default,
                                  nullable=bool(col.nullable), max_length=length if kind == "text" else None)
    if part.model is Contact:
        out.update({name: FieldSpec(name, "list", required=False, nullable=False) for name in CONTACT_LINKS})
    return out


def _carried(part: Part) -> list[str]:
    """The record's columns that travel (a contact's links are added beside them: _contact_links)."""
    return [name for name in _specs(part) if part.model is not Contact or name not in CONTACT_LINKS]


def _contact_links(s: Session, records: dict[str, dict[str, Any]]) -> None:
    """Each exported contact's links, as sorted lists of ids."""
    for name, (model, column) in CONTACT_LINKS.items():
        found: dict[str, list[str]] = defaultdict(list)
        for ids in _chunks(list(records)):
            for cid, linked in s.execute(select(model.contact_id, getattr(model, column))
                                         .where(model.contact_id.in_(ids))):
                found[cid].append(linked)
        for cid, record in records.items():
            record[name] = sorted(found.get(cid, []))


def _json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, (date, datetime)) else value


# -- export -----------------------------------------------------------------------------------------
def _chunks(ids: Sequence[str]) -> Iterator[Sequence[str]]:
    for i in range(0, len(ids), _CHUNK):
        yield ids[i:i + _CHUNK]


def _rows_under(s: Session, part: Part, parent_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
    """Every row of the part whose parent is one of parent_ids, as file records, by parent id."""
    t = part.table
    cols = _carried(part)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for ids in _chunks(parent_ids):
        stmt = (select(t.c[part.link], *(t.c[c] for c in cols)).where(t.c[part.link].in_(ids))
                .order_by(*(t.c[c] for c in part.order)))
        for row in s.execute(stmt):
            out[row[0]].append({c: _json_value(v) for c, v in zip(cols, row[1:], strict=True)})
    return out


def _people(s: Session, crns: Sequence[str] | None) -> list[Person]:
    stmt = select(Person).order_by(Person.crn)
    if crns is None:
        return list(s.scalars(stmt))
    found = list(s.scalars(stmt.where(Person.crn.in_(sorted(set(crns))))))
    missing = sorted(set(crns) - {p.crn for p in found})
    if missing:
        raise ValidationError([FieldError(f"CRN {crn}", "is not on this caseload: check it against `lpt caseload`")
                               for crn in missing])
    return found


def _withheld(db: Database, s: Session, people: list[Person], include_restricted: bool) -> set[str]:
    """Ids of the restricted (victim liaison) contacts the export leaves out, with the corrections of them."""
    readable = {p.id for p in people if include_restricted and may_read_restricted(db, p.officer_id)}
    rows = [r for ids in _chunks([p.id for p in people])
            for r in s.execute(select(Contact.id, Contact.person_id, Contact.restricted, Contact.amends_id)
                               .where(Contact.person_id.in_(ids)))]
    out = {cid for cid, pid, restricted, _a in rows if restricted and pid not in readable}
    grew = True
    while grew:  # a correction of a withheld contact goes with it
        before = len(out)
        out |= {cid for cid, _p, _r, amends in rows if amends in out}
        grew = len(out) != before
    return out


def withheld_restricted(db: Database, crns: Sequence[str] | None = None, include_restricted: bool = False) -> int:
    """How many restricted contacts export_cases with the same arguments leaves out."""
    with db.read() as s:
        return len(_withheld(db, s, _people(s, crns), include_restricted))


def export_cases(db: Database, crns: Sequence[str] | None = None, include_restricted: bool = False) -> dict[str, Any]:
    """The given cases (None: every case) whole, as an `lpt-cases` file's content, with the office closures.

    Restricted victim liaison contacts are left out unless include_restricted is given and the officer may
    read them (the case's own officer, or victim liaison staff), as the contact log hides them."""
    with db.read() as s:
        people = _people(s, crns)
        withheld = _withheld(db, s, people, include_restricted)
        person_cols = _carried(PERSON)
        cases = {p.id: {"person": {c: _json_value(getattr(p, c)) for c in person_cols}} for p in people}

        def fill(parts: tuple[Part, ...], parents: dict[str, dict[str, Any]]) -> None:
            for part in parts:
                found = _rows_under(s, part, list(parents))
                children: dict[str, dict[str, Any]] = {}
                for parent_id, record in parents.items():
                    records = [r for r in found.get(parent_id, []) if part.model is not Contact
                               or r["id"] not in withheld]
                    record[part.key] = records
                    children.update((r["id"], r) for r in records)
                if part.model is Contact:
                    _contact_links(s, children)
                if part.children:
                    fill(part.children, children)

        fill(CASE_PARTS, cases)
        closures = [{c: _json_value(v) for c, v in zip(_carried(CLOSURES), row, strict=True)}
                    for row in s.execute(select(*(CLOSURES.table.c[c] for c in _carried(CLOSURES)))
                                         .order_by(OfficeClosure.day))]
    return {"format": FORMAT, "version": VERSION, "cases": list(cases.values()), "office_closures": closures}


# -- checking a file --------------------------------------------------------------------------------
@dataclass
class _Node:
    """A record read from the file: its values as the store keeps them, and its own nested records."""

    part: Part
    path: str
    values: dict[str, Any]
    children: dict[str, list[_Node]] = field(default_factory=dict)

    @property
    def id(self) -> str | None:
        value = self.values.get("id")
        return value if isinstance(value, str) else None

    def walk(self) -> Iterator[tuple[_Node, _Node | None]]:
        """Every record under this one, with its parent (None for a case's own records)."""
        for nodes in self.children.values():
            for n in nodes:
                yield n, (self if self.part is not PERSON else None)
                yield from n.walk()


# Labels validation.py names its fields by, to the fields of the file.
_PERSON_FIELDS = {"CRN": "crn", "First name": "first_name", "Last name": "last_name", "Date of birth": "date_of_birth",
                  "PNC number": "pnc", "Tier": "tier", "RoSH level": "rosh"}
_SENTENCE_FIELDS = {"Order type": "order_type", "Start date": "start_date", "End date": "end_date"}
_REGISTER_FIELDS = {"Register": "type_code", "MAPPA category": "category", "MAPPA level": "level",
                    "Category": "category"}


def _named(path: str, errors: list[FieldError], fields: dict[str, str], otherwise: str) -> list[FieldError]:
    """A service's problems at their place in the file (a requirement's parameter keeps its label)."""
    return [FieldError(f"{path}.{fields[e.field]}", e.message) if e.field in fields
            else FieldError(f"{path}.{otherwise}", f"{e.field} {e.message}") for e in errors]


def _rules(node: _Node, sentence: _Node | None) -> list[FieldError]:
    """The checks a record's own service makes, beyond its fields' types."""
    v, path, table = node.values, node.path, node.part.table.name
    out = check_date_order(path, table, v) + check_codes(path, table, v)
    if node.part is PERSON and {"crn", "first_name", "last_name", "date_of_birth"} <= set(v):
        out += _named(path, validate_person(v["crn"], v["first_name"], v["last_name"], v["date_of_birth"],
                                            v.get("pnc"), v.get("tier"), v.get("rosh")), _PERSON_FIELDS, "crn")
        tier, scheme = v.get("tier"), v.get("tier_scheme")
        if isinstance(tier, str) and tier and scheme is not None and scheme_of_tier(tier) not in (None, scheme):
            out.append(FieldError(f"{path}.tier_scheme", f"'{scheme}' is not the scheme of tier {tier} (a letter "
                                                         "alone is 2026, a letter and a digit ab03): correct it, or "
                                                         "null"))
    elif table == "sentence" and {"order_type", "start_date"} <= set(v):
        out += _named(path, validate_sentence(v["order_type"], v["start_date"], v.get("end_date")),
                      _SENTENCE_FIELDS, "order_type")
    elif table == "requirement" and "type_code" in v:
        order = sentence.values.get("order_type", "CO") if sentence is not None else "CO"
        out += _named(path, validate_requirement(v["type_code"], v.get("params") or {}, order),
                      {"Requirement type": "type_code"}, "params")
    elif table == "registration" and "type_code" in v:
        out += _named(path, validate_registration(v["type_code"], v.get("category"), v.get("level")),
                      _REGISTER_FIELDS, "type_code")
    elif table == "predictor_score" and isinstance(v.get("kind"), str) and "score" in v:
        # The same check as scores typed on the case (one bad row would otherwise stop the caseload's tiers).
        if v["kind"] not in PREDICTOR_KINDS:
            out.append(FieldError(f"{path}.kind", f"'{v['kind']}' is not a predictor: use "
                                                  f"{', '.join(PREDICTOR_KINDS)}"))
        else:
            out += [FieldError(f"{path}.{field}", message)
                    for field, message in predictor_problems(v["kind"], v["score"], v.get("band"))]
    elif table == "contact":
        codes = contact_codes()
        if "type_code" in v and v["type_code"] not in codes.kinds:
            out.append(FieldError(f"{path}.type_code", f"'{v['type_code']}' is not a contact type: use a code from "
                                                       "resources/data (e.g. COAP)"))
        if v.get("outcome") is not None and v["outcome"] not in codes.outcomes:
            out.append(FieldError(f"{path}.outcome", f"'{v['outcome']}' is not an outcome: use a code from "
                                                     "resources/data (e.g. ATTC), or null for a booking"))
    return out


def _read(part: Part, path: str, record: Any, problems: list[FieldError], lists: Any = None, where: str = "") -> _Node:
    """A record and its nested records. A case's person holds only the person's fields: the case's lists sit
    beside it (`lists`, at `where`), as the person has a field named like one of them (disabilities)."""
    parts = CASE_PARTS if part is PERSON else part.children
    lists, where = (record, path) if lists is None else (lists, where)
    nested = frozenset() if part is PERSON else frozenset(c.key for c in parts)
    values, found = check_record(path, _specs(part), record, _set_from_place(part), nested)
    problems += found
    node = _Node(part, path, values)
    for child in parts:
        raw = lists.get(child.key, []) if isinstance(lists, dict) else []
        if not isinstance(raw, list):
            problems.append(FieldError(f"{where}.{child.key}", "is not a list: write [...] (or [] for none)"))
            raw = []
        node.children[child.key] = [_read(child, f"{where}.{child.key}[{i}]", r, problems)
                                    for i, r in enumerate(raw)]
    return node


def _read_case(i: int, case: Any, problems: list[FieldError]) -> _Node | None:
    path = f"cases[{i}]"
    if not isinstance(case, dict):
        problems.append(FieldError(path, "is not a case: write it as {\"person\": {...}, \"addresses\": [...], ...}"))
        return None
    known = {"person"} | {p.key for p in CASE_PARTS}
    problems += [FieldError(f"{path}.{k}", f"is not part of a case: remove it (a case has {', '.join(sorted(known))})")
                 for k in case if k not in known]
    if not isinstance(case.get("person"), dict):
        problems.append(FieldError(f"{path}.person", "is missing: every case has its person {\"crn\": ..., ...}"))
        return None
    return _read(PERSON, f"{path}.person", case["person"], problems, lists=case, where=path)


def _case_checks(case: _Node) -> list[FieldError]:
    """Rules across a case's records: references to records of the same case, unique values within it."""
    out: list[FieldError] = []
    ids: dict[str, set[str]] = defaultdict(set)  # table -> ids in this case
    for node, _parent in case.walk():
        if node.id:
            ids[node.part.table.name].add(node.id)
    unique: dict[tuple[str, tuple[Any, ...]], str] = {}
    for node, parent in case.walk():
        sentence = parent if parent is not None and parent.part.model is Sentence else None
        out += _rules(node, sentence)
        t = node.part.table
        for col in t.columns:
            value = node.values.get(col.name)
            if value is None or col.name in _set_from_place(node.part):
                continue
            for fk in col.foreign_keys:
                target = fk.column.table.name
                if target in ("person", "officer") or value in ids.get(target, ()):
                    continue
                out.append(FieldError(f"{node.path}.{col.name}", f"'{value}' is not the id of a {target} record of "
                                                                 "this case: give one from the same case, or null"))
        for cols in _unique_sets(t):
            key = tuple(case.id if c == "person_id" else node.values.get(c) for c in cols)
            if None in key:
                continue
            first = unique.setdefault((t.name, key), node.path)
            if first != node.path:
                shown = ", ".join(c for c in cols if c != "person_id")
                out.append(FieldError(f"{node.path}", f"has the same {shown} as {first}: keep one of them"))
    return _rules(case, None) + out


def _unique_sets(t: Table) -> list[tuple[str, ...]]:
    sets: list[tuple[str, ...]] = [(c.name,) for c in t.columns if c.unique and not c.primary_key]
    sets += [tuple(c.name for c in con.columns) for con in t.constraints if isinstance(con, UniqueConstraint)]
    return sets


@dataclass(frozen=True)
class _Parsed:
    cases: list[_Node]
    closures: list[_Node]


def _parse(data: Any) -> tuple[_Parsed, list[FieldError]]:
    problems = check_envelope(data)
    if problems and not (isinstance(data, dict) and isinstance(data.get("cases"), list)):
        return _Parsed([], []), problems
    cases: list[_Node] = []
    for i, raw in enumerate(data["cases"]):
        node = _read_case(i, raw, problems)
        if node is not None:
            problems += _case_checks(node)
            cases.append(node)
    raw_closures = data.get("office_closures") or []
    closures = [_read(CLOSURES, f"office_closures[{i}]", r, problems)
                for i, r in enumerate(raw_closures if isinstance(raw_closures, list) else [])]
    # Across the file: a record's id is one record's, a CRN one case's, a closed day one closure's.
    seen: dict[str, str] = {}
    crns: dict[str, str] = {}
    for case in cases:
        for node in [case, *(n for n, _p in case.walk())]:
            if node.id is not None:
                first = seen.setdefault(f"{node.part.table.name}:{node.id}", node.path)
                if first != node.path:
                    problems.append(FieldError(f"{node.path}.id", f"is also the id of {first}: give each record "
                                                                  "its own id (or leave it out for a new one)"))
        crn = case.values.get("crn")
        if isinstance(crn, str):
            first = crns.setdefault(crn, case.path)
            if first != case.path:
                problems.append(FieldError(f"{case.path}.crn", f"{crn} is also the CRN of {first}: a case is "
                                                               "in the file once"))
    days: dict[date, str] = {}
    for node in closures:
        day = node.values.get("day")
        if isinstance(day, date) and days.setdefault(day, node.path) != node.path:
            problems.append(FieldError(f"{node.path}.day", f"{day.isoformat()} is also {days[day]}: list a closed "
                                                           "day once"))
    return _Parsed(cases, closures), problems


def check_file(data: Any) -> list[FieldError]:
    """Every problem with an `lpt-cases` file's content that can be seen without a caseload."""
    return _parse(data)[1]


# -- import -----------------------------------------------------------------------------------------
@dataclass
class ImportResult:
    """What an import did: CRNs created and updated, cases skipped (with why) and what was not applied."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)  # asked to update, and the file held nothing new
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    closures_added: int = 0

    @property
    def wrote(self) -> bool:
        return bool(self.created or self.updated or self.closures_added)


def _existing(s: Session, table: Table, link: str | None, ids: Sequence[str]) -> dict[str, str | None]:
    """id -> the parent it hangs off (None where the table has no parent column), for the ids already here."""
    out: dict[str, str | None] = {}
    for chunk in _chunks(sorted(set(ids))):
        cols = (table.c.id, table.c[link]) if link else (table.c.id,)
        for row in s.execute(select(*cols).where(table.c.id.in_(chunk))):
            out[row[0]] = row[1] if link else None
    return out


def _plan(s: Session, parsed: _Parsed, update: bool, result: ImportResult
          ) -> tuple[list[tuple[_Node, Person | None]], list[_Node], list[FieldError]]:
    """Which cases to create (None) or update (their person), which closures to add, and the problems only the
    caseload can show (an id already used by another case's record, a CRN taken by another case)."""
    problems: list[FieldError] = []
    todo: list[tuple[_Node, Person | None]] = []
    # A few queries for the whole file, not a few per case (a Trust-scale file has thousands).
    ids = [c.id for c in parsed.cases if c.id]
    crns = [c.values["crn"] for c in parsed.cases]
    people = {p.id: p for chunk in _chunks(ids) for p in s.scalars(select(Person).where(Person.id.in_(chunk)))}
    people_by_crn = {p.crn: p for chunk in _chunks(crns)
                     for p in s.scalars(select(Person).where(Person.crn.in_(chunk)))}
    for case in parsed.cases:
        crn = case.values["crn"]
        name = f"{crn} ({case.values['first_name']} {case.values['last_name']})"
        by_id = people.get(case.id) if case.id else None
        by_crn = people_by_crn.get(crn)
        if by_id is None and by_crn is None:
            todo.append((case, None))
        elif not update:
            same = "id and CRN" if by_id is not None and by_crn is by_id else ("id" if by_id is not None else "CRN")
            result.skipped.append(f"{name}: already on this caseload (same {same}); not imported: give --update to "
                                  "update it from the file")
        elif by_id is None:
            result.skipped.append(f"{name}: this CRN is on this caseload as another record (a different id); not "
                                  "updated: the file's case and this one are not the same records")
        elif by_crn is not None and by_crn is not by_id:
            problems.append(FieldError(f"{case.path}.crn", f"{crn} is the CRN of another case on this caseload: "
                                                           "correct it, or leave the CRN as it is"))
        else:
            todo.append((case, by_id))
    # Every record id the cases to write carry: new, or (when updating) already this case's and in the same place.
    wanted: dict[Part, list[str]] = defaultdict(list)
    for case, _person in todo:
        for n, _p in case.walk():
            if n.id:
                wanted[n.part].append(n.id)
    here = {part: _existing(s, part.table, part.link, part_ids) for part, part_ids in wanted.items()}
    for case, person in todo:
        for n, parent in case.walk():
            found = here.get(n.part, {})
            if n.id is None or n.id not in found:
                continue
            owner = parent.id if parent is not None else case.id
            if person is None or found[n.id] != owner:
                problems.append(FieldError(f"{n.path}.id", f"'{n.id}' is already a record of another case "
                                                           "(or under another record) on this caseload: leave "
                                                           "the id out to make a new record"))
        if person is not None:
            problems += _unique_clashes(s, case)
    closures: list[_Node] = []
    for node in parsed.closures:
        day = node.values["day"]
        here = s.scalar(select(OfficeClosure).where(OfficeClosure.day == day))
        if here is None and node.id and s.get(OfficeClosure, node.id) is not None:
            problems.append(FieldError(f"{node.path}.id", f"'{node.id}' is another day's closure on this caseload: "
                                                          "leave the id out"))
        elif here is None:
            closures.append(node)
    return todo, closures, problems


def _unique_clashes(s: Session, case: _Node) -> list[FieldError]:
    """Values a case being updated may hold once (an override's rule, a request's report) that one of its
    records already on the caseload holds under another id."""
    out = []
    for node, _parent in case.walk():
        t = node.part.table
        for cols in _unique_sets(t):
            if any(c != "person_id" and node.values.get(c) is None for c in cols):
                continue
            where = [t.c[c] == (case.id if c == "person_id" else node.values[c]) for c in cols]
            other = s.scalar(select(t.c.id).where(*where))
            if other is not None and other != node.id:
                out.append(FieldError(node.path, f"has the same {', '.join(c for c in cols if c != 'person_id')} "
                                                 f"as record '{other}' of this case already here: use that id to "
                                                 "update it"))
    return out


def _changed(obj: Any, values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if k != "created_at" and getattr(obj, k) != v}


def _apply(s: Session, db: Database, case: _Node, person: Person | None,
           result: ImportResult) -> tuple[list[Row], bool]:
    """Set what the file says on the case's records already here; the records to create, and whether anything
    here was changed (an update that changed nothing is reported as unchanged, not updated)."""
    new: list[Row] = []
    changed = False
    pid = case.id or (person.id if person is not None else None)
    if person is None:
        created = Person(**case.values, officer_id=db.officer_id)
        new.append(created)
        pid = created.id = case.id or created.id or _new_id()
    else:
        for k, v in _changed(person, case.values).items():
            setattr(person, k, v)
            changed = True
    for node, parent in case.walk():
        link_value = parent.id if parent is not None else pid
        values = dict(node.values)
        if node.id is None:  # a record without an id in the file: a new id, so its children can name it
            node.values["id"] = values["id"] = _new_id()
        links = {name: values.pop(name, None) or [] for name in CONTACT_LINKS} if node.part.model is Contact else {}
        here = s.get(node.part.model, node.id) if person is not None else None
        if here is None:
            extra = {node.part.link: link_value}
            if "person_id" in node.part.table.columns and node.part.link != "person_id":
                extra["person_id"] = pid
            new.append(node.part.model(**values, **extra))
            for name, ids in links.items():
                model, column = CONTACT_LINKS[name]
                new += [model(contact_id=values["id"], **{column: x}) for x in dict.fromkeys(ids)]
            continue
        changes = _changed(here, values)
        kind = sync_kinds.for_model(node.part.model)
        if changes and kind is not None and kind.sealed(kind.to_data(here)):
            result.notes.append(f"{node.path}: differs from the record here ({', '.join(sorted(changes))}), which "
                                "is never edited once recorded: not changed (record a correction in the window)")
            continue
        for k, v in changes.items():
            setattr(here, k, v)
            changed = True
    return new, changed


def _load_updated(s: Session, cases: list[_Node]) -> list[Any]:
    """The records of the cases being updated, loaded a table at a time (not one query a record): the session
    finds them by id from then on. Returned so they stay in its (weak) identity map while the import runs."""
    wanted: dict[Part, list[str]] = defaultdict(list)
    for case in cases:
        for node, _parent in case.walk():
            if node.id:
                wanted[node.part].append(node.id)
    loaded: list[Any] = []
    for part, ids in wanted.items():
        model: Any = part.model
        for chunk in _chunks(ids):
            loaded += s.scalars(select(model).where(model.id.in_(chunk))).all()
    return loaded


def _new_id() -> str:
    from lpt_desktop.store.base import new_id

    return new_id()


def _in_table_order(rows: list[Row]) -> Iterator[list[Row]]:
    """The new records a table at a time, parents' tables first (foreign keys are enforced), corrections of
    a contact after the contact they correct."""
    by_table: dict[str, list[Row]] = defaultdict(list)
    for r in rows:
        by_table[r.__tablename__].append(r)
    for table in Base.metadata.sorted_tables:
        group = by_table.get(table.name)
        if group:
            yield _originals_first(group) if table.name == "contact" else group


def _originals_first(contacts: list[Row]) -> list[Row]:
    ids = {c.id for c in contacts}
    done: set[str] = set()
    out: list[Row] = []
    waiting = list(contacts)
    while waiting:
        later = []
        for c in waiting:
            amends = getattr(c, "amends_id", None)
            if amends is None or amends not in ids or amends in done:
                out.append(c)
                done.add(c.id)
            else:
                later.append(c)
        if len(later) == len(waiting):  # a loop of corrections: cannot happen from an export; keep the order
            out += later
            break
        waiting = later
    return out


@writes(Change.CASE, Change.REGISTER, Change.CONTACT, Change.ENFORCEMENT, Change.APPOINTMENT, Change.REPORT,
        Change.STANDARDS, Change.ASSESSMENT)
def import_cases(db: Database, data: Any, update: bool = False) -> ImportResult:
    """Load an `lpt-cases` file's content (parsed JSON): every case in one transaction, or nothing.

    Raises ValidationError listing every problem (path in the file, what is wrong, the fix) before any write
    transaction is opened. Cases already here (same id or CRN) are skipped and reported, or with update=True
    updated as local edits (audit and sync outbox as for any edit; recorded contacts never changed)."""
    parsed, problems = _parse(data)
    if problems:
        raise ValidationError(problems)
    result = ImportResult()
    with db.read() as s:  # what only the caseload can say, before a write transaction is opened
        todo, closures, problems = _plan(s, parsed, update, result)
    if problems:
        raise ValidationError(problems)
    if not todo and not closures:
        return result
    with db.write() as s:
        loaded = _load_updated(s, [case for case, person in todo if person is not None])  # noqa: F841 - held
        new: list[Row] = []
        for case, _person in todo:
            person = s.get(Person, _person.id) if _person is not None else None
            rows, changed = _apply(s, db, case, person, result)
            new += rows
            which = result.created if person is None else result.updated if changed or rows else result.unchanged
            which.append(case.values["crn"])
        new += [OfficeClosure(**n.values) for n in closures]
        result.closures_added = len(closures)
        s.flush()  # the updates first: a new record may name an updated one
        for group in _in_table_order(new):
            s.add_all(group)
            s.flush()
        s.add(Audit(actor=s.info["actor"], action="create", table_name="import", record_id="import",
                    detail=f"lpt-cases import: {len(result.created)} created, {len(result.updated)} updated, "
                           f"{len(result.unchanged)} unchanged, "
                           f"{len(result.skipped)} skipped, {result.closures_added} office closures"))
    return result
