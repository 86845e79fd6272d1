"""`lpt-desktop --self-test`: proves an installed bundle has everything it needs at run time.

Each step runs the real code path on a throwaway encrypted caseload in a temporary folder.
One line of output: the summary, or the first step that failed and why. Exit code 0 or 1.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from lpt_desktop import __version__

PASSPHRASE = "self-test passphrase"


class StepFailed(Exception):
    def __init__(self, step: str, cause: BaseException) -> None:
        super().__init__(f"{step}: {cause.__class__.__name__}: {cause}")
        self.step = step


def _steps(folder: Path, state: dict) -> list[tuple[str, Callable[[], None]]]:
    from lpt_desktop.domain.contacts import ContactInput
    from lpt_desktop.reports.caseload_report import caseload_pdf
    from lpt_desktop.services.caseload import load_caseload
    from lpt_desktop.services.cases import add_person, add_sentence, open_case
    from lpt_desktop.services.contacts import list_contacts, record_contact, search_notes
    from lpt_desktop.services.unlock import create_caseload, unlock
    from lpt_desktop.store.engine import is_plain_sqlite
    from lpt_desktop.store.keyfile import KdfParams
    from lpt_desktop.store.migrations import current_revision, head_revision

    path = folder / "self-test.lptdb"

    def create() -> None:
        create_caseload(path, PASSPHRASE, "Self Test", "SELF0001", kdf=KdfParams.fast()).close()
        if is_plain_sqlite(path):
            raise AssertionError("the database file is not encrypted")

    def migrate() -> None:
        db = unlock(path, PASSPHRASE)
        state["db"] = db
        if current_revision(db.engine) != head_revision():
            raise AssertionError(f"schema at {current_revision(db.engine)}, expected {head_revision()}")

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

    def window() -> None:
        _window_round_trip(path, folder)

    return [("create encrypted database", create), ("unlock and migrate", migrate),
            ("write and read a case", case), ("write and read a contact", contact),
            ("render a report PDF", report), ("work out what is due", standards),
            ("render a court report", court), ("read the sync state", sync),
            ("open and close the main window", window)]


def _window_round_trip(path: Path, folder: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QSettings, QThread
    from PySide6.QtWidgets import QApplication

    from lpt_desktop.gui import resources_rc  # noqa: F401
    from lpt_desktop.gui.app import route_qt_messages
    from lpt_desktop.gui.main_window import MainWindow
    from lpt_desktop.gui.preferences import Preferences

    route_qt_messages()
    app = QApplication.instance() or QApplication([sys.argv[0]])
    prefs = Preferences(QSettings(str(folder / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(path, prefs=prefs)
    window.show()
    window.request_unlock(PASSPHRASE)
    deadline = QDeadlineTimer(20000)
    while window.unlocking and not deadline.hasExpired():
        QCoreApplication.processEvents()
        QThread.msleep(10)
    try:
        if not window.is_unlocked:
            raise AssertionError(f"the window did not unlock: {window.unlock_page.ui.errorLabel.text()}")
        if window.caseload_view.model.rowCount() != 1:
            raise AssertionError("the caseload view does not show the self-test case")
    finally:
        window.close()
        window.deleteLater()
        QCoreApplication.processEvents()
    del app


def run() -> int:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lpt-self-test-", ignore_cleanup_errors=True) as tmp:
        state: dict = {}
        try:
            steps = _steps(Path(tmp), state)
        except BaseException as exc:  # a module missing from the bundle shows up here
            print(f"LPT Desktop {__version__} self-test FAILED at 'load the application': "
                  f"{exc.__class__.__name__}: {exc}")
            return 1
        for name, fn in steps:
            try:
                fn()
            except BaseException as exc:  # report the step, never a traceback
                if "db" in state:
                    state["db"].close()  # so the temporary folder can be removed, on Windows too
                print(f"LPT Desktop {__version__} self-test FAILED at '{name}': {exc.__class__.__name__}: {exc}")
                return 1
    elapsed = time.perf_counter() - started
    print(f"LPT Desktop {__version__} self-test passed: {len(steps)} steps in {elapsed:.1f} s")
    return 0
