"""What every `lpt` command shares: the passphrase, opening the caseload, dates and JSON output (no Qt).

The passphrase comes from LPT_PASSPHRASE or a prompt; a new one from LPT_NEW_PASSPHRASE or a prompt.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lpt_desktop.store.database import Database


def ask_passphrase(var: str, prompt: str, confirm: bool = False) -> str:
    value = os.environ.get(var)
    if value is not None:
        return value
    if not sys.stdin.isatty():
        raise SystemExit(f"lpt: no passphrase: set {var} or run in a terminal to be asked")
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Type it again: ") != value:
        raise SystemExit("lpt: the two passphrases differ; nothing has been changed")
    return value


@contextmanager
def opened(path: Path) -> Iterator[Database]:
    """The caseload at `path`, unlocked for one command and locked again however the command ends."""
    from lpt_desktop.services.unlock import unlock

    db = unlock(path, ask_passphrase("LPT_PASSPHRASE", "Passphrase: "))
    for notice in db.notices:  # a damaged -wal kept aside: said before the command's own output
        print(f"lpt: {notice}", file=sys.stderr)
    try:
        yield db
    finally:
        db.close()


def print_json(data: object) -> None:
    json.dump(data, sys.stdout, indent=1)
    print()


def iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date: use ISO form, e.g. 2024-01-31") from None


def day_arg(text: str) -> date:
    """A date option given as dd/mm/yyyy (as the window takes dates) or yyyy-mm-dd."""
    from lpt_desktop.domain.dates import DateTextError, parse_date_text

    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        parsed = parse_date_text(text, today=date.today())
    except DateTextError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if parsed is None:
        raise argparse.ArgumentTypeError("no date given: use dd/mm/yyyy or yyyy-mm-dd")
    return parsed
