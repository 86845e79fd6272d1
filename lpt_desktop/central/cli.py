"""`lpt-central`: serve, migrate, user add, allocate, restrict.

    lpt-central migrate --db URL
    lpt-central serve --db URL [--host 127.0.0.1] [--port 8470] [--workers 1]
    lpt-central user add --db URL --username U --role offender_manager [--team T] [--court C] [--name N]
        (password from LPT_CENTRAL_PASSWORD, or asked)
    lpt-central allocate --db URL --person ID --officer U [--court C]     (allocate or move a case)
    lpt-central restrict --db URL --person ID [--staff U ...]             (no --staff: lift the restriction)

URL: sqlite:///path/central.db (the default for one machine) or postgresql+psycopg://user@host:5432/name.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from lpt_desktop.central.auth import ROLES, hash_password
from lpt_desktop.central.db import CentralDB, migrate
from lpt_desktop.central.models import User

DEFAULT_DB = "sqlite:///lpt-central.db"


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="lpt-central", description="The LPT central store.")
    sub = ap.add_subparsers(dest="command", required=True)

    def with_db(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
        p.add_argument("--db", default=os.environ.get("LPT_CENTRAL_DB", DEFAULT_DB), help="database URL")
        return p

    with_db(sub.add_parser("migrate", help="create or upgrade the schema"))
    serve = with_db(sub.add_parser("serve", help="run the HTTP API (migrates first)"))
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    serve.add_argument("--workers", type=int, default=1)
    serve.add_argument("--log-level", default="warning")
    user = sub.add_parser("user", help="accounts").add_subparsers(dest="user_command", required=True)
    add = with_db(user.add_parser("add", help="add an account"))
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default="")
    add.add_argument("--team")
    add.add_argument("--court")
    alloc = with_db(sub.add_parser("allocate", help="allocate a case to an officer, or move it"))
    alloc.add_argument("--person", required=True)
    alloc.add_argument("--officer", required=True)
    alloc.add_argument("--court")
    restrict = with_db(sub.add_parser("restrict", help="withhold a case from all but the named staff"))
    restrict.add_argument("--person", required=True)
    restrict.add_argument("--staff", nargs="*", default=[])
    return ap


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "migrate":
        migrate(args.db)
        print("The central store's schema is up to date.")
        return 0
    if args.command == "serve":
        import uvicorn

        migrate(args.db)
        if args.workers > 1:
            os.environ["LPT_CENTRAL_DB"] = args.db
            uvicorn.run("lpt_desktop.central.app:app_from_env", factory=True, host=args.host, port=args.port,
                        workers=args.workers, log_level=args.log_level)
        else:
            from lpt_desktop.central.app import create_app

            uvicorn.run(create_app(CentralDB(args.db)), host=args.host, port=args.port, log_level=args.log_level)
        return 0
    migrate(args.db)
    db = CentralDB(args.db)
    try:
        if args.command == "user":
            password = os.environ.get("LPT_CENTRAL_PASSWORD") or getpass.getpass(f"Password for {args.username}: ")
            if len(password) < 8:
                print("Password: is too short: use at least 8 characters.", file=sys.stderr)
                return 2
            with db.write() as s:
                if s.get(User, args.username) is not None:
                    print(f"There is already a user {args.username}. Nothing has been changed.", file=sys.stderr)
                    return 1
                s.add(User(username=args.username, password_hash=hash_password(password), display_name=args.name,
                           role=args.role, team=args.team, court=args.court))
            print(f"Added {args.username} ({args.role}).")
            return 0
        from lpt_desktop.central import service

        if args.command == "allocate":
            try:
                with db.write() as s:
                    service.allocate(s, args.person, args.officer, args.court)
                    service.audit(s, None, "allocate", person_id=args.person, detail=f"{args.officer} (console)")
            except ValueError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            print(f"Case {args.person} is allocated to {args.officer}.")
            return 0
        if args.command == "restrict":
            with db.write() as s:
                service.restrict(s, args.person, args.staff)
                service.audit(s, None, "restrict", person_id=args.person, detail=",".join(args.staff) + " (console)")
            print(f"Case {args.person}: " + (f"restricted to {', '.join(args.staff)}." if args.staff
                                               else "restriction lifted."))
            return 0
    finally:
        db.dispose()
    return 2


if __name__ == "__main__":
    sys.exit(main())
