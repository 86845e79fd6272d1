"""The `lpt` command: scripting, support staff and tests (no Qt).

One module per feature, each with add_commands(sub): caseload (demo, caseload, passphrase), contacts
(contacts, enforcement), standards (workdays, standards, due), court (report), sync, check (is the file
whole), transfer (export and import of whole cases) and
tier (a tier and its working from JSON), rosh (a case's RoSH), plan (a case's sentence plan), audit (the practice
audit); shared helpers in
common. The passphrase comes from LPT_PASSPHRASE or a prompt; a new one from LPT_NEW_PASSPHRASE or a prompt.
"""

from __future__ import annotations

import argparse
import logging
import sys

from lpt_desktop import __version__
from lpt_desktop.cli import audit, caseload, check, contacts, court, plan, rosh, standards, sync, tier, transfer
from lpt_desktop.domain.validation import ValidationError
from lpt_desktop.logs import log_exception, setup_logging
from lpt_desktop.store.errors import StoreError

FEATURES = (caseload, contacts, standards, court, sync, check, transfer, tier, rosh, plan, audit)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lpt", description="LPT Desktop command line")
    parser.add_argument("--version", action="version", version=f"lpt {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for feature in FEATURES:
        feature.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    setup_logging()
    try:
        code: int = args.func(args)
        return code
    except (StoreError, ValidationError, ValueError) as exc:
        print(f"lpt: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and friends
        sys.stderr.close()
        return 0
    except OSError as exc:  # a folder given as --db, a full disk, no permission
        print(f"lpt: {exc.strerror or exc.__class__.__name__}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return 2
    except Exception as exc:  # never a traceback for the officer; the type goes to the log for support
        log_exception(logging.getLogger(__name__), f"lpt {args.command} failed", exc)
        print(f"lpt: that did not work ({exc.__class__.__name__}); nothing was half-saved", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("lpt: interrupted; nothing half-saved (each batch is one transaction)", file=sys.stderr)
        return 130
