"""The HTTP API of the central store (FastAPI). OpenAPI at /openapi.json, docs at /docs.

Every endpoint but /health and /auth/* needs a bearer access token; every read and write is audited.
Application servers hold no state of their own (the signing key is in the database), so several can
run behind a load balancer over one PostgreSQL.
"""


import json
import logging
import os
import re
import time
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

import jwt
from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import null, select
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from lpt_desktop.central import auth, service
from lpt_desktop.central.auth import (
    ACCESS_SECONDS,
    Principal,
    access_token,
    check_password,
    decode_access,
    hash_password,
)
from lpt_desktop.central.db import CentralDB
from lpt_desktop.central.models import AuditEntry, Device, Record, TokenFamily, User
from lpt_desktop.sync import kinds as registry
from lpt_desktop.sync.protocol import (
    AllocationIn,
    CaseSummary,
    FetchRequest,
    FetchResponse,
    IdsResponse,
    IdVersion,
    Item,
    PullResponse,
    PushRequest,
    PushResponse,
    RefreshRequest,
    RestrictionIn,
    TokenRequest,
    Tokens,
    UserIn,
    VerifyRequest,
    VerifyResponse,
)

log = logging.getLogger(__name__)
_bearer = HTTPBearer(auto_error=False)

# The largest request body taken (a push of 200 changes with long notes is well under a megabyte). Larger is
# refused with 413 before it is read. LPT_CENTRAL_MAX_BODY (bytes) changes it for a deployment.
MAX_BODY_BYTES = int(os.environ.get("LPT_CENTRAL_MAX_BODY", str(32 * 1024 * 1024)))


class _NotStandardJSON(Exception):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NotStandardJSON(name)


_MARK = object()


