"""The caseload list: one row per person, with flags and the next thing due.

"Next due" is the National Standards engine's: the case's first overdue or due obligation by due date,
else its next upcoming one (services/obligations.next_due), the same items the case screen, "this week"
and the calendar show. A booked appointment is not itself due: it is how a due contact gets met.
"""

from __future__ import annotations

import bisect
import dataclasses
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, select

from lpt_desktop.domain.reference import reference
from lpt_desktop.services.countersign import awaiting_of, refused_ids
from lpt_desktop.services.obligations import INCREMENTAL_MAX, cases_changed_since, next_due_by_person, write_count
from lpt_desktop.services.tiering import caseload_tiers, tier_differs
from lpt_desktop.standards.obligations import Obligation
from lpt_desktop.store.case_record_models import Alias
from lpt_desktop.store.database import Database
from lpt_desktop.store.models import Audit, Contact, Person, Registration, Sentence

FLAG_ORDER = ("MAPPA", "CP", "DA", "PPO")


@dataclass(frozen=True, slots=True)  # slots: 7,500 of these are built on every caseload load
class CaseloadRow:
    person_id: str
    crn: str
    name: str  # "Surname, Forename" as probation lists sort and show names
    order_type: str
    order_label: str
    tier: str
    rosh: str
    rosh_label: str
    rosh_rank: int
    flags: tuple[str, ...]
    mappa: str  # "Cat 2 Level 1", or empty
    next_due: date | None
    next_due_what: str
    next_due_status: str = ""  # upcoming | due | overdue (the engine's status of that obligation)
    next_appointment: datetime | None = None  # the next booked appointment, today or later
    aliases: str = ""  # other names the person is known by, "First Last; ..." (the filter finds them too)
    tier_scheme: str = ""  # the scheme of the tier in force (2026 | ab03), empty for a typed tier or none
    suggested_tier: str = ""  # the suggested tier under the scheme in preferences (services/tiering.py)
    suggested_scheme: str = ""  # the scheme in preferences, which suggested_tier is of (2026 | ab03)
    tier_differs: bool = False  # the suggested tier is not the one in force (tiering.tier_differs)
    # "Awaiting countersignature" while the assessment that set the RoSH level awaits it (the level is in force
    # meanwhile; issue 19), else empty.
    rosh_signing: str = ""
    # The next-due and suggested-tier columns are still being worked out (load_caseload(worked_out=False)): their
    # fields are blank meanwhile and say nothing; fill_columns gives the row its worked-out values.
    columns_pending: bool = False

    @property
    def search_key(self) -> str:
        return (f"{self.crn} {self.name} {self.aliases}" if self.aliases else f"{self.crn} {self.name}").casefold()


OVERDUE = "overdue"
_DUE_RANK = {"overdue": 0, "due": 1, "upcoming": 2}
_FAR_FUTURE = date(9999, 12, 31)


def is_overdue(row: CaseloadRow) -> bool:
    """The one definition of an overdue case: the caseload paints these rows red and the status bar's
    "Overdue: N" counts them (case_standing gives the same answer from the due items). The engine's next
    obligation is the first overdue or due one, so a case is overdue exactly when anything of it is."""
    return row.next_due_status == OVERDUE


def case_standing(statuses: Iterable[str]) -> str:
    """A case's standing from its obligations' statuses, as its caseload row shows it: 'overdue' if any is
    overdue, else 'due' if any is due, else 'upcoming' or ''."""
    found = set(statuses)
    return next((s for s in ("overdue", "due", "upcoming") if s in found), "")


def count_cases(standings: Iterable[tuple[str, str]]) -> dict[str, int]:
    """(person_id, obligation status) pairs -> cases per standing ({'overdue': 7, 'due': 3, ...}): what the
    status bar counts, one case once, whatever number of obligations it owes."""
    by_person: dict[str, list[str]] = {}
    for pid, status in standings:
        by_person.setdefault(pid, []).append(status)
    counts: dict[str, int] = {}
    for statuses in by_person.values():
        standing = case_standing(statuses)
        counts[standing] = counts.get(standing, 0) + 1
    return counts


def due_order(row: CaseloadRow) -> tuple[int, date, str]:
    """The caseload's default order: what to do first at the top (overdue, then due, then upcoming, each by
    due date; cases owing nothing last), then by name."""
    return _DUE_RANK.get(row.next_due_status, 3), row.next_due or _FAR_FUTURE, row.name.casefold()


