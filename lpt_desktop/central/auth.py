"""Passwords (Argon2id), short-lived access tokens (JWT, HS256), refresh tokens that rotate on use, revoked
laptops, and sign-in throttling kept in the database (so every application server counts alike)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import math
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lpt_desktop.central.models import Device, RefreshToken, SignInThrottle, TokenFamily, User, utcnow

ACCESS_SECONDS = 15 * 60
REFRESH_DAYS = 30
REFRESH_GRACE_SECONDS = 60.0
ROLES = ("offender_manager", "court_officer", "team_manager", "administrator")
# An officer's grade: probation officer, probation services officer, trainee (countersignature turns on it).
GRADES = ("po", "pso", "trainee")
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    if user is None or not user.active:
        _hasher.hash(password)  # same cost whether or not the user exists
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    team: str | None
    court: str | None
    laptop_id: str
    grade: str | None = None


def access_token(key: str, user: User, laptop_id: str, seconds: int = ACCESS_SECONDS, family: str = "") -> str:
    now = utcnow()
    claims = {"sub": user.username, "lap": laptop_id, "fam": family, "iat": now,
              "exp": now + timedelta(seconds=seconds), "typ": "access"}
    return jwt.encode(claims, key, algorithm="HS256")


def decode_access(key: str, token: str) -> tuple[str, str, str]:
    """(username, laptop id, token family); raises jwt.InvalidTokenError."""
    claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    if claims.get("typ") != "access":
        raise jwt.InvalidTokenError("not an access token")
    return claims["sub"], claims.get("lap", ""), claims.get("fam", "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# -- refresh tokens: families that rotate on use ------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """The sign-in rules; every application server over one database must be given the same."""

    refresh_grace: float = REFRESH_GRACE_SECONDS
    user_attempts: int = 5  # failed sign-ins per account within `window` before it is locked
    address_attempts: int = 20  # ... and per client address, across accounts
    window: timedelta = timedelta(minutes=15)
    first_lock: timedelta = timedelta(minutes=15)  # each further lock in a row lasts twice the last
    max_lock: timedelta = timedelta(hours=24)

    @staticmethod
    def from_env() -> Settings:
        """`lpt-central serve` passes its options to every worker process through the environment."""
        env = os.environ
        return Settings(refresh_grace=float(env.get("LPT_CENTRAL_REFRESH_GRACE", REFRESH_GRACE_SECONDS)),
                        user_attempts=int(env.get("LPT_CENTRAL_USER_ATTEMPTS", 5)),
                        address_attempts=int(env.get("LPT_CENTRAL_ADDRESS_ATTEMPTS", 20)))


def refresh_key(signing_key: str) -> bytes:
    """The refresh tokens' MAC key, derived from the signing key (kept apart from the JWT's own use of it)."""
    return hmac.new(signing_key.encode(), b"lpt refresh tokens v1", hashlib.sha256).digest()


def _mac(rkey: bytes, family: str, generation: int) -> str:
    digest = hmac.new(rkey, f"{family}.{generation}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def family_token(rkey: bytes, family: TokenFamily) -> str:
    return f"{family.id}.{family.generation}.{_mac(rkey, family.id, family.generation)}"


def _parse(rkey: bytes, token: str) -> tuple[str, int] | None:
    """(family id, generation) of a token this server issued; None for anything else (checked in constant time)."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(parts[1]) > 9:
        return None
    family, generation = parts[0], int(parts[1])
    if not hmac.compare_digest(parts[2].encode(), _mac(rkey, family, generation).encode()):
        return None
    return family, generation


