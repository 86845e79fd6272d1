"""After a real window session (unlock, filter, open a case, lock, quit) no case data is on disk in plaintext."""

from __future__ import annotations

from datetime import date

import pytest

from lpt_desktop.paths import log_dir
from lpt_desktop.services.cases import add_person, add_sentence
from lpt_desktop.services.unlock import create_caseload
from lpt_desktop.store.keyfile import KdfParams
from tests.conftest import PASSPHRASE
from tests.gui.conftest import unlock
from tests.test_plaintext import find_plaintext

pytestmark = pytest.mark.gui
NEEDLES = ("Zebedee", "Quaxworthy", "Q998877", "NEEDLE-4242-GUI")


def test_window_session_leaves_no_plaintext(make_window, qtbot, tmp_path, isolated_dirs, settings_path):
    path = tmp_path / "case" / "caseload.lptdb"
    db = create_caseload(path, PASSPHRASE, "Sam Jones", "LPT0007", kdf=KdfParams.fast())
    pid = add_person(db, crn="Q998877", first_name="Zebedee", last_name="Quaxworthy",
                     date_of_birth=date(1990, 4, 1), individual_needs="NEEDLE-4242-GUI")
    add_sentence(db, pid, order_type="CO", start_date=date(2026, 6, 1), end_date=date(2027, 6, 1))
    db.close()

    window = make_window(path)
    unlock(qtbot, window, PASSPHRASE)
    window.caseload_view.search.setText("Quax")
    assert window.caseload_view.proxy.rowCount() == 1
    with qtbot.waitSignal(window.case_opened, timeout=10000):
        window.open_case(pid)
    assert window.case_views()[0].case.individual_needs == "NEEDLE-4242-GUI"
    # While the caseload is open, the files on disk (database, WAL, shm) are already ciphertext.
    assert find_plaintext([path.parent], NEEDLES) == []
    window.close()
    assert not window.is_unlocked

    roots = [path.parent, settings_path.parent, log_dir(), *isolated_dirs.all()]
    assert find_plaintext(roots, NEEDLES) == []
    # The scan itself can see plaintext where there is some.
    (isolated_dirs.tmp / "planted.txt").write_text("Zebedee")
    assert find_plaintext(roots, NEEDLES)