def caseload_statement(today: date) -> Select[Any]:  # many columns
    """One statement, correlated subqueries on indexed columns; see bench/ for its cost."""
    current_sentence = (
        select(Sentence.id).where(Sentence.person_id == Person.id, Sentence.terminated_on.is_(None))
        .order_by(Sentence.start_date.desc()).limit(1).correlate(Person).scalar_subquery()
    )
    active_regs = (Registration.person_id == Person.id) & Registration.ended_on.is_(None)
    # code:category:level for each active registration, "|"-separated. No review dates: register reviews
    # come from the engine (the next-due column), and without dates most people share a handful of sets,
    # so each distinct set is summarised once (see load_caseload).
    registers = select(func.group_concat(
        Registration.type_code + ":" + func.coalesce(Registration.category, "") + ":"
        + func.coalesce(Registration.level, ""), "|")).where(active_regs).correlate(Person).scalar_subquery()
    next_appointment = (
        select(func.min(Contact.starts_at))
        .where(Contact.person_id == Person.id, Contact.outcome.is_(None),
               Contact.starts_at >= datetime.combine(today, datetime.min.time()))
        .correlate(Person).scalar_subquery()
    )
    return (
        select(Person.id, Person.crn, Person.first_name, Person.last_name, Person.tier, Person.rosh,
               Sentence.order_type, registers.label("registers"), next_appointment.label("next_appointment"),
               Sentence.recalled_on, Person.tier_scheme)
        .outerjoin(Sentence, Sentence.id == current_sentence)
        .order_by(Person.last_name, Person.first_name)
    )


@dataclass(frozen=True)
class RegisterSummary:
    flags: tuple[str, ...]
    mappa: str


def summarise_registers(registers: str | None) -> RegisterSummary:
    """Flags and MAPPA arrangement from the caseload query's packed column."""
    ref = reference()
    flags: set[str] = set()
    mappa = ""
    for item in (registers or "").split("|"):
        if not item:
            continue
        code, category, level = item.split(":")
        rtype = ref.register_types.get(code)
        if rtype is None:
            continue
        if rtype.flag:
            flags.add(rtype.flag)
        if code == "MAPP":
            mappa = f"Cat {category} Level {level}"
    return RegisterSummary(tuple(f for f in FLAG_ORDER if f in flags), mappa)


# packed registers -> their summary: a pure function of the string and the reference data (read once per process),
# so kept across loads (at Trust scale about 530 distinct sets, summarised on every load before: 75 ms of it).
_summaries: dict[str | None, RegisterSummary] = {}
_SUMMARIES_MAX = 50_000


def order_text(label: str, recalled_on: date | None) -> str:
    """The Order column's words: a licence recalled and not yet re-released says so (recalled_on is cleared at
    re-release), as the officer must not read a recalled person as supervised in the community."""
    return f"{label} (recalled)" if recalled_on is not None else label


# db -> the awaiting-countersignature column as last read: it read every completed RoSH assessment and every RoSH
# countersignature (0.77 s of a 0.92 s warm load at Trust scale), so after a write only the cases the audit names
# are read again (obligations.cases_changed_since), everyone when it cannot say whose.
@dataclass(frozen=True, slots=True)
class _KeptAwaiting:
    count: int  # write_count when read
    audit_max: int  # the audit's last row then
    refused: frozenset[str]  # the records the central store refused then (sync bookkeeping: no audit row says)
    found: dict[str, str]


_awaiting_kept: weakref.WeakKeyDictionary[Database, _KeptAwaiting] = weakref.WeakKeyDictionary()
# Tables whose writes change no case's countersigning (settings: no case's chain reads them).
_NOT_SIGNING = frozenset({"lpt_meta", "office_closure"})


def _awaiting(db: Database) -> dict[str, str]:
    count = write_count(db)  # read first: a write while reading makes the next call read again
    hit = _awaiting_kept.get(db)
    if hit is not None and hit.count == count:
        return hit.found
    with db.read() as s:
        people = cases_changed_since(db, s, hit.count, hit.audit_max, _NOT_SIGNING) if hit is not None else None
        audit_max = s.scalar(select(func.max(Audit.id))) or 0
        refused = frozenset(refused_ids(s))
        if hit is not None and people is not None and refused == hit.refused and len(people) <= INCREMENTAL_MAX:
            found = {pid: words for pid, words in hit.found.items() if pid not in people}
            if people:
                found.update(awaiting_of(s, people, set(refused)))
        else:  # first read, anyone's chain may have changed, or many cases written: everyone in one pass
            found = awaiting_of(s, None, set(refused))
    _awaiting_kept[db] = _KeptAwaiting(count, audit_max, refused, found)
    return found