def sign_in_family(s: Session, rkey: bytes, username: str, laptop_id: str, grace: float) -> TokenFamily:
    """The refresh token family of a new sign-in; the laptop's earlier sign-ins are revoked.

    The caller holds the laptop's device row locked, so sign-ins of one laptop run one at a time. A sign-in
    repeated within the grace period whose token was never used (a duplicated request, or a reply lost in
    transit) gets the same token again rather than revoking the one the laptop may be holding.
    """
    now = utcnow()
    _revoke_legacy(s, laptop_id)  # a sign-in ends the laptop's pre-rotation token too (it worked on for 30 days)
    live = s.scalars(select(TokenFamily).where(TokenFamily.laptop_id == laptop_id,
                                               TokenFamily.revoked_at.is_(None))
                     .order_by(TokenFamily.created_at.desc())).all()
    if live and live[0].username == username and live[0].generation == 0 \
            and live[0].created_at >= now - timedelta(seconds=grace) and live[0].expires_at > now:
        return live[0]
    for old in live:
        old.revoked_at, old.revoked_why = now, "signed in again"
    family = TokenFamily(id=secrets.token_hex(16), username=username, laptop_id=laptop_id, generation=0,
                         created_at=now, expires_at=now + timedelta(days=REFRESH_DAYS))
    s.add(family)
    return family


@dataclass(frozen=True)
class Refreshed:
    """What /auth/refresh answers: the family and its current token, or why not (a sentence for the officer)."""

    family: TokenFamily | None
    token: str = ""
    refusal: str = ""


SIGN_IN_AGAIN = "Sign in to the central store again."
REUSED = ("This sign-in was cancelled because an old copy of its token was used (a copied or stolen laptop "
          "would do that): sign in to the central store again, and tell your administrator if this was not you.")
WITHDRAWN = "This laptop's access to the central store has been withdrawn: ask an administrator."
EXPIRED = "Your sign-in to the central store is more than 30 days old: sign in again."


def refresh(s: Session, rkey: bytes, token: str, grace: float) -> Refreshed:
    """Rotate a refresh token: its family moves on one generation and the new token is returned.

    The token just replaced, presented again within `grace` seconds (the reply carrying its successor was
    lost), gets that same successor. Any other replaced token is theft: the whole family is revoked, so the
    thief's copy and the laptop's both stop working and the officer signs in again.
    """
    parsed = _parse(rkey, token)
    if parsed is None:
        return _legacy(s, rkey, token, grace)
    family = s.get(TokenFamily, parsed[0], with_for_update=True)
    if family is None:
        return Refreshed(None, refusal=SIGN_IN_AGAIN)
    now = utcnow()
    if family.revoked_at is not None:
        why = {"reused": REUSED, "laptop revoked": WITHDRAWN}.get(family.revoked_why or "", SIGN_IN_AGAIN)
        return Refreshed(None, refusal=why)
    if family.expires_at < now:
        return Refreshed(None, refusal=EXPIRED)
    generation = parsed[1]
    if generation > family.generation:  # only after the database was restored from a backup: not theft
        return Refreshed(None, refusal=SIGN_IN_AGAIN)
    if generation == family.generation:
        family.generation += 1
        family.rotated_at = now
        return Refreshed(family, family_token(rkey, family))
    if generation == family.generation - 1 and family.rotated_at is not None \
            and now - family.rotated_at <= timedelta(seconds=grace):
        return Refreshed(family, family_token(rkey, family))
    family.revoked_at, family.revoked_why = now, "reused"
    return Refreshed(None, refusal=REUSED)


def _legacy(s: Session, rkey: bytes, token: str, grace: float) -> Refreshed:
    """A refresh token issued before tokens rotated: honoured once, exchanged for a family of its own."""
    row = s.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(token)).with_for_update())
    if row is None or row.revoked or row.expires_at < utcnow():
        return Refreshed(None, refusal=SIGN_IN_AGAIN)
    row.revoked = True
    family = sign_in_family(s, rkey, row.username, row.laptop_id, grace)
    return Refreshed(family, family_token(rkey, family))


def _revoke_legacy(s: Session, laptop_id: str) -> None:
    """The laptop's refresh tokens from before tokens rotated (kept hashed in refresh_token)."""
    s.execute(update(RefreshToken).where(RefreshToken.laptop_id == laptop_id, RefreshToken.revoked.is_(False))
              .values(revoked=True))


