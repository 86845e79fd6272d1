"""The court commands of `lpt`: `lpt report render` and `lpt report list` (no Qt)."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from lpt_desktop.cli.common import ask_passphrase, opened, print_json
from lpt_desktop.paths import default_db_path


def _cmd_report_render(args: argparse.Namespace) -> int:
    from lpt_desktop.services.court import ReportNotFound, export_pdf, render_pdf, report_for_request

    out: Path = args.out
    if not out.parent.is_dir():
        print(f"lpt: {out.parent} is not a folder: choose where to save the PDF", file=sys.stderr)
        return 2
    password = ask_passphrase("LPT_PDF_PASSWORD", "PDF password: ", confirm=True) if args.password else None
    if args.password and not password:
        print("lpt: the PDF password is empty: give one, or leave out --password", file=sys.stderr)
        return 2
    with opened(args.db) as db:
        try:
            data = render_pdf(db, args.report, password=password)
        except ReportNotFound:
            # The work list shows request ids; accept one whose report has been started.
            report_id = report_for_request(db, args.report)
            if report_id is None:
                print(f"lpt: no report or started request with id {args.report}: see `lpt report list`",
                      file=sys.stderr)
                return 1
            data = render_pdf(db, report_id, password=password)
    export_pdf(out, data)
    protection = "protected by the password you gave" if password else "NOT password-protected"
    print(f"Saved {out} ({len(data):,} bytes). This file is outside the encrypted caseload and is {protection}: "
          "keep it on an encrypted drive and delete it once it has gone to court.")
    return 0


def _cmd_report_list(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.services.court import list_requests

    as_of = args.as_of or date.today()
    with opened(args.db) as db:
        views = list_requests(db, as_of)
    if args.json:
        print_json([{"id": v.id, "report_id": v.report_id, "crn": v.crn, "name": v.name,
                      "pre_sentence": v.pre_sentence_id is not None and v.person_id is None, "court": v.court,
                      "lja": v.lja, "hearing_date": v.hearing_date.isoformat(), "report_type": v.report_type,
                      "remanded": v.remanded, "requested_on": v.requested_on.isoformat(),
                      "due_by": v.due_by.isoformat(), "due_today": v.due_by == as_of and v.status != "sent",
                      "overdue": v.overdue(as_of), "status": v.status, "author": v.author} for v in views])
    else:
        for v in views:
            flag = "OVERDUE " if v.overdue(as_of) else ("TODAY   " if v.due_by == as_of and v.status != "sent"
                                                         else "        ")
            print(f"{flag}{format_date(v.due_by)}  {v.report_type:<8} {v.status:<9} {v.crn or 'pre-sent.':<9} "
                  f"{v.name:<26} {v.court} ({format_date(v.hearing_date)})")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    report = sub.add_parser("report", help="pre-sentence reports for court")
    rsub = report.add_subparsers(dest="report_command", required=True)
    render = rsub.add_parser("render", help="save a report as a PDF (outside the encrypted caseload)")
    render.add_argument("--db", type=Path, default=default_db_path())
    render.add_argument("--report", required=True, help="report id (or the id of its request)")
    render.add_argument("--out", type=Path, required=True, help="the PDF file to write")
    render.add_argument("--password", action="store_true",
                        help="protect the PDF with a password (from LPT_PDF_PASSWORD, or asked for)")
    render.set_defaults(func=_cmd_report_render)
    lst = rsub.add_parser("list", help="report requests with their due date and status")
    lst.add_argument("--db", type=Path, default=default_db_path())
    lst.add_argument("--as-of", type=date.fromisoformat, help="the day to measure 'due today' from (ISO)")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(func=_cmd_report_list)
