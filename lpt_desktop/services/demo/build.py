"""Writing a demo caseload: the bulk inserts of generate() and create_demo() around them."""

from __future__ import annotations

import contextlib
import random
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.exc import DBAPIError

from lpt_desktop.domain.reference import load_json, reference
from lpt_desktop.services.demo.common import DEMO_PASSPHRASE, DemoSpec, check_spec
from lpt_desktop.services.demo.court import _court_work
from lpt_desktop.services.demo.holders import add_holders
from lpt_desktop.services.demo.offices import add_offices
from lpt_desktop.services.demo.people import _one_case
from lpt_desktop.services.demo.plans import add_plans
from lpt_desktop.services.demo.rosh import add_rosh
from lpt_desktop.services.demo.signatures import add_signatures
from lpt_desktop.services.demo.tiering import _tier_decisions
from lpt_desktop.services.unlock import create_caseload, officer_id
from lpt_desktop.store import note_index
from lpt_desktop.store.case_record_models import (
    Alias,
    CaseEvent,
    Circumstance,
    Disability,
    PersonalContact,
    SentenceEvent,
)
from lpt_desktop.store.database import Database
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import (
    Address,
    Audit,
    Contact,
    Enforcement,
    LicenceCondition,
    Person,
    Registration,
    Requirement,
    Sentence,
    utcnow,
)
from lpt_desktop.store.schedule_models import StandardsRecord
from lpt_desktop.store.tiering_models import PredictorScore


def generate(db: Database, spec: DemoSpec, progress: Callable[[int, int], None] | None = None) -> None:
    """Fill an empty caseload with spec.cases people: Core bulk inserts in batches, one transaction."""
    check_spec(spec)
    rng = random.Random(spec.seed)
    today = spec.today or date.today()
    names = load_json("demo_names.json")
    ref = reference()
    owner = officer_id(db)
    now = utcnow()
    crn_numbers = rng.sample(range(100000, 999999), spec.cases)
    batch = 500
    # One transaction: a demo is all there or not at all, and one connection keeps a warm cache.
    with db.write() as s:
        conn = s.connection()  # Core executemany: one statement per table, no ORM bookkeeping
        s.add(Audit(actor=s.info["actor"], action="create", table_name="demo", record_id="demo",
                    detail=f"demo caseload: {spec.cases} cases, seed {spec.seed}"))
        with _bulk_cache(conn):
            for start in range(0, spec.cases, batch):
                rows: dict[type, list[dict[str, Any]]] = {m: [] for m in (
                    Person, Address, Sentence, Requirement, LicenceCondition, Registration, Contact, Enforcement,
                    StandardsRecord, Alias, Disability, PersonalContact, Circumstance, SentenceEvent, CaseEvent,
                    PredictorScore)}
                for i in range(start, min(start + batch, spec.cases)):
                    _one_case(rng, today, now, names, ref, owner, crn_numbers[i], spec.contacts_per_case, rows,
                              author=db.actor)
                with _fts_filled_in_bulk(conn):
                    for model, items in rows.items():
                        if items:
                            conn.execute(insert(model), items)
                if progress:
                    progress(min(start + batch, spec.cases), spec.cases)
            # Tiers in force from the cases as written: the same inputs and engine the case screen uses.
            _tier_decisions(s, conn, spec.seed, today, {"created_at": now, "updated_at": now}, owner, db.actor)


BULK_CACHE_KIB = 262_144


@contextlib.contextmanager
def _bulk_cache(conn: Connection) -> Iterator[None]:
    """A bigger page cache on this connection while the demo is written, then its own again.

    The contact table's UUID key and the note index take inserts all over their B-trees; at Trust
    scale they outgrow the store's cache, and every miss is a page decrypted again (about 13% of
    the generation time at 7,500 cases).
    """
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with contextlib.suppress(DBAPIError):  # after a failed write the caller closes the database anyway
            conn.exec_driver_sql(f"PRAGMA cache_size = {int(before)}")


@contextlib.contextmanager
def _fts_filled_in_bulk(conn: Connection) -> Iterator[None]:
    """Index the notes of the rows inserted in this block in one statement, not one trigger call a row.

    Indexing through migration 0003's insert trigger, one FTS5 insert per row, costs two to three
    times as much as one INSERT ... SELECT over the batch (measured on 100,000 demo notes). Inside
    the caller's transaction the trigger is dropped, the new rows are indexed with the trigger's
    own statement for many rows, and the trigger is recreated from its stored SQL.
    """
    trigger = conn.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name = 'contact_fts_insert'").scalar()
    if trigger is None:  # an older schema without the index: nothing to do
        yield
        return
    last = note_index.last_contact_rowid(conn)
    conn.exec_driver_sql("DROP TRIGGER contact_fts_insert")
    yield
    note_index.index_added(conn, last)
    conn.exec_driver_sql(trigger)


def create_demo(path: Path, passphrase: str = DEMO_PASSPHRASE, spec: DemoSpec | None = None,
                kdf: KdfParams | None = None,
                progress: Callable[[int, int], None] | None = None) -> Database:
    """A new encrypted file holding a demo caseload (refuses to overwrite an existing file)."""
    spec = spec or DemoSpec()
    check_spec(spec)  # before any file is written
    db = create_caseload(Path(path), passphrase, "Alex Morgan", "LPT0042", kdf=kdf, team="Preston Central")
    try:
        generate(db, spec, progress)
        add_rosh(db, spec)  # after the cases: every one gets its RoSH history (issue 18)
        add_plans(db, spec)  # needs and sentence plans, on the days the standards history gives (issue 20)
        add_signatures(db, spec)  # the countersignature chains of the RoSH work and the plans (issue 19)
        _court_work(db, spec)
        add_offices(db)
        add_holders(db, spec)  # the officer a full-time load, the rest two colleagues' (issue 21 workload)
    except BaseException:
        db.close()
        raise
    return db