def revoke_laptops(s: Session, *, laptop_id: str | None = None, username: str | None = None) -> list[str]:
    """Withdraw laptops (lost or stolen): their token families are revoked and their access tokens refused
    from now on (principal checks the device). The laptops revoked, by id."""
    now = utcnow()
    q = select(Device).where(Device.laptop_id == laptop_id) if laptop_id else \
        select(Device).where(Device.username == username)
    devices = list(s.scalars(q.with_for_update()))
    for device in devices:
        device.revoked_at = device.revoked_at or now
        _revoke_legacy(s, device.laptop_id)
        for family in s.scalars(select(TokenFamily).where(TokenFamily.laptop_id == device.laptop_id,
                                                          TokenFamily.revoked_at.is_(None))):
            family.revoked_at, family.revoked_why = now, "laptop revoked"
    return [d.laptop_id for d in devices]


# -- sign-in throttling -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Throttled:
    seconds: int
    message: str
    # The lock was set by attempts still being checked: a right password among them will lift it, so the
    # caller waits for them (up to SETTLE) before refusing in words that say "try again in 15 minutes".
    settling: bool = False


# How long a lock set by attempts still being checked is waited on. Longer than any password check; a server
# that died mid-check leaves its count pending, and this bounds how long that is waited for.
SETTLE = timedelta(seconds=10)


def _keys(username: str, address: str | None) -> list[str]:
    return [f"user:{username}"] + ([f"addr:{address}"] if address else [])


def _refusal(key: str, until: datetime, now: datetime) -> Throttled:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    minutes = math.ceil(seconds / 60)
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    if key.startswith("user:"):
        return Throttled(seconds, f"Too many failed sign-ins for this account: try again in {wait}, "
                                  "or ask an administrator to unlock it.")
    return Throttled(seconds, f"Too many failed sign-ins from this network address: try again in {wait}.")


def _lock_for(rules: Settings, lockouts: int) -> timedelta:
    lock: timedelta = rules.first_lock * (2 ** min(lockouts, 20))
    return min(rules.max_lock, lock)


def _row(s: Session, key: str) -> SignInThrottle:
    """The key's row, locked; made if new (two servers making it at once: the loser reads the winner's)."""
    row = s.get(SignInThrottle, key, with_for_update=True)
    if row is not None:
        return row
    try:
        with s.begin_nested():
            row = SignInThrottle(key=key, failures=0, window_start=utcnow(), lockouts=0, pending=0)
            s.add(row)
        return row
    except IntegrityError:
        found = s.get(SignInThrottle, key, with_for_update=True, populate_existing=True)
        if found is None:
            raise
        return found


def _forget_stale(s: Session, rules: Settings, now: datetime) -> None:
    if secrets.randbelow(100) == 0:  # now and then, forget counts long quiet (names sprayed from many addresses)
        stale = now - rules.max_lock - rules.window
        s.execute(delete(SignInThrottle).where(SignInThrottle.window_start < stale,
                                               (SignInThrottle.locked_until.is_(None))
                                               | (SignInThrottle.locked_until < stale)))


def _count(row: SignInThrottle, rules: Settings, now: datetime) -> None:
    """One failure more on a locked row; the row is locked when it reaches its limit."""
    limit = rules.user_attempts if row.key.startswith("user:") else rules.address_attempts
    if now - row.window_start > rules.window:
        row.failures, row.window_start = 0, now
        if row.locked_until is None or row.locked_until < now - rules.max_lock:
            row.lockouts = 0  # a quiet day since the last lock: start again from the first delay
    row.failures += 1
    if row.failures >= limit:
        row.locked_until = now + _lock_for(rules, row.lockouts)
        row.lockouts += 1
        row.failures, row.window_start = 0, now


def record_failure(s: Session, rules: Settings, username: str, address: str | None) -> None:
    """Count a failed sign-in against the account and the address; lock either that reaches its limit."""
    now = utcnow()
    _forget_stale(s, rules, now)
    for key in sorted(_keys(username, address)):  # one order everywhere: two servers never deadlock
        _count(_row(s, key), rules, now)


