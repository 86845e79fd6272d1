"""`lpt plan show`: a case's sentence plan (issue 20): its type, status, the person's words and agreement, when
the next review is due, and its goals with their outcomes, target dates, flags and steps."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from lpt_desktop.cli.common import opened, print_json


def _words(data: dict[str, Any]) -> list[str]:
    """The JSON's content in words, for a person reading the terminal (UK dates)."""
    from lpt_desktop.domain.dates import format_date

    def day(text: str | None) -> str:
        return format_date(date.fromisoformat(text)) if text else "none"

    if data["type"] is None:
        return [f"{data['crn']}: no sentence plan yet"]
    out = [f"{data['crn']}: {data['type']} sentence plan, {data['status']}"
           + (f" on {day(data['completed_on'])}" if data["completed_on"] else "")]
    ag = data["agreement"]
    if ag["persons_words"]:
        out.append(f"In their words: {ag['persons_words']}")
    out.append(f"Agreement: {ag['answer'].replace('_', ' ') if ag['answer'] else 'not recorded'}"
               + (f" ({ag['reason']})" if ag["reason"] else ""))
    out.append(f"Review due: {day(data['review_due'])}")
    for n, g in enumerate(data["goals"], start=1):
        out.append(f"Goal {n}: {g['title']} ({g['status']}, target {day(g['target_date'])})")
        out.append(f"  What will be different: {g['outcome'] or '(not stated)'}")
        for flag in g["flags"]:
            out.append(f"  Flag: {flag.replace('_', ' ')}")
        for st in g["steps"]:
            out.append(f"  - {st['what']}: {st['who']}, by {day(st['by'])} ({st['status'].replace('_', ' ')})")
    return out


def _cmd_show(args: argparse.Namespace) -> int:
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.sentence_plan import plan_in_force, plan_json

    with opened(args.db) as db:
        view = plan_in_force(db, person_id_for_crn(db, args.crn), args.as_of)
    data: dict[str, Any] = {"crn": args.crn, **(plan_json(view) if view is not None else plan_json(None))}
    if args.json:
        print_json(data)
    else:
        print("\n".join(_words(data)))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    from lpt_desktop.cli.common import iso_date
    from lpt_desktop.paths import default_db_path

    p = sub.add_parser("plan", help="a case's sentence plan: goals, steps, agreement and review")
    psub = p.add_subparsers(dest="plan_command", required=True)
    show = psub.add_parser("show", help="the plan in force (else the draft): goals, steps, agreement, review due")
    show.add_argument("--db", type=Path, default=default_db_path())
    show.add_argument("--crn", required=True)
    show.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD",
                      help="the day to work the review date out on (default today)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    show.set_defaults(func=_cmd_show)
