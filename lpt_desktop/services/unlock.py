"""Creating, unlocking and re-keying a caseload file; the store hooks the services rely on.

The store knows nothing of sync, so the outbox hook (every change to a syncable row also writes an outbox
row in the same flush: lpt_desktop.sync.outbox) is installed here, by install_hooks(), before a caseload is
created or unlocked; services.sync calls it too before enrolment and sync. It listens on the model classes,
so once installed it holds for every Database in the process. Code that opens a Database directly (tests,
benchmarks) calls install_hooks() itself before writing.
"""

from __future__ import annotations

import re
from pathlib import Path

from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.store.database import Database, change_passphrase
from lpt_desktop.store.integrity import IntegrityReport, check_integrity
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Meta, Officer
from lpt_desktop.sync import outbox

__all__ = ["install_hooks", "create_caseload", "new_caseload_problems", "start_caseload", "unlock",
           "change_passphrase", "opening_notices", "check_file", "IntegrityReport"]

MIN_PASSPHRASE = 8
STAFF_CODE = re.compile(r"^[A-Za-z0-9]{2,20}$")


def install_hooks() -> None:
    """Install the sync outbox hook on every syncable model (idempotent; cheap after the first call)."""
    outbox.install()


def _set_actor(db: Database) -> None:
    with db.read() as s:
        officer_id = s.get(Meta, "officer_id")
        officer = s.get(Officer, officer_id.value) if officer_id else None
    db.actor = f"{officer.staff_code} {officer.name}" if officer else "unknown officer"
    db.officer_id = officer.id if officer else None
    db.role = officer.role if officer else "PO"


def create_caseload(path: Path, passphrase: str, officer_name: str, staff_code: str,
                    kdf: KdfParams | None = None, team: str | None = None) -> Database:
    # Four characters is the floor so the demo's "demo" passes; the GUI and CLI ask officers for 8.
    if len(passphrase) < 4:
        raise ValueError("Passphrase: is too short: use at least 4 characters (8 or more for a real caseload)")
    install_hooks()
    db = Database.create(Path(path), passphrase, kdf)
    db.actor = f"{staff_code} {officer_name}"
    with db.write() as s:
        officer = Officer(name=officer_name, staff_code=staff_code, role="PO", team=team)
        s.add(officer)
        s.flush()
        s.add(Meta(key="officer_id", value=officer.id))
    db.officer_id = officer.id
    return db


def new_caseload_problems(path: Path, passphrase: str, confirm: str | None, officer_name: str,
                          staff_code: str) -> list[FieldError]:
    """What is wrong with a request for a new, empty caseload (each naming its field and the fix)."""
    problems: list[FieldError] = []
    if not officer_name.strip():
        problems.append(FieldError("Officer's name", "is empty: type your name as colleagues know it"))
    if not STAFF_CODE.match(staff_code.strip()):
        problems.append(FieldError("Staff code", f"'{staff_code}' is not a staff code: use 2 to 20 letters and "
                                                 "digits, e.g. LPT0042"))
    if len(passphrase) < MIN_PASSPHRASE:
        problems.append(FieldError("Passphrase", f"is too short: use at least {MIN_PASSPHRASE} characters"))
    elif confirm is not None and confirm != passphrase:
        problems.append(FieldError("Type it again", "does not match the passphrase: type the same one twice"))
    for existing in (Path(path), Path(str(path) + ".key")):
        if existing.exists():
            problems.append(FieldError("Caseload file", f"{existing} already exists: open it, or choose another "
                                                        "file. Nothing has been changed"))
            break
    return problems


def start_caseload(path: Path, passphrase: str, officer_name: str, staff_code: str, team: str | None = None,
                   confirm: str | None = None, kdf: KdfParams | None = None) -> None:
    """A new, empty caseload for an officer's first run (the window's New caseload, `lpt init`); sync then
    downloads their cases. Raises ValidationError naming each field to put right; writes nothing then."""
    problems = new_caseload_problems(path, passphrase, confirm, officer_name, staff_code)
    if problems:
        raise ValidationError(problems)
    create_caseload(Path(path), passphrase, officer_name.strip(), staff_code.strip().upper(), kdf=kdf,
                    team=(team or "").strip() or None).close()


def unlock(path: Path, passphrase: str) -> Database:
    """Open and migrate; raises a StoreError subclass with a user-facing message on any failure."""
    install_hooks()
    db = Database.open(Path(path), passphrase)
    try:
        _set_actor(db)
        # The write counter's listeners before any writer or sync starts: a write already running when they are
        # first registered would never be counted at its commit, and a cache filled then would stay stale.
        from lpt_desktop.services.obligations import write_count
        write_count(db)
    except BaseException:
        db.close()
        raise
    return db


def officer_id(db: Database) -> str | None:
    return db.meta("officer_id")


def opening_notices(db: Database) -> list[str]:
    """What the officer must be told about how the caseload opened (a damaged -wal kept aside), in words."""
    return list(db.notices)


def check_file(db: Database) -> IntegrityReport:
    """Read every page of the open caseload and say what is damaged (the window runs it after the caseload is
    painted; `lpt check` on demand). Only reads; a lock interrupts it."""
    return check_integrity(db)