# db -> the caseload statement's rows as last read, kept like the columns: the statement itself is most of a warm
# load (0.13 of 0.19 s CPU at Trust scale), so after a write only the cases the audit names are read again.
@dataclass(frozen=True, slots=True)
class _KeptResult:
    count: int  # write_count when read
    audit_max: int  # the audit's last row then
    today: date  # the next appointment is today's or later
    result: list[Any]  # the statement's rows, in its order (surname, forename)
    aliases: dict[str, list[str]]


_result_kept: weakref.WeakKeyDictionary[Database, _KeptResult] = weakref.WeakKeyDictionary()
_NOT_ROWS = frozenset({"lpt_meta", "office_closure"})  # settings: no row reads them


def _name_order(row: Any) -> tuple[str, str]:
    # The statement's ORDER BY (last_name, first_name): SQLite's BINARY collation compares UTF-8 bytes, which
    # orders as Python compares code points.
    return row.last_name, row.first_name


def _aliases(conn: Any, person_ids: list[str] | None) -> dict[str, list[str]]:
    query = select(Alias.person_id, Alias.first_name, Alias.last_name)
    if person_ids is not None:
        query = query.where(Alias.person_id.in_(person_ids))
    found: dict[str, list[str]] = {}  # few people have other names: one small query, not a column
    for pid, first, last in conn.execute(query):
        found.setdefault(pid, []).append(f"{first} {last}".strip())
    return found


def _caseload_result(db: Database, today: date) -> tuple[list[Any], dict[str, list[str]]]:
    """The caseload statement's rows (Core tuples) and each person's other names: kept until a write, then read
    again for the cases written (obligations.cases_changed_since), for everyone when it cannot say whose."""
    count = write_count(db)  # read first: a write while reading makes the next call read again
    hit = _result_kept.get(db)
    if hit is not None and hit.today != today:
        hit = None
    if hit is not None and hit.count == count:
        return hit.result, hit.aliases
    with db.read() as s:
        conn = s.connection()
        people = cases_changed_since(db, s, hit.count, hit.audit_max, _NOT_ROWS) if hit is not None else None
        audit_max = s.scalar(select(func.max(Audit.id))) or 0
        if hit is not None and people is not None and len(people) <= INCREMENTAL_MAX:
            result = [r for r in hit.result if r.id not in people]
            aliases = {pid: names for pid, names in hit.aliases.items() if pid not in people}
            if people:
                asked = sorted(people)
                for row in conn.execute(caseload_statement(today).where(Person.id.in_(asked))).all():
                    bisect.insort(result, row, key=_name_order)
                aliases.update(_aliases(conn, asked))
        else:
            # Core rows, unpacked as tuples: building 7,500 rows is a large part of the cost (see bench/).
            result = list(conn.execute(caseload_statement(today)).all())
            aliases = _aliases(conn, None)
    _result_kept[db] = _KeptResult(count, audit_max, today, result, aliases)
    return result, aliases


@dataclass(frozen=True)
class CaseloadColumns:
    """The columns worked out by the engines, apart from the rows: the first load after an unlock paints the rows
    first (the query, 0.7 s CPU at Trust scale) and fills these when they are ready (what is due for every case
    and the suggested tiers: about 8 s CPU cold at Trust scale)."""

    next_due: dict[str, Obligation]  # services/obligations.next_due_by_person
    scheme: str  # the tiering scheme in preferences
    suggested: dict[str, str]  # person -> suggested tier under it
    overrides: dict[str, str]  # person -> the suggestion their latest override overrode (tier_differs)


def caseload_columns(db: Database, today: date | None = None) -> CaseloadColumns:
    """The next-due and suggested-tier columns (each kept until a write, then worked out for the cases written)."""
    today = today or date.today()
    due = next_due_by_person(db, today)
    scheme, suggested, overrides = caseload_tiers(db, today)
    return CaseloadColumns(due, scheme, suggested, overrides)


