"""Whole cases in and out of a caseload as JSON (the `lpt-cases` format; no Qt):

    lpt export --db PATH [--crn CRN ...] [--include-restricted] --json > cases.json   # NOT encrypted
    lpt import --db PATH [--update] cases.json

Export writes the file to standard output and says on standard error that it is unprotected. Import refuses
the whole file, listing every problem with its place in the file and the fix, before anything is written.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from lpt_desktop.cli.common import opened, print_json
from lpt_desktop.domain.validation import FieldError, ValidationError
from lpt_desktop.paths import default_db_path

# As the PDF exports say it (cli/court.py), for a file that may hold every case on the caseload.
UNPROTECTED = ("lpt: the cases written are outside the encrypted caseload and are NOT password-protected: keep "
               "the file on an encrypted drive and delete it once it has been imported.")


def _cmd_export(args: argparse.Namespace) -> int:
    from lpt_desktop.services.case_transfer import export_cases, withheld_restricted

    with opened(args.db) as db:
        data = export_cases(db, args.crn or None, include_restricted=args.include_restricted)
        withheld = withheld_restricted(db, args.crn or None, include_restricted=args.include_restricted)
    print_json(data)
    print(UNPROTECTED, file=sys.stderr)
    if withheld:
        why = ("only the case's officer or victim liaison staff may export them" if args.include_restricted
               else "give --include-restricted to export them, if you may read them")
        print(f"lpt: {withheld} restricted victim liaison contact{'s' if withheld != 1 else ''} left out: {why}.",
              file=sys.stderr)
    return 0


def _refused(file: Path, problems: list[FieldError]) -> int:
    n = len(problems)
    print(f"lpt import: {file} refused, nothing imported ({n} problem{'s' if n != 1 else ''}: put "
          f"{'them' if n != 1 else 'it'} right and import the file again):", file=sys.stderr)
    for p in problems:
        print(f"  {p}", file=sys.stderr)
    return 2


def _load(file: Path) -> Any:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise SystemExit(f"lpt import: {file} is not UTF-8 text: save it as UTF-8 JSON") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SystemExit(f"lpt import: {file} is not JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}): "
                         "correct it, or export it again with `lpt export --json`") from None


def _cmd_import(args: argparse.Namespace) -> int:
    from lpt_desktop.services.case_transfer import check_file, import_cases

    file: Path = args.file
    if not file.is_file():
        raise SystemExit(f"lpt import: there is no file at {file}: give the JSON file `lpt export` wrote")
    data = _load(file)
    problems = check_file(data)
    if problems:  # refused before the caseload is even opened
        return _refused(file, problems)
    with opened(args.db) as db:
        try:
            result = import_cases(db, data, update=args.update)
        except ValidationError as exc:
            return _refused(file, exc.errors)
    for crn in result.created:
        print(f"created  {crn}")
    for crn in result.updated:
        print(f"updated  {crn}")
    for crn in result.unchanged:
        print(f"unchanged {crn}")
    for line in result.skipped:
        print(f"skipped  {line}")
    for line in result.notes:
        print(f"note     {line}")
    print(f"Imported from {file}: {len(result.created)} created, {len(result.updated)} updated, "
          f"{len(result.unchanged)} unchanged, "
          f"{len(result.skipped)} skipped, {result.closures_added} office closures added.")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    exp = sub.add_parser("export", help="write whole cases as JSON on standard output (NOT encrypted)")
    exp.add_argument("--db", type=Path, default=default_db_path())
    exp.add_argument("--crn", action="append", help="a case to export (again for more; default: every case)")
    exp.add_argument("--include-restricted", action="store_true",
                     help="include restricted victim liaison contacts (only if you may read them)")
    exp.add_argument("--json", action="store_true", required=True, help="JSON, the lpt-cases format (required)")
    exp.set_defaults(func=_cmd_export)

    imp = sub.add_parser("import", help="load whole cases from an lpt-cases JSON file, all or nothing")
    imp.add_argument("--db", type=Path, default=default_db_path())
    imp.add_argument("--update", action="store_true",
                     help="update cases already here (same id) from the file, as local edits")
    imp.add_argument("file", type=Path, help="the JSON file `lpt export --json` wrote")
    imp.set_defaults(func=_cmd_import)