@dataclass(frozen=True)
class _Before:
    """A throttle row as it was before a reservation counted on it, and the lock that reservation set if any."""

    key: str
    failures: int
    window_start: datetime
    locked_until: datetime | None
    lockouts: int
    set_lock: datetime | None


@dataclass(frozen=True)
class Reservation:
    """A sign-in attempt counted as a failure before its password is checked (`reserve`), undone by `release`."""

    rows: tuple[_Before, ...]


def reserve(s: Session, rules: Settings, username: str,
            address: str | None) -> Reservation | Throttled:
    """Count this attempt as a failure now, before its (slow) password check, or refuse it if locked.

    In one short write transaction with the rows locked (FOR UPDATE on PostgreSQL; SQLite writers take the
    database lock at BEGIN IMMEDIATE): many attempts at once are counted one after another, so no more than
    the limit ever reach the password check. A refusal costs no Argon2 hash. A right password `release`s it,
    a wrong one `settle`s it. A lock set by attempts still being checked is answered `settling`: more attempts
    at once than the limit (a laptop's retries on a flaky link) would otherwise be refused with a lock the
    right password among them is about to lift.
    """
    now = utcnow()
    _forget_stale(s, rules, now)
    rows = [_row(s, key) for key in sorted(_keys(username, address))]  # one order: two servers never deadlock
    for row in sorted(rows, key=lambda r: not r.key.startswith("user:")):  # the account's lock is named first
        if row.locked_until is not None and row.locked_until > now:
            refusal = _refusal(row.key, row.locked_until, now)
            # window_start is when the lock was set (_count); refused attempts are never counted on a locked row.
            if row.pending > 0 and now - row.window_start < SETTLE:
                return Throttled(refusal.seconds, refusal.message, settling=True)
            return refusal
    before = []
    for row in rows:
        was = (row.failures, row.window_start, row.locked_until, row.lockouts)
        _count(row, rules, now)
        row.pending += 1
        before.append(_Before(row.key, *was, set_lock=row.locked_until if row.locked_until != was[2] else None))
    return Reservation(tuple(before))


def release(s: Session, reservation: Reservation) -> None:
    """Undo a reservation (the password was right): its failure is taken off, and a lock it set lifted."""
    for was in sorted(reservation.rows, key=lambda b: b.key):
        row = s.get(SignInThrottle, was.key, with_for_update=True, populate_existing=True)
        if row is None:  # unlocked by an administrator meanwhile
            continue
        row.pending = max(0, row.pending - 1)
        if was.set_lock is not None and row.locked_until == was.set_lock:
            row.failures, row.window_start = was.failures, was.window_start
            row.locked_until, row.lockouts = was.locked_until, was.lockouts
        elif was.set_lock is None and row.failures > 0:  # later attempts may have counted on it since
            row.failures -= 1


def settle(s: Session, reservation: Reservation) -> None:
    """A reserved attempt's password was wrong: its failure stands, and it is no longer pending."""
    for was in sorted(reservation.rows, key=lambda b: b.key):
        row = s.get(SignInThrottle, was.key, with_for_update=True, populate_existing=True)
        if row is not None:
            row.pending = max(0, row.pending - 1)


def record_success(s: Session, username: str) -> None:
    """The account's own failures are forgotten (its address's are not: other accounts may be under attack)."""
    row = s.get(SignInThrottle, f"user:{username}", with_for_update=True)
    if row is not None:
        s.delete(row)


def unlock_address(s: Session, address: str) -> bool:
    """`lpt-central user unlock --address`: clear a network address's failures and lock (an office behind one
    address is refused as one after 20 failures there, whoever made them)."""
    row = s.get(SignInThrottle, f"addr:{address}", with_for_update=True)
    if row is None:
        return False
    s.delete(row)
    return True


def unlock(s: Session, username: str) -> bool:
    """`lpt-central user unlock`: clear the account's failures and lock. Whether there was anything to clear."""
    row = s.get(SignInThrottle, f"user:{username}", with_for_update=True)
    if row is None:
        return False
    s.delete(row)
    return True
