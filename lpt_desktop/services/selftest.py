"""The core half of `lpt-desktop --self-test`: each step runs the real code path on a throwaway encrypted
caseload in a folder the caller owns (the window's half is gui/selftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

PASSPHRASE = "self-test passphrase"
CASELOAD_FILE = "self-test.lptdb"


def core_steps(folder: Path, state: dict[str, Any]) -> list[tuple[str, Callable[[], None]]]:
    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.reports.caseload_report import caseload_pdf
    from lpt_desktop.services.caseload import load_caseload
    from lpt_desktop.services.cases import add_person, add_sentence, open_case
    from lpt_desktop.services.contacts import list_contacts, record_contact, search_notes
    from lpt_desktop.services.unlock import check_file, create_caseload, unlock
    from lpt_desktop.store.engine import is_plain_sqlite
    from lpt_desktop.store.keyfile import KdfParams
    from lpt_desktop.store.migrations import current_revision, head_revision

    path = folder / CASELOAD_FILE

    def create() -> None:
        create_caseload(path, PASSPHRASE, "Self Test", "SELF0001", kdf=KdfParams.fast()).close()
        if is_plain_sqlite(path):
            raise AssertionError("the database file is not encrypted")

    def migrate() -> None:
        db = unlock(path, PASSPHRASE)
        state["db"] = db
        if current_revision(db.engine) != head_revision():
            raise AssertionError(f"schema at {current_revision(db.engine)}, expected {head_revision()}")
        # The whole-file check the window runs after every unlock: the bundle's SQLCipher must know its pragmas.
        report = check_file(db)
        if not report.whole or report.pages < 2:
            raise AssertionError(f"the new file does not check out whole: {report.problems[:3]}")

    def case() -> None:
        db = state["db"]
        pid = add_person(db, crn="Z999999", first_name="Self", last_name="Test", date_of_birth=date(1990, 1, 1),
                         tier="C2", rosh="M")
        add_sentence(db, pid, order_type="CO", start_date=date(2026, 1, 5), end_date=date(2027, 1, 5))
        record = open_case(db, pid)
        if record.crn != "Z999999" or len(record.sentences) != 1:
            raise AssertionError("the case read back differs from the case written")
        state["pid"] = pid

    def contact() -> None:
        db = state["db"]
        record_contact(db, state["pid"], ContactInput("COAP", datetime(2026, 2, 2, 10, 30), outcome="ATTC",
                                                      notes="Self-test contact note"))
        read = list_contacts(db, state["pid"])
        if [(c.type_code, c.outcome) for c in read] != [("COAP", "ATTC")]:
            raise AssertionError("the contact read back differs from the contact written")
        if [h.crn for h in search_notes(db, "self-test note")] != ["Z999999"]:
            raise AssertionError("the note search did not find the contact")

    def report() -> None:
        pdf = caseload_pdf(load_caseload(state["db"]), "Self Test", datetime.now())
        if not pdf.startswith(b"%PDF") or len(pdf) < 1000:
            raise AssertionError("the PDF is empty or malformed")

    def standards() -> None:
        # The policies are data files: this fails if the bundle left resources/standards behind.
        from lpt_desktop.services.obligations import case_obligations

        rules = {o.rule for o in case_obligations(state["db"], state["pid"], as_of=date(2026, 3, 2))}
        if "first_contact" not in rules:
            raise AssertionError(f"the standards engine gave no first contact obligation ({sorted(rules)})")

    def court() -> None:
        from lpt_desktop.services import court as court_work

        request = court_work.create_request(state["db"], person_id=state["pid"], court="Preston Magistrates' Court",
                                            lja="Lancashire", hearing_date=date(2026, 3, 9), report_type="fdr",
                                            remanded=False, requested_on=date(2026, 3, 2))
        pdf = court_work.render_pdf(state["db"], court_work.start_report(state["db"], request, today=date(2026, 3, 2)))
        if not pdf.startswith(b"%PDF"):
            raise AssertionError("the court report PDF is malformed")

    def sync() -> None:
        from lpt_desktop.services.sync import sync_status
        from lpt_desktop.sync import client  # noqa: F401 - the HTTP stack must be in the bundle

        if sync_status(state["db"]).enrolled:
            raise AssertionError("a new caseload claims to be enrolled for sync")
        state["db"].close()

    return [("create encrypted database", create), ("unlock, migrate and check the file", migrate),
            ("write and read a case", case), ("write and read a contact", contact),
            ("render a report PDF", report), ("work out what is due", standards),
            ("render a court report", court), ("read the sync state", sync)]
