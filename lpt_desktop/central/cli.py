"""`lpt-central`: serve, migrate, user add and unlock, laptop list, revoke and restore, allocate, restrict,
transfer requests.

    lpt-central migrate --db URL
    lpt-central serve --db URL [--host 127.0.0.1] [--port 8470] [--workers 1] [--pool-size 10]
        [--user-attempts 5] [--address-attempts 20] [--refresh-grace 60]
    lpt-central user add --db URL --username U --role offender_manager [--team T] [--court C] [--name N]
        [--grade po|pso|trainee]   (password from LPT_CENTRAL_PASSWORD, or asked)
    lpt-central user grade --db URL --username U --grade po|pso|trainee|none   (promoted, qualified)
    lpt-central user unlock --db URL --username U          (after too many failed sign-ins)
    lpt-central user unlock --db URL --address A           (an address refused after too many failures)
    lpt-central laptop list --db URL [--user U]
    lpt-central laptop revoke --db URL (--laptop ID | --user U)   (lost or stolen: its tokens stop at once)
    lpt-central laptop restore --db URL --laptop ID        (found: the officer signs in on it again)
    lpt-central allocate --db URL --person ID --officer U [--court C]     (allocate or move a case)
    lpt-central restrict --db URL --person ID [--staff U ...]             (no --staff: lift the restriction)
    lpt-central transfer list --db URL [--status requested|done|refused]  (officers' transfer-out requests)
    lpt-central transfer done --db URL --person ID --officer U            (move the case; the request is done)
    lpt-central transfer refuse --db URL --person ID --reason TEXT        (the case stays; the officer sees why)

URL: sqlite:///path/central.db (the default for one machine) or postgresql+psycopg://user@host:5432/name.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from datetime import date

from sqlalchemy import select

from lpt_desktop.central import auth
from lpt_desktop.central.auth import GRADES, ROLES, hash_password
from lpt_desktop.central.db import CentralDB, migrate
from lpt_desktop.central.models import Device, TokenFamily, User, utcnow
from lpt_desktop.domain.dates import format_date

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
    serve.add_argument("--pool-size", type=int, default=10,
                       help="database connections per worker process (and as many again at a peak)")
    serve.add_argument("--user-attempts", type=int, default=5,
                       help="failed sign-ins per account within 15 minutes before it is locked")
    serve.add_argument("--address-attempts", type=int, default=20,
                       help="failed sign-ins per client address within 15 minutes before it is refused")
    serve.add_argument("--refresh-grace", type=float, default=auth.REFRESH_GRACE_SECONDS,
                       help="seconds a replaced refresh token still gets its successor (a reply lost in transit)")
    serve.add_argument("--max-body", type=int, default=None, metavar="BYTES",
                       help="the largest request body accepted (default 32 MiB); laptops split a push that is larger")
    user = sub.add_parser("user", help="accounts").add_subparsers(dest="user_command", required=True)
    add = with_db(user.add_parser("add", help="add an account"))
    add.add_argument("--username", required=True)
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", default="")
    add.add_argument("--team")
    add.add_argument("--court")
    add.add_argument("--grade", choices=GRADES, help="an officer's grade: po, pso or trainee")
    grade = with_db(user.add_parser("grade", help="change an officer's grade"))
    grade.add_argument("--username", required=True)
    grade.add_argument("--grade", required=True, choices=(*GRADES, "none"), help="none: not an officer")
    unlock = with_db(user.add_parser("unlock", help="clear an account's (or an address's) failed sign-ins and lock"))
    whose = unlock.add_mutually_exclusive_group(required=True)
    whose.add_argument("--username")
    whose.add_argument("--address", help="a network address refused after too many failures from it")
    laptop = sub.add_parser("laptop", help="enrolled laptops").add_subparsers(dest="laptop_command", required=True)
    with_db(laptop.add_parser("list", help="list enrolled laptops")).add_argument("--user")
    revoke = with_db(laptop.add_parser("revoke", help="a lost or stolen laptop: its tokens stop working at once"))
    which = revoke.add_mutually_exclusive_group(required=True)
    which.add_argument("--laptop")
    which.add_argument("--user", help="every laptop of this user")
    restore = with_db(laptop.add_parser("restore", help="let a revoked laptop sign in again"))
    restore.add_argument("--laptop", required=True)
    alloc = with_db(sub.add_parser("allocate", help="allocate a case to an officer, or move it"))
    alloc.add_argument("--person", required=True)
    alloc.add_argument("--officer", required=True)
    alloc.add_argument("--court")
    restrict = with_db(sub.add_parser("restrict", help="withhold a case from all but the named staff"))
    restrict.add_argument("--person", required=True)
    restrict.add_argument("--staff", nargs="*", default=[])
    transfer = sub.add_parser("transfer", help="officers' requests to move a case (sent with a transfer out)")
    tsub = transfer.add_subparsers(dest="transfer_command", required=True)
    tlist = with_db(tsub.add_parser("list", help="list transfer requests"))
    tlist.add_argument("--status", choices=("requested", "done", "refused"))
    done = with_db(tsub.add_parser("done", help="move the case to an officer and mark its request done"))
    done.add_argument("--person", required=True)
    done.add_argument("--officer", required=True)
    refuse = with_db(tsub.add_parser("refuse", help="refuse the case's request (the case stays where it is)"))
    refuse.add_argument("--person", required=True)
    refuse.add_argument("--reason", required=True)
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
        # Worker processes read their settings from the environment (app_from_env); one process does too.
        os.environ.update(LPT_CENTRAL_DB=args.db, LPT_CENTRAL_POOL_SIZE=str(args.pool_size),
                          LPT_CENTRAL_USER_ATTEMPTS=str(args.user_attempts),
                          LPT_CENTRAL_ADDRESS_ATTEMPTS=str(args.address_attempts),
                          LPT_CENTRAL_REFRESH_GRACE=str(args.refresh_grace))
        if args.max_body is not None:
            os.environ["LPT_CENTRAL_MAX_BODY"] = str(args.max_body)
        if args.workers > 1:
            uvicorn.run("lpt_desktop.central.app:app_from_env", factory=True, host=args.host, port=args.port,
                        workers=args.workers, log_level=args.log_level)
        else:
            from lpt_desktop.central.app import app_from_env

            uvicorn.run(app_from_env(), host=args.host, port=args.port, log_level=args.log_level)
        return 0
    migrate(args.db)
    db = CentralDB(args.db)
    try:
        if args.command == "user" and args.user_command == "unlock" and args.address:
            with db.write() as s:
                cleared = auth.unlock_address(s, args.address)
                if cleared:
                    from lpt_desktop.central import service

                    service.audit(s, None, "address unlock", detail=f"{args.address} (console)")
            print(f"Sign-ins from {args.address} are accepted again." if cleared
                  else f"{args.address} was not locked; nothing has been changed.")
            return 0
        if args.command == "user" and args.user_command == "unlock":
            with db.write() as s:
                known = s.get(User, args.username) is not None
                cleared = auth.unlock(s, args.username)
                if cleared:
                    from lpt_desktop.central import service

                    service.audit(s, None, "user unlock", detail=f"{args.username} (console)")
            if not known and not cleared:
                print(f"There is no user {args.username}. Nothing has been changed.", file=sys.stderr)
                return 1
            print(f"{args.username} may sign in again." if cleared
                  else f"{args.username} was not locked; nothing has been changed.")
            return 0
        if args.command == "user" and args.user_command == "grade":
            return _grade(db, args.username, None if args.grade == "none" else args.grade)
        if args.command == "laptop":
            return _laptop(db, args)
        if args.command == "transfer":
            return _transfer(db, args)
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
                           role=args.role, team=args.team, court=args.court, grade=args.grade))
            print(f"Added {args.username} ({args.role}{', ' + GRADE_NAMES[args.grade] if args.grade else ''}).")
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


GRADE_NAMES = {"po": "probation officer", "pso": "probation services officer", "trainee": "trainee"}


def _grade(db: CentralDB, username: str, grade: str | None) -> int:
    """`lpt-central user grade`: the officer's laptop learns it at its next sign-in or token refresh."""
    with db.write() as s:
        user = s.get(User, username)
        if user is None:
            print(f"There is no user {username}. Nothing has been changed.", file=sys.stderr)
            return 1
        before, user.grade = user.grade, grade
        from lpt_desktop.central import service

        service.audit(s, None, "user grade", detail=f"{username}: {before or 'none'} -> {grade or 'none'} (console)")
    print(f"{username} is now {GRADE_NAMES[grade] if grade else 'without a grade'}.")
    return 0