def _column_fields(pid: str, tier: str, tier_scheme: str, columns: CaseloadColumns) -> dict[str, Any]:
    due = columns.next_due.get(pid)
    suggested = columns.suggested
    return {"next_due": due.due_by if due else None, "next_due_what": due.label if due else "",
            "next_due_status": due.status if due else "", "suggested_tier": suggested.get(pid, ""),
            "suggested_scheme": columns.scheme,
            "tier_differs": pid in suggested and tier_differs(suggested[pid], tier, tier_scheme, columns.scheme,
                                                              columns.overrides.get(pid))}


def fill_columns(rows: Iterable[CaseloadRow], columns: CaseloadColumns) -> list[CaseloadRow]:
    """The rows with their next-due and suggested-tier columns filled (in the same order): what load_caseload
    would have built with these columns."""
    return [dataclasses.replace(r, columns_pending=False, **_column_fields(r.person_id, r.tier, r.tier_scheme,
                                                                           columns)) for r in rows]


def load_caseload(db: Database, today: date | None = None, *, worked_out: bool = True) -> list[CaseloadRow]:
    """Every case's row. worked_out=False: without the next-due and suggested-tier columns (columns_pending set,
    their fields blank), for painting the rows before caseload_columns has worked them out."""
    today = today or date.today()
    ref = reference()
    rosh_levels = ref.rosh_levels
    order_labels = {code: o.label for code, o in ref.order_types.items()}
    summaries = _summaries  # most people share a few hundred register sets: each summarised once per process
    if len(summaries) > _SUMMARIES_MAX:
        summaries.clear()
    # Kept until a write, then worked out again for the cases written.
    columns = caseload_columns(db, today) if worked_out else None
    awaiting = _awaiting(db)
    result, aliases = _caseload_result(db, today)
    rows: list[CaseloadRow] = []
    pending: dict[str, Any] = {"next_due": None, "next_due_what": "", "columns_pending": True}
    for pid, crn, first, last, tier, rosh, order, registers, next_appt, recalled_on, tier_scheme in result:
        regs = summaries.get(registers)
        if regs is None:
            regs = summaries[registers] = summarise_registers(registers)
        level = rosh_levels.get(rosh or "")
        rows.append(CaseloadRow(
            person_id=pid, crn=crn, name=f"{last}, {first}", order_type=order or "",
            order_label=order_text(order_labels.get(order, order), recalled_on) if order else "No current order",
            tier=tier or "", rosh=rosh or "",
            rosh_label=level.label if level else "Not assessed", rosh_rank=level.rank if level else 0,
            flags=regs.flags, mappa=regs.mappa,
            next_appointment=next_appt, aliases="; ".join(aliases.get(pid, ())),
            tier_scheme=tier_scheme or "", rosh_signing=awaiting.get(pid, ""),
            **(_column_fields(pid, tier or "", tier_scheme or "", columns) if columns is not None else pending),
        ))
    return rows


def warm_up() -> None:
    """Once per process, what the first unlock and caseload load would otherwise do (the window runs it on a worker
    while the passphrase is typed): SQLAlchemy's mappers configured, the newest schema revision read from the
    migration scripts (store.database.head_revision), and the bank holidays of the years around today loaded
    (their first use imports every country the `holidays` package knows)."""
    from sqlalchemy.orm import configure_mappers

    from lpt_desktop.standards.calendar import is_bank_holiday
    from lpt_desktop.store.database import head_revision

    configure_mappers()
    head_revision()
    this_year = date.today().year
    for year in range(this_year - 3, this_year + 3):
        is_bank_holiday(date(year, 1, 1))


def caseload_json(rows: list[CaseloadRow]) -> list[dict[str, Any]]:
    return [
        {"crn": r.crn, "name": r.name, "order_type": r.order_type, "order": r.order_label, "tier": r.tier or None,
         "rosh": r.rosh_label, "flags": list(r.flags), "mappa": r.mappa or None,
         "next_due": r.next_due.isoformat() if r.next_due else None, "next_due_what": r.next_due_what or None,
         "next_due_status": r.next_due_status or None, "tier_scheme": r.tier_scheme or None,
         "suggested_tier": r.suggested_tier or None, "tier_differs": r.tier_differs,
         "rosh_signing": r.rosh_signing or None}
        for r in rows
    ]
