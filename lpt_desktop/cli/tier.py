"""`lpt tier`: a case's tier with its working, from JSON on standard input (no database, no Qt)."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date

from lpt_desktop.cli.common import day_arg, print_json


def _cmd_tier(args: argparse.Namespace) -> int:
    from lpt_desktop.assessment.tier_json import inputs_from_json, result_to_json
    from lpt_desktop.assessment.tier_types import SCHEME_LABELS
    from lpt_desktop.assessment.tiering import compute_tier
    from lpt_desktop.domain.dates import format_date

    as_of = args.as_of or date.today()
    try:
        data = json.load(sys.stdin)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the input on standard input is not JSON ({exc.msg} at line {exc.lineno}): "
                         "give one JSON object") from None
    result = compute_tier(args.scheme, inputs_from_json(data), as_of)  # TierInputError is a ValueError: exit 2
    if args.json:
        print_json(result_to_json(result))
        return 0
    print(f"Tier {result.tier}{' (provisional)' if result.provisional else ''} under "
          f"{SCHEME_LABELS[args.scheme]} on {format_date(as_of)}")
    if result.provisional:
        print(f"Provisional: {result.provisional_why}")
    for step in result.working:
        print(f"  {step.step}: {step.result if step.result is not None else 'no result'}. {step.why}")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register this feature's subcommands on the `lpt` parser."""
    from lpt_desktop.assessment.tier_types import SCHEME_2026, SCHEMES

    t = sub.add_parser("tier", help="a case's tier and its working; the case's inputs are JSON on standard input")
    t.add_argument("--scheme", choices=SCHEMES, default=SCHEME_2026, help="2026 (A-G, the default) or ab03 (A-D "
                   "with change level 0-3)")
    t.add_argument("--as-of", type=day_arg, default=None, metavar="DATE",
                   help="the day to tier on, dd/mm/yyyy or yyyy-mm-dd (default today)")
    t.add_argument("--json", action="store_true", help="print the result as JSON")
    t.set_defaults(func=_cmd_tier)
