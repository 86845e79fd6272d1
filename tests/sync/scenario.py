"""Randomised sync scenarios and the invariants every one must end with (shared by the fault, kill and
stateful tests and by bench/sync_faults.py).

A World is one team: an offender manager (laptop A) and two team managers (laptops B and C), each with
their own user name, so the central audit and conflicts can be told apart per laptop. Every field edit
writes a value never used before, so the oracle can say of each one where it went:

- still the server's value, or
- in a conflict (mine or theirs) the officers can see, or
- knowingly replaced: a later edit or delete was made by a laptop that had this value in front of it.

Anything else is a lost change. Created records must exist on the server (contacts, append-only, must
never be deleted); a delete must have happened or be in a conflict. After healing, syncing until quiet
must leave every laptop's records equal to each other and to the server's, each laptop's open conflicts
equal to the server's open conflicts in its scope, no conflict raised twice for one outbox change, no
record created twice, and the server's high-water mark for each laptop equal to its last outbox number.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from sqlalchemy import func, select, text

from lpt_desktop.central.models import AuditEntry, Device, Record, User
from lpt_desktop.services.unlock import install_hooks
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams, key_path_for
from lpt_desktop.store.models import Address, Contact, Person
from lpt_desktop.store.sync_models import SyncConflict, SyncOutbox
from lpt_desktop.sync import engine, state
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.client import SyncError
from lpt_desktop.sync.kinds import canonical
from lpt_desktop.sync.protocol import CONFLICT_KIND, FIRST_SAVE_REFUSED, MOVED_AWAY
from tests.sync.server import PASSWORD, CentralServer

PASSPHRASE = "correct horse battery"
KINDS = (Person, Address, Contact)
FIELDS = {Person: ("preferred_name", "first_language", "religion"), Address: ("line1", "line2", "town")}


_TEMPLATE: Path | None = None
_HASH: str | None = None


def _template() -> Path:
    """One fresh, empty, encrypted caseload per process; each laptop starts as a copy (creating one costs ~0.3 s)."""
    global _TEMPLATE
    if _TEMPLATE is None:
        path = Path(tempfile.mkdtemp(prefix="lpt-laptop-")) / "template.lptdb"
        Database.create(path, PASSPHRASE, KdfParams.fast()).close()
        _TEMPLATE = path
    return _TEMPLATE


def new_laptop_file(path: Path) -> None:
    """A fresh encrypted caseload at `path`; also installs the outbox hook, as unlocking a caseload does (the
    laptops here open their files with Database.open directly, and bench/sync_bench.py makes its laptops here)."""
    install_hooks()
    template = _template()
    shutil.copyfile(template, path)
    shutil.copyfile(key_path_for(template), key_path_for(path))


def add_user(server: CentralServer, username: str, role: str, team: str | None) -> str:
    """A user whose Argon2id hash has cheap parameters (verification reads them from the hash), so the dozens
    of sign-ins of a fault run do not each cost 0.3 s of CPU. The production hasher is unchanged."""
    global _HASH
    if _HASH is None:
        _HASH = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with server.db.write() as s:
        s.add(User(username=username, password_hash=_HASH, display_name=username, role=role, team=team))
    return username


@dataclass
class Edit:
    lap: str
    kind: str
    record_id: str
    field: str
    new: Any
    old: Any


@dataclass
class Deletion:
    lap: str
    kind: str
    record_id: str
    seen: dict[str, Any]


@dataclass
class Lap:
    name: str
    username: str
    path: Path
    db: Database | None = None
    syncs: int = 0
    errors: int = 0
    last_error: str = ""
    own_cases: bool = False  # an offender manager: holds the cases allocated to them (else the team's)
    laptop_id: str = ""  # set at enrolment: one officer may have several laptops

    @property
    def open_db(self) -> Database:
        assert self.db is not None, f"laptop {self.name} is closed"
        return self.db


@dataclass
class Verdict:
    stalled: bool = False
    problems: list[str] = field(default_factory=list)
    heal_seconds: float = 0.0
    heal_rounds: int = 0

    @property
    def diverged(self) -> bool:
        return bool(self.problems)

    def __str__(self) -> str:
        out = []
        if self.stalled:
            out.append("STALLED")
        out.extend(self.problems[:12])
        return "; ".join(out) or "ok"


class World:
    def __init__(self, server: CentralServer, tmp: Path, rng: random.Random, url: str | None = None,
                 timeout: float = 2.0, laptops: int = 3, moves: bool = False) -> None:
        self.server, self.tmp, self.rng = server, tmp, rng
        self.url = url or server.url  # where the laptops sync to (a fault proxy, or the server itself)
        self.timeout = timeout
        u = uuid.uuid4().hex[:8]
        self.team = f"team-{u}"
        # moves: a second offender manager (D) in the team; cases move between A and D at random.
        names = ["A", "B", "C", "D", "E"][:laptops] + (["D"] if moves and laptops < 4 else [])
        self.laps: dict[str, Lap] = {}
        self.moves = 0
        for name in names:
            # B, C, E: more laptops of A's officer (a team manager may not write case records: issue 19).
            username = add_user(server, f"{name.lower()}-{u}", role="offender_manager", team=self.team) \
                if name in ("A", "D") else self.laps["A"].username
            self.laps[name] = Lap(name, username, tmp / f"{name}-{u}.lptdb", own_cases=True)
        self.edits: list[Edit] = []
        self.deletions: list[Deletion] = []
        self.created: dict[tuple[str, str], str] = {}  # (kind, record id) -> laptop
        self.people: list[str] = []
        self.counter = 0
        self.max_seq: dict[str, int] = {n: 0 for n in self.laps}
        self.u = u
        # CRNs shifted by the world's own id: the store holds one case per CRN, and examples replayed with one
        # seed against one server must not collide (the seed's own draws stay as they were: same scenarios).
        self.crn_offset = int(u, 16) % 1_000_000
        # Laptops that held records before they enrolled: (kind, record id) -> laptop, every record they held
        # then; cases the server refused (a CRN it holds for another officer) and every record made in them.
        self.pre_enrolled: dict[tuple[str, str], str] = {}
        self.refused_cases: set[str] = set()
        self.refused_records: set[tuple[str, str]] = set()

    # -- laptops -----------------------------------------------------------------------------------
    def open_all(self) -> None:
        install_hooks()  # what services.unlock.unlock does before it opens a caseload
        for lap in self.laps.values():
            if lap.db is None:
                if not lap.path.exists():
                    new_laptop_file(lap.path)
                lap.db = Database.open(lap.path, PASSPHRASE)

    def close(self, name: str | None = None) -> None:
        for lap in ([self.laps[name]] if name else list(self.laps.values())):
            if lap.db is not None:
                lap.db.close()
                lap.db = None

    def enrol_all(self) -> None:
        self.open_all()
        for lap in self.laps.values():
            engine.enrol(lap.open_db, self.url, lap.username, PASSWORD)
            lap.laptop_id = engine.read_state(lap.open_db)[state.LAPTOP_ID]

    def sync(self, name: str) -> engine.SyncResult | None:
        """One sync over the (possibly faulty) network; None if it failed (the error is counted)."""
        lap = self.laps[name]
        lap.syncs += 1
        try:
            with engine.client_for(lap.open_db, timeout=self.timeout) as client:
                return engine.sync_once(lap.open_db, client)
        except SyncError as exc:
            lap.errors += 1
            lap.last_error = f"{type(exc).__name__}: {exc}"
            return None

    def _note_seq(self, name: str) -> None:
        with self.laps[name].open_db.read() as s:
            top = s.execute(text("SELECT seq FROM sqlite_sequence WHERE name = 'sync_outbox'")).scalar()
        self.max_seq[name] = max(self.max_seq[name], int(top or 0))

    # -- edits (through the ORM, as the services make them) ---------------------------------------
    def _value(self, name: str) -> str:
        self.counter += 1
        return f"{name}{self.counter}"

    def _crn(self, letter: str) -> str:
        return f"{letter}{(self.rng.randint(0, 999999) + self.crn_offset) % 1_000_000:06d}"

    def seed_cases(self, n: int = 2) -> None:
        db = self.laps["A"].open_db
        for i in range(n):
            with db.write() as s:
                p = Person(crn=self._crn("Z"), first_name="Dana", last_name=f"Case{i}",
                           date_of_birth=date(1990, 4, 1), tier="B2")
                s.add(p)
                s.flush()
                a = Address(person_id=p.id, line1=self._value("A"), town="Preston", postcode="PR1 2AA")
                s.add(a)
                s.flush()
                pid, aid = p.id, a.id
            self.people.append(pid)
            self.created[("person", pid)] = "A"
            self.created[("address", aid)] = "A"
        self._note_seq("A")

    def random_op(self, name: str) -> str:
        """One random local change on laptop `name`; returns what it did."""
        db = self.laps[name].open_db
        r = self.rng.random()
        with db.read() as s:
            people = sorted(s.scalars(select(Person.id)))
            addresses = sorted(s.scalars(select(Address.id)))
        if not people:
            return "nothing"
        if r < 0.35:
            return self._edit(name, Person, self.rng.choice(people))
        if r < 0.6 and addresses:
            return self._edit(name, Address, self.rng.choice(addresses))
        if r < 0.8:
            pid = self.rng.choice(people)
            with db.write() as s:
                c = Contact(person_id=pid, type_code="COAP", starts_at=datetime(2026, 11, 20, 10, 30),
                            outcome="ATTC", notes=self._value(name))
                s.add(c)
                s.flush()
                self.created[("contact", c.id)] = name
                if pid in self.refused_cases:
                    self.refused_records.add(("contact", c.id))
            self._note_seq(name)
            return "contact"
        if r < 0.9 or not addresses:
            pid = self.rng.choice(people)
            with db.write() as s:
                a = Address(person_id=pid, line1=self._value(name), town="Lancaster", postcode="LA1 1AA")
                s.add(a)
                s.flush()
                self.created[("address", a.id)] = name
                if pid in self.refused_cases:
                    self.refused_records.add(("address", a.id))
            self._note_seq(name)
            return "address"
        aid = self.rng.choice(addresses)
        kind = registry.for_model(Address)
        with db.write() as s:
            obj = s.get(Address, aid)
            seen = kind.to_data(obj)
            s.delete(obj)
        self.deletions.append(Deletion(name, "address", aid, seen))
        self._note_seq(name)
        return "delete"

    def _edit(self, name: str, model: type, record_id: str) -> str:
        return self._edit_field(name, model, record_id, self.rng.choice(FIELDS[model]))

    def _edit_field(self, name: str, model: type, record_id: str, column: str) -> str:
        kind = registry.for_model(model)
        value = self._value(name)
        with self.laps[name].open_db.write() as s:
            obj = s.get(model, record_id)
            if obj is None:  # not on this laptop (not pulled yet, or deleted here)
                return "nothing"
            old = getattr(obj, column)
            setattr(obj, column, value)
        self.edits.append(Edit(name, kind.name, record_id, column, value, old))
        self._note_seq(name)
        return f"edit {kind.name}.{column}"

    def resolve(self, name: str, choice: str) -> str:
        """Resolve one of the laptop's open conflicts (keep mine / keep theirs), noting what it writes."""
        from lpt_desktop.sync import conflicts as conflict_list

        db = self.laps[name].open_db
        open_ = conflict_list.list_conflicts(db)
        if not open_:
            return "no conflict"
        c = self.rng.choice(open_)
        kind = registry.get(c.kind)
        model = kind.model if kind is not None else None
        with db.read() as s:
            obj = s.get(model, kind.key_of(c.record_id)) if model is not None else None
            local = kind.to_data(obj) if obj is not None else None
        if choice == "mine" and model in FIELDS:
            if c.reason == "deleted_here":
                if local is not None:
                    self.deletions.append(Deletion(name, c.kind, c.record_id, local))
            elif c.mine:
                for column in FIELDS[model]:
                    if column in c.mine:
                        self.edits.append(Edit(name, c.kind, c.record_id, column, c.mine[column],
                                               (local or {}).get(column)))
        conflict_list.resolve(db, c.id, choice)  # type: ignore[arg-type]
        self._note_seq(name)
        return f"resolve {c.reason} {choice}"

    def enrol_holding(self, cases: int, refused: bool) -> str:
        """A new offender manager's laptop that holds cases before it enrols (a caseload started offline): each
        case a person, an address and a contact; with `refused`, one more case whose CRN the server already holds
        for another officer (it must end on the rejection list, with every record made in it)."""
        name = "EFGHIJ"[sum(1 for n in self.laps if n not in "ABCD")]
        username = add_user(self.server, f"{name.lower()}-{self.u}", role="offender_manager", team=self.team)
        lap = Lap(name, username, self.tmp / f"{name}-{self.u}.lptdb", own_cases=True)
        self.laps[name] = lap
        self.max_seq[name] = 0
        new_laptop_file(lap.path)
        lap.db = Database.open(lap.path, PASSPHRASE)
        taken = None
        if refused:
            with self.server.db.read() as s:
                held = [r for r in (s.get(Record, ("person", pid)) for pid in self.people) if r is not None]
            taken = (held[0].data or {}).get("crn") if held else None
        mine: list[str] = []
        for i in range(cases + (taken is not None)):
            crn = taken if i == cases else self._crn("Y")
            with lap.open_db.write() as s:
                p = Person(crn=crn, first_name="Held", last_name=f"Before{i}", date_of_birth=date(1988, 2, 3),
                           tier="C1")
                s.add(p)
                s.flush()
                a = Address(person_id=p.id, line1=self._value(name), town="Chorley", postcode="PR7 1AA")
                c = Contact(person_id=p.id, type_code="COAP", starts_at=datetime(2026, 11, 19, 14, 0), outcome="ATTC",
                            notes=self._value(name))
                s.add_all([a, c])
                s.flush()
                made = [("person", p.id), ("address", a.id), ("contact", c.id)]
            for key in made:
                self.pre_enrolled[key] = name
            if i == cases:
                self.refused_cases.add(p.id)
                self.refused_records.update(made)
            else:
                mine.append(p.id)
        engine.enrol(lap.open_db, self.url, username, PASSWORD)
        lap.laptop_id = engine.read_state(lap.open_db)[state.LAPTOP_ID]
        self._note_seq(name)
        self.people.extend(mine)
        for pid in mine:
            self.created[("person", pid)] = name
        return f"enrolled {name} holding {cases} case(s)" + (" and a refused one" if taken else "")

    def move(self) -> str:
        """Move a random case between the team's two offender managers (A and D), as `lpt-central allocate`."""
        from lpt_desktop.central.models import Allocation

        pid = self.rng.choice(self.people)
        with self.server.db.read() as s:
            alloc = s.get(Allocation, pid)
        if alloc is None:  # a case that never reached the server (the invariants say so)
            return "nothing"
        now = alloc.officer
        to = self.laps["D"].username if now == self.laps["A"].username else self.laps["A"].username
        self.server.allocate(pid, to)
        self.moves += 1
        return "move"

    def scope(self) -> dict[str, set[str]]:
        """Laptop -> the cases it should hold now (offender managers: their own; team managers: the team's)."""
        from lpt_desktop.central.models import Allocation

        with self.server.db.read() as s:
            alloc = dict(s.execute(select(Allocation.person_id, Allocation.officer).where(
                Allocation.person_id.in_(self.people))).tuples().all())
        out = {}
        for lap in self.laps.values():
            mine = lap.own_cases
            out[lap.name] = {p for p, officer in alloc.items() if not mine or officer == lap.username}
        return out

    # -- healing and the invariants ----------------------------------------------------------------
    def waiting(self, name: str) -> int:
        with self.laps[name].open_db.read() as s:
            return s.scalar(select(func.count()).select_from(SyncOutbox)) or 0

    def heal(self, max_rounds: int = 8, max_seconds: float = 60.0) -> Verdict:
        """Sync every laptop in turn until a whole round is quiet: nothing waiting, nothing pulled, verified."""
        verdict = Verdict()
        started = time.monotonic()
        self.timeout = max(self.timeout, 10.0)  # the network is healed: a slow answer on a busy machine is no fault
        noisy: list[str] = []
        for rnd in range(1, max_rounds + 1):
            quiet = True
            noisy = []
            for name in self.laps:
                result = self.sync(name)
                if result is None or not result.verified or result.waiting or result.pulled or result.pushed:
                    quiet = False
                    noisy.append(f"{name}: " + (f"failed ({self.laps[name].last_error})" if result is None else
                                               f"pushed {result.pushed}, pulled {result.pulled}, verified "
                                               f"{result.verified} {result.mismatched}, waiting {result.waiting}"))
            verdict.heal_rounds = rnd
            if quiet:
                break
            if time.monotonic() - started > max_seconds:
                break
        else:
            quiet = False
        verdict.heal_seconds = time.monotonic() - started
        if not quiet:
            verdict.stalled = True
            waiting = {n: self.waiting(n) for n in self.laps}
            verdict.problems.append(f"not quiet after {verdict.heal_rounds} rounds (waiting {waiting}; last round: "
                                    f"{'; '.join(noisy)})")
        self.check(verdict)
        return verdict

    def server_state(self) -> tuple[dict[tuple[str, str], Record], list[Record]]:
        with self.server.db.read() as s:
            recs = s.scalars(select(Record).where(Record.person_id.in_(self.people) | Record.record_id.in_(
                self.people))).all()
            conflicts = s.scalars(select(Record).where(Record.kind == CONFLICT_KIND, Record.owner.in_(
                [lap.username for lap in self.laps.values()]))).all()
        return {(r.kind, r.record_id): r for r in recs if r.kind != CONFLICT_KIND}, list(conflicts)

    def check(self, verdict: Verdict) -> None:
        problems = verdict.problems
        records, conflicts = self.server_state()
        # 1. Every laptop holds exactly the server's live records of the cases in its scope.
        scope = self.scope()
        for lap in self.laps.values():
            server_view: dict[str, dict[str, str]] = {kind.name: {} for kind in map(registry.for_model, KINDS)}
            for (kind, rid), rec in records.items():
                if kind in server_view and not rec.deleted and rec.person_id in scope[lap.name]:
                    server_view[kind][rid] = canonical(rec.data)
            mine = snapshot(lap.open_db)
            # What the server refused stays on the laptop that made it, on its rejection list (not on the server).
            # (A change to a case moved away before it was sent is refused too: its record stays on the laptop, as
            # refused, only if the case came back before the laptop let it go; so do later edits of a record whose
            # first save was refused so: the server refuses them too, never storing an edit as the record.)
            with lap.open_db.read() as s:
                refusals = s.execute(select(SyncConflict.kind, SyncConflict.record_id, SyncConflict.message,
                                            SyncConflict.mine, SyncConflict.status).where(
                    SyncConflict.reason == "rejected")).tuples().all()
            away = (MOVED_AWAY, FIRST_SAVE_REFUSED)
            listed = {(k, r) for k, r, m, _, _ in refusals if not str(m).startswith(away)}
            moved = {(k, r) for k, r, m, _, _ in refusals if str(m).startswith(away)} - listed
            refused_values: dict[tuple[str, str], list[dict[str, Any]]] = {}
            for k, r, m, values, status in refusals:
                if str(m).startswith(MOVED_AWAY) and status == "open" and values:
                    refused_values.setdefault((k, r), []).append(values)
            for kind, rows in mine.items():
                for rid in [r for r in rows if (kind, r) in moved]:
                    # Refused because the case moved away: the laptop keeps its version, listed for the officer,
                    # until they settle it (never resent by itself). Where the server does not hold the record (a
                    # first save refused) it is compared with nothing; where it does (the case came back before
                    # the laptop let it go), the laptop's copy is the server's but for values of its open refused
                    # changes (or is the server's, if the laptop let the case go and pulled it again).
                    theirs = server_view.get(kind, {}).pop(rid, None)
                    ours = rows.pop(rid)
                    if theirs is None or theirs == ours:
                        continue
                    server_data, local_data = json.loads(theirs), json.loads(ours)
                    odd = sorted(f for f in set(server_data) | set(local_data)
                                 if canonical(server_data.get(f)) != canonical(local_data.get(f))
                                 and not any(f in v and canonical(v[f]) == canonical(local_data.get(f))
                                             for v in refused_values.get((kind, rid), [])))
                    if odd:
                        problems.append(f"laptop {lap.name} {kind} {rid[:8]} (refused as moved away) differs from the "
                                        f"server in {odd}, which no open refused change of it holds")
                for rid in [r for r in rows if (kind, r) in listed]:
                    if (kind, rid) not in self.refused_records:
                        problems.append(f"laptop {lap.name} {kind} {rid[:8]} was refused, though its case was not")
                    del rows[rid]
            for kind, rows in server_view.items():
                if mine.get(kind) != rows:
                    missing = sorted(set(rows) - set(mine.get(kind, {})))[:3]
                    extra = sorted(set(mine.get(kind, {})) - set(rows))[:3]
                    differ = sorted(r for r in set(rows) & set(mine.get(kind, {})) if rows[r] != mine[kind][r])[:3]
                    problems.append(f"laptop {lap.name} {kind} differs from the server: missing {missing}, "
                                    f"extra {extra}, different {differ}")
        # 2. Every laptop sees the server's open conflicts in its scope, and no others.
        open_server = {c.record_id for c in conflicts if (c.data or {}).get("status") == "open" and not c.deleted}
        by_owner = {c.record_id: c for c in conflicts}
        for lap in self.laps.values():
            with lap.open_db.read() as s:
                local = set(s.scalars(select(SyncConflict.id).where(SyncConflict.status == "open")))
            # A laptop's own rejections stay with it when their case moves away (never dropped silently).
            expected = {cid for cid in open_server if by_owner[cid].person_id in scope[lap.name]
                        or (by_owner[cid].person_id is None and by_owner[cid].owner == lap.username)
                        or ((by_owner[cid].data or {}).get("reason") == "rejected"
                            and by_owner[cid].owner == lap.username)}
            if local != expected:
                problems.append(f"laptop {lap.name} conflicts differ: missing {sorted(expected - local)[:3]}, "
                                f"extra {sorted(local - expected)[:3]}")
        # 3. No outbox change raised two conflicts (applied twice), no record created twice.
        seen: dict[tuple[str, int], int] = {}
        for c in conflicts:
            key = ((c.data or {}).get("laptop_id"), (c.data or {}).get("seq"))
            seen[key] = seen.get(key, 0) + 1
        twice = [k for k, n in seen.items() if n > 1]
        if twice:
            problems.append(f"{len(twice)} outbox changes raised more than one conflict")
        users = [lap.username for lap in self.laps.values()]
        with self.server.db.read() as s:
            creates = s.execute(select(AuditEntry.kind, AuditEntry.record_id, func.count()).where(
                AuditEntry.username.in_(users), AuditEntry.action == "create").group_by(
                AuditEntry.kind, AuditEntry.record_id).having(func.count() > 1)).all()
            marks = {d.laptop_id: d.last_applied_seq for d in s.scalars(select(Device).where(
                Device.username.in_(users)))}
        if creates:
            problems.append(f"{len(creates)} records created twice, e.g. {creates[0][:2]}")
        # 4. The server applied each laptop's outbox up to its last number, and nothing is waiting.
        for lap in self.laps.values():
            self._note_seq(lap.name)  # the laptop's own last number (a rejection sent again by itself takes one)
            if marks.get(lap.laptop_id, 0) != self.max_seq[lap.name]:
                problems.append(f"laptop {lap.name}: server applied up to {marks.get(lap.laptop_id)}, "
                                f"the laptop wrote up to {self.max_seq[lap.name]}")
        # 5. Nothing lost.
        problems.extend(self.lost(records, conflicts))
        # 6. Whatever a laptop held when it enrolled is on the server or on a rejection list, never in neither;
        # refused exactly when its case was (with the reason in words).
        problems.extend(self.unplaced(records, conflicts))

    def unplaced(self, records: dict[tuple[str, str], Record], conflicts: list[Record]) -> list[str]:
        out = []
        rejected: dict[tuple[str, str], list[str]] = {}  # a refused record's later edits are refused too
        for c in conflicts:
            d = c.data or {}
            if d.get("reason") == "rejected":
                rejected.setdefault((d.get("kind"), d.get("record_id")), []).append(d.get("message") or "")
        for (kind, rid), lap in self.pre_enrolled.items():
            rec = records.get((kind, rid))
            if (kind, rid) in self.refused_records:
                if rec is not None:
                    out.append(f"{kind} {rid[:8]} of a refused case (laptop {lap}) is on the server")
                elif (kind, rid) not in rejected:
                    out.append(f"{kind} {rid[:8]} held by {lap} before it enrolled is neither on the server nor "
                               "on a rejection list")
                elif kind == "person" and not any("already holds CRN" in m for m in rejected[(kind, rid)]):
                    out.append(f"the refused case {rid[:8]} has no reason in words: {rejected[(kind, rid)]!r}")
            elif rec is None:
                out.append(f"{kind} {rid[:8]} held by {lap} before it enrolled never reached the server"
                           + (" (it was refused)" if (kind, rid) in rejected else ""))
        return out

    def lost(self, records: dict[tuple[str, str], Record], conflicts: list[Record]) -> list[str]:
        out = []
        in_conflict: dict[tuple[str, str], list[dict]] = {}
        for c in conflicts:
            d = c.data or {}
            in_conflict.setdefault((d.get("kind"), d.get("record_id")), []).append(d)
        for (kind, rid), lap in self.created.items():
            rec = records.get((kind, rid))
            if rec is None and any((c.data or {}).get("reason") == "rejected" and (c.data or {}).get("record_id") == rid
                                   and str((c.data or {}).get("message")).startswith(MOVED_AWAY) for c in conflicts):
                continue  # made in a case moved away before it was sent: on the rejection list, with the reason
            if rec is None and (kind, rid) in self.refused_records and any(
                    (c.data or {}).get("reason") == "rejected" and (c.data or {}).get("record_id") == rid
                    for c in conflicts):
                continue  # made in a case the server refused: on the rejection list, with the reason
            if rec is None:
                out.append(f"{kind} {rid[:8]} made on {lap} never reached the server")
            elif rec.deleted and not (kind == "address" and any(d.record_id == rid for d in self.deletions)):
                out.append(f"{kind} {rid[:8]} made on {lap} is deleted on the server, though nobody deleted it")
        for d in self.deletions:
            rec = records.get((d.kind, d.record_id))
            if rec is not None and not rec.deleted and not in_conflict.get((d.kind, d.record_id)):
                out.append(f"the delete of {d.kind} {d.record_id[:8]} on {d.lap} was lost (no conflict)")
        for e in self.edits:
            rec = records.get((e.kind, e.record_id))
            value = canonical(e.new)
            if rec is not None and not rec.deleted and canonical((rec.data or {}).get(e.field)) == value:
                continue
            if any(canonical((c.get("mine") or {}).get(e.field)) == value
                   or canonical((c.get("theirs") or {}).get(e.field)) == value
                   for c in in_conflict.get((e.kind, e.record_id), [])):
                continue
            if any(o.kind == e.kind and o.record_id == e.record_id and o.field == e.field
                   and canonical(o.old) == value for o in self.edits):
                continue
            if any(d.kind == e.kind and d.record_id == e.record_id and canonical(d.seen.get(e.field)) == value
                   for d in self.deletions):
                continue
            out.append(f"edit {e.kind}.{e.field}={e.new} on {e.lap} was lost: not on the server, in no conflict, "
                       "and nobody who replaced it had seen it")
        return out