def _where(value: Any, path: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
    """The path of the first NaN/Infinity in a parsed body (marked by _MARK), without recursion."""
    stack: list[tuple[Any, tuple[Any, ...]]] = [(value, path)]
    while stack:
        v, at = stack.pop()
        if v is _MARK:
            return at
        if isinstance(v, dict):
            stack.extend((item, (*at, k)) for k, item in v.items())
        elif isinstance(v, list):
            stack.extend((item, (*at, i)) for i, item in enumerate(v))
    return None


def strict_json(body: bytes) -> Any:
    """Parse a request body as standard JSON: NaN, Infinity and -Infinity (which Python's json takes, and no
    database or reply can hold) are refused with a 422 naming the field; so is nesting too deep to parse."""
    try:
        return json.loads(body, parse_constant=_refuse_constant)
    except _NotStandardJSON as exc:
        constant = str(exc)
        marked = json.loads(body, parse_constant=lambda _c: _MARK)  # only now: find where, to name the field
        at = _where(marked) or ()
        raise HTTPException(422, [{"loc": _loc(["body", *at]), "type": "json_invalid",
                                   "msg": f"{constant} is not a standard JSON number: send a finite number."}]) \
            from None
    except RecursionError:
        raise HTTPException(422, [{"loc": ["body"], "type": "json_invalid",
                                   "msg": "The JSON is nested too deeply to read."}]) from None


class StrictJSONRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            self._json = strict_json(await self.body())
        return self._json


class StrictJSONRoute(APIRoute):
    """Every endpoint reads its JSON body with strict_json (FastAPI's documented custom request class)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def strict(request: Request) -> Response:
            return await handler(StrictJSONRequest(request.scope, request.receive))

        return strict


class BodyLimit:
    """ASGI middleware: refuse a body over `limit` bytes with 413, naming the limit. A declared Content-Length
    over it is answered before any of the body is read; a body streamed without one is cut off at the limit."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    def _message(self) -> str:
        return (f"The request is larger than the central store takes ({self.limit:,} bytes at most): "
                "send it in smaller parts.")

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await JSONResponse({"detail": "The Content-Length header is not a number."},
                                   status_code=400)(scope, receive, send)
                return
            if int(declared) > self.limit:
                await JSONResponse({"detail": self._message(), "limit_bytes": self.limit},
                                   status_code=413, headers={"Connection": "close"})(scope, receive, send)
                return
        received = 0

        async def limited() -> Any:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # An HTTPException: FastAPI passes it on from reading the body, and answers it as such.
                    raise HTTPException(413, self._message(), headers={"Connection": "close"})
            return message

        await self.app(scope, limited, send)


_NAME = re.compile(r"^[A-Za-z0-9_\-\[\]]{1,64}$")


def _loc(parts: Any) -> list[Any]:
    """A field's location, for a reply: names and positions only. A part that is not a plain name (a key of
    the sender's own making) is not repeated back."""
    return [p if isinstance(p, int) or (isinstance(p, str) and _NAME.match(p)) else "..." for p in parts][:16]


def _validation_reply(exc: RequestValidationError) -> JSONResponse:
    """Where and what, never the input: it may be NaN (which cannot be written as JSON), megabytes long, or
    case data. Messages are pydantic's own words, which name the rule, not the value."""
    errors = [{"loc": _loc(e.get("loc", ())), "msg": str(e.get("msg", ""))[:200], "type": str(e.get("type", ""))[:60]}
              for e in exc.errors()[:20]]
    return JSONResponse({"detail": errors}, status_code=422)


def create_app(db: CentralDB, rules: auth.Settings | None = None, max_body: int = MAX_BODY_BYTES) -> FastAPI:
    app = FastAPI(title="LPT central store", version="1", description="Sync and case allocation for LPT Desktop.")
    app.router.route_class = StrictJSONRoute  # before any route is added
    app.add_middleware(BodyLimit, limit=max_body)
    key = db.signing_key()
    rkey = auth.refresh_key(key)
    rules = rules or auth.Settings()

    # Each endpoint commits inside its own body (`with db.write() as s`), so nothing is answered before it is
    # durable: a dependency with yield may run its exit code only after the response has gone.
    def principal(creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]) -> Principal:
        if creds is None:
            raise HTTPException(401, "Sign in first.", headers={"WWW-Authenticate": "Bearer"})
        try:
            username, laptop_id, family_id = decode_access(key, creds.credentials)
        except jwt.InvalidTokenError:
            raise HTTPException(401, "Your sign-in has expired: refresh it.",
                                headers={"WWW-Authenticate": "Bearer"}) from None
        # One query for the account and, so that a revoked laptop (or sign-in) is refused at once rather than when
        # its 15-minute access token expires, the laptop's and the sign-in's revocation: every request asks it,
        # and three ORM lookups were most of a quiet sync's time on the server.
        device_revoked = select(Device.revoked_at).where(Device.laptop_id == laptop_id).scalar_subquery()
        family_revoked = select(TokenFamily.revoked_at).where(TokenFamily.id == family_id).scalar_subquery()
        with db.read() as s:
            user = s.execute(select(User.username, User.role, User.team, User.court, User.grade, User.active,
                                    device_revoked if laptop_id else null(), family_revoked if family_id else null())
                             .where(User.username == username)).first()
        if user is None or not user.active:
            raise HTTPException(401, "This account is not active.")
        if user[6] is not None:
            raise HTTPException(401, auth.WITHDRAWN, headers={"WWW-Authenticate": "Bearer"})
        if user[7] is not None:
            raise HTTPException(401, auth.SIGN_IN_AGAIN, headers={"WWW-Authenticate": "Bearer"})
        return Principal(user.username, user.role, user.team, user.court, laptop_id, user.grade)

    def admin(p: Annotated[Principal, Depends(principal)]) -> Principal:
        if p.role != "administrator":
            raise HTTPException(403, "Administrators only.")
        return p

    P = Annotated[Principal, Depends(principal)]
    A = Annotated[Principal, Depends(admin)]

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, exc: RequestValidationError) -> JSONResponse:
        return _validation_reply(exc)

    @app.exception_handler(service.Forbidden)
    async def _forbidden(_r: Request, exc: service.Forbidden) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=403)

    @app.exception_handler(DataError)
    async def _bad_value(_r: Request, _exc: DataError) -> JSONResponse:
        # A value the database cannot hold (a NUL in a path or query, a number out of range): the caller's
        # input, not a server fault. The database's message is not echoed: it can quote the value.
        return JSONResponse({"detail": "The request holds a value the central store cannot keep."},
                            status_code=422)

    @app.exception_handler(UnicodeEncodeError)
    async def _bad_text(_r: Request, _exc: UnicodeEncodeError) -> JSONResponse:
        # Text no database can store: a lone surrogate ("\ud800" in the JSON), which valid JSON may carry.
        return JSONResponse({"detail": "The request holds text that is not valid Unicode."}, status_code=422)

    @app.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok"}

    def _tokens(user: User, family: TokenFamily) -> Tokens:
        return Tokens(access_token=access_token(key, user, family.laptop_id, family=family.id),
                      refresh_token=auth.family_token(rkey, family), expires_in=ACCESS_SECONDS,
                      username=user.username, role=user.role, display_name=user.display_name or user.username,
                      grade=user.grade)

    @app.post("/auth/token")
    def token(body: TokenRequest, request: Request) -> Tokens:
        address = request.client.host if request.client else None
        # The attempt is counted as a failure before its password is checked, in one short write that refuses
        # it if the account or address is locked: attempts made at once are counted one after another, so no
        # more than the limit reach the (slow) check. A refusal costs no Argon2 hash. A right password undoes it.
        waited_since = time.monotonic()
        while True:
            with db.write() as s:
                held = auth.reserve(s, rules, body.username, address)
                settling = isinstance(held, auth.Throttled) and held.settling \
                    and time.monotonic() - waited_since < auth.SETTLE.total_seconds()
                if isinstance(held, auth.Throttled) and not settling:
                    service.audit(s, None, "sign-in throttled", detail=body.username[:120])
                user = s.get(User, body.username)
            if not settling:
                break
            time.sleep(0.05)  # attempts at once are being checked: their answer decides whether this one may try
        if isinstance(held, auth.Throttled):
            raise HTTPException(429, held.message, headers={"Retry-After": str(held.seconds)})
        ok: bool | None = check_password(user, body.password)  # outside any transaction: it is slow on purpose
        withdrawn = False
        with db.write() as s:
            if not ok:
                auth.settle(s, held)
                service.audit(s, None, "sign-in refused", detail=body.username[:120])  # counted by reserve
            else:
                assert user is not None
                auth.release(s, held)  # the right password: this attempt was no failure
                device = _claim_device(s, body.laptop_id, user.username)
                # Locked: this laptop's sign-ins run one at a time (auth.sign_in_family), on any server.
                s.refresh(device, with_for_update=True)
                withdrawn = device.revoked_at is not None
                if device.username != user.username:
                    ok = None
                elif not withdrawn:
                    auth.record_success(s, user.username)
                    service.audit(s, Principal(user.username, user.role, user.team, user.court, body.laptop_id),
                                  "sign-in")
                    tokens = _tokens(user, auth.sign_in_family(s, rkey, user.username, body.laptop_id,
                                                               rules.refresh_grace))
        if ok is None:
            raise HTTPException(409, "This laptop is enrolled for another officer.")
        if not ok:
            raise HTTPException(401, "The user name or password is wrong.")
        if withdrawn:
            raise HTTPException(403, auth.WITHDRAWN)
        return tokens

    @app.post("/auth/refresh")
    def refresh(body: RefreshRequest) -> Tokens:
        # A write: the token rotates (or, reused, its family is revoked), and that must commit before the answer.
        with db.write() as s:
            done = auth.refresh(s, rkey, body.refresh_token, rules.refresh_grace)
            user = s.get(User, done.family.username) if done.family else None
            device = s.get(Device, done.family.laptop_id) if done.family else None
            if device is not None and device.revoked_at is not None:
                done = auth.Refreshed(None, refusal=auth.WITHDRAWN)
            if done.family is not None and user is not None and user.active:
                tokens = _tokens(user, done.family)
        if done.family is None or user is None or not user.active:
            raise HTTPException(401, done.refusal or auth.SIGN_IN_AGAIN)
        return tokens

    @app.post("/sync/push")
    def push(body: PushRequest, p: P) -> PushResponse:
        try:
            with db.write() as s:
                last, results = service.push(s, p, body.laptop_id, body.cursor, body.changes)
        except service.Forbidden:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad change: redo the batch change by change (service.push)
            # Type only: a database error's message can quote case data.
            log.warning("push batch failed (%s); retrying change by change", type(exc).__name__)
            with db.write() as s:
                last, results = service.push(s, p, body.laptop_id, body.cursor, body.changes, isolate=True)
        return PushResponse(last_applied_seq=last, results=results)

    @app.get("/sync/pull", response_model=PullResponse)
    def pull(p: P, after: Annotated[int, Query(ge=0, le=2**62)] = 0,
             limit: Annotated[int, Query(ge=1, le=service.MAX_PAGE)] = 500, count: bool = False,
             seen: Annotated[int | None, Query(ge=0, le=2**62)] = None) -> Response:
        with db.write() as s:
            page = service.pull_page(s, p, after, limit, count, seen)
            for person_id in sorted(page.person_ids()):
                service.audit(s, p, "read", person_id=person_id, detail="pull")
        # Written straight from the rows, each record's data as the database's JSON text (never parsed here).
        return Response(page.to_json(), media_type="application/json")

    @app.post("/sync/verify")
    def verify(body: VerifyRequest, p: P) -> VerifyResponse:
        with db.write() as s:
            if body.cursor is not None:
                service.seen_up_to(s, p, body.cursor)
            server = service.digests(s, p)
            names = set(server) | set(body.kinds)
            bad = sorted(k for k in names if server.get(k) != body.kinds.get(k))
            service.audit(s, p, "verify", detail=f"{len(bad)} kinds differ")
        return VerifyResponse(server=server, mismatched=bad)

    @app.get("/sync/ids")
    def ids(p: P, kind: Annotated[str, Query(min_length=1, max_length=40)]) -> IdsResponse:
        with db.write() as s:
            rows = service.ids(s, p, kind)
            service.audit(s, p, "read", kind=kind, detail=f"ids of {len(rows)}")
        return IdsResponse(kind=kind, records=[IdVersion(record_id=r, version=v) for r, v in rows])

    @app.post("/sync/fetch")
    def fetch(body: FetchRequest, p: P) -> FetchResponse:
        with db.write() as s:
            items = service.fetch(s, p, body.kind, body.record_ids)
            for person_id in sorted({i.person_id for i in items if i.person_id}):
                service.audit(s, p, "read", kind=body.kind, person_id=person_id, detail="fetch")
        return FetchResponse(items=items)

    @app.get("/cases")
    def cases(p: P) -> list[CaseSummary]:
        with db.write() as s:
            rows = service.cases(s, p)
            service.audit(s, p, "read", detail=f"case list of {len(rows)}")
        return [CaseSummary(**r) for r in rows]

    @app.get("/cases/{person_id}")
    def case(person_id: str, p: P) -> list[Item]:
        with db.write() as s:
            readable = service.case_readable(s, p, person_id)
            if readable:
                rows = s.scalars(select(Record).where(Record.person_id == person_id,
                                                      Record.deleted.is_(False))).all()
                items = [service._item(r) for r in rows]
                service.audit(s, p, "read", person_id=person_id, detail="case")
            else:
                service.audit(s, p, "read refused", person_id=person_id[:36])
        if not readable:
            raise HTTPException(404, "No such case on your caseload.")
        return items

    @app.get("/kinds")
    def kinds(_p: P) -> list[str]:
        return registry.names()

    # -- administration ---------------------------------------------------------------------------
    @app.post("/admin/users", status_code=201)
    def add_user(body: UserIn, p: A) -> dict[str, str]:
        with db.write() as s:
            taken = s.get(User, body.username) is not None
            if not taken:
                s.add(User(username=body.username, password_hash=hash_password(body.password),
                           display_name=body.display_name, role=body.role, team=body.team, court=body.court,
                           grade=body.grade))
                service.audit(s, p, "user add", detail=body.username)
        if taken:
            raise HTTPException(409, "That user name is taken.")
        return {"username": body.username}

    @app.post("/admin/allocations")
    def allocate(body: AllocationIn, p: A) -> dict[str, int]:
        try:
            with db.write() as s:
                seq = service.allocate(s, body.person_id, body.officer, body.court)
                service.audit(s, p, "allocate", person_id=body.person_id, detail=body.officer)
        except ValueError as exc:
            raise HTTPException(422, str(exc)) from None
        return {"seq": seq}

    @app.post("/admin/restrictions")
    def restrict(body: RestrictionIn, p: A) -> dict[str, int]:
        with db.write() as s:
            seq = service.restrict(s, body.person_id, body.staff)
            service.audit(s, p, "restrict", person_id=body.person_id, detail=",".join(body.staff))
        return {"seq": seq}

    @app.get("/admin/audit")
    def audit_log(p: A, person_id: Annotated[str | None, Query(max_length=36)] = None,
                  limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
        with db.write() as s:
            q = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
            if person_id:
                q = q.where(AuditEntry.person_id == person_id)
            rows = [{"at": r.at.isoformat(), "username": r.username, "action": r.action, "kind": r.kind,
                     "record_id": r.record_id, "person_id": r.person_id, "detail": r.detail}
                    for r in s.scalars(q)]
            service.audit(s, p, "read audit", person_id=person_id)
        return rows

    return app


def _claim_device(s: Session, laptop_id: str, username: str) -> Device:
    """The laptop's row, made on its first sign-in. Two first sign-ins at once (a retried request) both try to
    insert: the loser's savepoint rolls back and it reads the row the winner committed."""
    device = s.get(Device, laptop_id)
    if device is not None:
        return device
    try:
        with s.begin_nested():
            device = Device(laptop_id=laptop_id, username=username)
            s.add(device)
        return device
    except IntegrityError:
        found = s.scalar(select(Device).where(Device.laptop_id == laptop_id).execution_options(
            populate_existing=True))
        if found is None:
            raise
        return found


def app_from_env() -> FastAPI:
    """Factory for `uvicorn --factory` with several workers: the database URL comes from LPT_CENTRAL_DB."""
    pool_size = int(os.environ.get("LPT_CENTRAL_POOL_SIZE", "10"))
    max_body = int(os.environ.get("LPT_CENTRAL_MAX_BODY", str(MAX_BODY_BYTES)))
    return create_app(CentralDB(os.environ["LPT_CENTRAL_DB"], pool_size=pool_size), auth.Settings.from_env(),
                      max_body=max_body)
