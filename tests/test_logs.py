"""Errors reach the log as type and code location only: never the message, which may quote case data."""

from __future__ import annotations

import logging

from lpt_desktop.logs import frames, log_exception


def _fail() -> None:
    raise ValueError("CRN X123456: Zebedee Quaxworthy missed his appointment")


def test_error_logging_keeps_the_location_and_drops_the_message(caplog):
    try:
        _fail()
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            log_exception(logging.getLogger("t"), "saving a contact failed", exc)
        where = frames(exc)
    text = caplog.text
    assert "saving a contact failed: ValueError" in text
    assert "test_logs.py" in where and "_fail" in where
    for secret in ("X123456", "Zebedee", "Quaxworthy"):
        assert secret not in text


def test_the_windows_excepthook_logs_without_the_message(caplog):
    from lpt_desktop.gui.app import _excepthook

    try:
        _fail()
    except ValueError as exc:
        with caplog.at_level(logging.ERROR):
            _excepthook(ValueError, exc, exc.__traceback__)
    assert "unexpected error: ValueError" in caplog.text and "Zebedee" not in caplog.text