def snapshot(db: Database) -> dict[str, dict[str, str]]:
    out: dict[str, dict[str, str]] = {}
    with db.read() as s:
        for model in KINDS:
            kind = registry.for_model(model)
            out[kind.name] = {kind.record_id(o): canonical(kind.to_data(o)) for o in s.scalars(select(model))}
    return out


def run_faulty(world: World, proxy: Any, plan: Any, rounds: int, ops: tuple[int, int] = (1, 3),
               kill: Any = None) -> None:
    """Rounds of offline edits and syncs through the faulty proxy, laptops in a random order each round.
    kill(world) is called at random points (a server crash, say) when given."""
    rng = world.rng
    proxy.set_plan(plan)
    for _ in range(rounds):
        order = list(world.laps)
        rng.shuffle(order)
        for name in order:
            for _ in range(rng.randint(*ops)):
                world.random_op(name)
            if rng.random() < 0.8:  # sometimes a laptop stays offline for the round
                world.sync(name)
            if "D" in world.laps and rng.random() < 0.2:
                world.move()
            if kill is not None and rng.random() < 0.25:
                kill(world)
    proxy.heal()


@dataclass
class Tally:
    runs: int = 0
    stalled: int = 0
    diverged: int = 0
    faults: int = 0
    syncs: int = 0
    failed_syncs: int = 0
    crashed: int = 0  # runs that could not finish (bench/sync_faults.py counts them instead of stopping)
    details: list[str] = field(default_factory=list)

    def add(self, seed: int, verdict: Verdict, world: World, faults: int) -> None:
        self.runs += 1
        self.stalled += verdict.stalled
        self.diverged += verdict.diverged and not verdict.stalled
        self.faults += faults
        self.syncs += sum(lap.syncs for lap in world.laps.values())
        self.failed_syncs += sum(lap.errors for lap in world.laps.values())
        if verdict.stalled or verdict.diverged:
            self.details.append(f"seed {seed}: {verdict}")

    def line(self, label: str) -> str:
        return (f"{label}: {self.runs} randomised runs, {self.stalled} stalled, {self.diverged} diverged"
                + (f", {self.crashed} crashed " if self.crashed else " ")
                + f"({self.faults} faults injected, {self.syncs} syncs of which {self.failed_syncs} failed)")
