"""The standards commands of `lpt`: `lpt workdays`, `lpt standards obligations` and `lpt due` (no Qt)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from lpt_desktop.cli.common import iso_date, opened, print_json
from lpt_desktop.paths import default_db_path


def _cmd_workdays_add(args: argparse.Namespace) -> int:
    from lpt_desktop.standards.calendar import ENGLAND_AND_WALES

    if args.n < 0:
        raise ValueError("N must be 0 or more working days")
    print(ENGLAND_AND_WALES.add_working_days(args.date, args.n).isoformat())  # bank holidays; no office closures
    return 0


def _cmd_obligations(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.standards.calendar import ENGLAND_AND_WALES
    from lpt_desktop.standards.obligations import case_from_json, obligations
    from lpt_desktop.standards.policy import load_policy

    policy = load_policy(args.policy)
    try:
        data = json.load(sys.stdin)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the case on standard input is not JSON ({exc.msg} at line {exc.lineno})") from None
    items = obligations(policy, case_from_json(data), args.as_of, calendar=ENGLAND_AND_WALES)  # no database
    if args.json:
        print_json([o.as_json() for o in items])
    else:
        print(f"{policy.title} as of {format_date(args.as_of)}")
        for o in items:
            print(f"{o.status.upper():<9} {format_date(o.due_by)}  {o.rule:<22} {o.description}")
    return 0


def _cmd_due(args: argparse.Namespace) -> int:
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.services.obligations import caseload_due, policy_in_force

    with opened(args.db) as db:
        items = caseload_due(db, args.as_of, horizon_days=args.horizon)
        policy = policy_in_force(db)
    if not args.upcoming:
        items = [i for i in items if i.obligation.status in ("due", "overdue")]
    if args.json:
        print_json([{"crn": i.crn, "name": i.name, **i.obligation.as_json()} for i in items])
    else:
        print(f"Policy in force: {policy}; {len(items)} items")
        for i in items:
            o = i.obligation
            print(f"{o.status.upper():<9} {format_date(o.due_by)}  {i.crn}  {i.name:<26} {o.description}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    wd = sub.add_parser("workdays", help="working days in England and Wales (event day is day 0)")
    wsub = wd.add_subparsers(dest="workdays_command", required=True)
    add = wsub.add_parser("add", help="print the date N working days after DATE")
    add.add_argument("date", type=iso_date, metavar="DATE")
    add.add_argument("n", type=int, metavar="N")
    add.set_defaults(func=_cmd_workdays_add)

    st = sub.add_parser("standards", help="National Standards obligations")
    ssub = st.add_subparsers(dest="standards_command", required=True)
    ob = ssub.add_parser("obligations", help="a case's obligations; the case is JSON on standard input")
    ob.add_argument("--policy", default="current", help="ns-2003, ns-2007 or current")
    ob.add_argument("--as-of", type=iso_date, default=date.today(), metavar="DATE")
    ob.add_argument("--json", action="store_true")
    ob.set_defaults(func=_cmd_obligations)

    due = sub.add_parser("due", help="the caseload's obligations that are due or overdue")
    due.add_argument("--db", type=Path, default=default_db_path())
    due.add_argument("--as-of", type=iso_date, default=date.today(), metavar="DATE")
    due.add_argument("--upcoming", action="store_true", help="also list what opens within --horizon days")
    due.add_argument("--horizon", type=int, default=7)
    due.add_argument("--json", action="store_true")
    due.set_defaults(func=_cmd_due)
