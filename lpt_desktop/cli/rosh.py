"""`lpt rosh show`: a case's Risk of Serious Harm: the current screening's result, the summary with each group's
levels in the community and in custody, the risk management plan's actions, the signing status, when the next
review is due and how much text is carried forward (issue 18)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from lpt_desktop.cli.common import opened, print_json


def _words(data: dict[str, Any]) -> list[str]:
    """The JSON's content in words, for a person reading the terminal (UK dates)."""
    from lpt_desktop.assessment.risk_plan import plan_data
    from lpt_desktop.assessment.rosh_summary import assessment_data
    from lpt_desktop.domain.dates import format_date
    from lpt_desktop.domain.reference import reference

    def day(text: str | None) -> str:
        return format_date(date.fromisoformat(text)) if text else "none"

    def level(code: str | None) -> str:
        found = reference().rosh_levels.get(code or "")
        return found.label.lower() if found else "-"

    out = [f"{data['crn']}: RoSH {data['rosh_label'].lower()}"]
    sc = data["screening"]
    if sc is None:
        out.append("No RoSH assessment completed yet.")
    else:
        who = f" by {sc['completed_by']}" if sc["completed_by"] else ""
        out.append(f"RoSH {sc['kind']} completed {day(sc['completed_on'])}{who}; full analysis: "
                   f"{sc['full_analysis'].replace('_', ' ')}")
        if sc["by_report_writer"]:
            out.append(f"Made by the report writer; {sc['confirmation'] or 'not yet confirmed'}"
                       + (f" on {day(sc['confirmed_on'])}" if sc["confirmed_on"] else ""))
    if data["draft"]:
        out.append(f"Draft {data['draft']['kind']} started {day(data['draft']['started_on'])}")
    sm = data["summary"]
    if sm is not None:
        for f in assessment_data().summary_fields:
            if sm.get(f.code):
                out.append(f"{f.label}: {sm[f.code]}")
        if sm.get("no_analysis_reason"):
            out.append(f"{assessment_data().screened_out_label}: {sm['no_analysis_reason']}")
        out.append("Levels (community / custody):")
        for g in assessment_data().groups:
            lv = sm["levels"][g.code]
            out.append(f"  {g.label:<12} {level(lv['community']):<10} {level(lv['custody'])}")
    plan = data["plan"]
    if plan is None:
        out.append("Risk management plan: none" + (" (required at this level)" if data["plan_required"] else ""))
    else:
        out.append(f"Risk management plan ({plan['status']}):")
        for a in plan["actions"]:
            section = plan_data().section(a["section"])
            out.append(f"  {section.label if section else a['section']}: {a['who'] or '(who?)'}: "
                       f"{a['what'] or '(what?)'} by {day(a['by_when']) if a['by_when'] else '(when?)'}")
    out.append(f"Signing: {data['signing_status'].replace('_', ' ')}")
    out.append(data["review_due_why"])
    if data["confirmation_due"]:
        out.append(f"Report writer's screening to confirm by {day(data['confirmation_due'])}")
    share = round(data["carried_forward_share"] * 100)
    out.append(f"Carried forward unchanged: {share}% of the text"
               + (f", the oldest from {day(data['oldest_carried'])}" if data["oldest_carried"] else ""))
    return out


def _cmd_show(args: argparse.Namespace) -> int:
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.rosh import overview_json, rosh_overview

    with opened(args.db) as db:
        data = overview_json(rosh_overview(db, person_id_for_crn(db, args.crn), args.as_of))
    if args.json:
        print_json(data)
    else:
        print("\n".join(_words(data)))
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    from lpt_desktop.cli.common import iso_date
    from lpt_desktop.paths import default_db_path

    r = sub.add_parser("rosh", help="a case's Risk of Serious Harm: screening, summary, plan and review")
    rsub = r.add_subparsers(dest="rosh_command", required=True)
    show = rsub.add_parser("show", help="the current RoSH screening, summary, plan actions and when review is due")
    show.add_argument("--db", type=Path, default=default_db_path())
    show.add_argument("--crn", required=True)
    show.add_argument("--as-of", type=iso_date, default=None, metavar="YYYY-MM-DD",
                      help="the day to work the review date out on (default today)")
    show.add_argument("--json", action="store_true", help="print it as JSON")
    show.set_defaults(func=_cmd_show)
