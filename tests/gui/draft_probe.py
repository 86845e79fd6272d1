"""Run by test_contacts_gui: type a contact, wait for its draft to be saved, then wait to be killed.

python -m tests.gui.draft_probe DB PASSPHRASE PERSON_ID TEXT SETTINGS
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from lpt_desktop.gui import resources_rc  # noqa: E402,F401
from lpt_desktop.gui.main_window import MainWindow  # noqa: E402
from lpt_desktop.gui.preferences import Preferences  # noqa: E402


def main() -> None:
    db, passphrase, person_id, text, settings = sys.argv[1:6]
    app = QApplication(sys.argv[:1])
    window = MainWindow(Path(db), prefs=Preferences(QSettings(settings, QSettings.Format.IniFormat)))
    window.show()

    def typed(view) -> None:  # noqa: ANN001
        contacts = view.show_contacts()

        def when_open() -> None:
            if contacts.side.currentWidget() is not contacts.entry:
                QTimer.singleShot(50, when_open)
                return
            contacts.entry.notes.setPlainText(text)
            watch()

        def watch() -> None:
            if contacts.entry.draft_label.text().startswith("Draft saved"):
                print("DRAFT-SAVED", flush=True)  # the parent kills us now, mid-entry
                return
            QTimer.singleShot(100, watch)

        contacts.start_entry()
        when_open()

    window.unlocked.connect(lambda: window.open_case(person_id, then=typed))
    window.request_unlock(passphrase)
    app.exec()


if __name__ == "__main__":
    main()
