"""`lpt audit`: the practice audit (issue 21). Each case's checks against the inspection's criteria with their
status and reason and the case's score; `--team` the team's figures (a team manager's laptop) or the officer's own
(an officer's laptop, with a line saying so)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from lpt_desktop.cli.common import day_arg, opened, print_json


def _pct(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def _pct_words(share: float | None) -> str:
    return "n/a" if share is None else f"{share * 100:.0f}%"


def _case_words(data: dict[str, Any], all_checks: bool) -> list[str]:
    score = data["score"]
    applicable = [c for c in data["checks"] if c["status"] != "not_applicable"]
    met = sum(c["status"] == "met" for c in applicable)
    head = f"{data['crn']}: " + (f"{score:.0f}%" if score is not None else "no applicable checks") \
        + f" ({met} of {len(applicable)} applicable checks met)"
    out = [head]
    for c in data["checks"]:
        if c["status"] == "not_met" or all_checks:
            out.append(f"  {c['status'].replace('_', ' ')}: {c['id']} ({c['criterion']}): {c['reason']}")
    return out


def _cmd_audit(args: argparse.Namespace) -> int:
    from lpt_desktop.services.cases import person_id_for_crn
    from lpt_desktop.services.practice import audit, team_view

    with opened(args.db) as db:
        if args.team:
            view = team_view(db, args.as_of, carried_forward_months=args.carried_months)
            data = team_json(view)
            if args.json:
                print_json(data)
            else:
                print("\n".join(_team_words(data)))
            return 0
        ids = [person_id_for_crn(db, args.crn)] if args.crn else None
        audits = audit(db, args.as_of, ids, carried_forward_months=args.carried_months)
    cases = [a.as_json() for a in audits]
    if args.json:
        print_json(cases)
    else:
        for c in cases:
            print("\n".join(_case_words(c, args.all)))
    return 0


def team_json(view: Any) -> dict[str, Any]:
    """The team view as JSON (services/practice.TeamView)."""
    team = view.team
    return {
        "as_of": view.as_of.isoformat(), "previous_as_of": view.previous_as_of.isoformat(),
        "own_only": view.own_only, "note": view.note, "cases": team.cases, "officers": list(team.officers),
        "checks": [{"id": c.check.id, "criterion": c.check.criterion, "statement": c.check.statement,
                    "team": {"met": c.team.met, "applicable": c.team.applicable, "share": _pct(c.team.value)},
                    "previous_team_share": _pct(c.previous_team.value) if c.previous_team else None,
                    "average": _pct(c.average), "iqr": _pct(c.spread) if c.average is not None else None,
                    "officers": [{"officer": f.officer, "met": f.share.met, "applicable": f.share.applicable,
                                  "share": _pct(f.share.value), "rating": f.rating,
                                  "previous_share": _pct(f.previous_share.value) if f.previous_share else None,
                                  "previous_rating": f.previous_rating} for f in c.officers]}
                   for c in team.checks],
        "attention": [{"crn": a.crn, "name": a.name, "officer": a.officer, "score": _pct(a.score),
                       "not_met": [r.check.id for r in a.unmet]} for a in team.attention],
    }


def _team_words(data: dict[str, Any]) -> list[str]:
    from lpt_desktop.domain.dates import format_date

    now, before = date.fromisoformat(data["as_of"]), date.fromisoformat(data["previous_as_of"])
    out = [data["note"], f"As of {format_date(now)}, beside the record as it stood on {format_date(before)}."]
    whose = "your cases" if data["own_only"] else "team"
    for c in data["checks"]:
        team = c["team"]
        if not team["applicable"]:
            continue
        share = None if team["share"] is None else team["share"] / 100
        out.append(f"{c['id']} ({c['criterion']}): {whose} {_pct_words(share)} of {team['applicable']} applicable")
        for f in c["officers"]:
            if f["share"] is None:
                continue
            if f["rating"] is not None:
                was = f" (a month earlier: {f['previous_rating'] or 'none'})"
                out.append(f"  {f['officer']}: {f['share']:.0f}% of {f['applicable']}, {f['rating']}{was}")
            else:
                was = f" (a month earlier: {f['previous_share']:.0f}%)" if f["previous_share"] is not None else ""
                out.append(f"  {f['officer']}: {f['share']:.0f}% of {f['applicable']}{was}")
    if data["attention"]:
        out.append("Cases most needing attention:")
        for a in data["attention"]:
            out.append(f"  {a['crn']} {a['name']} ({a['officer']}): {len(a['not_met'])} not met: "
                       f"{', '.join(a['not_met'])}")
    return out


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    from lpt_desktop.paths import default_db_path

    p = sub.add_parser("audit", help="the practice audit: each case against the inspection's criteria, or the "
                                     "team's figures")
    p.add_argument("--db", type=Path, default=default_db_path())
    p.add_argument("--as-of", type=day_arg, default=None, metavar="DATE",
                   help="the day to audit on, dd/mm/yyyy or yyyy-mm-dd (default today)")
    p.add_argument("--crn", default=None, help="one case only")
    p.add_argument("--team", action="store_true",
                   help="the team's figures per check and officer (on an officer's laptop: their own)")
    p.add_argument("--carried-months", type=int, default=None, metavar="N",
                   help="carried-forward text this many months old or more fails (default 12)")
    p.add_argument("--all", action="store_true", help="list every check, not only those not met")
    p.add_argument("--json", action="store_true", help="print it as JSON")
    p.set_defaults(func=_cmd_audit)
