"""Entry point of the desktop app: `lpt-desktop [--db PATH] [--demo]`."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import cast

from PySide6.QtCore import QFile, QSettings, QTextStream, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from lpt_desktop import APP_NAME, APP_SLUG, ORG_NAME, __version__
from lpt_desktop.gui import resources_rc  # noqa: F401 - registers :/lpt resources
from lpt_desktop.gui.main_window import MainWindow
from lpt_desktop.gui.platform_check import other_platform, startup_problem
from lpt_desktop.gui.qtlog import route_qt_messages
from lpt_desktop.logs import setup_logging
from lpt_desktop.paths import default_db_path, demo_db_path


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="lpt-desktop", description=f"{APP_NAME} {__version__}")
    parser.add_argument("--db", type=Path, help="caseload file (default: in your user data folder)")
    parser.add_argument("--demo", action="store_true",
                        help="open the demo caseload of 60 fictional cases (passphrase: demo), creating it if needed")
    parser.add_argument("--self-test", action="store_true",
                        help="check this installation on a throwaway caseload, print one line and exit")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    return parser.parse_args(argv)


def stylesheet() -> str:
    f = QFile(":/lpt/styles/lpt.qss")
    if not f.open(QFile.OpenModeFlag.ReadOnly | QFile.OpenModeFlag.Text):
        return ""
    try:
        return QTextStream(f).readAll()
    finally:
        f.close()


def make_application(argv: list[str]) -> QApplication:
    route_qt_messages()
    app = cast(QApplication, QApplication.instance() or QApplication(argv))
    app.setOrganizationName(ORG_NAME)
    app.setApplicationName(APP_SLUG)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(":/lpt/icons/app.svg"))
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    app.setStyle("Fusion")
    app.setStyleSheet(stylesheet())
    return app


def build_window(args: argparse.Namespace) -> MainWindow:
    path = args.db or (demo_db_path() if args.demo else default_db_path())
    return MainWindow(path, demo=args.demo, staged=True)


def _excepthook(kind: type[BaseException], exc: BaseException, tb: object) -> None:
    # An error in a Qt slot would otherwise print its message (which may quote case data) to stderr.
    from lpt_desktop.logs import log_exception

    exc.__traceback__ = tb  # type: ignore[assignment]
    log_exception(logging.getLogger("lpt_desktop"), "unexpected error", exc)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    setup_logging()
    sys.excepthook = _excepthook
    if args.self_test:
        from lpt_desktop.gui.selftest import run

        return run()
    problem = startup_problem()
    if problem is not None:
        # Said on the terminal (the log alone left the officer with nothing), and in a dialog where another
        # window system still works.
        print(problem, file=sys.stderr, flush=True)
        logging.getLogger("lpt_desktop").error("cannot start the window: %s", problem.splitlines()[0])
        alternative = other_platform()
        if alternative is None:
            return 1
        os.environ["QT_QPA_PLATFORM"] = alternative
    app = make_application(sys.argv[:1])
    if problem is not None:
        QMessageBox.warning(None, APP_NAME, problem + "\n\nLPT Desktop will now open using Wayland instead.")
    window = build_window(args)
    window.show()
    window.unlock_page.ui.passphraseEdit.setFocus()
    if os.environ.get("LPT_REPORT_READY"):
        # For bench/ (launch to unlock prompt, also of the installed bundle): say so once the
        # prompt has been shown by the event loop, then quit.
        QTimer.singleShot(0, lambda: (print("READY", flush=True), window.close(), app.quit()))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
