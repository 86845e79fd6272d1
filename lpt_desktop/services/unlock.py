"""Creating, unlocking and re-keying a caseload file; the store hooks the services rely on.

The store knows nothing of sync, so the outbox hook (every change to a syncable row also writes an outbox
row in the same flush: lpt_desktop.sync.outbox) is installed here, by install_hooks(), before a caseload is
created or unlocked; services.sync calls it too before enrolment and sync. It listens on the model classes,
so once installed it holds for every Database in the process. Code that opens a Database directly (tests,
benchmarks) calls install_hooks() itself before writing.
"""

from __future__ import annotations

from pathlib import Path

from lpt_desktop.store.database import Database, change_passphrase
from lpt_desktop.store.keyfile import KdfParams
from lpt_desktop.store.models import Meta, Officer
from lpt_desktop.sync import outbox

__all__ = ["install_hooks", "create_caseload", "unlock", "change_passphrase"]


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


def unlock(path: Path, passphrase: str) -> Database:
    """Open and migrate; raises a StoreError subclass with a user-facing message on any failure."""
    install_hooks()
    db = Database.open(Path(path), passphrase)
    try:
        _set_actor(db)
    except BaseException:
        db.close()
        raise
    return db


def officer_id(db: Database) -> str | None:
    return db.meta("officer_id")
