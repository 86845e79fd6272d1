"""Where the app's files live: bundled data, user data, logs (no Qt, no case data)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

from lpt_desktop import APP_SLUG

_PACKAGE = Path(__file__).resolve().parent


def _data_root() -> Path:
    # A PyInstaller bundle carries resources/ and db/ beside the code; otherwise the checkout does.
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    return _PACKAGE.parent


def resources_dir() -> Path:
    return _data_root() / "resources"


def migrations_dir() -> Path:
    return _data_root() / "db"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_SLUG, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_SLUG, appauthor=False))


def default_db_path() -> Path:
    return user_data_dir() / "caseload.lptdb"


def demo_db_path() -> Path:
    return user_data_dir() / "demo-caseload.lptdb"
