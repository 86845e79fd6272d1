"""Passwords (Argon2id), short-lived access tokens (JWT, HS256) and rotating refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from lpt_desktop.central.models import RefreshToken, User, utcnow

ACCESS_SECONDS = 15 * 60
REFRESH_DAYS = 30
ROLES = ("offender_manager", "court_officer", "team_manager", "administrator")
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


def access_token(key: str, user: User, laptop_id: str, seconds: int = ACCESS_SECONDS) -> str:
    now = utcnow()
    claims = {"sub": user.username, "lap": laptop_id, "iat": now, "exp": now + timedelta(seconds=seconds),
              "typ": "access"}
    return jwt.encode(claims, key, algorithm="HS256")


def decode_access(key: str, token: str) -> tuple[str, str]:
    """(username, laptop id); raises jwt.InvalidTokenError."""
    claims = jwt.decode(token, key, algorithms=["HS256"], options={"require": ["exp", "sub"]})
    if claims.get("typ") != "access":
        raise jwt.InvalidTokenError("not an access token")
    return claims["sub"], claims.get("lap", "")


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_refresh(s: Session, username: str, laptop_id: str) -> str:
    token = secrets.token_urlsafe(32)
    s.add(RefreshToken(token_hash=_digest(token), username=username, laptop_id=laptop_id,
                       expires_at=utcnow() + timedelta(days=REFRESH_DAYS)))
    return token


def use_refresh(s: Session, token: str) -> RefreshToken | None:
    """The refresh token's row if it is live; None if unknown, revoked or expired.

    Refresh tokens are not rotated on use: on a flaky link a lost response would otherwise strand the
    laptop until the officer signs in again. They are stored hashed, expire, and are revoked per laptop.
    """
    row = s.scalar(select(RefreshToken).where(RefreshToken.token_hash == _digest(token)))
    if row is None or row.revoked or row.expires_at < utcnow():
        return None
    return row