def _uk(iso: str | None) -> str:
    """An ISO date from a record as dd/mm/yyyy (as the desktop shows dates)."""
    if not iso:
        return "-"
    try:
        return format_date(date.fromisoformat(iso))
    except ValueError:
        return iso


def _transfer(db: CentralDB, args: argparse.Namespace) -> int:
    from lpt_desktop.central import service

    if args.transfer_command == "list":
        with db.read() as s:
            rows = service.transfer_requests(s, args.status)
        if not rows:
            print("No transfer requests" + (f" with status {args.status}." if args.status else " have been sent."))
            return 0
        for r in rows:
            status = str(r["status"])
            if status == "done":
                status = f"done {_uk(r['settled_on'])}: moved to {r['to_officer']}"
            elif status == "refused":
                status = f"refused {_uk(r['settled_on'])}: {r['refusal']}"
            print(f"{r['person_id']}  {r['crn'] or '-'}  {r['name'] or '-'}\n"
                  f"    from {r['from_officer'] or '-'} (held by {r['holder'] or 'nobody'}) to {r['to_where']}, "
                  f"transfer date {_uk(r['requested_on'])}\n"
                  f"    reason: {r['reason']}\n"
                  f"    status: {status}")
        return 0
    try:
        with db.write() as s:
            if args.transfer_command == "done":
                service.transfer_done(s, args.person, args.officer)
                detail = f"done: to {args.officer} (console)"
            else:
                service.transfer_refuse(s, args.person, args.reason)
                detail = f"refused: {args.reason.strip()} (console)"
            service.audit(s, None, "transfer", kind=service.TRANSFER_KIND, person_id=args.person, detail=detail)
    except ValueError as exc:  # no open request, an unknown officer, an empty reason: nothing was changed
        print(f"{exc} Nothing has been changed.", file=sys.stderr)
        return 1
    if args.transfer_command == "done":
        print(f"Case {args.person} is allocated to {args.officer}; its transfer request is done.")
    else:
        print(f"Case {args.person}: the transfer request is refused; the case stays where it is.")
    return 0


