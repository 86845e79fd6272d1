"""Qt's own messages go to the app log, not the terminal (they may quote what is on screen)."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def _qt_message(kind: QtMsgType, _context: QMessageLogContext, message: str) -> None:
    logging.getLogger("qt").log(_QT_LEVELS.get(kind, logging.WARNING), "%s", message)
    if kind == QtMsgType.QtFatalMsg:
        # Qt ends the program after a fatal message (a platform plugin that cannot load): the log alone would
        # leave the officer looking at nothing. Such messages name Qt's parts, not case data.
        print(f"LPT Desktop cannot start: {message}", file=sys.stderr, flush=True)


def route_qt_messages() -> None:
    qInstallMessageHandler(_qt_message)