def _laptop(db: CentralDB, args: argparse.Namespace) -> int:
    if args.laptop_command == "list":
        with db.read() as s:
            q = select(Device).order_by(Device.username, Device.created_at)
            if args.user:
                q = q.where(Device.username == args.user)
            devices = list(s.scalars(q))
            live = {f.laptop_id for f in s.scalars(select(TokenFamily).where(TokenFamily.revoked_at.is_(None),
                                                                           TokenFamily.expires_at > utcnow()))}
        if not devices:
            print("No laptops are enrolled" + (f" for {args.user}." if args.user else "."))
            return 0
        print(f"{'laptop':<38} {'user':<20} {'enrolled':<17} {'last seen':<17} status")
        for d in devices:
            status = (f"revoked {d.revoked_at:%Y-%m-%d %H:%M}" if d.revoked_at else
                      "signed in" if d.laptop_id in live else "signed out")
            seen = f"{d.last_seen:%Y-%m-%d %H:%M}" if d.last_seen else "-"
            print(f"{d.laptop_id:<38} {d.username:<20} {d.created_at:%Y-%m-%d %H:%M} {seen:<17} {status}")
        return 0
    from lpt_desktop.central import service

    if args.laptop_command == "restore":
        with db.write() as s:
            device = s.get(Device, args.laptop)
            if device is not None:
                device.revoked_at = None
                service.audit(s, None, "laptop restore", detail=f"{args.laptop} (console)")
        if device is None:
            print(f"There is no laptop {args.laptop}. Nothing has been changed.", file=sys.stderr)
            return 1
        print(f"Laptop {args.laptop} may sign in again (its officer signs in once more).")
        return 0
    with db.write() as s:
        revoked = auth.revoke_laptops(s, laptop_id=args.laptop, username=args.user)
        for laptop_id in revoked:
            service.audit(s, None, "laptop revoke", detail=f"{laptop_id} (console)")
    if not revoked:
        print("No such laptop is enrolled" + (f" for {args.user}" if args.user else "") +
              ". Nothing has been changed.", file=sys.stderr)
        return 1
    for laptop_id in revoked:
        print(f"Revoked laptop {laptop_id}: its sign-in and tokens no longer work.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
